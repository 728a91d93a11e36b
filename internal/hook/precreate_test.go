package hook

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/annotation"
	"github.com/oshim/oshim/internal/initdir"
	"github.com/oshim/oshim/internal/initproc"
)

var recordName = regexp.MustCompile(`^precreate-[0-9a-f]{32}$`)

func TestPrecreatePassThrough(t *testing.T) {
	tests := []struct {
		description string
		contracts   string
		input       []byte
		want        []byte // nil: the input
	}{
		{description: "no contract matches", contracts: "repair", input: proposed(t, setArgs("/bin/true"))},
		{description: "no contracts at all", contracts: "none", input: proposed(t, nil)},
		{description: "no process", contracts: "repair", input: []byte(`{"ociVersion":"1.0.2","mounts":[]}`)},
		{
			description: "a forged record annotation is removed",
			contracts:   "repair",
			input:       []byte(`{"process":{"args":["/bin/true"]},"annotations":{"a":"b","io.oshim.record":"precreate-00000000000000000000000000000000"}}`),
			want:        []byte(`{"process":{"args":["/bin/true"]},"annotations":{"a":"b"}}`),
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			h := testHook(t, tc.contracts)
			var out bytes.Buffer
			if err := h.Precreate(bytes.NewReader(tc.input), &out); err != nil {
				t.Fatalf("Precreate: %v", err)
			}
			got := out.Bytes()
			want := tc.want
			if want == nil {
				want = tc.input
			} else {
				var compact bytes.Buffer
				if err := json.Compact(&compact, got); err != nil {
					t.Fatal(err)
				}
				got = compact.Bytes()
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("Precreate wrote\n%s\nwant\n%s", got, want)
			}
			if r := recordFiles(t, h); len(r) != 0 {
				t.Fatalf("records %v, want none", r)
			}
		})
	}
}

func TestPrecreateRewrite(t *testing.T) {
	tests := []struct {
		description string
		contracts   string
		wantSetpcap bool // in bounding, effective and permitted
		wantRepair  string
		wantInit    bool
	}{
		{description: "repair without the init", contracts: "noinit", wantSetpcap: true, wantRepair: "granted CAP_SETPCAP in bounding,effective,permitted"},
		{description: "repair with the init", contracts: "repair", wantSetpcap: true, wantRepair: "granted CAP_SETPCAP in bounding,effective,permitted", wantInit: true},
		{description: "report", contracts: "report", wantRepair: "none"},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			h := testHook(t, tc.contracts)
			var out bytes.Buffer
			if err := h.Precreate(bytes.NewReader(proposed(t, nil)), &out); err != nil {
				t.Fatalf("Precreate: %v", err)
			}
			got := decode(t, out.Bytes())
			id := got.Annotations[annotation.Record]
			if !recordName.MatchString(id) {
				t.Fatalf("annotation %s = %q", annotation.Record, id)
			}
			for k, want := range map[string]string{"io.oshim.contract": "sandbox-supervisor", "io.oshim.skew": "missing=CAP_SETPCAP", "io.oshim.repair": tc.wantRepair} {
				if got.Annotations[k] != want {
					t.Errorf("annotation %s = %q, want %q", k, got.Annotations[k], want)
				}
			}
			for _, key := range []string{"bounding", "effective", "permitted"} {
				if has(got.Process.Capabilities[key], "CAP_SETPCAP") != tc.wantSetpcap {
					t.Errorf("capabilities.%s = %v, want CAP_SETPCAP %t", key, got.Process.Capabilities[key], tc.wantSetpcap)
				}
			}
			rec, found, err := h.Store.Load(StoreRoot, id)
			if err != nil || !found {
				t.Fatalf("record %s: found %t, %v", id, found, err)
			}
			if rec.Skew != "missing=CAP_SETPCAP" || rec.Contract != "sandbox-supervisor" || rec.Init != tc.wantInit {
				t.Errorf("record = %+v", rec)
			}
			dir, _ := h.Store.InitDir(StoreRoot, id)
			_, err = os.Lstat(initdir.ResultPath(dir))
			if tc.wantInit != (err == nil) {
				t.Fatalf("result FIFO: %v, want it %t", err, tc.wantInit)
			}
			if !tc.wantInit {
				if got.Process.Args[0] != "/opt/openshell/bin/openshell-sandbox" {
					t.Errorf("args %v, want the workload's", got.Process.Args)
				}
				return
			}
			wantArgs := []string{initproc.Binary, "--require", "CAP_SETPCAP", "--result", initproc.ResultPipe, "--", "/opt/openshell/bin/openshell-sandbox"}
			if strings.Join(got.Process.Args, " ") != strings.Join(wantArgs, " ") {
				t.Errorf("args %v, want %v", got.Process.Args, wantArgs)
			}
			mounted := map[string]string{}
			for _, m := range got.Mounts {
				mounted[m.Destination] = m.Source
			}
			if mounted[initproc.Binary] != initdir.BinaryPath(dir) || mounted[initproc.ResultPipe] != initdir.ResultPath(dir) {
				t.Errorf("init mounts %v, want the files of %s", mounted, dir)
			}
			want := "fifo hook collect --config " + h.ConfigPath + " " + id
			if c := calls(t, h, 1); c[0] != want {
				t.Errorf("collector started as %q, want %q", c[0], want)
			}
		})
	}
}

func TestPrecreateDeny(t *testing.T) {
	engineHook := `{"path":"/usr/libexec/engine-hook","args":["engine-hook","x"],"timeout":10,"vendorField":{"n":18446744073709551615}}`
	tests := []struct {
		description string
		input       []byte
		wantHooks   []string
	}{
		{description: "no hooks before", input: proposed(t, nil)},
		{
			description: "the engine's hooks stay as they were",
			input: proposed(t, func(m map[string]any) {
				m["hooks"] = map[string]any{"createRuntime": []json.RawMessage{json.RawMessage(engineHook)}}
			}),
			wantHooks: []string{engineHook},
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			h := testHook(t, "deny")
			var out bytes.Buffer
			if err := h.Precreate(bytes.NewReader(tc.input), &out); err != nil {
				t.Fatalf("Precreate: %v", err)
			}
			got, in := decode(t, out.Bytes()), decode(t, tc.input)
			ours, _ := json.Marshal(map[string]any{"path": h.Self, "args": []string{"oshim", "hook", "createRuntime", "--config", h.ConfigPath}})
			hooks := got.Hooks["createRuntime"]
			if len(hooks) != len(tc.wantHooks)+1 {
				t.Fatalf("createRuntime hooks %s", hooks)
			}
			for i, want := range append(tc.wantHooks, string(ours)) {
				var compact bytes.Buffer
				if err := json.Compact(&compact, hooks[i]); err != nil || compact.String() != want {
					t.Errorf("createRuntime hook %d = %s, want %s", i, hooks[i], want)
				}
			}
			gotCaps, _ := json.Marshal(got.Process.Capabilities)
			inCaps, _ := json.Marshal(in.Process.Capabilities)
			if !bytes.Equal(gotCaps, inCaps) {
				t.Errorf("capabilities changed: %s, was %s", gotCaps, inCaps)
			}
			if _, ok := got.Annotations[annotation.Record]; ok {
				t.Errorf("a denied container got a record annotation")
			}
			if r := recordFiles(t, h); len(r) != 0 {
				t.Fatalf("records %v, want none", r)
			}
		})
	}
}

func TestPrecreateErrors(t *testing.T) {
	tests := []struct {
		description string
		input       []byte
		wantErr     string
	}{
		{description: "not JSON", input: []byte(`{"process":`), wantErr: "proposed config"},
		{description: "not an object", input: []byte(`[]`), wantErr: "proposed config"},
		{description: "an unknown contract", input: proposed(t, setAnnotation("io.oshim.contract", "nope")), wantErr: "names no contract"},
		{description: "a loosening annotation", input: proposed(t, setAnnotation("io.oshim.on-skew", "bogus")), wantErr: "io.oshim.on-skew"},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			h := testHook(t, "repair")
			var out bytes.Buffer
			err := h.Precreate(bytes.NewReader(tc.input), &out)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Precreate error = %v, want one containing %q", err, tc.wantErr)
			}
			if out.Len() != 0 {
				t.Errorf("Precreate wrote %q on failure", out.Bytes())
			}
			if r := recordFiles(t, h); len(r) != 0 {
				t.Fatalf("records %v, want none", r)
			}
		})
	}
}

// FuzzPrecreate: whatever the engine sends, precreate either fails or writes one JSON
// object, and leaves a spec no contract applies to byte-identical, unless it carried
// annotations only oshim may write, which are removed.
func FuzzPrecreate(f *testing.F) {
	f.Add(proposed(f, nil))
	f.Add([]byte(`{"process":{"args":["/opt/openshell/bin/openshell-sandbox"],"user":{"uid":1000}},"annotations":{"io.oshim.record":"x"}}`))
	f.Add([]byte(`{"process":{"args":["/bin/true"]},"hooks":{"createRuntime":[{"path":"/x"}]}}`))
	f.Add([]byte(`{"process":null}`))
	f.Fuzz(func(t *testing.T, input []byte) {
		h := testHook(t, "noinit")
		var out bytes.Buffer
		if err := h.Precreate(bytes.NewReader(input), &out); err != nil {
			return
		}
		var m struct {
			Annotations map[string]string `json:"annotations"`
		}
		if err := json.Unmarshal(out.Bytes(), &m); err != nil {
			t.Fatalf("output is not a config: %v\n%s", err, out.Bytes())
		}
		if _, ok := m.Annotations["io.oshim.contract"]; ok {
			return
		}
		var in struct {
			Annotations map[string]json.RawMessage `json:"annotations"`
		}
		forged := false
		if json.Unmarshal(input, &in) == nil {
			for k := range in.Annotations {
				forged = forged || (annotation.IsOshim(k) && !annotation.IsRequest(k))
			}
		}
		if !forged && !bytes.Equal(out.Bytes(), input) {
			t.Fatalf("a spec without a contract changed:\n%s\n%s", input, out.Bytes())
		}
		for k := range m.Annotations {
			if annotation.IsOshim(k) && !annotation.IsRequest(k) {
				t.Fatalf("annotation %q, which only oshim may write, was left in:\n%s", k, out.Bytes())
			}
		}
	})
}
