package toml

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// excluded11 lists the toml-test files that are not part of TOML 1.1.0; it
// mirrors versions["1.1.0"].exclude in BurntSushi's internal/toml-test/version.go.
var excluded11 = []string{
	"valid/spec-1.0.0/*",
	"invalid/spec-1.0.0/*",
	"invalid/datetime/no-secs",
	"invalid/local-time/no-secs",
	"invalid/local-datetime/no-secs",
	"invalid/string/basic-byte-escapes",
	"invalid/inline-table/trailing-comma",
	"invalid/inline-table/linebreak-01",
	"invalid/inline-table/linebreak-02",
	"invalid/inline-table/linebreak-03",
	"invalid/inline-table/linebreak-04",
}

// tomlTestDir locates toml-test's files inside the BurntSushi module.
func tomlTestDir(t testing.TB) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/BurntSushi/toml").Output()
	if err != nil {
		t.Fatalf("locating github.com/BurntSushi/toml: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "internal", "toml-test", "tests")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("toml-test suite not found: %v", err)
	}
	return dir
}

// tomlTestFiles returns the TOML 1.1.0 test names (e.g. "valid/array/array"),
// without extension.
func tomlTestFiles(t testing.TB) (dir string, names []string) {
	dir = tomlTestDir(t)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".toml") {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(filepath.ToSlash(rel), ".toml")
		if !strings.HasPrefix(name, "valid/") && !strings.HasPrefix(name, "invalid/") {
			return nil // metadata such as version.toml
		}
		for _, pat := range excluded11 {
			if ok, _ := path.Match(pat, name); ok {
				return nil
			}
		}
		names = append(names, name)
		return nil
	})
	if err != nil {
		t.Fatalf("listing toml-test files: %v", err)
	}
	return dir, names
}

func TestTomlTestSuite(t *testing.T) {
	dir, names := tomlTestFiles(t)
	var valid, invalid int
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, name+".toml"))
		if err != nil {
			t.Fatal(err)
		}
		doc, perr := Parse(data)
		if strings.HasPrefix(name, "invalid/") {
			invalid++
			if perr == nil {
				t.Errorf("%s: accepted invalid document:\n%s", name, data)
			}
			continue
		}
		valid++
		if perr != nil {
			t.Errorf("%s: %v", name, perr)
			continue
		}
		wantJSON, err := os.ReadFile(filepath.Join(dir, name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var want any
		if err := json.Unmarshal(wantJSON, &want); err != nil {
			t.Fatalf("%s.json: %v", name, err)
		}
		if err := compareTagged(want, doc.Root, ""); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if valid+invalid < 650 {
		t.Fatalf("only %d toml-test files found", valid+invalid)
	}
	t.Logf("toml-test 1.1.0: %d valid, %d invalid cases", valid, invalid)
}

// compareTagged compares a value against toml-test's tagged JSON.
func compareTagged(want, have any, key string) error {
	switch w := want.(type) {
	case []any:
		h, ok := have.([]any)
		if !ok || len(h) != len(w) {
			return fmt.Errorf("%s: want array of %d, have %#v", key, len(w), have)
		}
		for i := range w {
			if err := compareTagged(w[i], h[i], key+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		return nil
	case map[string]any:
		if h, ok := have.(map[string]any); ok {
			if len(h) != len(w) {
				return fmt.Errorf("%s: want %d keys, have %d", key, len(w), len(h))
			}
			for k, wv := range w {
				hv, ok := h[k]
				if !ok {
					return fmt.Errorf("%s: missing key %q", key, k)
				}
				if err := compareTagged(wv, hv, key+"."+k); err != nil {
					return err
				}
			}
			return nil
		}
		return compareScalar(w, have, key)
	}
	return fmt.Errorf("%s: unexpected expected value %#v", key, want)
}

func compareScalar(want map[string]any, have any, key string) error {
	wt, _ := want["type"].(string)
	wv, _ := want["value"].(string)
	var ht, hv string
	switch h := have.(type) {
	case string:
		ht, hv = "string", h
	case int64:
		ht, hv = "integer", strconv.FormatInt(h, 10)
	case bool:
		ht, hv = "bool", strconv.FormatBool(h)
	case float64:
		if wt != "float" {
			return fmt.Errorf("%s: want %s, have float %v", key, wt, h)
		}
		wf, ok := parseTaggedFloat(wv)
		if !ok || !(wf == h || math.IsNaN(wf) && math.IsNaN(h)) {
			return fmt.Errorf("%s: want float %s, have %v", key, wv, h)
		}
		return nil
	case Datetime:
		kind, canon, err := canonDatetime(h.Text)
		if err != nil {
			return fmt.Errorf("%s: %v", key, err)
		}
		_, wantCanon, err := canonDatetime(wv)
		if err != nil {
			return fmt.Errorf("%s: bad expected datetime %q: %v", key, wv, err)
		}
		ht, hv, wv = kind, canon, wantCanon
	default:
		return fmt.Errorf("%s: unexpected value %#v", key, have)
	}
	if ht != wt || hv != wv {
		return fmt.Errorf("%s: want %s %q, have %s %q", key, wt, wv, ht, hv)
	}
	return nil
}

// parseTaggedFloat reads toml-test's float text, including signed nan/inf.
func parseTaggedFloat(s string) (float64, bool) {
	switch strings.TrimLeft(strings.ToLower(s), "+-") {
	case "nan":
		return math.NaN(), true
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}
