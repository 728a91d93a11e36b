package install

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/oshim/oshim/internal/spec"
)

// dockerEntry is the runtime entry install writes: dockerd has containerd's runc shim
// run path as the runtime binary.
func dockerEntry(binary string) string {
	data, _ := json.Marshal(map[string]string{"path": binary}) // one string: cannot fail
	return string(data)
}

// parseDaemonJSON parses daemon.json as dockerd accepts it: one JSON object, or nothing
// but white space (dockerd then runs on its defaults). Duplicate keys are refused: which
// value dockerd takes is not what an admin should have to guess. Errors name the line.
func parseDaemonJSON(data []byte) (*spec.Object, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return spec.ParseObject([]byte("{}"))
	}
	o, err := spec.ParseObject(data)
	if err != nil {
		return nil, jsonPosition(data, err)
	}
	// dockerd decodes the file into Go values, where a number is a float64: JSON has no
	// limit on a number's size (1e700), dockerd refuses one that does not fit.
	var values map[string]any
	if err := json.Unmarshal(data, &values); err != nil {
		return nil, jsonPosition(data, err)
	}
	return o, nil
}

// jsonPosition rewrites the byte offset of a parse error as a line and column.
func jsonPosition(data []byte, err error) error {
	var se *spec.SyntaxError
	var de *spec.DuplicateKeyError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("%s: invalid JSON: %s", position(data, se.Offset), se.Msg)
	case errors.As(err, &de):
		return fmt.Errorf("%s: duplicate key %s", position(data, de.Offset), de.Path)
	case errors.As(err, &te):
		// The offset is past the number: its line is where its text last starts before.
		at := min(max(int(te.Offset), 0), len(data))
		if i := bytes.LastIndex(data[:at], []byte(strings.TrimPrefix(te.Value, "number "))); i >= 0 {
			at = i
		}
		return fmt.Errorf("%s: %s does not fit in a %s, as dockerd reads numbers", position(data, at), te.Value, te.Type)
	}
	return err
}

// position names the line and column (both from 1, the column in bytes) of offset.
func position(data []byte, offset int) string {
	offset = min(max(offset, 0), len(data))
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := offset - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d", line, col)
}

// runtimesOf returns daemon.json's runtimes and whether the key is there.
func runtimesOf(o *spec.Object) (map[string]json.RawMessage, bool, error) {
	var runtimes map[string]json.RawMessage
	found, err := o.Lookup(&runtimes, "runtimes")
	if err != nil {
		return nil, false, fmt.Errorf(`"runtimes" must be an object of runtimes: %w`, err)
	}
	return runtimes, found, nil
}

// addDockerRuntime adds the runtime e.Value with e.Entry to daemon.json. An entry of
// that name that is already there is left alone when it is the same, else refused.
func (e Edit) addDockerRuntime(src []byte) ([]byte, *Edit, error) {
	o, err := parseDaemonJSON(src)
	if err != nil {
		return nil, nil, err
	}
	runtimes, found, err := runtimesOf(o)
	if err != nil {
		return nil, nil, err
	}
	if cur, ok := runtimes[e.Value]; ok {
		if jsonEqual(cur, []byte(e.Entry)) {
			return src, nil, nil
		}
		return nil, nil, fmt.Errorf("runtimes.%s is already %s, not oshim's %s: oshim replaces no runtime of the admin's; remove it, or pass another --name", e.Value, compactJSON(cur), e.Entry)
	}
	if err := o.Set(json.RawMessage(e.Entry), "runtimes", e.Value); err != nil {
		return nil, nil, err
	}
	out, err := marshalDaemonJSON(o)
	if err != nil {
		return nil, nil, err
	}
	return out, &Edit{Kind: e.Kind, Value: e.Value, Entry: e.Entry, Created: !found}, nil
}

// removeDockerRuntime undoes addDockerRuntime in a daemon.json that may have changed
// since: the entry goes if it is still what install wrote, and "runtimes" goes too if
// install created it and nothing else is in it.
func (e Edit) removeDockerRuntime(src []byte) ([]byte, error) {
	o, err := parseDaemonJSON(src)
	if err != nil {
		return nil, err
	}
	runtimes, _, err := runtimesOf(o)
	if err != nil {
		return nil, err
	}
	cur, ok := runtimes[e.Value]
	if !ok {
		return src, nil
	}
	if !jsonEqual(cur, []byte(e.Entry)) {
		return nil, fmt.Errorf("runtimes.%s was changed since oshim added it (now %s): remove it by hand", e.Value, compactJSON(cur))
	}
	path := []string{"runtimes", e.Value}
	if e.Created && len(runtimes) == 1 {
		path = path[:1]
	}
	if err := o.Delete(path...); err != nil {
		return nil, err
	}
	return marshalDaemonJSON(o)
}

// checkDocker makes sure an edited daemon.json holds the runtime as install meant it.
func (e *Edit) checkDocker(out []byte) error {
	o, err := parseDaemonJSON(out)
	if err != nil {
		return err
	}
	if raw, ok := o.Get("runtimes", e.Value); !ok || !jsonEqual(raw, []byte(e.Entry)) {
		return fmt.Errorf("runtimes.%s is not %s", e.Value, e.Entry)
	}
	return nil
}

func marshalDaemonJSON(o *spec.Object) ([]byte, error) {
	out, err := o.Marshal()
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// jsonEqual reports whether a and b are the same JSON text apart from white space; an
// empty text is the empty object, as dockerd reads it.
func jsonEqual(a, b []byte) bool {
	return bytes.Equal(compactJSON(a), compactJSON(b))
}

func compactJSON(data []byte) []byte {
	if len(bytes.TrimSpace(data)) == 0 {
		return []byte("{}")
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, data); err != nil {
		return data
	}
	return buf.Bytes()
}
