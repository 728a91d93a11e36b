package install

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Host is the file system an install works on. Root is prepended to every path that is
// read or written, while paths written into engine configs stay host paths: a node
// installer running in a container sees the host's / under Root.
type Host struct {
	Root string
}

// path maps a host path to the path this process opens.
func (h Host) path(p string) string {
	if h.Root == "" || h.Root == "/" {
		return p
	}
	return filepath.Join(h.Root, p)
}

// file is a file's content as found, or its absence.
type file struct {
	data   []byte
	exists bool
	mode   fs.FileMode
}

// read returns the file at host path p; a missing file is no error.
func (h Host) read(p string) (file, error) {
	st, err := os.Stat(h.path(p))
	if errors.Is(err, fs.ErrNotExist) {
		return file{}, nil
	}
	if err != nil {
		// The *fs.PathError names the operation and the (host-rooted) path already.
		return file{}, err
	}
	if !st.Mode().IsRegular() {
		return file{}, fmt.Errorf("%s is not a regular file", p)
	}
	if st.Size() > maxFileSize {
		return file{}, fmt.Errorf("%s: %d bytes is over the %d byte limit for a config file", p, st.Size(), maxFileSize)
	}
	data, err := os.ReadFile(h.path(p))
	if err != nil {
		return file{}, err
	}
	return file{data: data, exists: true, mode: st.Mode().Perm()}, nil
}

// glob returns the host paths matching a host path pattern, sorted.
func (h Host) glob(pattern string) ([]string, error) {
	matches, err := filepath.Glob(h.path(pattern))
	if err != nil {
		return nil, fmt.Errorf("glob %s: %w", pattern, err)
	}
	out := make([]string, 0, len(matches))
	for _, m := range matches {
		if h.Root == "" || h.Root == "/" {
			out = append(out, m)
			continue
		}
		rel, err := filepath.Rel(h.Root, m)
		if err != nil {
			return nil, fmt.Errorf("glob %s: %w", pattern, err)
		}
		out = append(out, "/"+rel)
	}
	return out, nil
}

// maxFileSize bounds every config file install reads: they are small, and a huge one
// is a mistake (or a device) that must not be slurped.
const maxFileSize = 4 << 20
