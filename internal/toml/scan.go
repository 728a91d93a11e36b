package toml

import (
	"strings"
	"unicode/utf8"
)

// validate checks, in one pass over the whole document, what TOML forbids
// everywhere: invalid UTF-8, control characters other than tab and newline,
// and a carriage return that does not start a CRLF pair. The scanner can then
// work on bytes without re-checking any of it.
func validate(src string) error {
	line := 1
	for i := 0; i < len(src); {
		c := src[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(src[i:])
			if r == utf8.RuneError && n == 1 {
				return errorf(line, "invalid UTF-8")
			}
			i += n
			continue
		}
		switch {
		case c == '\n':
			line++
		case c == '\r':
			if i+1 == len(src) || src[i+1] != '\n' {
				return errorf(line, "carriage return not followed by a newline")
			}
		case c < 0x20 && c != '\t', c == 0x7f:
			return errorf(line, "control character U+%04X is not allowed", c)
		}
		i++
	}
	return nil
}

// peek returns the next byte, or 0 at the end of the document (NUL never
// passes validate, so it cannot be confused with content).
func (p *parser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

// describe names the next character for error messages.
func (p *parser) describe() string {
	if p.pos >= len(p.src) {
		return "end of file"
	}
	switch r, _ := utf8.DecodeRuneInString(p.src[p.pos:]); r {
	case '\n', '\r':
		return "end of line"
	default:
		return "'" + string(r) + "'"
	}
}

// skipWS skips spaces and tabs.
func (p *parser) skipWS() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
		p.pos++
	}
}

// skipComment skips a comment, if any, up to but not including its newline.
func (p *parser) skipComment() {
	if p.peek() != '#' {
		return
	}
	if i := strings.IndexByte(p.src[p.pos:], '\n'); i >= 0 {
		p.pos += i
		if p.src[p.pos-1] == '\r' {
			p.pos--
		}
	} else {
		p.pos = len(p.src)
	}
}

// skipBlank skips whitespace, newlines and comments: everything allowed
// between top-level items and inside arrays and inline tables.
func (p *parser) skipBlank() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\r': // validate guarantees '\r' is followed by '\n'
			p.pos++
		case '\n':
			p.pos++
			p.line++
		case '#':
			p.skipComment()
		default:
			return
		}
	}
}

// endOfLine consumes the rest of a line after a header or key/value pair:
// only whitespace and a comment may follow before the newline.
func (p *parser) endOfLine() error {
	p.skipWS()
	p.skipComment()
	switch p.peek() {
	case 0:
		return nil
	case '\r':
		p.pos++
		fallthrough
	case '\n':
		p.pos++
		p.line++
		return nil
	}
	return errorf(p.line, "expected end of line, found %s", p.describe())
}

// keyPart parses one part of a key: bare, "basic" or 'literal'.
func (p *parser) keyPart() (string, error) {
	switch p.peek() {
	case '"':
		return p.basicString()
	case '\'':
		return p.literalString()
	}
	start := p.pos
	for p.pos < len(p.src) && isBareKeyChar(p.src[p.pos]) {
		p.pos++
	}
	if p.pos == start {
		return "", errorf(p.line, "expected a key, found %s", p.describe())
	}
	return p.src[start:p.pos], nil
}

func isBareKeyChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c) || c == '_' || c == '-'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
