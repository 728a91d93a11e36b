/* parse.c: see parse.h. Every input here may come from a pod author; nothing is trusted. */
#include "parse.h"

/* Indexed by capability number, as internal/caps names them (the tests compare both). */
static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
	"CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
	"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

#define NCAPS ((int)(sizeof(cap_names) / sizeof(cap_names[0])))

int cap_count(void) { return NCAPS; }

const char *cap_name(int c) { return c >= 0 && c < NCAPS ? cap_names[c] : NULL; }

static char upper(char c) { return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c; }

/* ascii_eq_fold compares case-insensitively in ASCII only, as caps.Parse does. */
static int ascii_eq_fold(const char *a, size_t n, const char *b)
{
	size_t i = 0;
	for (; i < n && b[i]; i++)
		if (upper(a[i]) != upper(b[i]))
			return 0;
	return i == n && !b[i];
}

int cap_parse(const char *s, size_t n)
{
	if (n >= 4 && upper(s[0]) == 'C' && upper(s[1]) == 'A' && upper(s[2]) == 'P' && s[3] == '_')
		s += 4, n -= 4;
	for (int c = 0; c < NCAPS; c++)
		if (ascii_eq_fold(s, n, cap_names[c] + 4))
			return c;
	return -1;
}

void out_cap(struct out *o, int c)
{
	if (cap_name(c)) {
		out_str(o, cap_name(c));
	} else {
		out_str(o, "CAP_");
		out_dec(o, c);
	}
}

void out_set(struct out *o, capset_t s)
{
	if (!s) {
		out_str(o, "none");
		return;
	}
	int first = 1;
	for (int c = 0; c < 64; c++) {
		if (!(s >> c & 1))
			continue;
		if (!first)
			out_char(o, ',');
		first = 0;
		out_cap(o, c);
	}
}

void out_state(struct out *o, const struct capstate *s)
{
	out_str(o, "eff=");
	out_set(o, s->eff);
	out_str(o, " prm=");
	out_set(o, s->prm);
	out_str(o, " inh=");
	out_set(o, s->inh);
	out_str(o, " bnd=");
	out_set(o, s->bnd);
	out_str(o, " amb=");
	out_set(o, s->amb);
}

/* parse_set reads a comma-separated list of capability names, as initproc.parseSet does. */
static int parse_set(const char *v, capset_t *set, struct out *err)
{
	*set = 0;
	for (;;) {
		size_t n = 0;
		while (v[n] && v[n] != ',')
			n++;
		if (n == 0) {
			out_str(err, "empty capability name");
			return -1;
		}
		int c = cap_parse(v, n);
		if (c < 0) {
			out_str(err, "unknown capability \"");
			out_clean(err, v, n, 64);
			out_char(err, '"');
			return -1;
		}
		*set |= (capset_t)1 << c;
		if (!v[n])
			return 0;
		v += n + 1;
	}
}

int parse_args(int argc, char **argv, struct options *o, struct out *err)
{
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (cstreq(a, "--")) {
			if (i + 1 >= argc)
				break;
			o->workload = argv + i + 1;
			return 0;
		} else if (cstreq(a, "--clear-bounding")) {
			o->clear_bounding = 1;
		} else if (cstreq(a, "--report-only")) {
			o->report_only = 1;
		} else if (cstreq(a, "--drop") || cstreq(a, "--require") || cstreq(a, "--result")) {
			if (i + 1 >= argc) {
				out_str(err, a);
				out_str(err, " needs a value");
				return -1;
			}
			const char *v = argv[++i];
			if (cstreq(a, "--result")) {
				o->result = v[0] ? v : NULL;
				continue;
			}
			capset_t *set = cstreq(a, "--drop") ? &o->drop : &o->require;
			if (parse_set(v, set, err) < 0) {
				/* Put the flag in front of the reason parse_set gave. */
				char reason[160];
				struct out r = OUT(reason);
				out_str(&r, err->p);
				out_reset(err);
				out_str(err, a);
				out_str(err, ": ");
				out_str(err, reason);
				return -1;
			}
		} else {
			out_str(err, "unknown argument \"");
			out_clean(err, a, cstrlen(a), 64);
			out_char(err, '"');
			return -1;
		}
	}
	out_str(err, "no workload command after --");
	return -1;
}

/* Keys of the status lines read, and their bits in status_parser.seen. */
static const char *const status_keys[] = {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp"};
enum { K_INH, K_PRM, K_EFF, K_BND, K_AMB, K_NNP, K_SECCOMP, NKEYS };

void status_init(struct status_parser *p, struct out *err)
{
	memset(p, 0, sizeof(*p));
	p->err = err;
}

static int fail_key(struct status_parser *p, const char *what, int k, const char *v, size_t n)
{
	out_str(p->err, what);
	out_str(p->err, status_keys[k]);
	if (v) {
		out_str(p->err, " value \"");
		out_clean(p->err, v, n, 32);
		out_char(p->err, '"');
	} else {
		out_str(p->err, " line");
	}
	p->failed = 1;
	return -1;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

/* parse_mask reads the kernel's %016llx rendering: 1 to 16 hex digits, nothing else. */
static int parse_mask(const char *v, size_t n, capset_t *out)
{
	if (n == 0 || n > 16)
		return -1;
	capset_t m = 0;
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		m = m << 4 | (capset_t)d;
	}
	*out = m;
	return 0;
}

/* parse_seccomp accepts what strconv.Atoi accepts and 0 <= n <= 2 allows. */
static int parse_seccomp(const char *v, size_t n, int *out)
{
	size_t i = 0;
	int neg = 0;
	if (n > 0 && (v[0] == '+' || v[0] == '-'))
		neg = v[0] == '-', i = 1;
	if (i == n)
		return -1;
	int value = 0;
	for (; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		if (value <= 2)
			value = value * 10 + (v[i] - '0');
	}
	if (value > 2 || (neg && value != 0))
		return -1;
	*out = value;
	return 0;
}

/* status_line handles one line of at most STATUS_LINE_MAX bytes kept in p->line. */
static void status_line(struct status_parser *p)
{
	const char *l = p->line;
	size_t colon = 0;
	while (colon < p->len && l[colon] != ':')
		colon++;
	if (colon == p->len)
		return; /* no colon (or not within the kept part, so no key of ours) */
	int k = 0;
	while (k < NKEYS && !(cstrlen(status_keys[k]) == colon && memcmp(l, status_keys[k], colon) == 0))
		k++;
	if (k == NKEYS)
		return;
	if (p->overlong) {
		fail_key(p, "overlong ", k, NULL, 0);
		return;
	}
	if (p->seen >> k & 1) {
		fail_key(p, "duplicate ", k, NULL, 0);
		return;
	}
	p->seen |= 1u << k;
	const char *v = l + colon + 1;
	size_t n = p->len - colon - 1;
	while (n > 0 && is_space(v[0]))
		v++, n--;
	while (n > 0 && is_space(v[n - 1]))
		n--;
	capset_t *sets[] = {&p->st.caps.inh, &p->st.caps.prm, &p->st.caps.eff, &p->st.caps.bnd, &p->st.caps.amb};
	switch (k) {
	case K_NNP:
		if (n == 1 && (v[0] == '0' || v[0] == '1'))
			p->st.no_new_privs = v[0] == '1';
		else
			fail_key(p, "bad ", k, v, n);
		break;
	case K_SECCOMP:
		if (parse_seccomp(v, n, &p->st.seccomp) < 0)
			fail_key(p, "bad ", k, v, n);
		break;
	default:
		if (parse_mask(v, n, sets[k]) < 0)
			fail_key(p, "bad mask of ", k, v, n);
	}
}

void status_feed(struct status_parser *p, const char *buf, size_t n)
{
	for (size_t i = 0; i < n && !p->failed; i++) {
		if (buf[i] == '\n') {
			status_line(p);
			p->len = 0;
			p->overlong = 0;
		} else if (p->len < sizeof(p->line)) {
			p->line[p->len++] = buf[i];
		} else {
			p->overlong = 1;
		}
	}
}

int status_end(struct status_parser *p)
{
	if (!p->failed && p->len > 0)
		status_line(p);
	if (p->failed)
		return -1;
	for (int k = K_INH; k <= K_AMB; k++)
		if (!(p->seen >> k & 1))
			return fail_key(p, "missing ", k, NULL, 0);
	return 0;
}
