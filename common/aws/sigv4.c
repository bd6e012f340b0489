/* sigv4.c — AWS Signature Version 4. */
#include "aws/sigv4.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "alloc.h"

void gsa_hex(const unsigned char *b, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[b[i] >> 4];
		out[2 * i + 1] = hx[b[i] & 15];
	}
	out[2 * n] = 0;
}

void gsa_sha256_hex(const void *buf, size_t n, char out[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	EVP_Digest(buf, n, md, &mdlen, EVP_sha256(), NULL);
	gsa_hex(md, 32, out);
}

static void hmac256(const void *key, size_t klen, const char *msg, unsigned char out[32])
{
	unsigned int len = 32;
	HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg, strlen(msg), out, &len);
}

void gsa_aws_uri_encode(gsa_strbuf_t *out, const char *s, int keep_slash)
{
	static const char hx[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && keep_slash)) {
			gsa_strbuf_appendc(out, (char)c);
		} else {
			gsa_strbuf_appendc(out, '%');
			gsa_strbuf_appendc(out, hx[c >> 4]);
			gsa_strbuf_appendc(out, hx[c & 15]);
		}
	}
}

void gsa_aws_amz_date(time_t t, char out[17])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

/* header sorted for canonical form */
typedef struct {
	char *name;
	const char *value;
} chdr_t;

static int cmp_chdr(const void *a, const void *b)
{
	return strcmp(((const chdr_t *)a)->name, ((const chdr_t *)b)->name);
}

static void append_trimmed(gsa_strbuf_t *b, const char *v)
{
	while (*v == ' ' || *v == '\t') v++;
	size_t n = strlen(v);
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t')) n--;
	int sp = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] == ' ' || v[i] == '\t') {
			sp = 1;
			continue;
		}
		if (sp) gsa_strbuf_appendc(b, ' ');
		sp = 0;
		gsa_strbuf_appendc(b, v[i]);
	}
}

/* canonical query: split on '&', give "k=" to bare keys, sort by k then v */
static void canonical_query(gsa_strbuf_t *out, const char *q)
{
	if (!q || !*q) return;
	char *dup = gsa_xstrdup(q);
	size_t n = 0, cap = 0;
	char **parts = NULL;
	for (char *save = NULL, *tok = strtok_r(dup, "&", &save); tok; tok = strtok_r(NULL, "&", &save)) {
		parts = gsa_xgrow(parts, &cap, n + 1, sizeof *parts);
		parts[n++] = strchr(tok, '=') ? gsa_xstrdup(tok) : gsa_strdup_printf("%s=", tok);
	}
	/* insertion sort by key, then value (byte order, as SigV4 requires) */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0; j--) {
			char *a = parts[j - 1], *b = parts[j];
			size_t ka = strcspn(a, "="), kb = strcspn(b, "=");
			size_t m = ka < kb ? ka : kb;
			int c = memcmp(a, b, m);
			if (c == 0) c = ka == kb ? strcmp(a + ka, b + kb) : (ka < kb ? -1 : 1);
			if (c <= 0) break;
			parts[j - 1] = b;
			parts[j] = a;
		}
	for (size_t i = 0; i < n; i++) {
		if (i) gsa_strbuf_appendc(out, '&');
		gsa_strbuf_append(out, parts[i]);
		free(parts[i]);
	}
	free(parts);
	free(dup);
}

/* Build canonical request into canon and signed-header list into signed_h. */
static int build_canonical(const gsa_sigv4_req_t *req, const char *query, gsa_strbuf_t *canon,
			   gsa_strbuf_t *signed_h)
{
	chdr_t *h = gsa_xcalloc(req->nhdrs ? req->nhdrs : 1, sizeof *h);
	for (size_t i = 0; i < req->nhdrs; i++) {
		if (!req->hdrs[i].name || !req->hdrs[i].value) {
			for (size_t j = 0; j < i; j++) free(h[j].name);
			free(h);
			return -1;
		}
		h[i].name = gsa_xstrdup(req->hdrs[i].name);
		for (char *p = h[i].name; *p; p++) *p = (char)tolower((unsigned char)*p);
		h[i].value = req->hdrs[i].value;
	}
	qsort(h, req->nhdrs, sizeof *h, cmp_chdr);
	gsa_strbuf_append(canon, req->method);
	gsa_strbuf_appendc(canon, '\n');
	gsa_strbuf_append(canon, req->path && *req->path ? req->path : "/");
	gsa_strbuf_appendc(canon, '\n');
	canonical_query(canon, query);
	gsa_strbuf_appendc(canon, '\n');
	for (size_t i = 0; i < req->nhdrs; i++) {
		/* repeated names join their values with commas */
		if (i && !strcmp(h[i].name, h[i - 1].name)) {
			gsa_strbuf_appendc(canon, ',');
		} else {
			if (i) gsa_strbuf_appendc(canon, '\n');
			gsa_strbuf_append(canon, h[i].name);
			gsa_strbuf_appendc(canon, ':');
			if (signed_h->len) gsa_strbuf_appendc(signed_h, ';');
			gsa_strbuf_append(signed_h, h[i].name);
		}
		append_trimmed(canon, h[i].value);
	}
	gsa_strbuf_append(canon, "\n\n");
	gsa_strbuf_append(canon, signed_h->s ? signed_h->s : "");
	gsa_strbuf_appendc(canon, '\n');
	gsa_strbuf_append(canon, req->payload_hash ? req->payload_hash : GSA_UNSIGNED_PAYLOAD);
	for (size_t i = 0; i < req->nhdrs; i++) free(h[i].name);
	free(h);
	return 0;
}

/* signature hex of canon for the scope */
static void sign_canonical(const gsa_sigv4_req_t *req, const char *secret, const char *canon,
			   char sig[65])
{
	char date[9], chash[65];
	memcpy(date, req->amz_date, 8);
	date[8] = 0;
	gsa_sha256_hex(canon, strlen(canon), chash);
	char *sts = gsa_strdup_printf("AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s", req->amz_date,
				      date, req->region, req->service, chash);
	char *k0 = gsa_strdup_printf("AWS4%s", secret);
	unsigned char k1[32], k2[32], k3[32], k4[32], s[32];
	hmac256(k0, strlen(k0), date, k1);
	hmac256(k1, 32, req->region, k2);
	hmac256(k2, 32, req->service, k3);
	hmac256(k3, 32, "aws4_request", k4);
	hmac256(k4, 32, sts, s);
	gsa_hex(s, 32, sig);
	memset(k0, 0, strlen(k0));
	free(k0);
	free(sts);
}

int gsa_sigv4_authorization(const gsa_sigv4_req_t *req, const char *access_key,
			    const char *secret_key, gsa_strbuf_t *out, gsa_strbuf_t *canon_out)
{
	gsa_strbuf_t canon, sh;
	gsa_strbuf_init(&canon);
	gsa_strbuf_init(&sh);
	if (!req->amz_date || strlen(req->amz_date) < 8 || build_canonical(req, req->query, &canon, &sh)) {
		gsa_strbuf_free(&canon);
		gsa_strbuf_free(&sh);
		return -1;
	}
	char sig[65];
	sign_canonical(req, secret_key, canon.s, sig);
	gsa_strbuf_appendf(out, "AWS4-HMAC-SHA256 Credential=%s/%.8s/%s/%s/aws4_request, SignedHeaders=%s, Signature=%s",
			   access_key, req->amz_date, req->region, req->service, sh.s, sig);
	if (canon_out) gsa_strbuf_append(canon_out, canon.s);
	gsa_strbuf_free(&canon);
	gsa_strbuf_free(&sh);
	return 0;
}

int gsa_sigv4_presign(const gsa_sigv4_req_t *req, const char *access_key, const char *secret_key,
		      const char *token, unsigned expires_s, gsa_strbuf_t *out)
{
	gsa_strbuf_t q, names, cred, canon, sh;
	gsa_strbuf_init(&q);
	gsa_strbuf_init(&names);
	gsa_strbuf_init(&cred);
	gsa_strbuf_init(&canon);
	gsa_strbuf_init(&sh);
	if (!req->amz_date || strlen(req->amz_date) < 8) return -1;
	gsa_strbuf_appendf(&cred, "%s/%.8s/%s/%s/aws4_request", access_key, req->amz_date, req->region,
			   req->service);
	if (req->query && *req->query) {
		gsa_strbuf_append(&q, req->query);
		gsa_strbuf_appendc(&q, '&');
	}
	gsa_strbuf_append(&q, "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=");
	gsa_aws_uri_encode(&q, cred.s, 0);
	gsa_strbuf_appendf(&q, "&X-Amz-Date=%s&X-Amz-Expires=%u", req->amz_date, expires_s);
	if (token && *token) {
		gsa_strbuf_append(&q, "&X-Amz-Security-Token=");
		gsa_aws_uri_encode(&q, token, 0);
	}
	/* signed-header names, sorted and lower-cased, via a dry canonical build */
	{
		gsa_strbuf_t tmp;
		gsa_strbuf_init(&tmp);
		if (build_canonical(req, NULL, &tmp, &names)) {
			gsa_strbuf_free(&tmp);
			goto fail;
		}
		gsa_strbuf_free(&tmp);
	}
	gsa_strbuf_append(&q, "&X-Amz-SignedHeaders=");
	gsa_aws_uri_encode(&q, names.s ? names.s : "", 0);
	if (build_canonical(req, q.s, &canon, &sh)) goto fail;
	char sig[65];
	sign_canonical(req, secret_key, canon.s, sig);
	gsa_strbuf_append(out, q.s);
	gsa_strbuf_appendf(out, "&X-Amz-Signature=%s", sig);
	gsa_strbuf_free(&q);
	gsa_strbuf_free(&names);
	gsa_strbuf_free(&cred);
	gsa_strbuf_free(&canon);
	gsa_strbuf_free(&sh);
	return 0;
fail:
	gsa_strbuf_free(&q);
	gsa_strbuf_free(&names);
	gsa_strbuf_free(&cred);
	gsa_strbuf_free(&canon);
	gsa_strbuf_free(&sh);
	return -1;
}
