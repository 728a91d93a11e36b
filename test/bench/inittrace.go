package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// InitTrace is Go's package initialisation in one oshim call, from GODEBUG=inittrace=1:
// work every call pays before main, including the init's.
type InitTrace struct {
	Runs int `json:"runs"`
	// TotalMS is the median over runs of the sum of every package's init time.
	TotalMS float64 `json:"total_ms"`
	// Packages are the slowest packages by median init time.
	Packages []PackageInit `json:"packages"`
}

// PackageInit is one package's initialisation.
type PackageInit struct {
	Package string  `json:"package"`
	MS      float64 `json:"ms"`
	Bytes   int64   `json:"bytes"`
	Allocs  int64   `json:"allocs"`
}

// traceInit runs a passthrough call (a kill, to /bin/true as the runtime) runs times
// with inittrace on.
func traceInit(ws *workspace, runs int) (InitTrace, error) {
	truePath, err := exec.LookPath("true")
	if err != nil {
		return InitTrace{}, fmt.Errorf("find true: %w", err)
	}
	l, err := newLauncher(ws.Dir)
	if err != nil {
		return InitTrace{}, err
	}
	defer l.close()
	env := []string{basePath, "GODEBUG=inittrace=1", "OSHIM_RUNTIME=" + truePath, "OSHIM_CONFIG=" + ws.Configs["passthrough"]}
	argv := []string{ws.Oshim, "--root", filepath.Join(ws.Dir, "state", "true"), "kill", "none", "KILL"}
	totals := make([]float64, 0, runs)
	perPkg := map[string][]PackageInit{}
	for range runs {
		if _, err := l.call(argv, env); err != nil {
			return InitTrace{}, err
		}
		text, err := os.ReadFile(l.stderr.Name())
		if err != nil {
			return InitTrace{}, fmt.Errorf("read inittrace: %w", err)
		}
		pkgs, err := parseInitTrace(string(text))
		if err != nil {
			return InitTrace{}, err
		}
		var total float64
		for _, p := range pkgs {
			total += p.MS
			perPkg[p.Package] = append(perPkg[p.Package], p)
		}
		totals = append(totals, total)
	}
	tr := InitTrace{Runs: runs, TotalMS: Summarize(totals).Median}
	for name, list := range perPkg {
		t := make([]float64, len(list))
		for i, p := range list {
			t[i] = p.MS
		}
		tr.Packages = append(tr.Packages, PackageInit{Package: name, MS: Summarize(t).Median, Bytes: list[0].Bytes, Allocs: list[0].Allocs})
	}
	slices.SortFunc(tr.Packages, func(a, b PackageInit) int {
		if a.MS != b.MS {
			return -cmpFloat(a.MS, b.MS)
		}
		return strings.Compare(a.Package, b.Package)
	})
	tr.Packages = tr.Packages[:min(len(tr.Packages), 8)]
	return tr, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// parseInitTrace reads the runtime's lines
// "init PKG @START ms, CLOCK ms clock, BYTES bytes, ALLOCS allocs"; other lines (the
// program's own stderr) are ignored.
func parseInitTrace(text string) ([]PackageInit, error) {
	var out []PackageInit
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "init ") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 11 || !strings.HasPrefix(f[2], "@") || f[6] != "clock," || f[8] != "bytes," || f[10] != "allocs" {
			return nil, fmt.Errorf("inittrace line %q: unknown format", line)
		}
		clock, err := strconv.ParseFloat(f[4], 64)
		if err != nil {
			return nil, fmt.Errorf("inittrace line %q: clock: %w", line, err)
		}
		bytes, err := strconv.ParseInt(f[7], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("inittrace line %q: bytes: %w", line, err)
		}
		allocs, err := strconv.ParseInt(f[9], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("inittrace line %q: allocs: %w", line, err)
		}
		out = append(out, PackageInit{Package: f[1], MS: clock, Bytes: bytes, Allocs: allocs})
	}
	return out, nil
}
