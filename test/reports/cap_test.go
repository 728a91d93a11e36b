package reports

import (
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
			oshim := harness.Oshim(t)
			live := capdumpBundle(t, rt, "-hold")
			s := newSetup(t, live, "max_records = 2", contract("capped", `bounding = "clear"`))
			store := records.Store{Dir: s.runDir}
			c := harness.Start(t, s.env, oshim, live)
			c.WaitOutput(t, "\n")

			for i := range 3 {
				// Records younger than records.RecordGrace are never pruned: their
				// containers may be being created. Age them instead of waiting.
				age(t, store, 2*records.RecordGrace)
				b := capdumpBundle(t, rt)
				harness.RunOK(t, s.env, b.Argv(oshim, "run", "--bundle", b.Dir, b.ID)...)
				var left []string
				for _, e := range mustList(t, store) {
					left = append(left, e.ID)
				}
				slices.Sort(left)
				want := []string{live.ID, b.ID}
				slices.Sort(want)
				if !slices.Equal(left, want) {
					t.Fatalf("after run %d: records %v, want %v (the live container's and the newest)", i+1, left, want)
				}
			}
			if rec := record(t, s, live, live.ID); rec.Result == nil || !rec.Result.OK {
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
			oshim := harness.Oshim(t)
			live := capdumpBundle(t, rt, "-hold")
			s := newSetup(t, live, "max_records = 1", contract("capped", `bounding = "clear"`))
			store := records.Store{Dir: s.runDir}
			stamp := filepath.Join(s.runDir, records.OverCapStamp)
			c := harness.Start(t, s.env, oshim, live)
			c.WaitOutput(t, "\n")

			run := func() string {
				age(t, store, 2*records.RecordGrace)
				b := capdumpBundle(t, rt)
				harness.RunOK(t, s.env, b.Argv(oshim, "run", "--bundle", b.Dir, b.ID)...)
				return b.ID
			}
			wantRecords := func(when string, want ...string) {
				t.Helper()
				var left []string
				for _, e := range mustList(t, store) {
					left = append(left, e.ID)
				}
				slices.Sort(left)
				slices.Sort(want)
				if !slices.Equal(left, want) {
					t.Fatalf("%s: records %v, want %v", when, left, want)
				}
			}
			// The live container's record fills the cap: the first run prunes nothing
			// and leaves the stamp.
			first := run()
			wantRecords("after the first run", live.ID, first)
			if _, err := os.Stat(stamp); err != nil {
				t.Fatalf("no stamp after a create that stayed over the cap: %v", err)
			}
			// The first run's container is gone and its record old, but the second
			// create comes within the minute: nothing is pruned.
			second := run()
			wantRecords("after a second run within the minute", live.ID, first, second)
			// A minute later the gone containers' records go; the live one's stays.
			old := time.Now().Add(-2 * records.RecordGrace)
			if err := os.Chtimes(stamp, old, old); err != nil {
				t.Fatal(err)
			}
			third := run()
			wantRecords("after a run a minute later", live.ID, third)
		})
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
