package spec

import (
	"encoding/json"
	"fmt"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oshim/oshim/internal/jsonread"
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

// ProcessArgs reads the args of the process at path as ReadProcess decodes them,
// without decoding the rest, which every create that picks a contract would pay for by
// reflection: encoding/json fills Args from each key that equals "args" ignoring case,
// the last one winning. It is nil when the process or its args are absent or null.
func ProcessArgs(o *Object, path ...string) ([]string, error) {
	p, found, err := o.walk(path, false)
	if err != nil {
		return nil, fmt.Errorf("read process %s: %w", keysPath(path), err)
	}
	if !found {
		return nil, nil
	}
	var args []string
	for i := range p.members {
		if !strings.EqualFold(p.members[i].key, "args") {
			continue
		}
		r := jsonread.New(p.members[i].appendValue(nil))
		if args = r.Strings(); r.Err() != nil {
			return nil, fmt.Errorf("read process %s args: %w", keysPath(path), r.Err())
		}
	}
	return args, nil
}
