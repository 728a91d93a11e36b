// Package doctor is `oshim doctor`: a readiness check of the host. It finds the real
// runtimes and their versions, checks the admin config, reads the kernel's capability
// count, the active LSMs and user-namespace support, finds the engines that have oshim
// registered, and runs a throw-away container through oshim with each runtime, so that
// a denial of the init's probe shows up before a real workload meets it. Every problem
// comes with its fix.
package doctor

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/oshim/oshim/internal/config"
)

// Status is a check's verdict.
type Status string

const (
	// OK: nothing to do.
	OK Status = "ok"
	// Warn: works, but probably not as the admin means it, or not for every workload.
	Warn Status = "warn"
	// Fail: something would break a contract or stop containers.
	Fail Status = "fail"
)

// Check is one finding of the doctor.
type Check struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
	// Fix says what to do; set for every check that is not OK.
	Fix string `json:"fix,omitempty"`
}

// Report is everything the doctor found.
type Report struct {
	Checks []Check `json:"checks"`
	// Failed is the number of checks with status Fail.
	Failed int `json:"failed"`
}

// Options say where the doctor looks. The zero value of a path field means the host's
// usual path; tests point them elsewhere.
type Options struct {
	// Config is the admin config to check.
	Config config.Source
	// Self is oshim's own binary, which the probe runs in runtime mode.
	Self string
	// Probe runs the throw-away containers; they need root.
	Probe bool
	// ProbeTimeout bounds one probe container; 0 means 30 seconds.
	ProbeTimeout time.Duration
	// EngineRoot is prepended to every engine config path (default "/").
	EngineRoot string
	// Host holds the kernel files read; zero fields mean the real ones.
	Host HostPaths
}

// Run runs every check.
func Run(o Options) Report {
	var r Report
	add := func(cs ...Check) {
		for _, c := range cs {
			if c.Status == Fail {
				r.Failed++
			}
			r.Checks = append(r.Checks, c)
		}
	}
	cfg, cfgChecks := checkConfig(o.Config)
	add(cfgChecks...)
	rts, rtChecks := findRuntimes(cfg)
	add(rtChecks...)
	add(checkKernel(o.Host, cfg)...)
	add(checkEngines(o.EngineRoot)...)
	if o.Probe {
		timeout := o.ProbeTimeout
		if timeout == 0 {
			timeout = 30 * time.Second
		}
		for _, rt := range rts {
			add(probe(o.Self, rt, timeout))
		}
	}
	return r
}

// WriteText prints one line per check and the fix under each problem.
func (r Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range r.Checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", strings.ToUpper(string(c.Status)), c.Name, oneLine(c.Detail))
		if c.Fix != "" {
			fmt.Fprintf(tw, "\t\tfix: %s\n", oneLine(c.Fix))
		}
	}
	warned := 0
	for _, c := range r.Checks {
		if c.Status == Warn {
			warned++
		}
	}
	switch {
	case r.Failed > 0:
		fmt.Fprintf(tw, "\n%d problem(s) would break contracts or containers, %d warning(s)\n", r.Failed, warned)
	case warned > 0:
		fmt.Fprintf(tw, "\nready, with %d warning(s)\n", warned)
	default:
		fmt.Fprintln(tw, "\nready")
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write doctor report: %w", err)
	}
	return nil
}

// oneLine puts a detail on one line, and keeps control characters (a runtime's
// stderr may hold any) away from the terminal.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}
