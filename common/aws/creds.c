/* creds.c — AWS credential chain, shared files, container and IMDS sources. */
#include "aws/creds.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "aws/http.h"
#include "io.h"
#include "strbuf.h"

const char *gsa_aws_creds_source_name(gsa_creds_source_t s)
{
	switch (s) {
	case GSA_CREDS_ENV: return "environment";
	case GSA_CREDS_PROFILE: return "profile";
	case GSA_CREDS_CONTAINER: return "container";
	case GSA_CREDS_IMDS: return "imds";
	default: return "none";
	}
}

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s)) s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1])) s[--n] = 0;
	return s;
}

char *gsa_aws_ini_get(const char *path, const char *section, const char *key)
{
	FILE *f = fopen(path, "r");
	if (!f) return NULL;
	char line[4096], *val = NULL;
	int in = 0;
	while (fgets(line, sizeof line, f)) {
		char *s = trim(line);
		if (*s == '#' || *s == ';' || !*s) continue;
		if (*s == '[') {
			char *e = strchr(s, ']');
			if (!e) continue;
			*e = 0;
			in = !strcmp(trim(s + 1), section);
			continue;
		}
		char *eq = strchr(s, '=');
		if (!in || !eq) continue;
		*eq = 0;
		if (!strcmp(trim(s), key)) {
			free(val);
			val = gsa_xstrdup(trim(eq + 1));
		}
	}
	fclose(f);
	return val;
}

char *gsa_json_get_string(const char *json, const char *key)
{
	size_t kl = strlen(key);
	for (const char *p = json; (p = strchr(p, '"')); p++) {
		if (strncmp(p + 1, key, kl) || p[kl + 1] != '"') continue;
		const char *q = p + kl + 2;
		while (isspace((unsigned char)*q)) q++;
		if (*q != ':') continue;
		q++;
		while (isspace((unsigned char)*q)) q++;
		if (*q != '"') return NULL;
		q++;
		gsa_strbuf_t b;
		gsa_strbuf_init(&b);
		for (; *q && *q != '"'; q++) {
			if (*q == '\\' && q[1]) {
				q++;
				switch (*q) {
				case 'n': gsa_strbuf_appendc(&b, '\n'); break;
				case 't': gsa_strbuf_appendc(&b, '\t'); break;
				case 'r': gsa_strbuf_appendc(&b, '\r'); break;
				case 'u': /* only ASCII escapes appear in these documents */
					if (q[1] && q[2] && q[3] && q[4]) {
						char hx[5] = { q[1], q[2], q[3], q[4], 0 };
						long v = strtol(hx, NULL, 16);
						gsa_strbuf_appendc(&b, v > 0 && v < 128 ? (char)v : '?');
						q += 4;
					}
					break;
				default: gsa_strbuf_appendc(&b, *q);
				}
			} else {
				gsa_strbuf_appendc(&b, *q);
			}
		}
		return gsa_strbuf_detach(&b);
	}
	return NULL;
}

int gsa_parse_iso8601(const char *s, time_t *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	int n = 0;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
		   &tm.tm_min, &tm.tm_sec, &n) != 6)
		return -1;
	const char *r = s + n;
	if (*r == '.')
		for (r++; isdigit((unsigned char)*r); r++) {}
	if (*r != 'Z' && strncmp(r, "+00:00", 6)) return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = timegm(&tm);
	return 0;
}

static void set_creds(gsa_aws_creds_t *c, const char *ak, const char *sk, const char *tok, time_t exp)
{
	memset(c, 0, sizeof *c);
	snprintf(c->access_key, sizeof c->access_key, "%s", ak);
	snprintf(c->secret_key, sizeof c->secret_key, "%s", sk);
	snprintf(c->token, sizeof c->token, "%s", tok ? tok : "");
	c->expires = exp;
}

static char *home_file(const char *env_name, const char *rel)
{
	const char *v = env(env_name);
	if (v) return gsa_xstrdup(v);
	const char *home = env("HOME");
	return home ? gsa_strdup_printf("%s/%s", home, rel) : NULL;
}

static const char *profile_name(const char *profile)
{
	if (profile && *profile) return profile;
	const char *p = env("AWS_PROFILE");
	return p ? p : "default";
}

/* 1 found, 0 absent */
static int load_profile(const char *profile, gsa_aws_creds_t *c)
{
	char *cf = home_file("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
	char *cfg = home_file("AWS_CONFIG_FILE", ".aws/config");
	char *sect = !strcmp(profile, "default") ? gsa_xstrdup("default") : gsa_strdup_printf("profile %s", profile);
	int found = 0;
	for (int pass = 0; pass < 2 && !found; pass++) {
		const char *path = pass ? cfg : cf;
		const char *section = pass ? sect : profile;
		if (!path) continue;
		char *ak = gsa_aws_ini_get(path, section, "aws_access_key_id");
		char *sk = gsa_aws_ini_get(path, section, "aws_secret_access_key");
		char *tk = gsa_aws_ini_get(path, section, "aws_session_token");
		if (ak && sk && *ak && *sk) {
			set_creds(c, ak, sk, tk, 0);
			found = 1;
		}
		free(ak);
		free(sk);
		free(tk);
	}
	free(cf);
	free(cfg);
	free(sect);
	return found;
}

/* parse the JSON of container/IMDS endpoints */
static int parse_creds_json(const char *json, const char *what, gsa_aws_creds_t *c, gsa_err_t *err)
{
	char *ak = gsa_json_get_string(json, "AccessKeyId");
	char *sk = gsa_json_get_string(json, "SecretAccessKey");
	char *tk = gsa_json_get_string(json, "Token");
	char *ex = gsa_json_get_string(json, "Expiration");
	time_t exp = 0;
	int rc = 0;
	if (!ak || !sk || !*ak || !*sk) {
		char *code = gsa_json_get_string(json, "Code");
		rc = gsa_err_set(err, GSA_EREMOTE, "%s: no credentials in the response%s%s", what,
				 code ? ": " : "", code ? code : "");
		free(code);
	} else if (ex && gsa_parse_iso8601(ex, &exp)) {
		rc = gsa_err_set(err, GSA_EREMOTE, "%s: bad Expiration '%s'", what, ex);
	} else {
		set_creds(c, ak, sk, tk, exp);
	}
	free(ak);
	free(sk);
	free(tk);
	free(ex);
	return rc;
}

static int fetch_container(gsa_aws_creds_t *c, gsa_err_t *err)
{
	const char *rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	char *url = rel ? gsa_strdup_printf("http://169.254.170.2%s", rel) : gsa_xstrdup(full);
	char *tok = NULL, *auth = NULL;
	const char *tokfile = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	if (tokfile) {
		size_t len;
		if (gsa_read_file(tokfile, &tok, &len, err)) {
			free(url);
			return gsa_err_prefix(err, "container credentials token file");
		}
		char *t = trim(tok);
		memmove(tok, t, strlen(t) + 1);
	} else if (env("AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
		tok = gsa_xstrdup(env("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
	}
	const char *hdrs[1];
	size_t nh = 0;
	if (tok) {
		auth = gsa_strdup_printf("Authorization: %s", tok);
		hdrs[nh++] = auth;
	}
	long st = 0;
	char *body = NULL;
	int rc = 0;
	for (int attempt = 0; attempt < 3; attempt++) {
		free(body);
		body = NULL;
		rc = gsa_http_simple("GET", url, hdrs, nh, 5, &st, &body, err);
		if (rc == 0 && st / 100 != 5) break;
		if (attempt < 2) gsa_sleep_ms(200L << attempt);
	}
	if (rc == 0 && st != 200)
		rc = gsa_err_set(err, GSA_EREMOTE, "container credentials %s: HTTP %ld", url, st);
	if (rc == 0) rc = parse_creds_json(body, url, c, err);
	else gsa_err_prefix(err, "container credentials");
	free(body);
	free(url);
	free(tok);
	free(auth);
	return rc;
}

static int fetch_imds(gsa_aws_creds_t *c, gsa_err_t *err)
{
	char *role = NULL, *doc = NULL;
	if (gsa_imds_get("/latest/meta-data/iam/security-credentials/", &role, err))
		return gsa_err_prefix(err, "instance profile credentials");
	char *r = trim(role);
	char *nl = strchr(r, '\n');
	if (nl) *nl = 0;
	if (!*r) {
		free(role);
		return gsa_err_set(err, GSA_EREMOTE, "instance profile credentials: no IAM role attached");
	}
	char *path = gsa_strdup_printf("/latest/meta-data/iam/security-credentials/%s", r);
	int rc = gsa_imds_get(path, &doc, err);
	if (rc == 0) rc = parse_creds_json(doc, "IMDS role credentials", c, err);
	else gsa_err_prefix(err, "instance profile credentials");
	free(path);
	free(doc);
	free(role);
	return rc;
}

static int fetch(gsa_aws_creds_provider_t *p, gsa_aws_creds_t *c, gsa_err_t *err)
{
	switch (p->source) {
	case GSA_CREDS_CONTAINER: return fetch_container(c, err);
	case GSA_CREDS_IMDS: return fetch_imds(c, err);
	default: return 0;
	}
}

int gsa_aws_creds_init(gsa_aws_creds_provider_t *p, const char *profile, gsa_err_t *err)
{
	memset(p, 0, sizeof *p);
	pthread_mutex_init(&p->mu, NULL);
	snprintf(p->profile, sizeof p->profile, "%s", profile_name(profile));
	const char *ak = env("AWS_ACCESS_KEY_ID"), *sk = env("AWS_SECRET_ACCESS_KEY");
	/* an explicit --profile wins over environment keys, as in the AWS CLI */
	if (ak && sk && !(profile && *profile)) {
		set_creds(&p->cur, ak, sk, env("AWS_SESSION_TOKEN"), 0);
		p->source = GSA_CREDS_ENV;
	} else if (load_profile(p->profile, &p->cur)) {
		p->source = GSA_CREDS_PROFILE;
	} else if (env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") || env("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
		p->source = GSA_CREDS_CONTAINER;
	} else if (!gsa_imds_disabled()) {
		p->source = GSA_CREDS_IMDS;
	} else {
		return gsa_err_set(err, GSA_EREMOTE,
				   "no AWS credentials found (environment, profile '%s', container endpoint; "
				   "instance metadata disabled)", p->profile);
	}
	if (p->source == GSA_CREDS_CONTAINER || p->source == GSA_CREDS_IMDS) {
		if (fetch(p, &p->cur, err)) {
			if (p->source == GSA_CREDS_IMDS)
				gsa_err_prefix(err, "no AWS credentials found (environment, profile '%s', container endpoint, "
						    "instance metadata)", p->profile);
			return -1;
		}
	}
	p->fetches = 1;
	return 0;
}

int gsa_aws_creds_get(gsa_aws_creds_provider_t *p, gsa_aws_creds_t *out, gsa_err_t *err)
{
	int rc = 0;
	pthread_mutex_lock(&p->mu);
	if (p->cur.expires && time(NULL) + GSA_AWS_CREDS_REFRESH_S >= p->cur.expires) {
		gsa_aws_creds_t fresh;
		if (fetch(p, &fresh, err) == 0) {
			p->cur = fresh;
			p->fetches++;
		} else if (time(NULL) >= p->cur.expires) {
			rc = -1; /* expired and no replacement */
		}
		/* otherwise keep the still-valid credentials and try again next time */
	}
	if (rc == 0) *out = p->cur;
	pthread_mutex_unlock(&p->mu);
	return rc;
}

void gsa_aws_creds_free(gsa_aws_creds_provider_t *p)
{
	memset(&p->cur, 0, sizeof p->cur);
	pthread_mutex_destroy(&p->mu);
}

void gsa_aws_region_resolve(const char *explicit_region, const char *profile, char out[64])
{
	const char *r = explicit_region && *explicit_region ? explicit_region : env("AWS_REGION");
	if (!r) r = env("AWS_DEFAULT_REGION");
	if (r) {
		snprintf(out, 64, "%s", r);
		return;
	}
	const char *pn = profile_name(profile);
	char *cfg = home_file("AWS_CONFIG_FILE", ".aws/config");
	char *sect = !strcmp(pn, "default") ? gsa_xstrdup("default") : gsa_strdup_printf("profile %s", pn);
	char *v = cfg ? gsa_aws_ini_get(cfg, sect, "region") : NULL;
	free(cfg);
	free(sect);
	if (!v && !gsa_imds_disabled()) {
		gsa_err_t e;
		char *body = NULL;
		if (gsa_imds_get("/latest/meta-data/placement/region", &body, &e) == 0) v = body;
	}
	snprintf(out, 64, "%s", v && *trim(v) ? trim(v) : "us-east-1");
	free(v);
}
