package harness

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// Image describes a container image built from a busybox rootfs (see
// OCIArchive and Podman.Import).
type Image struct {
	Ref   string            // e.g. "localhost/oshim-test/supervisor:1"
	Cmd   []string          // the image's CMD
	Files map[string]string // container path -> host file copied there, over the busybox rootfs
}

// OCIArchive builds img from a fresh busybox rootfs (see Rootfs) the way an
// admin without a registry does: `podman import` into a root podman of the
// test's own (see NewPodman), then `podman save --format oci-archive`. It
// returns the archive's path, for `ctr images import`.
func OCIArchive(t testing.TB, img Image) string {
	t.Helper()
	p := NewPodman(t, false)
	p.Import(t, img)
	// Outside p.Dir, which goes when the podman's test ends.
	archive := filepath.Join(t.TempDir(), "image.tar")
	p.RunOK(t, "save", "--format", "oci-archive", "-o", archive, img.Ref)
	return archive
}

// rootfs returns a fresh busybox rootfs (see Rootfs) with img's files copied in.
func (img Image) rootfs(t testing.TB) string {
	t.Helper()
	rootfs := Rootfs(t)
	paths := make([]string, 0, len(img.Files))
	for path := range img.Files {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		copyInto(t, rootfs, img.Files[path], path)
	}
	return rootfs
}

// copyInto copies the host file hostPath into rootfs at containerPath
// (absolute; parents are created).
func copyInto(t testing.TB, rootfs, hostPath, containerPath string) {
	t.Helper()
	if !filepath.IsAbs(containerPath) {
		t.Fatalf("image file %q: container path is not absolute", containerPath)
	}
	info, err := os.Stat(hostPath)
	if err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(rootfs, filepath.Clean(containerPath))
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(target); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if err := copyFile(hostPath, target, info.Mode().Perm()); err != nil {
		t.Fatal(err)
	}
}
