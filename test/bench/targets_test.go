package main

import (
	"reflect"
	"testing"
)

func TestReadTargets(t *testing.T) {
	series := []*Series{
		{Runtime: "crun", Variant: "direct", Lifecycle: LifecycleRun, Summary: Summary{Median: 8}},
		{Runtime: "crun", Variant: "floor", Lifecycle: LifecycleRun, Summary: Summary{Median: 10}},
		{Runtime: "crun", Variant: "passthrough", Lifecycle: LifecycleRun, Summary: Summary{Median: 10.2}},
		{Runtime: "crun", Variant: "require", Lifecycle: LifecycleRun, Summary: Summary{Median: 11.5}},
		{Runtime: "crun", Variant: "clear", Lifecycle: LifecycleRun, Summary: Summary{Median: 12}},
		{Runtime: "crun", Variant: "direct", Lifecycle: LifecycleCycle, Summary: Summary{Median: 20}},
		{Runtime: "crun", Variant: "floor", Lifecycle: LifecycleCycle, Summary: Summary{Median: 26}},
		{Runtime: "crun", Variant: "passthrough", Lifecycle: LifecycleCycle, Summary: Summary{Median: 27.5}},
		// require has no target for create+start+delete.
		{Runtime: "crun", Variant: "require", Lifecycle: LifecycleCycle, Summary: Summary{Median: 40}},
		{Runtime: "crun", Variant: "clear", Lifecycle: LifecycleCycle, Summary: Summary{Median: 32}},
	}
	want := []Target{
		{What: "passthrough - floor, per call", Runtime: "crun", Lifecycle: LifecycleRun, ValueMS: 0.2, LimitMS: 0.5, Met: true},
		{What: "passthrough - floor, per call", Runtime: "crun", Lifecycle: LifecycleCycle, ValueMS: 0.5, LimitMS: 0.5, Met: true},
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
		if !near(g.ValueMS, w.ValueMS) {
			t.Errorf("target %d value = %v, want %v", i, g.ValueMS, w.ValueMS)
		}
		g.ValueMS, w.ValueMS = 0, 0
		if !reflect.DeepEqual(g, w) {
			t.Errorf("target %d = %+v, want %+v", i, g, w)
		}
	}
}
