package spec

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/oshim/oshim/internal/jsonread"
)

// Object is a JSON object that keeps its members' order and their raw values. Nested
// objects are parsed only when a caller navigates into them; everything else keeps
// the bytes it was read with. An Object is not safe for concurrent use, not even by
// readers, because navigating parses and caches nested objects.
type Object struct {
	members []member
	// changed records whether Set or Delete altered the object.
	changed bool
}

type member struct {
	// rawKey is the key as written, quotes and escapes included.
	rawKey []byte
	// key is the decoded key.
	key string
	// raw is the value as written; it is nil once obj holds the parsed value.
	raw json.RawMessage
	obj *Object
}

// ParseObject parses data, which must be exactly one JSON object (surrounding
// whitespace allowed). It validates the whole document and rejects, with the byte
// offset: invalid JSON (*SyntaxError), invalid UTF-8, nesting deeper than 10000, and a
// duplicate key at any depth (*DuplicateKeyError naming the key's path). data is
// copied; the caller may reuse it.
func ParseObject(data []byte) (*Object, error) {
	return parseObject(bytes.Clone(data))
}

// parseObject is ParseObject without the copy: the Object keeps slices of data.
func parseObject(data []byte) (*Object, error) {
	members, err := parseMembers(data)
	if err != nil {
		return nil, err
	}
	return &Object{members: members}, nil
}

// Marshal returns the object indented with two spaces, like `runc spec`. Untouched
// members differ from the input only in whitespace: keys, strings and numbers keep
// their exact text.
func (o *Object) Marshal() ([]byte, error) {
	// Both buffers are allocated once, at about their final size: grown by appending,
	// they cost every contracted create a fault on each fresh page they moved through.
	compact := o.appendTo(make([]byte, 0, o.size()))
	var buf bytes.Buffer
	// Indenting adds a line break and its indentation to every member and element:
	// twice the compact size holds the indented text of every spec an engine writes.
	buf.Grow(2 * len(compact))
	if err := json.Indent(&buf, compact, "", "  "); err != nil {
		return nil, fmt.Errorf("indent: %w", err)
	}
	return buf.Bytes(), nil
}

// MarshalJSON returns the object as JSON with every member's raw bytes, so that an
// Object passed to json.Marshal or to Set is not silently encoded as "{}".
func (o *Object) MarshalJSON() ([]byte, error) {
	return o.appendTo(nil), nil
}

func (o *Object) appendTo(b []byte) []byte {
	b = append(b, '{')
	for i := range o.members {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, o.members[i].rawKey...)
		b = append(b, ':')
		b = o.members[i].appendValue(b)
	}
	return append(b, '}')
}

// size is the length of what appendTo appends.
func (o *Object) size() int {
	n := len("{}") + max(len(o.members)-1, 0) // the braces and the commas
	for i := range o.members {
		m := &o.members[i]
		n += len(m.rawKey) + len(":")
		if m.obj != nil {
			n += m.obj.size()
		} else {
			n += len(m.raw)
		}
	}
	return n
}

func (m *member) appendValue(b []byte) []byte {
	if m.obj != nil {
		return m.obj.appendTo(b)
	}
	return append(b, m.raw...)
}

// Get returns a copy of the raw value at path, a list of object keys; an empty path
// means the whole object. It reports false when the path is absent, crosses a value
// that is not an object, or is ambiguous; Lookup tells these apart.
func (o *Object) Get(path ...string) (json.RawMessage, bool) {
	raw, found, err := o.find(path)
	if err != nil || !found {
		return nil, false
	}
	return raw, true
}

// Lookup decodes the value at path into v as json.Unmarshal does. It reports false,
// and leaves v alone, when the path is absent or crosses a null. It fails when the path
// crosses a value that is not an object, when a key on it is ambiguous (see Set), or
// when the value does not decode into v.
func (o *Object) Lookup(v any, path ...string) (bool, error) {
	raw, found, err := o.find(path)
	if err != nil {
		return false, fmt.Errorf("lookup %s: %w", keysPath(path), err)
	}
	if !found {
		return false, nil
	}
	if err := decode(raw, v); err != nil {
		return true, fmt.Errorf("lookup %s: %w", keysPath(path), err)
	}
	return true, nil
}

// decode is json.Unmarshal of a value the scanner has checked. A []string or a
// map[string]string (a process's args, the annotations: what every create reads to
// pick a contract) is read by hand, strings exactly as encoding/json reads them: its
// reflection would build decoders on each call that no other step of a call that
// matches no contract needs.
func decode(raw []byte, v any) error {
	var r *jsonread.Reader
	switch v := v.(type) {
	case *[]string:
		r = jsonread.New(raw)
		*v = r.Strings()
	case *map[string]string:
		r = jsonread.New(raw)
		if r.Null() {
			*v = nil
			break
		}
		if *v == nil {
			*v = map[string]string{}
		}
		m := *v
		r.Object(func(key string) { m[key] = r.String() })
	default:
		return json.Unmarshal(raw, v)
	}
	return r.Err()
}

// Decode decodes the whole object into v, for reading. It is not strict: unknown
// fields are ignored, and keys match struct fields as encoding/json matches them.
func (o *Object) Decode(v any) error {
	if err := json.Unmarshal(o.appendTo(nil), v); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	return nil
}
