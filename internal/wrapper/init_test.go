package wrapper

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

func TestFirstProcess(t *testing.T) {
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
	tests := []struct {
		description string
		pidFile     string
		wantFD      bool
		wantGone    bool
	}{
		{description: "no pid file given", pidFile: ""},
		{description: "pid file missing", pidFile: filepath.Join(dir, "missing")},
		{description: "not a pid", pidFile: write("garbage", "12ab\n")},
		{description: "pid 0", pidFile: write("zero", "0")},
		{description: "negative", pidFile: write("negative", "-1")},
		{description: "a directory", pidFile: dir},
		{description: "a running process, as runc writes it", pidFile: write("self", strconv.Itoa(os.Getpid())), wantFD: true},
		{description: "with a newline", pidFile: write("self-nl", strconv.Itoa(os.Getpid())+"\n"), wantFD: true},
		{description: "a process that has ended", pidFile: write("ended", strconv.Itoa(ended.Process.Pid)), wantGone: true},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			fd, gone := firstProcess(tc.pidFile)
			if fd >= 0 {
				defer unix.Close(fd)
			}
			if (fd >= 0) != tc.wantFD || gone != tc.wantGone {
				t.Fatalf("firstProcess(%q) = %d, %t; want a pidfd %t, gone %t", tc.pidFile, fd, gone, tc.wantFD, tc.wantGone)
			}
			if fd < 0 {
				return
			}
			// The pidfd is the process's: it polls readable only once that has ended.
			n, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, 0)
			if err != nil || n != 0 {
				t.Fatalf("poll of a live process's pidfd: %d, %v", n, err)
			}
		})
	}
}
