package install

import (
	"errors"
	"fmt"
	"strings"
)

// This file finds things in TOML text without decoding it, so that an admin's file can
// be edited in place: comments, order and formatting stay as they were. It knows just
// enough TOML to skip any value and to find top-level keys and array elements. Every
// edit built on it is checked afterwards by decoding the result.

// statement is a top-level `key = value` line.
type statement struct {
	key        string
	start      int // first byte of the key
	valueStart int
	valueEnd   int
	lineEnd    int // just past the newline that ends the statement (or len(src))
}

// topLevel returns the statements before the first table header, and the offset of the
// line that holds that header (len(src) when there is none).
func topLevel(src []byte) ([]statement, int, error) {
	var out []statement
	i := 0
	for {
		i = skipSpace(src, i, true)
		if i >= len(src) {
			return out, len(src), nil
		}
		if src[i] == '[' {
			return out, lineStart(src, i), nil
		}
		st := statement{start: i}
		key, j, err := scanKey(src, i)
		if err != nil {
			return nil, 0, err
		}
		st.key = key
		j = skipSpace(src, j, false)
		if j >= len(src) || src[j] != '=' {
			return nil, 0, fmt.Errorf("offset %d: expected '=' after key %q", j, key)
		}
		j = skipSpace(src, j+1, false)
		st.valueStart = j
		if st.valueEnd, err = skipValue(src, j); err != nil {
			return nil, 0, err
		}
		k := skipSpace(src, st.valueEnd, false)
		if k < len(src) && src[k] != '\n' && src[k] != '\r' {
			return nil, 0, fmt.Errorf("offset %d: unexpected text after the value of %q", k, key)
		}
		st.lineEnd = nextLine(src, k)
		out = append(out, st)
		i = st.lineEnd
	}
}

// skipSpace skips blanks and comments; newlines too when multiline is set.
func skipSpace(src []byte, i int, multiline bool) int {
	for i < len(src) {
		switch c := src[i]; {
		case c == ' ' || c == '\t':
			i++
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case (c == '\n' || c == '\r') && multiline:
			i++
		default:
			return i
		}
	}
	return i
}

func lineStart(src []byte, i int) int {
	for i > 0 && src[i-1] != '\n' {
		i--
	}
	return i
}

func nextLine(src []byte, i int) int {
	for i < len(src) && src[i] != '\n' {
		i++
	}
	if i < len(src) {
		i++
	}
	return i
}

// scanKey reads a possibly dotted key and returns it with its parts joined by '.'
// (quoted parts unquoted when they hold no escapes, which is all a comparison needs).
func scanKey(src []byte, i int) (string, int, error) {
	var parts []string
	for {
		i = skipSpace(src, i, false)
		if i >= len(src) {
			return "", i, errors.New("unexpected end of file in a key")
		}
		switch c := src[i]; {
		case c == '"' || c == '\'':
			end, err := skipString(src, i)
			if err != nil {
				return "", i, err
			}
			parts = append(parts, string(src[i+1:end-1]))
			i = end
		case isBare(c):
			j := i
			for j < len(src) && isBare(src[j]) {
				j++
			}
			parts = append(parts, string(src[i:j]))
			i = j
		default:
			return "", i, fmt.Errorf("offset %d: unexpected %q in a key", i, c)
		}
		j := skipSpace(src, i, false)
		if j < len(src) && src[j] == '.' {
			i = j + 1
			continue
		}
		return strings.Join(parts, "."), i, nil
	}
}

func isBare(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// skipValue returns the offset just past the value that starts at i.
func skipValue(src []byte, i int) (int, error) {
	if i >= len(src) {
		return i, errors.New("unexpected end of file: expected a value")
	}
	switch src[i] {
	case '"', '\'':
		return skipString(src, i)
	case '[':
		_, end, err := scanArray(src, i)
		return end, err
	case '{':
		return skipInlineTable(src, i)
	}
	// A scalar: number, bool or date-time (which may hold one space). It ends where a
	// separator, a comment or the line does.
	j := i
	for j < len(src) && !strings.ContainsRune(",]}#\n\r", rune(src[j])) {
		j++
	}
	for j > i && (src[j-1] == ' ' || src[j-1] == '\t') {
		j--
	}
	if j == i {
		return i, fmt.Errorf("offset %d: expected a value", i)
	}
	return j, nil
}

// skipString returns the offset just past the string that starts at i, in any of the
// four TOML forms.
func skipString(src []byte, i int) (int, error) {
	q := src[i]
	if i+2 < len(src) && src[i+1] == q && src[i+2] == q {
		delim := string([]byte{q, q, q})
		j := i + 3
		for j < len(src) {
			if q == '"' && src[j] == '\\' {
				j += 2
				continue
			}
			if strings.HasPrefix(string(src[j:min(j+3, len(src))]), delim) {
				j += 3
				// Up to two more quotes belong to the content: `""""` ends with a quote.
				for n := 0; n < 2 && j < len(src) && src[j] == q; n++ {
					j++
				}
				return j, nil
			}
			j++
		}
		return j, fmt.Errorf("offset %d: unterminated multi-line string", i)
	}
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			if q == '"' {
				j++
			}
		case q:
			return j + 1, nil
		case '\n':
			return j, fmt.Errorf("offset %d: newline in a string", i)
		}
	}
	return len(src), fmt.Errorf("offset %d: unterminated string", i)
}

// element is one value of an array, with the comma that follows it (or -1).
type element struct {
	start, end int
	comma      int
}

// scanArray reads the array that starts at i and returns its elements and the offset
// just past its closing bracket.
func scanArray(src []byte, i int) ([]element, int, error) {
	var elems []element
	j := i + 1
	for {
		j = skipSpace(src, j, true)
		if j >= len(src) {
			return nil, j, fmt.Errorf("offset %d: unterminated array", i)
		}
		if src[j] == ']' {
			return elems, j + 1, nil
		}
		end, err := skipValue(src, j)
		if err != nil {
			return nil, end, err
		}
		e := element{start: j, end: end, comma: -1}
		j = skipSpace(src, end, true)
		if j < len(src) && src[j] == ',' {
			e.comma = j
			j++
		} else if j < len(src) && src[j] != ']' {
			return nil, j, fmt.Errorf("offset %d: expected ',' or ']' in an array", j)
		}
		elems = append(elems, e)
	}
}

func skipInlineTable(src []byte, i int) (int, error) {
	j := skipSpace(src, i+1, false)
	if j < len(src) && src[j] == '}' {
		return j + 1, nil
	}
	for {
		_, k, err := scanKey(src, j)
		if err != nil {
			return k, err
		}
		k = skipSpace(src, k, false)
		if k >= len(src) || src[k] != '=' {
			return k, fmt.Errorf("offset %d: expected '=' in an inline table", k)
		}
		if k, err = skipValue(src, skipSpace(src, k+1, false)); err != nil {
			return k, err
		}
		k = skipSpace(src, k, false)
		switch {
		case k < len(src) && src[k] == ',':
			j = k + 1
		case k < len(src) && src[k] == '}':
			return k + 1, nil
		default:
			return k, fmt.Errorf("offset %d: expected ',' or '}' in an inline table", k)
		}
	}
}
