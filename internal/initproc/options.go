// Package initproc is the host's side of oshim's in-container init, oshim-init: a
// small static C program (oshim-init/, built by `make build` beside oshim) that the
// rewrite injects as a contracted container's first process. The init uses a lent
// CAP_SETPCAP to clear the bounding set, drops the loan, checks from inside the
// container that the capability state is what the contract promised, reports the
// result, and execs the workload. This package holds its arguments, the state it
// targets, its result message, exit statuses and system calls.
package initproc

import (
	"errors"
	"fmt"
	"strings"

	"github.com/oshim/oshim/internal/caps"
)

// Paths inside the container. /dev is a tmpfs the runtime mounts, so the mountpoint
// leaves nothing behind in a user-provided rootfs and works with a read-only one.
const (
	MountDir   = "/dev/.oshim"
	Binary     = MountDir + "/init"
	ResultPipe = MountDir + "/result"
)

// HostBinary is the init's file name on the host, beside the oshim executable.
const HostBinary = "oshim-init"

// Options tell the init what the contract promised.
type Options struct {
	// ClearBounding empties the bounding set.
	ClearBounding bool
	// Drop are caps removed from every set before the workload starts: what was lent.
	Drop caps.Set
	// Require are caps the workload must hold effective after its execve.
	Require caps.Set
	// Result is the FIFO the measured state is reported through; empty for none.
	Result string
	// ReportOnly measures and reports without changing the state or refusing: a
	// state that differs from the contract is reported, and the workload still runs.
	ReportOnly bool
}

// Args renders the options as the init's arguments, in front of "--" and the workload.
func (o Options) Args(workload []string) []string {
	args := []string{Binary}
	if o.ClearBounding {
		args = append(args, "--clear-bounding")
	}
	if o.ReportOnly {
		args = append(args, "--report-only")
	}
	if !o.Drop.IsEmpty() {
		args = append(args, "--drop", strings.Join(o.Drop.Names(), ","))
	}
	if !o.Require.IsEmpty() {
		args = append(args, "--require", strings.Join(o.Require.Names(), ","))
	}
	if o.Result != "" {
		args = append(args, "--result", o.Result)
	}
	if o.ReportOnly {
		args = append(args, "--report-only")
	}
	args = append(args, "--")
	return append(args, workload...)
}

var errNoWorkload = errors.New("no workload command after --")

// ParseArgs reads the init's arguments after its path, as oshim-init does (the tests
// hold both to the same answers).
func ParseArgs(args []string) (Options, []string, error) {
	var o Options
	for i := 0; i < len(args); i++ {
		a := args[i]
		value := func() (string, error) {
			if i+1 >= len(args) {
				return "", fmt.Errorf("%s needs a value", a)
			}
			i++
			return args[i], nil
		}
		switch a {
		case "--":
			if i+1 >= len(args) {
				return o, nil, errNoWorkload
			}
			return o, args[i+1:], nil
		case "--clear-bounding":
			o.ClearBounding = true
		case "--report-only":
			o.ReportOnly = true
		case "--drop", "--require":
			v, err := value()
			if err != nil {
				return o, nil, err
			}
			s, err := parseSet(v)
			if err != nil {
				return o, nil, fmt.Errorf("%s: %w", a, err)
			}
			if a == "--drop" {
				o.Drop = s
			} else {
				o.Require = s
			}
		case "--result":
			v, err := value()
			if err != nil {
				return o, nil, err
			}
			o.Result = v
		default:
			return o, nil, fmt.Errorf("unknown argument %q", a)
		}
	}
	return o, nil, errNoWorkload
}

func parseSet(v string) (caps.Set, error) {
	var s caps.Set
	for _, n := range strings.Split(v, ",") {
		c, err := caps.Parse(n)
		if err != nil {
			return 0, err
		}
		s = s.Add(c)
	}
	return s, nil
}
