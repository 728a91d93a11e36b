package explain

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/oshim/oshim/internal/config"
)

const supervisor = "/opt/openshell/bin/openshell-sandbox"

// contractText is a [[contract]] for the supervisor with extra keys.
func contractText(extra string) string {
	return "[[contract]]\nname = \"sv\"\n" + extra + "\n[contract.match]\ncommands = ['^" + supervisor + "$']\n"
}

// writeSpec writes testdata/config.json, changed by edit, to a temporary file.
func writeSpec(t testing.TB, edit func(m map[string]any)) string {
	t.Helper()
	data, err := os.ReadFile("testdata/config.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(m)
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func process(m map[string]any) map[string]any { return m["process"].(map[string]any) }

func setUID(uid float64) func(map[string]any) {
	return func(m map[string]any) { process(m)["user"] = map[string]any{"uid": uid, "gid": uid} }
}

func TestExplain(t *testing.T) {
	tests := []struct {
		name   string
		config string
		edit   func(m map[string]any)
		check  func(t *testing.T, ex *Explanation)
	}{
		{
			name: "no contracts", config: "",
			check: func(t *testing.T, ex *Explanation) {
				want(t, ex.Contract == "" && ex.Rewrite == nil && strings.HasPrefix(ex.Outcome, "no contract"), "no contract, no rewrite: %+v", ex)
				want(t, slices.Contains(ex.Why, "there is no admin config"), "why %q", ex.Why)
			},
		},
		{
			name: "args[0] matches no pattern", config: "[[contract]]\nname = \"other\"\n[contract.match]\ncommands = ['^/bin/other$']\n",
			check: func(t *testing.T, ex *Explanation) {
				want(t, ex.Contract == "", "contract %q", ex.Contract)
				wantWhy(t, ex, `contract "other": args[0] "`+supervisor+`" matches none of match.commands '^/bin/other$'`)
			},
		},
		{
			name: "an annotation rule does not hold", config: "[[contract]]\nname = \"sv\"\n[contract.match]\ncommands = ['^" + supervisor + "$']\nannotations = { '^openshell\\.managed$' = '^false$' }\n",
			check: func(t *testing.T, ex *Explanation) {
				want(t, ex.Contract == "", "contract %q", ex.Contract)
				wantWhy(t, ex, `contract "sv": match.commands '^`+supervisor+`$' matches args[0]`)
				wantWhy(t, ex, `contract "sv": no annotation matches match.annotations '^openshell\.managed$' = '^false$'`)
			},
		},
		{
			name: "repair without the init", config: contractText("require = [\"CAP_SETPCAP\"]\ninit = false"),
			check: func(t *testing.T, ex *Explanation) {
				want(t, ex.Contract == "sv" && ex.Skew == "missing=CAP_SETPCAP" && ex.Outcome == "runs repaired", "contract %q skew %q outcome %q", ex.Contract, ex.Skew, ex.Outcome)
				rw := ex.Rewrite
				want(t, rw != nil && len(rw.Mounts) == 0 && slices.Equal(rw.Args, []string{supervisor}), "rewrite %+v", rw)
				want(t, slices.Equal(rw.Granted["bounding"], []string{"CAP_SETPCAP"}) && len(rw.Granted) == 3, "granted %v", rw.Granted)
				want(t, ex.Caps.Init == nil && slices.Contains(ex.Caps.Workload.Effective, "CAP_SETPCAP"), "workload %+v", ex.Caps.Workload)
			},
		},
		{
			name: "root, cleared bounding set, required CAP_SETPCAP", config: contractText("require = [\"CAP_SETPCAP\"]\nbounding = \"clear\""),
			check: func(t *testing.T, ex *Explanation) {
				rw := ex.Rewrite
				want(t, rw.ClearBounding && len(rw.Lent) == 0 && len(rw.Dropped) == 0, "rewrite %+v", rw)
				want(t, len(rw.Mounts) == 2 && rw.Args[0] == "/dev/.oshim/init" && rw.Args[len(rw.Args)-1] == supervisor, "args %v mounts %v", rw.Args, rw.Mounts)
				all := []string{"CAP_KILL", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"}
				w := ex.Caps.Workload
				want(t, len(w.Bounding) == 0 && slices.Equal(w.Effective, all) && slices.Equal(w.Inheritable, all), "workload %+v", w)
				want(t, ex.Caps.Probe && ex.Caps.InitRefuses == "", "probe %t refuses %q", ex.Caps.Probe, ex.Caps.InitRefuses)
			},
		},
		{
			name: "uid 1000, cleared bounding set, nothing required: the loan is dropped", config: contractText("bounding = \"clear\""),
			edit: setUID(1000),
			check: func(t *testing.T, ex *Explanation) {
				rw := ex.Rewrite
				want(t, len(rw.Lent) == 5 && slices.Equal(rw.Dropped, []string{"CAP_SETPCAP"}), "lent %v dropped %v", rw.Lent, rw.Dropped)
				want(t, slices.Equal(ex.Caps.Init.Effective, []string{"CAP_SETPCAP"}), "init %+v", ex.Caps.Init)
				w := ex.Caps.Workload
				want(t, len(w.Bounding)+len(w.Effective)+len(w.Permitted)+len(w.Inheritable)+len(w.Ambient) == 0, "workload %+v", w)
				want(t, !ex.Root && ex.UID == 1000, "root %t uid %d", ex.Root, ex.UID)
			},
		},
		{
			name: "deny refuses", config: contractText("require = [\"CAP_SETPCAP\"]\non_skew = \"deny\""),
			check: func(t *testing.T, ex *Explanation) {
				want(t, strings.Contains(ex.Refused, "on_skew=deny") && ex.Rewrite == nil, "refused %q rewrite %v", ex.Refused, ex.Rewrite)
			},
		},
		{
			name: "report with the init: the init reports and the workload runs", config: contractText("require = [\"CAP_SETPCAP\"]\non_skew = \"report\""),
			check: func(t *testing.T, ex *Explanation) {
				want(t, ex.Caps.InitRefuses == "" && strings.Contains(ex.Caps.InitReports, "without CAP_SETPCAP") && strings.Contains(ex.Outcome, "runs unrepaired"), "refuses %q reports %q outcome %q", ex.Caps.InitRefuses, ex.Caps.InitReports, ex.Outcome)
				want(t, slices.Contains(ex.Rewrite.Args, "--report-only") && len(ex.Rewrite.Lent) == 0 && len(ex.Rewrite.Granted) == 0, "args %q lent %v granted %v", ex.Rewrite.Args, ex.Rewrite.Lent, ex.Rewrite.Granted)
				want(t, !ex.Caps.Probe, "probe without CAP_SETPCAP")
			},
		},
		{
			name: "report without the init runs unrepaired", config: contractText("require = [\"CAP_SETPCAP\"]\non_skew = \"report\"\ninit = false"),
			check: func(t *testing.T, ex *Explanation) {
				want(t, strings.HasPrefix(ex.Outcome, "runs unrepaired") && len(ex.Rewrite.Granted) == 0, "outcome %q rewrite %+v", ex.Outcome, ex.Rewrite)
			},
		},
		{
			name:   "chosen by annotation",
			config: "[[contract]]\nname = \"pick\"\nselectable = true\ninit = false\n",
			edit:   func(m map[string]any) { m["annotations"] = map[string]any{"io.oshim.contract": "pick"} },
			check: func(t *testing.T, ex *Explanation) {
				want(t, ex.Contract == "pick", "contract %q", ex.Contract)
				wantWhy(t, ex, `contract "pick": chosen by annotation io.oshim.contract (selectable = true)`)
			},
		},
		{
			name:   "annotation naming no contract",
			config: contractText(""),
			edit:   func(m map[string]any) { m["annotations"] = map[string]any{"io.oshim.contract": "nope"} },
			check: func(t *testing.T, ex *Explanation) {
				want(t, strings.Contains(ex.Refused, `names no contract`), "refused %q", ex.Refused)
			},
		},
		{
			name:   "no /dev mount for the init",
			config: contractText("bounding = \"clear\""),
			edit: func(m map[string]any) {
				var keep []any
				for _, mt := range m["mounts"].([]any) {
					if mt.(map[string]any)["destination"] != "/dev" {
						keep = append(keep, mt)
					}
				}
				m["mounts"] = keep
			},
			check: func(t *testing.T, ex *Explanation) {
				want(t, strings.Contains(ex.Refused, "no /dev mount"), "refused %q", ex.Refused)
			},
		},
		{
			name:   "a seccomp rule on PR_CAPBSET_DROP",
			config: contractText("bounding = \"clear\""),
			edit: func(m map[string]any) {
				m["linux"].(map[string]any)["seccomp"] = map[string]any{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": []any{
					map[string]any{"names": []any{"prctl"}, "action": "SCMP_ACT_ERRNO", "args": []any{map[string]any{"index": 0, "value": 24, "op": "SCMP_CMP_EQ"}}},
				}}
			},
			check: func(t *testing.T, ex *Explanation) {
				want(t, slices.ContainsFunc(ex.Warnings, func(w string) bool { return strings.Contains(w, "SCMP_ACT_ERRNO matches prctl(PR_CAPBSET_DROP)") }), "warnings %q", ex.Warnings)
			},
		},
		{
			name:   "a seccomp profile without capget, with the init",
			config: contractText("bounding = \"clear\""),
			edit: func(m map[string]any) {
				m["linux"].(map[string]any)["seccomp"] = map[string]any{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": []any{
					map[string]any{"names": []any{"capget"}, "action": "SCMP_ACT_ERRNO"},
				}}
			},
			check: func(t *testing.T, ex *Explanation) {
				want(t, slices.ContainsFunc(ex.Warnings, func(w string) bool {
					return strings.Contains(w, "matches capget: oshim-init makes these calls, so it would stop the container before the workload (exit 119")
				}), "warnings %q", ex.Warnings)
			},
		},
		{
			name:   "no_new_privs set by the contract",
			config: contractText("require = [\"CAP_SETPCAP\"]\nno_new_privs = true\ninit = false"),
			edit:   func(m map[string]any) { process(m)["noNewPrivileges"] = false },
			check: func(t *testing.T, ex *Explanation) {
				want(t, ex.Rewrite.NoNewPrivileges && ex.Rewrite.NoNewPrivilegesSet, "rewrite %+v", ex.Rewrite)
				want(t, strings.Contains(ex.Rewrite.Annotations["io.oshim.repair"], "set noNewPrivileges"), "annotations %v", ex.Rewrite.Annotations)
			},
		},
		{
			name:   "a name runc ignores",
			config: contractText("init = false"),
			edit: func(m map[string]any) {
				process(m)["capabilities"].(map[string]any)["effective"] = []any{"cap_kill", "CAP_NET_BIND_SERVICE"}
			},
			check: func(t *testing.T, ex *Explanation) {
				want(t, slices.ContainsFunc(ex.Warnings, func(w string) bool { return strings.Contains(w, `"cap_kill" is not spelled CAP_KILL`) }), "warnings %q", ex.Warnings)
			},
		},
		{
			name: "no process", config: contractText(""),
			edit: func(m map[string]any) { delete(m, "process") },
			check: func(t *testing.T, ex *Explanation) {
				want(t, strings.Contains(ex.Outcome, "no process"), "outcome %q", ex.Outcome)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse([]byte(tt.config))
			if err != nil {
				t.Fatal(err)
			}
			ex, err := Explain(cfg, writeSpec(t, tt.edit), "/run/oshim")
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, ex)
			var b bytes.Buffer
			if err := ex.WriteText(&b); err != nil || !strings.Contains(b.String(), "The workload starts with") {
				t.Errorf("text output (%v):\n%s", err, b.String())
			}
		})
	}
}

func want(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Fatalf(format, args...)
	}
}

func wantWhy(t *testing.T, ex *Explanation, reason string) {
	t.Helper()
	if !slices.ContainsFunc(ex.Why, func(w string) bool { return strings.HasPrefix(w, reason) }) {
		t.Fatalf("why %q lacks %q", ex.Why, reason)
	}
}

// TestExplainChangesNoFile: a dry run leaves config.json as it was, to the byte and
// the modification time, even with a contract that rewrites much.
func TestExplainChangesNoFile(t *testing.T) {
	p := writeSpec(t, nil)
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse([]byte(contractText("require = [\"CAP_SETPCAP\"]\nbounding = \"clear\"\nno_new_privs = true")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Explain(cfg, p, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	after, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) || !st.ModTime().Equal(old) {
		t.Fatalf("config.json changed: bytes equal %t, mtime %v", bytes.Equal(before, after), st.ModTime())
	}
	entries, err := os.ReadDir(filepath.Dir(p))
	if err != nil || len(entries) != 1 {
		t.Fatalf("the bundle directory holds %v (%v), want config.json alone", entries, err)
	}
}

func TestExplainUnreadableSpec(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"process": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse([]byte(contractText("")))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(dir, "absent.json"), bad} {
		if _, err := Explain(cfg, p, dir); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("Explain(%s) = %v, want an error naming the file", p, err)
		}
	}
}

// FuzzExplain: any config.json, under a contract that rewrites much, explains without
// panicking, changes no file, and prints no control character.
func FuzzExplain(f *testing.F) {
	seed, err := os.ReadFile("testdata/config.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`{"process":{"args":["` + supervisor + `"],"user":{"uid":5},"capabilities":{"ambient":["CAP_X",""]}},"mounts":[{"destination":"/dev"}]}`))
	f.Add([]byte(`{"process":{"args":[]},"annotations":{"io.oshim.bounding":"spec"}}`))
	f.Add([]byte(`{"process":{"args":["/usr/local/bin/capdump\u001b[2J"],"capabilities":{"bounding":["\u0007"]}},"mounts":[{"destination":"/dev"}]}`))
	cfg, err := config.Parse([]byte(contractText("require = [\"CAP_SETPCAP\", \"CAP_NET_ADMIN\"]\nbounding = \"clear\"")))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "config.json")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		ex, err := Explain(cfg, p, "/run/oshim")
		if after, rerr := os.ReadFile(p); rerr != nil || !bytes.Equal(after, data) {
			t.Fatalf("config.json changed (%v)", rerr)
		}
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := ex.WriteText(&b); err != nil {
			t.Fatal(err)
		}
		for _, r := range b.String() {
			if r != '\n' && unicode.IsControl(r) {
				t.Fatalf("control character %U in the explanation:\n%q", r, b.String())
			}
		}
		if _, err := json.Marshal(ex); err != nil {
			t.Fatal(err)
		}
	})
}
