package records

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"golang.org/x/sys/unix"
)

// Entry is one container directory of a Store.
type Entry struct {
	// Key names the runtime root ("default" or a hash of the root's path); ID is the
	// container's id within it.
	Key, ID string
	// Record is the container's record; nil when Err says why there is none.
	Record *Container
	// Err is fs.ErrNotExist (wrapped) for a directory without a record, which happens
	// when a create failed between preparing the init and writing the record; any
	// other error means the record is unreadable.
	Err error
	// ModTime is the record file's, or the directory's when there is no record.
	ModTime time.Time
}

// List returns every container directory under the store, sorted by creation (the
// record's, else the directory's time), then key and id. A store that does not
// exist yet is empty.
func (s Store) List() ([]Entry, error) {
	keys, err := os.ReadDir(s.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read run directory %s: %w", s.Dir, err)
	}
	var out []Entry
	for _, k := range keys {
		if !k.IsDir() {
			continue
		}
		dir := filepath.Join(s.Dir, k.Name())
		ids, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", dir, err)
		}
		for _, id := range ids {
			if !id.IsDir() || ValidateID(id.Name()) != nil {
				continue
			}
			out = append(out, readEntry(dir, k.Name(), id.Name()))
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].created(), out[j].created()
		if !a.Equal(b) {
			return a.Before(b)
		}
		if out[i].Key != out[j].Key {
			return out[i].Key < out[j].Key
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

func readEntry(keyDir, key, id string) Entry {
	e := Entry{Key: key, ID: id}
	dir := filepath.Join(keyDir, id)
	p := filepath.Join(dir, recordFile)
	st, err := os.Lstat(p)
	if err != nil {
		e.Err = fmt.Errorf("stat %s: %w", p, err)
		if dst, derr := os.Lstat(dir); derr == nil {
			e.ModTime = dst.ModTime()
		}
		return e
	}
	e.ModTime = st.ModTime()
	data, err := os.ReadFile(p)
	if err != nil {
		e.Err = fmt.Errorf("read %s: %w", p, err)
		return e
	}
	c := &Container{}
	if err := c.UnmarshalJSON(data); err != nil {
		e.Err = fmt.Errorf("decode %s: %w", p, err)
		return e
	}
	e.Record = c
	return e
}

// created is when the entry's container was recorded: the record says so, a
// directory without one has only its time.
func (e Entry) created() time.Time {
	if e.Record != nil && !e.Record.Created.IsZero() {
		return e.Record.Created
	}
	return e.ModTime
}

// removeEntry deletes an entry's directory, the container's init copy included.
func (s Store) removeEntry(e Entry) error {
	if err := ValidateID(e.ID); err != nil {
		return err
	}
	if e.Key == "" || e.Key == "." || e.Key == ".." || filepath.Base(e.Key) != e.Key {
		return fmt.Errorf("invalid runtime root key %q", e.Key)
	}
	dir := filepath.Join(s.Dir, e.Key, e.ID)
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("remove %s: %w", dir, err)
	}
	return nil
}

// RootKey is the name of a runtime root's directory in a store, as in Entry.Key.
func RootKey(root string) string { return rootKey(root) }

// count is the number of container directories in the store, an upper bound of the
// records (the new container's own may be among them).
func (s Store) count() (int, error) {
	keys, err := os.ReadDir(s.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n := 0
	for _, k := range keys {
		if !k.IsDir() {
			continue
		}
		ids, err := subdirs(filepath.Join(s.Dir, k.Name()))
		if err != nil {
			return 0, err
		}
		n += ids
	}
	return n, nil
}

// subdirs is the number of directories in dir. Every contracted create counts the
// store, and reading a directory of thousands of records costs it a millisecond: on
// the file systems a run directory lives on (tmpfs, ext4, xfs) a directory's link
// count is two plus its subdirectories, which one stat gives. A count of two or less
// is read from the directory itself: btrfs and overlayfs always say one, ext4 does
// past 65,000 subdirectories, and an empty directory costs nothing to read.
func subdirs(dir string) (int, error) {
	var st unix.Stat_t
	if err := unix.Lstat(dir, &st); err != nil {
		return 0, &fs.PathError{Op: "lstat", Path: dir, Err: err}
	}
	if st.Nlink > 2 {
		return int(st.Nlink) - 2, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		if e.IsDir() {
			n++
		}
	}
	return n, nil
}
