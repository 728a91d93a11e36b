package install

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// EditKind names a way install changes part of an admin's file.
type EditKind string

const (
	// EditImports adds a path to the top-level imports array of a containerd config.
	EditImports EditKind = "imports"
	// EditAppend adds text at the end of a file.
	EditAppend EditKind = "append"
	// EditDockerRuntime adds a runtime to the "runtimes" object of dockerd's daemon.json.
	EditDockerRuntime EditKind = "docker-runtime"
)

// Edit is a change to part of an admin's file, recorded so that it can be undone even
// after others changed the file.
type Edit struct {
	Kind EditKind `json:"kind"`
	// Value is the import path, the exact text appended, or the runtime's name.
	Value string `json:"value"`
	// Entry is the runtime's JSON object, for EditDockerRuntime.
	Entry string `json:"entry,omitempty"`
	// Created says install added the imports (or runtimes) key itself (there was none).
	Created bool `json:"created,omitempty"`
}

// apply makes the edit and returns the new text with the edit as performed, or a nil
// edit when the text already has what the edit adds (then there is nothing to undo).
func (e Edit) apply(src []byte) ([]byte, *Edit, error) {
	switch e.Kind {
	case EditImports:
		out, created, changed, err := addImport(src, e.Value)
		if err != nil || !changed {
			return src, nil, err
		}
		return out, &Edit{Kind: e.Kind, Value: e.Value, Created: created}, nil
	case EditAppend:
		text := e.Value
		if len(src) > 0 && src[len(src)-1] != '\n' {
			text = "\n" + text
		}
		out := append(bytes.Clone(src), text...)
		return out, &Edit{Kind: e.Kind, Value: text}, nil
	case EditDockerRuntime:
		return e.addDockerRuntime(src)
	}
	return nil, nil, fmt.Errorf("unknown edit kind %q", e.Kind)
}

// revert undoes the edit in text that may have changed since.
func (e Edit) revert(src []byte) ([]byte, error) {
	switch e.Kind {
	case EditImports:
		return removeImport(src, e.Value, e.Created)
	case EditAppend:
		i := bytes.LastIndex(src, []byte(e.Value))
		if i < 0 {
			return nil, fmt.Errorf("the text oshim appended was changed since; remove it by hand")
		}
		return append(bytes.Clone(src[:i]), src[i+len(e.Value):]...), nil
	case EditDockerRuntime:
		return e.removeDockerRuntime(src)
	}
	return nil, fmt.Errorf("unknown edit kind %q", e.Kind)
}

// equivalent reports whether two versions of the edited file mean the same to the
// engine. Undoing a JSON edit re-indents the file, so when the result means what the
// original did, the original's bytes are what uninstall writes back.
func (e Edit) equivalent(a, b []byte) bool {
	if e.Kind == EditDockerRuntime {
		return jsonEqual(a, b)
	}
	return bytes.Equal(a, b)
}

// addImport adds path to the top-level imports array, creating the key after the
// version line when there is none. changed is false when the path is already listed.
func addImport(src []byte, path string) (out []byte, created, changed bool, err error) {
	if !utf8.ValidString(path) {
		return nil, false, false, fmt.Errorf("import path %q is not UTF-8", path)
	}
	stmts, headerAt, err := topLevel(src)
	if err != nil {
		return nil, false, false, fmt.Errorf("find the top-level imports: %w", err)
	}
	lit := tomlString(path)
	if st := findStatement(stmts, "imports"); st != nil {
		if src[st.valueStart] != '[' {
			return nil, false, false, fmt.Errorf("imports is not an array")
		}
		elems, _, err := scanArray(src, st.valueStart)
		if err != nil {
			return nil, false, false, fmt.Errorf("imports: %w", err)
		}
		for _, e := range elems {
			if _, ok := stringValue(src[e.start:e.end]); !ok {
				return nil, false, false, fmt.Errorf("imports holds %s, which is not a string: containerd reads imports as a list of file paths; fix the array", src[e.start:e.end])
			}
		}
		var at int
		var text string
		switch last := len(elems) - 1; {
		case hasString(src, elems, path) >= 0:
			return src, false, false, nil
		case last < 0:
			at, text = st.valueStart+1, lit
		case elems[last].comma >= 0:
			at, text = elems[last].comma+1, " "+lit+","
		default:
			at, text = elems[last].end, ", "+lit
		}
		return splice(src, at, at, text), false, true, nil
	}
	line := "imports = [" + lit + "]\n"
	at := headerAt
	if st := findStatement(stmts, "version"); st != nil {
		at = st.lineEnd
	}
	if at > 0 && src[at-1] != '\n' {
		// The file's last line has no newline: the new line goes after one and, like
		// that line, ends the file without one.
		line = "\n" + strings.TrimSuffix(line, "\n")
	}
	return splice(src, at, at, line), true, true, nil
}

// removeImport undoes addImport: the exact bytes it added go when they are still there.
func removeImport(src []byte, path string, created bool) ([]byte, error) {
	stmts, _, err := topLevel(src)
	if err != nil {
		return nil, fmt.Errorf("find the top-level imports: %w", err)
	}
	st := findStatement(stmts, "imports")
	if st == nil || src[st.valueStart] != '[' {
		return src, nil
	}
	elems, _, err := scanArray(src, st.valueStart)
	if err != nil {
		return nil, fmt.Errorf("imports: %w", err)
	}
	k := hasString(src, elems, path)
	switch {
	case k < 0:
		return src, nil
	case created && len(elems) == 1:
		from := st.start
		if st.lineEnd == len(src) && src[len(src)-1] != '\n' && from > 0 {
			from-- // the newline addImport put before a last line without one
		}
		return splice(src, from, st.lineEnd, ""), nil
	case k > 0 && elems[k].comma >= 0:
		return splice(src, elems[k-1].comma+1, elems[k].comma+1, ""), nil
	case k > 0:
		return splice(src, elems[k-1].end, elems[k].end, ""), nil
	case elems[k].comma >= 0:
		return splice(src, elems[k].start, skipSpace(src, elems[k].comma+1, false), ""), nil
	}
	return splice(src, elems[k].start, elems[k].end, ""), nil
}

func findStatement(stmts []statement, key string) *statement {
	for i := range stmts {
		if stmts[i].key == key {
			return &stmts[i]
		}
	}
	return nil
}

// hasString returns the index of the element that is the string s, or -1.
func hasString(src []byte, elems []element, s string) int {
	for i, e := range elems {
		if v, ok := stringValue(src[e.start:e.end]); ok && v == s {
			return i
		}
	}
	return -1
}

func splice(src []byte, from, to int, text string) []byte {
	out := make([]byte, 0, len(src)-(to-from)+len(text))
	out = append(out, src[:from]...)
	out = append(out, text...)
	return append(out, src[to:]...)
}
