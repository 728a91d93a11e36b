// Package matrix is `make matrix`: every contract measured through every way oshim
// runs. Each cell is one runtime (crun, runc), path (the runtime called directly,
// podman rootful and rootless, podman's hook mode, containerd through CRI, Docker),
// user (uid 0, uid 1000 with ambient capabilities), no_new_privs setting and contract
// (repair with require = ["CAP_SETPCAP"], deny, report, bounding = "clear"), always
// with a spec that withholds CAP_SETPCAP, plus the plain runtime under each engine.
//
// A cell states what its contract promises, derived from the spec by the kernel's
// rules (model_test.go; TestPromise states the same by hand), and checks it against
// the workload's own /proc/self/status, its exit status and, where the workload keeps
// running, the host's /proc of it and an exec session. A cell the path cannot express
// is n/a with the reason. TestMain prints the table, and writes it as Markdown with
// -out FILE.
//
// Needs root and what `make deps` installs (crun, runc, podman, containerd, docker.io,
// busybox-static, ...), plus the Go module proxy for crictl. Nothing skips.
package matrix

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oshim/oshim/test/harness"
)

var out = flag.String("out", "", "also write the table, in Markdown, to this file")

// header are the table's first lines: what was measured, where, how long it took.
var header []string

func TestMain(m *testing.M) {
	flag.Parse()
	start := time.Now()
	code := harness.Main(m)
	if err := show(code, time.Since(start)); err != nil {
		fmt.Fprintf(os.Stderr, "matrix: %v\n", err)
		code = 1
	}
	os.Exit(code)
}

// show prints the table of the cells that ran, if any, and writes it to -out.
func show(code int, took time.Duration) error {
	results.Lock()
	defer results.Unlock()
	if len(results.table) == 0 {
		return nil
	}
	table := results.table.render(append(header, fmt.Sprintf("Measured in %v (exit status of the run: %d).", took.Round(time.Second), code)))
	fmt.Print(table)
	if *out == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return fmt.Errorf("write the table: %w", err)
	}
	if err := os.WriteFile(*out, []byte(table), 0o644); err != nil {
		return fmt.Errorf("write the table: %w", err)
	}
	return nil
}

// engine runs the cells of one path; it is set up once and shared by them.
type engine interface {
	run(t *testing.T, c cell) observation
}

// setups make each path's engine.
var setups = map[string]func(t *testing.T) engine{
	"direct":   newDirect,
	"podman":   func(t *testing.T) engine { return newPodman(t, false, false) },
	"rootless": func(t *testing.T) engine { return newPodman(t, true, false) },
	"hooks":    func(t *testing.T) engine { return newPodman(t, false, true) },
	"cri":      newCRI,
	"docker":   newDocker,
}

// TestMatrix runs every cell, the paths side by side and the cells of a path in
// parallel on its one engine.
func TestMatrix(t *testing.T) {
	header = about(t)
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			ready := false
			defer func() {
				for _, c := range cells(p) {
					if !ready && c.notApplicable() == "" {
						keep(result{cell: c, promise: promise(c.kind, c.spec(), c.root(), c.nnp),
							failures: []string{"the path's engine could not be set up: see the test log"}})
					}
				}
			}()
			eng := setups[p.name](t)
			ready = true
			for _, c := range cells(p) {
				t.Run(c.name(), func(t *testing.T) {
					if why := c.notApplicable(); why != "" {
						keep(result{cell: c, na: why})
						return
					}
					t.Parallel()
					// A harness helper may stop the test (t.Fatal runs deferred calls):
					// the cell then fails in the table too.
					r := result{cell: c, promise: promise(c.kind, c.spec(), c.root(), c.nnp),
						failures: []string{"the cell's test stopped before its container could be judged: see the test log"}}
					defer func() { keep(r) }()
					r = judge(c, eng.run(t, c))
					for _, f := range r.failures {
						t.Errorf("%s: %s", c.name(), f)
					}
				})
			}
		})
	}
}

// about says what a table shows, how to read a row, and what it ran on.
func about(t *testing.T) []string {
	t.Helper()
	first := func(argv ...string) string {
		r := harness.Run(t, nil, argv...)
		line, _, _ := strings.Cut(strings.TrimSpace(r.Stdout+r.Stderr), "\n")
		return line
	}
	return []string{
		"Every cell's spec withholds CAP_SETPCAP (the older orchestrator's skew) and grants CAP_KILL and CAP_NET_BIND_SERVICE: " +
			"in bounding, effective and permitted for uid 0, in all five lists for uid 1000 where the engine sets ambient capabilities. " +
			"`make matrix` writes this file; see test/matrix for how each cell is measured.",
		"",
		"How to read a row: *the contract promises* the sets the workload starts with (bnd, eff, prm, inh, amb: " +
			"bounding, effective, permitted, inheritable, ambient), derived from the spec and the contract by the kernel's rules. " +
			"*/proc showed* is \"as promised\" when the workload's own /proc/self/status matched all five sets bit for bit " +
			"(else the sets it showed), then how the workload went on. *exec session* is what capdump held in an exec session " +
			"of the running workload, against the limit the contract sets for exec sessions. A failing cell says what was " +
			"expected and what was measured.",
		"",
		"Ran on: kernel " + first("uname", "-r") + "; oshim at commit " + first("git", "describe", "--always", "--dirty") + "; " +
			first("crun", "--version") + "; " + first(harness.Runtime(t, "runc"), "--version") + "; " +
			first("podman", "--version") + "; " + first("containerd", "--version") + "; " + first("dockerd", "--version") + ".",
	}
}
