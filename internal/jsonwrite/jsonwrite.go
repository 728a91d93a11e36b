// Package jsonwrite writes JSON by hand, byte for byte what encoding/json writes with
// SetEscapeHTML(false), for the files every container start writes. encoding/json
// builds an encoder for each type by reflection on first use, which a fresh oshim
// process pays on every call: more than writing the data. Each type written with it
// keeps its struct tags as the documentation of its format, and a test that holds its
// output to encoding/json's.
package jsonwrite

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// Writer appends JSON. Member methods (Str, Int, ...) write a key and its value into the
// open object; value methods (Open, Strings, AnyMap, ...) write a value after Key or as
// an element of Array.
type Writer struct {
	b []byte
	// first says the innermost open object has no member yet.
	first bool
	// err is the first value that could not be encoded.
	err error
}

// New returns a Writer whose buffer starts with room for size bytes.
func New(size int) *Writer { return &Writer{b: make([]byte, 0, size)} }

// Bytes returns what was written, or the first value that could not be encoded.
func (w *Writer) Bytes() ([]byte, error) { return w.b, w.err }

// Open starts an object.
func (w *Writer) Open() { w.b, w.first = append(w.b, '{'), true }

// Close ends the innermost object.
func (w *Writer) Close() { w.b, w.first = append(w.b, '}'), false }

// Key starts a member of the open object.
func (w *Writer) Key(k string) {
	if !w.first {
		w.b = append(w.b, ',')
	}
	w.first = false
	w.b = AppendString(w.b, k)
	w.b = append(w.b, ':')
}

// Str writes a string member.
func (w *Writer) Str(k, v string) {
	w.Key(k)
	w.b = AppendString(w.b, v)
}

// StrOmit writes a string member unless it is empty (omitempty).
func (w *Writer) StrOmit(k, v string) {
	if v != "" {
		w.Str(k, v)
	}
}

// Int writes an integer member.
func (w *Writer) Int(k string, v int64) {
	w.Key(k)
	w.b = strconv.AppendInt(w.b, v, 10)
}

// IntOmit writes an integer member unless it is 0 (omitempty).
func (w *Writer) IntOmit(k string, v int64) {
	if v != 0 {
		w.Int(k, v)
	}
}

// Uint writes an unsigned integer member.
func (w *Writer) Uint(k string, v uint64) {
	w.Key(k)
	w.b = strconv.AppendUint(w.b, v, 10)
}

// Bool writes a boolean member.
func (w *Writer) Bool(k string, v bool) {
	w.Key(k)
	w.b = strconv.AppendBool(w.b, v)
}

// BoolOmit writes a boolean member unless it is false (omitempty).
func (w *Writer) BoolOmit(k string, v bool) {
	if v {
		w.Bool(k, v)
	}
}

// Time writes a time member as time.Time's MarshalJSON does (RFC 3339 with
// nanoseconds); a time it refuses (a year outside 0-9999) fails the Writer.
func (w *Writer) Time(k string, t time.Time) {
	w.Key(k)
	b, err := t.MarshalJSON()
	if err != nil {
		w.fail(k, err)
		b = []byte("null")
	}
	w.b = append(w.b, b...)
}

// Array writes an array of n elements, each by elem.
func (w *Writer) Array(n int, elem func(i int)) {
	w.b = append(w.b, '[')
	for i := range n {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		elem(i)
	}
	w.b, w.first = append(w.b, ']'), false
}

// Strings writes a string array; nil is null, as encoding/json writes it.
func (w *Writer) Strings(s []string) {
	if s == nil {
		w.b, w.first = append(w.b, "null"...), false
		return
	}
	w.Array(len(s), func(i int) { w.b = AppendString(w.b, s[i]) })
}

// StringLists writes a map of string arrays, its keys sorted; nil is null.
func (w *Writer) StringLists(m map[string][]string) {
	if m == nil {
		w.b, w.first = append(w.b, "null"...), false
		return
	}
	w.Open()
	for _, k := range slices.Sorted(maps.Keys(m)) {
		w.Key(k)
		w.Strings(m[k])
	}
	w.Close()
}

// AnyMap writes a map as encoding/json does, its keys sorted. Values of the types
// oshim's files hold are written here; any other goes through encoding/json.
func (w *Writer) AnyMap(m map[string]any) {
	w.Open()
	for _, k := range slices.Sorted(maps.Keys(m)) {
		w.Key(k)
		switch v := m[k].(type) {
		case string:
			w.b = AppendString(w.b, v)
		case []string:
			w.Strings(v)
		case int:
			w.b = strconv.AppendInt(w.b, int64(v), 10)
		case uint32:
			w.b = strconv.AppendUint(w.b, uint64(v), 10)
		case map[string]string:
			w.Open()
			for _, k2 := range slices.Sorted(maps.Keys(v)) {
				w.Str(k2, v[k2])
			}
			w.Close()
		default:
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(v); err != nil {
				w.fail(k, err)
			}
			w.b = append(w.b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
		}
	}
	w.Close()
}

func (w *Writer) fail(k string, err error) {
	if w.err == nil {
		w.err = fmt.Errorf("%s: %w", k, err)
	}
}

// AppendString appends s quoted as encoding/json quotes it without HTML escaping:
// invalid UTF-8 becomes U+FFFD, and U+2028 and U+2029 are escaped, which JavaScript
// readers need.
func AppendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// Indent appends src, valid JSON, to dst as json.Indent(dst, src, "", indent) writes
// it, byte for byte. It trusts src, as a Writer's output can be trusted, instead of
// checking it with encoding/json's scanner: the record a start of a container with the
// init saves is that process's only use of the scanner, whose code it would page in
// for that one file.
func Indent(dst, src []byte, indent string) []byte {
	depth := 0
	inString, escaped := false, false
	// opened: the last byte written opened an object or array, whose first member, or
	// whose close if it is empty, decides what follows it.
	opened := false
	// As json.Indent, it drops the whitespace before the value and keeps what follows.
	value := bytes.TrimRight(src, " \t\n\r")
	for _, c := range value {
		if inString {
			dst = append(dst, c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		if opened && c != '}' && c != ']' {
			depth++
			dst = newline(dst, indent, depth)
		}
		switch c {
		case '"':
			inString = true
		case ',':
			dst = newline(append(dst, c), indent, depth)
			opened = false
			continue
		case ':':
			dst = append(dst, c, ' ')
			opened = false
			continue
		case '}', ']':
			if !opened {
				depth--
				dst = newline(dst, indent, depth)
			}
		}
		dst = append(dst, c)
		opened = c == '{' || c == '['
	}
	return append(dst, src[len(value):]...)
}

func newline(dst []byte, indent string, depth int) []byte {
	dst = append(dst, '\n')
	for range depth {
		dst = append(dst, indent...)
	}
	return dst
}
