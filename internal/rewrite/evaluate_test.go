package rewrite

import (
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/contract"
	"github.com/oshim/oshim/internal/spec"
)

func evaluateSet(t testing.TB) *contract.Set {
	t.Helper()
	s, _, err := contract.NewSet([]contract.Contract{{
		Name:    "sandbox-supervisor",
		Match:   contract.Match{Commands: []contract.Pattern{contract.MustPattern(`^/opt/openshell/bin/openshell-sandbox$`)}},
		Require: []contract.CapName{contract.CapName(8)}, // CAP_SETPCAP
	}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestEvaluate(t *testing.T) {
	tests := []struct {
		description string
		config      string
		wantPlan    bool
		wantSkew    string
		wantArg0    string
		wantErr     string
	}{
		{
			description: "a skewed supervisor",
			config:      `{"process":{"args":["/opt/openshell/bin/openshell-sandbox"],"capabilities":{"bounding":["CAP_CHOWN"]}}}`,
			wantPlan:    true, wantSkew: "missing=CAP_SETPCAP", wantArg0: "/opt/openshell/bin/openshell-sandbox",
		},
		{
			description: "a spec oshim rewrote already is matched by its workload",
			config: `{"process":{"args":["/dev/.oshim/init","--require","CAP_SETPCAP","--","/opt/openshell/bin/openshell-sandbox"],
				"capabilities":{"bounding":["CAP_SETPCAP"],"effective":["CAP_SETPCAP"],"permitted":["CAP_SETPCAP"]}},
				"annotations":{"io.oshim.contract":"sandbox-supervisor"}}`,
			wantPlan: true, wantSkew: "none", wantArg0: "/opt/openshell/bin/openshell-sandbox",
		},
		{description: "another program", config: `{"process":{"args":["/bin/true"]}}`},
		{description: "no process", config: `{"ociVersion":"1.0.2"}`},
		{description: "a null process", config: `{"process":null}`},
		{description: "no args", config: `{"process":{"args":[]}}`},
		{description: "an init with no workload", config: `{"process":{"args":["/dev/.oshim/init","--"]}}`},
		{description: "a process of the wrong type", config: `{"process":[]}`, wantErr: "process"},
		{description: "args of the wrong type", config: `{"process":{"args":"/opt/openshell/bin/openshell-sandbox"}}`, wantErr: "process"},
		// Only a process a contract applies to is decoded whole: the runtime judges the rest.
		{description: "another program with a field oshim cannot read", config: `{"process":{"args":["/bin/true"],"user":"root"}}`},
		{description: "the supervisor with a field oshim cannot read", config: `{"process":{"args":["/opt/openshell/bin/openshell-sandbox"],"user":"root"}}`, wantErr: "process"},
		{description: "args spelled as encoding/json reads them", config: `{"process":{"Args":["/opt/openshell/bin/openshell-sandbox"]}}`,
			wantPlan: true, wantSkew: "missing=CAP_SETPCAP", wantArg0: "/opt/openshell/bin/openshell-sandbox"},
		{description: "annotations of the wrong type", config: `{"process":{"args":["/bin/true"]},"annotations":[]}`, wantErr: "annotations"},
		{description: "an unknown contract", config: `{"process":{"args":["/bin/true"]},"annotations":{"io.oshim.contract":"x"}}`, wantErr: "names no contract"},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			o, err := spec.ParseObject([]byte(tc.config))
			if err != nil {
				t.Fatal(err)
			}
			pl, proc, err := Evaluate(evaluateSet(t), o)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Evaluate error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Evaluate: %v", err)
			}
			if (pl != nil) != tc.wantPlan {
				t.Fatalf("Evaluate plan = %v, want one: %t", pl, tc.wantPlan)
			}
			if pl == nil {
				return
			}
			if pl.Skew() != tc.wantSkew || WorkloadArg0(proc.Args) != tc.wantArg0 {
				t.Fatalf("plan skew %q, args[0] %q", pl.Skew(), WorkloadArg0(proc.Args))
			}
		})
	}
}

func TestEvaluateWithoutContracts(t *testing.T) {
	o, err := spec.ParseObject([]byte(`{"process":{"args":["/opt/openshell/bin/openshell-sandbox"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	empty, _, _ := contract.NewSet(nil)
	if pl, _, err := Evaluate(empty, o); pl != nil || err != nil {
		t.Fatalf("Evaluate without contracts = %v, %v", pl, err)
	}
}

func FuzzEvaluate(f *testing.F) {
	f.Add([]byte(`{"process":{"args":["/opt/openshell/bin/openshell-sandbox"],"user":{"uid":1000}}}`))
	f.Add([]byte(`{"process":{"args":["/dev/.oshim/init","--"]},"annotations":{"io.oshim.contract":"sandbox-supervisor"}}`))
	f.Fuzz(func(t *testing.T, config []byte) {
		o, err := spec.ParseObject(config)
		if err != nil {
			return
		}
		pl, proc, err := Evaluate(evaluateSet(t), o)
		if err != nil || pl == nil {
			return
		}
		if WorkloadArg0(proc.Args) == "" || pl.Contract.Name != "sandbox-supervisor" {
			t.Fatalf("plan %+v for args %q", pl, proc.Args)
		}
	})
}
