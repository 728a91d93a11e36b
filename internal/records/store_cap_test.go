package records

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// capFixture is one record in a test store: its container is alive or not, and it was
// created age ago.
type capFixture struct {
	id    string
	root  string
	age   time.Duration
	alive bool
	// orphan leaves the directory without a record; corrupt writes an unreadable one.
	orphan, corrupt bool
}

const testRuntime = "/usr/bin/crun"

func makeStore(t *testing.T, now time.Time, fx []capFixture) Store {
	t.Helper()
	s := Store{Dir: filepath.Join(t.TempDir(), "run")}
	for _, f := range fx {
		dir, err := s.ContainerDir(f.root, f.id)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case f.orphan:
			if err := os.MkdirAll(filepath.Join(dir, "init"), 0o700); err != nil {
				t.Fatal(err)
			}
		case f.corrupt:
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, recordFile), []byte("{"), 0o600); err != nil {
				t.Fatal(err)
			}
		default:
			if err := s.Save(&Container{ID: f.id, Root: f.root, Runtime: testRuntime, Created: now.Add(-f.age)}); err != nil {
				t.Fatal(err)
			}
		}
		when := now.Add(-f.age)
		for _, p := range []string{dir, filepath.Join(dir, recordFile)} {
			if err := os.Chtimes(p, when, when); err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Fatal(err)
			}
		}
	}
	return s
}

// knownFrom answers like a runtime that knows the alive fixtures.
func knownFrom(fx []capFixture, calls *int) KnownFunc {
	return func(root string) (map[string]bool, error) {
		*calls++
		ids := map[string]bool{}
		for _, f := range fx {
			if f.alive && f.root == root {
				ids[f.id] = true
			}
		}
		return ids, nil
	}
}

func ids(entries []Entry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.ID)
	}
	return out
}

func TestStoreCap(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	old := time.Hour
	tests := []struct {
		name        string
		max         int
		fixtures    []capFixture
		newID       string
		wantRemoved []string
		wantOver    int
		wantCalls   int
	}{
		{
			name: "under the cap nothing is checked", max: 3, newID: "new",
			fixtures: []capFixture{{id: "a", age: old}, {id: "b", age: old}},
		},
		{
			name: "the oldest gone record goes first", max: 3, newID: "new",
			fixtures:    []capFixture{{id: "b", age: 2 * old}, {id: "a", age: 3 * old}, {id: "c", age: old}},
			wantRemoved: []string{"a"}, wantCalls: 1,
		},
		{
			name: "live containers keep their records", max: 3, newID: "new",
			fixtures:    []capFixture{{id: "a", age: 3 * old, alive: true}, {id: "b", age: 2 * old}, {id: "c", age: old, alive: true}},
			wantRemoved: []string{"b"}, wantCalls: 1,
		},
		{
			name: "only live containers: over the cap, nothing removed", max: 2, newID: "new",
			fixtures: []capFixture{{id: "a", age: old, alive: true}, {id: "b", age: old, alive: true}},
			wantOver: 1, wantCalls: 1,
		},
		{
			name: "young records are never judged", max: 2, newID: "new",
			fixtures: []capFixture{{id: "a", age: 10 * time.Second}, {id: "b", age: 20 * time.Second}},
			wantOver: 1,
		},
		{
			name: "orphaned directories go before records", max: 3, newID: "new",
			fixtures:    []capFixture{{id: "a", age: 3 * old}, {id: "o", age: old, orphan: true}, {id: "b", age: 2 * old}},
			wantRemoved: []string{"o"},
		},
		{
			name: "unreadable records stay", max: 2, newID: "new",
			fixtures:    []capFixture{{id: "x", age: 3 * old, corrupt: true}, {id: "a", age: old}},
			wantRemoved: []string{"a"}, wantCalls: 1,
		},
		{
			name: "the new container's own directory is not counted", max: 2, newID: "a",
			fixtures: []capFixture{{id: "a", age: old, orphan: true}, {id: "b", age: old}},
		},
		{
			name: "the same id in another root counts, and is judged in its root", max: 2, newID: "a",
			fixtures:    []capFixture{{id: "a", age: 2 * old, root: "/run/other"}, {id: "b", age: old, alive: true}},
			wantRemoved: []string{"a"}, wantCalls: 1,
		},
		{
			name: "pruning goes down to an eighth below the cap", max: 8, newID: "new",
			fixtures: []capFixture{
				{id: "a1", age: 9 * old}, {id: "a2", age: 8 * old}, {id: "a3", age: 7 * old}, {id: "a4", age: 6 * old},
				{id: "a5", age: 5 * old}, {id: "a6", age: 4 * old}, {id: "a7", age: 3 * old}, {id: "a8", age: 2 * old},
			},
			wantRemoved: []string{"a1", "a2"}, wantCalls: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := makeStore(t, now, tt.fixtures)
			calls := 0
			res, err := s.Cap(tt.max, "", tt.newID, now, knownFrom(tt.fixtures, &calls))
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(res.Removed); !slices.Equal(got, tt.wantRemoved) {
				t.Errorf("removed %v, want %v", got, tt.wantRemoved)
			}
			if res.Over != tt.wantOver {
				t.Errorf("over %d, want %d", res.Over, tt.wantOver)
			}
			if calls != tt.wantCalls {
				t.Errorf("%d runtime list calls, want %d (one per runtime root that had to be judged)", calls, tt.wantCalls)
			}
			left, err := s.List()
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range res.Removed {
				if slices.ContainsFunc(left, func(l Entry) bool { return l.Key == e.Key && l.ID == e.ID }) {
					t.Errorf("%s is still in the store", e.ID)
				}
			}
			if want := len(tt.fixtures) - len(tt.wantRemoved); len(left) != want {
				t.Errorf("%d entries left, want %d", len(left), want)
			}
		})
	}
}

// A Cap that stays over the cap spares the creates of the next RecordGrace another
// look; a stamp from the future (a clock set back) spares nothing.
func TestStoreCapWaitsAfterStayingOver(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	fx := []capFixture{{id: "a", age: 2 * time.Hour, alive: true}, {id: "b", age: time.Hour, alive: true}}
	s := makeStore(t, now, fx)
	calls := 0
	alive := knownFrom(fx, &calls)
	gone := func(string) (map[string]bool, error) { calls++; return map[string]bool{}, nil }
	stamp := filepath.Join(s.Dir, OverCapStamp)
	if ValidateID(OverCapStamp) == nil {
		t.Fatalf("%q is a valid container id: a container's directory could take the stamp's place", OverCapStamp)
	}
	steps := []struct {
		name        string
		at          time.Time
		known       KnownFunc
		wantRemoved []string
		wantOver    int
		wantCalls   int
		wantStamp   bool
	}{
		{name: "only live containers", at: now, known: alive, wantOver: 1, wantCalls: 1, wantStamp: true},
		{name: "within RecordGrace", at: now.Add(RecordGrace - time.Second), known: gone, wantOver: 1, wantCalls: 1, wantStamp: true},
		{name: "a clock set back", at: now.Add(-time.Hour), known: alive, wantOver: 1, wantCalls: 2, wantStamp: true},
		{name: "a RecordGrace after", at: now.Add(RecordGrace), known: gone, wantRemoved: []string{"a"}, wantCalls: 3},
	}
	for _, st := range steps {
		res, err := s.Cap(2, "", "new", st.at, st.known)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := ids(res.Removed); !slices.Equal(got, st.wantRemoved) || res.Over != st.wantOver || calls != st.wantCalls {
			t.Errorf("%s: removed %v, over %d, %d runtime list calls; want %v, %d, %d", st.name, got, res.Over, calls, st.wantRemoved, st.wantOver, st.wantCalls)
		}
		if _, err := os.Lstat(stamp); (err == nil) != st.wantStamp {
			t.Errorf("%s: stamp %v, want it there: %t", st.name, err, st.wantStamp)
		}
	}
}

func TestStoreCapRuntimeCannotTell(t *testing.T) {
	now := time.Now()
	fx := []capFixture{{id: "a", age: time.Hour}, {id: "b", age: time.Hour}}
	s := makeStore(t, now, fx)
	res, err := s.Cap(1, "", "new", now, func(string) (map[string]bool, error) {
		return nil, errors.New("runtime gone")
	})
	if err == nil || len(res.Removed) != 0 || res.Over != 2 {
		t.Fatalf("Cap = %+v, %v; want nothing removed, 2 over, and the runtime's error", res, err)
	}
}

func TestStoreListOfAMissingStore(t *testing.T) {
	entries, err := Store{Dir: filepath.Join(t.TempDir(), "absent")}.List()
	if err != nil || len(entries) != 0 {
		t.Fatalf("List = %v, %v; want nothing", entries, err)
	}
}

func TestStoreListOrderAndErrors(t *testing.T) {
	now := time.Now()
	s := makeStore(t, now, []capFixture{
		{id: "new", age: time.Minute}, {id: "old", age: time.Hour}, {id: "bad", age: 2 * time.Hour, corrupt: true},
		{id: "orphan", age: 30 * time.Minute, orphan: true},
	})
	// Not a container directory: ignored.
	if err := os.WriteFile(filepath.Join(s.Dir, "stray"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	entries, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(entries); !slices.Equal(got, []string{"bad", "old", "orphan", "new"}) {
		t.Fatalf("order %v, want oldest first", got)
	}
	for _, e := range entries {
		switch e.ID {
		case "bad":
			if e.Record != nil || e.Err == nil || errors.Is(e.Err, os.ErrNotExist) {
				t.Errorf("corrupt record: %+v", e)
			}
		case "orphan":
			if e.Record != nil || !errors.Is(e.Err, os.ErrNotExist) {
				t.Errorf("orphan: %+v", e)
			}
		default:
			if e.Record == nil || e.Err != nil || e.Key != RootKey("") {
				t.Errorf("record %s: %+v", e.ID, e)
			}
		}
	}
}

// TestCount: the count that decides whether Cap reads any record is the number of
// container directories under every runtime root, whatever else the directories hold.
func TestCount(t *testing.T) {
	for _, tc := range []struct {
		name  string
		dirs  map[string]int // runtime root key: container directories
		files int            // plain files beside them in each root's directory
		want  int
	}{
		{name: "no store", want: 0},
		{name: "an empty root", dirs: map[string]int{"default": 0}, want: 0},
		{name: "one container", dirs: map[string]int{"default": 1}, want: 1},
		{name: "files are not containers", dirs: map[string]int{"default": 0}, files: 3, want: 0},
		{name: "several roots", dirs: map[string]int{"default": 3, "k1": 40, "k2": 1}, files: 2, want: 44},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Store{Dir: filepath.Join(t.TempDir(), "oshim")}
			for key, n := range tc.dirs {
				for i := 0; i < n; i++ {
					if err := os.MkdirAll(filepath.Join(s.Dir, key, fmt.Sprintf("c%d", i), "init"), 0o700); err != nil {
						t.Fatal(err)
					}
				}
				if err := os.MkdirAll(filepath.Join(s.Dir, key), 0o700); err != nil {
					t.Fatal(err)
				}
				for i := 0; i < tc.files; i++ {
					if err := os.WriteFile(filepath.Join(s.Dir, key, fmt.Sprintf("f%d", i)), nil, 0o600); err != nil {
						t.Fatal(err)
					}
				}
			}
			if got, err := s.count(); err != nil || got != tc.want {
				t.Errorf("count = %d, %v; want %d", got, err, tc.want)
			}
		})
	}
}
