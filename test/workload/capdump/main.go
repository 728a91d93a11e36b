// Command capdump prints its own capability state as one line of JSON on
// stdout: the five sets of /proc/thread-self/status as 16 hex digits, plus
// NoNewPrivs, Seccomp and the effective Uid, e.g.
//
//	{"CapInh":"0000000000000000","CapPrm":"0000000020000420",...,"NoNewPrivs":true,"Seccomp":0,"Uid":0}
//
// Tests decode it into procstatus.Status. A Go binary rather than
// `grep Cap /proc/self/status` in busybox sh: one execve, so the state is the
// one the runtime (or oshim) set up, with no shell's exec in between.
//
// With -hold it then sleeps until SIGTERM (exit 0), so a test can also read
// /proc/<pid>/status from the host. Build it static (CGO_ENABLED=0).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/oshim/oshim/test/procstatus"
)

// init locks the main goroutine to the main thread: capabilities are per
// thread, and the host reads the main thread's in /proc/<pid>/status.
func init() {
	runtime.LockOSThread()
}

func main() {
	hold := flag.Bool("hold", false, "sleep until SIGTERM after printing")
	flag.Parse()

	s, err := procstatus.Read("/proc/thread-self/status")
	if err != nil {
		fmt.Fprintln(os.Stderr, "capdump:", err)
		os.Exit(1)
	}
	line, err := json.Marshal(s)
	if err != nil {
		fmt.Fprintln(os.Stderr, "capdump:", err)
		os.Exit(1)
	}
	fmt.Println(string(line))
	if *hold {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGTERM)
		<-sig
	}
}
