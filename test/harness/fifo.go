package harness

import (
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// ResultFIFO makes a FIFO at path that any user may write, as oshim makes the init's
// result FIFO, and holds it open read-write and non-blocking until the test ends: an
// init's non-blocking open for writing finds a reader, and read never waits. read
// returns what was written since, or nil.
func ResultFIFO(t testing.TB, path string) (read func() []byte) {
	t.Helper()
	if err := unix.Mkfifo(path, 0o622); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o622); err != nil {
		t.Fatal(err)
	}
	// A raw descriptor: an os.File in the poller would wait for data.
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	return func() []byte {
		buf := make([]byte, 1<<16)
		n, err := unix.Read(fd, buf)
		if err != nil {
			return nil
		}
		return buf[:n]
	}
}
