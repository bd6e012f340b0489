/* ec2.c — EC2 Query API requests: form body, SigV4, errors, retries. */
#include "aws/ec2.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "aws/sigv4.h"
#include "aws/xml.h"

void gsa_ec2_params_init(gsa_ec2_params_t *p) { gsa_strbuf_init(&p->body); }

void gsa_ec2_params_free(gsa_ec2_params_t *p) { gsa_strbuf_free(&p->body); }

void gsa_ec2_params_add(gsa_ec2_params_t *p, const char *name, const char *value)
{
	gsa_strbuf_appendc(&p->body, '&');
	gsa_aws_uri_encode(&p->body, name, 0);
	gsa_strbuf_appendc(&p->body, '=');
	gsa_aws_uri_encode(&p->body, value, 0);
}

void gsa_ec2_params_addf(gsa_ec2_params_t *p, const char *name, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	gsa_ec2_params_add(p, name, buf);
}

int gsa_ec2_is_throttle(const char *code)
{
	static const char *const codes[] = { "RequestLimitExceeded", "Throttling", "ThrottlingException",
					     "RequestThrottled", "TooManyRequestsException", "SlowDown", NULL };
	for (int i = 0; code && codes[i]; i++)
		if (!strcmp(code, codes[i])) return 1;
	return 0;
}

/* server-side conditions worth another attempt besides throttling */
static int is_transient(const char *code)
{
	return code && (!strcmp(code, "InternalError") || !strcmp(code, "InternalFailure") ||
			!strcmp(code, "ServiceUnavailable") || !strcmp(code, "Unavailable") ||
			!strcmp(code, "RequestTimeout") || !strcmp(code, "RequestExpired"));
}

int gsa_ec2_init(gsa_ec2_client_t *c, const char *region, const char *endpoint, gsa_aws_creds_provider_t *creds,
		 const gsa_log_t *log, gsa_err_t *err)
{
	memset(c, 0, sizeof *c);
	const char *ep = endpoint && *endpoint ? endpoint : getenv("AWS_ENDPOINT_URL_EC2");
	if (!ep || !*ep) ep = getenv("AWS_ENDPOINT_URL");
	if (ep && *ep) snprintf(c->endpoint, sizeof c->endpoint, "%s", ep);
	else snprintf(c->endpoint, sizeof c->endpoint, "https://ec2.%s.amazonaws.com", region);
	size_t n = strlen(c->endpoint);
	while (n && c->endpoint[n - 1] == '/') c->endpoint[--n] = 0;
	const char *h = strstr(c->endpoint, "://");
	if (!h || !h[3] || strchr(h + 3, '/'))
		return gsa_err_set(err, GSA_EUSAGE, "EC2 endpoint '%s': expected scheme://host[:port]", c->endpoint);
	snprintf(c->host, sizeof c->host, "%s", h + 3);
	snprintf(c->region, sizeof c->region, "%s", region);
	c->creds = creds;
	c->log = log;
	c->max_attempts = 16;
	c->base_ms = 200;
	c->cap_ms = 20000;
	c->timeout_s = 30;
	c->rng = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid();
	return gsa_http_conn_init(&c->http, err);
}

void gsa_ec2_free(gsa_ec2_client_t *c)
{
	if (c) gsa_http_conn_free(&c->http);
}

/* one signed attempt */
static int attempt_once(gsa_ec2_client_t *c, const char *body, gsa_http_resp_t *resp, gsa_err_t *err)
{
	gsa_aws_creds_t cr;
	if (gsa_aws_creds_get(c->creds, &cr, err)) return -2;
	char date[17], payload[65];
	gsa_aws_amz_date(time(NULL), date);
	gsa_sha256_hex(body, strlen(body), payload);
	const char *ctype = "application/x-www-form-urlencoded; charset=utf-8";
	gsa_sigv4_hdr_t sh[5];
	size_t n = 0;
	sh[n++] = (gsa_sigv4_hdr_t){ "host", c->host };
	sh[n++] = (gsa_sigv4_hdr_t){ "content-type", ctype };
	sh[n++] = (gsa_sigv4_hdr_t){ "x-amz-date", date };
	if (cr.token[0]) sh[n++] = (gsa_sigv4_hdr_t){ "x-amz-security-token", cr.token };
	gsa_sigv4_req_t sreq = { "POST", "/", "", sh, n, payload, c->region, "ec2", date };
	gsa_strbuf_t auth;
	gsa_strbuf_init(&auth);
	gsa_strbuf_append(&auth, "Authorization: ");
	gsa_sigv4_authorization(&sreq, cr.access_key, cr.secret_key, &auth, NULL);
	char *lines[6];
	size_t nl = 0;
	for (size_t i = 1; i < n; i++) lines[nl++] = gsa_strdup_printf("%s: %s", sh[i].name, sh[i].value);
	lines[nl++] = gsa_strbuf_detach(&auth);
	memset(&cr, 0, sizeof cr);
	char url[300];
	snprintf(url, sizeof url, "%s/", c->endpoint);
	gsa_http_body_t hb = { body, -1, 0, strlen(body) };
	gsa_http_req_t req = { "POST", url, (const char *const *)lines, nl, &hb, NULL, c->timeout_s, 10,
			       c->timeout_s * 1000, c->should_stop, c->stop_ctx };
	int rc = gsa_http_perform(&c->http, &req, resp);
	for (size_t i = 0; i < nl; i++) free(lines[i]);
	c->requests++;
	return rc;
}

int gsa_ec2_call(gsa_ec2_client_t *c, const char *action, const gsa_ec2_params_t *params, char **xml,
		 gsa_err_t *err)
{
	c->last_code[0] = 0;
	if (strncmp(action, "ec2:", 4) || !action[4]) {
		snprintf(c->last_code, sizeof c->last_code, "BadAction");
		return gsa_err_set(err, GSA_EINTERNAL, "EC2 action '%s' does not start with \"ec2:\"", action);
	}
	gsa_strbuf_t body;
	gsa_strbuf_init(&body);
	gsa_strbuf_appendf(&body, "Action=%s&Version=%s", action + 4, GSA_EC2_API_VERSION);
	if (params && params->body.s) gsa_strbuf_append(&body, params->body.s);
	gsa_http_resp_t resp;
	gsa_http_resp_init(&resp);
	int rc = -1;
	for (int attempt = 1;; attempt++) {
		int prc = attempt_once(c, body.s, &resp, err);
		if (prc == -2) { /* credentials */
			snprintf(c->last_code, sizeof c->last_code, "credentials");
			gsa_err_prefix(err, "%s", action);
			break;
		}
		if (resp.cancelled) {
			snprintf(c->last_code, sizeof c->last_code, "cancelled");
			gsa_err_set(err, GSA_EREMOTE, "%s: cancelled", action);
			break;
		}
		if (prc == 0 && resp.status / 100 == 2) {
			if (xml) *xml = gsa_strbuf_detach(&resp.body);
			rc = 0;
			break;
		}
		char *code = NULL, *msg = NULL, *rid = NULL;
		if (prc == 0 && resp.body.s) {
			code = gsa_xml_next(resp.body.s, "Code", NULL);
			msg = gsa_xml_next(resp.body.s, "Message", NULL);
			rid = gsa_xml_next(resp.body.s, "RequestID", NULL);
		}
		if (prc == 0 && !code) code = gsa_strdup_printf("HTTP%ld", resp.status);
		snprintf(c->last_code, sizeof c->last_code, "%s", prc ? "transport" : code);
		int throttle = prc == 0 && gsa_ec2_is_throttle(code);
		if (throttle) c->throttled++;
		int again = attempt < c->max_attempts &&
			    (throttle || is_transient(code) || gsa_http_should_retry(&resp, NULL));
		if (again) {
			long ms = gsa_http_backoff_ms(attempt, c->base_ms, c->cap_ms, &c->rng);
			if (c->log)
				gsa_log_msg(c->log, throttle ? GSA_LOG_INFO : GSA_LOG_WARN,
					    "%s: %s, retry %d in %ld ms", action, prc ? resp.curl_msg : code, attempt, ms);
			free(code);
			free(msg);
			free(rid);
			if (gsa_sleep_ms_unless(ms, c->should_stop, c->stop_ctx)) {
				snprintf(c->last_code, sizeof c->last_code, "cancelled");
				gsa_err_set(err, GSA_EREMOTE, "%s: cancelled", action);
				break;
			}
			continue;
		}
		if (prc)
			gsa_err_set(err, GSA_EREMOTE, "%s: %s unreachable after %d attempt%s: %s", action, c->endpoint,
				    attempt, attempt > 1 ? "s" : "", resp.curl_msg);
		else
			gsa_err_set(err, GSA_EREMOTE, "%s: %s%s%s (HTTP %ld, request id %s%s)", action, code,
				    msg ? ": " : "", msg ? msg : "", resp.status, rid ? rid : "-",
				    attempt > 1 ? ", after retries" : "");
		free(code);
		free(msg);
		free(rid);
		break;
	}
	gsa_http_resp_free(&resp);
	gsa_strbuf_free(&body);
	return rc;
}
