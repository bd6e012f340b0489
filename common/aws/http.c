/* http.c — libcurl requests, retry classification and backoff. */
#include "aws/http.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "alloc.h"

#define BODY_KEEP_MAX (1u << 20)

static pthread_once_t g_curl_once = PTHREAD_ONCE_INIT;
static CURLcode g_curl_init_rc; /* written once under g_curl_once */

static void curl_init_once(void) { g_curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT); }

int gsa_http_global_init(gsa_err_t *err)
{
	pthread_once(&g_curl_once, curl_init_once);
	if (g_curl_init_rc != CURLE_OK)
		return gsa_err_set(err, GSA_EINTERNAL, "libcurl initialisation failed");
	return 0;
}

void gsa_http_global_cleanup(void) { curl_global_cleanup(); }

int gsa_http_conn_init(gsa_http_conn_t *c, gsa_err_t *err)
{
	c->curl = curl_easy_init();
	if (!c->curl) return gsa_err_set(err, GSA_EINTERNAL, "libcurl: cannot create a handle");
	return 0;
}

void gsa_http_conn_free(gsa_http_conn_t *c)
{
	if (c->curl) curl_easy_cleanup(c->curl);
	c->curl = NULL;
}

void gsa_http_resp_init(gsa_http_resp_t *r)
{
	memset(r, 0, sizeof *r);
	gsa_strbuf_init(&r->body);
}

void gsa_http_resp_free(gsa_http_resp_t *r)
{
	for (int i = 0; i < r->nhdrs; i++) {
		free(r->hname[i]);
		free(r->hval[i]);
	}
	gsa_strbuf_free(&r->body);
	gsa_http_resp_init(r);
}

const char *gsa_http_resp_header(const gsa_http_resp_t *r, const char *name)
{
	for (int i = r->nhdrs - 1; i >= 0; i--)
		if (!strcmp(r->hname[i], name)) return r->hval[i];
	return NULL;
}

typedef struct {
	CURL *h;
	const gsa_http_req_t *req;
	gsa_http_resp_t *resp;
	uint64_t body_pos;
} xfer_t;

static size_t on_header(char *buf, size_t size, size_t n, void *ud)
{
	xfer_t *x = ud;
	gsa_http_resp_t *r = x->resp;
	size_t len = size * n;
	if (len >= 5 && !memcmp(buf, "HTTP/", 5)) { /* a new response (after 100-continue or redirect) */
		for (int i = 0; i < r->nhdrs; i++) {
			free(r->hname[i]);
			free(r->hval[i]);
		}
		r->nhdrs = 0;
		return len;
	}
	const char *colon = memchr(buf, ':', len);
	if (!colon || r->nhdrs >= GSA_HTTP_MAX_HDRS) return len;
	size_t nl = (size_t)(colon - buf);
	const char *v = colon + 1, *end = buf + len;
	while (v < end && (*v == ' ' || *v == '\t')) v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ')) end--;
	char *name = gsa_xstrndup(buf, nl);
	for (char *p = name; *p; p++) *p = (char)tolower((unsigned char)*p);
	r->hname[r->nhdrs] = name;
	r->hval[r->nhdrs] = gsa_xstrndup(v, (size_t)(end - v));
	r->nhdrs++;
	return len;
}

static size_t on_write(char *buf, size_t size, size_t n, void *ud)
{
	xfer_t *x = ud;
	size_t len = size * n;
	if (!x->resp->status) curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &x->resp->status);
	const gsa_http_sink_t *s = x->req->sink;
	if (s && x->resp->status / 100 == 2) {
		if (!x->resp->sink_begun) {
			x->resp->sink_begun = 1;
			if (s->begin) s->begin(s->ctx, x->resp);
		}
		if (s->write(s->ctx, buf, len)) {
			x->resp->sink_failed = 1;
			return 0; /* aborts the transfer */
		}
		return len;
	}
	if (x->resp->body.len + len <= BODY_KEEP_MAX) gsa_strbuf_append_len(&x->resp->body, buf, len);
	return len;
}

static size_t on_read(char *buf, size_t size, size_t n, void *ud)
{
	xfer_t *x = ud;
	const gsa_http_body_t *b = x->req->body;
	size_t want = size * n;
	uint64_t left = b->len - x->body_pos;
	if (want > left) want = (size_t)left;
	if (!want) return 0;
	if (b->mem) {
		memcpy(buf, b->mem + x->body_pos, want);
	} else {
		ssize_t got;
		do got = pread(b->fd, buf, want, (off_t)(b->off + x->body_pos));
		while (got < 0 && errno == EINTR);
		if (got <= 0) return CURL_READFUNC_ABORT;
		want = (size_t)got;
	}
	x->body_pos += want;
	return want;
}

/* libcurl's progress callback: the cancel hook (non-zero aborts with
 * CURLE_ABORTED_BY_CALLBACK) */
static int on_xferinfo(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	xfer_t *x = ud;
	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	if (x->req->should_stop(x->req->stop_ctx)) {
		x->resp->cancelled = 1;
		return 1;
	}
	return 0;
}

static int on_seek(void *ud, curl_off_t off, int origin)
{
	xfer_t *x = ud;
	if (origin != SEEK_SET || off < 0 || (uint64_t)off > x->req->body->len) return CURL_SEEKFUNC_CANTSEEK;
	x->body_pos = (uint64_t)off;
	return CURL_SEEKFUNC_OK;
}

int gsa_http_perform(gsa_http_conn_t *c, const gsa_http_req_t *req, gsa_http_resp_t *resp)
{
	CURL *h = c->curl;
	xfer_t x = { h, req, resp, 0 };
	struct curl_slist *sl = NULL;
	gsa_http_resp_free(resp);
	if (req->should_stop && req->should_stop(req->stop_ctx)) {
		resp->cancelled = 1;
		resp->curl_code = CURLE_ABORTED_BY_CALLBACK;
		snprintf(resp->curl_msg, sizeof resp->curl_msg, "cancelled");
		return -1;
	}
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, req->url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, req->connect_timeout_s > 0 ? req->connect_timeout_s : 10L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, req->timeout_s > 0 ? req->timeout_s : 60L);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 256L * 1024);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, NULL);
	if (req->total_timeout_ms > 0) curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, req->total_timeout_ms);
	if (req->should_stop) {
		curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_xferinfo);
		curl_easy_setopt(h, CURLOPT_XFERINFODATA, &x);
	}
	for (size_t i = 0; i < req->nhdrs; i++) sl = curl_slist_append(sl, req->hdrs[i]);
	sl = curl_slist_append(sl, "Expect:"); /* no 100-continue round trip */
	if (!strcmp(req->method, "HEAD")) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else if (!strcmp(req->method, "GET")) {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	} else {
		if (req->body) {
			curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
			curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
			curl_easy_setopt(h, CURLOPT_READDATA, &x);
			curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, on_seek);
			curl_easy_setopt(h, CURLOPT_SEEKDATA, &x);
			curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)req->body->len);
			curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, 512L * 1024);
		} else if (!strcmp(req->method, "POST")) {
			curl_easy_setopt(h, CURLOPT_POST, 1L);
			curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
		}
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, sl);
	CURLcode rc = curl_easy_perform(h);
	long st = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &st);
	resp->status = st;
	resp->curl_code = (int)rc;
	curl_slist_free_all(sl);
	if (rc != CURLE_OK) {
		snprintf(resp->curl_msg, sizeof resp->curl_msg, "%s", curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

int gsa_http_should_retry(const gsa_http_resp_t *resp, const char *s3_code)
{
	if (resp->sink_failed || resp->cancelled) return 0;
	if (resp->curl_code) {
		switch (resp->curl_code) {
		case CURLE_COULDNT_CONNECT: case CURLE_OPERATION_TIMEDOUT: case CURLE_RECV_ERROR:
		case CURLE_SEND_ERROR: case CURLE_GOT_NOTHING: case CURLE_PARTIAL_FILE:
		case CURLE_COULDNT_RESOLVE_HOST: case CURLE_SSL_CONNECT_ERROR: case CURLE_HTTP2:
		case CURLE_HTTP2_STREAM: case CURLE_READ_ERROR: case CURLE_WEIRD_SERVER_REPLY:
			return 1;
		default:
			return 0;
		}
	}
	long st = resp->status;
	if (st == 500 || st == 502 || st == 503 || st == 504 || st == 429) return 1;
	if (s3_code && (!strcmp(s3_code, "SlowDown") || !strncmp(s3_code, "Throttl", 7) ||
			!strcmp(s3_code, "RequestTimeout") || !strcmp(s3_code, "InternalError") ||
			!strcmp(s3_code, "RequestTimeTooSkewed")))
		return 1;
	return 0;
}

long gsa_http_backoff_ms(int attempt, long base_ms, long cap_ms, uint64_t *rng)
{
	long ceil = base_ms;
	for (int i = 0; i < attempt && ceil < cap_ms; i++) ceil *= 2;
	if (ceil > cap_ms) ceil = cap_ms;
	uint64_t x = *rng ? *rng : 0x9e3779b97f4a7c15ull;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*rng = x;
	return ceil > 0 ? (long)(x % (uint64_t)ceil) : 0;
}

void gsa_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) && errno == EINTR) {}
}

int gsa_sleep_ms_unless(long ms, int (*should_stop)(void *ctx), void *ctx)
{
	while (ms > 0) {
		if (should_stop && should_stop(ctx)) return 1;
		long step = should_stop && ms > 50 ? 50 : ms;
		gsa_sleep_ms(step);
		ms -= step;
	}
	return should_stop && should_stop(ctx) ? 1 : 0;
}

int gsa_http_simple(const char *method, const char *url, const char *const *hdrs, size_t nhdrs,
		    long timeout_s, long *status, char **out, gsa_err_t *err)
{
	gsa_http_conn_t c;
	gsa_http_resp_t r;
	if (gsa_http_conn_init(&c, err)) return -1;
	gsa_http_resp_init(&r);
	gsa_http_req_t req = { method, url, hdrs, nhdrs, NULL, NULL, timeout_s, timeout_s, 0, NULL, NULL };
	int rc = gsa_http_perform(&c, &req, &r);
	if (rc == 0) {
		*status = r.status;
		*out = gsa_strbuf_detach(&r.body);
	} else {
		gsa_err_set(err, GSA_EREMOTE, "%s: %s", url, r.curl_msg);
	}
	gsa_http_resp_free(&r);
	gsa_http_conn_free(&c);
	return rc;
}
