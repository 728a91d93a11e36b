package wrapper

import (
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oshim/oshim/internal/caps"
	"github.com/oshim/oshim/internal/contract"
	"github.com/oshim/oshim/internal/report"
	"github.com/oshim/oshim/internal/rewrite"
)

// emit sends findings to the OCSF sink of the config. A failure is logged as a
// warning and never returned: a container must not fail because a log could not be
// written.
func (w *Wrapper) emit(findings ...report.Finding) {
	sink := w.Config.OCSFSink()
	if (sink.Path == "" && !sink.Syslog) || len(findings) == 0 {
		return
	}
	events := make([]*report.OCSFEvent, 0, len(findings))
	for _, f := range findings {
		ev, err := report.Event(f, report.OshimProduct(w.Version))
		if err != nil {
			w.Log.WithError(err).Warnf("could not build the OCSF event for %s", f.Kind)
			continue
		}
		events = append(events, ev)
	}
	if err := sink.Emit(events...); err != nil {
		w.Log.WithError(err).Warn("could not write OCSF events")
	}
}

// finding fills what every finding about this call's container holds.
func (w *Wrapper) finding(kind report.FindingKind, c *contract.Contract, proc *specs.Process, set caps.Set) report.Finding {
	f := report.Finding{
		Kind: kind, ContainerID: w.Inv.ID, Bundle: w.Inv.Bundle, Arg0: proc.Args[0], UID: proc.User.UID,
		Contract: c.Name, OnSkew: string(c.OnSkew), Time: time.Now(),
	}
	if !set.IsEmpty() {
		f.Caps = set.Names()
	}
	return f
}

// reportSkew reports a spec that withholds required caps, whatever the contract then
// does about it: repair, report, or deny.
func (w *Wrapper) reportSkew(c *contract.Contract, proc *specs.Process, pl *rewrite.Plan) {
	if pl.Missing.IsEmpty() {
		return
	}
	f := w.finding(report.SkewFound, c, proc, pl.Missing)
	f.Detail = pl.Skew()
	w.emit(f)
}

// reportRewrite reports what the rewrite changed once it is on disk: caps granted in
// the spec, and caps lent to the init.
func (w *Wrapper) reportRewrite(c *contract.Contract, proc *specs.Process, pl *rewrite.Plan, repair string) {
	var granted, lent caps.Set
	for _, s := range pl.Grant {
		granted = granted.Union(s)
	}
	for _, s := range pl.Lend {
		lent = lent.Union(s)
	}
	var fs []report.Finding
	if !granted.IsEmpty() {
		f := w.finding(report.SpecRepaired, c, proc, granted)
		f.Detail = repair
		fs = append(fs, f)
	}
	if !lent.IsEmpty() && c.WantsInit() {
		f := w.finding(report.CapsLent, c, proc, lent)
		f.Detail = repair
		fs = append(fs, f)
	}
	w.emit(fs...)
}

// reportResult reports an init whose PR_CAPBSET_DROP was denied although CAP_SETPCAP
// was effective: a seccomp filter or an LSM stands between the workload and what it
// needs.
func (w *Wrapper) reportResult(rec *report.Container, m *report.Measured) {
	if !m.Denied() {
		return
	}
	w.emit(report.Finding{
		Kind: report.ProbeDenied, ContainerID: rec.ID, Bundle: rec.Bundle, Arg0: rec.Arg0, UID: rec.UID,
		Contract: rec.Contract, OnSkew: rec.OnSkew, Detail: m.Message, Seccomp: m.Seccomp, LSM: m.LSM,
		Time: m.Received,
	})
}
