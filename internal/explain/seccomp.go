package explain

import (
	"fmt"
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// prCapbsetDrop is prctl(2)'s option number for PR_CAPBSET_DROP.
const prCapbsetDrop = 24

// seccompWarning reads the spec's seccomp profile for what would refuse
// prctl(PR_CAPBSET_DROP): a rule on prctl that does not allow it, or a default action
// that refuses calls no rule allows. It reads the profile, it does not run it, so it
// only warns; the init's probe is what tells for sure.
func seccompWarning(s *specs.LinuxSeccomp) string {
	if s == nil {
		return ""
	}
	allowed := false
	for _, r := range s.Syscalls {
		if !slices.Contains(r.Names, "prctl") || !ruleCovers(r.Args) {
			continue
		}
		if !allows(r.Action) {
			return fmt.Sprintf("linux.seccomp: a rule with action %s matches prctl(PR_CAPBSET_DROP): the init's probe would fail (exit 122) and a workload that clears bounding sets fails closed", r.Action)
		}
		allowed = true
	}
	if !allowed && !allows(s.DefaultAction) {
		return fmt.Sprintf("linux.seccomp: no rule allows prctl and the default action is %s: the init's probe would fail (exit 122)", s.DefaultAction)
	}
	return ""
}

// ruleCovers reports whether a rule's argument conditions can hold for option 24.
func ruleCovers(args []specs.LinuxSeccompArg) bool {
	for _, a := range args {
		if a.Index != 0 {
			continue
		}
		switch a.Op {
		case specs.OpEqualTo:
			if a.Value != prCapbsetDrop {
				return false
			}
		case specs.OpNotEqual:
			if a.Value == prCapbsetDrop {
				return false
			}
		}
	}
	return true
}

func allows(a specs.LinuxSeccompAction) bool {
	return a == specs.ActAllow || a == specs.ActLog || a == ""
}
