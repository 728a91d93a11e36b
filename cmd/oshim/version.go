//go:build linux

package main

import "runtime/debug"

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// commit is the VCS revision the binary was built from, as the Go toolchain recorded it.
func commit() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	rev, dirty := "unknown", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if dirty {
		rev += "-dirty"
	}
	return rev
}
