package install

import (
	"fmt"

	"github.com/oshim/oshim/internal/toml"
)

// decodeTOML decodes a whole TOML document into nested maps.
func decodeTOML(data []byte) (map[string]any, error) {
	doc, err := toml.Parse(data)
	if err != nil {
		return nil, err
	}
	return doc.Root, nil
}

// table returns the table at path, or nil when any part is missing or not a table.
func table(m map[string]any, path ...string) map[string]any {
	for _, k := range path {
		next, ok := m[k].(map[string]any)
		if !ok {
			return nil
		}
		m = next
	}
	return m
}

// mergeTables merges src into dst recursively; src's values win.
func mergeTables(dst, src map[string]any) {
	for k, v := range src {
		if sv, ok := v.(map[string]any); ok {
			if dv, ok := dst[k].(map[string]any); ok {
				mergeTables(dv, sv)
				continue
			}
			v = copyTable(sv)
		}
		dst[k] = v
	}
}

// copyTable returns a deep copy of t's nested tables (other values are immutable here).
func copyTable(t map[string]any) map[string]any {
	out := make(map[string]any, len(t))
	for k, v := range t {
		if sub, ok := v.(map[string]any); ok {
			v = copyTable(sub)
		}
		out[k] = v
	}
	return out
}

// stringList reads an array of strings; other element types are an error.
func stringList(v any, name string) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s is not an array", name)
	}
	out := make([]string, 0, len(arr))
	for _, e := range arr {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("%s holds a %T, not a string", name, e)
		}
		out = append(out, s)
	}
	return out, nil
}

// union returns a followed by the elements of b it lacks.
func union(a []string, b ...string) []string {
	out := append([]string(nil), a...)
	for _, s := range b {
		found := false
		for _, t := range out {
			found = found || t == s
		}
		if !found {
			out = append(out, s)
		}
	}
	return out
}

func toAny(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}
