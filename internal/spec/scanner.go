package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// maxDepth bounds nesting, like encoding/json's own limit, so hostile input cannot
// exhaust the stack of this recursive scanner.
const maxDepth = 10000

// scanner validates JSON strictly (RFC 8259 grammar, valid UTF-8, no duplicate keys)
// and reports where it failed. It never converts numbers, so their text is kept.
type scanner struct {
	data  []byte
	pos   int
	depth int
	path  []pathElem
}

// parseMembers parses data, which must be exactly one JSON object with optional
// surrounding whitespace, and returns its members. Nested values are validated in full
// but kept as raw bytes that share data's memory.
func parseMembers(data []byte) ([]member, error) {
	s := &scanner{data: data}
	s.skipSpace()
	if s.pos == len(data) {
		return nil, s.errorf("empty input, want a JSON object")
	}
	if start, c := s.pos, data[s.pos]; c != '{' {
		// A well-formed non-object deserves a clearer message than a syntax error.
		if err := s.value(); err != nil {
			return nil, err
		}
		return nil, &SyntaxError{Offset: start, Msg: fmt.Sprintf("top-level value is %s, want a JSON object", kindOf(c))}
	}
	members, err := s.object(true)
	if err != nil {
		return nil, err
	}
	return members, s.end()
}

// validateValue checks that raw is exactly one strict JSON value; base names where the
// value is going, for duplicate-key messages.
func validateValue(raw []byte, base []pathElem) error {
	s := &scanner{data: raw, path: base}
	if err := s.value(); err != nil {
		return err
	}
	return s.end()
}

func (s *scanner) end() error {
	s.skipSpace()
	if s.pos != len(s.data) {
		return s.errorf("unexpected %s after the top-level value", describeByte(s.data[s.pos]))
	}
	return nil
}

func (s *scanner) value() error {
	s.skipSpace()
	if s.pos == len(s.data) {
		return s.errorf("unexpected end of input, want a value")
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		_, err := s.object(false)
		return err
	case c == '[':
		return s.array()
	case c == '"':
		_, err := s.string()
		return err
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || isDigit(c):
		return s.number()
	default:
		return s.errorf("unexpected %s, want a value", describeByte(c))
	}
}

// object scans an object at s.pos; with collect it also returns the members.
func (s *scanner) object(collect bool) ([]member, error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.leave()
	s.pos++ // '{'
	var members []member
	seen := make(map[string]struct{})
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return members, nil
	}
	for {
		s.skipSpace()
		if s.pos == len(s.data) {
			return nil, s.errorf("unexpected end of input, want an object key")
		}
		if s.data[s.pos] != '"' {
			return nil, s.errorf("unexpected %s, want an object key", describeByte(s.data[s.pos]))
		}
		keyStart := s.pos
		escaped, err := s.string()
		if err != nil {
			return nil, err
		}
		rawKey := s.data[keyStart:s.pos:s.pos]
		key, err := decodeKey(rawKey, escaped)
		if err != nil {
			return nil, &SyntaxError{Offset: keyStart, Msg: err.Error()}
		}
		s.path = append(s.path, pathElem{key: key})
		// Keys are compared decoded, the way a reader sees them: "a" and "\u0061" collide.
		if _, dup := seen[key]; dup {
			return nil, &DuplicateKeyError{Path: formatPath(s.path), Offset: keyStart}
		}
		seen[key] = struct{}{}
		s.skipSpace()
		if s.pos == len(s.data) || s.data[s.pos] != ':' {
			return nil, s.errorf("%s after object key, want ':'", s.describeNext())
		}
		s.pos++
		s.skipSpace()
		valueStart := s.pos
		if err := s.value(); err != nil {
			return nil, err
		}
		s.path = s.path[:len(s.path)-1]
		if collect {
			members = append(members, member{rawKey: rawKey, key: key, raw: s.data[valueStart:s.pos:s.pos]})
		}
		s.skipSpace()
		if s.pos == len(s.data) {
			return nil, s.errorf("unexpected end of input, want ',' or '}'")
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return members, nil
		default:
			return nil, s.errorf("unexpected %s after object member, want ',' or '}'", describeByte(s.data[s.pos]))
		}
	}
}

func (s *scanner) array() error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	s.pos++ // '['
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		return nil
	}
	for i := 0; ; i++ {
		s.path = append(s.path, pathElem{index: i, isIndex: true})
		if err := s.value(); err != nil {
			return err
		}
		s.path = s.path[:len(s.path)-1]
		s.skipSpace()
		if s.pos == len(s.data) {
			return s.errorf("unexpected end of input, want ',' or ']'")
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return nil
		default:
			return s.errorf("unexpected %s after array element, want ',' or ']'", describeByte(s.data[s.pos]))
		}
	}
}

// string scans a string at s.pos and reports whether it contains escapes.
func (s *scanner) string() (escaped bool, err error) {
	s.pos++ // opening quote
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			s.pos++
			return escaped, nil
		case c == '\\':
			escaped = true
			if err := s.escape(); err != nil {
				return false, err
			}
		case c < 0x20:
			return false, s.errorf("control character %#02x in string", c)
		case c < utf8.RuneSelf:
			s.pos++
		default:
			// Invalid UTF-8 is rejected rather than replaced: Go turns it into U+FFFD,
			// other parsers refuse it or keep the bytes.
			r, size := utf8.DecodeRune(s.data[s.pos:])
			if r == utf8.RuneError && size == 1 {
				return false, s.errorf("invalid UTF-8 in string")
			}
			s.pos += size
		}
	}
	return false, s.errorf("unexpected end of input in string")
}

func (s *scanner) escape() error {
	s.pos++ // backslash
	if s.pos == len(s.data) {
		return s.errorf("unexpected end of input in string escape")
	}
	switch s.data[s.pos] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		s.pos++
		return nil
	case 'u':
		s.pos++
		for range 4 {
			if s.pos == len(s.data) {
				return s.errorf("unexpected end of input in \\u escape")
			}
			if !isHex(s.data[s.pos]) {
				return s.errorf("unexpected %s in \\u escape, want a hex digit", describeByte(s.data[s.pos]))
			}
			s.pos++
		}
		return nil
	default:
		return s.errorf("invalid escape %s in string", describeByte(s.data[s.pos]))
	}
}

// number checks the RFC 8259 number grammar only; the value's range is the reader's
// business, so 1e400 and 18446744073709551615 pass and keep their text.
func (s *scanner) number() error {
	if s.data[s.pos] == '-' {
		s.pos++
	}
	switch {
	case s.pos == len(s.data):
		return s.errorf("unexpected end of input in number")
	case s.data[s.pos] == '0':
		s.pos++
	case isDigit(s.data[s.pos]):
		s.digits()
	default:
		return s.errorf("unexpected %s in number, want a digit", describeByte(s.data[s.pos]))
	}
	if s.pos < len(s.data) && s.data[s.pos] == '.' {
		s.pos++
		if err := s.requireDigits("after decimal point"); err != nil {
			return err
		}
	}
	if s.pos < len(s.data) && (s.data[s.pos] == 'e' || s.data[s.pos] == 'E') {
		s.pos++
		if s.pos < len(s.data) && (s.data[s.pos] == '+' || s.data[s.pos] == '-') {
			s.pos++
		}
		if err := s.requireDigits("in exponent"); err != nil {
			return err
		}
	}
	return nil
}

func (s *scanner) requireDigits(where string) error {
	if s.pos == len(s.data) || !isDigit(s.data[s.pos]) {
		return s.errorf("%s %s, want a digit", s.describeNext(), where)
	}
	s.digits()
	return nil
}

func (s *scanner) digits() {
	for s.pos < len(s.data) && isDigit(s.data[s.pos]) {
		s.pos++
	}
}

func (s *scanner) literal(lit string) error {
	if !bytes.HasPrefix(s.data[s.pos:], []byte(lit)) {
		return s.errorf("invalid literal, want %q", lit)
	}
	s.pos += len(lit)
	return nil
}

func (s *scanner) enter() error {
	s.depth++
	if s.depth > maxDepth {
		return s.errorf("nesting deeper than %d levels", maxDepth)
	}
	return nil
}

func (s *scanner) leave() { s.depth-- }

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

func (s *scanner) describeNext() string {
	if s.pos == len(s.data) {
		return "unexpected end of input"
	}
	return "unexpected " + describeByte(s.data[s.pos])
}

func (s *scanner) errorf(format string, args ...any) error {
	return &SyntaxError{Offset: s.pos, Msg: fmt.Sprintf(format, args...)}
}

// decodeKey returns a key as a reader sees it. Escaped keys go through encoding/json,
// so they decode exactly as runc decodes them (a lone surrogate becomes U+FFFD).
func decodeKey(rawKey []byte, escaped bool) (string, error) {
	if !escaped {
		return string(rawKey[1 : len(rawKey)-1]), nil
	}
	var key string
	if err := json.Unmarshal(rawKey, &key); err != nil {
		return "", fmt.Errorf("decode key %s: %w", rawKey, err)
	}
	return key, nil
}

// kindOf names the JSON type of the value that starts with c.
func kindOf(c byte) string {
	switch c {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	default:
		return "a number"
	}
}

func describeByte(c byte) string {
	if c >= 0x20 && c < utf8.RuneSelf {
		return fmt.Sprintf("character %q", c)
	}
	return fmt.Sprintf("byte %#02x", c)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}
