/*
 * parsetest: a test-only program (never shipped) that runs oshim-init's parsers on
 * records read from stdin, so Go fuzz tests can feed them hostile input without a
 * process per input. Each record is a kind byte, a chunk size and a length (both
 * 32-bit little-endian) and the bytes:
 *   'a': arguments separated by NUL bytes (none if the chunk size is 0)
 *        -> "ok CB RO DROP REQ RESULT N WORKLOAD..."
 *        (masks in hex, strings hex-encoded, RESULT "-" for none) or "err REASON";
 *   's': a status file, fed in chunks of the given size -> "ok INH PRM EFF BND AMB NNP SECCOMP"
 *        or "err REASON";
 *   'n': -> the capability names, separated by commas.
 */
#include "parse.h"

#define MAX_INPUT (1 << 20)
#define MAX_ARGS 4096

static char input[MAX_INPUT + 1];
static char *args[MAX_ARGS + 1];
static char outbuf[MAX_INPUT * 2 + 8192];

static int read_exact(void *buf, size_t n)
{
	char *p = buf;
	while (n > 0) {
		long r = sys_read(0, p, n);
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static uint32_t le32(const unsigned char *b) { return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24; }

static void out_hexstr(struct out *o, const char *s)
{
	static const char d[] = "0123456789abcdef";
	if (!*s)
		out_char(o, '.'); /* the empty string */
	for (; *s; s++) {
		out_char(o, d[(unsigned char)*s >> 4]);
		out_char(o, d[*s & 15]);
	}
}

static void args_record(struct out *o, size_t n, int none)
{
	int argc = 0;
	if (!none)
		args[argc++] = input;
	for (size_t i = 0; i < n && !none; i++) {
		if (input[i])
			continue;
		if (argc == MAX_ARGS) {
			out_str(o, "toolong");
			return;
		}
		args[argc++] = input + i + 1;
	}
	args[argc] = NULL;
	struct options opt;
	char reason[512];
	struct out err = OUT(reason);
	if (parse_args(argc, args, &opt, &err) < 0) {
		out_str(o, "err ");
		out_str(o, reason);
		return;
	}
	out_str(o, "ok ");
	out_dec(o, opt.clear_bounding);
	out_char(o, ' ');
	out_dec(o, opt.report_only);
	out_char(o, ' ');
	out_hex(o, opt.drop);
	out_char(o, ' ');
	out_hex(o, opt.require);
	out_char(o, ' ');
	if (opt.result)
		out_hexstr(o, opt.result);
	else
		out_char(o, '-');
	int w = 0;
	while (opt.workload[w])
		w++;
	out_char(o, ' ');
	out_dec(o, w);
	for (int i = 0; i < w; i++) {
		out_char(o, ' ');
		out_hexstr(o, opt.workload[i]);
	}
}

static void status_record(struct out *o, size_t n, size_t chunk)
{
	char reason[512];
	struct out err = OUT(reason);
	struct status_parser p;
	status_init(&p, &err);
	if (chunk == 0)
		chunk = 1;
	for (size_t i = 0; i < n; i += chunk)
		status_feed(&p, input + i, n - i < chunk ? n - i : chunk);
	if (status_end(&p) < 0) {
		out_str(o, "err ");
		out_str(o, reason);
		return;
	}
	const struct capstate *c = &p.st.caps;
	capset_t v[] = {c->inh, c->prm, c->eff, c->bnd, c->amb};
	out_str(o, "ok");
	for (int i = 0; i < 5; i++) {
		out_char(o, ' ');
		out_hex(o, v[i]);
	}
	out_char(o, ' ');
	out_dec(o, p.st.no_new_privs);
	out_char(o, ' ');
	out_dec(o, p.st.seccomp);
}

int oshim_main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	unsigned char hdr[9];
	while (read_exact(hdr, sizeof(hdr)) == 0) {
		uint32_t chunk = le32(hdr + 1), n = le32(hdr + 5);
		if (n > MAX_INPUT || read_exact(input, n) < 0)
			return 2;
		input[n] = 0;
		struct out o = OUT(outbuf);
		switch (hdr[0]) {
		case 'a':
			args_record(&o, n, chunk == 0);
			break;
		case 's':
			status_record(&o, n, chunk);
			break;
		case 'n':
			for (int c = 0; c < cap_count(); c++) {
				if (c)
					out_char(&o, ',');
				out_str(&o, cap_name(c));
			}
			break;
		default:
			return 2;
		}
		out_char(&o, '\n');
		write_all(1, o.p, o.len);
	}
	return 0;
}
