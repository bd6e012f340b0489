/* err.h — error values that carry a message, and the exit-code table.
 *
 * Functions below main() never print or exit: they fill a gsa_err_t and
 * return a negative value.  main() logs err->msg and exits with err->code.
 */
#ifndef GSA_ERR_H
#define GSA_ERR_H

#include <stddef.h>

/* Exit codes shared by every tool (README: "Exit codes"). */
enum {
	GSA_OK        = 0,   /* success */
	GSA_EUSAGE    = 1,   /* bad command line */
	GSA_EDATA     = 2,   /* bad input data: malformed, truncated, inconsistent */
	GSA_EIO       = 3,   /* local I/O: missing file, permission, disk full */
	GSA_EREMOTE   = 4,   /* remote service or authentication */
	GSA_EINTERNAL = 5,   /* bug or resource exhaustion (out of memory) */
	GSA_ESIGINT   = 130, /* interrupted by SIGINT */
	GSA_ESIGTERM  = 143  /* interrupted by SIGTERM */
};

#define GSA_ERR_MSG_MAX 1024

/* An error: exit-code class plus a one-line message naming the file/URI. */
typedef struct gsa_err {
	int code;                  /* one of the GSA_E* codes; GSA_OK when clear */
	char msg[GSA_ERR_MSG_MAX]; /* one line, no trailing newline */
} gsa_err_t;

/* Clear an error value. */
void gsa_err_clear(gsa_err_t *e);

/* Set code and printf-formatted message.  Returns -1 so callers can write
 * `return gsa_err_set(err, GSA_EDATA, "%s: truncated", path);`.  e may be NULL. */
int gsa_err_set(gsa_err_t *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like gsa_err_set, appending ": strerror(errnum)" and choosing the code
 * from errnum (ENOENT/EACCES/ENOSPC/EIO... -> GSA_EIO, ENOMEM -> GSA_EINTERNAL). */
int gsa_err_errno(gsa_err_t *e, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix an existing message with "prefix: ", keeping its code.  Returns -1. */
int gsa_err_prefix(gsa_err_t *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Size of a buffer for gsa_strerror(): holds any system error message. */
#define GSA_STRERROR_MAX 128

/* The system's message for errnum, written into buf (size bytes; use
 * GSA_STRERROR_MAX) and returned: thread-safe, unlike strerror(), and the
 * same call on glibc and musl.  An unknown number gives "error N". */
const char *gsa_strerror(int errnum, char *buf, size_t size);

/* Exit code for an errno value (see gsa_err_errno). */
int gsa_err_code_for_errno(int errnum);

/* Short stable name of an exit code ("ok", "usage", "data", "io", "remote",
 * "internal", "interrupted"), for logs; "unknown" for anything else. */
const char *gsa_err_code_name(int code);

#endif
