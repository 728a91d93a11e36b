// Package explain is `oshim explain`: a dry run of the rewrite for one config.json. It
// tells which contract applies and why (or why none does), the skew, the planned
// rewrite, and the capability sets the workload will start with, computed by the
// kernel's rules. It reads files and changes none.
package explain

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oshim/oshim/internal/admit"
	"github.com/oshim/oshim/internal/annotation"
	"github.com/oshim/oshim/internal/caps"
	"github.com/oshim/oshim/internal/config"
	"github.com/oshim/oshim/internal/initproc"
	"github.com/oshim/oshim/internal/rewrite"
	"github.com/oshim/oshim/internal/spec"
)

// Explanation is the dry run's result.
type Explanation struct {
	// Spec is the config.json read; Config the admin config ("" when there is none).
	Spec   string `json:"spec"`
	Config string `json:"config"`
	Arg0   string `json:"arg0"`
	UID    uint32 `json:"uid"`
	// Root is whether the process runs as uid 0, which decides what survives execve.
	Root bool `json:"root"`
	// Contract is the contract that applies; "" for none, and then Why says why not.
	Contract string   `json:"contract,omitempty"`
	Why      []string `json:"why"`
	// Outcome is what the create does, in one line.
	Outcome string `json:"outcome"`
	// Refused is the error the create fails with, when it does.
	Refused string `json:"refused,omitempty"`
	// Mode is the contract's settings after the container's annotations narrowed them.
	Mode *Mode `json:"mode,omitempty"`
	// Skew is the io.oshim.skew record; Missing its caps.
	Skew    string   `json:"skew,omitempty"`
	Missing []string `json:"missing,omitempty"`
	// Rewrite is the planned change to config.json; nil when nothing would be written.
	Rewrite *Rewrite `json:"rewrite,omitempty"`
	// Caps follows the capability sets from the spec to the workload.
	Caps     Prediction `json:"capabilities"`
	Warnings []string   `json:"warnings,omitempty"`
}

// Mode is the contract's settings as they apply to this container.
type Mode struct {
	Require    []string `json:"require"`
	Bounding   string   `json:"bounding"`
	OnSkew     string   `json:"onSkew"`
	Init       bool     `json:"init"`
	NoNewPrivs bool     `json:"noNewPrivs"`
}

// Rewrite is what the create would change in config.json.
type Rewrite struct {
	// Granted maps a capability list to the caps the repair adds to it.
	Granted map[string][]string `json:"granted,omitempty"`
	// Lent maps a list to the caps lent to the init; Dropped are removed by the init
	// from every set before the workload starts.
	Lent    map[string][]string `json:"lent,omitempty"`
	Dropped []string            `json:"dropped,omitempty"`
	// ClearBounding: the init empties the bounding set.
	ClearBounding bool `json:"clearBounding"`
	// Args is process.args after the rewrite: the init's, then the workload's.
	Args []string `json:"args"`
	// Mounts are the init's bind mounts (its binary and its result FIFO); none
	// without an init.
	Mounts []specs.Mount `json:"mounts,omitempty"`
	// NoNewPrivileges is the value after the rewrite; NoNewPrivilegesSet says the
	// rewrite set it.
	NoNewPrivileges    bool `json:"noNewPrivileges"`
	NoNewPrivilegesSet bool `json:"noNewPrivilegesSet"`
	// Capabilities are process.capabilities after the rewrite, lent caps included.
	Capabilities *specs.LinuxCapabilities `json:"capabilities"`
	// Annotations are the records the rewrite writes.
	Annotations map[string]string `json:"annotations"`
}

// Explain dry-runs the create of the config.json at specPath under cfg (loaded from
// cfg.Path), through the same admission as runtime mode with nothing written. runDir
// is where the wrapper would keep the container's files. It returns an error only when
// the spec cannot be read; a create that would fail is an Explanation with Refused set.
func Explain(cfg *config.Config, specPath, runDir string) (*Explanation, error) {
	f, err := spec.Load(specPath)
	if err != nil {
		return nil, err
	}
	ex := &Explanation{Spec: specPath, Config: cfg.Path, Why: []string{}}
	proc, err := spec.ReadProcess(f.Object, "process")
	if errors.Is(err, spec.ErrNotFound) {
		ex.Outcome = "no contract: the spec has no process, oshim passes it through unchanged"
		return ex, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", specPath, err)
	}
	ex.UID, ex.Root = proc.User.UID, proc.User.UID == 0
	full := kernelCaps()
	unchanged := func() (*Explanation, error) {
		ex.Caps, ex.Warnings = predict(proc, false, initproc.Options{}, full)
		ex.Warnings = append(ex.Warnings, linuxWarnings(f.Object, false)...)
		return ex, nil
	}
	if len(proc.Args) == 0 {
		ex.Outcome = "no contract: process.args is empty, oshim passes the spec through unchanged"
		return unchanged()
	}
	ex.Arg0 = rewrite.WorkloadArg0(proc.Args)
	if err := ex.selection(cfg, f.Object); err != nil {
		return unchanged()
	}
	bundle := filepath.Dir(specPath)
	out, err := admit.Admit(admit.Request{
		Mode: admit.Explain, Spec: f.Object, Contracts: cfg.Set, Bundle: bundle,
		// The container id and runtime root are not known before the create.
		InitSource: filepath.Join(runDir, "<runtime-root>", "<container-id>", "init"),
	})
	if out != nil && len(out.Scrubbed) > 0 {
		ex.Warnings = append(ex.Warnings, fmt.Sprintf("the spec carries annotations only oshim may write, which the create removes: %s", strings.Join(out.Scrubbed, ", ")))
	}
	switch {
	case err != nil && admit.IsDenied(err):
		ex.Skew, ex.Missing = out.Plan.Skew(), out.Plan.Missing.Names()
		ex.Refused = err.Error()
		ex.Outcome = "refused: the runtime is never called and config.json stays as it is"
		return unchanged()
	case err != nil:
		ex.Refused = fmt.Sprintf("%s: %v", specPath, err)
		ex.Outcome = "refused: the rewrite fails, the runtime is never called"
		return ex, nil
	case out.Plan == nil:
		return unchanged()
	}
	pl := out.Plan
	ex.Skew, ex.Missing = pl.Skew(), pl.Missing.Names()
	after, err := spec.ReadProcess(f.Object, "process")
	if err != nil {
		return nil, fmt.Errorf("read the rewritten process: %w", err)
	}
	if ex.Rewrite, err = planned(f.Object, pl, out.Applied, after); err != nil {
		return nil, err
	}
	ex.Caps, ex.Warnings = predict(after, pl.Contract.WantsInit(), pl.InitOptions(), full)
	ex.Warnings = append(ex.Warnings, linuxWarnings(f.Object, pl.Contract.WantsInit())...)
	ex.Outcome = outcome(pl, ex.Caps)
	return ex, nil
}

// selection records which contract applies and why, as the create would choose it.
// It returns an error when the annotations ask for what the config does not allow.
func (ex *Explanation) selection(cfg *config.Config, o *spec.Object) error {
	if cfg.Set.Len() == 0 {
		where := "the admin config " + cfg.Path + " has no contracts"
		if cfg.Path == "" {
			where = "there is no admin config"
		}
		ex.Why = append(ex.Why, where)
		ex.Outcome = "no contract: oshim passes the spec through unchanged"
		return nil
	}
	var annotations map[string]string
	if _, err := o.Lookup(&annotations, "annotations"); err != nil {
		ex.Refused = fmt.Sprintf("annotations: %v", err)
		ex.Outcome = "refused: the spec's annotations cannot be read"
		return err
	}
	c, why, err := cfg.Set.Explain(ex.Arg0, annotations)
	if err != nil {
		ex.Refused = err.Error()
		ex.Outcome = "refused: the container's annotations ask for something the config does not allow"
		return err
	}
	ex.Why = append(ex.Why, why...)
	if c == nil {
		ex.Outcome = "no contract: oshim passes the spec through unchanged"
		return nil
	}
	ex.Contract = c.Name
	ex.Mode = &Mode{Require: c.Required().Names(), Bounding: string(c.Bounding), OnSkew: string(c.OnSkew), Init: c.WantsInit(), NoNewPrivs: c.NoNewPrivs}
	return nil
}

// planned reads the rewrite back from the rewritten object.
func planned(o *spec.Object, pl *rewrite.Plan, applied rewrite.Applied, after *specs.Process) (*Rewrite, error) {
	rw := &Rewrite{
		Granted: byList(pl.Grant), Lent: byList(pl.Lend), Dropped: pl.Drop.Names(),
		ClearBounding: pl.InitOptions().ClearBounding,
		Args:          after.Args, NoNewPrivileges: after.NoNewPrivileges,
		NoNewPrivilegesSet: applied.NoNewPrivs,
		Capabilities:       after.Capabilities,
		Annotations:        map[string]string{},
	}
	var mounts []specs.Mount
	if _, err := o.Lookup(&mounts, "mounts"); err != nil {
		return nil, fmt.Errorf("read the rewritten mounts: %w", err)
	}
	for _, m := range mounts {
		if strings.HasPrefix(filepath.Clean(m.Destination)+"/", initproc.MountDir+"/") {
			rw.Mounts = append(rw.Mounts, m)
		}
	}
	for _, k := range []string{annotation.Contract, annotation.Skew, annotation.Repair} {
		var v string
		if _, err := o.Lookup(&v, "annotations", k); err != nil {
			return nil, fmt.Errorf("read the rewritten annotation %s: %w", k, err)
		}
		rw.Annotations[k] = v
	}
	return rw, nil
}

func byList(m map[string]caps.Set) map[string][]string {
	out := map[string][]string{}
	for k, s := range m {
		if !s.IsEmpty() {
			out[k] = s.Names()
		}
	}
	return out
}

// outcome says in one line what happens to the container.
func outcome(pl *rewrite.Plan, pr Prediction) string {
	switch {
	case pr.InitReports != "":
		return "runs unrepaired (on_skew = report): the init reports and does not stop the workload: " + pr.InitReports
	case pr.InitRefuses != "":
		return "the init stops the container before the workload (exit " + strconv.Itoa(initproc.ExitVerify) + "): " + pr.InitRefuses
	case !pl.Missing.IsEmpty() && pl.Observes():
		return "runs unrepaired (on_skew = report): the skew is recorded, nothing is granted"
	case !pl.Missing.IsEmpty():
		return "runs repaired"
	}
	return "runs: the spec already gives what the contract requires"
}

// linuxWarnings are what the spec's linux section says about the probe of
// PR_CAPBSET_DROP and, withInit, about the init's other system calls.
func linuxWarnings(o *spec.Object, withInit bool) []string {
	var s *specs.LinuxSeccomp
	if _, err := o.Lookup(&s, "linux", "seccomp"); err != nil {
		return []string{fmt.Sprintf("linux.seccomp is unreadable: %v", err)}
	}
	return seccompWarnings(s, withInit)
}

// kernelCaps is the running kernel's full set, or every cap this build knows when the
// kernel does not say.
func kernelCaps() caps.Set {
	last, err := caps.LastCap()
	if err != nil {
		known := caps.Known()
		return caps.FullSet(known[len(known)-1])
	}
	return caps.FullSet(last)
}
