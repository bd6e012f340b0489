/* http.h — the HTTP layer under the AWS clients: libcurl easy handles (one
 * per thread, reused so connections stay open), timeouts, and the retry
 * policy (which failures are transient, exponential backoff, full jitter).
 *
 * One gsa_http_conn_t serves one thread at a time.  A request is performed
 * once by gsa_http_perform(); callers that must re-sign each attempt (S3)
 * loop with gsa_http_should_retry() and gsa_http_backoff_ms().
 */
#ifndef GSA_AWS_HTTP_H
#define GSA_AWS_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "strbuf.h"

#define GSA_HTTP_MAX_HDRS 48

struct gsa_http_resp;

/* Where a 2xx response body goes.  write() returns 0, or -1 to stop the
 * transfer (a local error the callback keeps for itself).  begin (may be
 * NULL) sees the response headers once, before the first write. */
typedef struct gsa_http_sink {
	int (*write)(void *ctx, const void *data, size_t n);
	void *ctx;
	void (*begin)(void *ctx, const struct gsa_http_resp *resp);
} gsa_http_sink_t;

/* Where a request body comes from: memory, or a byte range of a file. */
typedef struct gsa_http_body {
	const char *mem; /* used when not NULL */
	int fd;          /* else pread() from fd */
	uint64_t off;
	uint64_t len;
} gsa_http_body_t;

typedef struct gsa_http_req {
	const char *method;              /* GET HEAD PUT POST DELETE */
	const char *url;
	const char *const *hdrs;         /* "Name: value" lines */
	size_t nhdrs;
	const gsa_http_body_t *body;     /* NULL: no body */
	const gsa_http_sink_t *sink;     /* NULL: body kept in resp->body (up to 1 MiB) */
	long timeout_s;                  /* stall limit: abort when < 1 byte/s for this long */
	long connect_timeout_s;
	long total_timeout_ms;           /* 0: none; else a limit on the whole attempt */
	/* Cancel hook (may be NULL): polled before the attempt and from libcurl's
	 * progress callback while it runs (at least about once a second, even
	 * when no byte moves); non-zero aborts the attempt at once: perform
	 * returns -1 with resp->cancelled set, and it is never retried.  Must be
	 * thread-safe and cheap. */
	int (*should_stop)(void *ctx);
	void *stop_ctx;
} gsa_http_req_t;

typedef struct gsa_http_resp {
	long status;          /* HTTP status, 0 when no response arrived */
	int curl_code;        /* CURLcode of the attempt */
	char curl_msg[256];   /* curl's error text when curl_code != 0 */
	gsa_strbuf_t body;    /* when no sink (also error bodies when sink set) */
	int nhdrs;
	char *hname[GSA_HTTP_MAX_HDRS]; /* lower-cased */
	char *hval[GSA_HTTP_MAX_HDRS];
	int sink_failed;      /* the sink returned -1 */
	int sink_begun;       /* sink->begin was called */
	int cancelled;        /* req->should_stop aborted the attempt */
} gsa_http_resp_t;

typedef struct gsa_http_conn {
	void *curl; /* CURL *, reused across requests */
} gsa_http_conn_t;

/* curl_global_init, once per process (later calls return the first
 * result).  gsa_transfer() calls it; call it early from main() when other
 * threads may use libcurl at the same time. */
int gsa_http_global_init(gsa_err_t *err);
void gsa_http_global_cleanup(void);

/* Create/destroy a connection handle.  init returns 0 or -1. */
int gsa_http_conn_init(gsa_http_conn_t *c, gsa_err_t *err);
void gsa_http_conn_free(gsa_http_conn_t *c);

void gsa_http_resp_init(gsa_http_resp_t *r);
/* Free headers and body; the struct can be reused after init. */
void gsa_http_resp_free(gsa_http_resp_t *r);
/* Value of a response header (name lower-case), or NULL. */
const char *gsa_http_resp_header(const gsa_http_resp_t *r, const char *name);

/* Perform one attempt.  Fills resp (which must be initialised, and is reset
 * first).  Returns 0 when an HTTP response arrived (any status), -1 on a
 * transport failure (resp->curl_code/curl_msg say which) or a sink stop. */
int gsa_http_perform(gsa_http_conn_t *c, const gsa_http_req_t *req, gsa_http_resp_t *resp);

/* 1 when a failed attempt is worth retrying: transport errors (refused,
 * reset, timeouts, truncated bodies), HTTP 500/502/503/504/429, and S3
 * error codes SlowDown, Throttling*, RequestTimeout, InternalError. */
int gsa_http_should_retry(const gsa_http_resp_t *resp, const char *s3_code);

/* Backoff before retry number `attempt` (1 = first retry): full jitter,
 * uniform in [0, min(cap_ms, base_ms * 2^attempt)).  *rng is a per-thread
 * xorshift state (any non-zero seed). */
long gsa_http_backoff_ms(int attempt, long base_ms, long cap_ms, uint64_t *rng);

/* Sleep ms milliseconds (EINTR-safe). */
void gsa_sleep_ms(long ms);

/* Sleep like gsa_sleep_ms, polling should_stop(ctx) (may be NULL) every
 * 50 ms.  Returns 1 when it cut the sleep short, else 0. */
int gsa_sleep_ms_unless(long ms, int (*should_stop)(void *ctx), void *ctx);

/* One simple request with a fresh handle and no retries, body into *out
 * (caller frees).  For credential and metadata endpoints.  Returns 0 with
 * *status set when a response arrived, or -1 with err (GSA_EREMOTE). */
int gsa_http_simple(const char *method, const char *url, const char *const *hdrs, size_t nhdrs,
		    long timeout_s, long *status, char **out, gsa_err_t *err);

#endif
