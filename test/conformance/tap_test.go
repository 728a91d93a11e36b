package main

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestParseTAP(t *testing.T) {
	sample, err := os.ReadFile("testdata/default.tap")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		input string
		want  *TAP
	}{
		{
			name:  "runtimetest output with diagnostics, a todo and a skip",
			input: string(sample),
			want: &TAP{Plan: 6, Points: []Point{
				{Num: 1, Outcome: Pass, Desc: "has expected hostname", YAML: "{\n\"actual\": \"mrsdalloway\",\n\"expected\": \"mrsdalloway\"\n}\n"},
				{Num: 2, Outcome: Pass, Desc: "has expected environment variable PATH"},
				{Num: 3, Outcome: Todo, Reason: "we need an (r)bind spec to test against"},
				{Num: 4, Outcome: Skip, Reason: "linux-specific process.capabilities test"},
				{Num: 5, Outcome: Fail, Desc: "has expected process argument 0", YAML: "{\n\"actual\": \"/runtimetest\",\n\"expected\": \"/dev/.oshim/oshim\"\n}\n"},
				{Num: 6, Outcome: Pass, Desc: "has expected environment variable PATH"},
			}},
		},
		{
			name:  "plan glued to the next output, as the hooks program prints it",
			input: "TAP version 13\n1..0failed to create the container\n",
			want:  &TAP{Plan: 0},
		},
		{
			name:  "no plan, no number, no dash",
			input: "ok works\nnot ok\n",
			want:  &TAP{Plan: -1, Points: []Point{{Outcome: Pass, Desc: "works"}, {Outcome: Fail}}},
		},
		{
			name:  "a passing todo counts as a pass",
			input: "ok 1 - later # TODO not required yet\n",
			want:  &TAP{Plan: -1, Points: []Point{{Num: 1, Outcome: Pass, Desc: "later", Reason: "not required yet"}}},
		},
		{
			name:  "a hash that starts no directive stays in the description",
			input: "ok 1 - mounts[#2] found\n",
			want:  &TAP{Plan: -1, Points: []Point{{Num: 1, Outcome: Pass, Desc: "mounts[#2] found"}}},
		},
		{
			name:  "words that only start like a point are not points",
			input: "okay then\nok1\nnot okay\n",
			want:  &TAP{Plan: -1},
		},
		{
			name:  "an unterminated diagnostic swallows nothing",
			input: "ok 1 - a\n  ---\n  {\nok 2 - b\n",
			want:  &TAP{Plan: -1, Points: []Point{{Num: 1, Outcome: Pass, Desc: "a"}, {Num: 2, Outcome: Pass, Desc: "b"}}},
		},
		{
			name:  "bail out",
			input: "ok 1 - a\nBail out! no runtime\n",
			want:  &TAP{Plan: -1, BailOut: "no runtime", Points: []Point{{Num: 1, Outcome: Pass, Desc: "a"}}},
		},
		{
			name:  "CRLF line ends",
			input: "ok 1 - a\r\n1..1\r\n",
			want:  &TAP{Plan: 1, Points: []Point{{Num: 1, Outcome: Pass, Desc: "a"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseTAP(tt.input)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseTAP() =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func FuzzParseTAP(f *testing.F) {
	sample, err := os.ReadFile("testdata/default.tap")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(sample))
	f.Add("ok 1 - a # SKIP b\nnot ok 2 # TODO\n1..2\nBail out!\n")
	f.Add("ok\n  ---\n  ...\n")
	f.Fuzz(func(t *testing.T, input string) {
		tap := ParseTAP(input)
		if tap.Plan < -1 {
			t.Errorf("plan %d", tap.Plan)
		}
		points := 0
		for _, line := range strings.Split(input, "\n") {
			if strings.HasPrefix(line, "ok") || strings.HasPrefix(line, "not ok") {
				points++
			}
		}
		if len(tap.Points) > points {
			t.Errorf("%d points from %d candidate lines", len(tap.Points), points)
		}
		for _, p := range tap.Points {
			switch p.Outcome {
			case Pass, Fail, Skip, Todo:
			default:
				t.Errorf("point %+v: outcome %q", p, p.Outcome)
			}
			if p.Num < 0 {
				t.Errorf("point %+v: negative number", p)
			}
		}
	})
}
