package main

// Target is one of the performance targets (README, Performance), read from the measurements (never asserted: the
// numbers are noisy, and a timed test would fail on a busy machine).
type Target struct {
	What      string  `json:"what"`
	Runtime   string  `json:"runtime"`
	Lifecycle string  `json:"lifecycle"`
	ValueMS   float64 `json:"value_ms"`
	LimitMS   float64 `json:"limit_ms"`
	Met       bool    `json:"met"`
	// ScaledLimitMS is LimitMS times this machine's crun `run` median over the targets'
	// reference machine's (referenceCrunRunMS): the limits were set on a machine of that speed,
	// and every cost here (exec, page faults, fsync) scales with it. 0 without crun.
	ScaledLimitMS float64 `json:"scaled_limit_ms"`
	MetScaled     bool    `json:"met_scaled"`
}

// referenceCrunRunMS is the crun `run` median of the machine the targets were set on.
const referenceCrunRunMS = 12.5

// targetSpecs: the variant, the variant it is compared with, the limit, and whether
// the limit is per call (create+start+delete makes three) or per container.
var targetSpecs = []struct {
	what, variant, base string
	limit               float64
	perCall             bool
}{
	{"passthrough - floor, per call", "passthrough", "floor", 0.3, true},
	{"require (rewrite) - passthrough", "require", "passthrough", 1, false},
	{"clear (rewrite + init) - passthrough", "clear", "passthrough", 2, false},
}

// callsPer is how many runtime calls a lifecycle makes.
func callsPer(lifecycle string) float64 {
	if lifecycle == LifecycleCycle {
		return 3
	}
	return 1
}

// readTargets compares medians for every runtime and lifecycle measured.
func readTargets(series []*Series) []Target {
	median := map[string]float64{}
	var keys [][2]string
	for _, s := range series {
		median[s.Runtime+"/"+s.Variant+" "+s.Lifecycle] = s.Summary.Median
		if s.Variant == "direct" {
			keys = append(keys, [2]string{s.Runtime, s.Lifecycle})
		}
	}
	scale := median["crun/direct "+LifecycleRun] / referenceCrunRunMS
	var out []Target
	for _, ts := range targetSpecs {
		for _, k := range keys {
			v, okV := median[k[0]+"/"+ts.variant+" "+k[1]]
			b, okB := median[k[0]+"/"+ts.base+" "+k[1]]
			if !okV || !okB {
				continue
			}
			d := v - b
			if ts.perCall {
				d /= callsPer(k[1])
			}
			scaled := ts.limit * scale
			out = append(out, Target{What: ts.what, Runtime: k[0], Lifecycle: k[1], ValueMS: d, LimitMS: ts.limit, Met: d <= ts.limit,
				ScaledLimitMS: scaled, MetScaled: scale > 0 && d <= scaled})
		}
	}
	return out
}
