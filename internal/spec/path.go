package spec

import (
	"strconv"
	"strings"
)

// pathElem is one step into a JSON document: an object key or an array index.
type pathElem struct {
	key     string
	index   int
	isIndex bool
}

// formatPath renders a path for error messages: keys joined by dots, indices in
// brackets, and keys that are not plain identifiers quoted, so that
// `annotations."io.example.a"` cannot be mistaken for three nested keys.
func formatPath(path []pathElem) string {
	if len(path) == 0 {
		return "(top level)"
	}
	var b strings.Builder
	for i, e := range path {
		switch {
		case e.isIndex:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e.index))
			b.WriteByte(']')
		default:
			if i > 0 {
				b.WriteByte('.')
			}
			if isPlainKey(e.key) {
				b.WriteString(e.key)
			} else {
				b.WriteString(strconv.Quote(e.key))
			}
		}
	}
	return b.String()
}

// keysPath renders a path made of object keys only, as the API takes them.
func keysPath(keys []string) string {
	return formatPath(keyElems(keys))
}

// keyElems turns API keys into path elements.
func keyElems(keys []string) []pathElem {
	path := make([]pathElem, len(keys))
	for i, k := range keys {
		path[i] = pathElem{key: k}
	}
	return path
}

func isPlainKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		letter := c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
		if !letter && (i == 0 || c != '-' && (c < '0' || c > '9')) {
			return false
		}
	}
	return true
}
