// Command maxrss runs its arguments and writes the child's peak resident set (wait4's
// ru_maxrss, in KiB) to the file named by MAXRSS_OUT, then exits with the child's
// status.
//
// The benchmark cannot start the measured process itself: a child's ru_maxrss starts
// at the resident set of the process it was cloned from (Go clones with CLONE_VM and
// execve keeps the old memory's peak), and the benchmark holds megabytes. This
// program is small and has done nothing yet, so the floor it leaves is low; the
// benchmark measures that floor with /bin/true.
package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
)

func main() {
	out := os.Getenv("MAXRSS_OUT")
	if out == "" || len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: MAXRSS_OUT=FILE maxrss COMMAND [ARG...]")
		os.Exit(2)
	}
	p, err := os.StartProcess(os.Args[1], os.Args[1:], &os.ProcAttr{Files: []*os.File{os.Stdin, os.Stdout, os.Stderr}})
	if err != nil {
		fmt.Fprintf(os.Stderr, "maxrss: %v\n", err)
		os.Exit(2)
	}
	st, err := p.Wait()
	if err != nil {
		fmt.Fprintf(os.Stderr, "maxrss: %v\n", err)
		os.Exit(2)
	}
	kib := st.SysUsage().(*syscall.Rusage).Maxrss
	if err := os.WriteFile(out, []byte(strconv.FormatInt(kib, 10)), 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "maxrss: %v\n", err)
		os.Exit(2)
	}
	os.Exit(st.ExitCode())
}
