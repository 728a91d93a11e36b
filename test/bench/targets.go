package main

// Target is one of the performance targets (README, Performance), read from the measurements (never asserted: the
// numbers are noisy, and a timed test would fail on a busy machine).
type Target struct {
	What      string  `json:"what"`
	Runtime   string  `json:"runtime"`
	Lifecycle string  `json:"lifecycle"`
	ValueMS   float64 `json:"value_ms"`
	// PairedMS is the median of the same-round differences, per call where ValueMS is:
	// the noise a round shares cancels in it, so where it and ValueMS disagree by much,
	// the run was too noisy to read the target from.
	PairedMS float64 `json:"paired_ms"`
	LimitMS  float64 `json:"limit_ms"`
	Met      bool    `json:"met"`
}

// targetSpecs: the variant, the variant it is compared with, the limit for each
// lifecycle that has one, and whether the limit is per call (create+start+delete
// makes three) or per container.
var targetSpecs = []struct {
	what, variant, base string
	limits              map[string]float64
	perCall             bool
}{
	{"passthrough - floor, per call", "passthrough", "floor", map[string]float64{LifecycleRun: 0.5, LifecycleCycle: 0.5}, true},
	{"require (rewrite) - passthrough", "require", "passthrough", map[string]float64{LifecycleRun: 1}, false},
	{"clear (rewrite + init) - passthrough", "clear", "passthrough", map[string]float64{LifecycleRun: 3, LifecycleCycle: 4}, false},
}

// callsPer is how many runtime calls a lifecycle makes.
func callsPer(lifecycle string) float64 {
	if lifecycle == LifecycleCycle {
		return 3
	}
	return 1
}

// readTargets compares medians for every runtime and lifecycle measured, and gives the
// same-round differences beside them.
func readTargets(series []*Series) []Target {
	byName := map[string]*Series{}
	var keys [][2]string
	for _, s := range series {
		byName[s.Runtime+"/"+s.Variant+" "+s.Lifecycle] = s
		if s.Variant == "direct" {
			keys = append(keys, [2]string{s.Runtime, s.Lifecycle})
		}
	}
	var out []Target
	for _, ts := range targetSpecs {
		for _, k := range keys {
			limit, ok := ts.limits[k[1]]
			v, okV := byName[k[0]+"/"+ts.variant+" "+k[1]]
			b, okB := byName[k[0]+"/"+ts.base+" "+k[1]]
			if !ok || !okV || !okB {
				continue
			}
			d, paired := v.Summary.Median-b.Summary.Median, PairedMedian(v.SamplesMS, b.SamplesMS)
			if ts.perCall {
				d /= callsPer(k[1])
				paired /= callsPer(k[1])
			}
			out = append(out, Target{What: ts.what, Runtime: k[0], Lifecycle: k[1], ValueMS: d, PairedMS: paired, LimitMS: limit, Met: d <= limit})
		}
	}
	return out
}
