package records

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"golang.org/x/sys/unix"
)

// markDir holds, in a runtime root's directory, one empty directory per container that
// oshim created with no contract applied: its mark. Exec sessions of a container
// without a record are let through without asking the runtime for its state only when
// the container has a mark. The name is no container id, so List and Cap never take it
// for a container's directory.
const markDir = "@uncontracted"

// Mark records that oshim created container id in root without a contract, and
// returns how many marks root's directory holds. A container with a directory of its
// own (a record, or a contracted create that failed half-way) is not marked: its exec
// sessions are decided by its record, or refused for want of one. An id no record can
// have is not marked either.
func (s Store) Mark(root, id string) (int, error) {
	if ValidateID(id) != nil {
		return 0, nil
	}
	key := filepath.Join(s.Dir, rootKey(root))
	marks := filepath.Join(key, markDir)
	mark := filepath.Join(marks, id)
	// System calls with their errnos compared, not os and errors.Is: this is every
	// uncontracted create's path, and errors.Is would page in reflection for it.
	err := unix.Mkdir(mark, 0o700)
	if err == unix.ENOENT {
		if err = os.MkdirAll(marks, 0o700); err == nil {
			err = unix.Mkdir(mark, 0o700)
		}
	}
	if err != nil && err != unix.EEXIST {
		return 0, fmt.Errorf("mark %s: %w", mark, err)
	}
	// Checked after the mark is made, as Save makes the container's directory before
	// it removes the mark: however a contracted and an uncontracted create of one id
	// interleave, one of them sees the other and no mark outlives them beside a record.
	var st unix.Stat_t
	if dir := filepath.Join(key, id); unix.Lstat(dir, &st) != unix.ENOENT {
		return 0, unmark(mark)
	}
	n, err := subdirs(marks)
	if err != nil {
		return 0, fmt.Errorf("count the marks in %s: %w", marks, err)
	}
	return n, nil
}

// Marked says whether oshim created container id in root without a contract. Anything
// that is not a mark reads as none, so the caller asks the runtime instead.
func (s Store) Marked(root, id string) bool {
	if ValidateID(id) != nil {
		return false
	}
	var st unix.Stat_t
	return unix.Lstat(s.markPath(root, id), &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR
}

func (s Store) markPath(root, id string) string {
	return filepath.Join(s.Dir, rootKey(root), markDir, id)
}

// unmark removes a mark, if there is one. Every record's save and every delete asks.
func unmark(mark string) error {
	if err := unix.Rmdir(mark); err != nil && err != unix.ENOENT {
		return fmt.Errorf("remove the mark %s: %w", mark, err)
	}
	return nil
}

// PruneMarks removes, when root's directory holds more than max marks, the oldest
// marks of containers the runtime no longer knows, down to max less an eighth, as Cap
// does with records: marks are left by containers deleted without oshim. A mark younger
// than RecordGrace stays, as its container may be about to exist. A prune that leaves
// more than max marks spares the creates of the next RecordGrace another, as Cap's
// does. It returns how many it removed.
func (s Store) PruneMarks(max int, root string, now time.Time, known KnownFunc) (int, error) {
	stamp := filepath.Join(s.Dir, rootKey(root), OverCapStamp)
	if recentlyOver(stamp, now) {
		return 0, nil
	}
	marks := filepath.Join(s.Dir, rootKey(root), markDir)
	entries, err := os.ReadDir(marks)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", marks, err)
	}
	if len(entries) <= max {
		return 0, nil
	}
	ids, err := known(root)
	if err != nil {
		return 0, errors.Join(err, stampOver(stamp, true, now))
	}
	type mark struct {
		id  string
		mod time.Time
	}
	var old []mark
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !e.IsDir() || ids[e.Name()] || now.Sub(info.ModTime()) < RecordGrace {
			continue
		}
		old = append(old, mark{e.Name(), info.ModTime()})
	}
	sort.Slice(old, func(i, j int) bool { return old[i].mod.Before(old[j].mod) })
	need := len(entries) - (max - max/8)
	removed := 0
	var errs []error
	for _, m := range old {
		if removed == need {
			break
		}
		if err := unmark(filepath.Join(marks, m.id)); err != nil {
			errs = append(errs, err)
			continue
		}
		removed++
	}
	errs = append(errs, stampOver(stamp, len(entries)-removed > max, now))
	return removed, errors.Join(errs...)
}
