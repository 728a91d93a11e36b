package records

import (
	"sort"
	"strings"

	"golang.org/x/sys/unix"
)

// Verdict is the record's outcome in a few words, for `oshim report`'s table: "ok",
// "ok (probe skipped)", "denied: STEP" (a seccomp filter or an LSM refused the
// probe or the bounding drop), "failed: STEP", "unknown: WHY" (no report arrived),
// "pending" (the init has not run yet) or "unverified (init = false)".
func (c *Container) Verdict() string {
	m := c.Result
	switch {
	case m == nil && c.Init:
		return "pending"
	case m == nil:
		return "unverified (init = false)"
	case m.OK && m.Probe != "ok":
		return "ok (probe " + m.Probe + ")"
	case m.OK:
		return "ok"
	case m.ReportOnly:
		return "reported: " + m.Step
	case m.Step == "":
		return m.Summary
	case m.Probe == "denied" || m.Denied():
		return "denied: " + m.Step
	}
	return "failed: " + m.Step
}

// Denied reports whether the init failed because PR_CAPBSET_DROP was refused while
// CAP_SETPCAP was effective: the probe, or an EPERM while applying the change after a
// passing probe (only the bounding drop can be refused then).
func (m *Measured) Denied() bool {
	if m == nil || m.OK {
		return false
	}
	return m.Probe == "denied" || (m.Probe == "ok" && m.Step == "apply" && m.Errno == int(unix.EPERM))
}

// ShortRepair is the rewrite in a few words: "+CAP_A,CAP_B" for caps granted in some
// list, "bnd cleared" when the init clears the bounding set, "nnp" when the rewrite
// set noNewPrivileges; "none" when it changed nothing.
func (c *Container) ShortRepair() string {
	granted := map[string]bool{}
	for key, after := range c.After {
		had := map[string]bool{}
		for _, n := range c.Before[key] {
			had[n] = true
		}
		for _, n := range after {
			if !had[n] {
				granted[n] = true
			}
		}
	}
	var parts []string
	if len(granted) > 0 {
		names := make([]string, 0, len(granted))
		for n := range granted {
			names = append(names, n)
		}
		sort.Strings(names)
		parts = append(parts, "+"+strings.Join(names, ","))
	}
	if c.Bounding == "clear" {
		parts = append(parts, "bnd cleared")
	}
	if c.SetNoNewPrivs {
		parts = append(parts, "nnp")
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}
