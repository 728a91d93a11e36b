package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Run is one validation program run against one runtime configuration.
type Run struct {
	Config  string  `json:"config"`
	Exit    int     `json:"exit"`
	Seconds float64 `json:"seconds"`
	TAP     *TAP    `json:"tap"`
	// Stderr is the end of the program's stderr (why a container failed to start).
	Stderr string `json:"stderr,omitempty"`
}

// Counts tallies a run's points.
func (r *Run) Counts() map[Outcome]int {
	c := map[Outcome]int{}
	for _, p := range r.TAP.Points {
		c[p.Outcome]++
	}
	return c
}

// Kinds of difference between a configuration and the baseline of the same program.
const (
	// Regression: the baseline passed a check, or exited 0, and this run did not.
	Regression = "regression"
	// Improvement: this run passed a check the baseline did not.
	Improvement = "improvement"
	// Other: a check only one side has, or a skip on one side only.
	Other = "other"
	// ByDesign: a check the baseline passed that failed only because of what oshim
	// must do, e.g. the io.oshim.* annotations oshim publishes in the runtime's state.
	ByDesign = "by design"
)

// Difference is one check whose result differs from the baseline's.
type Difference struct {
	Kind     string `json:"kind"`
	Check    string `json:"check"`
	Baseline string `json:"baseline"`
	Got      string `json:"got"`
	// Detail is the diagnostic of this run's point, or its stderr.
	Detail string `json:"detail,omitempty"`
}

func (d Difference) String() string {
	kind := d.Kind
	if kind == ByDesign {
		kind += " (only oshim's io.oshim.* annotations differ: the runtime passes the rewritten spec's annotations on in its state)"
	}
	return fmt.Sprintf("%s: %s: baseline %s, got %s", kind, d.Check, d.Baseline, d.Got)
}

// Compare lists how got differs from base, check by check. Checks are matched by
// description (the n-th point with a description matches the n-th one of the other
// run): numbers shift when one run has a check the other has not.
func Compare(base, got *Run) []Difference {
	var out []Difference
	if base.Exit == 0 && got.Exit != 0 {
		out = append(out, Difference{Kind: Regression, Check: "program exit status", Baseline: "0", Got: fmt.Sprint(got.Exit), Detail: got.Stderr})
	}
	if base.TAP.BailOut == "" && got.TAP.BailOut != "" {
		out = append(out, Difference{Kind: Regression, Check: "bail out", Baseline: "none", Got: got.TAP.BailOut})
	}
	bk, bp := keyed(base.TAP.Points)
	gk, gp := keyed(got.TAP.Points)
	for _, k := range bk {
		b := bp[k]
		g, ok := gp[k]
		switch {
		case !ok && b.Outcome == Pass:
			out = append(out, Difference{Kind: Regression, Check: k, Baseline: string(b.Outcome), Got: "missing", Detail: got.Stderr})
		case !ok:
			out = append(out, Difference{Kind: Other, Check: k, Baseline: string(b.Outcome), Got: "missing"})
		case b.Outcome == g.Outcome:
		case b.Outcome == Pass:
			kind := Regression
			if onlyOshimAnnotations(detail(g)) {
				kind = ByDesign
			}
			out = append(out, Difference{Kind: kind, Check: k, Baseline: string(b.Outcome), Got: string(g.Outcome), Detail: detail(g)})
		case g.Outcome == Pass:
			out = append(out, Difference{Kind: Improvement, Check: k, Baseline: string(b.Outcome), Got: string(g.Outcome), Detail: detail(g)})
		default:
			out = append(out, Difference{Kind: Other, Check: k, Baseline: string(b.Outcome), Got: string(g.Outcome), Detail: detail(g)})
		}
	}
	for _, k := range gk {
		if _, ok := bp[k]; !ok {
			g := gp[k]
			out = append(out, Difference{Kind: Other, Check: k, Baseline: "missing", Got: string(g.Outcome), Detail: detail(g)})
		}
	}
	return out
}

// HasRegression reports whether any difference is a regression.
func HasRegression(ds []Difference) bool {
	return slices.ContainsFunc(ds, func(d Difference) bool { return d.Kind == Regression })
}

// keyed names each point by its description, with " (#n)" from the second point with
// the same description on; it returns the keys in stream order.
func keyed(points []Point) ([]string, map[string]Point) {
	seen := map[string]int{}
	keys := make([]string, 0, len(points))
	m := make(map[string]Point, len(points))
	for _, p := range points {
		k := p.Desc
		if k == "" {
			k = fmt.Sprintf("point %d", p.Num)
		}
		seen[k]++
		if n := seen[k]; n > 1 {
			k = fmt.Sprintf("%s (#%d)", k, n)
		}
		keys = append(keys, k)
		m[k] = p
	}
	return keys, m
}

func detail(p Point) string {
	if p.Reason != "" {
		return p.Reason
	}
	return p.YAML
}

var (
	// wrongAnnotations is how hooks_stdin says the state's annotations differ:
	// Go's map syntax, got then expected.
	wrongAnnotations = regexp.MustCompile(`wrong annotations \\?"map\[(.*?)\]\\?" in the stdin of \w+ hook, expected \\?"map\[(.*?)\]\\?"`)
	// oshimAnnotation is one io.oshim.* entry of such a map; oshim's values hold no
	// spaces.
	oshimAnnotation = regexp.MustCompile(`(^| )io\.oshim\.[a-z-]+:\S*`)
)

// onlyOshimAnnotations reports whether a diagnostic complains about annotations, and
// every complaint goes away once oshim's own io.oshim.* entries are taken out: the
// rewrite records the contract, the skew and the repair in the spec's annotations
// (README, "Skew and the three modes"), and the runtime rightly passes them on in the state. Anything else, or a
// diagnostic it cannot read, stays a regression.
func onlyOshimAnnotations(detail string) bool {
	ms := wrongAnnotations.FindAllStringSubmatch(detail, -1)
	if len(ms) == 0 || strings.Count(detail, "* ") != len(ms) {
		return false
	}
	for _, m := range ms {
		got := strings.TrimSpace(oshimAnnotation.ReplaceAllString(m[1], ""))
		if got == m[1] || got != m[2] {
			return false
		}
	}
	return true
}
