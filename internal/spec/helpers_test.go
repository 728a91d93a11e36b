package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// sample is one real or hand-written file from testdata.
type sample struct {
	name string
	// process is true for exec process.json files, whose top level is the process.
	process bool
	data    []byte
}

func loadSamples(tb testing.TB) []sample {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		tb.Fatalf("glob testdata: %v", err)
	}
	if len(paths) < 9 {
		tb.Fatalf("found %d samples in testdata, want at least 9", len(paths))
	}
	var samples []sample
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatalf("read sample: %v", err)
		}
		name := strings.TrimSuffix(filepath.Base(p), ".json")
		samples = append(samples, sample{name: name, process: strings.HasSuffix(name, "-process"), data: data})
	}
	return samples
}

func readTestdata(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatalf("read sample: %v", err)
	}
	return data
}

// shape is a JSON document seen through a parser that keeps numbers as their literal
// text: every leaf by path, and every object's keys in order. Comparing shapes is a
// generic JSON equality in which 18446744073709551615 and 1e400 are kept exactly.
type shape struct {
	leaves map[string]string
	orders map[string][]string
}

// shapeOf reads data, which must be one JSON value. Paths are `/"key"` and `/[i]`
// steps under base.
func shapeOf(data []byte, base string) (shape, error) {
	sh := shape{leaves: map[string]string{}, orders: map[string][]string{}}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := sh.walk(dec, base); err != nil {
		return shape{}, err
	}
	if _, err := dec.Token(); err == nil {
		return shape{}, fmt.Errorf("data after the value")
	}
	return sh, nil
}

func (sh shape) walk(dec *json.Decoder, path string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' {
			n := 0
			for ; dec.More(); n++ {
				if err := sh.walk(dec, path+"/["+strconv.Itoa(n)+"]"); err != nil {
					return err
				}
			}
			if n == 0 {
				sh.leaves[path] = "[]"
			}
			_, err := dec.Token()
			return err
		}
		keys := []string{}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			key := tok.(string)
			keys = append(keys, key)
			if err := sh.walk(dec, pathKey(path, key)); err != nil {
				return err
			}
		}
		sh.orders[path] = keys
		if len(keys) == 0 {
			sh.leaves[path] = "{}"
		}
		_, err := dec.Token()
		return err
	case string:
		sh.leaves[path] = "string " + strconv.Quote(v)
	case json.Number:
		sh.leaves[path] = "number " + string(v)
	case bool:
		sh.leaves[path] = "bool " + strconv.FormatBool(v)
	case nil:
		sh.leaves[path] = "null"
	}
	return nil
}

func pathKey(base, key string) string { return base + "/" + strconv.Quote(key) }

func pathOf(keys []string) string {
	p := ""
	for _, k := range keys {
		p = pathKey(p, k)
	}
	return p
}

// under reports whether path is prefix or lies below it.
func under(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

func mustShape(tb testing.TB, data []byte) shape {
	tb.Helper()
	sh, err := shapeOf(data, "")
	if err != nil {
		tb.Fatalf("shape of %.80q: %v", data, err)
	}
	return sh
}

// diffShapes describes how got differs from want, or returns "".
func diffShapes(got, want shape) string {
	var diffs []string
	for p, w := range want.leaves {
		if g, ok := got.leaves[p]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: missing, want %s", p, w))
		} else if g != w {
			diffs = append(diffs, fmt.Sprintf("%s: got %s, want %s", p, g, w))
		}
	}
	for p, g := range got.leaves {
		if _, ok := want.leaves[p]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: unexpected %s", p, g))
		}
	}
	for p, w := range want.orders {
		if g := got.orders[p]; !slices.Equal(g, w) {
			diffs = append(diffs, fmt.Sprintf("%s: key order %q, want %q", p, g, w))
		}
	}
	slices.Sort(diffs)
	return strings.Join(diffs, "\n")
}

// checkOnlySet checks that after is before with value set at keys and nothing else
// changed: every other leaf keeps its literal, every object keeps its key order, and a
// new key goes at the end of its object.
func checkOnlySet(tb testing.TB, before, after, value []byte, keys []string) {
	tb.Helper()
	b, a := mustShape(tb, before), mustShape(tb, after)
	target := pathOf(keys)
	val, err := shapeOf(value, target)
	if err != nil {
		tb.Fatalf("shape of value %q: %v", value, err)
	}
	want := shape{leaves: map[string]string{}, orders: map[string][]string{}}
	for p, v := range b.leaves {
		// Ancestors of the target can be leaves only as null or {}, which Set fills.
		if !under(p, target) && !under(target, p) {
			want.leaves[p] = v
		}
	}
	for p, v := range val.leaves {
		want.leaves[p] = v
	}
	for p, order := range val.orders {
		want.orders[p] = order
	}
	// Each ancestor of the target must gain at most its next key, at the end.
	ancestors := map[string]string{}
	for i := range keys {
		ancestors[pathOf(keys[:i])] = keys[i]
	}
	for p, order := range b.orders {
		if under(p, target) {
			continue
		}
		want.orders[p] = order
		if next, ok := ancestors[p]; ok && !slices.Contains(order, next) {
			want.orders[p] = append(slices.Clone(order), next)
		}
	}
	// Ancestors that were absent or null are new objects holding only the next key.
	for p, next := range ancestors {
		if _, ok := want.orders[p]; !ok {
			want.orders[p] = []string{next}
		}
	}
	if d := diffShapes(a, want); d != "" {
		tb.Errorf("set %q changed more than that path:\n%s", keys, d)
	}
}

// compact returns data with insignificant whitespace removed.
func compact(tb testing.TB, data []byte) string {
	tb.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, data); err != nil {
		tb.Fatalf("compact %.80q: %v", data, err)
	}
	return buf.String()
}
