package main

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/oshim/oshim/internal/initproc"
	"github.com/oshim/oshim/internal/records"
)

// Item is one measured part of oshim's cost, in ms.
type Item struct {
	Name    string  `json:"name"`
	Summary Summary `json:"summary_ms"`
	// Faults is the median of the process's page faults (processes only).
	Faults float64 `json:"faults,omitempty"`
}

// Breakdown isolates oshim's own costs from the runtime's noise: processes whose
// "runtime" is /bin/true, the in-container init run on the host, the rewrite's steps
// in this process, and Go's package initialisation of oshim.
type Breakdown struct {
	Exec      []Item    `json:"exec"`
	InProcess []Item    `json:"in_process"`
	InitTrace InitTrace `json:"init_trace"`
	// InitBytes is the size of oshim-init, copied into every container with the init.
	InitBytes int64 `json:"init_bytes"`
}

func breakdown(ws *workspace, o options) (*Breakdown, error) {
	b := &Breakdown{InitBytes: fileSize(ws.Init)}
	tmpfs := filepath.Join(ws.Tmpfs, "steps")
	if err := os.MkdirAll(tmpfs, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", tmpfs, err)
	}
	defer os.RemoveAll(tmpfs)
	steps, initArgs, err := rewriteSteps(ws, tmpfs, o.Micro)
	if err != nil {
		return nil, err
	}
	b.InProcess = steps
	if b.Exec, err = execCosts(ws, initArgs, o.Micro, rand.New(rand.NewSource(o.Seed+2))); err != nil {
		return nil, err
	}
	if b.InitTrace, err = traceInit(ws, 20); err != nil {
		return nil, err
	}
	return b, nil
}

// execCosts times whole processes, interleaved round by round: every difference
// between two rows is one part of oshim's cost.
func execCosts(ws *workspace, initArgs []string, n int, rng *rand.Rand) ([]Item, error) {
	tb, err := newTrueBench(ws)
	if err != nil {
		return nil, err
	}
	defer tb.close()
	crowded, err := crowdedConfig(ws, tb.state)
	if err != nil {
		return nil, err
	}
	crowdedRun := tb.run(ws.Oshim, "require")
	crowdedRun.name = fmt.Sprintf("oshim require `run` -> true, %d records in run_dir", crowdedRecords)
	crowdedRun.env = []string{basePath, "OSHIM_RUNTIME=" + tb.truePath, "OSHIM_CONFIG=" + crowded}
	rows := []execRow{
		{"true", []string{tb.truePath}, []string{basePath}},
		{"floor -> true", []string{ws.Floor, "run", "x"}, []string{basePath, "FLOOR_RUNTIME=" + tb.truePath}},
		{"floor linking oshim's libraries -> true", []string{ws.FloorLibs, "run", "x"}, []string{basePath, "FLOOR_RUNTIME=" + tb.truePath}},
		tb.run(ws.Oshim, "passthrough"), tb.run(ws.Oshim, "require"), tb.run(ws.Oshim, "clear"), crowdedRun,
		{"oshim-init (verify only) -> true", []string{ws.Init, "--", tb.truePath}, []string{basePath}},
		{"oshim-init (as injected for clear) -> true", append(initArgs, tb.truePath), []string{basePath}},
	}
	samples, err := tb.interleave(rows, n, rng)
	if err != nil {
		return nil, err
	}
	items := make([]Item, len(rows))
	for i, r := range rows {
		items[i] = Item{Name: r.name, Summary: Summarize(samples[i].WallMS), Faults: Summarize(samples[i].Faults).Median}
	}
	return items, nil
}

// execRow is one process timed by trueBench.interleave.
type execRow struct {
	name string
	argv []string
	env  []string
}

// trueBench times whole oshim processes whose runtime is /bin/true: what is left is
// oshim's own part of a call, without the runtime's noise.
type trueBench struct {
	ws       *workspace
	l        *launcher
	truePath string
	state    string // the --root of the calls
	bundle   string
}

func newTrueBench(ws *workspace) (*trueBench, error) {
	truePath, state, err := ws.trueRuntime()
	if err != nil {
		return nil, err
	}
	bundle := filepath.Join(ws.Bundles, "breakdown")
	if err := os.MkdirAll(bundle, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", bundle, err)
	}
	l, err := newLauncher(ws.Dir)
	if err != nil {
		os.RemoveAll(bundle)
		return nil, err
	}
	return &trueBench{ws: ws, l: l, truePath: truePath, state: state, bundle: bundle}, nil
}

func (tb *trueBench) close() {
	tb.l.close()
	os.RemoveAll(tb.bundle)
}

// run is `oshim run` of the bench's bundle by the oshim at bin, with variant's config.
func (tb *trueBench) run(bin, variant string) execRow {
	return execRow{"oshim " + variant + " `run` -> true", []string{bin, "--root", tb.state, "run", "--bundle", tb.bundle, "bd"},
		[]string{basePath, "OSHIM_RUNTIME=" + tb.truePath, "OSHIM_CONFIG=" + tb.ws.Configs[variant]}}
}

// rowSamples are one row's measurements, in round order.
type rowSamples struct {
	WallMS, Faults []float64
}

// interleave runs every row n times, in a new order every round, and returns what
// each row measured.
func (tb *trueBench) interleave(rows []execRow, n int, rng *rand.Rand) ([]rowSamples, error) {
	config := filepath.Join(tb.bundle, "config.json")
	samples := make([]rowSamples, len(rows))
	for round := range n {
		// A new order every round: a row that always followed the same other row
		// would pay for what that one left behind (its writes, its exited children).
		for _, i := range rng.Perm(len(rows)) {
			r := rows[i]
			// Every call rewrites config.json and records the container: start each
			// from the template, written as an engine writes it, outside the timing.
			if err := freshConfig(config, tb.ws.Runtimes[0].Template); err != nil {
				return nil, err
			}
			res, err := tb.l.call(r.argv, r.env)
			if err != nil {
				return nil, fmt.Errorf("%s (round %d): %w", r.name, round, err)
			}
			samples[i].WallMS = append(samples[i].WallMS, ms(res.Wall))
			samples[i].Faults = append(samples[i].Faults, float64(res.Faults))
		}
	}
	return samples, nil
}

// crowdedRecords is how many records crowdedConfig leaves in its run directory: a
// node with that many contracted containers.
const crowdedRecords = 500

// crowdedConfig writes the require contract with a run directory that already holds
// crowdedRecords records of live containers: what a create costs on a busy node.
func crowdedConfig(ws *workspace, root string) (string, error) {
	dir := filepath.Join(ws.Tmpfs, "run-crowded")
	store := records.Store{Dir: dir}
	for i := range crowdedRecords {
		rec := &records.Container{ID: fmt.Sprintf("crowd-%d", i), Root: root, Contract: "bench-require", Created: time.Now().UTC(),
			Before: map[string][]string{"bounding": {"CAP_KILL"}}, After: map[string][]string{"bounding": {"CAP_KILL", "CAP_SETPCAP"}}}
		if err := store.Save(rec); err != nil {
			return "", err
		}
	}
	return ws.writeConfig("require-crowded", "require", dir)
}

// hostInitArgs turns the init's argv from a rewritten config.json into one that runs
// on the host: the host's oshim-init instead of the mounted copy, no result FIFO
// (nobody reads it), and the workload left for the caller to append.
func hostInitArgs(init string, args []string) ([]string, error) {
	i := slices.Index(args, "--")
	if len(args) < 1 || args[0] != initproc.Binary || i < 1 {
		return nil, fmt.Errorf("process.args %q do not start with oshim's init", args)
	}
	out := []string{init}
	for j := 1; j < i; j++ {
		if args[j] == "--result" {
			j++
			continue
		}
		out = append(out, args[j])
	}
	return append(out, "--"), nil
}

// timeIt runs setup (when not nil, untimed) and fn n times and summarises fn's wall
// time in ms.
func timeIt(n int, setup, fn func() error) (Summary, error) {
	s := make([]float64, 0, n)
	for range n {
		if setup != nil {
			if err := setup(); err != nil {
				return Summary{}, err
			}
		}
		start := time.Now()
		if err := fn(); err != nil {
			return Summary{}, err
		}
		s = append(s, ms(time.Since(start)))
	}
	return Summarize(s), nil
}
