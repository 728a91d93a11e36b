package doctor

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/oshim/oshim/internal/config"
	"github.com/oshim/oshim/internal/ociruntime"
)

// versionTimeout bounds `RUNTIME --version`.
const versionTimeout = 10 * time.Second

// findRuntimes looks for crun and runc on PATH and resolves the runtime oshim itself
// would call, as the wrapper does. It returns the distinct runtimes found, for the
// probe.
func findRuntimes(cfg *config.Config) ([]string, []Check) {
	var found []string
	var checks []Check
	for _, name := range ociruntime.Defaults() {
		c := Check{Name: "runtime " + name, Status: OK}
		p, err := exec.LookPath(name)
		if err == nil {
			p, err = filepath.Abs(p)
		}
		if err != nil {
			c.Detail = "not on PATH"
			checks = append(checks, c)
			continue
		}
		c.Detail = p + ": " + runtimeVersion(p)
		found = append(found, p)
		checks = append(checks, c)
	}
	configured := ""
	if cfg != nil {
		configured = cfg.Runtime
	}
	c := Check{Name: "runtime for oshim", Status: OK}
	runtime, err := ociruntime.Resolve(configured)
	rt := runtime.Path
	switch {
	case err != nil:
		c.Status, c.Detail = Fail, err.Error()
		c.Fix = "install crun or runc (apt-get install crun), or set runtime in the admin config (or " + ociruntime.EnvRuntime + ") to the real runtime's absolute path"
	case os.Getenv(ociruntime.EnvRuntime) != "":
		c.Detail = fmt.Sprintf("%s (from %s)", rt, ociruntime.EnvRuntime)
	case configured != "":
		c.Detail = fmt.Sprintf("%s (runtime = %q in the admin config)", rt, configured)
	default:
		c.Detail = fmt.Sprintf("%s (the first of %s on PATH)", rt, strings.Join(ociruntime.Defaults(), ", "))
	}
	if err == nil && !slices.Contains(found, rt) {
		c.Detail += ": " + runtimeVersion(rt)
		found = append(found, rt)
	}
	return found, append(checks, c)
}

// runtimeVersion is the first line of `RUNTIME --version`, or why there is none.
func runtimeVersion(path string) string {
	ctx, cancel := context.WithTimeout(context.Background(), versionTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--version").Output()
	if err != nil {
		return fmt.Sprintf("%s --version failed: %v", path, err)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(first)
}
