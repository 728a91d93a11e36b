package initdir

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/oshim/oshim/internal/initproc"
)

// fifoDir returns a directory holding an empty result FIFO.
func fifoDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := unix.Mkfifo(ResultPath(dir), 0o622); err != nil {
		t.Fatal(err)
	}
	return dir
}

// send writes msg the way the init does: a non-blocking open, one write.
func send(t *testing.T, dir, msg string) {
	t.Helper()
	fd, err := unix.Open(ResultPath(dir), unix.O_WRONLY|unix.O_NONBLOCK, 0)
	if err != nil {
		t.Fatalf("open the FIFO as the init does: %v", err)
	}
	defer unix.Close(fd)
	if _, err := unix.Write(fd, []byte(msg)); err != nil {
		t.Fatal(err)
	}
}

func TestCollector(t *testing.T) {
	tests := []struct {
		description string
		msg         string // "" sends nothing
		wantOK      bool
		wantErr     string
	}{
		{description: "a success", msg: `{"ok":true,"probe":"ok","state":{"eff":"100","prm":"100","inh":"0","bnd":"0","amb":"0"}}`, wantOK: true},
		{description: "a refusal", msg: `{"ok":false,"step":"probe","message":"denied","probe":"denied","state":{"eff":"0","prm":"0","inh":"0","bnd":"0","amb":"0"}}`},
		{description: "nothing within the deadline", wantErr: "sent no result"},
		{description: "garbage", msg: `{"ok":`, wantErr: "decode init result"},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			dir := fifoDir(t)
			c, err := OpenCollector(dir)
			if err != nil {
				t.Fatal(err)
			}
			if tc.msg != "" {
				send(t, dir, tc.msg)
			}
			res, err := c.Read(time.Now().Add(200*time.Millisecond), -1)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Read error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if res.OK != tc.wantOK {
				t.Fatalf("Read = %+v, want ok=%t", res, tc.wantOK)
			}
		})
	}
}

// exitedPipe returns a pipe's two ends, for a stand-in of the runtime's pidfd: the
// read end polls readable once something is written to the other.
func exitedPipe(t *testing.T) (r, w int) {
	t.Helper()
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(p[0]); unix.Close(p[1]) })
	return p[0], p[1]
}

// The init's end ends a wait for the report: it opens the FIFO first and holds it, so
// whatever kills it before it reports closes the FIFO's last write end. A FIFO that
// never had a writer does not end a wait: the init may not have started yet.
func TestCollectorInitEnded(t *testing.T) {
	dir := fifoDir(t)
	c, err := OpenCollector(dir)
	if err != nil {
		t.Fatal(err)
	}
	done := readAsync(c, time.Now().Add(time.Hour), -1)
	stillWaiting(t, done, "before the init opened the FIFO")
	fd, err := unix.Open(ResultPath(dir), unix.O_WRONLY|unix.O_NONBLOCK, 0)
	if err != nil {
		t.Fatalf("open the FIFO as the init does: %v", err)
	}
	stillWaiting(t, done, "while the init held the FIFO")
	unix.Close(fd)
	endsWithoutResult(t, done, "the init closed the FIFO unreported")
}

// readAsync starts c.Read with deadline and returns where its error arrives.
func readAsync(c *Collector, deadline time.Time, exited int) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := c.Read(deadline, exited)
		done <- err
	}()
	return done
}

// stillWaiting fails if the Read behind done returns within 50 ms; when says what
// has not happened yet.
func stillWaiting(t *testing.T, done <-chan error, when string) {
	t.Helper()
	select {
	case err := <-done:
		t.Fatalf("Read returned (%v) %s", err, when)
	case <-time.After(50 * time.Millisecond):
	}
}

// endsWithoutResult fails unless the Read behind done soon ends with no result, once
// what happened.
func endsWithoutResult(t *testing.T, done <-chan error, what string) {
	t.Helper()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "sent no result") {
			t.Fatalf("Read = %v, want no result", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("Read still waits after %s", what)
	}
}

// The runtime's exit ends a wait for the report: a container that exits, or never
// starts, sends none.
func TestCollectorExited(t *testing.T) {
	c, err := OpenCollector(fifoDir(t))
	if err != nil {
		t.Fatal(err)
	}
	exited, w := exitedPipe(t)
	done := readAsync(c, time.Now().Add(time.Hour), exited)
	stillWaiting(t, done, "before the runtime exited")
	unix.Write(w, []byte{1})
	endsWithoutResult(t, done, "the runtime exited")
	// The descriptor is the caller's: Read leaves it open.
	if _, err := unix.FcntlInt(uintptr(exited), unix.F_GETFD, 0); err != nil {
		t.Fatalf("Read closed the caller's descriptor: %v", err)
	}
}

// inheritedResult opens the result FIFO of dir as the hook's collector gets it: opened
// by OpenResult, and inherited in blocking mode (os/exec hands it on so).
func inheritedResult(t *testing.T, dir string) int {
	t.Helper()
	fd, err := OpenResult(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.SetNonblock(fd, false); err != nil {
		t.Fatal(err)
	}
	return fd
}

func TestNewCollector(t *testing.T) {
	dir := fifoDir(t)
	c, err := NewCollector(inheritedResult(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	send(t, dir, `{"ok":true,"probe":"skipped","state":{"eff":"0","prm":"0","inh":"0","bnd":"0","amb":"0"}}`)
	res, err := c.Read(time.Now().Add(5*time.Second), -1)
	if err != nil || !res.OK {
		t.Fatalf("Read = %+v, %v", res, err)
	}
}

// A FIFO inherited in blocking mode must not hold a wait past its deadline: while the
// init holds the FIFO and says nothing, reading it would block for ever.
func TestNewCollectorBlockingFIFOTimesOut(t *testing.T) {
	dir := fifoDir(t)
	fd := inheritedResult(t, dir)
	w, err := unix.Open(ResultPath(dir), unix.O_WRONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(w)
	c, err := NewCollector(fd)
	if err != nil {
		t.Fatal(err)
	}
	endsWithoutResult(t, readAsync(c, time.Now().Add(100*time.Millisecond), -1), "its deadline")
}

// A report sent before the runtime exited counts, though both are there when the wait
// starts.
func TestCollectorReportAndExit(t *testing.T) {
	dir := fifoDir(t)
	c, err := OpenCollector(dir)
	if err != nil {
		t.Fatal(err)
	}
	send(t, dir, `{"ok":true,"probe":"ok","state":{"eff":"100","prm":"100","inh":"0","bnd":"0","amb":"0"}}`)
	exited, w := exitedPipe(t)
	unix.Write(w, []byte{1})
	start := time.Now()
	res, err := c.Read(time.Now().Add(time.Hour), exited)
	if err != nil || !res.OK {
		t.Fatalf("Read = %+v, %v, want the report that was in the FIFO", res, err)
	}
	if time.Since(start) > time.Minute {
		t.Fatal("Read waited for its deadline after the runtime exited")
	}
}

func TestOpenCollectorWithoutFIFO(t *testing.T) {
	if _, err := OpenCollector(filepath.Join(t.TempDir(), "none")); err == nil {
		t.Fatal("OpenCollector of a missing FIFO succeeded")
	}
}

func TestMeasured(t *testing.T) {
	ok, err := initproc.DecodeResult([]byte(`{"ok":true,"probe":"ok","noNewPrivs":true,"seccomp":2,"state":{"eff":"100","prm":"100","inh":"0","bnd":"0","amb":"0"}}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		description string
		res         *initproc.Result
		readErr     error
		wantOK      bool
		wantSummary string
		wantState   map[string][]string
	}{
		{
			description: "a result", res: ok, wantOK: true,
			wantSummary: "ok: bnd=none caps=CAP_SETPCAP amb=none probe=ok",
			wantState:   map[string][]string{"bounding": {}, "effective": {"CAP_SETPCAP"}, "permitted": {"CAP_SETPCAP"}, "inheritable": {}, "ambient": {}},
		},
		{description: "no result", readErr: errors.New("oshim-init sent no result"), wantSummary: "unknown: oshim-init sent no result"},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			m := Measured(tc.res, tc.readErr)
			if m.OK != tc.wantOK || m.Summary != tc.wantSummary || m.Received.IsZero() {
				t.Fatalf("Measured = %+v, want ok=%t summary %q", m, tc.wantOK, tc.wantSummary)
			}
			if tc.wantState != nil && !reflect.DeepEqual(normalize(m.State), normalize(tc.wantState)) {
				t.Fatalf("state = %v, want %v", m.State, tc.wantState)
			}
		})
	}
}

// normalize treats nil and empty lists alike.
func normalize(m map[string][]string) map[string][]string {
	out := map[string][]string{}
	for k, v := range m {
		if len(v) == 0 {
			v = nil
		}
		out[k] = v
	}
	return out
}

// A report already in the FIFO when the deadline passes still counts: the container
// exited right after its init reported, and the deadline passed before the wait
// began.
func TestCollectorReportBeforeDeadline(t *testing.T) {
	dir := fifoDir(t)
	c, err := OpenCollector(dir)
	if err != nil {
		t.Fatal(err)
	}
	send(t, dir, `{"ok":true,"probe":"ok","state":{"eff":"0","prm":"0","inh":"0","bnd":"0","amb":"0"}}`)
	res, err := c.Read(time.Now().Add(-time.Second), -1)
	if err != nil || !res.OK {
		t.Fatalf("Read = %+v, %v; want the report that was in the FIFO", res, err)
	}
}
