package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/oshim/oshim/internal/contract"
	"github.com/oshim/oshim/internal/toml"
)

// The config is decoded by hand from the parsed document, key by key, from the two
// tables below: every runtime call reads it, and a decoder built by reflection cost
// each call more than the rest of its work. The tables are also the list of keys the
// parser knows, which the reference (reference.go) must document one for one.

// setting is a top-level key and how its value is read.
type setting struct {
	name string
	read func(c *Config, v any) error
}

var settings = [...]setting{
	{"runtime", func(c *Config, v any) error { return readString(v, &c.Runtime) }},
	{"run_dir", func(c *Config, v any) error { return readString(v, &c.RunDir) }},
	{"ocsf_log", func(c *Config, v any) error { return readString(v, &c.OCSFLog) }},
	{"ocsf_max_bytes", func(c *Config, v any) error { return readInt(v, &c.OCSFMaxBytes) }},
	{"syslog", func(c *Config, v any) error { return readBool(v, &c.Syslog) }},
	{"max_records", func(c *Config, v any) error {
		var n int64
		err := readInt(v, &n)
		c.MaxRecords = int(n)
		return err
	}},
	{"metrics_textfile", func(c *Config, v any) error { return readString(v, &c.MetricsTextfile) }},
}

// contractKey is a key of a [[contract]] table ("match.all" for a key of its match
// table) and how its value is read.
type contractKey struct {
	name string
	read func(k *contract.Contract, v any) error
}

var contractKeys = [...]contractKey{
	{"name", func(k *contract.Contract, v any) error { return readString(v, &k.Name) }},
	{"require", func(k *contract.Contract, v any) error {
		return readStrings(v, func(s string) error {
			var n contract.CapName
			err := n.UnmarshalText([]byte(s))
			k.Require = append(k.Require, n)
			return err
		})
	}},
	{"bounding", func(k *contract.Contract, v any) error { return readText(v, &k.Bounding) }},
	{"on_skew", func(k *contract.Contract, v any) error { return readText(v, &k.OnSkew) }},
	{"selectable", func(k *contract.Contract, v any) error { return readBool(v, &k.Selectable) }},
	{"init", func(k *contract.Contract, v any) error {
		k.Init = new(bool)
		return readBool(v, k.Init)
	}},
	{"no_new_privs", func(k *contract.Contract, v any) error { return readBool(v, &k.NoNewPrivs) }},
	{"match.all", func(k *contract.Contract, v any) error { return readBool(v, &k.Match.All) }},
	{"match.commands", func(k *contract.Contract, v any) error {
		return readStrings(v, func(s string) error {
			var p contract.Pattern
			err := p.UnmarshalText([]byte(s))
			k.Match.Commands = append(k.Match.Commands, p)
			return err
		})
	}},
	{"match.annotations", func(k *contract.Contract, v any) error {
		t, ok := v.(map[string]any)
		if !ok {
			return wrongType(v, "a table of KEY-REGEXP = 'VALUE-REGEXP'")
		}
		k.Match.Annotations = make(map[string]contract.Pattern, len(t))
		for key, pv := range t {
			var p contract.Pattern
			if err := readText(pv, &p); err != nil {
				return fmt.Errorf("%q: %w", key, err)
			}
			k.Match.Annotations[key] = p
		}
		return nil
	}},
}

// decodeSettings reads the top-level keys into c and returns the [[contract]] tables.
func (c *Config) decodeSettings(doc *toml.Document) ([]any, error) {
	if err := unknownKeys(doc, doc.Root, nil, func(key string) bool {
		if key == "contract" {
			return true
		}
		for _, s := range settings {
			if s.name == key {
				return true
			}
		}
		return false
	}); err != nil {
		return nil, err
	}
	for _, s := range settings {
		if v, ok := doc.Root[s.name]; ok {
			if err := s.read(c, v); err != nil {
				return nil, fmt.Errorf("line %d: %s: %w", lineOf(doc, s.name), s.name, err)
			}
		}
	}
	v, ok := doc.Root["contract"]
	if !ok {
		return nil, nil
	}
	tables, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("line %d: contract: %w", lineOf(doc, "contract"), wrongType(v, "[[contract]] tables"))
	}
	return tables, nil
}

// decodeContract reads the i-th [[contract]] table.
func decodeContract(doc *toml.Document, i int, v any) (contract.Contract, error) {
	var k contract.Contract
	path := []string{"contract", strconv.Itoa(i)}
	t, ok := v.(map[string]any)
	if !ok {
		return k, fmt.Errorf("line %d: contract: %w", lineOf(doc, path...), wrongType(v, "[[contract]] tables"))
	}
	if m, ok := t["match"]; ok {
		if _, ok := m.(map[string]any); !ok {
			return k, fmt.Errorf("line %d: contract.match: %w", lineOf(doc, append(path, "match")...), wrongType(m, "a table"))
		}
	}
	isContractKey := func(prefix string) func(string) bool {
		return func(key string) bool {
			for _, ck := range contractKeys {
				if ck.name == prefix+key {
					return true
				}
			}
			return prefix == "" && key == "match"
		}
	}
	if err := unknownKeys(doc, t, path, isContractKey("")); err != nil {
		return k, err
	}
	if m, ok := t["match"].(map[string]any); ok {
		if err := unknownKeys(doc, m, slices.Concat(path, []string{"match"}), isContractKey("match.")); err != nil {
			return k, err
		}
	}
	for _, ck := range contractKeys {
		keyPath := slices.Concat(path, strings.Split(ck.name, "."))
		v, ok := lookup(t, keyPath[2:])
		if !ok {
			continue
		}
		if err := ck.read(&k, v); err != nil {
			return k, fmt.Errorf("line %d: contract.%s: %w", lineOf(doc, keyPath...), ck.name, err)
		}
	}
	return k, nil
}

// lineOf is the line of the key at path, or of the nearest key above it that has one
// (an element of an inline array has none of its own).
func lineOf(doc *toml.Document, path ...string) int {
	for n := len(path); n > 0; n-- {
		if l := doc.Line(path[:n]...); l > 0 {
			return l
		}
	}
	return 0
}

// lookup returns the value at path in t; false when a key is missing or a step is not
// a table.
func lookup(t map[string]any, path []string) (any, bool) {
	v, ok := any(t), true
	for _, k := range path {
		m, isTable := v.(map[string]any)
		if !isTable {
			return nil, false
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

// unknownKeys is the error for the key of t (at path in doc) that known refuses and
// that comes first in the file, nil when known takes them all.
func unknownKeys(doc *toml.Document, t map[string]any, path []string, known func(string) bool) error {
	first, line := "", 0
	for key := range t {
		if known(key) {
			continue
		}
		l := lineOf(doc, slices.Concat(path, []string{key})...)
		if first == "" || l < line || (l == line && key < first) {
			first, line = key, l
		}
	}
	if first == "" {
		return nil
	}
	name := first
	if len(path) > 0 {
		// "contract.requires", "contract.match.x": the array index is no key.
		name = strings.Join(slices.Concat(path[:1], path[2:], []string{first}), ".")
	}
	return fmt.Errorf("line %d: unknown key %q (known keys: %s)", line, name, knownKeys())
}

func readString(v any, dst *string) error {
	s, ok := v.(string)
	if !ok {
		return wrongType(v, "a string")
	}
	*dst = s
	return nil
}

func readBool(v any, dst *bool) error {
	b, ok := v.(bool)
	if !ok {
		return wrongType(v, "true or false")
	}
	*dst = b
	return nil
}

func readInt(v any, dst *int64) error {
	n, ok := v.(int64)
	if !ok {
		return wrongType(v, "an integer")
	}
	*dst = n
	return nil
}

// readText reads a string into a type that parses it, as the contract's own do.
func readText[T any, P interface {
	*T
	UnmarshalText([]byte) error
}](v any, dst P) error {
	s, ok := v.(string)
	if !ok {
		return wrongType(v, "a string")
	}
	return dst.UnmarshalText([]byte(s))
}

// readStrings calls each with every element of an array of strings.
func readStrings(v any, each func(string) error) error {
	list, ok := v.([]any)
	if !ok {
		return wrongType(v, "an array of strings")
	}
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			return fmt.Errorf("want an array of strings, not one holding %s", kindOf(e))
		}
		if err := each(s); err != nil {
			return err
		}
	}
	return nil
}

// wrongType is the error for a value of another type than want.
func wrongType(v any, want string) error {
	return fmt.Errorf("want %s, not %s", want, kindOf(v))
}

// kindOf names a decoded TOML value's type.
func kindOf(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case toml.Datetime:
		return "a date-time"
	case []any:
		return "an array"
	}
	return "a table"
}
