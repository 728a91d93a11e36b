/*
 * denysyscall: a test-only launcher (never shipped) that installs a seccomp filter
 * making one system call fail with an errno, as a container's profile would, and
 * execs a program under it:
 *   denysyscall NR ERRNO [ARG0] -- PROGRAM [ARGS...]
 * With ARG0 only calls whose first argument is ARG0 are denied (a prctl option).
 * It needs CAP_SYS_ADMIN (the tests run as root), so no_new_privs stays as it was.
 */
#include "sys.h"
#include "lib.h"

struct sock_filter {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};

struct sock_fprog {
	unsigned short len;
	struct sock_filter *filter;
};

#define LD_ABS 0x20 /* BPF_LD | BPF_W | BPF_ABS */
#define JEQ 0x15    /* BPF_JMP | BPF_JEQ | BPF_K */
#define RET 0x06    /* BPF_RET | BPF_K */
#define RET_ALLOW 0x7fff0000u
#define RET_ERRNO 0x00050000u
#define PR_SET_SECCOMP 22
#define SECCOMP_MODE_FILTER 2

static long number(const char *s)
{
	long v = 0;
	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (*s - '0');
	return v;
}

int oshim_main(int argc, char **argv, char **envp)
{
	int prog = argc > 4 && cstreq(argv[3], "--") ? 4 : argc > 5 && cstreq(argv[4], "--") ? 5 : 0;
	if (!prog || prog >= argc) {
		static const char u[] = "usage: denysyscall NR ERRNO [ARG0] -- PROGRAM [ARGS...]\n";
		write_all(2, u, sizeof(u) - 1);
		return 2;
	}
	uint32_t nr = (uint32_t)number(argv[1]), ret = RET_ERRNO | ((uint32_t)number(argv[2]) & 0xffff);
	struct sock_filter any[] = {
		{LD_ABS, 0, 0, 0}, /* seccomp_data.nr */
		{JEQ, 0, 1, nr},
		{RET, 0, 0, ret},
		{RET, 0, 0, RET_ALLOW},
	};
	struct sock_filter arg0[] = {
		{LD_ABS, 0, 0, 0},
		{JEQ, 0, 3, nr},
		{LD_ABS, 0, 0, 16}, /* low half of seccomp_data.args[0] */
		{JEQ, 0, 1, prog == 5 ? (uint32_t)number(argv[3]) : 0},
		{RET, 0, 0, ret},
		{RET, 0, 0, RET_ALLOW},
	};
	struct sock_fprog f = prog == 5 ? (struct sock_fprog){6, arg0} : (struct sock_fprog){4, any};
	long r = sys_prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, (long)&f);
	if (r < 0) {
		static const char m[] = "denysyscall: prctl(PR_SET_SECCOMP) failed\n";
		write_all(2, m, sizeof(m) - 1);
		return 2;
	}
	r = syscall3(NR_execve, argv[prog], argv + prog, envp);
	static const char m[] = "denysyscall: execve failed\n";
	write_all(2, m, sizeof(m) - 1);
	return 2;
}
