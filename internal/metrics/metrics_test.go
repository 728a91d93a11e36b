package metrics

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
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

// normalized is c with every null inner map as an empty one: encoding/json keeps
// {"a":null} as a nil map, decode as an empty one, and both count alike.
func normalized(c Counters) Counters {
	for k, v := range c {
		if v == nil {
			c[k] = map[Event]uint64{}
		}
	}
	return c
}

// TestCountersDecoding: decode reads what MarshalJSON writes back to the same
// counters, and reads any file as encoding/json does.
func TestCountersDecoding(t *testing.T) {
	for _, c := range []Counters{{}, {"b": {Skew: 2, Matched: 1 << 40}, "a\"<\u2028": {}, "": {Repair: 0}}} {
		b, err := c.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		got, err := decode(b)
		if err != nil || !reflect.DeepEqual(got, c) {
			t.Errorf("decode(%s) = %v, %v; want %v", b, got, err, c)
		}
	}
	for _, in := range []string{`null`, `{"a":null}`, `{"a":{"x":1},"a":{"y":2}}`, `{"a":{"x":1,"x":3}}`, ` { "a" : { "x" : 18446744073709551615 } } `} {
		got, err := decode([]byte(in))
		var want Counters
		if jerr := json.Unmarshal([]byte(in), &want); jerr != nil || err != nil {
			t.Fatalf("%s: decode error %v, encoding/json error %v", in, err, jerr)
		}
		if want == nil {
			want = Counters{}
		}
		if !reflect.DeepEqual(got, normalized(want)) {
			t.Errorf("%s: decode = %v, encoding/json = %v", in, got, want)
		}
	}
	for _, in := range []string{`{`, `[]`, `{"a":{"x":-1}}`, `{"a":{"x":1.5}}`, `{"a":{"x":18446744073709551616}}`, `{"a":{"x":"1"}}`, `{"a":1}`, `{} x`} {
		if got, err := decode([]byte(in)); err == nil {
			t.Errorf("%s: decoded as %v", in, got)
		}
	}
}

// FuzzCountersDecoding: whatever decode accepts, encoding/json reads alike.
func FuzzCountersDecoding(f *testing.F) {
	f.Add([]byte(`{"a":{"matched":1,"skew":2},"b":{}}`))
	f.Add([]byte(`{"a":null,"\u00e9\"":{"x":0}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := decode(b)
		var want Counters
		jerr := json.Unmarshal(b, &want)
		if err != nil {
			return
		}
		if jerr != nil {
			t.Fatalf("%q: decode accepted %v, encoding/json refused: %v", b, got, jerr)
		}
		if want == nil {
			want = Counters{}
		}
		if !reflect.DeepEqual(got, normalized(want)) {
			t.Fatalf("%q: decode = %v, encoding/json = %v", b, got, want)
		}
	})
}
