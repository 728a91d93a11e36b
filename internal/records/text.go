package records

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/oshim/oshim/internal/podinfo"
)

// setOrder is the order capabilities(7) explains the sets in.
var setOrder = []string{"bounding", "effective", "permitted", "inheritable", "ambient"}

// WriteText prints every field of a record for a person: the container, the contract
// and what it found and changed, the spec's lists around the rewrite, and what the
// init measured inside the container.
func WriteText(w io.Writer, c *Container) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	line := func(k string, v ...string) { fmt.Fprintf(tw, "%s\t%s\n", k, oneLine(strings.Join(v, " "))) }
	line("Container:", c.ID)
	root := c.Root
	if root == "" {
		root = "(the runtime's default)"
	}
	line("Runtime root:", root)
	line("Runtime:", c.Runtime, parens(c.RuntimeVersion))
	line("Bundle:", c.Bundle)
	line("Process:", c.Arg0, "as", userText(c.UID))
	line("Pod:", podText(c.Pod))
	line("Contract:", c.Contract, fmt.Sprintf("(bounding = %s, on_skew = %s, init = %t)", c.Bounding, c.OnSkew, c.Init))
	line("Skew:", c.Skew)
	line("Repair:", c.Repair)
	line("Created:", timeText(c.Created))
	line("Verdict:", c.Verdict())
	writeSets(tw, "Spec before the rewrite:", c.Before)
	writeSets(tw, "Spec after the rewrite:", c.After)
	writeSets(tw, "Main process when the workload starts (exec sessions are capped to this):", c.Main)
	if m := c.Result; m != nil {
		fmt.Fprintln(tw, "Measured by oshim-init inside the container:")
		line("  received:", timeText(m.Received))
		line("  result:", m.Summary)
		line("  probe:", m.Probe, "(PR_CAPBSET_DROP with CAP_SETPCAP effective)")
		if m.Step != "" {
			line("  failed step:", m.Step)
		}
		if m.Message != "" {
			line("  message:", m.Message)
		}
		line("  no_new_privs:", strconv.FormatBool(m.NoNewPrivs))
		line("  seccomp:", seccompText(m.Seccomp))
		if m.LSM != "" {
			line("  LSM label:", m.LSM)
		}
		for _, k := range setOrder {
			if names, ok := m.State[k]; ok {
				line("  "+k+":", capsText(names))
			}
		}
	} else if c.Init {
		fmt.Fprintln(tw, "Measured by oshim-init: nothing yet (the container has not started)")
	} else {
		fmt.Fprintln(tw, "Measured by oshim-init: nothing (the contract sets init = false)")
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

func writeSets(w io.Writer, title string, sets map[string][]string) {
	fmt.Fprintln(w, title)
	for _, k := range setOrder {
		if names, ok := sets[k]; ok {
			fmt.Fprintf(w, "  %s:\t%s\n", k, oneLine(capsText(names)))
		} else {
			fmt.Fprintf(w, "  %s:\t(not in the spec)\n", k)
		}
	}
}

func capsText(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

func userText(uid uint32) string {
	if uid == 0 {
		return "uid 0 (root)"
	}
	return fmt.Sprintf("uid %d (non-root)", uid)
}

func parens(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// seccompText names /proc/PID/status's Seccomp field.
func seccompText(mode int) string {
	switch mode {
	case 0:
		return "0 (disabled)"
	case 1:
		return "1 (strict)"
	case 2:
		return "2 (filter)"
	}
	return strconv.Itoa(mode)
}

// podText is the pod, the container's name and its image; or that the engine passed
// none of them.
func podText(p podinfo.Info) string {
	if !p.Known() {
		return podinfo.None
	}
	out := p.String()
	if p.PodUID != "" {
		out += " (uid " + p.PodUID + ")"
	}
	if p.Container != "" {
		out += ", container " + p.Container
	}
	if p.Image != "" {
		out += ", image " + p.Image
	}
	return out
}
