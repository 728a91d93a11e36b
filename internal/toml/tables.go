package toml

// kind says how a key or table came to exist, which decides what may later
// be done to it (TOML's redefinition rules).
type kind uint8

const (
	kindValue    kind = iota // key = value, including inline tables and arrays: immutable
	kindImplicit             // table created by a deeper [a.b.c] header
	kindHeader               // table defined by its own [header] or a [[header]] element
	kindDotted               // table created by a dotted key a.b = 1
	kindArray                // array of tables created by [[header]]
)

// def records where and how a key or table was defined.
type def struct {
	line int32
	kind kind
}

// define records the key or table at p.path. A redefinition (an implied
// table becoming explicit) reuses the existing map key; a new entry copies the
// path into p.keys.
func (p *parser) define(line int, k kind) {
	if _, ok := p.defs[string(p.path)]; ok {
		p.defs[string(p.path)] = def{line: int32(line), kind: k}
		return
	}
	start := p.keys.Len()
	p.keys.Write(p.path)
	p.defs[p.keys.String()[start:]] = def{line: int32(line), kind: k}
}

// lookup returns the definition of the key or table at p.path.
func (p *parser) lookup() (def, bool) {
	d, ok := p.defs[string(p.path)]
	return d, ok
}

// newTable creates the table key in tbl, recording it at p.path.
func (p *parser) newTable(tbl map[string]any, key string, line int, k kind) map[string]any {
	t := make(map[string]any)
	tbl[key] = t
	p.define(line, k)
	return t
}

// headerTable descends from tbl into key for a non-final part of a header,
// creating the table implicitly if needed. Headers may pass through any table
// (including ones made by dotted keys) and into the last element of an array
// of tables, but not into values.
func (p *parser) headerTable(tbl map[string]any, key string, line int) (map[string]any, error) {
	p.path = appendPart(p.path, key)
	d, ok := p.lookup()
	if !ok {
		return p.newTable(tbl, key, line, kindImplicit), nil
	}
	if d.kind == kindArray {
		arr, _ := tbl[key].([]any)
		p.path = appendIndex(p.path, len(arr)-1)
		t, _ := arr[len(arr)-1].(map[string]any)
		return t, nil
	}
	return p.existingTable(tbl, key, d)
}

// dottedTable descends from tbl into key for a non-final part of a dotted key.
// Dotted keys may only extend tables that dotted keys created (or that a
// deeper header merely implied); tables defined by a header, arrays of tables
// and inline tables are closed to them.
func (p *parser) dottedTable(tbl map[string]any, key string, line int) (map[string]any, error) {
	p.path = appendPart(p.path, key)
	d, ok := p.lookup()
	if !ok {
		return p.newTable(tbl, key, line, kindDotted), nil
	}
	switch d.kind {
	case kindImplicit:
		// From now on the table counts as defined by dotted keys, so a later
		// [header] for it is a redefinition.
		p.define(int(d.line), kindDotted)
	case kindHeader, kindArray:
		return nil, errorf(line, "cannot add to table %q with a dotted key: it is defined by a header", displayPath(p.path))
	}
	return p.existingTable(tbl, key, d)
}

// existingTable returns the table key of tbl, or an error if it is a value.
func (p *parser) existingTable(tbl map[string]any, key string, d def) (map[string]any, error) {
	if d.kind == kindValue {
		if _, ok := tbl[key].(map[string]any); ok {
			return nil, errorf(p.line, "cannot extend inline table %q", displayPath(p.path))
		}
		return nil, errorf(p.line, "key %q is a value, not a table", displayPath(p.path))
	}
	t, _ := tbl[key].(map[string]any)
	return t, nil
}

// defineTable handles the last part of a [header]: the table must be new or
// only implied so far.
func (p *parser) defineTable(tbl map[string]any, key string, line int) (map[string]any, error) {
	p.path = appendPart(p.path, key)
	d, ok := p.lookup()
	if !ok {
		return p.newTable(tbl, key, line, kindHeader), nil
	}
	name := displayPath(p.path)
	switch d.kind {
	case kindImplicit:
		p.define(line, kindHeader)
		t, _ := tbl[key].(map[string]any)
		return t, nil
	case kindHeader:
		return nil, errorf(line, "table %q is defined twice", name)
	case kindDotted:
		return nil, errorf(line, "table %q was already defined by dotted keys", name)
	case kindArray:
		return nil, errorf(line, "table %q was already defined as an array of tables", name)
	}
	return nil, errorf(line, "key %q is already defined as a value", name)
}

// appendTableElem handles the last part of a [[header]]: it appends a new
// table to the array of tables key, creating the array if needed.
func (p *parser) appendTableElem(tbl map[string]any, key string, line int) (map[string]any, error) {
	p.path = appendPart(p.path, key)
	d, ok := p.lookup()
	switch {
	case !ok:
		p.define(line, kindArray)
	case d.kind == kindValue:
		if _, isArr := tbl[key].([]any); isArr {
			return nil, errorf(line, "cannot append to static array %q", displayPath(p.path))
		}
		return nil, errorf(line, "key %q is already defined as a value", displayPath(p.path))
	case d.kind != kindArray:
		return nil, errorf(line, "table %q is not an array of tables", displayPath(p.path))
	}
	arr, _ := tbl[key].([]any)
	t := make(map[string]any)
	p.path = appendIndex(p.path, len(arr))
	tbl[key] = append(arr, t)
	p.define(line, kindHeader)
	return t, nil
}
