package wrapper

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/oshim/oshim/internal/config"
)

// RunDir is the config's run_dir, or a default that the calling user can write. Only
// root of the initial user namespace gets /run/oshim: rootless podman runs the runtime
// and its hooks as uid 0 of a user namespace that maps it to an ordinary user, who
// cannot write there. Such a user gets $XDG_RUNTIME_DIR/oshim (rootless podman passes
// it to every runtime call), else /tmp/oshim-UID with UID the user's id outside.
func RunDir(cfg *config.Config) string {
	return runDir(cfg, outerUID("/proc/self/uid_map", os.Geteuid()), os.Getenv("XDG_RUNTIME_DIR"))
}

// HookRunDir is RunDir without $XDG_RUNTIME_DIR, for hook mode: podman runs precreate
// and poststop with an empty environment, while the runtime runs createRuntime and
// prestart with its own, so only a directory that does not depend on the environment
// is the same at every stage for one rootless user.
func HookRunDir(cfg *config.Config) string {
	return runDir(cfg, outerUID("/proc/self/uid_map", os.Geteuid()), "")
}

// Rootful says whether oshim runs as root of the initial user namespace, which alone
// gets the root-owned defaults (/run/oshim, /var/log/oshim/ocsf.jsonl).
func Rootful() bool { return outerUID("/proc/self/uid_map", os.Geteuid()) == 0 }

// runDir picks the run directory for a user whose id outside any user namespace is uid.
func runDir(cfg *config.Config, uid int, xdgRuntimeDir string) string {
	if cfg.RunDir != "" {
		return cfg.RunDir
	}
	if uid == 0 {
		return "/run/oshim"
	}
	if xdgRuntimeDir != "" {
		return filepath.Join(xdgRuntimeDir, "oshim")
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("oshim-%d", uid))
}

// outerUID maps uid through a uid_map file (user_namespaces(7): "inside outside count"
// per line) to the parent namespace. Without the file, or without a line for uid, it
// returns uid: the kernel is then not namespacing it.
func outerUID(mapFile string, uid int) int {
	if uid < 0 {
		return uid
	}
	f, err := os.Open(mapFile)
	if err != nil {
		return uid
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
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
