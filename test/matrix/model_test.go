package matrix

import (
	"fmt"
	"strings"

	"github.com/oshim/oshim/test/procstatus"
)

// Capability numbers (linux/capability.h); bit n of a /proc/<pid>/status mask is
// capability n.
const (
	capKill           = 5
	capSetpcap        = 8
	capNetBindService = 10
)

// capNames are the kernel's capability names by number, without "CAP_", for the table.
var capNames = strings.Fields(`CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID
	SETUID SETPCAP LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK
	IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE
	SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP
	MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF
	CHECKPOINT_RESTORE`)

// setpcap is CAP_SETPCAP as a mask: the capability every cell's spec withholds.
const setpcap procstatus.Mask = 1 << capSetpcap

// granted are the capabilities every cell's spec grants: what the engines make of
// --cap-drop ALL --cap-add KILL,NET_BIND_SERVICE.
const granted procstatus.Mask = 1<<capKill | 1<<capNetBindService

// Sets are a process's five capability sets, or the five lists of a spec's
// process.capabilities, as masks.
type Sets struct {
	Bnd, Eff, Prm, Inh, Amb procstatus.Mask
}

// setsOf takes the five sets of a /proc status.
func setsOf(s procstatus.Status) Sets {
	return Sets{Bnd: s.Bnd, Eff: s.Eff, Prm: s.Prm, Inh: s.Inh, Amb: s.Amb}
}

// named pairs each set with its /proc field name, in the kernel's order.
func (s Sets) named() []struct {
	name string
	mask procstatus.Mask
} {
	return []struct {
		name string
		mask procstatus.Mask
	}{{"CapInh", s.Inh}, {"CapPrm", s.Prm}, {"CapEff", s.Eff}, {"CapBnd", s.Bnd}, {"CapAmb", s.Amb}}
}

// within reports whether every set of s is a subset of the same set of limit.
func (s Sets) within(limit Sets) bool {
	return s.Bnd&^limit.Bnd == 0 && s.Eff&^limit.Eff == 0 && s.Prm&^limit.Prm == 0 &&
		s.Inh&^limit.Inh == 0 && s.Amb&^limit.Amb == 0
}

// String groups the sets that are equal: "bnd,eff,prm=KILL,NET_BIND_SERVICE inh,amb=none".
func (s Sets) String() string {
	if s == (Sets{}) {
		return "all five sets empty"
	}
	groups := []struct {
		names []string
		mask  procstatus.Mask
	}{}
	for _, set := range []struct {
		name string
		mask procstatus.Mask
	}{{"bnd", s.Bnd}, {"eff", s.Eff}, {"prm", s.Prm}, {"inh", s.Inh}, {"amb", s.Amb}} {
		found := false
		for i := range groups {
			if groups[i].mask == set.mask {
				groups[i].names = append(groups[i].names, set.name)
				found = true
				break
			}
		}
		if !found {
			groups = append(groups, struct {
				names []string
				mask  procstatus.Mask
			}{[]string{set.name}, set.mask})
		}
	}
	parts := make([]string, len(groups))
	for i, g := range groups {
		parts[i] = strings.Join(g.names, ",") + "=" + maskNames(g.mask)
	}
	return strings.Join(parts, " ")
}

// diff lists, per set, what got holds beyond want and what it lacks, with both masks.
func (want Sets) diff(got Sets) []string {
	var out []string
	w, g := want.named(), got.named()
	for i := range w {
		if w[i].mask == g[i].mask {
			continue
		}
		msg := fmt.Sprintf("%s %v, want %v", w[i].name, g[i].mask, w[i].mask)
		if extra := g[i].mask &^ w[i].mask; extra != 0 {
			msg += " (+" + maskNames(extra) + ")"
		}
		if missing := w[i].mask &^ g[i].mask; missing != 0 {
			msg += " (-" + maskNames(missing) + ")"
		}
		out = append(out, msg)
	}
	return out
}

// beyond lists, per set, what got holds beyond limit.
func (limit Sets) beyond(got Sets) []string {
	var out []string
	l, g := limit.named(), got.named()
	for i := range l {
		if extra := g[i].mask &^ l[i].mask; extra != 0 {
			out = append(out, fmt.Sprintf("%s %v holds %s beyond %v", l[i].name, g[i].mask, maskNames(extra), l[i].mask))
		}
	}
	return out
}

// maskNames names the capabilities of m ("none" for the empty set); numbers the
// table does not know are written CAP_<n>.
func maskNames(m procstatus.Mask) string {
	bits := m.Bits()
	if len(bits) == 0 {
		return "none"
	}
	names := make([]string, len(bits))
	for i, b := range bits {
		if b < len(capNames) {
			names[i] = capNames[b]
		} else {
			names[i] = fmt.Sprintf("CAP_%d", b)
		}
	}
	return strings.Join(names, ",")
}

// runtimeStart is what a runtime leaves the process with before it execs the
// container's first program: each list as the spec gives it, and of the ambient list
// only the caps both permitted and inheritable (the kernel refuses the others and the
// runtimes ignore that).
func runtimeStart(lists Sets) Sets {
	s := lists
	s.Amb &= s.Prm & s.Inh
	return s
}

// execve is capabilities(7)'s transformation for a program without file capabilities
// that is not set-user-ID. The bounding, inheritable and ambient sets are kept. For
// root (uid 0) the program counts as having every file capability: P' = (I | B) | A,
// where no_new_privs forbids a gain, so P' is also limited to the old P; E' = P'. For
// any other uid only the ambient set survives: P' = E' = A.
func execve(s Sets, root, nnp bool) Sets {
	next := Sets{Bnd: s.Bnd, Inh: s.Inh, Amb: s.Amb}
	if !root {
		next.Prm, next.Eff = s.Amb, s.Amb
		return next
	}
	p := s.Inh | s.Bnd
	if nnp {
		p &= s.Prm
	}
	next.Prm = p | s.Amb
	next.Eff = next.Prm
	return next
}

// kind is a cell's contract, or none for the plain runtime.
type kind int

const (
	none kind = iota
	repair
	deny
	report
	clear
)

func (k kind) String() string {
	return [...]string{"none (plain runtime)", "repair", "deny", "report", "bounding clear"}[k]
}

// contractKinds are the contracts every path is measured with.
var contractKinds = []kind{repair, deny, report, clear}

// toml is the contract as the admin writes it, matching both test workloads.
func (k kind) toml() string {
	body := map[kind]string{
		repair: "require = [\"CAP_SETPCAP\"]\non_skew = \"repair\"\n",
		deny:   "require = [\"CAP_SETPCAP\"]\non_skew = \"deny\"\n",
		report: "require = [\"CAP_SETPCAP\"]\non_skew = \"report\"\n",
		clear:  "bounding = \"clear\"\n",
	}[k]
	return fmt.Sprintf("[[contract]]\nname = %q\n%s[contract.match]\ncommands = ['^%s$', '^%s$']\n",
		k.contractName(), body, supervisorPath, capdumpPath)
}

// contractName is the contract's name in the admin config and in oshim's records.
func (k kind) contractName() string {
	return [...]string{"", "matrix-repair", "matrix-deny", "matrix-report", "matrix-clear"}[k]
}

// Promise is what a cell's contract promises for its spec, by the kernel's rules.
type Promise struct {
	// Refused: the container must not start (deny).
	Refused bool
	// Main are the workload's sets when it starts.
	Main Sets
	// Clears: the supervisor workload can clear its bounding set (CAP_SETPCAP
	// effective); it exits 1 otherwise.
	Clears bool
	// Exec bounds what an exec session may hold: the sets the main process's lists give
	// a process of the same user after execve, without no_new_privs (the larger case).
	// Nothing at all when the bounding set is cleared.
	Exec Sets
}

// promise derives what contract k promises for spec (the five lists the engine wrote)
// and a process of user root or not, with no_new_privs nnp:
//   - none, report: the workload runs as the spec makes it;
//   - repair: CAP_SETPCAP is added to bounding, effective and permitted (root), and
//     to inheritable and ambient too (any other uid), nothing else changes;
//   - deny: the container never starts;
//   - clear: the workload starts as the spec makes it, with an empty bounding set; a
//     root workload's inheritable set is raised to its permitted set, since with an
//     empty bounding set it keeps its caps across execve only through I.
func promise(k kind, spec Sets, root, nnp bool) Promise {
	lists := spec
	switch k {
	case deny:
		return Promise{Refused: true}
	case repair:
		lists.Bnd |= setpcap
		lists.Eff |= setpcap
		lists.Prm |= setpcap
		if !root {
			lists.Inh |= setpcap
			lists.Amb |= setpcap
		}
	}
	main := execve(runtimeStart(lists), root, nnp)
	p := Promise{Main: main, Clears: main.Eff&setpcap != 0, Exec: execve(runtimeStart(lists), root, false)}
	if k == clear {
		p.Main.Bnd = 0
		if root {
			p.Main.Inh = p.Main.Prm
		}
		p.Clears = false
		p.Exec = Sets{}
	}
	return p
}
