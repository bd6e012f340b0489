/* Credentials chain pieces, region resolution, retry policy, S3 helpers. */
#include "unit.h"
#include "aws/creds.h"
#include "aws/http.h"
#include "aws/s3.h"

#include <stdlib.h>

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void clear_env(void)
{
	const char *vars[] = { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
			       "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
			       "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI" };
	for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) unsetenv(vars[i]);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
}

static void test_ini_sections_and_keys(unit_t *t)
{
	char p[512];
	snprintf(p, sizeof p, "%s/ini", t->tmpdir);
	write_file(p, "# comment\n[default]\nregion = eu-west-1\n\n[profile x]\n  region=us-east-2  \n; c\nkey = a=b\n");
	char *v = gsa_aws_ini_get(p, "default", "region");
	UNIT_CHECK_STR(t, v, "eu-west-1");
	free(v);
	v = gsa_aws_ini_get(p, "profile x", "region");
	UNIT_CHECK_STR(t, v, "us-east-2");
	free(v);
	v = gsa_aws_ini_get(p, "profile x", "key");
	UNIT_CHECK_STR(t, v, "a=b");
	free(v);
	UNIT_CHECK(t, gsa_aws_ini_get(p, "profile y", "region") == NULL);
	UNIT_CHECK(t, gsa_aws_ini_get("/nonexistent/file", "default", "region") == NULL);
}

static void test_json_and_time(unit_t *t)
{
	const char *doc = "{ \"Code\" : \"Success\", \"AccessKeyId\": \"AK\\/1\", \"Token\":\"t\\u0041\", "
			  "\"Expiration\": \"2026-11-24T12:00:00Z\" }";
	char *v = gsa_json_get_string(doc, "AccessKeyId");
	UNIT_CHECK_STR(t, v, "AK/1");
	free(v);
	v = gsa_json_get_string(doc, "Token");
	UNIT_CHECK_STR(t, v, "tA");
	free(v);
	UNIT_CHECK(t, gsa_json_get_string(doc, "Missing") == NULL);
	time_t x;
	UNIT_CHECK_INT(t, gsa_parse_iso8601("1970-01-02T00:00:01Z", &x), 0);
	UNIT_CHECK_INT(t, x, 86401);
	UNIT_CHECK_INT(t, gsa_parse_iso8601("2026-11-24T12:00:00.123Z", &x), 0);
	UNIT_CHECK_INT(t, gsa_parse_iso8601("yesterday", &x), -1);
}

static void test_chain_order(unit_t *t)
{
	char cred[512], cfg[512];
	gsa_aws_creds_provider_t p;
	gsa_aws_creds_t c;
	gsa_err_t err;
	clear_env();
	snprintf(cred, sizeof cred, "%s/credentials", t->tmpdir);
	snprintf(cfg, sizeof cfg, "%s/config", t->tmpdir);
	write_file(cred, "[default]\naws_access_key_id=FILEKEY\naws_secret_access_key=FILESECRET\n"
			 "[p2]\naws_access_key_id=P2KEY\naws_secret_access_key=P2SECRET\naws_session_token=P2TOK\n");
	write_file(cfg, "[profile p3]\naws_access_key_id=P3KEY\naws_secret_access_key=P3SECRET\nregion=sa-east-1\n");
	setenv("AWS_SHARED_CREDENTIALS_FILE", cred, 1);
	setenv("AWS_CONFIG_FILE", cfg, 1);
	/* environment first */
	setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET", 1);
	UNIT_CHECK_INT(t, gsa_aws_creds_init(&p, NULL, &err), 0);
	UNIT_CHECK_INT(t, p.source, GSA_CREDS_ENV);
	UNIT_CHECK_INT(t, gsa_aws_creds_get(&p, &c, &err), 0);
	UNIT_CHECK_STR(t, c.access_key, "ENVKEY");
	UNIT_CHECK_STR(t, c.token, "");
	gsa_aws_creds_free(&p);
	/* an explicit profile wins over the environment */
	UNIT_CHECK_INT(t, gsa_aws_creds_init(&p, "p2", &err), 0);
	UNIT_CHECK_INT(t, p.source, GSA_CREDS_PROFILE);
	UNIT_CHECK_STR(t, p.cur.access_key, "P2KEY");
	UNIT_CHECK_STR(t, p.cur.token, "P2TOK");
	gsa_aws_creds_free(&p);
	/* then shared files: default, AWS_PROFILE, config-only profiles */
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	UNIT_CHECK_INT(t, gsa_aws_creds_init(&p, NULL, &err), 0);
	UNIT_CHECK_STR(t, p.cur.access_key, "FILEKEY");
	gsa_aws_creds_free(&p);
	setenv("AWS_PROFILE", "p3", 1);
	UNIT_CHECK_INT(t, gsa_aws_creds_init(&p, NULL, &err), 0);
	UNIT_CHECK_STR(t, p.cur.secret_key, "P3SECRET");
	UNIT_CHECK_INT(t, p.cur.expires, 0);
	gsa_aws_creds_free(&p);
	char region[64];
	gsa_aws_region_resolve(NULL, NULL, region);
	UNIT_CHECK_STR(t, region, "sa-east-1");
	setenv("AWS_DEFAULT_REGION", "eu-north-1", 1);
	gsa_aws_region_resolve(NULL, NULL, region);
	UNIT_CHECK_STR(t, region, "eu-north-1");
	setenv("AWS_REGION", "eu-central-1", 1);
	gsa_aws_region_resolve(NULL, NULL, region);
	UNIT_CHECK_STR(t, region, "eu-central-1");
	gsa_aws_region_resolve("ca-central-1", NULL, region);
	UNIT_CHECK_STR(t, region, "ca-central-1");
	/* nothing anywhere (IMDS disabled): a clear error */
	setenv("AWS_PROFILE", "absent", 1);
	UNIT_CHECK_INT(t, gsa_aws_creds_init(&p, NULL, &err), -1);
	UNIT_CHECK_INT(t, err.code, GSA_EREMOTE);
	UNIT_CHECK(t, strstr(err.msg, "no AWS credentials found") != NULL);
	gsa_aws_creds_free(&p);
	clear_env();
}

static void test_retry_policy(unit_t *t)
{
	gsa_http_resp_t r;
	gsa_http_resp_init(&r);
	r.status = 503;
	UNIT_CHECK(t, gsa_http_should_retry(&r, "SlowDown"));
	r.status = 500;
	UNIT_CHECK(t, gsa_http_should_retry(&r, NULL));
	r.status = 400;
	UNIT_CHECK(t, gsa_http_should_retry(&r, "RequestTimeout"));
	UNIT_CHECK(t, !gsa_http_should_retry(&r, "InvalidArgument"));
	r.status = 403;
	UNIT_CHECK(t, !gsa_http_should_retry(&r, "SignatureDoesNotMatch"));
	r.status = 404;
	UNIT_CHECK(t, !gsa_http_should_retry(&r, "NoSuchKey"));
	r.status = 0;
	r.curl_code = 56; /* CURLE_RECV_ERROR: connection reset */
	UNIT_CHECK(t, gsa_http_should_retry(&r, NULL));
	r.curl_code = 28; /* CURLE_OPERATION_TIMEDOUT */
	UNIT_CHECK(t, gsa_http_should_retry(&r, NULL));
	r.curl_code = 3; /* CURLE_URL_MALFORMAT */
	UNIT_CHECK(t, !gsa_http_should_retry(&r, NULL));
	/* full jitter: always inside [0, min(cap, base * 2^attempt)) */
	uint64_t rng = 42;
	long maxseen = 0;
	for (int a = 1; a <= 12; a++)
		for (int i = 0; i < 200; i++) {
			long ms = gsa_http_backoff_ms(a, 100, 10000, &rng);
			long ceil = 100L << a;
			if (ceil > 10000) ceil = 10000;
			UNIT_CHECK(t, ms >= 0 && ms < ceil);
			if (ms > maxseen) maxseen = ms;
		}
	UNIT_CHECK(t, maxseen > 5000); /* the cap is reached, not a fixed delay */
}

static void test_s3_helpers(unit_t *t)
{
	char *b = NULL, *k = NULL;
	UNIT_CHECK_INT(t, gsa_s3_parse_uri("s3://bkt/a/b c", &b, &k), 0);
	UNIT_CHECK_STR(t, b, "bkt");
	UNIT_CHECK_STR(t, k, "a/b c");
	free(b);
	free(k);
	UNIT_CHECK_INT(t, gsa_s3_parse_uri("s3://bkt", &b, &k), 0);
	UNIT_CHECK_STR(t, k, "");
	free(b);
	free(k);
	UNIT_CHECK_INT(t, gsa_s3_parse_uri("s3:///key", &b, &k), -1);
	UNIT_CHECK_INT(t, gsa_s3_parse_uri("/local/path", &b, &k), -1);
	const char *xml = "<R><Key>a&amp;b&lt;&#233;</Key><Key>second</Key></R>";
	const char *pos = NULL;
	char *v = gsa_xml_next(xml, "Key", &pos);
	UNIT_CHECK_STR(t, v, "a&b<\xc3\xa9");
	free(v);
	v = gsa_xml_next(xml, "Key", &pos);
	UNIT_CHECK_STR(t, v, "second");
	free(v);
	UNIT_CHECK(t, gsa_xml_next(xml, "Key", &pos) == NULL);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "aws_creds");
	UNIT_RUN(&t, test_ini_sections_and_keys);
	UNIT_RUN(&t, test_json_and_time);
	UNIT_RUN(&t, test_chain_order);
	UNIT_RUN(&t, test_retry_policy);
	UNIT_RUN(&t, test_s3_helpers);
	return unit_finish(&t);
}
