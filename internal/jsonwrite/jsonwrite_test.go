package jsonwrite

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// reference is v as encoding/json writes it without HTML escaping.
func reference(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// AppendString quotes as encoding/json does without HTML escaping, for every ASCII byte
// and the runes it treats apart.
func TestAppendString(t *testing.T) {
	tests := []string{"", "plain", "<script>&</script>", "é☃", "\u2028\u2029", "a\u2028b", "\xff", "a\xe2\x82", "\xe2\x80\xa8\xff", "\x7f", "\"\\/"}
	for c := range 0x80 {
		tests = append(tests, string(rune(c)), "x"+string(rune(c))+"y")
	}
	for _, s := range tests {
		if got, want := AppendString(nil, s), reference(t, s); !bytes.Equal(got, want) {
			t.Errorf("AppendString(%q) = %s, want %s", s, got, want)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\xff\u2028", "\x00\x1f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := AppendString(nil, s), reference(t, s); !bytes.Equal(got, want) {
			t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
		}
	})
}

// The member and value methods write what encoding/json writes for the same struct.
func TestWriterMatchesEncodingJSON(t *testing.T) {
	type inner struct {
		A string `json:"a"`
	}
	type doc struct {
		S      string              `json:"s"`
		SO     string              `json:"so,omitempty"`
		I      int64               `json:"i"`
		IO     int64               `json:"io,omitempty"`
		U      uint64              `json:"u"`
		B      bool                `json:"b"`
		BO     bool                `json:"bo,omitempty"`
		T      time.Time           `json:"t"`
		Empty  []string            `json:"empty"`
		List   []string            `json:"list"`
		Lists  map[string][]string `json:"lists"`
		NoMap  map[string][]string `json:"noMap"`
		Any    map[string]any      `json:"any"`
		Nested []inner             `json:"nested"`
	}
	d := doc{
		S: "x<y>", I: -3, U: 1 << 63, B: true, T: time.Date(2026, 12, 3, 1, 2, 3, 400, time.FixedZone("z", 3600)),
		List:  []string{"a", "", "\u2028"},
		Lists: map[string][]string{"z": {"1"}, "a": nil, "m": {}},
		Any: map[string]any{"s": "v", "l": []string{"c"}, "n": 7, "u": uint32(1 << 31), "m": map[string]string{"b": "2", "a": "1"},
			"f": 1.5, "t": true, "nil": nil, "deep": map[string]any{"x": []int{1}}},
		Nested: []inner{{"p"}, {"q"}},
	}
	w := New(0)
	w.Open()
	w.Str("s", d.S)
	w.StrOmit("so", d.SO)
	w.Int("i", d.I)
	w.IntOmit("io", d.IO)
	w.Uint("u", d.U)
	w.Bool("b", d.B)
	w.BoolOmit("bo", d.BO)
	w.Time("t", d.T)
	w.Key("empty")
	w.Strings(d.Empty)
	w.Key("list")
	w.Strings(d.List)
	w.Key("lists")
	w.StringLists(d.Lists)
	w.Key("noMap")
	w.StringLists(d.NoMap)
	w.Key("any")
	w.AnyMap(d.Any)
	w.Key("nested")
	w.Array(len(d.Nested), func(i int) {
		w.Open()
		w.Str("a", d.Nested[i].A)
		w.Close()
	})
	w.Close()
	got, err := w.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if want := reference(t, d); !bytes.Equal(got, want) {
		t.Fatalf("Writer:\n%s\nencoding/json:\n%s", got, want)
	}
}

// A value that cannot be encoded fails the Writer instead of leaving broken JSON.
func TestWriterErrors(t *testing.T) {
	w := New(0)
	w.Open()
	w.Key("m")
	w.AnyMap(map[string]any{"c": make(chan int)})
	w.Time("t", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))
	w.Close()
	if _, err := w.Bytes(); err == nil {
		t.Fatal("no error")
	}
}

func TestIndent(t *testing.T) {
	for _, src := range []string{
		`{}`, `[]`, `{"a":{}}`, `{"a":[]}`, `[[],{}]`, `"s"`, `1`, `null`,
		`{"a":1,"b":[1,2,{"c":"d"}],"e":{"f":null}}`,
		`{"q":"a \"quoted\" {brace}, [bracket]: colon","esc":"back\\slash\\"}`,
		"{ \"spaced\" : [ 1 , 2 ] ,\n\t\"tab\":\r\n{} }",
	} {
		assertIndentLikeJSON(t, []byte(src))
	}
}

// FuzzIndent holds Indent to json.Indent on every valid JSON document.
func FuzzIndent(f *testing.F) {
	for _, s := range []string{`{"a":[1,{"b":"c\"}"}],"d":{}}`, `[[],[[]],{"":""}]`, " { } "} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if !json.Valid(src) {
			return
		}
		assertIndentLikeJSON(t, src)
	})
}

func assertIndentLikeJSON(t *testing.T, src []byte) {
	t.Helper()
	var want bytes.Buffer
	if err := json.Indent(&want, src, "", "  "); err != nil {
		t.Fatalf("json.Indent(%q): %v", src, err)
	}
	if got := Indent([]byte("prefix"), src, "  "); string(got) != "prefix"+want.String() {
		t.Fatalf("Indent(%q) =\n%s\nwant\n%s", src, got[len("prefix"):], want.String())
	}
}
