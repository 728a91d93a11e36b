package spec

import (
	"encoding/json"
	"strings"
	"testing"
)

// setCases are paths every config.json sample can take; process samples take them
// without the leading "process".
var setCases = []struct {
	name  string
	path  []string
	value any
}{
	{"replace a scalar", []string{"process", "user", "uid"}, 1000},
	{"replace a list", []string{"process", "capabilities", "bounding"}, []string{"CAP_KILL", "CAP_SETPCAP"}},
	{"add a key to an existing object", []string{"process", "capabilities", "ambient"}, []string{"CAP_SETPCAP"}},
	{"add a key with odd characters", []string{"process", "io.oshim/\"odd\" key"}, "a && b <c>"},
	{"create intermediate objects", []string{"process", "io.oshim", "deep", "er"}, map[string]any{"z": 1, "a": nil}},
	{"replace an object with a scalar", []string{"process", "user"}, json.Number("18446744073709551615")},
	{"append a top-level key", []string{"io.oshim.top"}, []any{1e300, "x", true}},
}

func TestSetChangesOnlyItsPath(t *testing.T) {
	for _, s := range loadSamples(t) {
		for _, tt := range setCases {
			t.Run(s.name+"/"+tt.name, func(t *testing.T) {
				path := tt.path
				if s.process && len(path) > 1 {
					path = path[1:]
				}
				o := mustParse(t, string(s.data))
				untouched := topLevelRaw(o, path[0])
				old, existed := o.Get(path...)
				if err := o.Set(tt.value, path...); err != nil {
					t.Fatalf("Set(%v): %v", path, err)
				}
				after, err := o.Marshal()
				if err != nil {
					t.Fatalf("Marshal: %v", err)
				}
				value, err := marshalValue(tt.value)
				if err != nil {
					t.Fatalf("marshal value: %v", err)
				}
				checkOnlySet(t, s.data, after, value, path)
				for key, raw := range untouched {
					if got, _ := o.Get(key); string(got) != raw {
						t.Errorf("Get(%q) changed from %.60s to %.60s", key, raw, got)
					}
				}
				if same := existed && sameJSON(old, value); o.changed == same {
					t.Errorf("changed = %t after setting %s over %s", o.changed, value, old)
				}
			})
		}
	}
}

// topLevelRaw returns the raw bytes of every top-level member except skip.
func topLevelRaw(o *Object, skip string) map[string]string {
	raws := map[string]string{}
	for _, m := range o.members {
		if m.key != skip {
			raws[m.key] = string(m.appendValue(nil))
		}
	}
	return raws
}

func TestSet(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		path    []string
		value   any
		want    string // compacted Marshal output; the input when an error is expected
		wantErr string
	}{
		{"existing key keeps its position", `{"a":1,"b":2,"c":3}`, []string{"b"}, "x", `{"a":1,"b":"x","c":3}`, ""},
		{"new key is appended", `{"b":1,"a":2}`, []string{"0"}, true, `{"b":1,"a":2,"0":true}`, ""},
		{"missing intermediates are created", `{"a":{}}`, []string{"a", "b", "c"}, 1, `{"a":{"b":{"c":1}}}`, ""},
		{"null intermediate becomes an object in place", `{"p":null,"z":0}`, []string{"p", "c"}, []int{}, `{"p":{"c":[]},"z":0}`, ""},
		{"nested set keeps siblings' bytes", `{"p":{"u":1,  "v":[1.0, 1e400]}}`, []string{"p", "u"}, 2, `{"p":{"u":2,"v":[1.0,1e400]}}`, ""},
		{"HTML characters are not escaped", `{}`, []string{"args"}, []string{"a && b <c>"}, `{"args":["a && b <c>"]}`, ""},
		{"json.Number keeps its text", `{}`, []string{"n"}, json.Number("18446744073709551615"), `{"n":18446744073709551615}`, ""},
		{"raw message keeps its text", `{}`, []string{"r"}, json.RawMessage(`{"z": 1e400, "a": "\u00e9"}`), `{"r":{"z":1e400,"a":"\u00e9"}}`, ""},
		{"an Object embeds its raw members", `{}`, []string{"o"}, mustParse(t, `{"k":"\u0061", "n":1.50}`), `{"o":{"k":"\u0061","n":1.50}}`, ""},
		{"escaped key is matched decoded", `{"\u0061":1}`, []string{"a"}, 2, `{"\u0061":2}`, ""},
		{"empty path", `{"a":1}`, nil, 1, `{"a":1}`, "set: empty path"},
		{"intermediate is a string", `{"process":"sh"}`, []string{"process", "user", "uid"}, 0, `{"process":"sh"}`, "set process.user.uid: process is a string, not an object"},
		{"intermediate is a number", `{"a":{"b":1}}`, []string{"a", "b", "c"}, 0, `{"a":{"b":1}}`, "a.b is a number, not an object"},
		{"ambiguous intermediate", `{"Process":{}}`, []string{"process", "args"}, []string{"sh"}, `{"Process":{}}`, `process is ambiguous: "Process" matches it`},
		{"ambiguous leaf", `{"p":{"ARGS":[]}}`, []string{"p", "args"}, []string{"sh"}, `{"p":{"ARGS":[]}}`, `p.args is ambiguous`},
		{"value cannot be encoded", `{}`, []string{"c"}, make(chan int), `{}`, "set c: json: unsupported type"},
		{"raw value with duplicate keys", `{}`, []string{"v"}, json.RawMessage(`{"k":1,"k":2}`), `{}`, "set v: duplicate key v.k"},
		{"raw value with invalid UTF-8", `{}`, []string{"v"}, json.RawMessage("\"\xff\""), `{}`, "invalid UTF-8"},
		{"key with invalid UTF-8", `{}`, []string{"a\xff"}, 1, `{}`, "is not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := mustParse(t, tt.doc)
			err := o.Set(tt.value, tt.path...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Set(%q) error = %v, want one containing %q", tt.path, err, tt.wantErr)
				}
				if o.changed {
					t.Error("failed Set marked the object changed")
				}
			} else if err != nil {
				t.Fatalf("Set(%q): %v", tt.path, err)
			}
			if got := mustCompact(t, o); got != tt.want {
				t.Errorf("after Set(%q): %s, want %s", tt.path, got, tt.want)
			}
		})
	}
}

func TestDelete(t *testing.T) {
	tests := []struct {
		name    string
		path    []string
		want    string // compacted Marshal output
		changed bool
		wantErr string
	}{
		{"top-level key", []string{"hostname"}, `{"ociVersion":"1.0.2","process":{"user":{"uid":0},"args":["sh"],"caps":null},"Dup":{},"dup":{"x":1},"n":null,"big":18446744073709551615}`, true, ""},
		{"nested key", []string{"process", "args"}, `{"ociVersion":"1.0.2","process":{"user":{"uid":0},"caps":null},"hostname":"h","Dup":{},"dup":{"x":1},"n":null,"big":18446744073709551615}`, true, ""},
		{"absent key", []string{"process", "cwd"}, navDoc, false, ""},
		{"absent intermediate", []string{"linux", "seccomp"}, navDoc, false, ""},
		{"through null", []string{"n", "x"}, navDoc, false, ""},
		{"through a string", []string{"hostname", "x"}, navDoc, false, "delete hostname.x: hostname is a string, not an object"},
		{"ambiguous key", []string{"Dup"}, navDoc, false, "Dup is ambiguous"},
		{"empty path", nil, navDoc, false, "delete: empty path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := mustParse(t, navDoc)
			err := o.Delete(tt.path...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Delete(%q) error = %v, want one containing %q", tt.path, err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatalf("Delete(%q): %v", tt.path, err)
			}
			if got := mustCompact(t, o); got != tt.want {
				t.Errorf("after Delete(%q): %s, want %s", tt.path, got, tt.want)
			}
			if o.changed != tt.changed {
				t.Errorf("changed = %t, want %t", o.changed, tt.changed)
			}
		})
	}
}

func TestSetMarksChangedOnlyForNewValues(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		path    []string
		value   any
		changed bool
	}{
		{"same value, other whitespace", `{"a":[ 1, 2 ]}`, []string{"a"}, []int{1, 2}, false},
		{"same nested object", `{"p":{"u":{"id":0}}}`, []string{"p", "u"}, map[string]int{"id": 0}, false},
		{"different value", `{"a":[1,2]}`, []string{"a"}, []int{2, 1}, true},
		{"same value, other spelling", `{"a":"\u0061"}`, []string{"a"}, "a", true},
		{"new key", `{}`, []string{"a"}, nil, true},
		{"null intermediate", `{"p":null}`, []string{"p", "x"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := mustParse(t, tt.doc)
			if _, found := o.Get(tt.path...); found {
				// Navigating first parses nested objects; that must not count as a change.
				if o.changed {
					t.Fatal("Get marked the object changed")
				}
			}
			if err := o.Set(tt.value, tt.path...); err != nil {
				t.Fatalf("Set: %v", err)
			}
			if o.changed != tt.changed {
				t.Errorf("changed = %t, want %t", o.changed, tt.changed)
			}
		})
	}
}
