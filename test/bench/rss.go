package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/oshim/oshim/internal/records"
)

// rssSamples per process and call: the peak barely varies.
const rssSamples = 20

// rssTitle heads the RSS table: how the numbers were taken.
const rssTitle = `Peak RSS, MiB: wait4 ru_maxrss of each process, started by test/bench/maxrss ("true"
is the floor that leaves). ru_maxrss of a wrapper that execs the runtime is the larger of the
wrapper's peak and the runtime's (the kernel keeps the peak across execve), and includes a
runtime run as a child; so oshim and the floor call /bin/true as the "runtime" here, and
what is left is their own peak. The runtimes' own rows run a real container.`

// RSS is the peak resident set of one process for one kind of call.
type RSS struct {
	Process   string `json:"process"`
	Call      string `json:"call"`
	MedianKiB int64  `json:"median_kib"`
	MaxKiB    int64  `json:"max_kib"`
}

func measureRSS(ws *workspace) ([]RSS, error) {
	truePath, state, err := ws.trueRuntime()
	if err != nil {
		return nil, err
	}
	l, err := newLauncher(ws.Dir)
	if err != nil {
		return nil, err
	}
	defer l.close()
	result := filepath.Join(ws.Dir, "spawned")
	var out []RSS
	measure := func(name string, s setup, call string) error {
		kib := make([]int64, 0, rssSamples)
		for n := range rssSamples {
			id := fmt.Sprintf("rss-%d", n)
			bundle := filepath.Join(ws.Bundles, id)
			if err := os.Mkdir(bundle, 0o755); err != nil {
				return fmt.Errorf("create bundle: %w", err)
			}
			if err := os.WriteFile(filepath.Join(bundle, "config.json"), s.Template, 0o644); err != nil {
				return fmt.Errorf("write config.json: %w", err)
			}
			argv := s.argv(call, "--bundle", bundle, id)
			if call == "exec" {
				argv = []string{s.Bin}
			}
			env := append(slices.Clone(s.Env), "MAXRSS_OUT="+result)
			_, err := l.call(append([]string{ws.MaxRSS}, argv...), env)
			os.RemoveAll(bundle)
			if err != nil {
				return fmt.Errorf("peak RSS of %s %s: %w", name, call, err)
			}
			v, err := readSpawned(result)
			if err != nil {
				return err
			}
			kib = append(kib, v)
			if err := (records.Store{Dir: ws.RunDir}).Remove(s.State, id); err != nil {
				return err
			}
		}
		slices.Sort(kib)
		out = append(out, RSS{Process: name, Call: call, MedianKiB: kib[len(kib)/2], MaxKiB: kib[len(kib)-1]})
		return nil
	}
	template := ws.Runtimes[0].Template
	if err := measure("true", setup{Bin: truePath}, "exec"); err != nil {
		return nil, err
	}
	for _, v := range Variants[1:] {
		s := setup{Variant: v, Bin: ws.Oshim, State: state, Template: template,
			Env: []string{basePath, "OSHIM_RUNTIME=" + truePath, "OSHIM_CONFIG=" + ws.Configs[v]}}
		name := "oshim " + v
		if v == "floor" {
			s.Bin, s.Env, name = ws.Floor, []string{basePath, "FLOOR_RUNTIME=" + truePath}, "floor"
		}
		for _, call := range []string{"run", "create"} {
			if err := measure(name, s, call); err != nil {
				return nil, err
			}
		}
		if v == "floor" {
			libs := s
			libs.Bin = ws.FloorLibs
			if err := measure("floor linking oshim's libraries", libs, "run"); err != nil {
				return nil, err
			}
		}
	}
	for _, rt := range ws.Runtimes {
		s := setup{Variant: "direct", Bin: rt.Path, State: rt.State, Template: rt.Template, Env: []string{basePath}}
		if err := measure(rt.Name+" (a real container)", s, "run"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// readSpawned reads what maxrss wrote.
func readSpawned(path string) (int64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("read the result of maxrss: %w", err)
	}
	kib, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("the result of maxrss %q: %w", data, err)
	}
	return kib, nil
}
