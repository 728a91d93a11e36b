package ociruntime

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

func TestPidfdOf(t *testing.T) {
	dir := t.TempDir()
	ended := exec.Command("true")
	if err := ended.Run(); err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	self := strconv.Itoa(os.Getpid())
	tests := []struct {
		description string
		pidFile     string
		// want is "fd" for a pidfd, "ended" for an error that wraps ESRCH, else
		// another error.
		want string
	}{
		{description: "pid file missing", pidFile: filepath.Join(dir, "missing"), want: "error"},
		{description: "not a pid", pidFile: write("garbage", "12ab\n"), want: "error"},
		{description: "empty", pidFile: write("empty", ""), want: "error"},
		{description: "pid 0", pidFile: write("zero", "0"), want: "error"},
		{description: "negative", pidFile: write("negative", "-1"), want: "error"},
		{description: "too long for a pid", pidFile: write("long", self+"                                   "), want: "error"},
		{description: "a directory", pidFile: dir, want: "error"},
		{description: "a running process, as runc writes it", pidFile: write("self", self), want: "fd"},
		{description: "with a newline", pidFile: write("self-nl", self+"\n"), want: "fd"},
		{description: "a process that has ended", pidFile: write("ended", strconv.Itoa(ended.Process.Pid)), want: "ended"},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			fd, err := PidfdOf(tc.pidFile)
			got := "error"
			switch {
			case err == nil:
				defer unix.Close(fd)
				got = "fd"
			case errors.Is(err, unix.ESRCH):
				got = "ended"
			}
			if got != tc.want {
				t.Fatalf("PidfdOf(%q) = %d, %v; want %s", tc.pidFile, fd, err, tc.want)
			}
			if err != nil {
				return
			}
			// The pidfd is the live process's: it polls readable only once that ends.
			n, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, 0)
			if err != nil || n != 0 {
				t.Fatalf("poll of a live process's pidfd: %d, %v", n, err)
			}
		})
	}
}
