//go:build linux

package main

import "runtime/debug"

// version and commitStamp are set at build time with -ldflags "-X main.version=...
// -X main.commitStamp=...". The Makefile stamps both: a build without VCS information
// (-buildvcs=false, a source tarball) records no revision of its own.
var (
	version     = "dev"
	commitStamp string
)

// commit is the VCS revision the binary was built from: the stamped one, else what the
// Go toolchain recorded.
func commit() string {
	if commitStamp != "" {
		return commitStamp
	}
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
