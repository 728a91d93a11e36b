package toml

import (
	"strings"
	"unicode/utf8"
)

// basicString parses a single-line "basic string" with escapes. Strings
// without escapes are returned as substrings of the document, without copying.
func (p *parser) basicString() (string, error) {
	p.pos++ // opening quote
	start := p.pos
	var buf []byte
	escaped := false
	seg := start // start of the run not yet copied into buf
	for i := start; i < len(p.src); {
		switch p.src[i] {
		case '"':
			p.pos = i + 1
			if !escaped {
				return p.src[start:i], nil
			}
			return string(append(buf, p.src[seg:i]...)), nil
		case '\\':
			buf, escaped = append(buf, p.src[seg:i]...), true
			var err error
			if buf, i, err = p.appendEscape(buf, i); err != nil {
				return "", err
			}
			seg = i
		case '\r', '\n':
			return "", errorf(p.line, "unterminated string: newline before closing '\"'")
		default:
			i++
		}
	}
	return "", errorf(p.line, "unterminated string")
}

// literalString parses a single-line 'literal string': no escapes at all.
func (p *parser) literalString() (string, error) {
	p.pos++ // opening quote
	start := p.pos
	for i := start; i < len(p.src); i++ {
		switch p.src[i] {
		case '\'':
			p.pos = i + 1
			return p.src[start:i], nil
		case '\r', '\n':
			return "", errorf(p.line, "unterminated string: newline before closing \"'\"")
		}
	}
	return "", errorf(p.line, "unterminated string")
}

// multilineLiteralString parses a multi-line literal string (triple single
// quotes): no escapes, first newline trimmed.
func (p *parser) multilineLiteralString() (string, error) {
	line := p.line
	p.pos += 3
	p.skipFirstNewline()
	start := p.pos
	for i := start; i < len(p.src); i++ {
		switch p.src[i] {
		case '\n':
			p.line++
		case '\'':
			end, ok, err := p.closing(i, '\'')
			if err != nil {
				return "", err
			}
			if ok {
				return p.src[start:end], nil
			}
		}
	}
	return "", errorf(line, "unterminated multi-line string")
}

// multilineBasicString parses a """multi-line basic string""", including
// line-ending backslashes that swallow the following whitespace and newlines.
func (p *parser) multilineBasicString() (string, error) {
	line := p.line
	p.pos += 3
	p.skipFirstNewline()
	start := p.pos
	var buf []byte
	escaped := false
	seg := start
	for i := start; i < len(p.src); {
		switch p.src[i] {
		case '"':
			end, ok, err := p.closing(i, '"')
			if err != nil {
				return "", err
			}
			if ok {
				if !escaped {
					return p.src[start:end], nil
				}
				return string(append(buf, p.src[seg:end]...)), nil
			}
			i++
		case '\n':
			p.line++
			i++
		case '\\':
			buf, escaped = append(buf, p.src[seg:i]...), true
			if j, ok := p.lineEndingBackslash(i); ok {
				i = j
			} else {
				var err error
				if buf, i, err = p.appendEscape(buf, i); err != nil {
					return "", err
				}
			}
			seg = i
		default:
			i++
		}
	}
	return "", errorf(line, "unterminated multi-line string")
}

// skipFirstNewline drops a newline right after an opening delimiter.
func (p *parser) skipFirstNewline() {
	if strings.HasPrefix(p.src[p.pos:], "\n") {
		p.pos++
		p.line++
	} else if strings.HasPrefix(p.src[p.pos:], "\r\n") {
		p.pos += 2
		p.line++
	}
}

// closing looks at the run of quote characters q starting at i in a
// multi-line string. Three to five of them close the string (up to two belong
// to the content); six or more is an error. On success it returns the end of
// the content and moves p.pos past the delimiter.
func (p *parser) closing(i int, q byte) (end int, ok bool, err error) {
	n := 0
	for i+n < len(p.src) && p.src[i+n] == q {
		n++
	}
	switch {
	case n < 3:
		return 0, false, nil
	case n > 5:
		return 0, false, errorf(p.line, "too many quotes (%d) at the end of a multi-line string", n)
	}
	p.pos = i + n
	return i + n - 3, true, nil
}

// lineEndingBackslash reports whether the backslash at i is followed only by
// whitespace up to a newline; if so it returns the offset of the next
// non-whitespace character after any further blank lines, counting the
// newlines it skips.
func (p *parser) lineEndingBackslash(i int) (int, bool) {
	j := i + 1
	for j < len(p.src) && (p.src[j] == ' ' || p.src[j] == '\t') {
		j++
	}
	if j < len(p.src) && p.src[j] == '\r' {
		j++
	}
	if j >= len(p.src) || p.src[j] != '\n' {
		return 0, false
	}
	for ; j < len(p.src); j++ {
		switch p.src[j] {
		case '\n':
			p.line++
		case ' ', '\t', '\r':
		default:
			return j, true
		}
	}
	return j, true
}

// appendEscape decodes the escape sequence at src[i] (a backslash), appends
// the character to buf and returns the offset after the sequence.
func (p *parser) appendEscape(buf []byte, i int) ([]byte, int, error) {
	if i+1 >= len(p.src) {
		return buf, 0, errorf(p.line, "unterminated string")
	}
	var c byte
	switch e := p.src[i+1]; e {
	case 'b':
		c = '\b'
	case 't':
		c = '\t'
	case 'n':
		c = '\n'
	case 'f':
		c = '\f'
	case 'r':
		c = '\r'
	case 'e':
		c = 0x1b
	case '"', '\\':
		c = e
	case 'x':
		return p.appendHexEscape(buf, i, 2)
	case 'u':
		return p.appendHexEscape(buf, i, 4)
	case 'U':
		return p.appendHexEscape(buf, i, 8)
	default:
		r, _ := utf8.DecodeRuneInString(p.src[i+1:])
		return buf, 0, errorf(p.line, "invalid escape sequence \\%c", r)
	}
	return append(buf, c), i + 2, nil
}

// appendHexEscape decodes \xHH, \uHHHH or \UHHHHHHHH (n hex digits) at i,
// which must name a Unicode scalar value (surrogates are not).
func (p *parser) appendHexEscape(buf []byte, i, n int) ([]byte, int, error) {
	digits := p.src[i+2 : min(i+2+n, len(p.src))]
	var r rune
	for k := 0; k < len(digits); k++ {
		d := hexValue(digits[k])
		if d < 0 {
			digits = digits[:k]
			break
		}
		r = r<<4 | rune(d)
	}
	if len(digits) != n {
		return buf, 0, errorf(p.line, "escape \\%c needs %d hexadecimal digits", p.src[i+1], n)
	}
	if !utf8.ValidRune(r) {
		return buf, 0, errorf(p.line, "escape \\%s is not a Unicode scalar value", p.src[i+1:i+2+n])
	}
	return utf8.AppendRune(buf, r), i + 2 + n, nil
}

// hexValue returns the value of a hexadecimal digit, or -1.
func hexValue(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
