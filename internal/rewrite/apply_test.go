package rewrite

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/annotation"
	"github.com/oshim/oshim/internal/caps"
	"github.com/oshim/oshim/internal/contract"
	"github.com/oshim/oshim/internal/initproc"
	"github.com/oshim/oshim/internal/spec"
)

// samples are real config.json files from crun, runc, podman and containerd, and one
// with vendor extensions, kept by the spec package.
func samples(t *testing.T) []string {
	t.Helper()
	all, err := filepath.Glob("../spec/testdata/*.json")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range all {
		if filepath.Ext(p) == ".json" && !strings.Contains(filepath.Base(p), "process") {
			out = append(out, p)
		}
	}
	if len(out) < 4 {
		t.Fatalf("found %d config.json samples, want at least 4", len(out))
	}
	return out
}

func load(t *testing.T, path string) (*spec.Object, map[string]json.RawMessage) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	o, err := spec.ParseObject(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		t.Fatal(err)
	}
	return o, top
}

// TestApplyTouchesOnlyWhatItMust checks on real specs that the rewrite changes the
// capability lists, annotations and (with the init) args and mounts, and nothing else.
func TestApplyTouchesOnlyWhatItMust(t *testing.T) {
	noInit, withInit := false, true
	tests := []struct {
		description string
		contract    contract.Contract
		changed     []string // top-level keys allowed to change
		process     []string // process keys allowed to change
	}{
		{
			description: "repair without the init",
			contract:    contract.Contract{Name: "s", Require: []contract.CapName{contract.CapName(caps.SETPCAP)}, OnSkew: contract.Repair, Bounding: contract.BoundingSpec, Init: &noInit},
			changed:     []string{"process", "annotations"},
			process:     []string{"capabilities"},
		},
		{
			description: "clear with the init",
			contract:    contract.Contract{Name: "s", OnSkew: contract.Repair, Bounding: contract.BoundingClear, Init: &withInit},
			changed:     []string{"process", "annotations", "mounts"},
			process:     []string{"capabilities", "args"},
		},
	}
	for _, tc := range tests {
		for _, path := range samples(t) {
			t.Run(tc.description+"/"+filepath.Base(path), func(t *testing.T) {
				o, before := load(t, path)
				proc, err := spec.ReadProcess(o, "process")
				if err != nil {
					t.Fatal(err)
				}
				pl := NewPlan(&tc.contract, proc)
				_, err = Apply(o, pl, proc.Args, Target{InitSource: "/run/oshim/x/init"})
				if tc.contract.WantsInit() && !strings.Contains(string(before["mounts"]), `"/dev"`) {
					if err == nil {
						t.Fatal("Apply injected the init into a spec without a /dev mount")
					}
					return
				}
				if err != nil {
					t.Fatalf("Apply: %v", err)
				}
				out, err := o.Marshal()
				if err != nil {
					t.Fatal(err)
				}
				var after map[string]json.RawMessage
				if err := json.Unmarshal(out, &after); err != nil {
					t.Fatal(err)
				}
				assertOnlyChanged(t, before, after, tc.changed)
				var pb, pa map[string]json.RawMessage
				_ = json.Unmarshal(before["process"], &pb)
				_ = json.Unmarshal(after["process"], &pa)
				assertOnlyChanged(t, pb, pa, tc.process)
				var ann map[string]string
				_ = json.Unmarshal(after["annotations"], &ann)
				if ann[annotation.Contract] != "s" || ann["io.oshim.skew"] == "" || ann["io.oshim.repair"] == "" {
					t.Fatalf("annotations = %v", ann)
				}
				if tc.contract.Bounding == contract.BoundingClear {
					assertInitMounted(t, after, proc.Args)
				}
			})
		}
	}
}

func assertOnlyChanged(t *testing.T, before, after map[string]json.RawMessage, allowed []string) {
	t.Helper()
	ok := map[string]bool{}
	for _, k := range allowed {
		ok[k] = true
	}
	for k, v := range before {
		if !ok[k] && !jsonEqual(v, after[k]) {
			t.Errorf("%q changed:\n was %s\n now %s", k, v, after[k])
		}
	}
	for k := range after {
		if _, had := before[k]; !had && !ok[k] {
			t.Errorf("%q was added", k)
		}
	}
}

// jsonEqual compares values by their compacted text: the rewrite must keep numbers
// like 1e400 exactly as written, which decoding into float64 could not show.
func jsonEqual(a, b json.RawMessage) bool {
	var x, y bytes.Buffer
	if json.Compact(&x, a) != nil || json.Compact(&y, b) != nil {
		return false
	}
	return bytes.Equal(x.Bytes(), y.Bytes())
}

func assertInitMounted(t *testing.T, after map[string]json.RawMessage, workload []string) {
	t.Helper()
	var mounts []struct {
		Destination string   `json:"destination"`
		Source      string   `json:"source"`
		Options     []string `json:"options"`
	}
	if err := json.Unmarshal(after["mounts"], &mounts); err != nil {
		t.Fatal(err)
	}
	n := len(mounts)
	if n < 2 || mounts[n-2].Destination != initproc.Binary || mounts[n-1].Destination != initproc.ResultPipe {
		t.Fatalf("init mounts are not the last ones: %+v", mounts)
	}
	for _, m := range mounts[n-2:] {
		if !reflect.DeepEqual(m.Options, []string{"bind", "ro", "nosuid", "nodev"}) {
			t.Fatalf("init mount options = %q", m.Options)
		}
	}
	var proc struct {
		Args []string `json:"args"`
	}
	_ = json.Unmarshal(after["process"], &proc)
	if proc.Args[0] != initproc.Binary || !reflect.DeepEqual(proc.Args[len(proc.Args)-len(workload):], workload) {
		t.Fatalf("args = %q, want the init then %q", proc.Args, workload)
	}
}

func TestApplyIsIdempotentForTheInit(t *testing.T) {
	o, _ := load(t, "../spec/testdata/runc.json")
	c := contract.Contract{Name: "s", OnSkew: contract.Repair, Bounding: contract.BoundingClear}
	for i := 0; i < 2; i++ {
		proc, err := spec.ReadProcess(o, "process")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Apply(o, NewPlan(&c, proc), proc.Args, Target{InitSource: "/src"}); err != nil {
			t.Fatal(err)
		}
	}
	proc, _ := spec.ReadProcess(o, "process")
	if n := count(proc.Args, initproc.Binary); n != 1 {
		t.Fatalf("args after two rewrites = %q: the init is wrapped %d times", proc.Args, n)
	}
	var mounts []struct{ Destination string }
	_, _ = o.Lookup(&mounts, "mounts")
	seen := 0
	for _, m := range mounts {
		if strings.HasPrefix(m.Destination, initproc.MountDir) {
			seen++
		}
	}
	if seen != 2 {
		t.Fatalf("init mounted %d times", seen)
	}
}

func TestApplyForgedInitPrefixIsReplaced(t *testing.T) {
	o, _ := load(t, "../spec/testdata/runc.json")
	forged := []string{initproc.Binary, "--drop", "CAP_SYS_ADMIN", "--", "/bin/workload"}
	if err := o.Set(forged, "process", "args"); err != nil {
		t.Fatal(err)
	}
	c := contract.Contract{Name: "s", OnSkew: contract.Repair, Bounding: contract.BoundingClear}
	proc, _ := spec.ReadProcess(o, "process")
	if _, err := Apply(o, NewPlan(&c, proc), proc.Args, Target{InitSource: "/src"}); err != nil {
		t.Fatal(err)
	}
	proc, _ = spec.ReadProcess(o, "process")
	want := NewPlan(&c, proc).InitOptions().Args([]string{"/bin/workload"})
	if !reflect.DeepEqual(proc.Args, want) {
		t.Fatalf("args = %q, want %q", proc.Args, want)
	}
}

func TestApplyNeedsDevMount(t *testing.T) {
	o, err := spec.ParseObject([]byte(`{"process":{"args":["x"],"user":{"uid":0}},"mounts":[{"destination":"/proc","type":"proc"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	c := contract.Contract{Name: "s", OnSkew: contract.Repair, Bounding: contract.BoundingClear}
	proc, _ := spec.ReadProcess(o, "process")
	if _, err := Apply(o, NewPlan(&c, proc), proc.Args, Target{InitSource: "/src"}); err == nil {
		t.Fatal("Apply without a /dev mount succeeded")
	}
}

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}
