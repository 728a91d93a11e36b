package reports

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/oshim/oshim/internal/records"
	"github.com/oshim/oshim/test/harness"
)

// TestRecordCap: `run` leaves a record behind (the runtime deletes the container, not
// oshim), as a crash loop whose containers are removed behind oshim's back does. With
// max_records = 2, each new container prunes the oldest record whose container the
// runtime no longer knows, and never the record of a live container.
func TestRecordCap(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			c := startCapped(t, rt, 2)
			for i := range 3 {
				id := c.run(t)
				c.wantRecords(t, fmt.Sprintf("after run %d (the live container's and the newest)", i+1), c.live.ID, id)
			}
			if rec := record(t, c.setup, c.live, c.live.ID); rec.Result == nil || !rec.Result.OK {
				t.Errorf("the live container's record lost its result: %+v", rec.Result)
			}
		})
	}
}

// TestRecordCapWaitsWhileLiveContainersFillIt: with max_records = 1 and one live
// container, a create finds nothing to prune and stamps the run directory; the creates
// of the next minute do not read every record and list the runtime's containers again,
// so a record that turned prunable meanwhile stays until a create after that minute.
func TestRecordCapWaitsWhileLiveContainersFillIt(t *testing.T) {
	for _, rt := range runtimes {
		t.Run(rt, func(t *testing.T) {
			t.Parallel()
			c := startCapped(t, rt, 1)
			stamp := filepath.Join(c.runDir, records.OverCapStamp)
			// The live container's record fills the cap: the first run prunes nothing
			// and leaves the stamp.
			first := c.run(t)
			c.wantRecords(t, "after the first run", c.live.ID, first)
			if _, err := os.Stat(stamp); err != nil {
				t.Fatalf("no stamp after a create that stayed over the cap: %v", err)
			}
			// The first run's container is gone and its record old, but the second
			// create comes within the minute: nothing is pruned.
			second := c.run(t)
			c.wantRecords(t, "after a second run within the minute", c.live.ID, first, second)
			// A minute later the gone containers' records go; the live one's stays.
			old := time.Now().Add(-2 * records.RecordGrace)
			if err := os.Chtimes(stamp, old, old); err != nil {
				t.Fatal(err)
			}
			third := c.run(t)
			c.wantRecords(t, "after a run a minute later", c.live.ID, third)
		})
	}
}

// capped is a live container held under a contract that lends its init a capability,
// with max_records set, and what runs more containers beside it.
type capped struct {
	setup
	rt, oshim string
	live      *harness.Bundle
	store     records.Store
}

func startCapped(t *testing.T, rt string, maxRecords int) capped {
	t.Helper()
	oshim := harness.Oshim(t)
	live := capdumpBundle(t, rt, "-hold")
	s := newSetup(t, live, fmt.Sprintf("max_records = %d", maxRecords), contract("capped", `bounding = "clear"`))
	harness.Start(t, s.env, oshim, live).WaitOutput(t, "\n")
	return capped{setup: s, rt: rt, oshim: oshim, live: live, store: records.Store{Dir: s.runDir}}
}

// run ages every record past records.RecordGrace (younger ones are never pruned: their
// containers may be being created), then runs a container to its end through oshim,
// which leaves its record behind as the runtime deletes the container, and returns
// its id.
func (c capped) run(t *testing.T) string {
	t.Helper()
	age(t, c.store, 2*records.RecordGrace)
	b := capdumpBundle(t, c.rt)
	harness.RunOK(t, c.env, b.Argv(c.oshim, "run", "--bundle", b.Dir, b.ID)...)
	return b.ID
}

// wantRecords fails the test unless the store holds the records of ids and no others.
func (c capped) wantRecords(t *testing.T, when string, ids ...string) {
	t.Helper()
	var left []string
	for _, e := range mustList(t, c.store) {
		left = append(left, e.ID)
	}
	slices.Sort(left)
	slices.Sort(ids)
	if !slices.Equal(left, ids) {
		t.Fatalf("%s: records %v, want %v", when, left, ids)
	}
}

// age moves every record's creation back by d.
func age(t *testing.T, s records.Store, d time.Duration) {
	t.Helper()
	for _, e := range mustList(t, s) {
		if e.Record == nil {
			t.Fatalf("entry %s: %v", e.ID, e.Err)
		}
		e.Record.Created = e.Record.Created.Add(-d)
		if err := s.Save(e.Record); err != nil {
			t.Fatal(err)
		}
	}
}

func mustList(t *testing.T, s records.Store) []records.Entry {
	t.Helper()
	entries, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	return entries
}
