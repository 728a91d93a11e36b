package admit

import (
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oshim/oshim/internal/caps"
	"github.com/oshim/oshim/internal/metrics"
	"github.com/oshim/oshim/internal/ocsf"
	"github.com/oshim/oshim/internal/records"
	"github.com/oshim/oshim/internal/rewrite"
)

// finding fills what every finding about the container holds. Its time is in UTC, as
// the init's results are: an event's timezone_offset is then 0 on every node, and no
// call reads the node's time zone (its first use costs a create about 0.2 ms).
func (r Request) finding(kind ocsf.FindingKind, pl *rewrite.Plan, proc *specs.Process, set caps.Set) ocsf.Finding {
	f := ocsf.Finding{
		Kind: kind, ContainerID: r.ID, Bundle: r.Bundle, Arg0: rewrite.WorkloadArg0(proc.Args), UID: proc.User.UID, Pod: r.pod,
		Contract: pl.Contract.Name, OnSkew: string(pl.Contract.OnSkew), Time: time.Now().UTC(),
	}
	if !set.IsEmpty() {
		f.Caps = set.Names()
	}
	return f
}

// skewFindings reports a spec that withholds required caps, whatever the contract then
// does about it: repair, report, or deny.
func (r Request) skewFindings(pl *rewrite.Plan, proc *specs.Process) []ocsf.Finding {
	// Podman's precreate hands a denied container to oshim's createRuntime hook, which
	// reports the skew under the container's id; the precreate record name would be a
	// second report of it.
	if pl.Missing.IsEmpty() || !r.Mode.writes() || (r.Mode == Precreate && pl.Err() != nil) {
		return nil
	}
	f := r.finding(ocsf.SkewFound, pl, proc, pl.Missing)
	f.Detail = pl.Skew()
	return []ocsf.Finding{f}
}

// rewriteFindings reports what the rewrite changed once it is in place: caps granted in
// the spec, and caps lent to the init.
func (r Request) rewriteFindings(pl *rewrite.Plan, proc *specs.Process, applied rewrite.Applied) []ocsf.Finding {
	var granted, lent caps.Set
	for _, s := range pl.Grant {
		granted = granted.Union(s)
	}
	for _, s := range pl.Lend {
		lent = lent.Union(s)
	}
	var fs []ocsf.Finding
	if !granted.IsEmpty() {
		f := r.finding(ocsf.SpecRepaired, pl, proc, granted)
		f.Detail = applied.Repair
		fs = append(fs, f)
	}
	if !lent.IsEmpty() {
		f := r.finding(ocsf.CapsLent, pl, proc, lent)
		f.Detail = applied.Repair
		fs = append(fs, f)
	}
	return fs
}

// ReportResult counts an init that stopped its container, and reports an init whose
// PR_CAPBSET_DROP was denied although CAP_SETPCAP was effective: a seccomp filter or an
// LSM stands between the workload and what it needs. The container is named by its
// record.
func ReportResult(rep ocsf.Reporter, ms metrics.Sink, rec *records.Container, m *records.Measured) {
	var events []metrics.Event
	if !m.OK && !m.ReportOnly && m.Step != "" {
		events = append(events, metrics.InitFailure)
	}
	if m.Denied() {
		events = append(events, metrics.ProbeDenial)
	}
	ms.Add(rec.Contract, events...)
	if !m.Denied() {
		return
	}
	rep.Emit(ocsf.Finding{
		Kind: ocsf.ProbeDenied, ContainerID: rec.ID, Bundle: rec.Bundle, Arg0: rec.Arg0, UID: rec.UID, Pod: rec.Pod,
		Contract: rec.Contract, OnSkew: rec.OnSkew, Detail: m.Message, Seccomp: m.Seccomp, LSM: m.LSM,
		Time: m.Received,
	})
}
