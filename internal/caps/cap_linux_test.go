package caps

import (
	"testing"

	"golang.org/x/sys/unix"
)

// TestNumbersMatchKernelHeaders checks the table against x/sys's copy of
// include/uapi/linux/capability.h, an independent source.
func TestNumbersMatchKernelHeaders(t *testing.T) {
	tests := []struct {
		name string
		c    Cap
		want int
	}{
		{"CAP_CHOWN", CHOWN, unix.CAP_CHOWN},
		{"CAP_DAC_OVERRIDE", DAC_OVERRIDE, unix.CAP_DAC_OVERRIDE},
		{"CAP_DAC_READ_SEARCH", DAC_READ_SEARCH, unix.CAP_DAC_READ_SEARCH},
		{"CAP_FOWNER", FOWNER, unix.CAP_FOWNER},
		{"CAP_FSETID", FSETID, unix.CAP_FSETID},
		{"CAP_KILL", KILL, unix.CAP_KILL},
		{"CAP_SETGID", SETGID, unix.CAP_SETGID},
		{"CAP_SETUID", SETUID, unix.CAP_SETUID},
		{"CAP_SETPCAP", SETPCAP, unix.CAP_SETPCAP},
		{"CAP_LINUX_IMMUTABLE", LINUX_IMMUTABLE, unix.CAP_LINUX_IMMUTABLE},
		{"CAP_NET_BIND_SERVICE", NET_BIND_SERVICE, unix.CAP_NET_BIND_SERVICE},
		{"CAP_NET_BROADCAST", NET_BROADCAST, unix.CAP_NET_BROADCAST},
		{"CAP_NET_ADMIN", NET_ADMIN, unix.CAP_NET_ADMIN},
		{"CAP_NET_RAW", NET_RAW, unix.CAP_NET_RAW},
		{"CAP_IPC_LOCK", IPC_LOCK, unix.CAP_IPC_LOCK},
		{"CAP_IPC_OWNER", IPC_OWNER, unix.CAP_IPC_OWNER},
		{"CAP_SYS_MODULE", SYS_MODULE, unix.CAP_SYS_MODULE},
		{"CAP_SYS_RAWIO", SYS_RAWIO, unix.CAP_SYS_RAWIO},
		{"CAP_SYS_CHROOT", SYS_CHROOT, unix.CAP_SYS_CHROOT},
		{"CAP_SYS_PTRACE", SYS_PTRACE, unix.CAP_SYS_PTRACE},
		{"CAP_SYS_PACCT", SYS_PACCT, unix.CAP_SYS_PACCT},
		{"CAP_SYS_ADMIN", SYS_ADMIN, unix.CAP_SYS_ADMIN},
		{"CAP_SYS_BOOT", SYS_BOOT, unix.CAP_SYS_BOOT},
		{"CAP_SYS_NICE", SYS_NICE, unix.CAP_SYS_NICE},
		{"CAP_SYS_RESOURCE", SYS_RESOURCE, unix.CAP_SYS_RESOURCE},
		{"CAP_SYS_TIME", SYS_TIME, unix.CAP_SYS_TIME},
		{"CAP_SYS_TTY_CONFIG", SYS_TTY_CONFIG, unix.CAP_SYS_TTY_CONFIG},
		{"CAP_MKNOD", MKNOD, unix.CAP_MKNOD},
		{"CAP_LEASE", LEASE, unix.CAP_LEASE},
		{"CAP_AUDIT_WRITE", AUDIT_WRITE, unix.CAP_AUDIT_WRITE},
		{"CAP_AUDIT_CONTROL", AUDIT_CONTROL, unix.CAP_AUDIT_CONTROL},
		{"CAP_SETFCAP", SETFCAP, unix.CAP_SETFCAP},
		{"CAP_MAC_OVERRIDE", MAC_OVERRIDE, unix.CAP_MAC_OVERRIDE},
		{"CAP_MAC_ADMIN", MAC_ADMIN, unix.CAP_MAC_ADMIN},
		{"CAP_SYSLOG", SYSLOG, unix.CAP_SYSLOG},
		{"CAP_WAKE_ALARM", WAKE_ALARM, unix.CAP_WAKE_ALARM},
		{"CAP_BLOCK_SUSPEND", BLOCK_SUSPEND, unix.CAP_BLOCK_SUSPEND},
		{"CAP_AUDIT_READ", AUDIT_READ, unix.CAP_AUDIT_READ},
		{"CAP_PERFMON", PERFMON, unix.CAP_PERFMON},
		{"CAP_BPF", BPF, unix.CAP_BPF},
		{"CAP_CHECKPOINT_RESTORE", CHECKPOINT_RESTORE, unix.CAP_CHECKPOINT_RESTORE},
	}
	if len(tests) != len(Known()) || int(Known()[len(Known())-1]) != unix.CAP_LAST_CAP {
		t.Fatalf("table covers %d caps, Known() %d, unix.CAP_LAST_CAP = %d", len(tests), len(Known()), unix.CAP_LAST_CAP)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if int(tt.c) != tt.want {
				t.Errorf("%s = %d, kernel header says %d", tt.name, int(tt.c), tt.want)
			}
			if got := tt.c.String(); got != tt.name {
				t.Errorf("Cap(%d).String() = %q, want %q", tt.want, got, tt.name)
			}
		})
	}
}
