package records

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// DefaultMaxRecords is the cap on per-container records when the config sets none
// (max_records). A record is a few KiB.
const DefaultMaxRecords = 4096

// RecordGrace protects young records from pruning: the wrapper writes a container's
// record before it calls the runtime's create, so for a moment the runtime does not
// know a container that is about to exist.
const RecordGrace = time.Minute

// OverCapStamp names the stamp a prune leaves when it cannot get under the cap: in the
// store's directory for records, in a runtime root's for its marks. No container id
// has its name, and neither List nor Cap reads a file as a container's directory.
const OverCapStamp = "@over-cap"

// KnownFunc returns the ids of the containers the configured runtime knows in root
// ("" for the runtime's default root). An error means it cannot tell, and then no
// record of that root is pruned. It is always the runtime oshim runs now, never one a
// record names: a path read from a file is never executed.
type KnownFunc func(root string) (map[string]bool, error)

// Pruned is what Cap removed, and how many records it left over the cap because their
// containers are alive, too young to judge, or unreadable (within a RecordGrace of a
// Cap that found so, how many the store's count puts over it).
type Pruned struct {
	Removed []Entry
	Over    int
}

// Cap makes room for the record of container id in runtime root. When the store
// would hold more than max records with it, Cap removes the oldest records whose
// container the runtime no longer knows, down to max less an eighth, so the next
// creates do not have to prune again. It never removes the record of a container the
// runtime knows (exec sessions of live containers are capped by it), a record younger
// than RecordGrace, an unreadable record, or the new container's own directory.
// Directories without a record, left by a failed create, go first once they are old
// enough. A Cap that leaves the store over max spares the creates of the next
// RecordGrace another look (recentlyOver): they report how far over it the store is by
// its count. The error joins every failure; what could be removed is removed anyway.
func (s Store) Cap(max int, root, id string, now time.Time, known KnownFunc) (Pruned, error) {
	var res Pruned
	// The common case, well under the cap, must cost a directory read, not a read of
	// every record: Cap runs on every contracted create.
	n, err := s.count()
	if err == nil && n+1 <= max {
		return res, nil
	}
	stamp := filepath.Join(s.Dir, OverCapStamp)
	if err == nil && recentlyOver(stamp, now) {
		res.Over = n + 1 - max
		return res, nil
	}
	entries, err := s.List()
	if err != nil {
		return res, err
	}
	own := rootKey(root)
	others := entries[:0]
	for _, e := range entries {
		if e.Key != own || e.ID != id {
			others = append(others, e)
		}
	}
	if len(others)+1 <= max {
		return res, nil
	}
	need := len(others) + 1 - (max - max/8)
	var errs []error
	lists := map[string]map[string]bool{}
	gone := func(c *Container) bool {
		group := rootKey(c.Root)
		ids, done := lists[group]
		if !done {
			var err error
			if ids, err = known(c.Root); err != nil {
				errs = append(errs, err)
				ids = nil
			}
			lists[group] = ids
		}
		// nil: the runtime could not tell, so the container may live.
		return ids != nil && !ids[c.ID]
	}
	// Orphaned directories first: no container can depend on a directory without a
	// record, and they may hold a whole init copy.
	for _, orphans := range []bool{true, false} {
		for _, e := range others {
			if need == 0 {
				break
			}
			if now.Sub(e.created()) < RecordGrace || (e.Record == nil) != orphans {
				continue
			}
			if orphans && !errors.Is(e.Err, fs.ErrNotExist) {
				continue
			}
			if !orphans && (e.Record.ID != e.ID || !gone(e.Record)) {
				continue
			}
			if err := s.removeEntry(e); err != nil {
				errs = append(errs, err)
				continue
			}
			res.Removed = append(res.Removed, e)
			need--
		}
	}
	if over := len(others) + 1 - len(res.Removed) - max; over > 0 {
		res.Over = over
	}
	errs = append(errs, stampOver(stamp, res.Over > 0, now))
	return res, errors.Join(errs...)
}

// recentlyOver says whether stamp holds the time of a prune, less than RecordGrace
// before now, that could not get under the cap: every record or mark over it belonged
// to a container the runtime knew, was too young to judge, or could not be read. The
// creates after such a prune do not prune again until then, as each would read every
// record (or mark) and list the runtime's containers only to find the same (a sixth of
// a second for 4096 records on tmpfs, before the runtime's list): what is over the
// cap becomes prunable when its container is gone without oshim's delete, or when it
// ages past RecordGrace, so the delay costs the cap at most the creates of that time.
// A stamp from the future, a clock set back, counts for nothing.
func recentlyOver(stamp string, now time.Time) bool {
	var st unix.Stat_t
	if unix.Lstat(stamp, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		return false
	}
	age := now.Sub(time.Unix(st.Mtim.Unix()))
	return age >= 0 && age < RecordGrace
}

// stampOver leaves stamp with the time now after a prune that stayed over the cap, and
// removes it after one that got under it.
func stampOver(stamp string, over bool, now time.Time) error {
	if !over {
		if err := os.Remove(stamp); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", stamp, err)
		}
		return nil
	}
	f, err := os.OpenFile(stamp, os.O_WRONLY|os.O_CREATE|unix.O_NOFOLLOW, 0o600)
	if err != nil {
		return fmt.Errorf("stamp %s: %w", stamp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("stamp %s: %w", stamp, err)
	}
	ts := unix.NsecToTimespec(now.UnixNano())
	if err := unix.UtimesNanoAt(unix.AT_FDCWD, stamp, []unix.Timespec{ts, ts}, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fmt.Errorf("stamp %s: %w", stamp, err)
	}
	return nil
}
