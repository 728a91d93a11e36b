package main

import (
	"strings"
	"testing"
	"time"
)

func TestRenderText(t *testing.T) {
	res := &Results{
		Started:  time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC),
		Machine:  Machine{Kernel: "6.18", CPU: "EPYC", CPUs: 2, Go: "go1.26", Oshim: "abc123", Runtimes: map[string]string{"crun": "crun version 1.8.1"}, BundleFS: "ext4", RunFS: "tmpfs"},
		Settings: Settings{Rounds: 100, Warmup: 5, Seed: 7},
		Serial: []*Series{
			{Runtime: "crun", Variant: "direct", Lifecycle: LifecycleRun, Summary: Summary{Median: 8, P90: 9}, Ratio: 1},
			{Runtime: "crun", Variant: "clear", Lifecycle: LifecycleCycle, Summary: Summary{Median: 30, P90: 33}, Ratio: 1.2, AddedMS: 5,
				StepMedianMS: map[string]float64{"create": 12, "start": 8, "wait": 1, "delete": 9}, Faults: []float64{1234}, FaultsMedian: 1234},
		},
		Targets:   []Target{{What: "clear (rewrite + init) - passthrough", Runtime: "crun", Lifecycle: LifecycleRun, ValueMS: 2.5, LimitMS: 2}},
		Parallel:  []*Parallel{{Runtime: "crun", Variant: "clear", Workers: 8, Total: 200, Failures: 1, FirstError: "boom"}},
		RSS:       []RSS{{Process: "oshim clear", Call: "run", MedianKiB: 4700, MaxKiB: 4900}},
		Breakdown: &Breakdown{Exec: []Item{{Name: "true"}}, InProcess: []Item{{Name: "config.Load"}}, InitTrace: InitTrace{Runs: 20, TotalMS: 1.5, Packages: []PackageInit{{Package: "internal/godebug", MS: 0.8}}}},
	}
	text := renderText(res)
	for _, want := range []string{
		"oshim abc123, crun 1.8.1; kernel 6.18, 2 x EPYC, go1.26; bundles on ext4, oshim run_dir on tmpfs",
		"100 rounds after 5 warm-up",
		"create 12.00  start 8.00  wait 1.00  delete 9.00",
		"+0.00    1234  create 12.00",
		"MISSED",
		"crun/clear first failure: boom",
		"oshim clear",
		"4.6",
		"internal/godebug",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
}

// A series that counted page faults gets their median; one from a run that did not
// (an older bench.json redrawn) keeps none.
func TestDeriveFaults(t *testing.T) {
	counted := &Series{Runtime: "crun", Variant: "direct", Lifecycle: LifecycleRun, SamplesMS: []float64{1, 2, 3}, Faults: []float64{300, 320, 310}}
	old := &Series{Runtime: "crun", Variant: "clear", Lifecycle: LifecycleRun, SamplesMS: []float64{1, 2, 3}}
	derive([]*Series{counted, old})
	if counted.FaultsMedian != 310 || old.FaultsMedian != 0 {
		t.Fatalf("faults medians %v and %v, want 310 and none", counted.FaultsMedian, old.FaultsMedian)
	}
}
