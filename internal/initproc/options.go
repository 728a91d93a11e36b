// Package initproc is oshim's in-container init: injected as the container's first
// process, it uses a lent CAP_SETPCAP to clear the bounding set, drops the loan, checks
// from inside the container that the capability state is what the contract promised,
// and then execs the workload. It must stay lean: it runs before every contracted
// workload, so it reads no config and sets up no logging before its execve.
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
	Binary     = MountDir + "/oshim"
	ResultPipe = MountDir + "/result"
)

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
	// ReportOnly measures and reports without changing the capability state and
	// without ever stopping the workload: a contract with on_skew = "report".
	ReportOnly bool
}

// Args renders the options as the init's arguments, in front of "--" and the workload.
func (o Options) Args(workload []string) []string {
	args := []string{Binary, "init"}
	if o.ClearBounding {
		args = append(args, "--clear-bounding")
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

// ParseArgs reads the arguments after "init". It is hand-written: the init must not pay
// for a flag package's set-up, and its input comes only from oshim's own rewrite.
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
