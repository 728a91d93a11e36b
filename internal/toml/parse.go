package toml

import (
	"fmt"
	"strings"
)

// maxDepth bounds the nesting of arrays and inline tables, so that hostile
// input cannot exhaust the stack through recursion, and the number of parts
// in one key or header, each of which costs a lookup of the whole path so far.
const maxDepth = 128

// parser is a recursive-descent parser working directly on the document text.
type parser struct {
	src   string // the whole document; keys and plain strings are substrings of it
	pos   int    // offset of the next unread byte
	line  int    // 1-based line of src[pos]
	depth int    // current array / inline table nesting

	root map[string]any
	defs map[string]def

	// keys holds the text of every key of defs: strings.Builder never changes
	// bytes it has handed out, so each key can be a slice of one buffer
	// instead of an allocation of its own.
	keys strings.Builder
	// elems is a stack of array elements being parsed, shared by nested
	// arrays, so each array is allocated once at its final size.
	elems []any

	cur     map[string]any // table that receives key/value pairs after a header
	curPath []byte         // encoded path of cur
	path    []byte         // encoded path of the key being parsed; used as a stack
}

// Parse parses a whole TOML document.
func Parse(data []byte) (*Document, error) {
	// One copy of the input; every key and escape-free string shares it.
	src := strings.TrimPrefix(string(data), "\uFEFF")
	if err := validate(src); err != nil {
		return nil, err
	}
	// Every key and header adds a definition; counting '=' and '[' is a
	// cheap upper-bound estimate that spares the map from growing.
	n := strings.Count(src, "=") + strings.Count(src, "[")
	p := parser{
		src:  src,
		line: 1,
		root: make(map[string]any),
		defs: make(map[string]def, n),
	}
	p.keys.Grow(len(src))
	p.cur = p.root
	if err := p.document(); err != nil {
		return nil, err
	}
	return &Document{Root: p.root, defs: p.defs}, nil
}

// errorf builds a ParseError for the given line.
func errorf(line int, format string, args ...any) *ParseError {
	return &ParseError{Line: line, Message: fmt.Sprintf(format, args...)}
}

// document parses the top level: a sequence of headers and key/value pairs,
// each ending its line.
func (p *parser) document() error {
	for {
		p.skipBlank()
		if p.pos >= len(p.src) {
			return nil
		}
		var err error
		if p.src[p.pos] == '[' {
			err = p.header()
		} else {
			p.path = append(p.path[:0], p.curPath...)
			err = p.keyValue(p.cur)
		}
		if err != nil {
			return err
		}
		if err := p.endOfLine(); err != nil {
			return err
		}
	}
}

// header parses a [table] or [[array.of.tables]] header and makes the table it
// names the current one.
func (p *parser) header() error {
	line := p.line
	p.pos++ // '['
	array := p.peek() == '['
	if array {
		p.pos++
	}
	tbl := p.root
	p.path = p.path[:0]
	for parts := 1; ; parts++ {
		p.skipWS()
		part, err := p.keyPart()
		if err != nil {
			return err
		}
		p.skipWS()
		if p.peek() != '.' {
			if err := p.closeHeader(array); err != nil {
				return err
			}
			if array {
				tbl, err = p.appendTableElem(tbl, part, line)
			} else {
				tbl, err = p.defineTable(tbl, part, line)
			}
			if err != nil {
				return err
			}
			p.cur = tbl
			p.curPath = append(p.curPath[:0], p.path...)
			return nil
		}
		p.pos++ // '.'
		if tbl, err = p.headerTable(tbl, part, line); err != nil {
			return err
		}
		if parts >= maxDepth {
			return errorf(line, "key has more than %d parts", maxDepth)
		}
	}
}

// closeHeader consumes the "]" or "]]" that ends a header.
func (p *parser) closeHeader(array bool) error {
	if p.peek() != ']' {
		return errorf(p.line, "expected '.' or ']' in table header, found %s", p.describe())
	}
	p.pos++
	if array {
		if p.peek() != ']' {
			return errorf(p.line, "expected ']]' to end array of tables header, found %s", p.describe())
		}
		p.pos++
	}
	return nil
}

// keyValue parses `key = value` into tbl, whose encoded path is in p.path.
// p.path is restored on return.
func (p *parser) keyValue(tbl map[string]any) error {
	line := p.line
	base := len(p.path)
	for parts := 1; ; parts++ {
		part, err := p.keyPart()
		if err != nil {
			return err
		}
		p.skipWS()
		if p.peek() != '.' {
			if p.peek() != '=' {
				return errorf(p.line, "expected '.' or '=' after key, found %s", p.describe())
			}
			p.pos++
			p.skipWS()
			return p.setValue(tbl, part, line, base)
		}
		p.pos++ // '.'
		p.skipWS()
		if tbl, err = p.dottedTable(tbl, part, line); err != nil {
			return err
		}
		if parts >= maxDepth {
			return errorf(line, "key has more than %d parts", maxDepth)
		}
	}
}

// setValue parses the value of key and stores it in tbl.
func (p *parser) setValue(tbl map[string]any, key string, line, base int) error {
	p.path = appendPart(p.path, key)
	if _, dup := tbl[key]; dup {
		return errorf(line, "duplicate key %q", displayPath(p.path))
	}
	v, err := p.value()
	if err != nil {
		return err
	}
	tbl[key] = v
	p.define(line, kindValue)
	p.path = p.path[:base]
	return nil
}
