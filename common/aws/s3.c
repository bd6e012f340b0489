/* s3.c — S3 requests: addressing, signing, retries, operations. */
#include "aws/s3.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "aws/crc32c.h"
#include "strbuf.h"

#define META_CRC "x-amz-meta-gsa-crc32c"

/* ---- client ------------------------------------------------------------ */

static const char *envv(const char *n)
{
	const char *v = getenv(n);
	return v && *v ? v : NULL;
}

int gsa_s3_parse_uri(const char *uri, char **bucket, char **key)
{
	if (strncmp(uri, "s3://", 5)) return -1;
	const char *b = uri + 5, *sl = strchr(b, '/');
	size_t bl = sl ? (size_t)(sl - b) : strlen(b);
	if (!bl) return -1;
	*bucket = gsa_xstrndup(b, bl);
	*key = gsa_xstrdup(sl ? sl + 1 : "");
	return 0;
}

int gsa_s3_client_init(gsa_s3_client_t *cl, const gsa_s3_config_t *cfg, const gsa_log_t *log, gsa_err_t *err)
{
	memset(cl, 0, sizeof *cl);
	cl->log = log;
	cl->addressing = cfg->addressing;
	cl->max_attempts = cfg->max_attempts > 0 ? cfg->max_attempts : 8;
	cl->timeout_s = cfg->timeout_s > 0 ? cfg->timeout_s : 60;
	gsa_aws_region_resolve(cfg->region, cfg->profile, cl->region);
	const char *ep = cfg->endpoint_url && *cfg->endpoint_url ? cfg->endpoint_url : envv("AWS_ENDPOINT_URL_S3");
	if (!ep) ep = envv("AWS_ENDPOINT_URL");
	if (ep) {
		const char *rest;
		if (!strncmp(ep, "http://", 7)) {
			strcpy(cl->scheme, "http");
			rest = ep + 7;
		} else if (!strncmp(ep, "https://", 8)) {
			strcpy(cl->scheme, "https");
			rest = ep + 8;
		} else {
			return gsa_err_set(err, GSA_EUSAGE, "endpoint URL '%s' must start with http:// or https://", ep);
		}
		size_t hl = strcspn(rest, "/");
		if (!hl || hl >= sizeof cl->host) return gsa_err_set(err, GSA_EUSAGE, "endpoint URL '%s' has no host", ep);
		memcpy(cl->host, rest, hl);
		cl->host[hl] = 0;
		snprintf(cl->base_path, sizeof cl->base_path, "%s", rest + hl);
		size_t bl = strlen(cl->base_path);
		while (bl && cl->base_path[bl - 1] == '/') cl->base_path[--bl] = 0;
		cl->custom_endpoint = 1;
	} else {
		strcpy(cl->scheme, "https");
		snprintf(cl->host, sizeof cl->host, "s3.%s.amazonaws.com", cl->region);
	}
	if (gsa_aws_creds_init(&cl->creds, cfg->profile, err)) return -1;
	return 0;
}

void gsa_s3_client_free(gsa_s3_client_t *cl) { gsa_aws_creds_free(&cl->creds); }

int gsa_s3_conn_init(gsa_s3_conn_t *c, gsa_s3_client_t *cl, uint64_t seed, gsa_err_t *err)
{
	memset(c, 0, sizeof *c);
	c->cl = cl;
	c->rng = seed * 0x9e3779b97f4a7c15ull + (uint64_t)time(NULL) + 1;
	return gsa_http_conn_init(&c->http, err);
}

void gsa_s3_conn_free(gsa_s3_conn_t *c) { gsa_http_conn_free(&c->http); }

static int bucket_dns_ok(const char *b, int https)
{
	size_t n = strlen(b);
	if (n < 3 || n > 63) return 0;
	for (const char *p = b; *p; p++) {
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-' || *p == '.')) return 0;
		if (*p == '.' && https) return 0; /* the wildcard certificate covers one label */
	}
	return 1;
}

/* One request.  api is the S3 API name and iam the IAM action that
 * authorises it, both string literals: tests/iam reads them from this file
 * to check that the job role's policy allows every request we send. */
typedef struct s3_op {
	const char *api;          /* S3 API, e.g. "HeadObject" */
	const char *iam;          /* IAM action, e.g. "s3:GetObject" */
	const char *method;
	const char *bucket;
	const char *key;          /* NULL: bucket-level request */
	const char *query;        /* URI-encoded, or NULL */
	const gsa_sigv4_hdr_t *hdrs; /* extra headers to send and sign */
	size_t nhdrs;
	const gsa_http_body_t *body;
	const gsa_http_sink_t *sink;
	void (*restart)(void *ctx);
	int head;                 /* HEAD: no error body */
} s3_op_t;

static void describe(gsa_strbuf_t *b, const s3_op_t *op)
{
	if (op->key) gsa_strbuf_appendf(b, "s3://%s/%s", op->bucket, op->key);
	else gsa_strbuf_appendf(b, "s3://%s", op->bucket);
}

/* A request stopped by the cancel hook. */
static int cancelled(gsa_s3_conn_t *c, const s3_op_t *op, gsa_err_t *err)
{
	gsa_strbuf_t d;
	gsa_strbuf_init(&d);
	describe(&d, op);
	snprintf(c->last_code, sizeof c->last_code, "%s", GSA_S3_CANCELLED);
	c->last_status = 0;
	gsa_err_set(err, GSA_ESIGTERM, "%s: transfer cancelled", d.s);
	gsa_strbuf_free(&d);
	return -1;
}

/* The request's host, path and URL for op (virtual-host or path
 * addressing). */
static void s3_target(const gsa_s3_client_t *cl, const s3_op_t *op, gsa_strbuf_t *path, gsa_strbuf_t *host,
		      gsa_strbuf_t *url)
{
	int virt = cl->addressing == GSA_S3_ADDR_VIRTUAL ||
		   (cl->addressing == GSA_S3_ADDR_AUTO && !cl->custom_endpoint &&
		    bucket_dns_ok(op->bucket, !strcmp(cl->scheme, "https")));
	gsa_strbuf_append(path, cl->base_path);
	if (virt) {
		gsa_strbuf_appendf(host, "%s.%s", op->bucket, cl->host);
	} else {
		gsa_strbuf_append(host, cl->host);
		gsa_strbuf_appendc(path, '/');
		gsa_aws_uri_encode(path, op->bucket, 0);
	}
	gsa_strbuf_appendc(path, '/');
	if (op->key) gsa_aws_uri_encode(path, op->key, 1);
	gsa_strbuf_appendf(url, "%s://%s%s", cl->scheme, host->s, path->s);
	if (op->query && *op->query) gsa_strbuf_appendf(url, "?%s", op->query);
}

/* One signed attempt of op.  Returns gsa_http_perform's result, or -2 with
 * err set when no credentials could be had. */
static int s3_attempt(gsa_s3_conn_t *c, const s3_op_t *op, const char *host, const char *path, const char *url,
		      const char *payload, gsa_http_resp_t *resp, gsa_err_t *err)
{
	gsa_s3_client_t *cl = c->cl;
	gsa_aws_creds_t cr;
	char date[17];
	if (gsa_aws_creds_get(&cl->creds, &cr, err)) return -2;
	gsa_aws_amz_date(time(NULL), date);
	size_t ns = op->nhdrs + 4, n = 0;
	gsa_sigv4_hdr_t *sh = gsa_xcalloc(ns, sizeof *sh);
	sh[n++] = (gsa_sigv4_hdr_t){ "host", host };
	sh[n++] = (gsa_sigv4_hdr_t){ "x-amz-date", date };
	sh[n++] = (gsa_sigv4_hdr_t){ "x-amz-content-sha256", payload };
	if (cr.token[0]) sh[n++] = (gsa_sigv4_hdr_t){ "x-amz-security-token", cr.token };
	for (size_t i = 0; i < op->nhdrs; i++) sh[n++] = op->hdrs[i];
	gsa_sigv4_req_t sreq = { op->method, path, op->query, sh, n, payload, cl->region, "s3", date };
	gsa_strbuf_t auth;
	gsa_strbuf_init(&auth);
	gsa_strbuf_append(&auth, "Authorization: ");
	gsa_sigv4_authorization(&sreq, cr.access_key, cr.secret_key, &auth, NULL);
	char **lines = gsa_xcalloc(n + 1, sizeof *lines);
	size_t nl = 0;
	for (size_t i = 1; i < n; i++) /* curl writes Host itself */
		lines[nl++] = gsa_strdup_printf("%s: %s", sh[i].name, sh[i].value);
	lines[nl++] = gsa_xstrdup(auth.s);
	gsa_strbuf_free(&auth);
	memset(&cr, 0, sizeof cr); /* sh[] pointed into it: no longer used */
	gsa_http_req_t hreq = { op->method, url, (const char *const *)lines, nl, op->body, op->sink,
				cl->timeout_s, 10, c->attempt_timeout_ms, c->should_stop, c->stop_ctx };
	int prc = gsa_http_perform(&c->http, &hreq, resp);
	for (size_t i = 0; i < nl; i++) free(lines[i]);
	free(lines);
	free(sh);
	return prc;
}

/* The S3 error code of an attempt (newly allocated), or NULL when it
 * succeeded: the body's <Code> (also inside a 200, as
 * CompleteMultipartUpload may fail), else one made from the status. */
static char *s3_error_code(const s3_op_t *op, int prc, const gsa_http_resp_t *resp)
{
	char *code = NULL;
	if (prc == 0 && resp->status / 100 == 2) {
		if (op->sink || !resp->body.s || !strstr(resp->body.s, "<Error>")) return NULL;
		code = gsa_xml_next(resp->body.s, "Code", NULL);
	} else if (prc == 0 && resp->body.s) {
		code = gsa_xml_next(resp->body.s, "Code", NULL);
	}
	if (prc == 0 && !code) {
		switch (resp->status) {
		case 301: code = gsa_xstrdup("PermanentRedirect"); break;
		case 403: code = gsa_xstrdup("AccessDenied"); break;
		case 404: code = gsa_xstrdup("NotFound"); break;
		default: code = gsa_strdup_printf("HTTP%ld", resp->status); break;
		}
	}
	return code;
}

/* The one-line error of a failed request: the transport's message, or the
 * S3 code, message and request id with a hint for the usual mistakes. */
static void s3_error_set(const gsa_s3_client_t *cl, const s3_op_t *op, const char *url, int attempt, int prc,
			 const gsa_http_resp_t *resp, const char *code, gsa_err_t *err)
{
	gsa_strbuf_t d;
	char *msg = NULL, *rid = NULL;
	gsa_strbuf_init(&d);
	describe(&d, op);
	if (prc) {
		gsa_err_set(err, GSA_EREMOTE, "%s: %s %s failed after %d attempt%s: %s", d.s, op->method, url, attempt,
			    attempt > 1 ? "s" : "", resp->curl_msg);
		gsa_strbuf_free(&d);
		return;
	}
	if (resp->body.s) {
		msg = gsa_xml_next(resp->body.s, "Message", NULL);
		rid = gsa_xml_next(resp->body.s, "RequestId", NULL);
	}
	if (!rid) {
		const char *h = gsa_http_resp_header(resp, "x-amz-request-id");
		rid = gsa_xstrdup(h ? h : "-");
	}
	const char *hint = "";
	char region_hint[128];
	const char *breg = gsa_http_resp_header(resp, "x-amz-bucket-region");
	if (breg && strcmp(breg, cl->region)) {
		snprintf(region_hint, sizeof region_hint, "; the bucket is in %s: use --region %s", breg, breg);
		hint = region_hint;
	} else if (!strcmp(code, "SignatureDoesNotMatch")) hint = "; check the secret access key";
	else if (!strcmp(code, "InvalidAccessKeyId")) hint = "; check the access key id";
	else if (!strcmp(code, "ExpiredToken")) hint = "; the session token has expired";
	gsa_err_set(err, GSA_EREMOTE, "%s: %s%s%s (HTTP %ld, request id %s%s)%s", d.s, code, msg ? ": " : "",
		    msg ? msg : "", resp->status, rid, attempt > 1 ? ", after retries" : "", hint);
	gsa_strbuf_free(&d);
	free(msg);
	free(rid);
}

/* Perform op with signing and retries: s3_target, then s3_attempt until it
 * succeeds, fails for good or attempts run out (backing off between).
 * Returns 0 on 2xx (resp holds the response), or -1 with err set and
 * c->last_code/last_status. */
static int s3_do(gsa_s3_conn_t *c, const s3_op_t *op, gsa_http_resp_t *resp, gsa_err_t *err)
{
	gsa_s3_client_t *cl = c->cl;
	if (!op->api || !op->iam)
		return gsa_err_set(err, GSA_EINTERNAL, "s3://%s: S3 request without its API name and IAM action", op->bucket);
	gsa_debug(cl->log, "%s (%s) %s s3://%s/%s", op->api, op->iam, op->method, op->bucket, op->key ? op->key : "");
	gsa_strbuf_t path, host, url;
	gsa_strbuf_init(&path);
	gsa_strbuf_init(&host);
	gsa_strbuf_init(&url);
	s3_target(cl, op, &path, &host, &url);

	char payload[65];
	if (op->body && op->body->mem) gsa_sha256_hex(op->body->mem, op->body->len, payload);
	else if (op->body) strcpy(payload, GSA_UNSIGNED_PAYLOAD);
	else strcpy(payload, GSA_SHA256_EMPTY);

	int rc = -1;
	c->last_code[0] = 0;
	c->last_status = 0;
	int max_attempts = c->max_attempts > 0 ? c->max_attempts : cl->max_attempts;
	for (int attempt = 1;; attempt++) {
		if (c->should_stop && c->should_stop(c->stop_ctx)) {
			rc = cancelled(c, op, err);
			break;
		}
		int prc = s3_attempt(c, op, host.s, path.s, url.s, payload, resp, err);
		if (prc == -2) break;
		if (resp->cancelled) {
			rc = cancelled(c, op, err);
			break;
		}
		char *code = s3_error_code(op, prc, resp);
		if (prc == 0 && !code) {
			rc = 0;
			break;
		}
		c->last_status = resp->status;
		snprintf(c->last_code, sizeof c->last_code, "%s", code ? code : "");
		if (gsa_http_should_retry(resp, code) && attempt < max_attempts) {
			free(code);
			__atomic_add_fetch(&cl->retries, 1, __ATOMIC_RELAXED);
			long ms = gsa_http_backoff_ms(attempt, 100, 10000, &c->rng);
			gsa_debug(cl->log, "retry %d of %s %s: %s (sleep %ld ms)", attempt, op->method, url.s,
				  prc ? resp->curl_msg : c->last_code, ms);
			if (gsa_sleep_ms_unless(ms, c->should_stop, c->stop_ctx)) {
				rc = cancelled(c, op, err);
				break;
			}
			if (op->restart && op->sink) op->restart(op->sink->ctx);
			continue;
		}
		/* a failed sink set its own error */
		if (!resp->sink_failed) s3_error_set(cl, op, url.s, attempt, prc, resp, code, err);
		free(code);
		break;
	}
	gsa_strbuf_free(&path);
	gsa_strbuf_free(&host);
	gsa_strbuf_free(&url);
	return rc;
}

static void fill_head(const gsa_http_resp_t *r, gsa_s3_head_t *h)
{
	memset(h, 0, sizeof *h);
	const char *v = gsa_http_resp_header(r, "content-length");
	const char *cr = gsa_http_resp_header(r, "content-range");
	if (cr && (cr = strchr(cr, '/'))) v = cr + 1;
	if (v) h->size = strtoull(v, NULL, 10);
	v = gsa_http_resp_header(r, "etag");
	if (v) {
		if (*v == '"') v++;
		snprintf(h->etag, sizeof h->etag, "%s", v);
		size_t n = strlen(h->etag);
		if (n && h->etag[n - 1] == '"') h->etag[n - 1] = 0;
	}
	/* a full-object checksum has no "-N" part-count suffix */
	v = gsa_http_resp_header(r, "x-amz-checksum-crc32c");
	if (v && !strchr(v, '-') && gsa_crc32c_from_base64(v, &h->crc32c) == 0) {
		h->has_crc32c = 1;
		return;
	}
	v = gsa_http_resp_header(r, META_CRC);
	if (v && strlen(v) == 8) {
		char *end;
		unsigned long x = strtoul(v, &end, 16);
		if (!*end) {
			h->crc32c = (uint32_t)x;
			h->has_crc32c = 1;
		}
	}
}

/* After a 403/404 on an object, list the bucket to tell which is wrong. */
static int explain_missing(gsa_s3_conn_t *c, const char *bucket, const char *key, gsa_err_t *err)
{
	gsa_http_resp_t r;
	gsa_http_resp_init(&r);
	gsa_strbuf_t q;
	gsa_strbuf_init(&q);
	gsa_strbuf_append(&q, "list-type=2&max-keys=1&prefix=");
	gsa_aws_uri_encode(&q, key, 0);
	s3_op_t op = { "ListObjectsV2", "s3:ListBucket", "GET", bucket, NULL, q.s, NULL, 0, NULL, NULL, NULL, 0 };
	int rc = s3_do(c, &op, &r, err);
	if (rc == 0) {
		char *k = r.body.s ? gsa_xml_next(r.body.s, "Key", NULL) : NULL;
		if (k && !strcmp(k, key))
			gsa_err_set(err, GSA_EREMOTE, "s3://%s/%s: AccessDenied: the object exists but may not be read "
				    "with these credentials", bucket, key);
		else if (k && gsa_str_starts_with(k, key) && strlen(k) > strlen(key) && k[strlen(key)] == '/')
			gsa_err_set(err, GSA_EREMOTE, "s3://%s/%s: NoSuchKey: no such object (it is a prefix: add a "
				    "trailing '/' to copy everything under it)", bucket, key);
		else
			gsa_err_set(err, GSA_EREMOTE, "s3://%s/%s: NoSuchKey: no such object", bucket, key);
		snprintf(c->last_code, sizeof c->last_code, "%s", k && !strcmp(k, key) ? "AccessDenied" : "NoSuchKey");
		free(k);
	}
	gsa_strbuf_free(&q);
	gsa_http_resp_free(&r);
	return -1;
}

int gsa_s3_head_object(gsa_s3_conn_t *c, const char *bucket, const char *key, gsa_s3_head_t *h, gsa_err_t *err)
{
	gsa_http_resp_t r;
	gsa_http_resp_init(&r);
	gsa_sigv4_hdr_t hd[] = { { "x-amz-checksum-mode", "ENABLED" } };
	s3_op_t op = { "HeadObject", "s3:GetObject", "HEAD", bucket, key, NULL, hd, 1, NULL, NULL, NULL, 1 };
	int rc = s3_do(c, &op, &r, err);
	if (rc == 0) {
		fill_head(&r, h);
		rc = 1;
	} else if (c->last_status == 404 || c->last_status == 403) {
		int st = (int)c->last_status;
		explain_missing(c, bucket, key, err);
		rc = st == 404 && !strcmp(c->last_code, "NoSuchKey") ? 0 : -1;
	}
	gsa_http_resp_free(&r);
	return rc;
}

int gsa_s3_get_object(gsa_s3_conn_t *c, const char *bucket, const char *key, uint64_t off, uint64_t len,
		      const char *if_match, const gsa_http_sink_t *sink, void (*restart)(void *ctx),
		      gsa_s3_head_t *h, gsa_err_t *err)
{
	gsa_http_resp_t r;
	gsa_http_resp_init(&r);
	char range[80], etag[96];
	gsa_sigv4_hdr_t hd[3];
	size_t nh = 0;
	hd[nh++] = (gsa_sigv4_hdr_t){ "x-amz-checksum-mode", "ENABLED" };
	if (len) {
		snprintf(range, sizeof range, "bytes=%" PRIu64 "-%" PRIu64, off, off + len - 1);
		hd[nh++] = (gsa_sigv4_hdr_t){ "range", range };
	}
	if (if_match && *if_match) {
		snprintf(etag, sizeof etag, "\"%s\"", if_match);
		hd[nh++] = (gsa_sigv4_hdr_t){ "if-match", etag };
	}
	s3_op_t op = { "GetObject", "s3:GetObject", "GET", bucket, key, NULL, hd, nh, NULL, sink, restart, 0 };
	int rc = s3_do(c, &op, &r, err);
	if (rc == 0 && h) fill_head(&r, h);
	if (rc && c->last_status == 412)
		gsa_err_set(err, GSA_EREMOTE, "s3://%s/%s: the object changed during the download (ETag no longer %s)",
			    bucket, key, if_match ? if_match : "?");
	if (rc && (c->last_status == 404 || c->last_status == 403) && strcmp(c->last_code, "SignatureDoesNotMatch") &&
	    strcmp(c->last_code, "InvalidAccessKeyId") && strcmp(c->last_code, "NoSuchBucket"))
		explain_missing(c, bucket, key, err);
	gsa_http_resp_free(&r);
	return rc;
}

int gsa_s3_put_object(gsa_s3_conn_t *c, const char *bucket, const char *key, int fd, uint64_t off, uint64_t len,
		      uint32_t crc, gsa_err_t *err)
{
	gsa_http_resp_t r;
	gsa_http_resp_init(&r);
	char b64[9], hexcrc[9];
	gsa_crc32c_base64(crc, b64);
	snprintf(hexcrc, sizeof hexcrc, "%08x", crc);
	gsa_sigv4_hdr_t hd[] = { { "x-amz-checksum-crc32c", b64 }, { META_CRC, hexcrc },
				 { "content-type", "application/octet-stream" } };
	gsa_http_body_t body = { NULL, fd, off, len };
	s3_op_t op = { "PutObject", "s3:PutObject", "PUT", bucket, key, NULL, hd, 3, &body, NULL, NULL, 0 };
	int rc = s3_do(c, &op, &r, err);
	gsa_http_resp_free(&r);
	return rc;
}

void gsa_s3_objs_free(gsa_s3_obj_t *objs, size_t n)
{
	for (size_t i = 0; i < n; i++) free(objs[i].key);
	free(objs);
}

/* a whole decimal number of at most 19 digits */
static int parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	size_t n = strlen(s);
	if (n == 0 || n > 19) return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

int gsa_s3_parse_list(const char *xml, const char *prefix, gsa_s3_obj_t **v, size_t *nv, size_t *cap, char **token,
		      gsa_err_t *err)
{
	const char *p = xml;
	size_t plen = strlen(prefix);
	*token = NULL;
	if (!strstr(xml, "<ListBucketResult")) return gsa_err_set(err, GSA_EREMOTE, "not a ListBucketResult document");
	while ((p = strstr(p, "<Contents>"))) {
		const char *end = strstr(p, "</Contents>");
		if (!end) return gsa_err_set(err, GSA_EREMOTE, "response cut short (<Contents> not closed)");
		char *raw = gsa_xstrndup(p, (size_t)(end - p));
		char *key = gsa_xml_next(raw, "Key", NULL);
		char *size = gsa_xml_next(raw, "Size", NULL);
		uint64_t sz = 0;
		int bad = !key || !*key || strncmp(key, prefix, plen) != 0 || !size || parse_size(size, &sz) < 0;
		if (bad) {
			gsa_err_set(err, GSA_EREMOTE, "bad <Contents> entry (key '%.200s' %s)", key ? key : "",
				    !key || !*key ? "missing" : strncmp(key, prefix, plen) ? "outside the prefix" : "without a valid Size");
			free(key);
			free(size);
			free(raw);
			return -1;
		}
		*v = gsa_xgrow(*v, cap, *nv + 1, sizeof **v);
		(*v)[*nv].key = key;
		(*v)[*nv].size = sz;
		(*nv)++;
		free(size);
		free(raw);
		p = end;
	}
	char *trunc = gsa_xml_next(xml, "IsTruncated", NULL);
	if (trunc && !strcmp(trunc, "true")) {
		*token = gsa_xml_next(xml, "NextContinuationToken", NULL);
		if (!*token || !**token) {
			free(trunc);
			free(*token);
			*token = NULL;
			return gsa_err_set(err, GSA_EREMOTE, "truncated listing without a NextContinuationToken");
		}
	}
	free(trunc);
	return 0;
}

int gsa_s3_list(gsa_s3_conn_t *c, const char *bucket, const char *prefix, gsa_s3_obj_t **objs, size_t *n,
		gsa_err_t *err)
{
	gsa_s3_obj_t *v = NULL;
	size_t nv = 0, cap = 0;
	char *token = NULL;
	int rc = 0;
	for (int page = 0; page < 10000000; page++) {
		gsa_strbuf_t q;
		gsa_strbuf_init(&q);
		if (token) {
			gsa_strbuf_append(&q, "continuation-token=");
			gsa_aws_uri_encode(&q, token, 0);
			gsa_strbuf_appendc(&q, '&');
		}
		gsa_strbuf_append(&q, "list-type=2&prefix=");
		gsa_aws_uri_encode(&q, prefix, 0);
		gsa_http_resp_t r;
		gsa_http_resp_init(&r);
		s3_op_t op = { "ListObjectsV2", "s3:ListBucket", "GET", bucket, NULL, q.s, NULL, 0, NULL, NULL, NULL, 0 };
		rc = s3_do(c, &op, &r, err);
		gsa_strbuf_free(&q);
		free(token);
		token = NULL;
		if (rc) {
			gsa_http_resp_free(&r);
			break;
		}
		rc = gsa_s3_parse_list(r.body.s ? r.body.s : "", prefix, &v, &nv, &cap, &token, err);
		if (rc) {
			gsa_err_prefix(err, "s3://%s/%s: ListObjectsV2", bucket, prefix);
			gsa_http_resp_free(&r);
			break;
		}
		gsa_http_resp_free(&r);
		if (!token) break;
	}
	if (rc) {
		gsa_s3_objs_free(v, nv);
		return -1;
	}
	*objs = v;
	*n = nv;
	return 0;
}

int gsa_s3_mpu_create(gsa_s3_conn_t *c, const char *bucket, const char *key, int has_crc, uint32_t crc,
		      char **upload_id, gsa_err_t *err)
{
	gsa_http_resp_t r;
	gsa_http_resp_init(&r);
	char hexcrc[9];
	snprintf(hexcrc, sizeof hexcrc, "%08x", crc);
	gsa_sigv4_hdr_t hd[4];
	size_t nh = 0;
	hd[nh++] = (gsa_sigv4_hdr_t){ "x-amz-checksum-algorithm", "CRC32C" };
	hd[nh++] = (gsa_sigv4_hdr_t){ "x-amz-checksum-type", "FULL_OBJECT" };
	hd[nh++] = (gsa_sigv4_hdr_t){ "content-type", "application/octet-stream" };
	if (has_crc) hd[nh++] = (gsa_sigv4_hdr_t){ META_CRC, hexcrc };
	gsa_http_body_t body = { "", -1, 0, 0 };
	s3_op_t op = { "CreateMultipartUpload", "s3:PutObject", "POST", bucket, key, "uploads", hd, nh, &body, NULL, NULL, 0 };
	int rc = s3_do(c, &op, &r, err);
	if (rc == 0) {
		*upload_id = r.body.s ? gsa_xml_next(r.body.s, "UploadId", NULL) : NULL;
		if (!*upload_id)
			rc = gsa_err_set(err, GSA_EREMOTE, "s3://%s/%s: CreateMultipartUpload returned no UploadId", bucket, key);
	}
	gsa_http_resp_free(&r);
	return rc;
}

static void upload_query(gsa_strbuf_t *q, int partno, const char *upload_id)
{
	if (partno > 0) gsa_strbuf_appendf(q, "partNumber=%d&", partno);
	gsa_strbuf_append(q, "uploadId=");
	gsa_aws_uri_encode(q, upload_id, 0);
}

int gsa_s3_mpu_part(gsa_s3_conn_t *c, const char *bucket, const char *key, const char *upload_id, int partno,
		    int fd, uint64_t off, uint64_t len, uint32_t crc, char etag_out[80], gsa_err_t *err)
{
	gsa_http_resp_t r;
	gsa_http_resp_init(&r);
	gsa_strbuf_t q;
	gsa_strbuf_init(&q);
	upload_query(&q, partno, upload_id);
	char b64[9];
	gsa_crc32c_base64(crc, b64);
	gsa_sigv4_hdr_t hd[] = { { "x-amz-checksum-crc32c", b64 } };
	gsa_http_body_t body = { NULL, fd, off, len };
	s3_op_t op = { "UploadPart", "s3:PutObject", "PUT", bucket, key, q.s, hd, 1, &body, NULL, NULL, 0 };
	int rc = s3_do(c, &op, &r, err);
	if (rc == 0) {
		const char *e = gsa_http_resp_header(&r, "etag");
		if (!e) rc = gsa_err_set(err, GSA_EREMOTE, "s3://%s/%s: part %d: no ETag in the response", bucket, key, partno);
		else snprintf(etag_out, 80, "%s", e);
	}
	gsa_strbuf_free(&q);
	gsa_http_resp_free(&r);
	return rc;
}

int gsa_s3_mpu_complete(gsa_s3_conn_t *c, const char *bucket, const char *key, const char *upload_id, int n,
			char (*etags)[80], const uint32_t *crcs, gsa_err_t *err)
{
	gsa_strbuf_t x, q;
	gsa_strbuf_init(&x);
	gsa_strbuf_init(&q);
	upload_query(&q, 0, upload_id);
	gsa_strbuf_append(&x, "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
	for (int i = 0; i < n; i++) {
		char b64[9];
		gsa_crc32c_base64(crcs[i], b64);
		gsa_strbuf_appendf(&x, "<Part><PartNumber>%d</PartNumber><ETag>", i + 1);
		for (const char *p = etags[i]; *p; p++) {
			if (*p == '"') gsa_strbuf_append(&x, "&quot;");
			else gsa_strbuf_appendc(&x, *p);
		}
		gsa_strbuf_appendf(&x, "</ETag><ChecksumCRC32C>%s</ChecksumCRC32C></Part>", b64);
	}
	gsa_strbuf_append(&x, "</CompleteMultipartUpload>");
	gsa_http_resp_t r;
	gsa_http_resp_init(&r);
	gsa_http_body_t body = { x.s, -1, 0, x.len };
	s3_op_t op = { "CompleteMultipartUpload", "s3:PutObject", "POST", bucket, key, q.s, NULL, 0, &body, NULL, NULL, 0 };
	int rc = s3_do(c, &op, &r, err);
	gsa_http_resp_free(&r);
	gsa_strbuf_free(&x);
	gsa_strbuf_free(&q);
	return rc;
}

int gsa_s3_mpu_abort(gsa_s3_conn_t *c, const char *bucket, const char *key, const char *upload_id, gsa_err_t *err)
{
	gsa_strbuf_t q;
	gsa_strbuf_init(&q);
	upload_query(&q, 0, upload_id);
	gsa_http_resp_t r;
	gsa_http_resp_init(&r);
	s3_op_t op = { "AbortMultipartUpload", "s3:AbortMultipartUpload", "DELETE", bucket, key, q.s, NULL, 0,
		       NULL, NULL, NULL, 0 };
	int rc = s3_do(c, &op, &r, err);
	if (rc && c->last_status == 404) rc = 0; /* already gone */
	gsa_http_resp_free(&r);
	gsa_strbuf_free(&q);
	return rc;
}
