/*
 * sys.h: oshim-init's whole interface to the kernel.
 *
 * oshim-init runs as a container's first process, under the container's seccomp
 * filter. It is built without a C library so that the system calls it makes are
 * exactly the ones named here, on every architecture: no loader, no thread or
 * signal set-up, no memory allocation. Adding a call here adds it to the set every
 * contracted container's seccomp profile must allow: keep initproc.Syscalls (Go)
 * and the README in step.
 */
#ifndef OSHIM_SYS_H
#define OSHIM_SYS_H

#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__)
#define NR_read 0
#define NR_write 1
#define NR_close 3
#define NR_execve 59
#define NR_geteuid 107
#define NR_capget 125
#define NR_capset 126
#define NR_prctl 157
#define NR_exit_group 231
#define NR_openat 257
#define NR_newfstatat 262
/* Offset of st_mode in the kernel's struct stat (arch/x86/include/uapi/asm/stat.h). */
#define STAT_MODE_OFFSET 24
#elif defined(__aarch64__)
#define NR_openat 56
#define NR_close 57
#define NR_read 63
#define NR_write 64
#define NR_newfstatat 79
#define NR_capget 90
#define NR_capset 91
#define NR_exit_group 94
#define NR_prctl 167
#define NR_geteuid 175
#define NR_execve 221
/* Offset of st_mode in asm-generic's struct stat. */
#define STAT_MODE_OFFSET 16
#else
#error "oshim-init supports x86_64 and aarch64"
#endif

/* Large enough for struct stat on both architectures (144 and 128 bytes). */
#define STAT_SIZE 256

#define AT_FDCWD (-100)
#define O_RDONLY 0
#define O_WRONLY 01
#define O_NONBLOCK 04000
#define O_CLOEXEC 02000000

#define S_IFMT 0170000
#define S_IFDIR 0040000

#define PR_CAPBSET_READ 23
#define PR_CAPBSET_DROP 24
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_IS_SET 1
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_LOWER 3

#define LINUX_CAPABILITY_VERSION_3 0x20080522

struct cap_header {
	uint32_t version;
	int pid;
};

struct cap_data {
	uint32_t effective, permitted, inheritable;
};

/*
 * syscall6 returns the kernel's answer: a value, or -errno in -4095..-1. No errno
 * variable: every caller looks at the value it got.
 */
static inline long syscall6(long n, long a, long b, long c, long d, long e, long f)
{
#if defined(__x86_64__)
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
#else
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;
	__asm__ volatile("svc 0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory");
	return x0;
#endif
}

#define syscall3(n, a, b, c) syscall6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)

/* sys_errno is the errno of a failed call's result, or 0 for a success. */
static inline int sys_errno(long ret)
{
	return ret < 0 && ret >= -4095 ? (int)-ret : 0;
}

static inline long sys_prctl(long option, long a, long b)
{
	return syscall6(NR_prctl, option, a, b, 0, 0, 0);
}

static inline long sys_openat(const char *path, int flags)
{
	return syscall6(NR_openat, AT_FDCWD, (long)path, flags, 0, 0, 0);
}

static inline long sys_read(int fd, void *buf, size_t n) { return syscall3(NR_read, fd, buf, n); }
static inline long sys_write(int fd, const void *buf, size_t n) { return syscall3(NR_write, fd, buf, n); }
static inline long sys_close(int fd) { return syscall3(NR_close, fd, 0, 0); }

__attribute__((noreturn)) void sys_exit(int code);

#endif
