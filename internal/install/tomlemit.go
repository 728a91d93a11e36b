package install

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/oshim/oshim/internal/toml"
)

// This file writes TOML for the tables install adds: deterministic (sorted keys), with
// full table paths in the headers so that the text can be appended to an admin's file.

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// tomlKey writes one key part, bare where TOML allows.
func tomlKey(k string) string {
	if k == "" {
		return `""`
	}
	for i := 0; i < len(k); i++ {
		if !isBare(k[i]) {
			return tomlString(k)
		}
	}
	return k
}

func tomlPath(path []string) string {
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = tomlKey(p)
	}
	return strings.Join(parts, ".")
}

// stringValue decodes a TOML string literal in any of its forms.
func stringValue(raw []byte) (string, bool) {
	doc, err := toml.Parse(append([]byte("V = "), raw...))
	if err != nil {
		return "", false
	}
	s, ok := doc.Root["V"].(string)
	return s, ok
}

// writeTable writes t as the table at path, then its sub-tables, each with a header.
func writeTable(b *strings.Builder, path []string, t map[string]any) error {
	fmt.Fprintf(b, "[%s]\n", tomlPath(path))
	var subs []string
	for _, k := range sortedKeys(t) {
		if _, ok := t[k].(map[string]any); ok {
			subs = append(subs, k)
			continue
		}
		v, err := tomlValue(t[k])
		if err != nil {
			return fmt.Errorf("%s.%s: %w", tomlPath(path), tomlKey(k), err)
		}
		fmt.Fprintf(b, "  %s = %s\n", tomlKey(k), v)
	}
	for _, k := range subs {
		if err := writeTable(b, append(path[:len(path):len(path)], k), t[k].(map[string]any)); err != nil {
			return err
		}
	}
	return nil
}

// tomlValue writes a decoded TOML value inline.
func tomlValue(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return tomlString(v), nil
	case bool:
		return strconv.FormatBool(v), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		return tomlFloat(v), nil
	case toml.Datetime:
		return v.Text, nil
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			s, err := tomlValue(e)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	case map[string]any:
		parts := make([]string, 0, len(v))
		for _, k := range sortedKeys(v) {
			s, err := tomlValue(v[k])
			if err != nil {
				return "", err
			}
			parts = append(parts, tomlKey(k)+" = "+s)
		}
		return "{" + strings.Join(parts, ", ") + "}", nil
	}
	return "", fmt.Errorf("cannot write a %T as TOML", v)
}

func tomlFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
