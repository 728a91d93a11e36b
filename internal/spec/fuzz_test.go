package spec

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

func FuzzParseObject(f *testing.F) {
	for _, s := range loadSamples(f) {
		f.Add(s.data)
	}
	for _, seed := range []string{
		``, `{}`, `[]`, `{"a":1,"a":2}`, `{"a":{"b":[{"c":1,"c":2}]}}`, `{"\u0061":1,"a":2}`,
		`{"\ud800":1,"\udc00":2}`, "{\"a\":\"\xff\"}", `{"a":1e400,"b":-0.0E+1}`, `{"a":[1,]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := ParseObject(data)
		valid := json.Valid(data)
		if err != nil {
			var se *SyntaxError
			var de *DuplicateKeyError
			switch {
			case errors.As(err, &de):
			case !errors.As(err, &se):
				t.Fatalf("ParseObject error %v (%T) is neither a SyntaxError nor a DuplicateKeyError", err, err)
			case valid && !strings.Contains(se.Msg, "top-level value is") && !strings.Contains(se.Msg, "invalid UTF-8"):
				// encoding/json accepts it, and it is an object with valid UTF-8: only a
				// duplicate key could be wrong with it.
				t.Fatalf("ParseObject rejected JSON that encoding/json accepts: %v", err)
			}
			return
		}
		if !valid {
			t.Fatalf("ParseObject accepted JSON that encoding/json rejects: %q", data)
		}
		checkSize(t, o)
		out, err := o.Marshal()
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		again, err := ParseObject(out)
		if err != nil {
			t.Fatalf("ParseObject(Marshal()) = %v for %q", err, out)
		}
		if d := diffShapes(mustShape(t, out), mustShape(t, data)); d != "" {
			t.Fatalf("Marshal changed the document:\n%s", d)
		}
		if got, want := compact(t, out), compact(t, data); got != want {
			t.Fatalf("Marshal changed more than whitespace:\n got %q\nwant %q", got, want)
		}
		if got, want := mustCompact(t, again), compact(t, data); got != want {
			t.Fatalf("second round trip = %q, want %q", got, want)
		}
	})
}

// checkSize fails unless size says how long appendTo's text is.
func checkSize(t *testing.T, o *Object) {
	t.Helper()
	if got, want := o.size(), len(o.appendTo(nil)); got != want {
		t.Fatalf("size() = %d, appendTo wrote %d bytes", got, want)
	}
}

// fuzzPath turns a fuzzer string into a short path of keys.
func fuzzPath(s string) []string {
	keys := strings.Split(s, "/")
	return keys[:min(len(keys), 6)]
}

func FuzzSet(f *testing.F) {
	samples := loadSamples(f)
	f.Add(uint8(0), "process/user/uid", []byte(`1000`))
	f.Add(uint8(1), "process/capabilities/bounding", []byte(`["CAP_SETPCAP"]`))
	f.Add(uint8(2), "linux/futureThing/flags/a", []byte(`{"z":1e400,"a":18446744073709551615}`))
	f.Add(uint8(3), "hostname/x", []byte(`true`))
	f.Add(uint8(4), "io.example.vendor/nested/deeper/x/y", []byte(`null`))
	f.Add(uint8(5), "annotations/io.oshim", []byte(`"a && b"`))
	f.Add(uint8(6), "process/Args", []byte(`[]`))
	f.Add(uint8(7), "", []byte(`{"k":1,"k":2}`))
	f.Fuzz(func(t *testing.T, which uint8, rawPath string, value []byte) {
		s := samples[int(which)%len(samples)]
		keys := fuzzPath(rawPath)
		o := mustParse(t, string(s.data))
		before := mustCompact(t, o)
		if err := o.Set(json.RawMessage(value), keys...); err != nil {
			if after := mustCompact(t, o); after != before || o.changed {
				t.Fatalf("failed Set(%q) = %v changed the object", keys, err)
			}
			return
		}
		checkSize(t, o)
		after, err := o.Marshal()
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		checkOnlySet(t, s.data, after, value, keys)
		if _, err := ParseObject(after); err != nil {
			t.Fatalf("ParseObject after Set: %v", err)
		}
	})
}

func FuzzDelete(f *testing.F) {
	samples := loadSamples(f)
	f.Add(uint8(0), "process/capabilities/bounding")
	f.Add(uint8(1), "process")
	f.Add(uint8(2), "linux/futureThing/flags/z")
	f.Add(uint8(3), "root/path")
	f.Add(uint8(4), "process/user/uid/x")
	f.Fuzz(func(t *testing.T, which uint8, rawPath string) {
		s := samples[int(which)%len(samples)]
		keys := fuzzPath(rawPath)
		o := mustParse(t, string(s.data))
		before := mustCompact(t, o)
		if err := o.Delete(keys...); err != nil {
			if after := mustCompact(t, o); after != before || o.changed {
				t.Fatalf("failed Delete(%q) = %v changed the object", keys, err)
			}
			return
		}
		after, err := o.Marshal()
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		checkOnlyDeleted(t, s.data, after, keys)
	})
}

// checkOnlyDeleted checks that after is before without the value at keys.
func checkOnlyDeleted(tb testing.TB, before, after []byte, keys []string) {
	tb.Helper()
	b, a := mustShape(tb, before), mustShape(tb, after)
	target, parent := pathOf(keys), pathOf(keys[:len(keys)-1])
	want := shape{leaves: map[string]string{}, orders: map[string][]string{}}
	for p, v := range b.leaves {
		if !under(p, target) {
			want.leaves[p] = v
		}
	}
	for p, order := range b.orders {
		if !under(p, target) {
			want.orders[p] = order
		}
	}
	if order, ok := b.orders[parent]; ok && slices.Contains(order, keys[len(keys)-1]) {
		rest := slices.DeleteFunc(slices.Clone(order), func(k string) bool { return k == keys[len(keys)-1] })
		want.orders[parent] = rest
		if len(rest) == 0 {
			want.leaves[parent] = "{}"
		}
	}
	if d := diffShapes(a, want); d != "" {
		tb.Errorf("delete %q changed more than that path:\n%s", keys, d)
	}
}
