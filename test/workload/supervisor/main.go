// Command supervisor stands in for the sandbox supervisor of the motivating
// case (README.md, the top): it
// clears its own capability bounding set with PR_CAPBSET_DROP, fail-closed,
// the way the real supervisor clears it before exec'ing each sandboxed child.
//
// It needs CAP_SETPCAP in its effective set. Without it every drop answers
// EPERM, even past the kernel's last capability, so it fails even when its
// bounding set is already empty.
//
// Output: "bounding set cleared" on stdout and exit 0; or
// "Failed to clear capability bounding set: CAP n: <errno text> (os error N)"
// (or "capabilities remain in bounding set: ...") on stderr and exit 1.
//
// Flags:
//
//	-status  print the Cap* lines of its own status before clearing
//	-hold    after success, sleep until SIGTERM (then exit 0), so a test can
//	         read /proc/<pid>/status from the host
//
// Build it static (CGO_ENABLED=0): it runs in a busybox rootfs.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
)

// init locks the main goroutine to the main thread: capabilities are per
// thread, and /proc/<pid>/status on the host shows the main thread's.
func init() {
	runtime.LockOSThread()
}

func main() {
	hold := flag.Bool("hold", false, "sleep until SIGTERM after success")
	status := flag.Bool("status", false, "print the Cap* lines of /proc/thread-self/status first")
	flag.Parse()

	if *status {
		if err := printCapLines("/proc/thread-self/status"); err != nil {
			fatal(err.Error())
		}
	}
	last, err := clearBoundingSet(prctl{})
	if err != nil {
		fatal("Failed to clear capability bounding set: " + err.Error())
	}
	if err := verifyCleared(prctl{}, last); err != nil {
		fatal(err.Error())
	}
	fmt.Println("bounding set cleared")
	if *hold {
		waitForTerm()
	}
}

func fatal(msg string) {
	fmt.Fprintln(os.Stderr, msg)
	os.Exit(1)
}

func printCapLines(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "Cap") {
			fmt.Println(sc.Text())
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}

// waitForTerm returns on SIGTERM. As PID 1 of a container the process gets
// no default signal actions, so the handler is what makes SIGTERM work.
func waitForTerm() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM)
	<-sig
}
