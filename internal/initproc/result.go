package initproc

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/oshim/oshim/internal/caps"
)

// Result is what the init reports to the host through the result FIFO, written by
// oshim-init in one write(2). Sets travel as hex masks so the message stays within one
// atomic pipe write (PIPE_BUF).
type Result struct {
	OK bool `json:"ok"`
	// Step names the failed step; Errno and Message say why.
	Step    string `json:"step,omitempty"`
	Errno   int    `json:"errno,omitempty"`
	Message string `json:"message,omitempty"`
	// Probe is "ok", "denied" or "skipped" (CAP_SETPCAP was not effective).
	Probe      string    `json:"probe"`
	State      wireState `json:"state"`
	NoNewPrivs bool      `json:"noNewPrivs"`
	Seccomp    int       `json:"seccomp"`
	LSM        string    `json:"lsm,omitempty"`
	// ReportOnly: the init ran with --report-only, so it changed nothing and a
	// failure did not stop the workload.
	ReportOnly bool `json:"reportOnly,omitempty"`
}

type wireState struct {
	Effective   mask `json:"eff"`
	Permitted   mask `json:"prm"`
	Inheritable mask `json:"inh"`
	Bounding    mask `json:"bnd"`
	Ambient     mask `json:"amb"`
}

// CapState returns the measured sets.
func (r *Result) CapState() caps.State {
	w := r.State
	return caps.State{Effective: caps.Set(w.Effective), Permitted: caps.Set(w.Permitted), Inheritable: caps.Set(w.Inheritable), Bounding: caps.Set(w.Bounding), Ambient: caps.Set(w.Ambient)}
}

type mask uint64

func (m *mask) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return fmt.Errorf("capability mask %q: %w", s, err)
	}
	*m = mask(v)
	return nil
}

// MaxResult is the largest message the host accepts: one atomic pipe write.
const MaxResult = 4096

// DecodeResult parses a message read from the result FIFO.
func DecodeResult(b []byte) (*Result, error) {
	if len(b) > MaxResult {
		return nil, fmt.Errorf("init result of %d bytes is over %d", len(b), MaxResult)
	}
	var r Result
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("decode init result: %w", err)
	}
	return &r, nil
}

// Summary is the one-line verdict published as io.oshim.result.
func (r *Result) Summary() string {
	st := r.CapState()
	if !r.OK && r.ReportOnly {
		return fmt.Sprintf("reported: %s: %s", r.Step, r.Message)
	}
	if !r.OK {
		return fmt.Sprintf("denied: %s: %s", r.Step, r.Message)
	}
	return fmt.Sprintf("ok: bnd=%s caps=%s amb=%s probe=%s", st.Bounding, st.Effective, st.Ambient, r.Probe)
}
