/* imds.c — IMDSv2 session tokens and metadata reads. */
#include "aws/imds.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "aws/http.h"
#include "clock.h"

#define IMDS_TIMEOUT_S 2

int gsa_imds_disabled(void)
{
	const char *d = getenv("AWS_EC2_METADATA_DISABLED");
	return d && (!strcmp(d, "true") || !strcmp(d, "TRUE") || !strcmp(d, "1"));
}

void gsa_imds_init(gsa_imds_t *m, int ttl_s)
{
	memset(m, 0, sizeof *m);
	const char *e = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	snprintf(m->base, sizeof m->base, "%s", e && *e ? e : "http://169.254.169.254");
	size_t n = strlen(m->base);
	while (n && m->base[n - 1] == '/') m->base[--n] = 0;
	m->ttl_s = ttl_s > 0 ? ttl_s : GSA_IMDS_TTL_DEFAULT;
	m->timeout_s = IMDS_TIMEOUT_S;
	m->attempts = 3;
}

static void rtrim(char *s)
{
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1])) s[--n] = 0;
}

/* one request with retries on transport errors and 5xx */
static int request(gsa_imds_t *m, const char *method, const char *url, const char *hdr, long *st, char **body,
		   gsa_err_t *err)
{
	int rc = -1;
	for (int a = 0; a < m->attempts; a++) {
		if (a) gsa_sleep_ms(100L << a);
		free(*body);
		*body = NULL;
		const char *h[] = { hdr };
		rc = gsa_http_simple(method, url, h, 1, m->timeout_s, st, body, err);
		if (rc == 0 && *st / 100 != 5) return 0;
	}
	if (rc == 0) rc = gsa_err_set(err, GSA_EREMOTE, "instance metadata %s: HTTP %ld", url, *st);
	else gsa_err_prefix(err, "instance metadata (IMDSv2) unreachable");
	return rc;
}

static int fetch_token(gsa_imds_t *m, gsa_err_t *err)
{
	char url[320], hdr[96];
	snprintf(url, sizeof url, "%s/latest/api/token", m->base);
	snprintf(hdr, sizeof hdr, "X-aws-ec2-metadata-token-ttl-seconds: %d", m->ttl_s);
	double t0 = gsa_monotonic_seconds();
	long st = 0;
	char *body = NULL;
	int rc = request(m, "PUT", url, hdr, &st, &body, err);
	if (rc == 0 && st != 200)
		rc = gsa_err_set(err, GSA_EREMOTE, "instance metadata token %s: HTTP %ld%s", url, st,
				 st == 403 ? " (IMDS disabled for this instance?)" : "");
	if (rc == 0) {
		rtrim(body);
		if (!*body || strlen(body) >= sizeof m->token) {
			rc = gsa_err_set(err, GSA_EREMOTE, "instance metadata token %s: empty or oversized token", url);
		} else {
			snprintf(m->token, sizeof m->token, "%s", body);
			/* renew when 90% of the TTL has passed (at least 1 s early) */
			double margin = m->ttl_s / 10.0 < 1 ? 1 : m->ttl_s / 10.0;
			m->token_expires = t0 + m->ttl_s - margin;
			m->token_fetches++;
		}
	}
	free(body);
	return rc;
}

int gsa_imds_read(gsa_imds_t *m, const char *path, char **out, gsa_err_t *err)
{
	if (gsa_imds_disabled())
		return gsa_err_set(err, GSA_EREMOTE, "instance metadata %s: disabled (AWS_EC2_METADATA_DISABLED)", path);
	char url[1024];
	snprintf(url, sizeof url, "%s%s", m->base, path);
	for (int pass = 0; pass < 2; pass++) {
		if (!m->token[0] || gsa_monotonic_seconds() >= m->token_expires) {
			if (fetch_token(m, err)) return -1;
		}
		char hdr[1100];
		snprintf(hdr, sizeof hdr, "X-aws-ec2-metadata-token: %s", m->token);
		long st = 0;
		char *body = NULL;
		if (request(m, "GET", url, hdr, &st, &body, err)) {
			free(body);
			return -1;
		}
		if (st == 401 && pass == 0) { /* token expired or revoked: one fresh try */
			free(body);
			m->token[0] = 0;
			continue;
		}
		if (st != 200) {
			free(body);
			return gsa_err_set(err, GSA_EREMOTE, "instance metadata %s: HTTP %ld", url, st);
		}
		rtrim(body);
		*out = body;
		return 0;
	}
	return gsa_err_set(err, GSA_EREMOTE, "instance metadata %s: token refused (HTTP 401)", url);
}

int gsa_imds_get(const char *path, char **out, gsa_err_t *err)
{
	gsa_imds_t m;
	gsa_imds_init(&m, 0);
	m.attempts = 1;
	return gsa_imds_read(&m, path, out, err);
}
