// Package ociruntime finds the real OCI runtime (crun or runc), hands calls to it, and
// reads the pid files it writes.
package ociruntime

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// EnvRuntime names the real runtime, overriding the config file.
const EnvRuntime = "OSHIM_RUNTIME"

// defaults are tried on PATH, in order, when nothing names a runtime.
var defaults = [...]string{"crun", "runc"}

// Defaults returns the runtimes tried on PATH, in order, when nothing names one.
func Defaults() []string { return defaults[:] }

// Resolve returns the absolute path of the real runtime: env OSHIM_RUNTIME, else the
// config's runtime, else the first of Defaults on PATH, else in packagedDirs. It
// refuses to resolve to the running binary itself, which would make every call loop.
func Resolve(configured string) (Runtime, error) {
	path, err := resolve(configured, packagedDirs[:])
	return Runtime{Path: path}, err
}

func resolve(configured string, dirs []string) (string, error) {
	name, from := configured, "config runtime"
	if v := os.Getenv(EnvRuntime); v != "" {
		name, from = v, EnvRuntime
	}
	var path string
	var err error
	if name != "" {
		path, err = lookPath(name)
		if err != nil {
			return "", fmt.Errorf("%s = %q: %w", from, name, err)
		}
	} else {
		path, from = lookDefaults(dirs)
		if path == "" {
			return "", fmt.Errorf("no OCI runtime found: none of %v is on PATH or in %v (install crun or runc, or set runtime in the config or %s)", defaults, dirs, EnvRuntime)
		}
	}
	if path, err = filepath.Abs(path); err != nil {
		return "", fmt.Errorf("resolve runtime %s: %w", path, err)
	}
	if err := notSelf(path); err != nil {
		return "", fmt.Errorf("%s resolves to %s: %w", from, path, err)
	}
	return path, nil
}

// packagedDirs are searched for the defaults after PATH: CRI-O's packages put their
// crun and runc in /usr/libexec/crio, off PATH, and CRI-O runs oshim with its own PATH.
var packagedDirs = [...]string{"/usr/libexec/crio"}

// PackagedDirs returns the directories searched for crun and runc after PATH.
func PackagedDirs() []string { return packagedDirs[:] }

// lookDefaults returns the first of Defaults on PATH, else in PackagedDirs, and where
// it was found; "" when none is anywhere.
func lookDefaults(dirs []string) (path, from string) {
	for _, n := range defaults {
		if p, err := lookPath(n); err == nil {
			return p, "PATH"
		}
	}
	for _, dir := range dirs {
		for _, n := range defaults {
			if p, err := exec.LookPath(filepath.Join(dir, n)); err == nil {
				return p, dir
			}
		}
	}
	return "", ""
}

var errLoop = errors.New("that is oshim itself, which would call itself forever; point it at crun or runc")

func notSelf(path string) error {
	self, err := os.Stat("/proc/self/exe")
	if err != nil {
		return fmt.Errorf("stat /proc/self/exe: %w", err)
	}
	target, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("stat runtime: %w", err)
	}
	if os.SameFile(self, target) {
		return errLoop
	}
	return nil
}

// FallbackPath is searched for a runtime named without a slash when PATH is unset or
// empty: podman runs the runtime's kill and delete with no PATH at all.
const FallbackPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

func lookPath(name string) (string, error) {
	if strings.Contains(name, "/") || os.Getenv("PATH") != "" {
		return exec.LookPath(name)
	}
	for _, dir := range filepath.SplitList(FallbackPath) {
		if p, err := exec.LookPath(filepath.Join(dir, name)); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found in %s (PATH is unset): %w", name, FallbackPath, exec.ErrNotFound)
}
