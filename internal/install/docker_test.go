package install

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// installedJSON returns the daemon.json in an install's snapshot, without its mode line.
func installedJSON(t *testing.T, snap map[string]string) []byte {
	t.Helper()
	text, ok := snap[DefaultDockerConfig]
	if !ok {
		t.Fatalf("no %s after install", DefaultDockerConfig)
	}
	return []byte(text[strings.IndexByte(text, '\n')+1:])
}

func TestDocker(t *testing.T) {
	entry := map[string]any{"path": testBinary}
	tests := []struct {
		description string
		daemonJSON  *string // nil: no file
		tgt         Docker
		// keys are the top-level keys after install, in order.
		keys []string
		// runtimes are the runtimes after install.
		runtimes map[string]any
	}{
		{
			description: "no daemon.json: install creates it, uninstall removes it",
			keys:        []string{"runtimes"},
			runtimes:    map[string]any{"oshim": entry},
		},
		{
			description: "an admin's daemon.json keeps every key in its place, oshim's comes last",
			daemonJSON:  ptr(testdata(t, "docker-daemon.json")),
			keys:        []string{"log-driver", "log-opts", "default-ulimits", "storage-driver", "features", "x-vendor-extension", "runtimes"},
			runtimes:    map[string]any{"oshim": entry},
		},
		{
			description: "another runtime stays, oshim's is added beside it",
			daemonJSON:  ptr(testdata(t, "docker-daemon-nvidia.json")),
			keys:        []string{"default-runtime", "runtimes"},
			runtimes:    map[string]any{"nvidia": map[string]any{"args": []any{}, "path": "nvidia-container-runtime"}, "oshim": entry},
		},
		{
			description: "an empty daemon.json is an empty object to dockerd",
			daemonJSON:  ptr(" \n"),
			keys:        []string{"runtimes"},
			runtimes:    map[string]any{"oshim": entry},
		},
		{
			description: "another name and config path",
			daemonJSON:  ptr(`{"debug": true}`),
			tgt:         Docker{Name: "oshim-strict"},
			keys:        []string{"debug", "runtimes"},
			runtimes:    map[string]any{"oshim-strict": entry},
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			files := map[string]string{}
			if tc.daemonJSON != nil {
				files[DefaultDockerConfig] = *tc.daemonJSON
			}
			root := newRoot(t, files)
			tgt := tc.tgt
			tgt.Binary = testBinary
			installed := installedJSON(t, checkLifecycle(t, &tgt, root))
			var keys []string
			dec := json.NewDecoder(strings.NewReader(string(installed)))
			if _, err := dec.Token(); err != nil {
				t.Fatal(err)
			}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					t.Fatal(err)
				}
				keys = append(keys, k.(string))
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					t.Fatal(err)
				}
			}
			if strings.Join(keys, " ") != strings.Join(tc.keys, " ") {
				t.Errorf("keys %q, want %q\n%s", keys, tc.keys, installed)
			}
			var doc struct {
				Runtimes map[string]any `json:"runtimes"`
			}
			if err := json.Unmarshal(installed, &doc); err != nil {
				t.Fatal(err)
			}
			if got, _ := json.Marshal(doc.Runtimes); !jsonEqual(got, mustJSON(t, tc.runtimes)) {
				t.Errorf("runtimes %s, want %s", got, mustJSON(t, tc.runtimes))
			}
			if tc.daemonJSON != nil && strings.Contains(*tc.daemonJSON, "18446744073709551615") && !strings.Contains(string(installed), "18446744073709551615") {
				t.Errorf("a number no Go type holds lost its text:\n%s", installed)
			}
		})
	}
}

func TestDockerRefuses(t *testing.T) {
	tests := []struct {
		description string
		daemonJSON  string
		tgt         Docker
		wantErr     []string
	}{
		{
			description: "invalid JSON is refused with its line",
			daemonJSON:  "{\n  \"debug\": true,\n  \"runtimes\": {,\n}\n",
			wantErr:     []string{DefaultDockerConfig, "line 3, column 16", "invalid JSON", "dockerd cannot read it either"},
		},
		{
			description: "a duplicate key is refused with its line",
			daemonJSON:  "{\n  \"debug\": true,\n  \"debug\": false\n}\n",
			wantErr:     []string{"line 3", "duplicate key debug"},
		},
		{
			description: "a number too large for dockerd is refused with its line",
			daemonJSON:  "{\n  \"debug\": true,\n  \"max-concurrent-downloads\": 1e700\n}\n",
			wantErr:     []string{DefaultDockerConfig, "line 3, column 31", "number 1e700 does not fit in a float64", "dockerd cannot read it either"},
		},
		{
			description: "an admin's runtime of that name is never replaced",
			daemonJSON:  `{"runtimes": {"oshim": {"path": "/opt/other/oshim"}}}`,
			wantErr:     []string{`runtimes.oshim is already {"path":"/opt/other/oshim"}`, "pass another --name"},
		},
		{
			description: "runtimes that is not an object",
			daemonJSON:  `{"runtimes": ["oshim"]}`,
			wantErr:     []string{`"runtimes" must be an object`},
		},
		{
			description: "a key dockerd reads as runtimes too",
			daemonJSON:  `{"Runtimes": {}}`,
			wantErr:     []string{"ambiguous"},
		},
		{
			description: "not an object",
			daemonJSON:  `["runtimes"]`,
			wantErr:     []string{"line 1, column 1", "want a JSON object"},
		},
		{
			description: "dockerd's own runtime name",
			daemonJSON:  `{}`,
			tgt:         Docker{Name: "runc"},
			wantErr:     []string{`runtime name "runc" is dockerd's own`},
		},
		{
			description: "a name unfit for daemon.json",
			daemonJSON:  `{}`,
			tgt:         Docker{Name: "a b"},
			wantErr:     []string{`runtime name "a b"`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			root := newRoot(t, map[string]string{DefaultDockerConfig: tc.daemonJSON})
			before := snapshot(t, root)
			tgt := tc.tgt
			tgt.Binary = testBinary
			out, err := runOp(t, Install, &tgt, root, false)
			if err == nil {
				t.Fatalf("install succeeded:\n%s", out)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if after := snapshot(t, root); len(diffSnapshots(before, after)) > 0 {
				t.Errorf("a refused install changed files:\n%s", diffSnapshots(before, after))
			}
		})
	}
}

// Two runtimes in one daemon.json (say, oshim with two admin configs) are two installs:
// each undoes only its own, and in reverse order the file gets its exact bytes back.
func TestDockerTwoRuntimes(t *testing.T) {
	original := testdata(t, "docker-daemon.json")
	root := newRoot(t, map[string]string{DefaultDockerConfig: original})
	a, b := &Docker{Binary: testBinary}, &Docker{Binary: testBinary, Name: "oshim-deny"}
	mustOp(t, Install, a, root, false)
	mustOp(t, Install, b, root, false)
	data := readRoot(t, root, DefaultDockerConfig)
	for _, name := range []string{`"oshim"`, `"oshim-deny"`} {
		if !strings.Contains(data, name) {
			t.Fatalf("daemon.json lacks %s:\n%s", name, data)
		}
	}
	mustOp(t, Uninstall, b, root, false)
	if got := readRoot(t, root, DefaultDockerConfig); strings.Contains(got, "oshim-deny") || !strings.Contains(got, `"oshim"`) {
		t.Fatalf("uninstall of one runtime:\n%s", got)
	}
	mustOp(t, Uninstall, a, root, false)
	if got := readRoot(t, root, DefaultDockerConfig); got != original {
		t.Fatalf("daemon.json not restored:\n%s\nwant:\n%s", got, original)
	}
}

// An admin who edits daemon.json after install keeps the edit: uninstall removes only
// oshim's runtime. When the edit is undone as well, the original bytes come back.
func TestDockerAdminEditsAfterInstall(t *testing.T) {
	original := testdata(t, "docker-daemon-nvidia.json")
	root := newRoot(t, map[string]string{DefaultDockerConfig: original})
	tgt := &Docker{Binary: testBinary}
	mustOp(t, Install, tgt, root, false)
	edited := strings.Replace(readRoot(t, root, DefaultDockerConfig), `"default-runtime": "runc",`, `"default-runtime": "runc", "debug": true,`, 1)
	writeRoot(t, root, DefaultDockerConfig, edited)
	mustOp(t, Uninstall, tgt, root, false)
	got := readRoot(t, root, DefaultDockerConfig)
	if strings.Contains(got, "oshim") || !strings.Contains(got, `"debug": true`) || !strings.Contains(got, "nvidia") {
		t.Fatalf("uninstall after an admin's edit:\n%s", got)
	}

	root = newRoot(t, map[string]string{DefaultDockerConfig: original})
	mustOp(t, Install, tgt, root, false)
	// The admin re-indents the file: what it means is unchanged.
	var v any
	if err := json.Unmarshal([]byte(readRoot(t, root, DefaultDockerConfig)), &v); err != nil {
		t.Fatal(err)
	}
	writeRoot(t, root, DefaultDockerConfig, string(mustJSON(t, v)))
	mustOp(t, Uninstall, tgt, root, false)
	if got := readRoot(t, root, DefaultDockerConfig); got != original {
		t.Fatalf("daemon.json not restored after a re-indent:\n%s\nwant:\n%s", got, original)
	}
}

// An admin who changes oshim's own entry since keeps the file as it is: uninstall says
// what to remove by hand.
func TestDockerEntryChangedSinceInstall(t *testing.T) {
	root := newRoot(t, map[string]string{DefaultDockerConfig: `{"debug": true}`})
	tgt := &Docker{Binary: testBinary}
	mustOp(t, Install, tgt, root, false)
	changed := strings.Replace(readRoot(t, root, DefaultDockerConfig), `"path"`, `"runtimeArgs": ["--debug"], "path"`, 1)
	writeRoot(t, root, DefaultDockerConfig, changed)
	out, err := runOp(t, Uninstall, tgt, root, false)
	if err == nil || !strings.Contains(err.Error(), "remove it by hand") {
		t.Fatalf("uninstall: %v\n%s", err, out)
	}
	if got := readRoot(t, root, DefaultDockerConfig); got != changed {
		t.Fatalf("uninstall changed the file:\n%s", got)
	}
}

func TestPosition(t *testing.T) {
	data := []byte("ab\ncd\n\nef")
	for _, tt := range []struct {
		offset int
		want   string
	}{
		{0, "line 1, column 1"}, {2, "line 1, column 3"}, {3, "line 2, column 1"}, {7, "line 4, column 1"}, {99, "line 4, column 3"}, {-1, "line 1, column 1"},
	} {
		if got := position(data, tt.offset); got != tt.want {
			t.Errorf("position(%d) = %q, want %q", tt.offset, got, tt.want)
		}
	}
}

// FuzzDockerRuntime: daemon.json is whatever the admin wrote. Adding oshim's runtime
// either refuses or gives a file that holds it, and removing it again gives back what
// the file meant.
func FuzzDockerRuntime(f *testing.F) {
	for _, name := range []string{"docker-daemon.json", "docker-daemon-nvidia.json"} {
		f.Add(testdata(f, name), "oshim")
	}
	f.Add(`{"runtimes": null}`, "oshim")
	f.Add(`{"runtimes": {"oshim": {"path": "/usr/local/bin/oshim"}}}`, "oshim")
	f.Add("", "x")
	f.Fuzz(func(t *testing.T, src, name string) {
		e := Edit{Kind: EditDockerRuntime, Value: name, Entry: dockerEntry(testBinary)}
		out, done, err := e.apply([]byte(src))
		if err != nil {
			return
		}
		if err := e.checkDocker(out); err != nil {
			t.Fatalf("added runtime not there: %v\n%q -> %q", err, src, out)
		}
		if done == nil {
			if string(out) != src {
				t.Fatalf("nothing added, but the file changed: %q -> %q", src, out)
			}
			return
		}
		back, err := done.revert(out)
		if err != nil {
			t.Fatalf("revert: %v\n%q -> %q", err, src, out)
		}
		var before, after map[string]any
		if json.Unmarshal(compactJSON([]byte(src)), &before) != nil {
			t.Fatalf("accepted %q, which encoding/json refuses", src)
		}
		if v, ok := before["runtimes"]; ok && v == nil {
			// dockerd reads a null runtimes as none; the revert leaves an empty object.
			before["runtimes"] = map[string]any{}
		}
		if err := json.Unmarshal(compactJSON(back), &after); err != nil || !jsonEqual(mustJSON(t, before), mustJSON(t, after)) {
			t.Fatalf("round trip changed the meaning (%v):\n%q\n-> %q\n-> %q", err, src, out, back)
		}
	})
}

func ptr(s string) *string { return &s }

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func readRoot(t *testing.T, root, path string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, path))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func writeRoot(t *testing.T, root, path, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(root, path), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
