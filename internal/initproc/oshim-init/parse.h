/*
 * parse.h: what oshim-init parses: its own arguments, capability names and the
 * capability lines of /proc/thread-self/status. Kept apart from init.c so that a
 * test-only program can feed them hostile input (test/parsetest.c).
 */
#ifndef OSHIM_PARSE_H
#define OSHIM_PARSE_H

#include "lib.h"

typedef uint64_t capset_t;

#define CAP_SETPCAP 8

/* The five sets of one thread, as the kernel keeps them. */
struct capstate {
	capset_t eff, prm, inh, bnd, amb;
};

/* Options are what the contract promised; see initproc.Options on the host. */
struct options {
	int clear_bounding;
	int report_only;
	capset_t drop;
	capset_t require;
	const char *result; /* NULL: no result FIFO */
	char **workload;    /* the command after "--", never empty */
};

/*
 * parse_args reads the arguments after the program name, exactly as
 * initproc.ParseArgs does. It returns 0, or -1 with the reason in err.
 */
int parse_args(int argc, char **argv, struct options *o, struct out *err);

/* cap_parse accepts what caps.Parse accepts: "CAP_SETPCAP", "SETPCAP", any letter case. */
int cap_parse(const char *s, size_t n);
/* cap_name is the canonical name, or NULL for a number this build has no name for. */
const char *cap_name(int c);
int cap_count(void);
/* out_cap appends a capability's name, or "CAP_<n>" for a number without one. */
void out_cap(struct out *o, int c);
/* out_set appends a set as caps.Set.String does: "CAP_A,CAP_B", "CAP_63" or "none". */
void out_set(struct out *o, capset_t s);
/* out_state appends "eff=... prm=... inh=... bnd=... amb=..." as caps.State.String does. */
void out_state(struct out *o, const struct capstate *s);

/* What /proc/thread-self/status says about capabilities. */
struct procstatus {
	struct capstate caps;
	int no_new_privs;
	int seccomp;
};

#define STATUS_LINE_MAX 128

/*
 * struct status_parser reads a status file in chunks of any size, as
 * caps.ParseProcStatus does: the five Cap lines exactly once each, NoNewPrivs and
 * Seccomp at most once. Only the first STATUS_LINE_MAX bytes of a line are kept:
 * the kernel writes the lines read here well within that, and a longer one is
 * refused if it is one of them.
 */
struct status_parser {
	struct procstatus st;
	char line[STATUS_LINE_MAX];
	size_t len;
	int overlong;
	unsigned seen; /* bit per key: see status.c */
	int failed;
	struct out *err;
};

void status_init(struct status_parser *p, struct out *err);
void status_feed(struct status_parser *p, const char *buf, size_t n);
/* status_end finishes the input; it returns 0 with p->st filled, or -1 with the reason in err. */
int status_end(struct status_parser *p);

#endif
