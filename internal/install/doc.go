// Package install registers oshim with a container engine and removes it again:
// a containers.conf drop-in (and hooks) for Podman, a CRI runtime handler for containerd,
// a crio.conf.d drop-in for CRI-O, a runtime in daemon.json for Docker.
//
// Every install is planned first (the files it wants, computed from what is on disk),
// then either printed (dry run) or written atomically. A manifest in the state directory
// records what was written and the original bytes of every file that was edited, so
// that a second install changes nothing and an uninstall undoes exactly what install did.
package install
