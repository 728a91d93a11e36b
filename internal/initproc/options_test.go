package initproc

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/oshim/oshim/internal/caps"
)

func TestArgsRoundTrip(t *testing.T) {
	tests := []struct {
		description string
		opts        Options
		workload    []string
	}{
		{description: "nothing but verification", workload: []string{"/bin/true"}},
		{description: "clear with a loan", opts: Options{ClearBounding: true, Drop: caps.NewSet(caps.SETPCAP), Result: ResultPipe}, workload: []string{"sh", "-c", "echo --"}},
		{description: "required caps", opts: Options{Require: caps.NewSet(caps.SETPCAP, caps.NET_ADMIN)}, workload: []string{"--", "x"}},
		{description: "report only", opts: Options{ReportOnly: true, ClearBounding: true, Require: caps.NewSet(caps.SETPCAP), Result: ResultPipe}, workload: []string{"/bin/true"}},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			args := tc.opts.Args(tc.workload)
			if args[0] != Binary {
				t.Fatalf("Args = %q, want %s ...", args, Binary)
			}
			got, workload, err := ParseArgs(args[1:])
			if err != nil {
				t.Fatalf("ParseArgs(%q): %v", args[1:], err)
			}
			if !reflect.DeepEqual(got, tc.opts) || !reflect.DeepEqual(workload, tc.workload) {
				t.Fatalf("ParseArgs = %+v %q, want %+v %q", got, workload, tc.opts, tc.workload)
			}
		})
	}
}

func TestParseArgsErrors(t *testing.T) {
	tests := []struct {
		description string
		args        []string
		want        string
	}{
		{description: "no workload", args: []string{"--clear-bounding"}, want: "no workload"},
		{description: "empty workload", args: []string{"--"}, want: "no workload"},
		{description: "unknown flag", args: []string{"--widen", "--", "x"}, want: "unknown argument"},
		{description: "missing value", args: []string{"--drop"}, want: "needs a value"},
		{description: "bad cap", args: []string{"--drop", "CAP_NOPE", "--", "x"}, want: "CAP_NOPE"},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			_, _, err := ParseArgs(tc.args)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ParseArgs(%q) error = %v, want %q", tc.args, err, tc.want)
			}
		})
	}
}

func FuzzParseArgs(f *testing.F) {
	f.Add("--clear-bounding\x00--drop\x00CAP_SETPCAP\x00--\x00sh")
	f.Add("--require\x00CAP_SETPCAP,CAP_NET_ADMIN\x00--result\x00/r\x00--\x00x")
	f.Fuzz(func(t *testing.T, joined string) {
		o, workload, err := ParseArgs(strings.Split(joined, "\x00"))
		if err != nil {
			return
		}
		if len(workload) == 0 {
			t.Fatal("parsed without a workload")
		}
		again, w2, err := ParseArgs(o.Args(workload)[1:])
		if err != nil || !reflect.DeepEqual(again, o) || !reflect.DeepEqual(w2, workload) {
			t.Fatalf("round trip: %+v %q %v, want %+v %q", again, w2, err, o, workload)
		}
	})
}

func TestTarget(t *testing.T) {
	sp := caps.NewSet(caps.SETPCAP)
	def := caps.NewSet(caps.CHOWN, caps.KILL, caps.NET_BIND_SERVICE)
	tests := []struct {
		description string
		start       caps.State
		opts        Options
		root        bool
		want        caps.State
	}{
		{
			description: "root, clear with a loan: bounding empty, loan gone, inheritable carries the caps",
			start:       caps.State{Effective: def | sp, Permitted: def | sp, Bounding: def | sp},
			opts:        Options{ClearBounding: true, Drop: sp},
			root:        true,
			want:        caps.State{Effective: def, Permitted: def, Inheritable: def},
		},
		{
			description: "root, clear, SETPCAP required: it stays",
			start:       caps.State{Effective: def | sp, Permitted: def | sp, Bounding: def | sp},
			opts:        Options{ClearBounding: true, Require: sp},
			root:        true,
			want:        caps.State{Effective: def | sp, Permitted: def | sp, Inheritable: def | sp},
		},
		{
			description: "non-root, clear: ambient keeps the caps, inheritable is not raised",
			start:       caps.State{Effective: def | sp, Permitted: def | sp, Inheritable: def | sp, Ambient: def | sp, Bounding: def | sp},
			opts:        Options{ClearBounding: true, Drop: sp},
			want:        caps.State{Effective: def, Permitted: def, Inheritable: def, Ambient: def},
		},
		{
			description: "verification only changes nothing",
			start:       caps.State{Effective: def, Permitted: def, Bounding: def},
			root:        true,
			want:        caps.State{Effective: def, Permitted: def, Bounding: def},
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			if got := Target(tc.start, tc.opts, tc.root); !got.Equal(tc.want) {
				t.Fatalf("Target = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestDecodeResult(t *testing.T) {
	// As oshim-init writes them (see TestInitBehaviour for the real ones).
	tests := []struct {
		description string
		msg         string
		want        Result
		summary     string
	}{
		{
			description: "ok",
			msg:         `{"ok":true,"probe":"ok","state":{"eff":"100","prm":"100","inh":"0","bnd":"1ffffffffff","amb":"0"},"noNewPrivs":false,"seccomp":2}`,
			want:        Result{OK: true, Probe: "ok", State: wireState{Effective: 0x100, Permitted: 0x100, Bounding: 0x1ffffffffff}, Seccomp: 2},
			summary:     "ok: bnd=CAP_CHOWN,",
		},
		{
			description: "refused, report only",
			msg:         `{"ok":false,"step":"verify","message":"the workload would start without CAP_SETPCAP","probe":"skipped","state":{"eff":"0","prm":"0","inh":"0","bnd":"0","amb":"0"},"noNewPrivs":true,"seccomp":0,"lsm":"none","reportOnly":true}`,
			want:        Result{Step: "verify", Message: "the workload would start without CAP_SETPCAP", Probe: "skipped", NoNewPrivs: true, LSM: "none", ReportOnly: true},
			summary:     "reported: verify: the workload would start without CAP_SETPCAP",
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			got, err := DecodeResult([]byte(tc.msg))
			if err != nil {
				t.Fatalf("DecodeResult(%s): %v", tc.msg, err)
			}
			if !reflect.DeepEqual(*got, tc.want) {
				t.Fatalf("DecodeResult = %+v, want %+v", *got, tc.want)
			}
			if s := got.Summary(); !strings.HasPrefix(s, tc.summary) {
				t.Fatalf("Summary = %q, want %q...", s, tc.summary)
			}
		})
	}
}

// refResult is the result as encoding/json reads it, the reference DecodeResult is held
// to.
type refResult struct {
	OK      bool   `json:"ok"`
	Step    string `json:"step"`
	Errno   int    `json:"errno"`
	Message string `json:"message"`
	Probe   string `json:"probe"`
	State   struct {
		Eff refMask `json:"eff"`
		Prm refMask `json:"prm"`
		Inh refMask `json:"inh"`
		Bnd refMask `json:"bnd"`
		Amb refMask `json:"amb"`
	} `json:"state"`
	NoNewPrivs bool   `json:"noNewPrivs"`
	Seccomp    int    `json:"seccomp"`
	LSM        string `json:"lsm"`
	ReportOnly bool   `json:"reportOnly"`
}

type refMask uint64

func (m *refMask) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := strconv.ParseUint(s, 16, 64)
	*m = refMask(v)
	return err
}

func (r refResult) result() Result {
	st := r.State
	return Result{
		OK: r.OK, Step: r.Step, Errno: r.Errno, Message: r.Message, Probe: r.Probe,
		State:      wireState{Effective: uint64(st.Eff), Permitted: uint64(st.Prm), Inheritable: uint64(st.Inh), Bounding: uint64(st.Bnd), Ambient: uint64(st.Amb)},
		NoNewPrivs: r.NoNewPrivs, Seccomp: r.Seccomp, LSM: r.LSM, ReportOnly: r.ReportOnly,
	}
}

func TestDecodeResultRefuses(t *testing.T) {
	for _, msg := range []string{
		`{"OK":true}`,
		`{"ok":true,"extra":1}`,
		`{"state":{"eff":null}}`,
		`{"state":{"eff":"0x10"}}`,
		`{"state":{"eff":16}}`,
		`{"state":{"cap":"0"}}`,
		`{"errno":1.5}`,
		`{"ok":"true"}`,
		`[]`,
		`{"ok":true} {}`,
		strings.Repeat(" ", MaxResult+1),
	} {
		if r, err := DecodeResult([]byte(msg)); err == nil {
			t.Errorf("DecodeResult(%.40s) = %+v, want an error", msg, *r)
		}
	}
}

// FuzzDecodeResult holds DecodeResult to encoding/json: what it accepts, encoding/json
// reads into the same fields.
func FuzzDecodeResult(f *testing.F) {
	f.Add([]byte(`{"ok":true,"probe":"ok","state":{"eff":"100","prm":"100","inh":"0","bnd":"0","amb":"0"}}`))
	f.Add([]byte(`{"ok":false,"step":"verify","errno":-1,"message":"a\u00e9\"","probe":null,"state":null,"ok":null,"seccomp":2,"lsm":"none","reportOnly":true}`))
	f.Add([]byte(`{"state":{"eff":"\u0031f","eff":"ffffffffffffffff"},"noNewPrivs":true,"x":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := DecodeResult(b)
		if err != nil {
			return
		}
		_ = got.Summary()
		var ref refResult
		if err := json.Unmarshal(b, &ref); err != nil {
			t.Fatalf("%q: DecodeResult accepted %+v, encoding/json refused: %v", b, *got, err)
		}
		if want := ref.result(); *got != want {
			t.Fatalf("%q: DecodeResult = %+v, encoding/json = %+v", b, *got, want)
		}
	})
}
