package explain

import (
	"fmt"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/oshim/oshim/internal/initproc"
)

// seccompWarnings reads the spec's seccomp profile for what it would refuse: a
// workload's prctl(PR_CAPBSET_DROP), which a workload that clears bounding sets needs
// and the init probes, and, when the init is injected, any other system call the init
// makes (initproc.Syscalls), which stops the container before its workload. It reads
// the profile, it does not run it, so it only warns: the init is what tells for sure.
func seccompWarnings(s *specs.LinuxSeccomp, withInit bool) []string {
	if s == nil {
		return nil
	}
	var warnings []string
	if v := verdictOf(s, "prctl", initproc.PrCapbsetDrop); v != "" {
		warnings = append(warnings, "linux.seccomp: "+strings.Replace(v, "prctl", "prctl(PR_CAPBSET_DROP)", 1)+
			": the init's probe would fail (exit 122) and a workload that clears bounding sets fails closed")
	}
	if !withInit {
		return warnings
	}
	var denied []string
	for _, name := range initproc.Syscalls {
		options := []int{-1}
		if name == "prctl" {
			options = []int{initproc.PrCapbsetRead, initproc.PrCapAmbient}
		}
		for _, o := range options {
			if v := verdictOf(s, name, o); v != "" {
				denied = append(denied, v)
				break
			}
		}
	}
	if len(denied) > 0 {
		warnings = append(warnings, fmt.Sprintf("linux.seccomp: %s: oshim-init makes these calls, so it would stop the container before the workload (exit %d; killed without a message for a KILL or TRAP action); allow them, or set init = false in the contract",
			strings.Join(denied, "; "), initproc.ExitSyscallDenied))
	}
	return warnings
}

// verdictOf says why the profile would refuse syscall name, called with prctl option
// option (-1: arguments unknown), or "" when it would allow it. A rule whose argument
// conditions can hold for the call counts as matching it.
func verdictOf(s *specs.LinuxSeccomp, name string, option int) string {
	allowed := false
	for _, r := range s.Syscalls {
		if !slices.Contains(r.Names, name) || !ruleCovers(r.Args, option) {
			continue
		}
		if !allows(r.Action) {
			return fmt.Sprintf("a rule with action %s matches %s", r.Action, name)
		}
		// An allow rule with conditions we cannot judge may not cover the call.
		allowed = allowed || option >= 0 || len(r.Args) == 0
	}
	if !allowed && !allows(s.DefaultAction) {
		whatever := ""
		if option < 0 {
			whatever = " whatever its arguments"
		}
		return fmt.Sprintf("no rule allows %s%s and the default action is %s", name, whatever, s.DefaultAction)
	}
	return ""
}

// ruleCovers reports whether a rule's argument conditions can hold for prctl option
// option; for option -1 every rule can.
func ruleCovers(args []specs.LinuxSeccompArg, option int) bool {
	if option < 0 {
		return true
	}
	for _, a := range args {
		if a.Index != 0 {
			continue
		}
		switch a.Op {
		case specs.OpEqualTo:
			if a.Value != uint64(option) {
				return false
			}
		case specs.OpNotEqual:
			if a.Value == uint64(option) {
				return false
			}
		}
	}
	return true
}

func allows(a specs.LinuxSeccompAction) bool {
	return a == specs.ActAllow || a == specs.ActLog || a == ""
}
