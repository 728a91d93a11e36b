package records

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestMark(t *testing.T) {
	s := Store{Dir: filepath.Join(t.TempDir(), "run")}
	for i, id := range []string{"a", "b", "a"} {
		n, err := s.Mark("/run/crun", id)
		if err != nil {
			t.Fatal(err)
		}
		if want := min(i+1, 2); n != want {
			t.Errorf("mark %s: %d marks, want %d", id, n, want)
		}
	}
	if !s.Marked("/run/crun", "a") || !s.Marked("/run/crun", "b") {
		t.Error("a mark is not read back")
	}
	if s.Marked("/run/runc", "a") || s.Marked("", "a") {
		t.Error("a mark reads under another runtime root")
	}
	// A mark is no container directory: the records' listing and cap never see one.
	if entries, err := s.List(); err != nil || len(entries) != 0 {
		t.Errorf("List = %v, %v; want nothing", entries, err)
	}
	if err := s.Remove("/run/crun", "a"); err != nil {
		t.Fatal(err)
	}
	if s.Marked("/run/crun", "a") {
		t.Error("Remove left the mark")
	}
}

// TestMarkNeverBesideARecord: an exec session is let through on a mark alone, so a
// mark must never exist for an id that has a record: a record's save takes the mark
// away, and a container directory keeps one from being made.
func TestMarkNeverBesideARecord(t *testing.T) {
	s := Store{Dir: filepath.Join(t.TempDir(), "run")}
	if _, err := s.Mark("", "c1"); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(&Container{ID: "c1", Runtime: testRuntime}); err != nil {
		t.Fatal(err)
	}
	if s.Marked("", "c1") {
		t.Error("the mark of an earlier uncontracted container survived the record's save")
	}
	if n, err := s.Mark("", "c1"); err != nil || n != 0 || s.Marked("", "c1") {
		t.Errorf("Mark beside a record: %d marks, %v, marked %v; want none made", n, err, s.Marked("", "c1"))
	}
	// A directory left by a contracted create that failed half-way counts too.
	dir, err := s.ContainerDir("", "c2")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "init"), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Mark("", "c2"); err != nil || s.Marked("", "c2") {
		t.Errorf("Mark beside a container directory: %v, marked %v", err, s.Marked("", "c2"))
	}
}

// TestMarkedReadsNothingElse: only a mark oshim made reads as one; anything else at
// its place, or an id no record can have, makes the exec ask the runtime.
func TestMarkedReadsNothingElse(t *testing.T) {
	s := Store{Dir: filepath.Join(t.TempDir(), "run")}
	if _, err := s.Mark("", "c0"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.markPath("", "file"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(s.markPath("", "c0"), s.markPath("", "link")); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"file", "link", "missing", "..", "a/b", ""} {
		if s.Marked("", id) {
			t.Errorf("Marked(%q) = true", id)
		}
	}
	for _, id := range []string{"..", "a/b", ""} {
		if n, err := s.Mark("", id); err != nil || n != 0 {
			t.Errorf("Mark(%q) = %d, %v; want nothing done", id, n, err)
		}
	}
	if _, err := os.Lstat(filepath.Join(s.Dir, rootKey(""), markDir, "a")); err == nil {
		t.Error(`Mark("a/b") made a directory`)
	}
}

func TestPruneMarks(t *testing.T) {
	now := time.Now()
	s := Store{Dir: filepath.Join(t.TempDir(), "run")}
	// Ten marks, m0 the oldest: the even ones' containers are alive, m9 is young.
	for i := range 10 {
		id := fmt.Sprintf("m%d", i)
		if _, err := s.Mark("/r", id); err != nil {
			t.Fatal(err)
		}
		when := now.Add(-time.Hour + time.Duration(i)*time.Minute)
		if i == 9 {
			when = now.Add(-RecordGrace / 2)
		}
		if err := os.Chtimes(s.markPath("/r", id), when, when); err != nil {
			t.Fatal(err)
		}
	}
	known := func(root string) (map[string]bool, error) {
		if root != "/r" {
			t.Errorf("runtime asked about root %q", root)
		}
		return map[string]bool{"m0": true, "m2": true, "m4": true, "m6": true, "m8": true}, nil
	}
	if n, err := s.PruneMarks(10, "/r", now, known); err != nil || n != 0 {
		t.Fatalf("under the cap: removed %d, %v", n, err)
	}
	// Over a cap of 8: down to 7, the oldest of the gone containers first.
	n, err := s.PruneMarks(8, "/r", now, known)
	if err != nil || n != 3 {
		t.Fatalf("removed %d, %v; want 3", n, err)
	}
	var left []string
	for i := range 10 {
		if id := fmt.Sprintf("m%d", i); s.Marked("/r", id) {
			left = append(left, id)
		}
	}
	if want := []string{"m0", "m2", "m4", "m6", "m7", "m8", "m9"}; !slices.Equal(left, want) {
		t.Errorf("marks left %v, want %v", left, want)
	}
	// Only young marks and live containers left over the cap: nothing more goes.
	if n, err := s.PruneMarks(2, "/r", now, known); err != nil || n != 1 {
		t.Errorf("removed %d, %v; want only m7", n, err)
	}
	// That prune stayed over the cap: the creates of the next RecordGrace do not look
	// again, even where they would now find marks to remove.
	asked := 0
	allGone := func(string) (map[string]bool, error) { asked++; return map[string]bool{}, nil }
	if n, err := s.PruneMarks(2, "/r", now.Add(RecordGrace-time.Second), allGone); err != nil || n != 0 || asked != 0 {
		t.Errorf("within RecordGrace of a prune that stayed over: removed %d, %v, runtime asked %d times; want nothing done", n, err, asked)
	}
	later := now.Add(RecordGrace)
	cannotTell := func(string) (map[string]bool, error) { return nil, fmt.Errorf("runtime list failed") }
	if n, err := s.PruneMarks(1, "/r", later, cannotTell); err == nil || n != 0 {
		t.Errorf("runtime cannot tell: removed %d, %v; want nothing and the error", n, err)
	}
	// A RecordGrace later the marks of the gone containers go, down to the cap, and
	// with them the stamp.
	if n, err := s.PruneMarks(2, "/r", later.Add(RecordGrace), allGone); err != nil || n != 4 || asked != 1 {
		t.Errorf("a RecordGrace after: removed %d, %v, runtime asked %d times; want 4 removed after one question", n, err, asked)
	}
	if _, err := os.Lstat(filepath.Join(s.Dir, rootKey("/r"), OverCapStamp)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the stamp outlived a prune that got under the cap: %v", err)
	}
}
