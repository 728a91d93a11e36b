package ocsf

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// ocsfSinkEvent is a distinct event per tag and number, told apart by its detail.
func ocsfSinkEvent(t testing.TB, tag string, n int) *Event {
	t.Helper()
	f := ocsfTestFindings()["repair"]
	f.Detail = fmt.Sprintf("%s-%d", tag, n)
	ev, err := Build(f, OshimProduct("test"))
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// ocsfReadLines returns the details of the events in a JSONL file, failing on any line
// that is not one whole JSON object. A missing file has no lines.
func ocsfReadLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		t.Fatalf("%s does not end with a newline", path)
	}
	var details []string
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var ev Event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("%s: line %q is not an event: %v", path, sc.Text(), err)
		}
		details = append(details, ev.StatusDetail)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return details
}

func TestOCSFSinkWritesLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "var", "log", "oshim", "ocsf.jsonl")
	s := Sink{Path: path}
	if err := s.Emit(ocsfSinkEvent(t, "a", 1), ocsfSinkEvent(t, "a", 2)); err != nil {
		t.Fatal(err)
	}
	if err := s.Emit(ocsfSinkEvent(t, "a", 3)); err != nil {
		t.Fatal(err)
	}
	if err := s.Emit(); err != nil {
		t.Fatal(err)
	}
	got := ocsfReadLines(t, path)
	if want := []string{"a-1", "a-2", "a-3"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("lines %v, want %v", got, want)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm()&^0o640 != 0 {
		t.Errorf("mode %v, want at most 0640", st.Mode().Perm())
	}
	if _, err := os.Stat(path + ".1"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("rotated file exists below the default cap: %v", err)
	}
}

func TestOCSFSinkRotates(t *testing.T) {
	one, err := ocsfSinkEvent(t, "r", 0).line()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		max     int64
		perFile int // most events a file holds
	}{
		{"three events per file", int64(len(one))*3 + 10, 3},
		{"cap below one event keeps one event per file", int64(len(one)) / 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ocsf.jsonl")
			s := Sink{Path: path, MaxBytes: tt.max}
			var all []string
			for i := range 10 {
				ev := ocsfSinkEvent(t, "r", i)
				all = append(all, ev.StatusDetail)
				if err := s.Emit(ev); err != nil {
					t.Fatal(err)
				}
				cur, old := ocsfReadLines(t, path), ocsfReadLines(t, path+".1")
				if len(cur) > tt.perFile || len(old) > tt.perFile {
					t.Fatalf("after %d events: %d lines and %d rotated, cap is %d per file", i+1, len(cur), len(old), tt.perFile)
				}
				// The newest events survive, in order, across the rotated file and the current one.
				kept := append(old, cur...)
				if want := all[len(all)-len(kept):]; strings.Join(kept, " ") != strings.Join(want, " ") {
					t.Fatalf("after %d events: kept %v, want the newest %v", i+1, kept, want)
				}
			}
			if len(ocsfReadLines(t, path+".1")) == 0 {
				t.Fatal("nothing was rotated")
			}
			if _, err := os.Stat(path + ".2"); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("a second rotated file exists: %v", err)
			}
		})
	}
}

func TestOCSFSinkRotatesWithinOneEmit(t *testing.T) {
	one, err := ocsfSinkEvent(t, "b", 0).line()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ocsf.jsonl")
	evs := []*Event{ocsfSinkEvent(t, "b", 1), ocsfSinkEvent(t, "b", 2), ocsfSinkEvent(t, "b", 3)}
	if err := (Sink{Path: path, MaxBytes: int64(len(one)) * 2}).Emit(evs...); err != nil {
		t.Fatal(err)
	}
	if old, cur := ocsfReadLines(t, path+".1"), ocsfReadLines(t, path); strings.Join(old, " ") != "b-1 b-2" || strings.Join(cur, " ") != "b-3" {
		t.Fatalf("rotated %v, current %v; want [b-1 b-2] and [b-3]", old, cur)
	}
}

func TestOCSFSinkConcurrentGoroutines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ocsf.jsonl")
	const writers, each = 8, 40
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			s := Sink{Path: path}
			for i := range each {
				if err := s.Emit(ocsfSinkEvent(t, "g"+strconv.Itoa(w), i)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	ocsfCheckAllOnce(t, ocsfReadLines(t, path), "g", writers, each)
}

// ocsfCheckAllOnce checks that every event tagN-i was written exactly once, and that
// each writer's events kept their order.
func ocsfCheckAllOnce(t *testing.T, lines []string, tag string, writers, each int) {
	t.Helper()
	next := map[string]int{}
	for _, l := range lines {
		w, i, ok := strings.Cut(l, "-")
		n, err := strconv.Atoi(i)
		if !ok || err != nil || !strings.HasPrefix(w, tag) || n != next[w] {
			t.Fatalf("line %q out of order or unknown (next of %s is %d)", l, w, next[w])
		}
		next[w]++
	}
	if len(lines) != writers*each || len(next) != writers {
		t.Fatalf("%d lines from %d writers, want %d from %d", len(lines), len(next), writers*each, writers)
	}
}

// Environment of a child process of TestOCSFSinkProcesses.
const (
	ocsfChildPath = "OSHIM_TEST_OCSF_PATH"
	ocsfChildMax  = "OSHIM_TEST_OCSF_MAX"
	ocsfChildTag  = "OSHIM_TEST_OCSF_TAG"
	ocsfChildN    = 60
)

// TestOCSFSinkProcesses runs several processes appending to one file at once, as oshim
// processes do when containers start together. When the test binary runs it as a
// child, it is the writer instead.
func TestOCSFSinkProcesses(t *testing.T) {
	if path := os.Getenv(ocsfChildPath); path != "" {
		limit, err := strconv.ParseInt(os.Getenv(ocsfChildMax), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		s := Sink{Path: path, MaxBytes: limit}
		for i := range ocsfChildN {
			if err := s.Emit(ocsfSinkEvent(t, os.Getenv(ocsfChildTag), i)); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	const procs = 6
	run := func(t *testing.T, path string, limit int64) {
		t.Helper()
		cmds := make([]*exec.Cmd, procs)
		for p := range procs {
			cmd := exec.Command(os.Args[0], "-test.run=^TestOCSFSinkProcesses$", "-test.count=1")
			cmd.Env = append(os.Environ(), ocsfChildPath+"="+path, ocsfChildMax+"="+strconv.FormatInt(limit, 10), ocsfChildTag+"=p"+strconv.Itoa(p))
			cmds[p] = cmd
		}
		var wg sync.WaitGroup
		out := make([][]byte, procs)
		errs := make([]error, procs)
		for p, cmd := range cmds {
			wg.Go(func() { out[p], errs[p] = cmd.CombinedOutput() })
		}
		wg.Wait()
		for p, err := range errs {
			if err != nil {
				t.Fatalf("writer %d: %v\n%s", p, err, out[p])
			}
		}
	}
	t.Run("every event lands whole and once", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "ocsf.jsonl")
		run(t, path, DefaultMaxBytes)
		ocsfCheckAllOnce(t, ocsfReadLines(t, path), "p", procs, ocsfChildN)
	})
	t.Run("rotation under contention leaves whole lines only", func(t *testing.T) {
		one, err := ocsfSinkEvent(t, "p0", 0).line()
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "ocsf.jsonl")
		limit := int64(len(one)) * 7
		run(t, path, limit)
		cur, old := ocsfReadLines(t, path), ocsfReadLines(t, path+".1")
		for _, f := range []string{path, path + ".1"} {
			st, err := os.Stat(f)
			if err != nil {
				t.Fatal(err)
			}
			if st.Size() > limit {
				t.Errorf("%s holds %d bytes, cap %d", f, st.Size(), limit)
			}
		}
		// The lock orders every write: a writer's events appear in the order it wrote
		// them, the rotated file's before the current one's.
		last := map[string]int{}
		for _, l := range append(old, cur...) {
			w, i, _ := strings.Cut(l, "-")
			n, err := strconv.Atoi(i)
			if prev, seen := last[w]; err != nil || (seen && n <= prev) {
				t.Fatalf("line %q after %s-%d", l, w, prev)
			}
			last[w] = n
		}
		if len(cur) == 0 || len(old) == 0 {
			t.Fatalf("%d current and %d rotated lines, want both files in use", len(cur), len(old))
		}
	})
}

func TestOCSFSinkRefusesASymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "elsewhere")
	if err := os.WriteFile(target, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "ocsf.jsonl")
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
	err := Sink{Path: path}.Emit(ocsfSinkEvent(t, "s", 1))
	if err == nil || !strings.Contains(err.Error(), "open "+path) {
		t.Fatalf("Emit through a symlink: %v, want an open error", err)
	}
	if b, _ := os.ReadFile(target); len(b) != 0 {
		t.Fatalf("the symlink's target got %q", b)
	}
}

func TestOCSFSinkRejectsANilEvent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ocsf.jsonl")
	err := Sink{Path: path}.Emit(ocsfSinkEvent(t, "n", 1), nil)
	if err == nil || !strings.Contains(err.Error(), "event 1 is nil") {
		t.Fatalf("Emit(event, nil) = %v", err)
	}
	if lines := ocsfReadLines(t, path); len(lines) != 0 {
		t.Fatalf("wrote %v before refusing", lines)
	}
}

func TestOCSFSinkSyslog(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "log.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	path := filepath.Join(t.TempDir(), "ocsf.jsonl")
	s := Sink{Path: path, Syslog: true, SyslogSocket: sock}
	findings := ocsfTestFindings()
	tests := []struct {
		name     string
		finding  string
		priority int // facility daemon (3) * 8 + level
	}{
		{"high finding at err", "denial under seccomp", 3*8 + 3},
		{"medium finding at warning", "skew under deny, non-root, two caps", 3*8 + 4},
		{"low change at notice", "repair", 3*8 + 5},
		{"informational change at info", "caps lent", 3*8 + 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := Build(findings[tt.finding], OshimProduct("1"))
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Emit(ev); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 1<<16)
			if err := conn.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
				t.Fatal(err)
			}
			n, err := conn.Read(buf)
			if err != nil {
				t.Fatal(err)
			}
			msg := string(buf[:n])
			if want := "<" + strconv.Itoa(tt.priority) + ">"; !strings.HasPrefix(msg, want) {
				t.Fatalf("message %q, want priority %s", msg, want)
			}
			_, body, ok := strings.Cut(msg, " oshim[")
			_, payload, ok2 := strings.Cut(body, "]: ")
			var got Event
			if !ok || !ok2 || json.Unmarshal([]byte(strings.TrimSuffix(payload, "\n")), &got) != nil || got.Metadata.UID != ev.Metadata.UID {
				t.Fatalf("message %q does not carry the event", msg)
			}
		})
	}
	if lines := ocsfReadLines(t, path); len(lines) != len(tests) {
		t.Fatalf("file has %d lines besides syslog, want %d", len(lines), len(tests))
	}
}

func TestOCSFSinkReportsEachFailure(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s := Sink{Path: filepath.Join(blocker, "ocsf.jsonl"), Syslog: true, SyslogSocket: filepath.Join(dir, "no.sock")}
	err := s.Emit(ocsfSinkEvent(t, "f", 1))
	if err == nil || !strings.Contains(err.Error(), "create directory of") || !strings.Contains(err.Error(), "connect to syslog") {
		t.Fatalf("Emit = %v, want both the file's and syslog's failure", err)
	}
}
