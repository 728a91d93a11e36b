package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"
)

// Set puts the JSON encoding of value at path (HTML characters are not escaped). An
// existing key keeps its position; a new one is appended to its object. Missing
// intermediate objects are created, and a null one is replaced by an object. Set fails,
// changing nothing, when value does not encode to strict JSON, when an intermediate
// value is not an object, or when a key on the path is ambiguous: another member of
// the same object matches it case-insensitively, so Go's encoding/json (runc) could
// read that member where yajl (crun) reads this one.
func (o *Object) Set(value any, path ...string) error {
	if len(path) == 0 {
		return errors.New("set: empty path")
	}
	where := keysPath(path)
	for _, key := range path {
		if !utf8.ValidString(key) {
			return fmt.Errorf("set %s: key %q is not valid UTF-8", where, key)
		}
	}
	raw, err := marshalValue(value)
	if err != nil {
		return fmt.Errorf("set %s: %w", where, err)
	}
	if err := validateValue(raw, keyElems(path)); err != nil {
		return fmt.Errorf("set %s: %w", where, err)
	}
	parent, _, err := o.walk(path[:len(path)-1], true)
	if err != nil {
		return fmt.Errorf("set %s: %w", where, err)
	}
	i, err := parent.index(path)
	if err != nil {
		return fmt.Errorf("set %s: %w", where, err)
	}
	if i < 0 {
		key := path[len(path)-1]
		rawKey, err := marshalValue(key)
		if err != nil {
			return fmt.Errorf("set %s: %w", where, err)
		}
		parent.members = append(parent.members, member{rawKey: rawKey, key: key, raw: raw})
		o.changed = true
		return nil
	}
	m := &parent.members[i]
	if !sameJSON(m.appendValue(nil), raw) {
		o.changed = true
	}
	m.raw, m.obj = raw, nil
	return nil
}

// Delete removes the value at path. An absent path, or one that crosses a null, is
// not an error; crossing another non-object value or an ambiguous key is.
func (o *Object) Delete(path ...string) error {
	if len(path) == 0 {
		return errors.New("delete: empty path")
	}
	parent, found, err := o.walk(path[:len(path)-1], false)
	if err != nil {
		return fmt.Errorf("delete %s: %w", keysPath(path), err)
	}
	if !found {
		return nil
	}
	i, err := parent.index(path)
	if err != nil {
		return fmt.Errorf("delete %s: %w", keysPath(path), err)
	}
	if i >= 0 {
		parent.members = slices.Delete(parent.members, i, i+1)
		o.changed = true
	}
	return nil
}

// marshalValue encodes v without escaping <, > and &: the escapes are for embedding
// in HTML, and a shell command like "a && b" should stay readable in config.json.
func marshalValue(v any) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// sameJSON reports whether a and b are the same JSON text apart from whitespace.
func sameJSON(a, b []byte) bool {
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return false
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
}
