package ocsf

import (
	"bytes"
	"testing"
)

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
