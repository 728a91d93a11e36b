package main

import (
	"reflect"
	"testing"
)

func TestReadTargets(t *testing.T) {
	series := []*Series{
		{Runtime: "crun", Variant: "direct", Lifecycle: LifecycleRun, Summary: Summary{Median: 8}},
		{Runtime: "crun", Variant: "floor", Lifecycle: LifecycleRun, Summary: Summary{Median: 10}, SamplesMS: []float64{9.8, 13.5, 10.5}},
		// The paired difference is read from the samples, round by round.
		{Runtime: "crun", Variant: "passthrough", Lifecycle: LifecycleRun, Summary: Summary{Median: 10.2}, SamplesMS: []float64{10, 14, 11}},
		{Runtime: "crun", Variant: "require", Lifecycle: LifecycleRun, Summary: Summary{Median: 11.5}},
		{Runtime: "crun", Variant: "clear", Lifecycle: LifecycleRun, Summary: Summary{Median: 12}},
		{Runtime: "crun", Variant: "direct", Lifecycle: LifecycleCycle, Summary: Summary{Median: 20}},
		// Per call, as the difference of medians.
		{Runtime: "crun", Variant: "floor", Lifecycle: LifecycleCycle, Summary: Summary{Median: 26}, SamplesMS: []float64{26, 30}},
		{Runtime: "crun", Variant: "passthrough", Lifecycle: LifecycleCycle, Summary: Summary{Median: 27.5}, SamplesMS: []float64{29, 30}},
		// require has no target for create+start+delete.
		{Runtime: "crun", Variant: "require", Lifecycle: LifecycleCycle, Summary: Summary{Median: 40}},
		{Runtime: "crun", Variant: "clear", Lifecycle: LifecycleCycle, Summary: Summary{Median: 32}},
	}
	want := []Target{
		{What: "passthrough - floor, per call", Runtime: "crun", Lifecycle: LifecycleRun, ValueMS: 0.2, PairedMS: 0.5, LimitMS: 0.5, Met: true},
		{What: "passthrough - floor, per call", Runtime: "crun", Lifecycle: LifecycleCycle, ValueMS: 0.5, PairedMS: 0.5, LimitMS: 0.5, Met: true},
		{What: "require (rewrite) - passthrough", Runtime: "crun", Lifecycle: LifecycleRun, ValueMS: 1.3, LimitMS: 1, Met: false},
		{What: "clear (rewrite + init) - passthrough", Runtime: "crun", Lifecycle: LifecycleRun, ValueMS: 1.8, LimitMS: 3, Met: true},
		{What: "clear (rewrite + init) - passthrough", Runtime: "crun", Lifecycle: LifecycleCycle, ValueMS: 4.5, LimitMS: 4, Met: false},
	}
	got := readTargets(series)
	if len(got) != len(want) {
		t.Fatalf("readTargets() = %+v, want %+v", got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if !near(g.ValueMS, w.ValueMS) || !near(g.PairedMS, w.PairedMS) {
			t.Errorf("target %d value, paired = %v, %v, want %v, %v", i, g.ValueMS, g.PairedMS, w.ValueMS, w.PairedMS)
		}
		g.ValueMS, w.ValueMS, g.PairedMS, w.PairedMS = 0, 0, 0, 0
		if !reflect.DeepEqual(g, w) {
			t.Errorf("target %d = %+v, want %+v", i, g, w)
		}
	}
}
