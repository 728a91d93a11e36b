/* lib.c: see lib.h. Also the program's entry point and the memory functions gcc may call. */
#include "lib.h"

/*
 * The kernel starts a static program with the stack pointer at argc, followed by
 * argv, a NULL, envp and a NULL. There is nothing else to set up: no TLS, no
 * relocations (the binary is not position-independent), no heap.
 */
#if defined(__x86_64__)
__asm__(".text\n"
	".global _start\n"
	".type _start,@function\n"
	"_start:\n"
	"	xor %ebp, %ebp\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call start_c\n"
	"	hlt\n");
#else
__asm__(".text\n"
	".global _start\n"
	".type _start,%function\n"
	"_start:\n"
	"	mov x29, #0\n"
	"	mov x30, #0\n"
	"	mov x0, sp\n"
	"	bl start_c\n"
	"	brk #0\n");
#endif

__attribute__((used, noreturn)) void start_c(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	sys_exit(oshim_main(argc, argv, argv + argc + 1));
}

void sys_exit(int code)
{
	syscall3(NR_exit_group, code, 0, 0);
	/* Only a seccomp filter can make exit_group return: stop with a fault instead of
	 * running on. */
	for (;;)
		__builtin_trap();
}

/* gcc may emit calls to these for struct copies and zeroing, even freestanding. */
void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;
	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;
	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;
	if (dp < sp) {
		while (n--)
			*dp++ = *sp++;
	} else {
		while (n--)
			dp[n] = sp[n];
	}
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

size_t cstrlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int cstreq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

void out_reset(struct out *o)
{
	o->len = 0;
	o->trunc = 0;
	o->p[0] = 0;
}

void out_mem(struct out *o, const char *s, size_t n)
{
	size_t room = o->cap - 1 - o->len;
	if (n > room) {
		n = room;
		o->trunc = 1;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = 0;
}

void out_str(struct out *o, const char *s) { out_mem(o, s, cstrlen(s)); }

void out_char(struct out *o, char c) { out_mem(o, &c, 1); }

void out_dec(struct out *o, long v)
{
	char b[24];
	int i = sizeof(b);
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
	do {
		b[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		b[--i] = '-';
	out_mem(o, b + i, sizeof(b) - i);
}

static const char hexdigits[] = "0123456789abcdef";

void out_hex(struct out *o, uint64_t v)
{
	char b[16];
	int i = sizeof(b);
	do {
		b[--i] = hexdigits[v & 15];
		v >>= 4;
	} while (v);
	out_mem(o, b + i, sizeof(b) - i);
}

void out_clean(struct out *o, const char *s, size_t n, size_t limit)
{
	size_t shown = n < limit ? n : limit;
	for (size_t i = 0; i < shown; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\\') {
			out_str(o, "\\\\");
		} else if (c >= 0x20 && c < 0x7f) {
			out_char(o, (char)c);
		} else {
			char e[4] = {'\\', 'x', hexdigits[c >> 4], hexdigits[c & 15]};
			out_mem(o, e, 4);
		}
	}
	if (shown < n)
		out_str(o, "...");
}

void out_json(struct out *o, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			out_char(o, '\\');
		out_char(o, *s);
	}
}

void write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		long w = sys_write(fd, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

long read_file(const char *path, char *buf, size_t cap)
{
	long fd = sys_openat(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fd;
	size_t n = 0;
	long r = 0;
	while (n < cap - 1 && (r = sys_read((int)fd, buf + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	sys_close((int)fd);
	buf[n] = 0;
	return r < 0 ? r : (long)n;
}

/* Linux's errno numbers are the same on x86_64 and aarch64 (asm-generic/errno*.h). */
static const struct {
	const char *name, *text;
} errnos[] = {
	[1] = {"EPERM", "operation not permitted"},
	[2] = {"ENOENT", "no such file or directory"},
	[3] = {"ESRCH", "no such process"},
	[4] = {"EINTR", "interrupted system call"},
	[5] = {"EIO", "input/output error"},
	[6] = {"ENXIO", "no such device or address"},
	[7] = {"E2BIG", "argument list too long"},
	[8] = {"ENOEXEC", "exec format error"},
	[9] = {"EBADF", "bad file descriptor"},
	[10] = {"ECHILD", "no child processes"},
	[11] = {"EAGAIN", "resource temporarily unavailable"},
	[12] = {"ENOMEM", "cannot allocate memory"},
	[13] = {"EACCES", "permission denied"},
	[14] = {"EFAULT", "bad address"},
	[15] = {"ENOTBLK", "block device required"},
	[16] = {"EBUSY", "device or resource busy"},
	[17] = {"EEXIST", "file exists"},
	[18] = {"EXDEV", "invalid cross-device link"},
	[19] = {"ENODEV", "no such device"},
	[20] = {"ENOTDIR", "not a directory"},
	[21] = {"EISDIR", "is a directory"},
	[22] = {"EINVAL", "invalid argument"},
	[23] = {"ENFILE", "too many open files in system"},
	[24] = {"EMFILE", "too many open files"},
	[25] = {"ENOTTY", "inappropriate ioctl for device"},
	[26] = {"ETXTBSY", "text file busy"},
	[27] = {"EFBIG", "file too large"},
	[28] = {"ENOSPC", "no space left on device"},
	[29] = {"ESPIPE", "illegal seek"},
	[30] = {"EROFS", "read-only file system"},
	[31] = {"EMLINK", "too many links"},
	[32] = {"EPIPE", "broken pipe"},
	[33] = {"EDOM", "numerical argument out of domain"},
	[34] = {"ERANGE", "numerical result out of range"},
	[35] = {"EDEADLK", "resource deadlock avoided"},
	[36] = {"ENAMETOOLONG", "file name too long"},
	[37] = {"ENOLCK", "no locks available"},
	[38] = {"ENOSYS", "function not implemented"},
	[39] = {"ENOTEMPTY", "directory not empty"},
	[40] = {"ELOOP", "too many levels of symbolic links"},
	[42] = {"ENOMSG", "no message of desired type"},
	[43] = {"EIDRM", "identifier removed"},
	[44] = {"ECHRNG", "channel number out of range"},
	[45] = {"EL2NSYNC", "level 2 not synchronized"},
	[46] = {"EL3HLT", "level 3 halted"},
	[47] = {"EL3RST", "level 3 reset"},
	[48] = {"ELNRNG", "link number out of range"},
	[49] = {"EUNATCH", "protocol driver not attached"},
	[50] = {"ENOCSI", "no CSI structure available"},
	[51] = {"EL2HLT", "level 2 halted"},
	[52] = {"EBADE", "invalid exchange"},
	[53] = {"EBADR", "invalid request descriptor"},
	[54] = {"EXFULL", "exchange full"},
	[55] = {"ENOANO", "no anode"},
	[56] = {"EBADRQC", "invalid request code"},
	[57] = {"EBADSLT", "invalid slot"},
	[59] = {"EBFONT", "bad font file format"},
	[60] = {"ENOSTR", "device not a stream"},
	[61] = {"ENODATA", "no data available"},
	[62] = {"ETIME", "timer expired"},
	[63] = {"ENOSR", "out of streams resources"},
	[64] = {"ENONET", "machine is not on the network"},
	[65] = {"ENOPKG", "package not installed"},
	[66] = {"EREMOTE", "object is remote"},
	[67] = {"ENOLINK", "link has been severed"},
	[68] = {"EADV", "advertise error"},
	[69] = {"ESRMNT", "srmount error"},
	[70] = {"ECOMM", "communication error on send"},
	[71] = {"EPROTO", "protocol error"},
	[72] = {"EMULTIHOP", "multihop attempted"},
	[73] = {"EDOTDOT", "rFS specific error"},
	[74] = {"EBADMSG", "bad message"},
	[75] = {"EOVERFLOW", "value too large for defined data type"},
	[76] = {"ENOTUNIQ", "name not unique on network"},
	[77] = {"EBADFD", "file descriptor in bad state"},
	[78] = {"EREMCHG", "remote address changed"},
	[79] = {"ELIBACC", "can not access a needed shared library"},
	[80] = {"ELIBBAD", "accessing a corrupted shared library"},
	[81] = {"ELIBSCN", ".lib section in a.out corrupted"},
	[82] = {"ELIBMAX", "attempting to link in too many shared libraries"},
	[83] = {"ELIBEXEC", "cannot exec a shared library directly"},
	[84] = {"EILSEQ", "invalid or incomplete multibyte or wide character"},
	[85] = {"ERESTART", "interrupted system call should be restarted"},
	[86] = {"ESTRPIPE", "streams pipe error"},
	[87] = {"EUSERS", "too many users"},
	[88] = {"ENOTSOCK", "socket operation on non-socket"},
	[89] = {"EDESTADDRREQ", "destination address required"},
	[90] = {"EMSGSIZE", "message too long"},
	[91] = {"EPROTOTYPE", "protocol wrong type for socket"},
	[92] = {"ENOPROTOOPT", "protocol not available"},
	[93] = {"EPROTONOSUPPORT", "protocol not supported"},
	[94] = {"ESOCKTNOSUPPORT", "socket type not supported"},
	[95] = {"EOPNOTSUPP", "operation not supported"},
	[96] = {"EPFNOSUPPORT", "protocol family not supported"},
	[97] = {"EAFNOSUPPORT", "address family not supported by protocol"},
	[98] = {"EADDRINUSE", "address already in use"},
	[99] = {"EADDRNOTAVAIL", "cannot assign requested address"},
	[100] = {"ENETDOWN", "network is down"},
	[101] = {"ENETUNREACH", "network is unreachable"},
	[102] = {"ENETRESET", "network dropped connection on reset"},
	[103] = {"ECONNABORTED", "software caused connection abort"},
	[104] = {"ECONNRESET", "connection reset by peer"},
	[105] = {"ENOBUFS", "no buffer space available"},
	[106] = {"EISCONN", "transport endpoint is already connected"},
	[107] = {"ENOTCONN", "transport endpoint is not connected"},
	[108] = {"ESHUTDOWN", "cannot send after transport endpoint shutdown"},
	[109] = {"ETOOMANYREFS", "too many references: cannot splice"},
	[110] = {"ETIMEDOUT", "connection timed out"},
	[111] = {"ECONNREFUSED", "connection refused"},
	[112] = {"EHOSTDOWN", "host is down"},
	[113] = {"EHOSTUNREACH", "no route to host"},
	[114] = {"EALREADY", "operation already in progress"},
	[115] = {"EINPROGRESS", "operation now in progress"},
	[116] = {"ESTALE", "stale file handle"},
	[117] = {"EUCLEAN", "structure needs cleaning"},
	[118] = {"ENOTNAM", "not a XENIX named type file"},
	[119] = {"ENAVAIL", "no XENIX semaphores available"},
	[120] = {"EISNAM", "is a named type file"},
	[121] = {"EREMOTEIO", "remote I/O error"},
	[122] = {"EDQUOT", "disk quota exceeded"},
	[123] = {"ENOMEDIUM", "no medium found"},
	[124] = {"EMEDIUMTYPE", "wrong medium type"},
	[125] = {"ECANCELED", "operation canceled"},
	[126] = {"ENOKEY", "required key not available"},
	[127] = {"EKEYEXPIRED", "key has expired"},
	[128] = {"EKEYREVOKED", "key has been revoked"},
	[129] = {"EKEYREJECTED", "key was rejected by service"},
	[130] = {"EOWNERDEAD", "owner died"},
	[131] = {"ENOTRECOVERABLE", "state not recoverable"},
	[132] = {"ERFKILL", "operation not possible due to RF-kill"},
};

const char *errno_name(int e)
{
	if (e > 0 && (size_t)e < sizeof(errnos) / sizeof(errnos[0]) && errnos[e].name)
		return errnos[e].name;
	return "unknown";
}

const char *errno_text(int e)
{
	if (e > 0 && (size_t)e < sizeof(errnos) / sizeof(errnos[0]) && errnos[e].text)
		return errnos[e].text;
	return "unknown error";
}
