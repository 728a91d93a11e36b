package spec

import (
	"encoding/json"
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// ReadProcess decodes the process at path: []string{"process"} in a config.json, nil
// (the whole object) for a process.json. It wraps ErrNotFound when the process is
// absent or null. Decoding is not strict (unknown fields are ignored), so newer spec
// versions still read; keys on path are checked for ambiguity as in Lookup.
func ReadProcess(o *Object, path ...string) (*specs.Process, error) {
	raw, found, err := o.find(path)
	if err != nil {
		return nil, fmt.Errorf("read process %s: %w", keysPath(path), err)
	}
	if !found || string(raw) == "null" {
		return nil, fmt.Errorf("read process %s: %w", keysPath(path), ErrNotFound)
	}
	var p specs.Process
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("read process %s: %w", keysPath(path), err)
	}
	return &p, nil
}
