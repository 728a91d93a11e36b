package initproc

// Exit statuses of oshim-init (oshim-init/init.c), distinct so an engine's "exited
// with N" names the step.
const (
	ExitSyscallDenied = 119 // the container's seccomp filter denies a system call the init makes
	ExitUsage         = 120 // the init's arguments are wrong: oshim versions disagree
	ExitReadState     = 121 // the capability state could not be read
	ExitProbe         = 122 // PR_CAPBSET_DROP is denied although CAP_SETPCAP is effective
	ExitTransition    = 123 // a step of the capability change failed
	ExitVerify        = 124 // the state after the change differs from the target
	ExitCannotExec    = 126 // the workload exists but could not be executed
	ExitNotFound      = 127 // the workload command was not found
)

// Syscalls is every system call oshim-init makes, as seccomp profiles name them, on
// x86_64 and aarch64 alike. The init runs under the container's seccomp filter, so
// the profile must allow each of them; exit_group is only made when the init fails.
// The list is measured (strace, in the tests) and kept in step with oshim-init/sys.h.
var Syscalls = []string{
	"capget", "capset", "close", "execve", "exit_group", "geteuid",
	"newfstatat", "openat", "prctl", "read", "write",
}

// Prctl options oshim-init uses, for reading seccomp rules that filter on them.
const (
	PrCapbsetRead = 23 // PR_CAPBSET_READ, reading the bounding set
	PrCapbsetDrop = 24 // PR_CAPBSET_DROP, the probe and clearing the bounding set
	PrCapAmbient  = 47 // PR_CAP_AMBIENT, reading and changing the ambient set
)
