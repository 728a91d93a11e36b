package initproc

import (
	"fmt"
	"strconv"

	"github.com/oshim/oshim/internal/caps"
	"github.com/oshim/oshim/internal/jsonread"
)

// Result is what the init reports to the host through the result FIFO, written by
// oshim-init in one write(2) as a JSON object; the wire key of each field is in
// brackets. Sets travel as hex masks so the message stays within one atomic pipe write
// (PIPE_BUF).
type Result struct {
	OK bool // ok
	// Step names the failed step; Errno and Message say why.
	Step    string // step
	Errno   int    // errno
	Message string // message
	// Probe is "ok", "denied" or "skipped" (CAP_SETPCAP was not effective).
	Probe      string    // probe
	State      wireState // state
	NoNewPrivs bool      // noNewPrivs
	Seccomp    int       // seccomp
	LSM        string    // lsm
	// ReportOnly: the init ran with --report-only, so it changed nothing and a
	// failure did not stop the workload.
	ReportOnly bool // reportOnly
}

// wireState holds the measured sets as they travel: eff, prm, inh, bnd, amb.
type wireState struct {
	Effective, Permitted, Inheritable, Bounding, Ambient uint64
}

// CapState returns the measured sets.
func (r *Result) CapState() caps.State {
	w := r.State
	return caps.State{Effective: caps.Set(w.Effective), Permitted: caps.Set(w.Permitted), Inheritable: caps.Set(w.Inheritable), Bounding: caps.Set(w.Bounding), Ambient: caps.Set(w.Ambient)}
}

// MaxResult is the largest message the host accepts: one atomic pipe write.
const MaxResult = 4096

// DecodeResult parses a message read from the result FIFO. It is read by hand: built
// by reflection, encoding/json's decoder cost every start of a container with an init
// about a millisecond, on the path between the init's report and the start's return.
// It refuses what oshim-init never writes (an unknown key, a key in other case, a
// mask that is null or not hex), and what it accepts reads as encoding/json would read
// it into the same fields: null leaves a field as it is, the last of a repeated key
// wins.
func DecodeResult(b []byte) (*Result, error) {
	if len(b) > MaxResult {
		return nil, fmt.Errorf("init result of %d bytes is over %d", len(b), MaxResult)
	}
	var res Result
	r := jsonread.New(b)
	r.Object(func(key string) {
		if r.Null() {
			return
		}
		switch key {
		case "ok":
			res.OK = r.Bool()
		case "step":
			res.Step = r.String()
		case "errno":
			res.Errno = int(r.Int(strconv.IntSize))
		case "message":
			res.Message = r.String()
		case "probe":
			res.Probe = r.String()
		case "state":
			r.Object(func(key string) { readMask(r, &res.State, key) })
		case "noNewPrivs":
			res.NoNewPrivs = r.Bool()
		case "seccomp":
			res.Seccomp = int(r.Int(strconv.IntSize))
		case "lsm":
			res.LSM = r.String()
		case "reportOnly":
			res.ReportOnly = r.Bool()
		default:
			r.Fail("unknown key %q", key)
		}
	})
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("decode init result: %w", err)
	}
	return &res, nil
}

// readMask reads the mask of state's member key, a hex string.
func readMask(r *jsonread.Reader, w *wireState, key string) {
	var m *uint64
	switch key {
	case "eff":
		m = &w.Effective
	case "prm":
		m = &w.Permitted
	case "inh":
		m = &w.Inheritable
	case "bnd":
		m = &w.Bounding
	case "amb":
		m = &w.Ambient
	default:
		r.Fail("unknown key state.%q", key)
		return
	}
	if r.Null() {
		r.Fail("state.%s: want a capability mask in hex, not null", key)
		return
	}
	s := r.String()
	v, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		r.Fail("state.%s: capability mask %q is not hex", key, s)
		return
	}
	*m = v
}

// Summary is the one-line verdict published as io.oshim.result.
//
// It is built by concatenation: the call that starts a container with the init builds
// it between the report's arrival and its own return, where fmt's formatting of the
// sets, its first use in that process, cost about 0.2 ms of code paged in.
func (r *Result) Summary() string {
	if !r.OK {
		verdict := "denied: "
		if r.ReportOnly {
			verdict = "reported: "
		}
		return verdict + r.Step + ": " + r.Message
	}
	st := r.CapState()
	return "ok: bnd=" + st.Bounding.String() + " caps=" + st.Effective.String() + " amb=" + st.Ambient.String() + " probe=" + r.Probe
}
