package records

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/oshim/oshim/internal/atomicfile"
	"github.com/oshim/oshim/internal/digest"
	"github.com/oshim/oshim/internal/jsonwrite"
	"github.com/oshim/oshim/internal/smallfile"
)

// Store keeps one directory per contracted container under a run directory. Container
// ids are only unique within one runtime root (containerd gives each namespace its own),
// so the root is part of the key.
type Store struct {
	Dir string
}

// Open returns the store in run directory dir, creating it (mode 0700) if needed, and
// refuses a directory another user could have made or could write into: its records
// decide how exec sessions are capped, and the init binaries below it run in
// containers. This matters for the default /tmp/oshim-UID, which another local user
// could create first. Every oshim process that reads or writes records opens the store
// this way.
func Open(dir string) (Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Store{}, fmt.Errorf("create run directory %s: %w", dir, err)
	}
	if err := checkOwnDir(dir); err != nil {
		return Store{}, err
	}
	return Store{Dir: dir}, nil
}

// checkOwnDir refuses anything but a real directory of the calling user that no one
// else can write to.
func checkOwnDir(dir string) error {
	st, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("run directory: %w", err)
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	switch {
	case !st.IsDir():
		return fmt.Errorf("run directory %s is not a directory (a symlink?): set run_dir to a real directory", dir)
	case !ok || int(sys.Uid) != os.Geteuid():
		return fmt.Errorf("run directory %s belongs to another user (uid %d): remove it, or set run_dir to a directory of your own", dir, sys.Uid)
	case st.Mode().Perm()&0o022 != 0:
		return fmt.Errorf("run directory %s is writable by others (mode %v): chmod go-w it", dir, st.Mode().Perm())
	}
	return nil
}

const recordFile = "container.json"

// maxRecordSize bounds what Load reads: a record is a few hundred bytes, and one that
// is not is not oshim's.
const maxRecordSize = 1 << 20

// ContainerDir is the directory of one container's files.
func (s Store) ContainerDir(root, id string) (string, error) {
	if err := ValidateID(id); err != nil {
		return "", err
	}
	return filepath.Join(s.Dir, rootKey(root), id), nil
}

// rootKey names a runtime root by a short hash: roots are long absolute paths. The
// root is resolved first, so that /var/run/crun and /run/crun, one directory, are one
// key: a container created under one spelling keeps its record (and its exec sessions
// stay capped) when it is reached under another.
//
// A process computes each key once: a contracted create asks for its container's key
// several times, and resolving the root costs an lstat per path component every time.
func rootKey(root string) string {
	if root == "" {
		return "default"
	}
	if k, ok := rootKeys.Load(root); ok {
		return k.(string)
	}
	k := resolveRootKey(root)
	rootKeys.Store(root, k)
	return k
}

var rootKeys sync.Map // root -> key, for this process

func resolveRootKey(root string) string {
	sum := digest.Sum256([]byte(resolveRoot(root)))
	return hex.EncodeToString(sum[:8])
}

// resolveRoot resolves the symlinks of the longest part of root that exists: the
// runtime makes its root on its first create, after oshim has recorded the container,
// and the key must not change when the root appears.
func resolveRoot(root string) string {
	rest := ""
	for p := filepath.Clean(root); ; p = filepath.Dir(p) {
		if resolved, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(resolved, rest)
		}
		if p == filepath.Dir(p) {
			return filepath.Join(p, rest)
		}
		rest = filepath.Join(filepath.Base(p), rest)
	}
}

// ValidateID accepts the container ids runc accepts: letters, digits, '_', '+', '-', '.'
// (but not "." or ".."), so an id can never escape the run directory.
func ValidateID(id string) error {
	if id == "" || id == "." || id == ".." || len(id) > 1024 {
		return fmt.Errorf("invalid container id %q", id)
	}
	for _, r := range id {
		ok := r == '_' || r == '+' || r == '-' || r == '.' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			return fmt.Errorf("invalid container id %q: only letters, digits and _+-. are allowed", id)
		}
	}
	return nil
}

// Save writes the record atomically, creating the container's directory. It does not
// fsync: a record describes a container that a crash of the machine ends.
func (s Store) Save(c *Container) error {
	dir, err := s.ContainerDir(c.Root, c.ID)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	// A mark left by an uncontracted container of the same id goes, after the
	// directory is made (see Mark), and before the record exists: with a record the
	// container's exec sessions are capped, and if the record is ever lost they must be
	// refused, not let through by the mark.
	if err := unmark(s.markPath(c.Root, c.ID)); err != nil {
		return err
	}
	// MarshalJSON called directly, not through json.MarshalIndent: that would look the
	// method up by reflection and check its output once more, on every contracted create.
	compact, err := c.MarshalJSON()
	if err != nil {
		return fmt.Errorf("encode record of %s: %w", c.ID, err)
	}
	data := append(jsonwrite.Indent(make([]byte, 0, 2*len(compact)), compact, "  "), '\n')
	return atomicfile.Write(filepath.Join(dir, recordFile), data, 0o600, atomicfile.Volatile())
}

// Load reads a container's record. found is false when the container has none, which
// means oshim applied no contract to it.
func (s Store) Load(root, id string) (c *Container, found bool, err error) {
	dir, err := s.ContainerDir(root, id)
	if err != nil {
		return nil, false, err
	}
	p := filepath.Join(dir, recordFile)
	data, _, err := smallfile.Read(p, maxRecordSize)
	if smallfile.Missing(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	c = &Container{}
	if err := c.UnmarshalJSON(data); err != nil {
		return nil, false, fmt.Errorf("decode %s: %w", p, err)
	}
	return c, true, nil
}

// Remove deletes a container's directory and everything in it, and its mark.
func (s Store) Remove(root, id string) error {
	dir, err := s.ContainerDir(root, id)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("remove %s: %w", dir, err)
	}
	return unmark(s.markPath(root, id))
}

// InitDir is the directory mounted into a container at the init's mount point: the
// container's own copy of oshim-init and the result FIFO. It is kept apart from the record,
// which the container must not see.
func (s Store) InitDir(root, id string) (string, error) {
	dir, err := s.ContainerDir(root, id)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "init"), nil
}
