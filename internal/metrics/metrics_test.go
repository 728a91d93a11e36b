package metrics

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestAddConcurrently: many oshim processes count at once; no count is lost.
func TestAddConcurrently(t *testing.T) {
	dir := t.TempDir()
	textfile := filepath.Join(t.TempDir(), "oshim.prom")
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			contract := []string{"a", "b"}[i%2]
			if err := Add(dir, textfile, contract, Matched, Skew); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	c, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c["a"][Matched] != 10 || c["b"][Skew] != 10 || c["a"][Denial] != 0 {
		t.Fatalf("counters %v", c)
	}
	text, err := os.ReadFile(textfile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"# TYPE oshim_containers_matched_total counter\n",
		`oshim_containers_matched_total{contract="a"} 10` + "\n",
		`oshim_skews_total{contract="b"} 10` + "\n",
		`oshim_exec_sessions_capped_total{contract="a"} 0` + "\n",
	} {
		if !strings.Contains(string(text), want) {
			t.Errorf("textfile lacks %q:\n%s", want, text)
		}
	}
}

func TestReadNothingYet(t *testing.T) {
	c, err := Read(t.TempDir())
	if err != nil || len(c) != 0 {
		t.Fatalf("Read = %v, %v", c, err)
	}
	var b strings.Builder
	if err := c.WritePrometheus(&b); err != nil || !strings.Contains(b.String(), "# HELP oshim_denials_total") {
		t.Fatalf("WritePrometheus = %q, %v", b.String(), err)
	}
}

func TestReadBroken(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, file), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(dir); err == nil {
		t.Fatal("a broken metrics file was read")
	}
}

// MarshalJSON writes what encoding/json writes for the map (without HTML escaping,
// which no reader of the file needs).
func TestCountersEncoding(t *testing.T) {
	for _, c := range []Counters{{}, {"b": {Skew: 2, Matched: 1 << 40}, "a\"<": {}, "": {Repair: 0}}} {
		got, err := c.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(map[string]map[Event]uint64(c)); err != nil {
			t.Fatal(err)
		}
		if want := strings.TrimSuffix(b.String(), "\n"); string(got) != want {
			t.Errorf("MarshalJSON = %s, want %s", got, want)
		}
	}
}
