/*
 * lib.h: the few helpers oshim-init needs in place of a C library: bounded text
 * buffers that escape untrusted bytes, errno names, and small file reads.
 */
#ifndef OSHIM_LIB_H
#define OSHIM_LIB_H

#include "sys.h"

/*
 * struct out is a bounded text buffer. Appends past its capacity are cut and
 * remembered in trunc; the text always stays NUL-terminated, so a message built
 * from hostile input (a pod author's argv, PATH or file names) can be long but
 * never overflows.
 */
struct out {
	char *p;
	size_t cap; /* bytes in p, including the terminating NUL */
	size_t len;
	int trunc;
};

#define OUT(buf) {(buf), sizeof(buf), 0, 0}

void out_reset(struct out *o);
void out_mem(struct out *o, const char *s, size_t n);
void out_str(struct out *o, const char *s);
void out_char(struct out *o, char c);
void out_dec(struct out *o, long v);
void out_hex(struct out *o, uint64_t v);
/*
 * out_clean appends untrusted bytes so that no terminal escape sequence or control
 * character gets through: every byte outside printable ASCII, and the backslash,
 * becomes \xHH or \\. At most limit input bytes are shown, then "...".
 */
void out_clean(struct out *o, const char *s, size_t n, size_t limit);
/* out_json appends s, which out_clean already made printable ASCII, as JSON string content. */
void out_json(struct out *o, const char *s);

/* The C library's memory functions, defined in lib.c (gcc may call them too). */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);

size_t cstrlen(const char *s);
int cstreq(const char *a, const char *b);

/* errno_name and errno_text describe a kernel errno ("EPERM", "operation not permitted"). */
const char *errno_name(int e);
const char *errno_text(int e);

/*
 * read_file reads at most cap-1 bytes of a small file (a /proc value) into buf and
 * NUL-terminates them. It returns the length, or -errno.
 */
long read_file(const char *path, char *buf, size_t cap);

void write_all(int fd, const char *s, size_t n);

/* oshim_main is the program's main: _start calls it and exits with its value. */
int oshim_main(int argc, char **argv, char **envp);

#endif
