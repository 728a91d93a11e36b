// Package caps names Linux capabilities, does set arithmetic on them and predicts a
// thread's state after execve. Reading and changing a thread's state is oshim-init's
// work (internal/initproc/oshim-init), in C; its names table matches this one.
package caps

import (
	"errors"
	"fmt"
	"strconv"
)

// Cap is a kernel capability number (include/uapi/linux/capability.h).
type Cap int

// Capabilities known to this build, numbered as the kernel numbers them.
const (
	CHOWN              Cap = 0
	DAC_OVERRIDE       Cap = 1
	DAC_READ_SEARCH    Cap = 2
	FOWNER             Cap = 3
	FSETID             Cap = 4
	KILL               Cap = 5
	SETGID             Cap = 6
	SETUID             Cap = 7
	SETPCAP            Cap = 8
	LINUX_IMMUTABLE    Cap = 9
	NET_BIND_SERVICE   Cap = 10
	NET_BROADCAST      Cap = 11
	NET_ADMIN          Cap = 12
	NET_RAW            Cap = 13
	IPC_LOCK           Cap = 14
	IPC_OWNER          Cap = 15
	SYS_MODULE         Cap = 16
	SYS_RAWIO          Cap = 17
	SYS_CHROOT         Cap = 18
	SYS_PTRACE         Cap = 19
	SYS_PACCT          Cap = 20
	SYS_ADMIN          Cap = 21
	SYS_BOOT           Cap = 22
	SYS_NICE           Cap = 23
	SYS_RESOURCE       Cap = 24
	SYS_TIME           Cap = 25
	SYS_TTY_CONFIG     Cap = 26
	MKNOD              Cap = 27
	LEASE              Cap = 28
	AUDIT_WRITE        Cap = 29
	AUDIT_CONTROL      Cap = 30
	SETFCAP            Cap = 31
	MAC_OVERRIDE       Cap = 32
	MAC_ADMIN          Cap = 33
	SYSLOG             Cap = 34
	WAKE_ALARM         Cap = 35
	BLOCK_SUSPEND      Cap = 36
	AUDIT_READ         Cap = 37
	PERFMON            Cap = 38
	BPF                Cap = 39
	CHECKPOINT_RESTORE Cap = 40
)

// names is indexed by Cap and holds the canonical spelling.
var names = [...]string{
	CHOWN:              "CAP_CHOWN",
	DAC_OVERRIDE:       "CAP_DAC_OVERRIDE",
	DAC_READ_SEARCH:    "CAP_DAC_READ_SEARCH",
	FOWNER:             "CAP_FOWNER",
	FSETID:             "CAP_FSETID",
	KILL:               "CAP_KILL",
	SETGID:             "CAP_SETGID",
	SETUID:             "CAP_SETUID",
	SETPCAP:            "CAP_SETPCAP",
	LINUX_IMMUTABLE:    "CAP_LINUX_IMMUTABLE",
	NET_BIND_SERVICE:   "CAP_NET_BIND_SERVICE",
	NET_BROADCAST:      "CAP_NET_BROADCAST",
	NET_ADMIN:          "CAP_NET_ADMIN",
	NET_RAW:            "CAP_NET_RAW",
	IPC_LOCK:           "CAP_IPC_LOCK",
	IPC_OWNER:          "CAP_IPC_OWNER",
	SYS_MODULE:         "CAP_SYS_MODULE",
	SYS_RAWIO:          "CAP_SYS_RAWIO",
	SYS_CHROOT:         "CAP_SYS_CHROOT",
	SYS_PTRACE:         "CAP_SYS_PTRACE",
	SYS_PACCT:          "CAP_SYS_PACCT",
	SYS_ADMIN:          "CAP_SYS_ADMIN",
	SYS_BOOT:           "CAP_SYS_BOOT",
	SYS_NICE:           "CAP_SYS_NICE",
	SYS_RESOURCE:       "CAP_SYS_RESOURCE",
	SYS_TIME:           "CAP_SYS_TIME",
	SYS_TTY_CONFIG:     "CAP_SYS_TTY_CONFIG",
	MKNOD:              "CAP_MKNOD",
	LEASE:              "CAP_LEASE",
	AUDIT_WRITE:        "CAP_AUDIT_WRITE",
	AUDIT_CONTROL:      "CAP_AUDIT_CONTROL",
	SETFCAP:            "CAP_SETFCAP",
	MAC_OVERRIDE:       "CAP_MAC_OVERRIDE",
	MAC_ADMIN:          "CAP_MAC_ADMIN",
	SYSLOG:             "CAP_SYSLOG",
	WAKE_ALARM:         "CAP_WAKE_ALARM",
	BLOCK_SUSPEND:      "CAP_BLOCK_SUSPEND",
	AUDIT_READ:         "CAP_AUDIT_READ",
	PERFMON:            "CAP_PERFMON",
	BPF:                "CAP_BPF",
	CHECKPOINT_RESTORE: "CAP_CHECKPOINT_RESTORE",
}

const prefix = "CAP_"

// errEmptyName reports a capability name that is the empty string.
var errEmptyName = errors.New("empty capability name")

// String returns the canonical name, "CAP_SETPCAP", or "CAP_<n>" for a number
// this build has no name for, so kernel-reported bits beyond the table stay
// visible.
func (c Cap) String() string {
	if c >= 0 && int(c) < len(names) {
		return names[c]
	}
	return prefix + strconv.Itoa(int(c))
}

// Parse returns the capability named name. It accepts the canonical
// "CAP_SETPCAP", the bare "SETPCAP", and any ASCII letter case of either.
// Numeric forms such as "CAP_63" are not names and are rejected.
func Parse(name string) (Cap, error) {
	if name == "" {
		return 0, errEmptyName
	}
	bare := name
	if len(bare) >= len(prefix) && asciiEqualFold(bare[:len(prefix)], prefix) {
		bare = bare[len(prefix):]
	}
	for i, n := range names {
		if asciiEqualFold(bare, n[len(prefix):]) {
			return Cap(i), nil
		}
	}
	return 0, fmt.Errorf("unknown capability %q", name)
}

// Known returns every capability this build has a name for, ascending.
func Known() []Cap {
	cs := make([]Cap, len(names))
	for i := range cs {
		cs[i] = Cap(i)
	}
	return cs
}

// asciiEqualFold is strings.EqualFold restricted to ASCII, so that Unicode
// folds such as U+017F (long s) do not alias a capability name.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if upper(a[i]) != upper(b[i]) {
			return false
		}
	}
	return true
}

func upper(b byte) byte {
	if 'a' <= b && b <= 'z' {
		return b - 'a' + 'A'
	}
	return b
}
