package records

import (
	"time"

	"github.com/oshim/oshim/internal/podinfo"
)

// Container is oshim's record of one contracted container. The rewrite writes it at
// create; exec reads it to cap exec sessions; the report commands publish it.
type Container struct {
	ID     string `json:"id"`
	Root   string `json:"runtimeRoot,omitempty"`
	Bundle string `json:"bundle"`
	// PidFile is where the runtime writes the pid of the container's first process
	// (create's --pid-file), for the start that waits for the init's report to see that
	// process end.
	PidFile string `json:"pidFile,omitempty"`
	Arg0    string `json:"arg0"`
	// Pod is the container's identity in its orchestrator, when the engine passed it.
	Pod      podinfo.Info `json:"pod"`
	UID      uint32       `json:"uid"`
	Contract string       `json:"contract"`
	Bounding string       `json:"bounding"`
	OnSkew   string       `json:"onSkew"`
	Skew     string       `json:"skew"`
	Repair   string       `json:"repair"`
	// NoNewPrivs is the contract's no_new_privs: exec sessions get noNewPrivileges too.
	NoNewPrivs bool `json:"noNewPrivs,omitempty"`
	// SetNoNewPrivs says the rewrite set process.noNewPrivileges (the spec had it off).
	SetNoNewPrivs bool `json:"setNoNewPrivs,omitempty"`
	// Lent says the rewrite lent capabilities to the init, which must drop them before
	// the workload: a start whose init does not report success is then stopped.
	Lent bool `json:"lent,omitempty"`
	// Before and After are the spec's capability lists around the rewrite.
	Before map[string][]string `json:"specBefore"`
	After  map[string][]string `json:"specAfter"`
	// Main is what the container's main process holds when its workload starts:
	// the repaired lists without anything lent to the init. Exec sessions never get more.
	Main    map[string][]string `json:"mainProcess"`
	Runtime string              `json:"runtime"`
	// RuntimeVersion is the first line of `RUNTIME --version` at create.
	RuntimeVersion string    `json:"runtimeVersion,omitempty"`
	Created        time.Time `json:"created"`
	// Init says whether oshim's init was injected; Result is what it measured.
	Init   bool      `json:"init"`
	Result *Measured `json:"result,omitempty"`
}

// Measured is the init's report from inside the container, as the host received it.
type Measured struct {
	OK bool `json:"ok"`
	// Summary is the one-line verdict published as io.oshim.result.
	Summary string `json:"summary"`
	Step    string `json:"step,omitempty"`
	Errno   int    `json:"errno,omitempty"`
	Message string `json:"message,omitempty"`
	// Probe is the PR_CAPBSET_DROP readiness probe's verdict: ok, denied or skipped.
	Probe      string              `json:"probe"`
	State      map[string][]string `json:"state"`
	NoNewPrivs bool                `json:"noNewPrivs"`
	Seccomp    int                 `json:"seccomp"`
	LSM        string              `json:"lsm,omitempty"`
	// ReportOnly: the init only observed (on_skew = "report"), and the workload ran
	// whatever it found.
	ReportOnly bool      `json:"reportOnly,omitempty"`
	Received   time.Time `json:"received"`
}
