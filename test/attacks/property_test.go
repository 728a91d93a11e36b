package attacks

// Containment, sampled: random specs and contracts run as real containers, and the
// workload, read from /proc, holds at most the spec's capabilities plus what the
// contract requires (granted only by repair), nothing lent to the init, and an empty
// bounding set where the contract clears it. The same property is fuzzed over the
// planner and the rewrite in internal/explain.

import (
	"fmt"
	"math/rand"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/oshim/oshim/test/harness"
	"github.com/oshim/oshim/test/procstatus"
)

// sampleCaps are the caps the sample draws from, by number.
var sampleCaps = []int{0, 5, 8, 10, 12, 21, 29}

var capName = map[int]string{0: "CAP_CHOWN", 5: "CAP_KILL", 8: "CAP_SETPCAP", 10: "CAP_NET_BIND_SERVICE", 12: "CAP_NET_ADMIN", 21: "CAP_SYS_ADMIN", 29: "CAP_AUDIT_WRITE"}

type sample struct {
	lists   [5]procstatus.Mask // bounding, effective, permitted, inheritable, ambient
	require procstatus.Mask
	onSkew  string
	clear   bool
	uid     int
}

func randomMask(r *rand.Rand) procstatus.Mask {
	var m procstatus.Mask
	for _, c := range sampleCaps {
		if r.Intn(2) == 0 {
			m |= 1 << c
		}
	}
	return m
}

func jsonNames(m procstatus.Mask) string {
	var out []string
	for _, c := range sampleCaps {
		if m&(1<<c) != 0 {
			out = append(out, `"`+capName[c]+`"`)
		}
	}
	return "[" + strings.Join(out, ",") + "]"
}

func (s sample) contract() string {
	var req []string
	for _, c := range sampleCaps {
		if s.require&(1<<c) != 0 {
			req = append(req, `"`+capName[c]+`"`)
		}
	}
	b := fmt.Sprintf("[[contract]]\nname = \"sample\"\non_skew = %q\nrequire = [%s]\n", s.onSkew, strings.Join(req, ", "))
	if s.clear {
		b += "bounding = \"clear\"\n"
	}
	return b + "[contract.match]\ncommands = ['^/usr/local/bin/capdump$']\n"
}

func TestContainmentSample(t *testing.T) {
	var ran atomic.Int32
	t.Cleanup(func() {
		// A sample where nothing runs would check nothing.
		if ran.Load() < 4 {
			t.Errorf("only %d sampled containers ran", ran.Load())
		}
	})
	r := rand.New(rand.NewSource(20261203))
	for _, rt := range runtimes {
		for i := 0; i < 6; i++ {
			s := sample{require: 1 << sampleCaps[r.Intn(len(sampleCaps))], onSkew: []string{"repair", "deny", "report"}[r.Intn(3)], uid: []int{0, 1000}[r.Intn(2)]}
			// Lists the runtimes accept (a capset the kernel refuses stops the runtime,
			// which checks nothing): permitted within bounding, effective the permitted
			// list, inheritable within permitted, ambient within both.
			bnd := randomMask(r)
			prm := bnd & randomMask(r)
			inh := prm & randomMask(r)
			s.lists = [5]procstatus.Mask{bnd, prm, prm, inh, inh & randomMask(r)}
			s.clear = s.onSkew != "report" && r.Intn(2) == 0
			t.Run(fmt.Sprintf("%s/%d", rt, i), func(t *testing.T) {
				t.Parallel()
				b := capdumpBundle(t, rt)
				b.Jq(t, fmt.Sprintf(`.process.user = {uid: %d, gid: %d} | .process.capabilities = {bounding: %s, effective: %s, permitted: %s, inheritable: %s, ambient: %s}`,
					s.uid, s.uid, jsonNames(s.lists[0]), jsonNames(s.lists[1]), jsonNames(s.lists[2]), jsonNames(s.lists[3]), jsonNames(s.lists[4])))
				env, _ := env(t, b, s.contract())
				oshim := harness.Oshim(t)
				if c := harness.Run(t, env, b.Argv(oshim, "create", "--bundle", b.Dir, b.ID)...); c.Code != 0 {
					t.Logf("refused at create: nothing runs")
					return
				}
				if c := harness.Run(t, env, b.Argv(oshim, "start", b.ID)...); c.Code != 0 {
					t.Logf("stopped at start: nothing runs")
					return
				}
				st := harness.Run(t, env, b.Argv(oshim, "state", b.ID)...)
				if st.Code != 0 || !strings.Contains(st.Stdout, `"running"`) {
					t.Logf("not running after start")
					return
				}
				ran.Add(1)
				pid := harness.StatePid(t, st.Stdout)
				waitWorkload(t, pid)
				got := harness.ProcStatus(t, pid)
				var granted procstatus.Mask
				if s.onSkew == "repair" {
					granted = s.require
				}
				anySpec := s.lists[0] | s.lists[1] | s.lists[2] | s.lists[3] | s.lists[4]
				limit := procstatus.Status{
					Bnd: s.lists[0] | granted, Eff: anySpec | granted, Prm: anySpec | granted,
					Inh: anySpec | granted, Amb: s.lists[4] | granted,
				}
				if extra := got.Beyond(limit); len(extra) > 0 {
					t.Errorf("workload holds %v beyond the spec and require\ncontract:\n%s\nstatus %v", extra, s.contract(), got)
				}
				if s.clear && got.Bnd != 0 {
					t.Errorf("the contract clears the bounding set, the workload has %v", got.Bnd)
				}
				// An exec session that asks for every cap, as root and without
				// no_new_privs, holds no more than the spec and the contract give either
				// (its measured state may exceed the main process's: a root process
				// without no_new_privs gets its bounding set on execve), and nothing at
				// all where the bounding set is cleared.
				all := jsonNames(procstatus.Mask(1<<0 | 1<<5 | 1<<8 | 1<<10 | 1<<12 | 1<<21 | 1<<29))
				p := processFile(t, `{"bounding":`+all+`,"effective":`+all+`,"permitted":`+all+`,"inheritable":`+all+`,"ambient":`+all+`}`)
				e := harness.Run(t, env, b.Argv(oshim, "exec", "--process", p, b.ID)...)
				if e.Code == 0 {
					exec := status(t, e.Stdout)
					if extra := exec.Beyond(limit); len(extra) > 0 {
						t.Errorf("exec session holds %v beyond the spec and require", extra)
					}
					if s.clear && exec != (procstatus.Status{UID: exec.UID, NoNewPrivs: exec.NoNewPrivs, Seccomp: exec.Seccomp}) {
						t.Errorf("exec session of a cleared container holds %v", exec)
					}
				}
			})
		}
	}
}
