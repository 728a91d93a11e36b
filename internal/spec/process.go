package spec

import (
	"fmt"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oshim/oshim/internal/jsonread"
)

// ReadProcess decodes what oshim reads of the process at path (args, user.uid,
// capabilities and noNewPrivileges) as encoding/json decodes them into a
// specs.Process: keys match ignoring case, the last one winning, null leaves a value
// as it is (a list or the capabilities nil), and a value of the wrong type is an
// error. path is []string{"process"} in a config.json, nil (the whole object) for a
// process.json. It wraps ErrNotFound when the process is absent or null; keys on path
// are checked for ambiguity as in Lookup. The rest of the process is the runtime's to
// judge: it is read by hand because every contracted create and every exec reads a
// process, and encoding/json's reflection cost each such call more than the rest of
// the decoding.
func ReadProcess(o *Object, path ...string) (*specs.Process, error) {
	raw, found, err := o.find(path)
	if err != nil {
		return nil, fmt.Errorf("read process %s: %w", keysPath(path), err)
	}
	if !found || string(raw) == "null" {
		return nil, fmt.Errorf("read process %s: %w", keysPath(path), ErrNotFound)
	}
	p := &specs.Process{}
	r := jsonread.New(raw)
	r.Object(func(key string) {
		switch {
		case strings.EqualFold(key, "args"):
			p.Args = r.Strings()
		case strings.EqualFold(key, "user"):
			r.Object(func(key string) {
				if strings.EqualFold(key, "uid") && !r.Null() {
					p.User.UID = uint32(r.Uint(32))
				} else {
					r.Skip()
				}
			})
		case strings.EqualFold(key, "capabilities"):
			p.Capabilities = readCapabilities(r, p.Capabilities)
		case strings.EqualFold(key, "noNewPrivileges"):
			if !r.Null() {
				p.NoNewPrivileges = r.Bool()
			}
		default:
			r.Skip()
		}
	})
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("read process %s: %w", keysPath(path), err)
	}
	return p, nil
}

// readCapabilities reads a process's capabilities into c, as encoding/json decodes
// into a pointer it may already have set.
func readCapabilities(r *jsonread.Reader, c *specs.LinuxCapabilities) *specs.LinuxCapabilities {
	if r.Null() {
		return nil
	}
	if c == nil {
		c = &specs.LinuxCapabilities{}
	}
	r.Object(func(key string) {
		switch {
		case strings.EqualFold(key, "bounding"):
			c.Bounding = r.Strings()
		case strings.EqualFold(key, "effective"):
			c.Effective = r.Strings()
		case strings.EqualFold(key, "inheritable"):
			c.Inheritable = r.Strings()
		case strings.EqualFold(key, "permitted"):
			c.Permitted = r.Strings()
		case strings.EqualFold(key, "ambient"):
			c.Ambient = r.Strings()
		default:
			r.Skip()
		}
	})
	return c
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
