package main

import (
	"reflect"
	"testing"
)

func tapRun(exit int, tap string) *Run { return &Run{Exit: exit, TAP: ParseTAP(tap), Stderr: "stderr"} }

func TestCompare(t *testing.T) {
	tests := []struct {
		name       string
		base, got  *Run
		want       []Difference
		regression bool
	}{
		{
			name: "identical runs",
			base: tapRun(0, "ok 1 - a\nok 2 # SKIP b\n"),
			got:  tapRun(0, "ok 1 - a\nok 2 # SKIP b\n"),
		},
		{
			name:       "a check the baseline passes fails",
			base:       tapRun(0, "ok 1 - a\nok 2 - b\n"),
			got:        tapRun(0, "ok 1 - a\nnot ok 2 - b\n  ---\n  why\n  ...\n"),
			want:       []Difference{{Kind: Regression, Check: "b", Baseline: "pass", Got: "fail", Detail: "why\n"}},
			regression: true,
		},
		{
			name:       "a check the baseline passes is missing",
			base:       tapRun(0, "ok 1 - a\nok 2 - b\n"),
			got:        tapRun(0, "ok 1 - a\n"),
			want:       []Difference{{Kind: Regression, Check: "b", Baseline: "pass", Got: "missing", Detail: "stderr"}},
			regression: true,
		},
		{
			name:       "a check the baseline passes is skipped",
			base:       tapRun(0, "ok 1 - a\n"),
			got:        tapRun(0, "ok 1 # SKIP a\n"),
			want:       []Difference{{Kind: Regression, Check: "a", Baseline: "pass", Got: "missing", Detail: "stderr"}, {Kind: Other, Check: "point 1", Baseline: "missing", Got: "skip", Detail: "a"}},
			regression: true,
		},
		{
			name:       "the program fails where the baseline's exits 0",
			base:       tapRun(0, ""),
			got:        tapRun(1, ""),
			want:       []Difference{{Kind: Regression, Check: "program exit status", Baseline: "0", Got: "1", Detail: "stderr"}},
			regression: true,
		},
		{
			name:       "a bail out",
			base:       tapRun(0, "ok 1 - a\n"),
			got:        tapRun(0, "ok 1 - a\nBail out! broken\n"),
			want:       []Difference{{Kind: Regression, Check: "bail out", Baseline: "none", Got: "broken"}},
			regression: true,
		},
		{
			name: "a check the baseline fails passes",
			base: tapRun(0, "not ok 1 - a\n"),
			got:  tapRun(0, "ok 1 - a\n"),
			want: []Difference{{Kind: Improvement, Check: "a", Baseline: "fail", Got: "pass"}},
		},
		{
			name: "a failing check the baseline lacks is reported, not counted",
			base: tapRun(0, "ok 1 - a\n"),
			got:  tapRun(0, "ok 1 - a\nnot ok 2 - extra\n"),
			want: []Difference{{Kind: Other, Check: "extra", Baseline: "missing", Got: "fail"}},
		},
		{
			name: "both fail the program: no difference",
			base: tapRun(1, ""),
			got:  tapRun(1, ""),
		},
		{
			name: "repeated descriptions match in order, not by number",
			base: tapRun(0, "ok 1 - same\nok 2 - other\nok 3 - same\n"),
			got:  tapRun(0, "ok 1 - new\nok 2 - same\nok 3 - other\nok 4 - same\n"),
			want: []Difference{{Kind: Other, Check: "new", Baseline: "missing", Got: "pass"}},
		},
		{
			name:       "the second of two equal descriptions regresses",
			base:       tapRun(0, "ok 1 - same\nok 2 - same\n"),
			got:        tapRun(0, "ok 1 - same\nnot ok 2 - same\n"),
			want:       []Difference{{Kind: Regression, Check: "same (#2)", Baseline: "pass", Got: "fail"}},
			regression: true,
		},
		{
			name: "a skip on one side only",
			base: tapRun(0, "ok 1 - a # SKIP no hugetlb\n"),
			got:  tapRun(0, "not ok 1 - a\n"),
			want: []Difference{{Kind: Other, Check: "a", Baseline: "skip", Got: "fail"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Compare(tt.base, tt.got)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Compare() =\n%+v\nwant\n%+v", got, tt.want)
			}
			if r := HasRegression(got); r != tt.regression {
				t.Errorf("HasRegression() = %v, want %v", r, tt.regression)
			}
		})
	}
}

func TestOnlyOshimAnnotations(t *testing.T) {
	const oshimOnly = `{
"error": "1 error occurred:\n\t* wrong annotations \"map[io.oshim.contract:conformance-init io.oshim.repair:none io.oshim.skew:none org.opencontainers.runtime-tools:hook stdin test]\" in the stdin of prestart hook, expected \"map[org.opencontainers.runtime-tools:hook stdin test]\"\n\n",
"reference": "https://github.com/opencontainers/runtime-spec/blob/v1.3.0/config.md#posix-platform-hooks"
}`
	tests := []struct {
		name   string
		detail string
		want   bool
	}{
		{"oshim's annotations are the only difference", oshimOnly, true},
		{"a workload annotation is lost as well",
			`"1 error occurred:\n\t* wrong annotations \"map[io.oshim.contract:c io.oshim.skew:none]\" in the stdin of prestart hook, expected \"map[a:b]\""`, false},
		{"an annotation differs without oshim's",
			`"1 error occurred:\n\t* wrong annotations \"map[a:c]\" in the stdin of prestart hook, expected \"map[a:b]\""`, false},
		{"another error besides the annotations",
			`"2 errors occurred:\n\t* wrong container ID \"x\"\n\t* wrong annotations \"map[io.oshim.skew:none a:b]\" in the stdin of prestart hook, expected \"map[a:b]\""`, false},
		{"not about annotations", "wrong status", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := onlyOshimAnnotations(tt.detail); got != tt.want {
				t.Errorf("onlyOshimAnnotations = %v, want %v", got, tt.want)
			}
		})
	}
	base := tapRun(0, "ok 1 - hooks get the state\n")
	got := tapRun(0, "not ok 1 - hooks get the state\n  ---\n  "+oshimOnly+"\n  ...\n")
	if ds := Compare(base, got); len(ds) != 1 || ds[0].Kind != ByDesign || HasRegression(ds) {
		t.Errorf("Compare = %+v, want one %q difference and no regression", ds, ByDesign)
	}
}
