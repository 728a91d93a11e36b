package spec

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func mustParse(tb testing.TB, data string) *Object {
	tb.Helper()
	o, err := ParseObject([]byte(data))
	if err != nil {
		tb.Fatalf("ParseObject(%.80q): %v", data, err)
	}
	return o
}

func mustCompact(tb testing.TB, o *Object) string {
	tb.Helper()
	out, err := o.Marshal()
	if err != nil {
		tb.Fatalf("Marshal: %v", err)
	}
	return compact(tb, out)
}

func TestMarshalIndentsLikeRuncSpec(t *testing.T) {
	o := mustParse(t, `{"b":1,  "a":{"x":[1, 2.50],"e":{},"l":[]},"s":"<&>"}`)
	got, err := o.Marshal()
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	want := `{
  "b": 1,
  "a": {
    "x": [
      1,
      2.50
    ],
    "e": {},
    "l": []
  },
  "s": "<&>"
}`
	if string(got) != want {
		t.Errorf("Marshal =\n%s\nwant\n%s", got, want)
	}
}

func TestSamplesRoundTrip(t *testing.T) {
	for _, s := range loadSamples(t) {
		t.Run(s.name, func(t *testing.T) {
			o := mustParse(t, string(s.data))
			out, err := o.Marshal()
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if d := diffShapes(mustShape(t, out), mustShape(t, s.data)); d != "" {
				t.Errorf("ParseObject+Marshal changed the document:\n%s", d)
			}
			// Only whitespace may differ: every key, string and number keeps its text.
			if got, want := compact(t, out), compact(t, s.data); got != want {
				t.Errorf("Marshal changed more than whitespace:\n got %.200s\nwant %.200s", got, want)
			}
		})
	}
}

const navDoc = `{"ociVersion":"1.0.2","process":{"user":{"uid":0},"args":["sh"],"caps":null},` +
	`"hostname":"h","Dup":{},"dup":{"x":1},"n":null,"big":18446744073709551615}`

func TestGet(t *testing.T) {
	tests := []struct {
		name  string
		path  []string
		want  string
		found bool
	}{
		{"top-level string", []string{"ociVersion"}, `"1.0.2"`, true},
		{"nested number", []string{"process", "user", "uid"}, `0`, true},
		{"raw array", []string{"process", "args"}, `["sh"]`, true},
		{"large integer keeps its text", []string{"big"}, `18446744073709551615`, true},
		{"null value", []string{"process", "caps"}, `null`, true},
		{"whole nested object", []string{"process", "user"}, `{"uid":0}`, true},
		{"whole object", nil, navDoc, true},
		{"absent key", []string{"process", "cwd"}, ``, false},
		{"absent top-level key", []string{"linux", "namespaces"}, ``, false},
		{"through a string", []string{"hostname", "x"}, ``, false},
		{"through null", []string{"process", "caps", "bounding"}, ``, false},
		{"ambiguous key", []string{"dup", "x"}, ``, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := mustParse(t, navDoc)
			got, found := o.Get(tt.path...)
			if found != tt.found || string(got) != tt.want {
				t.Errorf("Get(%q) = %s, %t; want %s, %t", tt.path, got, found, tt.want, tt.found)
			}
		})
	}
}

func TestGetReturnsACopy(t *testing.T) {
	o := mustParse(t, navDoc)
	got, _ := o.Get("ociVersion")
	copy(got, `"9.9.9"`)
	if again, _ := o.Get("ociVersion"); string(again) != `"1.0.2"` {
		t.Errorf("Get after the caller wrote to its result = %s, want \"1.0.2\"", again)
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		name    string
		path    []string
		found   bool
		want    any
		wantErr string
	}{
		{"number into uint64", []string{"big"}, true, uint64(math.MaxUint64), ""},
		{"object into struct", []string{"process", "user"}, true, specs.User{UID: 0}, ""},
		{"absent", []string{"process", "cwd"}, false, "", ""},
		{"through null", []string{"process", "caps", "bounding"}, false, []string(nil), ""},
		{"through a string", []string{"hostname", "x"}, false, "", "lookup hostname.x: hostname is a string, not an object"},
		{"through an array", []string{"process", "args", "x"}, false, "", "process.args is an array, not an object"},
		{"ambiguous key", []string{"dup"}, false, "", `dup is ambiguous: "Dup" matches it case-insensitively`},
		{"wrong type", []string{"hostname"}, true, 0, "lookup hostname: json: cannot unmarshal string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := mustParse(t, navDoc)
			got := newLike(tt.want)
			found, err := o.Lookup(got, tt.path...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Lookup(%q) error = %v, want one containing %q", tt.path, err, tt.wantErr)
				}
				return
			}
			if err != nil || found != tt.found {
				t.Fatalf("Lookup(%q) = %t, %v; want %t, nil", tt.path, found, err, tt.found)
			}
			if found && !reflect.DeepEqual(deref(got), tt.want) {
				t.Errorf("Lookup(%q) decoded %#v, want %#v", tt.path, deref(got), tt.want)
			}
		})
	}
}

func TestDecodeSamples(t *testing.T) {
	for _, s := range loadSamples(t) {
		if s.process {
			continue
		}
		t.Run(s.name, func(t *testing.T) {
			o := mustParse(t, string(s.data))
			var got specs.Spec
			if err := o.Decode(&got); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got.Version == "" || got.Process == nil || len(got.Process.Args) == 0 || got.Root == nil {
				t.Errorf("Decode = version %q, process %+v, root %+v; want all set", got.Version, got.Process, got.Root)
			}
		})
	}
}

func TestDecodeVendorSample(t *testing.T) {
	o := mustParse(t, string(readTestdata(t, "vendor-extensions.json")))
	var got specs.Spec
	if err := o.Decode(&got); err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if len(got.Process.Rlimits) != 1 || got.Process.Rlimits[0].Hard != math.MaxUint64 {
		t.Errorf("rlimits = %+v, want one with hard limit %d", got.Process.Rlimits, uint64(math.MaxUint64))
	}
	if want := "GREETING=café 😀"; got.Process.Env[1] != want {
		t.Errorf("env[1] = %q, want %q", got.Process.Env[1], want)
	}
	if want := "escaped key"; got.Annotations["io.example.key"] != want {
		t.Errorf("annotation io.example.key = %q, want %q", got.Annotations["io.example.key"], want)
	}
}

func TestDecodeError(t *testing.T) {
	o := mustParse(t, `{"process":{"args":"not a list"}}`)
	var got specs.Spec
	err := o.Decode(&got)
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		t.Errorf("Decode error = %v, want a *json.UnmarshalTypeError", err)
	}
}

func TestMarshalJSONEmbedsRawMembers(t *testing.T) {
	o := mustParse(t, `{"n":1e400,"s":"\u00e9"}`)
	got, err := json.Marshal(map[string]*Object{"o": o})
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	if want := `{"o":{"n":1e400,"s":"\u00e9"}}`; string(got) != want {
		t.Errorf("json.Marshal = %s, want %s", got, want)
	}
}

// newLike returns a pointer to a new zero value of v's type.
func newLike(v any) any { return reflect.New(reflect.TypeOf(v)).Interface() }

func deref(p any) any { return reflect.ValueOf(p).Elem().Interface() }
