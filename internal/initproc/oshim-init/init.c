/*
 * oshim-init: the in-container init that oshim injects as a contracted container's
 * first process (see "The in-container init" in the README, and internal/initproc
 * for the host's side of the protocol).
 *
 *   /dev/.oshim/init [--clear-bounding] [--report-only] [--drop CAPS]
 *                    [--require CAPS] [--result FIFO] -- COMMAND [ARGS...]
 *
 * It resolves COMMAND with the container's PATH, reads the capability state,
 * probes that PR_CAPBSET_DROP works while CAP_SETPCAP is effective, moves the
 * state to the contract's target, reads it back from the kernel twice over,
 * checks what COMMAND will hold after its execve, reports the result to the host
 * through the FIFO, and execs COMMAND with the same environment. Any failure
 * stops the container before COMMAND runs (with --report-only: is reported, and
 * COMMAND runs with the state unchanged).
 *
 * It is single-threaded and makes no system call beyond those in sys.h, so a
 * seccomp profile that suffices for a simple static program suffices for it.
 */
#include "parse.h"

/* Exit statuses; initproc (Go) and the README list the same. */
enum {
	EXIT_SYSCALL_DENIED = 119, /* the container's seccomp filter denies a call the init makes */
	EXIT_USAGE = 120,
	EXIT_READ_STATE = 121,
	EXIT_PROBE = 122,
	EXIT_TRANSITION = 123,
	EXIT_VERIFY = 124,
	EXIT_CANNOT_EXEC = 126,
	EXIT_NOT_FOUND = 127,
};

#ifndef OSHIM_VERSION
#define OSHIM_VERSION "dev"
#endif

/* What crun and runc search when the spec's environment has no PATH. */
static const char default_path[] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/* The system calls the init makes, as a seccomp profile names them (sys.h has them all). */
#define SYSCALL_LIST "capget capset close execve exit_group geteuid newfstatat openat prctl read write"

/* Longest path the kernel accepts. */
#define PATH_MAX 4096

/*
 * The failure being reported: its step ("verify", "resolve NAME"), its message, and
 * the errno behind it. Sizes keep the JSON result within one atomic pipe write
 * (initproc.MaxResult, 4096 bytes) even if every byte needs escaping.
 */
static char step_buf[160], msg_buf[1400], lsm_buf[256];
static struct out step = OUT(step_buf), msg = OUT(msg_buf);
static int fail_errno;

/*
 * The measured result, sent to the host through fd, the result FIFO's write end (-1:
 * nobody to tell); see initproc.Result.
 */
static struct {
	int fd;
	int report_only;
	const char *probe;
	struct procstatus st;
} rep = {-1, 0, "skipped", {{0, 0, 0, 0, 0}, 0, 0}};

/*
 * fail finishes a failure's message with the errno (when there is one): "MESSAGE:
 * TEXT (errno N, ENAME)", or the errno's text alone. step is the caller's.
 */
static int fail(int code, int err)
{
	fail_errno = err;
	if (err) {
		if (msg.len)
			out_str(&msg, ": ");
		out_str(&msg, errno_text(err));
		out_str(&msg, " (errno ");
		out_dec(&msg, err);
		out_str(&msg, ", ");
		out_str(&msg, errno_name(err));
		out_char(&msg, ')');
	}
	return code;
}

/*
 * filtered tells a seccomp denial from the kernel's own refusal: it repeats call nr
 * with arguments the kernel rejects with a known errno before doing anything (a
 * NULL path, fd -1, an unknown prctl option). A filter answers before the kernel
 * looks at the arguments, so any other answer means the filter denies the call. A
 * profile whose errno happens to be the one expected goes unnoticed here and the
 * failure is reported as the kernel's.
 */
static int filtered(int nr)
{
	long r;
	int want;
	switch (nr) {
	case NR_capget:
	case NR_capset:
		r = syscall3(nr, 0, 0, 0), want = 14; /* EFAULT */
		break;
	case NR_openat:
		r = syscall6(NR_openat, AT_FDCWD, 0, O_RDONLY, 0, 0, 0), want = 14;
		break;
	case NR_newfstatat:
		r = syscall6(NR_newfstatat, AT_FDCWD, 0, 0, 0, 0, 0), want = 14;
		break;
	case NR_execve:
		r = syscall3(NR_execve, 0, 0, 0), want = 14;
		break;
	case NR_prctl:
		r = sys_prctl(-1, 0, 0), want = 22; /* EINVAL */
		break;
	case NR_read:
	case NR_write:
	case NR_close:
		r = syscall3(nr, -1, 0, 0), want = 9; /* EBADF */
		break;
	default:
		return 0;
	}
	return sys_errno(r) != want;
}

/*
 * denied builds the report for a call the seccomp filter denies. The errno is the
 * profile's choice, so its usual meaning is left out: it would mislead.
 */
static int denied(const char *name, int err)
{
	out_reset(&step);
	out_reset(&msg);
	fail_errno = err;
	out_str(&step, "seccomp");
	out_str(&msg, name);
	out_str(&msg, " denied by the container's seccomp profile (errno ");
	out_dec(&msg, err);
	out_str(&msg, ", ");
	out_str(&msg, errno_name(err));
	out_str(&msg, "): allow ");
	out_str(&msg, name);
	out_str(&msg, " in the spec's linux.seccomp (oshim-init needs: ");
	out_str(&msg, SYSCALL_LIST);
	out_str(&msg, "; `oshim explain` checks a spec), or set init = false in the contract");
	return EXIT_SYSCALL_DENIED;
}

/* file_denied checks the calls behind a failed read_file. */
static int file_denied(int err)
{
	if (filtered(NR_openat))
		return denied("openat", err);
	if (filtered(NR_read))
		return denied("read", err);
	return 0;
}

/* lsm_label is the process's AppArmor or SELinux label, or "none". */
static void lsm_label(void)
{
	static const char *const paths[] = {"/proc/thread-self/attr/apparmor/current", "/proc/thread-self/attr/current"};
	char raw[192];
	struct out o = OUT(lsm_buf);
	for (int i = 0; i < 2; i++) {
		long n = read_file(paths[i], raw, sizeof(raw));
		while (n > 0 && (raw[n - 1] == 0 || raw[n - 1] == '\n'))
			n--;
		if (n > 0) {
			out_clean(&o, raw, (size_t)n, 48);
			return;
		}
	}
	out_str(&o, "none");
}

/* read_status parses /proc/thread-self/status into st; on failure msg holds why. */
static int read_status(struct procstatus *st)
{
	static const char path[] = "/proc/thread-self/status";
	char buf[1024];
	char reason[256];
	struct out err = OUT(reason);
	struct status_parser p;
	long fd = sys_openat(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		out_str(&msg, "open ");
		out_str(&msg, path);
		return sys_errno(fd);
	}
	status_init(&p, &err);
	long n;
	while ((n = sys_read((int)fd, buf, sizeof(buf))) > 0)
		status_feed(&p, buf, (size_t)n);
	sys_close((int)fd);
	if (n < 0) {
		out_str(&msg, "read ");
		out_str(&msg, path);
		return sys_errno(n);
	}
	if (status_end(&p) < 0) {
		out_str(&msg, "parse ");
		out_str(&msg, path);
		out_str(&msg, ": ");
		out_str(&msg, reason);
		return -1;
	}
	*st = p.st;
	return 0;
}

/*
 * read_last_cap reads the highest capability number the kernel knows. It returns
 * it, or -1 with msg and *err set.
 */
static int read_last_cap(int *err)
{
	static const char path[] = "/proc/sys/kernel/cap_last_cap";
	char buf[32];
	long n = read_file(path, buf, sizeof(buf));
	if (n < 0) {
		out_str(&msg, "read ");
		out_str(&msg, path);
		*err = sys_errno(n);
		return -1;
	}
	int v = 0;
	long i = 0;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	for (; i < n && buf[i] >= '0' && buf[i] <= '9' && v < 64; i++)
		v = v * 10 + (buf[i] - '0');
	if (n == 0 || i != n || v > 63) {
		out_str(&msg, "parse ");
		out_str(&msg, path);
		out_str(&msg, ": not a capability number in 0..63: \"");
		out_clean(&msg, buf, (size_t)n, 16);
		out_char(&msg, '"');
		*err = 0;
		return -1;
	}
	return v;
}

static int last_cap;

/*
 * read_state reads the calling thread's five sets: E, P and I from capget, B from
 * PR_CAPBSET_READ for every capability up to cap_last_cap, and A from
 * PR_CAP_AMBIENT_IS_SET for those in both P and I: the kernel keeps every other one
 * out of A (capabilities(7)), so asking about them would cost a system call each and
 * learn nothing. verify still reads all of CapAmb from /proc/thread-self/status.
 * It returns 0, or the exit status after filling the report (step is the caller's).
 */
static int read_state(struct capstate *s, int code)
{
	int err = 0;
	last_cap = read_last_cap(&err);
	if (last_cap < 0) {
		if (err && file_denied(err))
			return EXIT_SYSCALL_DENIED;
		return fail(code, err);
	}
	struct cap_header h = {LINUX_CAPABILITY_VERSION_3, 0};
	struct cap_data d[2];
	long r = syscall3(NR_capget, &h, d, 0);
	if (r < 0) {
		if (filtered(NR_capget))
			return denied("capget", sys_errno(r));
		out_str(&msg, "capget");
		return fail(code, sys_errno(r));
	}
	s->eff = (capset_t)d[1].effective << 32 | d[0].effective;
	s->prm = (capset_t)d[1].permitted << 32 | d[0].permitted;
	s->inh = (capset_t)d[1].inheritable << 32 | d[0].inheritable;
	s->bnd = s->amb = 0;
	capset_t may_be_ambient = s->prm & s->inh;
	for (int c = 0; c <= last_cap; c++) {
		long b = sys_prctl(PR_CAPBSET_READ, c, 0);
		long a = 0;
		if (b >= 0 && may_be_ambient >> c & 1)
			a = sys_prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c);
		if (b < 0 || a < 0) {
			if (filtered(NR_prctl))
				return denied("prctl", sys_errno(b < 0 ? b : a));
			out_str(&msg, b < 0 ? "read bounding " : "read ambient ");
			out_cap(&msg, c);
			return fail(code, sys_errno(b < 0 ? b : a));
		}
		s->bnd |= (capset_t)(b == 1) << c;
		s->amb |= (capset_t)(a == 1) << c;
	}
	return 0;
}

/*
 * denial_cause explains an EPERM from PR_CAPBSET_DROP while CAP_SETPCAP is
 * effective: a seccomp filter or an LSM refused it, not a missing capability.
 */
static void denial_cause(void)
{
	struct procstatus st;
	size_t mark = msg.len;
	if (read_status(&st) != 0) {
		msg.len = mark;
		msg.p[mark] = 0;
		out_str(&msg, ": denied by a seccomp filter or an LSM although CAP_SETPCAP is effective");
		return;
	}
	lsm_label();
	out_str(&msg, st.seccomp == 2 ? ": denied by the seccomp filter" : ": denied by an LSM");
	out_str(&msg, " although CAP_SETPCAP is effective (Seccomp: ");
	out_dec(&msg, st.seccomp);
	out_str(&msg, ", NoNewPrivs: ");
	out_dec(&msg, st.no_new_privs);
	out_str(&msg, ", LSM label: ");
	out_str(&msg, lsm_buf);
	out_str(&msg, "); allow prctl(PR_CAPBSET_DROP) in the container's seccomp profile or LSM policy");
}

/*
 * probe asks the kernel whether bounding caps may be dropped, without dropping
 * any: it drops cap_last_cap+1. The kernel checks CAP_SETPCAP (where an LSM may
 * also refuse) before the number, so EINVAL means a real drop would be allowed.
 */
static int probe(void)
{
	long r = sys_prctl(PR_CAPBSET_DROP, last_cap + 1, 0);
	if (sys_errno(r) == 22) {
		rep.probe = "ok";
		return 0;
	}
	rep.probe = "denied";
	out_str(&step, "probe PR_CAPBSET_DROP");
	out_str(&msg, "probe bounding drop of ");
	out_cap(&msg, last_cap + 1);
	if (r >= 0) {
		out_str(&msg, ": kernel accepted a capability past cap_last_cap");
		return fail(EXIT_PROBE, 0);
	}
	fail(EXIT_PROBE, sys_errno(r));
	denial_cause();
	return EXIT_PROBE;
}

/*
 * target is the state the workload must start from: the start state without the
 * dropped caps, and for a cleared bounding set an empty one. A root workload keeps
 * its caps across execve only through the inheritable set once the bounding set is
 * empty (P' = I | B), so its inheritable set is raised to its permitted one. This
 * is initproc.Target.
 */
static struct capstate target(const struct capstate *s, const struct options *o, int root)
{
	struct capstate t = {s->eff & ~o->drop, s->prm & ~o->drop, s->inh & ~o->drop, s->bnd & ~o->drop, s->amb & ~o->drop};
	if (o->clear_bounding) {
		t.bnd = 0;
		if (root)
			t.inh = (s->inh | s->prm) & ~o->drop;
	}
	return t;
}

static int capset(capset_t e, capset_t p, capset_t i)
{
	struct cap_header h = {LINUX_CAPABILITY_VERSION_3, 0};
	struct cap_data d[2] = {{(uint32_t)e, (uint32_t)p, (uint32_t)i}, {(uint32_t)(e >> 32), (uint32_t)(p >> 32), (uint32_t)(i >> 32)}};
	return sys_errno(syscall3(NR_capset, &h, d, 0));
}

/* setpcap_effective: the init started with CAP_SETPCAP in its effective set. */
static int setpcap_effective;

/* step_failed reports a refused step of transition, naming the cap it was about. */
static int step_failed(const char *name, int nr, int c, int err)
{
	if (filtered(nr))
		return denied(nr == NR_capset ? "capset" : "prctl", err);
	out_str(&step, "apply");
	out_str(&msg, name);
	if (c >= 0) {
		out_char(&msg, ' ');
		out_cap(&msg, c);
	}
	fail(EXIT_TRANSITION, err);
	if (err == 1 && nr == NR_prctl && cstreq(name, "drop-bounding")) {
		if (setpcap_effective)
			denial_cause();
		else
			out_str(&msg, ": clearing the bounding set needs CAP_SETPCAP effective, which the contract lends for bounding = \"clear\"");
	}
	return EXIT_TRANSITION;
}

/*
 * transition moves the thread from cur to t in the only order the kernel accepts
 * (internal/caps documents it step by step):
 *  1. capset(E, P, t.I) while B is whole: a new I must lie within old I | B;
 *  2. PR_CAPBSET_DROP for each cap leaving B, which needs CAP_SETPCAP in E;
 *  3. capset(t.E, t.P, t.I): only now may CAP_SETPCAP leave E and P;
 *  4. lower the ambient caps leaving A, raise those in t.A.
 * A target that adds to P or B, has E outside P or A outside P & I is refused
 * before anything changes. The first refusal stops it; earlier steps stay applied,
 * which is safe because the init then exits without running the workload.
 */
static int transition(const struct capstate *cur, const struct capstate *t)
{
	const struct {
		capset_t extra;
		const char *what;
	} invalid[] = {
		{t->prm & ~cur->prm, "permitted set would gain "},
		{t->bnd & ~cur->bnd, "bounding set would gain "},
		{t->eff & ~t->prm, "effective caps not in the permitted set: "},
		{t->amb & ~(t->prm & t->inh), "ambient caps not both permitted and inheritable: "},
	};
	for (int i = 0; i < 4; i++) {
		if (invalid[i].extra) {
			out_str(&step, "apply");
			out_str(&msg, "invalid capability target: ");
			out_str(&msg, invalid[i].what);
			out_set(&msg, invalid[i].extra);
			return fail(EXIT_TRANSITION, 0);
		}
	}
	int err = capset(cur->eff, cur->prm, t->inh);
	if (err)
		return step_failed("raise-inheritable", NR_capset, -1, err);
	for (int c = 0; c < 64; c++)
		if ((cur->bnd & ~t->bnd) >> c & 1 && (err = sys_errno(sys_prctl(PR_CAPBSET_DROP, c, 0))))
			return step_failed("drop-bounding", NR_prctl, c, err);
	if ((err = capset(t->eff, t->prm, t->inh)))
		return step_failed("capset", NR_capset, -1, err);
	/* Lowering a cap that steps 1 or 3 already cleared is a no-op for the kernel. */
	for (int c = 0; c < 64; c++)
		if ((cur->amb & ~t->amb) >> c & 1 && (err = sys_errno(sys_prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, c))))
			return step_failed("ambient-lower", NR_prctl, c, err);
	for (int c = 0; c < 64; c++)
		if (t->amb >> c & 1 && (err = sys_errno(sys_prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c))))
			return step_failed("ambient-raise", NR_prctl, c, err);
	return 0;
}

/*
 * after_exec predicts the state after execve of a file without file caps or
 * set-ID bits, as caps.AfterExec does: root P' = I | B (with no_new_privs
 * (I | B) & P), E' = P'; any other uid keeps only its ambient set.
 */
static struct capstate after_exec(const struct capstate *s, int root, int nnp)
{
	struct capstate a = {0, 0, s->inh, s->bnd, s->amb};
	capset_t p = s->amb;
	if (root)
		p = ((s->inh | s->bnd) & (nnp ? s->prm : ~(capset_t)0)) | s->amb;
	a.prm = a.eff = p;
	return a;
}

static int state_eq(const struct capstate *a, const struct capstate *b)
{
	return a->eff == b->eff && a->prm == b->prm && a->inh == b->inh && a->bnd == b->bnd && a->amb == b->amb;
}

static int verify_failed(const char *what, capset_t set, const char *tail, const struct capstate *s)
{
	out_str(&msg, what);
	out_set(&msg, set);
	out_str(&msg, tail);
	if (s) {
		out_state(&msg, s);
		out_char(&msg, ')');
	}
	return fail(EXIT_VERIFY, 0);
}

/*
 * verify reads the state back from the kernel twice over (capget and
 * PR_CAPBSET_READ, then /proc/thread-self/status) and checks it against the target
 * and against what the workload will hold after its execve.
 */
static int verify(const struct capstate *want, const struct options *o, int root)
{
	struct capstate got;
	out_str(&step, "verify");
	int code = read_state(&got, EXIT_VERIFY);
	if (code)
		return code;
	int err = read_status(&rep.st);
	if (err) {
		if (err > 0 && file_denied(err))
			return EXIT_SYSCALL_DENIED;
		return fail(EXIT_VERIFY, err > 0 ? err : 0);
	}
	if (!state_eq(&got, want)) {
		out_str(&msg, "kernel reports ");
		out_state(&msg, &got);
		out_str(&msg, ", want ");
		out_state(&msg, want);
		return fail(EXIT_VERIFY, 0);
	}
	if (!state_eq(&rep.st.caps, want)) {
		out_str(&msg, "/proc/thread-self/status reports ");
		out_state(&msg, &rep.st.caps);
		out_str(&msg, ", want ");
		out_state(&msg, want);
		return fail(EXIT_VERIFY, 0);
	}
	struct capstate after = after_exec(want, root, rep.st.no_new_privs);
	if (o->require & ~after.eff)
		return verify_failed("the workload would start without ", o->require & ~after.eff, ", which the contract requires (after execve: ", &after);
	capset_t sets[] = {after.eff, after.prm, after.inh, after.bnd, after.amb};
	for (int i = 0; i < 5; i++)
		if (sets[i] & o->drop)
			return verify_failed("the workload would keep ", sets[i] & o->drop, ", which was only lent to the init (after execve: ", &after);
	if (o->clear_bounding && after.bnd)
		return verify_failed("the bounding set is not empty: ", after.bnd, "", NULL);
	return 0;
}

/* stat_mode returns the mode of path (following symlinks), or -errno. */
static long stat_mode(const char *path)
{
	_Alignas(8) unsigned char st[STAT_SIZE];
	long r = syscall6(NR_newfstatat, AT_FDCWD, (long)path, (long)st, 0, 0, 0);
	if (r < 0)
		return r;
	uint32_t mode;
	memcpy(&mode, st + STAT_MODE_OFFSET, sizeof(mode));
	return mode;
}

static int executable(long mode) { return mode >= 0 && (mode & S_IFMT) != S_IFDIR && (mode & 0111); }

static char resolved[PATH_MAX];

/* getenv_path is the first PATH in envp, as getenv finds it, or NULL. */
static const char *getenv_path(char **envp)
{
	for (; *envp; envp++)
		if (envp[0][0] == 'P' && envp[0][1] == 'A' && envp[0][2] == 'T' && envp[0][3] == 'H' && envp[0][4] == '=')
			return *envp + 5;
	return NULL;
}

/*
 * resolve finds the workload as the runtime would: a name with a slash as it is,
 * anything else in the directories of the container's PATH (a default one when
 * unset or empty), the first regular-or-other non-directory file with an execute
 * bit. On success resolved holds the path.
 */
static int resolve(const char *name, char **envp)
{
	size_t nlen = cstrlen(name);
	out_str(&step, "resolve ");
	out_clean(&step, name, nlen, 64);
	const char *p = name;
	while (*p && *p != '/')
		p++;
	if (*p) {
		long mode = stat_mode(name);
		if (mode < 0 && filtered(NR_newfstatat))
			return denied("newfstatat", sys_errno(mode));
		if (sys_errno(mode) == 2) {
			out_clean(&msg, name, nlen, 200);
			out_str(&msg, ": executable file not found");
			return fail(EXIT_NOT_FOUND, 0);
		}
		if (mode < 0) {
			out_str(&msg, "stat ");
			out_clean(&msg, name, nlen, 200);
			return fail(EXIT_CANNOT_EXEC, sys_errno(mode));
		}
		if (!executable(mode) || nlen >= sizeof(resolved)) {
			out_clean(&msg, name, nlen, 200);
			out_str(&msg, ": not an executable file");
			return fail(EXIT_CANNOT_EXEC, 0);
		}
		memcpy(resolved, name, nlen + 1);
		return 0;
	}
	const char *path = getenv_path(envp);
	if (!path || !*path)
		path = default_path;
	int stat_err = 0;
	for (const char *dir = path; *dir;) {
		size_t dlen = 0;
		while (dir[dlen] && dir[dlen] != ':')
			dlen++;
		/* Too long a candidate is one the kernel would refuse (ENAMETOOLONG): skip it. */
		if (dlen > 0 && dlen + 1 + nlen < sizeof(resolved)) {
			memcpy(resolved, dir, dlen);
			resolved[dlen] = '/';
			memcpy(resolved + dlen + 1, name, nlen + 1);
			long mode = stat_mode(resolved);
			if (executable(mode))
				return 0;
			if (mode < 0)
				stat_err = sys_errno(mode);
		}
		dir += dlen;
		if (*dir == ':')
			dir++;
	}
	if (stat_err && filtered(NR_newfstatat))
		return denied("newfstatat", stat_err);
	out_clean(&msg, name, nlen, 200);
	out_str(&msg, ": executable file not found in PATH ");
	out_clean(&msg, path, cstrlen(path), 300);
	return fail(EXIT_NOT_FOUND, 0);
}

static void out_field_hex(struct out *o, const char *key, capset_t v)
{
	out_str(o, key);
	out_hex(o, v);
	out_char(o, '"');
}

/*
 * send reports the result once, in one write, as initproc.DecodeResult reads it. It
 * returns the errno of a write the seccomp filter denied, else 0.
 */
static int send(int ok)
{
	if (rep.fd < 0)
		return 0;
	char buf[4096];
	struct out j = OUT(buf);
	out_str(&j, ok ? "{\"ok\":true" : "{\"ok\":false");
	if (!ok) {
		out_str(&j, ",\"step\":\"");
		out_json(&j, step.p);
		out_char(&j, '"');
		if (fail_errno) {
			out_str(&j, ",\"errno\":");
			out_dec(&j, fail_errno);
		}
		out_str(&j, ",\"message\":\"");
		out_json(&j, msg.p);
		out_char(&j, '"');
	}
	out_str(&j, ",\"probe\":\"");
	out_str(&j, rep.probe);
	const struct capstate *s = &rep.st.caps;
	out_field_hex(&j, "\",\"state\":{\"eff\":\"", s->eff);
	out_field_hex(&j, ",\"prm\":\"", s->prm);
	out_field_hex(&j, ",\"inh\":\"", s->inh);
	out_field_hex(&j, ",\"bnd\":\"", s->bnd);
	out_field_hex(&j, ",\"amb\":\"", s->amb);
	out_str(&j, rep.st.no_new_privs ? "},\"noNewPrivs\":true" : "},\"noNewPrivs\":false");
	out_str(&j, ",\"seccomp\":");
	out_dec(&j, rep.st.seccomp);
	if (!ok) {
		out_str(&j, ",\"lsm\":\"");
		out_json(&j, lsm_buf);
		out_char(&j, '"');
	}
	if (rep.report_only)
		out_str(&j, ",\"reportOnly\":true");
	out_char(&j, '}');
	if (j.trunc)
		return 0; /* cannot happen with the buffer sizes above; never send a cut message */
	long w = sys_write(rep.fd, j.p, j.len);
	return w < 0 && filtered(NR_write) ? sys_errno(w) : 0;
}

/*
 * report prints the failure on stderr in one line, "oshim-init: STEP: MESSAGE",
 * and sends it to the host with the state measured now.
 */
static void report(void)
{
	if (msg.trunc && msg.len >= 3)
		memcpy(msg.p + msg.len - 3, "...", 3);
	char line[sizeof(step_buf) + sizeof(msg_buf) + 16];
	struct out l = OUT(line);
	out_str(&l, "oshim-init: ");
	out_str(&l, step.p);
	out_str(&l, ": ");
	out_str(&l, msg.p);
	out_char(&l, '\n');
	write_all(2, l.p, l.len);
	if (rep.fd < 0)
		return;
	struct procstatus st;
	size_t mark = msg.len;
	if (read_status(&st) == 0)
		rep.st = st;
	msg.len = mark; /* read_status may have added a reason; the report keeps the failure's */
	msg.p[mark] = 0;
	lsm_label();
	send(0);
}

/* run measures and, unless reporting only, changes the state; 0 means the workload may start. */
static int run(const struct options *o)
{
	struct capstate start;
	out_str(&step, "read-state");
	int code = read_state(&start, EXIT_READ_STATE);
	if (code)
		return code;
	long euid = syscall3(NR_geteuid, 0, 0, 0);
	if (euid < 0) /* geteuid cannot fail: an errno is the filter's */
		return denied("geteuid", sys_errno(euid));
	int root = euid == 0;
	out_reset(&step);
	setpcap_effective = start.eff >> CAP_SETPCAP & 1;
	if (setpcap_effective && (code = probe()))
		return code;
	struct capstate want = target(&start, o, root);
	if (!o->report_only && (code = transition(&start, &want)))
		return code;
	return verify(&want, o, root);
}

static const char usage[] =
	"usage: oshim-init [--clear-bounding] [--report-only] [--drop CAPS] [--require CAPS] [--result FIFO] -- COMMAND [ARGS...]\n"
	"\n"
	"oshim's in-container init, injected by oshim as a contracted container's first process\n"
	"(not for direct use). It checks the capability state, changes it as the contract says,\n"
	"reports to oshim and execs COMMAND. A failure stops the container before COMMAND runs,\n"
	"with one line on stderr starting \"oshim-init:\" and these exit statuses:\n"
	"  119  the container's seccomp profile denies a system call the init makes\n"
	"  120  bad arguments (the container's init and the host's oshim disagree)\n"
	"  121  the capability state could not be read\n"
	"  122  PR_CAPBSET_DROP denied although CAP_SETPCAP is effective (seccomp or LSM)\n"
	"  123  a step of the capability change failed\n"
	"  124  the state after the change differs from what the contract promised\n"
	"  126  COMMAND could not be executed\n"
	"  127  COMMAND was not found\n"
	"System calls it makes: " SYSCALL_LIST "\n";

int oshim_main(int argc, char **argv, char **envp)
{
	struct options o;
	/* The two harmless modes: they change nothing and run nothing. */
	if (argc == 2 && (cstreq(argv[1], "--version") || cstreq(argv[1], "--help"))) {
		const char *text = argv[1][2] == 'v' ? "oshim-init " OSHIM_VERSION "\n" : usage;
		write_all(1, text, cstrlen(text));
		return 0;
	}
	if (parse_args(argc > 0 ? argc - 1 : 0, argv + (argc > 0), &o, &msg) < 0) {
		out_str(&step, "arguments");
		out_str(&msg, ": the container's oshim-init and the host's oshim disagree; recreate the container");
		report();
		return EXIT_USAGE;
	}
	/*
	 * The FIFO is opened before any step that can fail or be killed, and held until
	 * the workload's execve closes it: the host reads the init's end, however it
	 * comes, as the end of the FIFO at once. Without a reader (the container was
	 * started by something other than oshim) the open fails with ENXIO and there is
	 * nobody to tell, which is no error; a seccomp denial of openat is reported by
	 * the first open that needs to succeed.
	 */
	if (o.result) {
		long fd = sys_openat(o.result, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		rep.fd = fd < 0 ? -1 : (int)fd;
	}
	rep.report_only = o.report_only;
	int code = resolve(o.workload[0], envp);
	if (code) {
		report();
		return code;
	}
	out_reset(&step);
	code = run(&o);
	if (code) {
		report();
		if (!o.report_only)
			return code;
	} else {
		int err = send(1);
		if (err && !o.report_only) {
			code = denied("write", err);
			report();
			return code;
		}
	}
	long r = syscall3(NR_execve, resolved, o.workload, envp);
	/* The host may already have an ok result: the engine sees this exit status. */
	rep.fd = -1;
	out_reset(&step);
	out_reset(&msg);
	if (filtered(NR_execve)) {
		code = denied("execve", sys_errno(r));
	} else {
		out_str(&step, "exec ");
		out_clean(&step, resolved, cstrlen(resolved), 64);
		code = fail(EXIT_CANNOT_EXEC, sys_errno(r));
	}
	report();
	return code;
}
