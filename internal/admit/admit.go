// Package admit applies a container's capability contract to its spec: the one path
// that runtime mode's create and run, podman's precreate hook, the
// standard-stage detection hooks and `oshim explain` all take, so that a rule (what is
// scrubbed, granted, lent, refused, recorded and reported) is decided in one place.
//
//	spec.Object -> Scrub -> rewrite.Evaluate (contract.Set.Select, rewrite.NewPlan)
//	  -> skew finding -> deny? -> init directory -> rewrite.Apply -> record -> findings
//
// The caller loads the spec and writes it back (runtime mode saves config.json,
// precreate prints it, explain and detection write nothing); Admit saves the record
// first, because exec sessions are capped by it.
package admit

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/sirupsen/logrus"

	"github.com/oshim/oshim/internal/contract"
	"github.com/oshim/oshim/internal/initdir"
	"github.com/oshim/oshim/internal/metrics"
	"github.com/oshim/oshim/internal/ociruntime"
	"github.com/oshim/oshim/internal/ocsf"
	"github.com/oshim/oshim/internal/podinfo"
	"github.com/oshim/oshim/internal/records"
	"github.com/oshim/oshim/internal/rewrite"
	"github.com/oshim/oshim/internal/spec"
)

// Mode says which caller runs the pipeline, and so what it may change and write.
type Mode int

const (
	// Create is runtime mode's create or run: the spec is rewritten, the
	// container gets an init directory and a record under its id.
	Create Mode = iota
	// Precreate is podman's precreate hook: as Create, but the container has no id yet,
	// so the caller names the record.
	Precreate
	// Detect is a standard-stage hook: the runtime has read the spec already, so nothing
	// is rewritten; the skew is recorded and a deny contract refuses.
	Detect
	// Explain is `oshim explain`: the spec is rewritten in memory, nothing is written.
	Explain
)

// rewrites says the mode changes the spec (in memory for Explain).
func (m Mode) rewrites() bool { return m != Detect }

// writes says the mode leaves files behind: init directory, record, OCSF events.
func (m Mode) writes() bool { return m != Explain }

// Request is one container to admit.
type Request struct {
	Mode Mode
	// Spec is the container's config.json, changed in place.
	Spec      *spec.Object
	Contracts *contract.Set
	// ID, Root and Bundle name the container: its id and runtime root in runtime mode,
	// its record's name under hook.StoreRoot in the hooks; Bundle also places a relative
	// root.path.
	ID, Root, Bundle string
	// PidFile is the runtime's --pid-file, recorded for the start that waits for the
	// init's report (runtime mode only).
	PidFile string
	Store   records.Store
	// Runtime is the real runtime, named in the record (runtime mode only).
	Runtime ociruntime.Runtime
	// InitBinary is the oshim-init copied into the container's init directory; empty
	// means initdir.Source, the one beside the running oshim, found only when a
	// contract wants the init (it costs a readlink of /proc/self/exe).
	InitBinary string
	// InitSource is where the init's files are said to be when Explain prepares none.
	InitSource string
	Report     ocsf.Reporter
	Metrics    metrics.Sink
	Log        *logrus.Logger
	// pod is the container's identity in its orchestrator, read from the spec.
	pod podinfo.Info
}

// Outcome is what Admit found and did.
type Outcome struct {
	// Scrubbed are the forged io.oshim.* annotations removed from the spec.
	Scrubbed []string
	// Plan is nil when no contract applies.
	Plan    *rewrite.Plan
	Process *specs.Process
	// Applied is what the rewrite changed (nothing in Detect mode).
	Applied rewrite.Applied
	Record  *records.Container
	// InitDir is the container's init directory on the host ("" without an init).
	InitDir string
}

// Changed says the spec must be written back.
func (o *Outcome) Changed() bool { return len(o.Scrubbed) > 0 || (o.Plan != nil && o.Record != nil) }

// Admit runs the pipeline. A deny contract meeting skew returns the outcome with its
// plan and a *rewrite.DeniedError, after the skew is reported and before anything is
// prepared or written. On any other error nothing is left behind.
func Admit(r Request) (*Outcome, error) {
	out := &Outcome{}
	if r.Mode.rewrites() {
		var err error
		if out.Scrubbed, err = rewrite.Scrub(r.Spec); err != nil {
			return nil, err
		}
	}
	pl, proc, err := rewrite.Evaluate(r.Contracts, r.Spec)
	if err != nil {
		return nil, err
	}
	out.Plan, out.Process = pl, proc
	if pl == nil {
		return out, nil
	}
	r.pod = podinfo.From(pl.Annotations)
	// The call's findings go to the log in one write when it returns, the skew whatever
	// happens after it was found.
	findings := r.skewFindings(pl, proc)
	defer func() { r.Report.Emit(findings...) }()
	if err := pl.Err(); err != nil {
		r.count(pl, metrics.Denial)
		return out, err
	}
	rec := newRecord(r, pl, proc)
	if r.Mode == Detect {
		// What the spec holds is what the workload gets: a hook at this stage changes
		// nothing.
		rec.Repair = "none (detection only: the runtime has read the spec)"
		rec.After, rec.Main, rec.Init = pl.Before, pl.Before, false
		if err := r.Store.Save(rec); err != nil {
			return nil, fmt.Errorf("record container %s: %w", r.ID, err)
		}
		r.count(pl)
		out.Record = rec
		return out, nil
	}
	target := rewrite.Target{InitSource: r.InitSource, Rootfs: r.rootfs()}
	if pl.Contract.WantsInit() && r.Mode.writes() {
		init := r.InitBinary
		if init == "" {
			if init, err = initdir.Source(); err != nil {
				return nil, err
			}
		}
		if target.InitSource, err = initdir.Prepare(r.Store, r.Root, r.ID, init); err != nil {
			return nil, fmt.Errorf("prepare oshim-init for %s: %w", r.ID, err)
		}
		out.InitDir = target.InitSource
	}
	if out.Applied, err = rewrite.Apply(r.Spec, pl, proc.Args, target); err != nil {
		r.undo(out)
		return nil, fmt.Errorf("rewrite: %w", err)
	}
	rec.Repair, rec.SetNoNewPrivs = out.Applied.Repair, out.Applied.NoNewPrivs
	out.Record = rec
	if !r.Mode.writes() {
		return out, nil
	}
	if r.Runtime.Path != "" {
		rec.Runtime, rec.RuntimeVersion = r.Runtime.Path, r.Runtime.Version(r.Store.Dir)
	}
	if err := r.Store.Save(rec); err != nil {
		r.undo(out)
		return nil, fmt.Errorf("record container %s: %w", r.ID, err)
	}
	findings = append(findings, r.rewriteFindings(pl, proc, out.Applied)...)
	if len(pl.Grant) > 0 {
		r.count(pl, metrics.Repair)
	} else {
		r.count(pl)
	}
	return out, nil
}

// count adds a container the contract applied to, its skew and what else happened.
func (r Request) count(pl *rewrite.Plan, events ...metrics.Event) {
	if !r.Mode.writes() || (r.Mode == Precreate && pl.Err() != nil) {
		// Precreate hands a denied container to its createRuntime hook, which counts it.
		return
	}
	events = append([]metrics.Event{metrics.Matched}, events...)
	if !pl.Missing.IsEmpty() {
		events = append(events, metrics.Skew)
	}
	r.Metrics.Add(pl.Contract.Name, events...)
}

// Undo removes what Admit left for the container: for a caller whose own step after
// Admit (writing the spec) failed.
func (r Request) Undo(out *Outcome) { r.undo(out) }

func (r Request) undo(out *Outcome) {
	if out == nil || !r.Mode.writes() {
		return
	}
	if err := r.Store.Remove(r.Root, r.ID); err != nil && r.Log != nil {
		r.Log.WithError(err).Warn("could not remove the container's oshim files")
	}
}

// newRecord is the report record of the plan, as the rewrite leaves the container.
func newRecord(r Request, pl *rewrite.Plan, proc *specs.Process) *records.Container {
	c := pl.Contract
	return &records.Container{
		ID: r.ID, Root: r.Root, Bundle: r.Bundle, PidFile: r.PidFile, Arg0: rewrite.WorkloadArg0(proc.Args), UID: proc.User.UID, Pod: r.pod,
		Contract: c.Name, Bounding: string(c.Bounding), OnSkew: string(c.OnSkew),
		Skew: pl.Skew(), Repair: pl.Repair(), Lent: len(pl.Lend) > 0, NoNewPrivs: c.NoNewPrivs,
		Before: pl.Before, After: pl.After(), Main: pl.Main(),
		Created: time.Now().UTC(), Init: c.WantsInit(),
	}
}

// IsDenied reports whether err is a deny contract's refusal.
func IsDenied(err error) bool {
	var d *rewrite.DeniedError
	return errors.As(err, &d)
}

// Exec caps an exec session's process (a process.json object) of a contracted
// container to what its record allows: the main process's capabilities (none when the
// bounding set is cleared), and noNewPrivileges when the contract sets it. It returns
// the changes made.
func Exec(o *spec.Object, rec *records.Container) ([]string, error) {
	return rewrite.CapExec(o, rewrite.ExecLimits{Main: rec.Main, Cleared: rec.Bounding == string(contract.BoundingClear), NoNewPrivs: rec.NoNewPrivs})
}

// rootfs is the container's root filesystem on the host, to resolve mount destinations
// through the image's symlinks: root.path, relative to the bundle unless absolute; ""
// when it cannot be told (no root.path, or a relative one and no bundle, as at podman's
// precreate).
func (r Request) rootfs() string {
	var p string
	if _, err := r.Spec.Lookup(&p, "root", "path"); err != nil || p == "" {
		return ""
	}
	switch {
	case filepath.IsAbs(p):
		return p
	case r.Bundle != "":
		return filepath.Join(r.Bundle, p)
	}
	return ""
}
