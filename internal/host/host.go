// Package host holds what oshim learns about the machine it runs on, once per process:
// who it runs as outside any user namespace, and so which run directory and which
// default OCSF file are its own. Runtime mode, hook mode and oshim's own commands all
// ask here, so the rules cannot drift between them.
package host

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/oshim/oshim/internal/smallfile"
)

// Facts are the host facts one oshim process acts on.
type Facts struct {
	// UID is oshim's effective uid in the initial user namespace: rootless podman runs
	// the runtime and its hooks as uid 0 of a user namespace that maps it to an
	// ordinary user.
	UID int
	// XDGRuntimeDir is $XDG_RUNTIME_DIR as oshim was started with it.
	XDGRuntimeDir string
}

// Detect reads the facts of the running process.
func Detect() Facts {
	return Facts{UID: outerUID("/proc/self/uid_map", os.Geteuid()), XDGRuntimeDir: os.Getenv("XDG_RUNTIME_DIR")}
}

// Rootful says whether oshim runs as root of the initial user namespace, which alone
// gets the root-owned defaults (/run/oshim, /var/log/oshim/ocsf.jsonl).
func (f Facts) Rootful() bool { return f.UID == 0 }

// RunDir is the run directory: configured (run_dir), else /run/oshim for root of the
// initial user namespace, else $XDG_RUNTIME_DIR/oshim (rootless podman passes it to
// every runtime call), else /tmp/oshim-UID with UID the user's id outside.
func (f Facts) RunDir(configured string) string {
	return f.runDir(configured, f.XDGRuntimeDir)
}

// HookRunDir is RunDir without $XDG_RUNTIME_DIR, for hook mode: podman runs precreate
// and poststop with an empty environment, while the runtime runs createRuntime and
// prestart with its own, so only a directory that does not depend on the environment
// is the same at every stage for one rootless user.
func (f Facts) HookRunDir(configured string) string {
	return f.runDir(configured, "")
}

func (f Facts) runDir(configured, xdgRuntimeDir string) string {
	switch {
	case configured != "":
		return configured
	case f.UID == 0:
		return "/run/oshim"
	case xdgRuntimeDir != "":
		return filepath.Join(xdgRuntimeDir, "oshim")
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("oshim-%d", f.UID))
}

// outerUID maps uid through a uid_map file (user_namespaces(7): "inside outside count"
// per line) to the parent namespace. Without the file, or without a line for uid, it
// returns uid: the kernel is then not namespacing it.
func outerUID(mapFile string, uid int) int {
	if uid < 0 {
		return uid
	}
	data, _, err := smallfile.Read(mapFile, 64<<10)
	if err != nil {
		return uid
	}
	for line := range strings.Lines(string(data)) {
		fields := strings.Fields(line)
		if len(fields) != 3 {
			continue
		}
		var n [3]uint64
		ok := true
		for i, s := range fields {
			if n[i], err = strconv.ParseUint(s, 10, 32); err != nil {
				ok = false
			}
		}
		if ok && uint64(uid) >= n[0] && uint64(uid)-n[0] < n[2] {
			return int(n[1] + uint64(uid) - n[0])
		}
	}
	return uid
}
