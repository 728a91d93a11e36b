package main

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// abSeries builds the series of one runtime and lifecycle: the direct runtime, then
// each variant's four copies, with the samples samples(build, copy, round), and ten
// page faults for each of their milliseconds.
func abSeries(lc string, rounds int, samples func(build string, k, round int) float64) []*Series {
	mk := func(variant, build string, f func(round int) float64) *Series {
		s := &Series{Runtime: "crun", Variant: variant, Build: build, Lifecycle: lc, StepsMS: map[string][]float64{}}
		for i := range rounds {
			s.SamplesMS = append(s.SamplesMS, f(i))
			s.Faults = append(s.Faults, 10*f(i))
			for _, step := range []string{"create", "start", "delete"} {
				s.StepsMS[step] = append(s.StepsMS[step], f(i)/3)
			}
		}
		return s
	}
	out := []*Series{mk("direct", "", func(round int) float64 { return 20 + float64(round%3) })}
	for _, v := range abVariants {
		for _, b := range []string{"base", "head"} {
			for k := 1; k <= abCopies; k++ {
				out = append(out, mk(v, fmt.Sprintf("%s-%d", b, k), func(round int) float64 { return samples(b, k, round) }))
			}
		}
	}
	return out
}

func TestCompareSeries(t *testing.T) {
	tests := []struct {
		name          string
		lc            string
		samples       func(build string, k, round int) float64
		diff, spread  float64
		baseAdded     float64
		verdictPrefix string
	}{
		{
			name: "head a millisecond faster, copies alike",
			lc:   LifecycleRun,
			samples: func(b string, k, round int) float64 {
				v := 30 + float64(round%3) // the round's noise, shared by all
				if b == "head" {
					v--
				}
				return v
			},
			diff: -1, spread: 0, baseAdded: 10, verdictPrefix: "head faster",
		},
		{
			name: "a difference smaller than the copies' own",
			lc:   LifecycleCycle,
			samples: func(b string, k, round int) float64 {
				v := 60 + float64(round%3)
				if k == 2 {
					v += 0.8
				}
				if b == "head" {
					v += 0.3
				}
				return v
			},
			diff: 0.3, spread: 0.8, baseAdded: 40.4, verdictPrefix: "within",
		},
		{
			name: "head slower",
			lc:   LifecycleRun,
			samples: func(b string, k, round int) float64 {
				if b == "head" {
					return 32 + float64(round%3)
				}
				return 30 + float64(round%3)
			},
			diff: 2, spread: 0, baseAdded: 10, verdictPrefix: "head slower",
		},
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := compareSeries(abSeries(tt.lc, 9, tt.samples))
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(abVariants) {
				t.Fatalf("%d rows, want one per variant: %+v", len(rows), rows)
			}
			for _, r := range rows {
				if !near(r.HeadMinusBaseMS, tt.diff) || !near(r.CopySpreadMS, tt.spread) || !near(r.BaseAddedMS, tt.baseAdded) || !near(r.HeadAddedMS, tt.baseAdded+tt.diff) {
					t.Errorf("%s: %+v, want head - base %v, spread %v, base added %v", r.Variant, r, tt.diff, tt.spread, tt.baseAdded)
				}
				if !near(r.HeadMinusBaseFaults, 10*tt.diff) || r.BaseFaults <= 0 || !near(r.HeadFaults-r.BaseFaults, 10*tt.diff) {
					t.Errorf("%s: faults base %v, head %v, head - base %v, want a difference of %v", r.Variant, r.BaseFaults, r.HeadFaults, r.HeadMinusBaseFaults, 10*tt.diff)
				}
				if !strings.HasPrefix(r.Verdict(), tt.verdictPrefix) {
					t.Errorf("%s: verdict %q, want %q", r.Variant, r.Verdict(), tt.verdictPrefix)
				}
				if (tt.lc == LifecycleCycle) != (r.StepsMS != nil) {
					t.Errorf("%s %s: steps %v", r.Variant, tt.lc, r.StepsMS)
				}
				if r.StepsMS != nil && !near(r.StepsMS["start"], tt.diff/3) {
					t.Errorf("%s: start step head - base %v, want %v", r.Variant, r.StepsMS["start"], tt.diff/3)
				}
			}
		})
	}
}

func TestCompareSeriesMissingCopy(t *testing.T) {
	series := abSeries(LifecycleRun, 3, func(string, int, int) float64 { return 1 })
	series = series[:len(series)-1]
	if _, err := compareSeries(series); err == nil || !strings.Contains(err.Error(), "head copy 2") {
		t.Fatalf("err = %v, want the missing copy named", err)
	}
	if _, err := compareSeries(nil); err == nil {
		t.Fatal("no series compared without an error")
	}
}
