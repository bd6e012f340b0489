#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void gsa_err_clear(gsa_err_t *e)
{
	if (!e) return;
	e->code = GSA_OK;
	e->msg[0] = '\0';
}

static void strip_newlines(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r') *s = ' ';
}

/* e->msg = a + sep + b, truncated to fit. */
static void join_msg(gsa_err_t *e, const char *a, const char *sep, const char *b)
{
	size_t na = strlen(a), ns = strlen(sep), nb = strlen(b), cap = sizeof e->msg - 1, n = 0;
	char out[GSA_ERR_MSG_MAX];
	if (na > cap) na = cap;
	memcpy(out, a, na); n = na;
	if (ns > cap - n) ns = cap - n;
	memcpy(out + n, sep, ns); n += ns;
	if (nb > cap - n) nb = cap - n;
	memcpy(out + n, b, nb); n += nb;
	out[n] = '\0';
	memcpy(e->msg, out, n + 1);
	strip_newlines(e->msg);
}

int gsa_err_set(gsa_err_t *e, int code, const char *fmt, ...)
{
	va_list ap;
	if (!e) return -1;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	strip_newlines(e->msg);
	return -1;
}

/* strerror_r comes in two shapes: the XSI one (musl, and glibc without
 * _GNU_SOURCE) returns 0 and fills buf; the GNU one returns the message,
 * which may be a static string rather than buf.  _Generic picks the reader
 * for whichever the C library declares, at compile time. */
static const char *strerror_from_xsi(int rc, char *buf, size_t size, int errnum)
{
	if (rc != 0 || !buf[0]) snprintf(buf, size, "error %d", errnum);
	return buf;
}

static const char *strerror_from_gnu(const char *msg, char *buf, size_t size, int errnum)
{
	if (!msg || !msg[0]) {
		snprintf(buf, size, "error %d", errnum);
		return buf;
	}
	return msg;
}

const char *gsa_strerror(int errnum, char *buf, size_t size)
{
	if (!buf || size == 0) return "error";
	buf[0] = '\0';
	return _Generic(strerror_r(errnum, buf, size),
			int: strerror_from_xsi,
			char *: strerror_from_gnu)(strerror_r(errnum, buf, size), buf, size, errnum);
}

int gsa_err_code_for_errno(int errnum)
{
	switch (errnum) {
	case ENOMEM: return GSA_EINTERNAL;
	case EINTR: return GSA_ESIGINT;
	case EINVAL: return GSA_EUSAGE;
	default: return GSA_EIO;
	}
}

int gsa_err_errno(gsa_err_t *e, int errnum, const char *fmt, ...)
{
	char head[GSA_ERR_MSG_MAX];
	va_list ap;
	if (!e) return -1;
	va_start(ap, fmt);
	vsnprintf(head, sizeof head, fmt, ap);
	va_end(ap);
	char why[GSA_STRERROR_MAX];
	join_msg(e, head, ": ", gsa_strerror(errnum, why, sizeof why));
	e->code = gsa_err_code_for_errno(errnum);
	return -1;
}

int gsa_err_prefix(gsa_err_t *e, const char *fmt, ...)
{
	char prefix[GSA_ERR_MSG_MAX], old[GSA_ERR_MSG_MAX];
	va_list ap;
	if (!e) return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof old);
	join_msg(e, prefix, ": ", old);
	return -1;
}

const char *gsa_err_code_name(int code)
{
	switch (code) {
	case GSA_OK: return "ok";
	case GSA_EUSAGE: return "usage";
	case GSA_EDATA: return "data";
	case GSA_EIO: return "io";
	case GSA_EREMOTE: return "remote";
	case GSA_EINTERNAL: return "internal";
	case GSA_ESIGINT:
	case GSA_ESIGTERM: return "interrupted";
	default: return "unknown";
	}
}
