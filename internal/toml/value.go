package toml

import "strings"

// value parses the value starting at p.pos. p.path is the encoded path of
// the key it belongs to, so nested inline tables record their keys under it.
func (p *parser) value() (any, error) {
	switch p.peek() {
	case '"':
		if strings.HasPrefix(p.src[p.pos:], `"""`) {
			return p.multilineBasicString()
		}
		return p.basicString()
	case '\'':
		if strings.HasPrefix(p.src[p.pos:], `'''`) {
			return p.multilineLiteralString()
		}
		return p.literalString()
	case 't':
		return p.word("true", true)
	case 'f':
		return p.word("false", false)
	case '[':
		return p.array()
	case '{':
		return p.inlineTable()
	default:
		if isDatetimeStart(p.src[p.pos:]) {
			return p.datetime()
		}
		return p.number()
	}
}

// word parses the keyword w (true or false).
func (p *parser) word(w string, v bool) (any, error) {
	if !strings.HasPrefix(p.src[p.pos:], w) {
		return nil, errorf(p.line, "expected a value, found %s", p.describe())
	}
	p.pos += len(w)
	return v, nil
}

// nest guards against nesting deeper than maxDepth.
func (p *parser) nest() error {
	p.depth++
	if p.depth > maxDepth {
		return errorf(p.line, "arrays and inline tables nested deeper than %d levels", maxDepth)
	}
	return nil
}

// array parses [ value, ... ]: values may be of mixed types and separated by
// newlines and comments, with an optional trailing comma.
func (p *parser) array() (any, error) {
	if err := p.nest(); err != nil {
		return nil, err
	}
	line := p.line
	p.pos++ // '['
	base := len(p.path)
	mark := len(p.elems)
	for {
		p.skipBlank()
		switch p.peek() {
		case 0:
			return nil, errorf(line, "unterminated array")
		case ']':
			p.pos++
			p.path = p.path[:base]
			p.depth--
			arr := make([]any, len(p.elems)-mark)
			copy(arr, p.elems[mark:])
			clear(p.elems[mark:])
			p.elems = p.elems[:mark]
			return arr, nil
		}
		p.path = appendIndex(p.path[:base], len(p.elems)-mark)
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		p.elems = append(p.elems, v)
		p.skipBlank()
		switch p.peek() {
		case ',':
			p.pos++
		case ']':
		case 0:
			return nil, errorf(line, "unterminated array")
		default:
			return nil, errorf(p.line, "expected ',' or ']' in array, found %s", p.describe())
		}
	}
}

// inlineTable parses { key = value, ... }. TOML 1.1 allows newlines,
// comments and a trailing comma inside; the table is immutable afterwards,
// which the caller ensures by recording it as a value.
func (p *parser) inlineTable() (any, error) {
	if err := p.nest(); err != nil {
		return nil, err
	}
	line := p.line
	p.pos++ // '{'
	tbl := make(map[string]any)
	for {
		p.skipBlank()
		switch p.peek() {
		case 0:
			return nil, errorf(line, "unterminated inline table")
		case '}':
			p.pos++
			p.depth--
			return tbl, nil
		}
		if err := p.keyValue(tbl); err != nil {
			return nil, err
		}
		p.skipBlank()
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
		case 0:
			return nil, errorf(line, "unterminated inline table")
		default:
			return nil, errorf(p.line, "expected ',' or '}' in inline table, found %s", p.describe())
		}
	}
}
