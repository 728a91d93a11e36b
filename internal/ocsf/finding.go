package ocsf

import (
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/oshim/oshim/internal/podinfo"
)

// FindingKind names what a Finding reports.
type FindingKind string

const (
	// SkewFound: the spec withholds capabilities the contract requires.
	SkewFound FindingKind = "skew-found"
	// ProbeDenied: the in-container init's PR_CAPBSET_DROP probe got EPERM while
	// CAP_SETPCAP was effective, so a seccomp filter or an LSM denies the operation.
	ProbeDenied FindingKind = "probe-denied"
	// SpecRepaired: the rewrite granted the missing capabilities in the spec.
	SpecRepaired FindingKind = "spec-repaired"
	// CapsLent: the rewrite lent capabilities to the in-container init, which drops
	// them before the workload runs.
	CapsLent FindingKind = "caps-lent"
)

// Finding is what the rest of oshim reports; Event turns it into an OCSF event.
type Finding struct {
	Kind        FindingKind
	ContainerID string
	Bundle      string
	// Arg0 is the workload's process.args[0]; UID its user id in the container.
	Arg0 string
	UID  uint32
	// Pod is the container's identity in its orchestrator, when the engine passed it.
	Pod podinfo.Info
	// Contract and OnSkew name the contract that applied and its on_skew mode.
	Contract string
	OnSkew   string
	// Caps are capability names: missing (SkewFound), granted (SpecRepaired) or lent
	// (CapsLent). ProbeDenied needs none.
	Caps []string
	// Detail is free text: the repair record, or the init's denial message.
	Detail string
	// Seccomp (0 disabled, 1 strict, 2 filter) and LSM (the AppArmor or SELinux label,
	// "none" when unconfined) are what the init measured for ProbeDenied.
	Seccomp int
	LSM     string
	// Host is the host's name; Event asks the kernel when it is empty.
	Host string
	Time time.Time
}

// Bounds on what a finding carries into one event, so an event stays one modest line
// whatever a spec holds (args[0] and the detail text come from the container's side).
const (
	ocsfMaxField = 4096
	ocsfMaxCaps  = 64
)

func (f *Finding) validate() error {
	switch f.Kind {
	case SkewFound, SpecRepaired, CapsLent:
		if len(f.Caps) == 0 {
			return fmt.Errorf("%s finding names no capabilities", f.Kind)
		}
	case ProbeDenied:
	default:
		return fmt.Errorf("unknown finding kind %q", f.Kind)
	}
	if f.ContainerID == "" {
		return errors.New("finding has no container id")
	}
	if f.Time.IsZero() {
		return errors.New("finding has no time")
	}
	return nil
}

// clipped returns f with every free-text field within the bounds, and whether anything
// was cut (metadata.is_truncated).
func (f Finding) clipped() (Finding, bool) {
	cut := false
	for _, s := range []*string{&f.ContainerID, &f.Bundle, &f.Arg0, &f.Contract, &f.OnSkew, &f.Detail, &f.LSM, &f.Host} {
		if len(*s) > ocsfMaxField {
			*s, cut = ocsfClip(*s), true
		}
	}
	if len(f.Caps) > ocsfMaxCaps {
		f.Caps, cut = f.Caps[:ocsfMaxCaps], true
	}
	caps := make([]string, len(f.Caps))
	for i, c := range f.Caps {
		if len(c) > ocsfMaxField {
			c, cut = ocsfClip(c), true
		}
		caps[i] = c
	}
	f.Caps = caps
	return f, cut
}

// ocsfClip shortens s to at most ocsfMaxField bytes without splitting a UTF-8
// sequence. It backs off at most one sequence's length: invalid input is cut anywhere.
func ocsfClip(s string) string {
	n := ocsfMaxField
	for i := 1; i < utf8.UTFMax && !utf8.RuneStart(s[n]); i++ {
		n--
	}
	return s[:n]
}
