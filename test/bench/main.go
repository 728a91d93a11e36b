// Command bench measures what oshim adds to a container's start, against crun and runc
// called directly and against a floor wrapper (a Go program that only execs the
// runtime). It runs the configurations round by round, interleaved and in shuffled
// order, so the machine's noise hits them all alike, then a parallel run, a peak-RSS
// measurement and a breakdown of oshim's own costs. It prints a table and writes the
// raw numbers as JSON and a PNG chart of the added milliseconds.
//
// Run it as root from the repository root (it re-executes itself in a private mount
// namespace without the cgroup2 mount, which crun needs on hybrid-cgroup hosts):
//
//	go run ./test/bench -oshim bin/oshim -out test/bench/results
//
// With -base REV it compares two builds instead: it builds the repository at REV with
// that revision's Makefile and runs both builds' oshim configurations and the direct
// runtime interleaved, each build as two byte-identical copies, whose own difference
// is what a difference between the builds is read against (ab.txt, ab.json):
//
//	go run ./test/bench -oshim bin/oshim -base main -runtimes crun -rounds 200
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// options are the command-line settings.
type options struct {
	Oshim         string
	Out           string
	Work          string
	Runtimes      string
	Rounds        int
	Warmup        int
	Parallel      int
	ParallelTotal int
	Micro         int
	Seed          int64
	Keep          bool
	Render        string
	Base          string
}

func main() {
	var o options
	flag.StringVar(&o.Oshim, "oshim", "", "oshim binary to measure, with oshim-init beside it (default: build both with make build)")
	flag.StringVar(&o.Out, "out", "test/bench/results", "directory for bench.json, bench.txt and bench.png")
	flag.StringVar(&o.Work, "work", "", "scratch directory for bundles, state and records (default: a new one under $TMPDIR)")
	flag.StringVar(&o.Runtimes, "runtimes", "crun,runc", "runtimes to measure, comma-separated names on PATH")
	flag.IntVar(&o.Rounds, "rounds", 100, "measured rounds; each runs every configuration once per lifecycle")
	flag.IntVar(&o.Warmup, "warmup", 5, "rounds run first and not counted")
	flag.IntVar(&o.Parallel, "parallel", 8, "containers at a time in the parallel run (0 skips it)")
	flag.IntVar(&o.ParallelTotal, "parallel-total", 200, "lifecycles per configuration in the parallel run")
	flag.IntVar(&o.Micro, "micro", 200, "samples per item of the breakdown")
	flag.Int64Var(&o.Seed, "seed", 0, "seed of the per-round order (0: from the clock)")
	flag.BoolVar(&o.Keep, "keep", false, "keep the scratch directory")
	flag.StringVar(&o.Render, "render", "", "measure nothing: re-read this bench.json and write its table, JSON and chart to -out again")
	flag.StringVar(&o.Base, "base", "", "compare builds instead: build this git revision of the repository with its Makefile and measure it against -oshim, interleaved, each as two copies; writes ab.txt and ab.json to -out")
	flag.Parse()
	if o.Render != "" {
		if err := render(o.Render, o.Out); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if o.Seed == 0 {
		o.Seed = time.Now().UnixNano()
	}
	if err := enterNamespace(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	job := run
	if o.Base != "" {
		job = compareBuilds
	}
	if err := inWorkspace(o, job); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// inWorkspace checks the options, prepares the scratch directory and runs job in it.
func inWorkspace(o options, job func(options, *workspace) error) error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("run as root: the runtimes create real containers")
	}
	if err := checkOptions(o); err != nil {
		return err
	}
	ws, err := newWorkspace(o)
	if err != nil {
		return err
	}
	if !o.Keep {
		defer ws.remove()
	}
	return job(o, ws)
}

// run measures everything and writes bench.txt, bench.json and bench.png.
func run(o options, ws *workspace) error {
	res := &Results{Version: 1, Started: time.Now().UTC(), Settings: settingsOf(o), Machine: describeMachine(ws)}
	if err := measure(o, ws, res); err != nil {
		return err
	}
	res.Finished = time.Now().UTC()
	return writeOutputs(o.Out, res)
}

// render writes the outputs of an earlier run again, with this version's table and
// targets, so results of different commits can be compared side by side.
func render(path, out string) error {
	res, err := readJSON(path)
	if err != nil {
		return err
	}
	res.Targets = readTargets(res.Serial)
	return writeOutputs(out, res)
}

func checkOptions(o options) error {
	switch {
	case o.Rounds < 1:
		return fmt.Errorf("-rounds %d: need at least 1", o.Rounds)
	case o.Warmup < 1:
		return fmt.Errorf("-warmup %d: need at least 1 (the first round also checks each configuration)", o.Warmup)
	case o.Parallel < 0 || o.ParallelTotal < 1:
		return fmt.Errorf("-parallel %d -parallel-total %d: need parallel >= 0 and total >= 1", o.Parallel, o.ParallelTotal)
	case o.Micro < 1:
		return fmt.Errorf("-micro %d: need at least 1", o.Micro)
	}
	return nil
}

// measure runs every phase and fills res.
func measure(o options, ws *workspace, res *Results) error {
	setups, err := ws.setups()
	if err != nil {
		return err
	}
	progress("serial: %d configurations, %d warm-up + %d rounds", len(setups), o.Warmup, o.Rounds)
	if res.Serial, err = runSerial(ws, setups, o); err != nil {
		return err
	}
	res.Targets = readTargets(res.Serial)
	if o.Parallel > 0 {
		progress("parallel: %d at a time, %d lifecycles per configuration", o.Parallel, o.ParallelTotal)
		if res.Parallel, err = runParallel(ws, setups, o); err != nil {
			return err
		}
	}
	progress("peak RSS")
	if res.RSS, err = measureRSS(ws); err != nil {
		return err
	}
	progress("breakdown of oshim's own costs")
	if res.Breakdown, err = breakdown(ws, o); err != nil {
		return err
	}
	return nil
}

func writeOutputs(dir string, res *Results) error {
	if err := writeReport(dir, "bench", renderText(res), res); err != nil {
		return err
	}
	if err := writeChart(filepath.Join(dir, "bench.png"), res); err != nil {
		return err
	}
	fmt.Printf("\nwrote %s/bench.{txt,json,png}\n", dir)
	return nil
}

// writeReport prints text and writes it to dir/NAME.txt, and v, indented, to
// dir/NAME.json.
func writeReport(dir, name, text string, v any) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	fmt.Print(text)
	if err := os.WriteFile(filepath.Join(dir, name+".txt"), []byte(text), 0o644); err != nil {
		return fmt.Errorf("write %s.txt: %w", name, err)
	}
	return writeJSON(filepath.Join(dir, name+".json"), v)
}

// progress reports a phase on stderr, so stdout holds only the results.
func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}
