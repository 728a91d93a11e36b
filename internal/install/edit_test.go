package install

import (
	"strings"
	"testing"
	"unicode/utf8"
)

const dropInPath = "/etc/containerd/conf.d/50-oshim.toml"

func TestAddImport(t *testing.T) {
	tests := []struct {
		description string
		src         string
		want        string
	}{
		{
			description: "no imports key: added after the version line",
			src:         "version = 3\n# c\n[plugins]\n",
			want:        "version = 3\nimports = [\"" + dropInPath + "\"]\n# c\n[plugins]\n",
		},
		{
			description: "version without a newline at the end of the file",
			src:         "version = 3",
			want:        "version = 3\nimports = [\"" + dropInPath + "\"]",
		},
		{
			description: "no version: before the first table",
			src:         "root = \"/x\"\n[plugins]\n",
			want:        "root = \"/x\"\nimports = [\"" + dropInPath + "\"]\n[plugins]\n",
		},
		{
			description: "empty array",
			src:         "version = 3\nimports = []\n",
			want:        "version = 3\nimports = [\"" + dropInPath + "\"]\n",
		},
		{
			description: "one element",
			src:         "imports = ['/a.toml'] # trailing\nversion = 3\n",
			want:        "imports = ['/a.toml', \"" + dropInPath + "\"] # trailing\nversion = 3\n",
		},
		{
			description: "multi-line with a trailing comma and comments",
			src:         "version = 3\nimports = [\n  \"/a.toml\", # a\n  # end\n]\n[x]\nimports = 1\n",
			want:        "version = 3\nimports = [\n  \"/a.toml\", \"" + dropInPath + "\", # a\n  # end\n]\n[x]\nimports = 1\n",
		},
		{
			description: "a table's imports key is not the top-level one",
			src:         "version = 3\n[x]\nimports = []\n",
			want:        "version = 3\nimports = [\"" + dropInPath + "\"]\n[x]\nimports = []\n",
		},
		{
			description: "multi-line strings before the key",
			src:         "a = \"\"\"\n[not a table]\n\"\"\"\nb = '''x'''\nimports = []\n",
			want:        "a = \"\"\"\n[not a table]\n\"\"\"\nb = '''x'''\nimports = [\"" + dropInPath + "\"]\n",
		},
		{
			description: "already listed: unchanged",
			src:         "imports = [\"/etc/containerd/conf.d/50-oshim.toml\"]\n",
			want:        "imports = [\"/etc/containerd/conf.d/50-oshim.toml\"]\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			out, created, changed, err := addImport([]byte(tc.src), dropInPath)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.want {
				t.Fatalf("got:\n%s\nwant:\n%s", out, tc.want)
			}
			if changed != (tc.src != tc.want) {
				t.Errorf("changed = %v", changed)
			}
			back, err := removeImport(out, dropInPath, created)
			if err != nil {
				t.Fatal(err)
			}
			if changed && string(back) != tc.src {
				t.Errorf("removeImport did not restore the text:\n%s", back)
			}
		})
	}
}

func TestAddImportErrors(t *testing.T) {
	tests := []struct {
		description string
		src         string
	}{
		{description: "imports is a string", src: "imports = \"/a\"\n"},
		{description: "imports holds a number", src: "imports = [\"/a\", 0]\n"},
		{description: "unterminated array", src: "imports = [\"/a\"\n"},
		{description: "unterminated string", src: "version = \"3\n"},
		{description: "missing equals", src: "version 3\n"},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			if _, _, _, err := addImport([]byte(tc.src), dropInPath); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

// FuzzImports checks that adding an import and removing it again gives back the exact
// bytes, and that the result still decodes with the import listed.
func FuzzImports(f *testing.F) {
	for _, s := range []string{
		"version = 3\n", "imports = []\n", "imports = ['/a', \"/b\",]\n[t]\n", "a = \"\"\"x\"\"\"\nimports = [ # c\n]\n",
		"a = 1979-05-27 07:32:00Z\nimports=[\"/x\"]", "a = {b = [1, {c = 'd'}]}\nversion = 2\n",
	} {
		f.Add(s, dropInPath)
	}
	f.Fuzz(func(t *testing.T, src, path string) {
		out, created, changed, err := addImport([]byte(src), path)
		if err != nil {
			return
		}
		if !changed {
			if string(out) != src {
				t.Fatal("unchanged but different")
			}
			return
		}
		back, err := removeImport(out, path, created)
		if err != nil {
			t.Fatalf("removeImport: %v\n%q", err, out)
		}
		if string(back) != src {
			t.Fatalf("round trip:\n%q\n->\n%q\n->\n%q", src, out, back)
		}
		if _, err := decodeTOML([]byte(src)); err != nil || !utf8.ValidString(path) {
			return
		}
		doc, err := decodeTOML(out)
		if err != nil {
			t.Fatalf("valid TOML became invalid: %v\n%q", err, out)
		}
		list, err := stringList(doc["imports"], "imports")
		if err != nil || len(list) == 0 || list[len(list)-1] != path {
			t.Fatalf("imports = %q (%v), want %q last", list, err, path)
		}
	})
}

func TestTOMLString(t *testing.T) {
	tests := []struct {
		description string
		in          string
	}{
		{description: "plain path", in: "/usr/local/bin/oshim"},
		{description: "quotes and backslashes", in: `a"b\c`},
		{description: "control characters", in: "a\x00b\x1f\x7f\n\t\r"},
		{description: "unicode", in: "é☃"},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			got, ok := stringValue([]byte(tomlString(tc.in)))
			if !ok || got != tc.in {
				t.Fatalf("%s decodes to %q, %v", tomlString(tc.in), got, ok)
			}
		})
	}
}

// FuzzWriteTable checks that any table of strings written and decoded again is the same.
func FuzzWriteTable(f *testing.F) {
	f.Add("runc", "BinaryName", "/usr/bin/runc")
	f.Add("a.b", "", "\"\\")
	f.Fuzz(func(t *testing.T, name, key, value string) {
		if !utf8.ValidString(name) || !utf8.ValidString(key) || !utf8.ValidString(value) || key == "sub" {
			return
		}
		var b strings.Builder
		in := map[string]any{key: value, "sub": map[string]any{key: []any{value, int64(1), 1.5, true}}}
		if err := writeTable(&b, []string{"plugins", name}, in); err != nil {
			t.Fatal(err)
		}
		doc, err := decodeTOML([]byte(b.String()))
		if err != nil {
			t.Fatalf("%v\n%s", err, b.String())
		}
		got := table(doc, "plugins", name)
		if got == nil || got[key] != value || len(table(got, "sub")[key].([]any)) != 4 {
			t.Fatalf("got %v from\n%s", got, b.String())
		}
	})
}
