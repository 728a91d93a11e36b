package explain

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oshim/oshim/internal/initproc"
)

// engineProfile reads a seccomp profile captured from a real engine's spec (the
// end-to-end tests run containers under the same files).
func engineProfile(t *testing.T, name string) *specs.LinuxSeccomp {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "test", "e2e", "testdata", "seccomp", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var s specs.LinuxSeccomp
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	return &s
}

// allowOnly is a profile that allows names and fails everything else.
func allowOnly(names ...string) *specs.LinuxSeccomp {
	return &specs.LinuxSeccomp{DefaultAction: specs.ActErrno, Syscalls: []specs.LinuxSyscall{{Names: names, Action: specs.ActAllow}}}
}

func without(names []string, drop ...string) []string {
	return slices.DeleteFunc(slices.Clone(names), func(n string) bool { return slices.Contains(drop, n) })
}

func TestSeccompWarnings(t *testing.T) {
	rule := func(name string, action specs.LinuxSeccompAction, args ...specs.LinuxSeccompArg) specs.LinuxSyscall {
		return specs.LinuxSyscall{Names: []string{name}, Action: action, Args: args}
	}
	option := func(op specs.LinuxSeccompOperator, v uint64) specs.LinuxSeccompArg {
		return specs.LinuxSeccompArg{Index: 0, Value: v, Op: op}
	}
	allowDefault := func(rules ...specs.LinuxSyscall) *specs.LinuxSeccomp {
		return &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: rules}
	}
	all := initproc.Syscalls
	tests := []struct {
		description string
		s           *specs.LinuxSeccomp
		noInit      bool
		want        []string // one entry per warning, each a substring; none for no warning
	}{
		{description: "no profile"},
		{description: "podman's default profile", s: engineProfile(t, "podman-4.3.1-default")},
		{description: "containerd's default profile", s: engineProfile(t, "containerd-1.6.20-default")},
		{description: "allow by default", s: allowDefault()},
		{description: "exactly the init's calls", s: allowOnly(all...)},
		{description: "errno on PR_CAPBSET_DROP only: the probe", s: allowDefault(rule("prctl", specs.ActErrno, option(specs.OpEqualTo, 24))),
			want: []string{"linux.seccomp: a rule with action SCMP_ACT_ERRNO matches prctl(PR_CAPBSET_DROP): the init's probe would fail (exit 122)"}},
		{description: "errno on another prctl option", s: allowDefault(rule("prctl", specs.ActErrno, option(specs.OpEqualTo, 8)))},
		{description: "errno on every prctl option but 24: the init cannot read its state", s: allowDefault(rule("prctl", specs.ActErrno, option(specs.OpNotEqual, 24))),
			want: []string{"a rule with action SCMP_ACT_ERRNO matches prctl: oshim-init makes these calls, so it would stop the container before the workload (exit 119"}},
		{description: "capget left out", s: allowOnly(without(all, "capget")...),
			want: []string{"linux.seccomp: no rule allows capget whatever its arguments and the default action is SCMP_ACT_ERRNO: oshim-init makes these calls"}},
		{description: "a rule refusing write", s: allowDefault(rule("write", specs.ActKill)),
			want: []string{"a rule with action SCMP_ACT_KILL matches write: oshim-init makes these calls, so it would stop the container before the workload (exit 119; killed without a message"}},
		{description: "write allowed only for some arguments", s: &specs.LinuxSeccomp{DefaultAction: specs.ActErrno, Syscalls: []specs.LinuxSyscall{
			{Names: without(all, "write"), Action: specs.ActAllow}, {Names: []string{"write"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{{Index: 0, Value: 1, Op: specs.OpEqualTo}}}}},
			want: []string{"no rule allows write whatever its arguments"}},
		{description: "nothing allowed: every call named, the probe too", s: &specs.LinuxSeccomp{DefaultAction: specs.ActErrno},
			want: []string{"no rule allows prctl(PR_CAPBSET_DROP)", "capget whatever its arguments and the default action is SCMP_ACT_ERRNO; no rule allows capset"}},
		{description: "without the init only the probe counts", s: &specs.LinuxSeccomp{DefaultAction: specs.ActErrno}, noInit: true,
			want: []string{"no rule allows prctl(PR_CAPBSET_DROP)"}},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			got := seccompWarnings(tc.s, !tc.noInit)
			if len(got) != len(tc.want) {
				t.Fatalf("seccompWarnings = %q, want %d warnings like %q", got, len(tc.want), tc.want)
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("warning %d = %q, want %q in it", i, got[i], w)
				}
			}
		})
	}
}
