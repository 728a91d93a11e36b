package rewrite

import (
	"reflect"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oshim/oshim/internal/caps"
	"github.com/oshim/oshim/internal/contract"
)

var defaultCaps = []string{"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETGID", "CAP_SETUID", "CAP_SYS_CHROOT"}

func supervisor(mode contract.OnSkew) *contract.Contract {
	return &contract.Contract{Name: "sandbox-supervisor", Require: []contract.CapName{contract.CapName(caps.SETPCAP)}, OnSkew: mode, Bounding: contract.BoundingSpec}
}

func process(uid uint32, c *specs.LinuxCapabilities) *specs.Process {
	return &specs.Process{User: specs.User{UID: uid}, Args: []string{"/x"}, Capabilities: c}
}

func TestPlan(t *testing.T) {
	withSetpcap := append(append([]string{}, defaultCaps...), "CAP_SETPCAP")
	tests := []struct {
		description string
		contract    *contract.Contract
		process     *specs.Process
		wantSkew    string
		wantRepair  string
		wantAfter   Lists
		wantErr     bool
	}{
		{
			description: "root missing SETPCAP everywhere: repair adds it to bounding, effective, permitted",
			contract:    supervisor(contract.Repair),
			process:     process(0, &specs.LinuxCapabilities{Bounding: defaultCaps, Effective: defaultCaps, Permitted: defaultCaps}),
			wantSkew:    "missing=CAP_SETPCAP",
			wantRepair:  "granted CAP_SETPCAP in bounding,effective,permitted",
			wantAfter:   Lists{"bounding": withSetpcap, "effective": withSetpcap, "permitted": withSetpcap},
		},
		{
			description: "root missing only effective",
			contract:    supervisor(contract.Repair),
			process:     process(0, &specs.LinuxCapabilities{Bounding: withSetpcap, Effective: defaultCaps, Permitted: withSetpcap}),
			wantSkew:    "missing=CAP_SETPCAP",
			wantRepair:  "granted CAP_SETPCAP in effective",
			wantAfter:   Lists{"bounding": withSetpcap, "effective": withSetpcap, "permitted": withSetpcap},
		},
		{
			description: "non-root also needs inheritable and ambient",
			contract:    supervisor(contract.Repair),
			process:     process(1000, &specs.LinuxCapabilities{Bounding: withSetpcap, Effective: withSetpcap, Permitted: withSetpcap}),
			wantSkew:    "missing=CAP_SETPCAP",
			wantRepair:  "granted CAP_SETPCAP in inheritable,ambient",
			wantAfter:   Lists{"bounding": withSetpcap, "effective": withSetpcap, "permitted": withSetpcap, "inheritable": {"CAP_SETPCAP"}, "ambient": {"CAP_SETPCAP"}},
		},
		{
			description: "no skew changes nothing",
			contract:    supervisor(contract.Repair),
			process:     process(0, &specs.LinuxCapabilities{Bounding: withSetpcap, Effective: withSetpcap, Permitted: withSetpcap}),
			wantSkew:    "none",
			wantRepair:  "none",
			wantAfter:   Lists{"bounding": withSetpcap, "effective": withSetpcap, "permitted": withSetpcap, "inheritable": nil, "ambient": nil},
		},
		{
			description: "lower-case name does not count: runc ignores it",
			contract:    supervisor(contract.Repair),
			process:     process(0, &specs.LinuxCapabilities{Bounding: []string{"cap_setpcap"}, Effective: []string{"CAP_SETPCAP"}, Permitted: []string{"CAP_SETPCAP"}}),
			wantSkew:    "missing=CAP_SETPCAP",
			wantRepair:  "granted CAP_SETPCAP in bounding",
			wantAfter:   Lists{"bounding": {"cap_setpcap", "CAP_SETPCAP"}, "effective": {"CAP_SETPCAP"}, "permitted": {"CAP_SETPCAP"}, "inheritable": nil, "ambient": nil},
		},
		{
			description: "no capabilities object at all",
			contract:    supervisor(contract.Repair),
			process:     process(0, nil),
			wantSkew:    "missing=CAP_SETPCAP",
			wantRepair:  "granted CAP_SETPCAP in bounding,effective,permitted",
			wantAfter:   Lists{"bounding": {"CAP_SETPCAP"}, "effective": {"CAP_SETPCAP"}, "permitted": {"CAP_SETPCAP"}},
		},
		{
			description: "report records and changes nothing",
			contract:    supervisor(contract.Report),
			process:     process(0, &specs.LinuxCapabilities{Bounding: defaultCaps}),
			wantSkew:    "missing=CAP_SETPCAP",
			wantRepair:  "none",
			wantAfter:   Lists{"bounding": defaultCaps, "effective": nil, "permitted": nil, "inheritable": nil, "ambient": nil},
		},
		{
			description: "deny refuses",
			contract:    supervisor(contract.Deny),
			process:     process(0, &specs.LinuxCapabilities{Bounding: defaultCaps}),
			wantSkew:    "missing=CAP_SETPCAP",
			wantRepair:  "none",
			wantAfter:   Lists{"bounding": defaultCaps, "effective": nil, "permitted": nil, "inheritable": nil, "ambient": nil},
			wantErr:     true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			pl := NewPlan(tc.contract, tc.process)
			if got := pl.Skew(); got != tc.wantSkew {
				t.Errorf("Skew() = %q, want %q", got, tc.wantSkew)
			}
			if got := pl.Repair(); got != tc.wantRepair {
				t.Errorf("Repair() = %q, want %q", got, tc.wantRepair)
			}
			if got := nonEmpty(pl.After()); !reflect.DeepEqual(got, nonEmpty(tc.wantAfter)) {
				t.Errorf("After() = %v, want %v", got, tc.wantAfter)
			}
			if err := pl.Err(); (err != nil) != tc.wantErr {
				t.Errorf("Err() = %v, want error %v", err, tc.wantErr)
			}
		})
	}
}

// nonEmpty drops empty lists: an absent list and an empty one grant the same.
func nonEmpty(l Lists) Lists {
	out := Lists{}
	for k, v := range l {
		if len(v) > 0 {
			out[k] = v
		}
	}
	return out
}

func TestDeniedMessage(t *testing.T) {
	pl := NewPlan(supervisor(contract.Deny), process(0, &specs.LinuxCapabilities{Bounding: defaultCaps}))
	want := `contract "sandbox-supervisor": the spec withholds CAP_SETPCAP, which the workload requires (on_skew=deny)`
	if err := pl.Err(); err == nil || err.Error() != want {
		t.Fatalf("Err() = %v, want %q", err, want)
	}
}

// FuzzPlan checks the rewrite's two promises for any spec and contract: it never adds a
// cap outside the contract's require, and never removes one.
func FuzzPlan(f *testing.F) {
	f.Add(uint64(1<<8), uint64(0xff), uint64(0xff), uint64(0), uint64(0), uint64(0), uint32(0), uint8(0))
	f.Add(uint64(1<<21|1<<8), uint64(0), uint64(1<<8), uint64(3), uint64(1), uint64(0), uint32(1000), uint8(1))
	f.Fuzz(func(t *testing.T, req, b, e, p, i, a uint64, uid uint32, mode uint8) {
		known := caps.FullSet(caps.CHECKPOINT_RESTORE)
		names := func(s uint64) []string { return caps.Set(s).Intersect(known).Names() }
		c := &contract.Contract{Name: "f", OnSkew: []contract.OnSkew{contract.Repair, contract.Report, contract.Deny}[mode%3]}
		for _, cp := range caps.Set(req).Intersect(known).Caps() {
			c.Require = append(c.Require, contract.CapName(cp))
		}
		before := &specs.LinuxCapabilities{Bounding: names(b), Effective: names(e), Permitted: names(p), Inheritable: names(i), Ambient: names(a)}
		pl := NewPlan(c, process(uid, before))
		after := pl.After()
		for _, key := range setKeys {
			was, now := pl.Before.Set(key), after.Set(key)
			if !now.Minus(was).Minus(c.Required()).IsEmpty() {
				t.Fatalf("%s gained %v outside require %v", key, now.Minus(was), c.Required())
			}
			if !was.Minus(now).IsEmpty() {
				t.Fatalf("%s lost %v", key, was.Minus(now))
			}
			if c.OnSkew != contract.Repair && now != was {
				t.Fatalf("on_skew=%s changed %s", c.OnSkew, key)
			}
		}
	})
}
