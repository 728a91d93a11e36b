package ocsf

import (
	"bytes"
	"encoding/json"
	"testing"
)

// appendJSONString quotes as encoding/json does without HTML escaping, for every byte
// and the runes it treats apart.
func TestAppendJSONString(t *testing.T) {
	tests := []string{"", "plain", "<script>&</script>", "é☃", "\u2028\u2029", "\xff", "a\xe2\x82", "\x7f", "\"\\/"}
	for c := range 0x80 {
		tests = append(tests, string(rune(c)))
	}
	for _, s := range tests {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		want := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	}
}

// Unmapped values of a type the writer does not know go through encoding/json, and one
// that cannot be encoded fails the event instead of writing broken JSON.
func TestLineUnmappedFallback(t *testing.T) {
	ev := &Event{Unmapped: map[string]any{"f": 1.5, "b": true, "n": nil, "m": map[string]any{"z": []int{1}}}}
	line, err := ev.line()
	if err != nil {
		t.Fatal(err)
	}
	if want := reflectLine(t, ev); !bytes.Equal(line, want) {
		t.Fatalf("line:\n%s\nencoding/json:\n%s", line, want)
	}
	ev.Unmapped["c"] = make(chan int)
	if _, err := ev.line(); err == nil {
		t.Fatal("an unencodable value gave no error")
	}
}
