package procfile

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/oshim/oshim/internal/runtimeargs"
	"github.com/oshim/oshim/internal/spec"
)

// Build writes down the process an exec without --process asks for, as the runtime of
// dialect d would build it from the flags: runc starts from the container's spec
// process (containerProcess, its config.json "process") and overrides what the flags
// give; crun starts from nothing and fills what the flags leave out from the container
// when it runs the process. With the process in a file, oshim can cap it like any
// other.
func Build(e *runtimeargs.Exec, d runtimeargs.Dialect, containerProcess json.RawMessage) (*spec.Object, error) {
	base := []byte("{}")
	if d != runtimeargs.Crun {
		if len(containerProcess) == 0 {
			return nil, fmt.Errorf("the container's spec has no process to start the exec from")
		}
		base = containerProcess
	}
	o, err := spec.ParseObject(base)
	if err != nil {
		return nil, fmt.Errorf("the container's process: %w", err)
	}
	set := func(v any, path ...string) {
		if err == nil {
			err = o.Set(v, path...)
		}
	}
	set(e.Command, "args")
	set(e.Tty, "terminal")
	switch {
	case e.Cwd != "":
		set(e.Cwd, "cwd")
	case d == runtimeargs.Crun:
		// What crun runs a command in without --cwd; its process file parser wants it.
		set("/", "cwd")
	}
	if e.AppArmor != "" {
		set(e.AppArmor, "apparmorProfile")
	}
	if e.ProcessLabel != "" {
		set(e.ProcessLabel, "selinuxLabel")
	}
	if e.NoNewPrivs {
		set(true, "noNewPrivileges")
	}
	if len(e.Env) > 0 {
		var env []string
		if d != runtimeargs.Crun {
			if _, lerr := o.Lookup(&env, "env"); lerr != nil {
				return nil, fmt.Errorf("the container's process env: %w", lerr)
			}
		}
		set(append(env, e.Env...), "env")
	}
	if e.User != "" {
		uid, gid, uerr := parseUser(e.User)
		if uerr != nil {
			return nil, uerr
		}
		set(uid, "user", "uid")
		if gid != nil {
			set(*gid, "user", "gid")
		} else if d == runtimeargs.Crun {
			set(0, "user", "gid")
		}
	} else if d == runtimeargs.Crun {
		// crun runs a command as root without --user.
		set(map[string]uint32{"uid": 0, "gid": 0}, "user")
	}
	if len(e.AdditionalGids) > 0 {
		var gids []uint32
		if _, lerr := o.Lookup(&gids, "user", "additionalGids"); lerr != nil {
			return nil, fmt.Errorf("the container's additional gids: %w", lerr)
		}
		for _, g := range e.AdditionalGids {
			n, perr := strconv.ParseUint(g, 10, 32)
			if perr != nil {
				return nil, fmt.Errorf("exec --additional-gids %q: want a group id", g)
			}
			gids = append(gids, uint32(n))
		}
		set(gids, "user", "additionalGids")
	}
	if err != nil {
		return nil, fmt.Errorf("build the exec process: %w", err)
	}
	return o, nil
}

// parseUser reads --user UID[:GID].
func parseUser(s string) (uint32, *uint32, error) {
	u, g, hasGID := strings.Cut(s, ":")
	uid, err := strconv.ParseUint(u, 10, 32)
	if err != nil {
		return 0, nil, fmt.Errorf("exec --user %q: want UID[:GID] as numbers", s)
	}
	if !hasGID {
		return uint32(uid), nil, nil
	}
	gid, err := strconv.ParseUint(g, 10, 32)
	if err != nil {
		return 0, nil, fmt.Errorf("exec --user %q: want UID[:GID] as numbers", s)
	}
	g32 := uint32(gid)
	return uint32(uid), &g32, nil
}
