package wrapper

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/oshim/oshim/internal/annotation"
	"github.com/oshim/oshim/internal/config"
	"github.com/oshim/oshim/internal/explain"
	"github.com/oshim/oshim/internal/hook"
	"github.com/oshim/oshim/internal/initdir"
	"github.com/oshim/oshim/internal/records"
)

// outcome is what one mode made of a container: the annotations and capabilities of
// the spec it leaves, its args, the record, and the refusal.
type outcome struct {
	annotations map[string]string
	caps        map[string][]string
	args        []string
	rec         *records.Container
	refused     string
}

// TestModesAgree runs every kind of contract through runtime mode's create, podman's
// precreate hook and `oshim explain`, for root and uid 1000, and checks that all three
// leave the same annotations, capabilities and process arguments, that the two that
// record keep the same record, and that they refuse the same containers alike: one
// pipeline decides for every mode.
func TestModesAgree(t *testing.T) {
	contracts := map[string]string{
		"repair":        `require = ["CAP_SETPCAP"]`,
		"repair noinit": "require = [\"CAP_SETPCAP\"]\ninit = false",
		"deny":          "require = [\"CAP_SETPCAP\"]\non_skew = \"deny\"",
		"report":        "require = [\"CAP_SETPCAP\"]\non_skew = \"report\"",
		"clear":         `bounding = "clear"`,
		"clear repair":  "require = [\"CAP_SETPCAP\"]\nbounding = \"clear\"",
		"nnp":           "require = [\"CAP_SETPCAP\"]\nno_new_privs = true",
		"verify only":   `require = ["CAP_KILL"]`,
	}
	for name, body := range contracts {
		for _, uid := range []int{0, 1000} {
			t.Run(fmt.Sprintf("%s/uid %d", name, uid), func(t *testing.T) {
				cfg := "[[contract]]\nname = \"k\"\nmatch.all = true\n" + body + "\n"
				edit := func(m map[string]any) {
					p := m["process"].(map[string]any)
					p["user"] = map[string]any{"uid": uid, "gid": uid}
					p["noNewPrivileges"] = false
				}
				rt := runtimeMode(t, cfg, edit)
				hk := hookMode(t, cfg, edit)
				ex := explainMode(t, cfg, edit)
				if rt.refused != "" || hk.refused != "" || ex.refused != "" {
					if !strings.Contains(rt.refused, "on_skew=deny") || !strings.Contains(hk.refused, "on_skew=deny") || !strings.Contains(ex.refused, "on_skew=deny") {
						t.Fatalf("refusals differ: runtime %q, hook %q, explain %q", rt.refused, hk.refused, ex.refused)
					}
					return
				}
				if rt.annotations[annotation.Contract] != "k" || rt.rec == nil || len(rt.args) == 0 {
					t.Fatalf("runtime mode left no contract: %+v", rt)
				}
				for _, k := range []string{annotation.Contract, annotation.Skew, annotation.Repair} {
					if rt.annotations[k] != hk.annotations[k] || rt.annotations[k] != ex.annotations[k] {
						t.Errorf("%s: runtime %q, hook %q, explain %q", k, rt.annotations[k], hk.annotations[k], ex.annotations[k])
					}
				}
				if !reflect.DeepEqual(rt.caps, hk.caps) || !reflect.DeepEqual(rt.caps, ex.caps) {
					t.Errorf("capabilities: runtime %v, hook %v, explain %v", rt.caps, hk.caps, ex.caps)
				}
				if !reflect.DeepEqual(rt.args, hk.args) || !reflect.DeepEqual(rt.args, ex.args) {
					t.Errorf("args: runtime %q, hook %q, explain %q", rt.args, hk.args, ex.args)
				}
				a, b := *rt.rec, *hk.rec
				a.ID, a.Root, a.Bundle, a.Created, a.Runtime, a.RuntimeVersion = "", "", "", b.Created, "", ""
				b.ID, b.Root, b.Bundle = "", "", ""
				if !reflect.DeepEqual(a, b) {
					t.Errorf("records differ:\nruntime %+v\nhook    %+v", a, b)
				}
				if strings.Contains(name, "nnp") && !(a.SetNoNewPrivs && b.SetNoNewPrivs) {
					t.Errorf("a no_new_privs contract's records do not say noNewPrivileges was set")
				}
			})
		}
	}
}

func readSpec(t *testing.T, data []byte) outcome {
	t.Helper()
	var s struct {
		Annotations map[string]string `json:"annotations"`
		Process     struct {
			Args         []string            `json:"args"`
			Capabilities map[string][]string `json:"capabilities"`
		} `json:"process"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	return outcome{annotations: s.Annotations, caps: s.Process.Capabilities, args: s.Process.Args}
}

func runtimeMode(t *testing.T, cfg string, edit func(map[string]any)) outcome {
	t.Helper()
	rt := newFakeRuntime(t, "runc")
	b := bundle(t, edit)
	runDir := filepath.Join(t.TempDir(), "run")
	stderr, code := oshimRun(t, rt, cfg, runDir, b, "create", "--bundle", b, "c1")
	if code != 0 {
		return outcome{refused: stderr}
	}
	data, err := os.ReadFile(filepath.Join(b, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	out := readSpec(t, data)
	rec, _, err := records.Store{Dir: runDir}.Load("", "c1")
	if err != nil {
		t.Fatal(err)
	}
	out.rec = rec
	return out
}

func hookMode(t *testing.T, cfg string, edit func(map[string]any)) outcome {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte("ocsf_log = \"\"\n"+cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	init, err := initdir.Source()
	if err != nil {
		t.Fatal(err)
	}
	h := &hook.Hook{Config: c, ConfigPath: path, Store: records.Store{Dir: filepath.Join(t.TempDir(), "run")}, Self: "/bin/true", InitBinary: init, Log: logrus.New()}
	spec, err := os.ReadFile(filepath.Join(bundle(t, edit), "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := h.Precreate(bytes.NewReader(spec), &out); err != nil {
		t.Fatalf("Precreate: %v", err)
	}
	o := readSpec(t, out.Bytes())
	if _, denied := o.annotations[annotation.Record]; !denied {
		// A denied container comes back unrewritten, with the hook that refuses it;
		// the hook's refusal is the createRuntime stage's.
		var st bytes.Buffer
		fmt.Fprintf(&st, `{"id":"c1","bundle":%q}`, writeBundle(t, out.Bytes()))
		return outcome{refused: fmt.Sprint(h.Detect(&st))}
	}
	rec, _, err := h.Store.Load(hook.StoreRoot, o.annotations[annotation.Record])
	if err != nil {
		t.Fatal(err)
	}
	o.rec = rec
	return o
}

func writeBundle(t *testing.T, spec []byte) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.json"), spec, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func explainMode(t *testing.T, cfg string, edit func(map[string]any)) outcome {
	t.Helper()
	c, err := config.Parse([]byte(cfg))
	if err != nil {
		t.Fatal(err)
	}
	ex, err := explain.Explain(c, filepath.Join(bundle(t, edit), "config.json"), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if ex.Refused != "" {
		return outcome{refused: ex.Refused}
	}
	rw := ex.Rewrite
	caps := map[string][]string{
		"bounding": rw.Capabilities.Bounding, "effective": rw.Capabilities.Effective, "permitted": rw.Capabilities.Permitted,
		"inheritable": rw.Capabilities.Inheritable, "ambient": rw.Capabilities.Ambient,
	}
	for k, v := range caps {
		if v == nil {
			delete(caps, k)
		}
	}
	return outcome{annotations: rw.Annotations, caps: caps, args: rw.Args}
}
