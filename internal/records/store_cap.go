package records

import (
	"errors"
	"io/fs"
	"time"
)

// DefaultMaxRecords is the cap on per-container records when the config sets none
// (max_records). A record is a few KiB.
const DefaultMaxRecords = 4096

// RecordGrace protects young records from pruning: the wrapper writes a container's
// record before it calls the runtime's create, so for a moment the runtime does not
// know a container that is about to exist.
const RecordGrace = time.Minute

// KnownFunc returns the ids of the containers the configured runtime knows in root
// ("" for the runtime's default root). An error means it cannot tell, and then no
// record of that root is pruned. It is always the runtime oshim runs now, never one a
// record names: a path read from a file is never executed.
type KnownFunc func(root string) (map[string]bool, error)

// Pruned is what Cap removed, and how many records it left over the cap because their
// containers are alive, too young to judge, or unreadable.
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
// enough. The error joins every failure; what could be removed is removed anyway.
func (s Store) Cap(max int, root, id string, now time.Time, known KnownFunc) (Pruned, error) {
	var res Pruned
	// The common case, well under the cap, must cost a directory read, not a read of
	// every record: Cap runs on every contracted create.
	if n, err := s.count(); err == nil && n+1 <= max {
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
	return res, errors.Join(errs...)
}
