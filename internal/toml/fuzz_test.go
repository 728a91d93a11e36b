package toml

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	bstoml "github.com/BurntSushi/toml"
)

// fuzzSeeds are varied documents; the toml-test files are added as well.
var fuzzSeeds = []string{
	"",
	"a = 1\nb = 'x'\nc = \"y\\u00e9\\x41\\e\"\n",
	"[a.b]\nc = [1, 2.5, true, 'x', 1979-05-27]\n[[d]]\ne = {f = 1, g.h = 2}\n[[d]]\n",
	"t = 1979-05-27T07:32:00.999-07:00\nu = 07:32\nv = 1979-05-27 07:32Z\nw = 1979-05-27t07:32:00z\n",
	"m = \"\"\"\n  one \\\n  two\"\"\"\"\"\nl = '''\nraw ''x'''''\n",
	"i = [0x_1, 0o7, 0b1, -0, +1_000, 9223372036854775807, -9223372036854775808]\n",
	"f = [1e3, -1.5E-3, 1_0.0_1, inf, -nan, +inf, 0.0, 6.02e+23]\n",
	"x = { a = 1,\n # comment\n b = [ 1,\n 2, ],\n}\n",
	"[a]\nb.c = 1\n[a.b.d]\ne = 2\n",
	"a.b.c = 1\na.b.d = 2\n\"quoted key\".'lit' = 3\n",
	"[[a.b]]\n[a.b.c]\n[[a.b]]\nx = 1\n[a]\n",
	"a = 1\r\nb = 2 # crlf\r\n[t]\r\n",
	"[a]\nb = 1\n[a]\n",
	"x = [[[[[[[[[[1]]]]]]]]]]\ny = {a={b={c={}}}}\n",
	benchConfig,
}

// burntSushiLeniency reports whether err is one of the cases where BurntSushi
// v1.6.0 accepts a document that TOML 1.1 forbids; such inputs are not
// compared. Each case is a known deviation of BurntSushi from the spec.
func burntSushiLeniency(data []byte, err error) bool {
	msg := err.Error()
	switch {
	// Spec (Table, Keys): a key or table may be defined only once, tables
	// defined by [header] cannot be extended with dotted keys and vice versa,
	// inline tables are complete when defined. BurntSushi lets several such
	// redefinitions through; its own toml_test.go skips the toml-test cases
	// for them ("we allow appending to tables, but shouldn't").
	case strings.Contains(msg, "duplicate key"),
		strings.Contains(msg, "defined twice"),
		strings.Contains(msg, "already defined"),
		strings.Contains(msg, "cannot extend inline table"),
		strings.Contains(msg, "cannot add to table"),
		strings.Contains(msg, "cannot append to static array"),
		strings.Contains(msg, "not an array of tables"),
		strings.Contains(msg, "is a value, not a table"):
		return true
	// Spec (Offset Date-Time, via RFC 3339 time-numoffset): offset hours are
	// 00-23 and minutes 00-59. Go's time.Parse, which BurntSushi relies on,
	// accepts up to 24 hours and 60 minutes (toml-test's
	// invalid/datetime/offset-overflow-* are skipped by BurntSushi too).
	case strings.Contains(msg, "time offset out of range"):
		return true
	// Spec (String): a multi-line basic string may end with at most two
	// quotes before its closing delimiter. BurntSushi's lexer mistakes the
	// second backslash of an escaped backslash (\\) for one that escapes the
	// following quote, and so accepts """\\"""""" (six quotes).
	case strings.Contains(msg, "too many quotes") && strings.Contains(string(data), `\""""""`):
		return true
	// Not a spec rule but a deliberate guard against hostile input (see
	// maxDepth); BurntSushi has no such limit.
	case strings.Contains(msg, "nested deeper than"), strings.Contains(msg, "key has more than"):
		return true
	// Spec (Spec section): a TOML file must be valid UTF-8. BurntSushi strips
	// a leading UTF-16 byte order mark and parses the rest.
	case strings.HasPrefix(string(data), "\xff\xfe") || strings.HasPrefix(string(data), "\xfe\xff"):
		return true
	}
	return false
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	dir, names := tomlTestFiles(f)
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, name+".toml"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse(data)
		want, bsErr, bsPanicked := decodeBurntSushi(data)
		if bsPanicked {
			return // a BurntSushi bug; Parse has already shown it does not panic
		}
		switch {
		case err != nil && bsErr != nil:
			return
		case err != nil:
			if !burntSushiLeniency(data, err) {
				t.Fatalf("Parse rejected what BurntSushi accepts: %v\ninput: %q", err, data)
			}
			return
		case bsErr != nil:
			t.Fatalf("Parse accepted what BurntSushi rejects: %v\ninput: %q", bsErr, data)
		}
		if got, want := normalize(doc.Root), normalize(want); !reflect.DeepEqual(got, want) {
			t.Fatalf("values differ\ninput: %q\nParse:       %#v\nBurntSushi:  %#v", data, got, want)
		}
	})
}

// decodeBurntSushi decodes data with BurntSushi, reporting a panic separately.
func decodeBurntSushi(data []byte) (v map[string]any, err error, panicked bool) {
	defer func() {
		if recover() != nil {
			panicked = true
		}
	}()
	v = map[string]any{}
	_, err = bstoml.Decode(string(data), &v)
	return v, err, false
}
