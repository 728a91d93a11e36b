// Package jsonread decodes the JSON files oshim writes itself (internal/jsonwrite) by
// hand, without encoding/json's reflection: a record is read on every start and exec of
// a contracted container, and building the decoders for its types by reflection cost
// each such call about 0.4 ms, more than the rest of reading it.
//
// It is for trusted files, whose writer it mirrors: keys match exactly, unknown keys
// are skipped, null leaves a value zero (a slice or map nil), and a value of the wrong
// type is an error, as encoding/json has them. Nothing a container controls is read
// with it, but for one message: the init's report, which oshim-init writes from inside
// the container before any of the container's own code runs, and whose decoder
// (internal/initproc) refuses every key it does not know.
package jsonread

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"
)

// Reader reads one JSON value from b. Its first error sticks: later reads return zero
// values, and Err reports it.
type Reader struct {
	b   []byte
	i   int
	err error
}

// New returns a Reader of b.
func New(b []byte) *Reader { return &Reader{b: b} }

// Err is the first error, or, once the value has been read, an error for anything
// but white space after it.
func (r *Reader) Err() error {
	if r.err == nil {
		r.space()
		if r.i < len(r.b) {
			r.fail("data after the value")
		}
	}
	return r.err
}

// Fail fails the read here: for a key or a value that the caller does not accept.
func (r *Reader) Fail(format string, args ...any) { r.fail(format, args...) }

func (r *Reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("offset %d: %s", r.i, fmt.Sprintf(format, args...))
	}
}

func (r *Reader) space() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

// peek returns the next byte after white space, or 0 at the end or after an error.
func (r *Reader) peek() byte {
	r.space()
	if r.err != nil || r.i >= len(r.b) {
		if r.err == nil {
			r.fail("unexpected end of data")
		}
		return 0
	}
	return r.b[r.i]
}

// Null consumes a null and reports whether there was one.
func (r *Reader) Null() bool {
	if r.peek() != 'n' {
		return false
	}
	r.literal("null")
	return true
}

func (r *Reader) literal(lit string) {
	if r.err != nil {
		return
	}
	if len(r.b)-r.i < len(lit) || string(r.b[r.i:r.i+len(lit)]) != lit {
		r.fail("invalid literal, want %s", lit)
		return
	}
	r.i += len(lit)
}

// Object reads an object (or null), calling member for each key; member must read
// the key's value, with a method of r or Skip.
func (r *Reader) Object(member func(key string)) {
	if r.Null() {
		return
	}
	if r.peek() != '{' {
		r.fail("want an object")
		return
	}
	r.i++
	if r.peek() == '}' {
		r.i++
		return
	}
	for r.err == nil {
		key := r.String()
		if r.peek() != ':' {
			r.fail("want ':' after a key")
			return
		}
		r.i++
		member(key)
		switch r.peek() {
		case ',':
			r.i++
		case '}':
			r.i++
			return
		default:
			r.fail("want ',' or '}' in an object")
		}
	}
}

// array reads an array (or null), calling elem for each element, and reports whether
// it was not null.
func (r *Reader) array(elem func()) bool {
	if r.Null() {
		return false
	}
	if r.peek() != '[' {
		r.fail("want an array")
		return false
	}
	r.i++
	if r.peek() == ']' {
		r.i++
		return true
	}
	for r.err == nil {
		elem()
		switch r.peek() {
		case ',':
			r.i++
		case ']':
			r.i++
			return true
		default:
			r.fail("want ',' or ']' in an array")
		}
	}
	return true
}

// Skip reads any value and drops it.
func (r *Reader) Skip() {
	switch c := r.peek(); {
	case c == '{':
		r.Object(func(string) { r.Skip() })
	case c == '[':
		r.array(r.Skip)
	case c == '"':
		_ = r.String()
	case c == 't':
		r.literal("true")
	case c == 'f':
		r.literal("false")
	case c == 'n':
		r.literal("null")
	case c == '-' || ('0' <= c && c <= '9'):
		r.number()
	default:
		r.fail("want a value")
	}
}

// String reads a string; null is "". A string with an escape or invalid UTF-8 (rare in
// oshim's files) is decoded by encoding/json, which needs no reflection for it, so
// every string reads exactly as encoding/json reads it.
func (r *Reader) String() string {
	if r.Null() {
		return ""
	}
	if r.peek() != '"' {
		r.fail("want a string")
		return ""
	}
	start := r.i
	plain := true
	for r.i++; r.i < len(r.b); r.i++ {
		switch c := r.b[r.i]; {
		case c == '"':
			r.i++
			raw := r.b[start:r.i]
			if plain && utf8.Valid(raw) {
				return string(raw[1 : len(raw)-1])
			}
			var v string
			if err := json.Unmarshal(raw, &v); err != nil {
				r.fail("%v", err)
			}
			return v
		case c == '\\':
			plain = false
			r.i++ // the escaped byte: a quote there does not end the string
		case c < 0x20:
			r.fail("control character in a string")
			return ""
		}
	}
	r.fail("unterminated string")
	return ""
}

// number returns the next number's literal, checked against JSON's grammar.
func (r *Reader) number() []byte {
	start := r.i
	if r.i < len(r.b) && r.b[r.i] == '-' {
		r.i++
	}
	switch {
	case r.i < len(r.b) && r.b[r.i] == '0':
		r.i++
	case r.i < len(r.b) && '1' <= r.b[r.i] && r.b[r.i] <= '9':
		r.digits()
	default:
		r.fail("invalid number")
		return nil
	}
	if r.i < len(r.b) && r.b[r.i] == '.' {
		r.i++
		if !r.digits() {
			r.fail("invalid number")
			return nil
		}
	}
	if r.i < len(r.b) && (r.b[r.i] == 'e' || r.b[r.i] == 'E') {
		r.i++
		if r.i < len(r.b) && (r.b[r.i] == '+' || r.b[r.i] == '-') {
			r.i++
		}
		if !r.digits() {
			r.fail("invalid number")
			return nil
		}
	}
	return r.b[start:r.i]
}

func (r *Reader) digits() bool {
	start := r.i
	for r.i < len(r.b) && '0' <= r.b[r.i] && r.b[r.i] <= '9' {
		r.i++
	}
	return r.i > start
}

// Int reads an integer that fits in bits bits; null is 0.
func (r *Reader) Int(bits int) int64 {
	lit := r.integer(true)
	if lit == nil {
		return 0
	}
	v, err := strconv.ParseInt(string(lit), 10, bits)
	if err != nil {
		r.fail("number %s is not an int%d", lit, bits)
	}
	return v
}

// Uint reads an unsigned integer that fits in bits bits; null is 0.
func (r *Reader) Uint(bits int) uint64 {
	lit := r.integer(false)
	if lit == nil {
		return 0
	}
	v, err := strconv.ParseUint(string(lit), 10, bits)
	if err != nil {
		r.fail("number %s is not a uint%d", lit, bits)
	}
	return v
}

// integer returns the literal of the next number, for Int (signed) and Uint; nil for
// null or after an error.
func (r *Reader) integer(signed bool) []byte {
	if r.Null() {
		return nil
	}
	if c := r.peek(); (c < '0' || c > '9') && !(signed && c == '-') {
		r.fail("want a number")
		return nil
	}
	lit := r.number()
	if r.err != nil {
		return nil
	}
	return lit
}

// Bool reads true or false; null is false.
func (r *Reader) Bool() bool {
	switch r.peek() {
	case 't':
		r.literal("true")
		return r.err == nil
	case 'f':
		r.literal("false")
	case 'n':
		r.literal("null")
	default:
		r.fail("want true or false")
	}
	return false
}

// Strings reads an array of strings; null is nil.
func (r *Reader) Strings() []string {
	out := []string{}
	if !r.array(func() { out = append(out, r.String()) }) {
		return nil
	}
	return out
}

// StringLists reads an object of string arrays; null is nil.
func (r *Reader) StringLists() map[string][]string {
	if r.Null() {
		return nil
	}
	out := map[string][]string{}
	r.Object(func(k string) { out[k] = r.Strings() })
	return out
}

// Time reads a time as time.Time's UnmarshalJSON does; null is the zero time.
func (r *Reader) Time() time.Time {
	var t time.Time
	if r.Null() {
		return t
	}
	if r.peek() != '"' {
		r.fail("want a time string")
		return t
	}
	start := r.i
	_ = r.String()
	if r.err != nil {
		return t
	}
	if err := t.UnmarshalJSON(r.b[start:r.i]); err != nil {
		r.fail("%v", err)
	}
	return t
}
