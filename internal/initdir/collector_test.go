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
			res, err := c.Read(time.Now().Add(200 * time.Millisecond))
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

func TestCollectorStopWaiting(t *testing.T) {
	c, err := OpenCollector(fifoDir(t))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := c.Read(time.Now().Add(time.Hour))
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	c.StopWaiting()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("Read returned a result from an empty FIFO")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Read still waits after StopWaiting")
	}
}

func TestNewCollector(t *testing.T) {
	dir := fifoDir(t)
	// As the hook's collector gets it: inherited, in blocking mode.
	fd, err := unix.Open(ResultPath(dir), unix.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCollector(fd)
	if err != nil {
		t.Fatal(err)
	}
	send(t, dir, `{"ok":true,"probe":"skipped","state":{"eff":"0","prm":"0","inh":"0","bnd":"0","amb":"0"}}`)
	res, err := c.Read(time.Now().Add(5 * time.Second))
	if err != nil || !res.OK {
		t.Fatalf("Read = %+v, %v", res, err)
	}
}

// A FIFO inherited in blocking mode must not hold a wait past its deadline: reading
// the empty FIFO would block for ever, as the collector is a writer of it too.
func TestNewCollectorBlockingFIFOTimesOut(t *testing.T) {
	fd, err := unix.Open(ResultPath(fifoDir(t)), unix.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCollector(fd)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := c.Read(time.Now().Add(100 * time.Millisecond))
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "sent no result") {
			t.Fatalf("Read = %v, want no result", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Read blocks past its deadline")
	}
}

func TestStopWaitingBeforeRead(t *testing.T) {
	dir := fifoDir(t)
	c, err := OpenCollector(dir)
	if err != nil {
		t.Fatal(err)
	}
	send(t, dir, `{"ok":true,"probe":"ok","state":{"eff":"100","prm":"100","inh":"0","bnd":"0","amb":"0"}}`)
	c.StopWaiting()
	start := time.Now()
	res, err := c.Read(time.Now().Add(time.Hour))
	if err != nil || !res.OK {
		t.Fatalf("Read = %+v, %v, want the report that was in the FIFO", res, err)
	}
	if time.Since(start) > time.Minute {
		t.Fatal("Read waited for its deadline after StopWaiting")
	}
}

// Once Read has closed the collector, StopWaiting must not write to the numbers its
// descriptors had: the process may have opened other files under them.
func TestStopWaitingAfterRead(t *testing.T) {
	c, err := OpenCollector(fifoDir(t))
	if err != nil {
		t.Fatal(err)
	}
	stop := c.stop
	if _, err := c.Read(time.Now()); err == nil {
		t.Fatal("Read of an empty FIFO returned a result")
	}
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	if p[0] == stop {
		t.Fatalf("the pipe's read end took the eventfd's number %d, which the FIFO's precedes", stop)
	}
	if p[1] != stop {
		if err := unix.Dup2(p[1], stop); err != nil {
			t.Fatal(err)
		}
		defer unix.Close(stop)
	}
	c.StopWaiting()
	if n, err := unix.Read(p[0], make([]byte, 16)); n > 0 {
		t.Fatalf("StopWaiting wrote %d bytes to a descriptor that reused the collector's number (%v)", n, err)
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
// exited right after its init reported, and StopWaiting woke the read before the
// poller had told it the report was there.
func TestCollectorReportBeforeDeadline(t *testing.T) {
	dir := fifoDir(t)
	c, err := OpenCollector(dir)
	if err != nil {
		t.Fatal(err)
	}
	send(t, dir, `{"ok":true,"probe":"ok","state":{"eff":"0","prm":"0","inh":"0","bnd":"0","amb":"0"}}`)
	res, err := c.Read(time.Now().Add(-time.Second))
	if err != nil || !res.OK {
		t.Fatalf("Read = %+v, %v; want the report that was in the FIFO", res, err)
	}
}
