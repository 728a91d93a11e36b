package toml

import "strconv"

// Document is a parsed TOML document.
type Document struct {
	// Root is the top-level table. Values are: string, int64, float64, bool,
	// Datetime, []any (arrays, including arrays of tables whose elements are
	// map[string]any) and map[string]any (tables and inline tables).
	Root map[string]any

	// defs records, per encoded path (see appendPart), where each key and
	// table was defined and how; the parser also uses it to enforce the
	// redefinition rules.
	defs map[string]def
}

// Line returns the 1-based line on which the key or table at path was
// defined, 0 when there is none. Elements of an array of tables are addressed
// by their index in decimal: Line("contract", "1", "match", "commands") is the
// line of `commands = ...` in the second [[contract]]; Line("contract", "1") is
// the line of the second [[contract]] header. Keys inside inline tables are
// addressed the same way, with decimal indexes for inline tables inside
// arrays (Line("a", "0", "b") for a = [{b = 1}]). A table created implicitly
// (by a dotted key or a deeper header) has the line where it was first
// created, unless a later [header] defined it explicitly, in which case it has
// the header's line.
func (d *Document) Line(path ...string) int {
	if d == nil || len(path) == 0 {
		return 0
	}
	var buf [128]byte
	key := buf[:0]
	for _, part := range path {
		key = appendPart(key, part)
	}
	return int(d.defs[string(key)].line)
}

// Datetime is a TOML offset date-time, local date-time, local date or local
// time, kept as the text the document wrote (already validated), so it can be
// written back as is.
type Datetime struct{ Text string }

// String returns the datetime as written in the document.
func (d Datetime) String() string { return d.Text }

// ParseError is a syntax or semantic error, with the 1-based line where it was
// found.
type ParseError struct {
	Line    int
	Message string
}

// Error formats the error as "line N: message".
func (e *ParseError) Error() string {
	return "line " + strconv.Itoa(e.Line) + ": " + e.Message
}

// pathSep separates the parts of an encoded path. 0xFF never occurs in valid
// UTF-8, and every key is valid UTF-8, so the encoding is unambiguous.
const pathSep = 0xFF

// appendPart appends one key (or decimal array index) to an encoded path.
// Every part is prefixed by the separator, so that empty keys stay distinct.
func appendPart(path []byte, part string) []byte {
	return append(append(path, pathSep), part...)
}

// appendIndex appends an array index to an encoded path.
func appendIndex(path []byte, i int) []byte {
	return strconv.AppendInt(append(path, pathSep), int64(i), 10)
}

// displayPath renders an encoded path as a dotted key for error messages.
func displayPath(path []byte) string {
	b := make([]byte, 0, len(path))
	for i, c := range path {
		switch {
		case c != pathSep:
			b = append(b, c)
		case i > 0:
			b = append(b, '.')
		}
	}
	return string(b)
}
