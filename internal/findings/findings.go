// Package findings turns what oshim found in, and did to, one container into OCSF
// findings, and sends them to the admin config's sink. Runtime mode and hook mode share
// it, so a skew or a repair reads the same whichever mode handled the container.
package findings

import (
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/sirupsen/logrus"

	"github.com/oshim/oshim/internal/caps"
	"github.com/oshim/oshim/internal/contract"
	"github.com/oshim/oshim/internal/report"
	"github.com/oshim/oshim/internal/rewrite"
)

// Reporter reports on one container.
type Reporter struct {
	Sink    report.Sink
	Product report.ProductInfo
	// Log gets a warning when an event cannot be built or written.
	Log *logrus.Logger
	// ContainerID and Bundle name the container: its id in runtime mode, its record's
	// name in podman's precreate hook, which runs before the container has an id.
	ContainerID string
	Bundle      string
}

// emit sends findings to the sink. A failure is logged as a warning and never
// returned: a container must not fail because a log could not be written.
func (r Reporter) emit(fs ...report.Finding) {
	if (r.Sink.Path == "" && !r.Sink.Syslog) || len(fs) == 0 {
		return
	}
	events := make([]*report.OCSFEvent, 0, len(fs))
	for _, f := range fs {
		ev, err := report.Event(f, r.Product)
		if err != nil {
			r.Log.WithError(err).Warnf("could not build the OCSF event for %s", f.Kind)
			continue
		}
		events = append(events, ev)
	}
	if err := r.Sink.Emit(events...); err != nil {
		r.Log.WithError(err).Warn("could not write OCSF events")
	}
}

// finding fills what every finding about the container holds.
func (r Reporter) finding(kind report.FindingKind, c *contract.Contract, proc *specs.Process, set caps.Set) report.Finding {
	f := report.Finding{
		Kind: kind, ContainerID: r.ContainerID, Bundle: r.Bundle, Arg0: proc.Args[0], UID: proc.User.UID,
		Contract: c.Name, OnSkew: string(c.OnSkew), Time: time.Now(),
	}
	if !set.IsEmpty() {
		f.Caps = set.Names()
	}
	return f
}

// Skew reports a spec that withholds required caps, whatever the contract then does
// about it: repair, report, or deny.
func (r Reporter) Skew(pl *rewrite.Plan, proc *specs.Process) {
	if pl.Missing.IsEmpty() {
		return
	}
	f := r.finding(report.SkewFound, pl.Contract, proc, pl.Missing)
	f.Detail = pl.Skew()
	r.emit(f)
}

// Rewrite reports what the rewrite changed once it is in place: caps granted in the
// spec, and caps lent to the init. repair is the record's account of the change.
func (r Reporter) Rewrite(pl *rewrite.Plan, proc *specs.Process, repair string) {
	var granted, lent caps.Set
	for _, s := range pl.Grant {
		granted = granted.Union(s)
	}
	for _, s := range pl.Lend {
		lent = lent.Union(s)
	}
	var fs []report.Finding
	if !granted.IsEmpty() {
		f := r.finding(report.SpecRepaired, pl.Contract, proc, granted)
		f.Detail = repair
		fs = append(fs, f)
	}
	if !lent.IsEmpty() && pl.Contract.WantsInit() {
		f := r.finding(report.CapsLent, pl.Contract, proc, lent)
		f.Detail = repair
		fs = append(fs, f)
	}
	r.emit(fs...)
}

// Result reports an init whose PR_CAPBSET_DROP was denied although CAP_SETPCAP was
// effective: a seccomp filter or an LSM stands between the workload and what it needs.
// The container is named by its record.
func (r Reporter) Result(rec *report.Container, m *report.Measured) {
	if !m.Denied() {
		return
	}
	r.emit(report.Finding{
		Kind: report.ProbeDenied, ContainerID: rec.ID, Bundle: rec.Bundle, Arg0: rec.Arg0, UID: rec.UID,
		Contract: rec.Contract, OnSkew: rec.OnSkew, Detail: m.Message, Seccomp: m.Seccomp, LSM: m.LSM,
		Time: m.Received,
	})
}
