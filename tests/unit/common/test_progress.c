#include "unit.h"
#include "json.h"
#include "jsonw.h"
#include "log.h"
#include "progress.h"
#include "io.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static size_t slurp(const char *path, char *buf, size_t size)
{
	FILE *fp = fopen(path, "r");
	size_t n = fp ? fread(buf, 1, size - 1, fp) : 0;
	if (fp) fclose(fp);
	buf[n] = '\0';
	return n;
}

static int count(const char *s, const char *what)
{
	int n = 0;
	while ((s = strstr(s, what))) { n++; s++; }
	return n;
}

/* Off a terminal: a log line at most every interval, one at the end. */
static void test_log_lines_rate_limited(unit_t *t)
{
	char path[512], buf[8192];
	gsa_log_t lg;
	gsa_progress_t p;
	int i;
	gsa_log_init(&lg, "tool");
	lg.format = GSA_LOG_JSON;
	snprintf(path, sizeof path, "%s/out", t->tmpdir);
	lg.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	UNIT_CHECK(t, lg.fd >= 0);
	gsa_progress_init(&p, &lg, "reads", 1000000);
	UNIT_CHECK_INT(t, p.mode, GSA_PROGRESS_LOG);
	UNIT_CHECK(t, p.interval >= 30.0);
	for (i = 0; i < 100000; i++) gsa_progress_add(&p, 1);
	slurp(path, buf, sizeof buf);
	UNIT_CHECK_INT(t, count(buf, "\"progress\""), 0); /* within the first 30 s: nothing */
	p.last -= 31;                                     /* as if 31 s went by */
	for (i = 0; i < 256; i++) gsa_progress_add(&p, 1);
	slurp(path, buf, sizeof buf);
	UNIT_CHECK_INT(t, count(buf, "\"msg\":\"progress\""), 1);
	{
		/* the clock is read every 256 adds: the line shows a count of the last 256 */
		const char *d = strstr(buf, "\"done\":");
		long v = d ? strtol(d + 7, NULL, 10) : 0;
		UNIT_CHECK(t, v > 100000 && v <= 100256);
	}
	UNIT_CHECK(t, strstr(buf, "\"total\":1000000") != NULL);
	UNIT_CHECK(t, strstr(buf, "\"eta_s\":") != NULL);
	for (i = 0; i < 10000; i++) gsa_progress_add(&p, 1);
	gsa_progress_finish(&p);
	gsa_progress_finish(&p); /* once */
	gsa_progress_add(&p, 5);  /* after finish: silent */
	slurp(path, buf, sizeof buf);
	UNIT_CHECK_INT(t, count(buf, "\"msg\":\"progress\""), 1);
	UNIT_CHECK_INT(t, count(buf, "\"msg\":\"progress done\""), 1);
	close(lg.fd);
}

/* --quiet (level ERROR) and a NULL log: mode OFF, nothing written. */
static void test_quiet_is_silent(unit_t *t)
{
	char path[512], buf[256];
	gsa_log_t lg;
	gsa_progress_t p;
	gsa_log_init(&lg, "tool");
	lg.level = GSA_LOG_ERROR;
	snprintf(path, sizeof path, "%s/out", t->tmpdir);
	lg.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	gsa_progress_init(&p, &lg, "bytes", 10);
	UNIT_CHECK_INT(t, p.mode, GSA_PROGRESS_OFF);
	p.last -= 100;
	gsa_progress_set(&p, 5);
	gsa_progress_finish(&p);
	gsa_progress_stop(&p);
	UNIT_CHECK_INT(t, (long long)slurp(path, buf, sizeof buf), 0);
	UNIT_CHECK_INT(t, gsa_progress_mode_for(NULL), GSA_PROGRESS_OFF);
	gsa_progress_add(NULL, 1); /* NULL is fine everywhere */
	gsa_progress_finish(NULL);
	close(lg.fd);
}

static void test_format(unit_t *t)
{
	gsa_progress_t p;
	char s[200];
	memset(&p, 0, sizeof p);
	p.unit = "reads";
	p.done = 1500000;
	p.total = 3000000;
	p.t_phase = 100.0;
	gsa_progress_format(&p, 110.0, s, sizeof s); /* 150k reads/s, 10 s left */
	UNIT_CHECK_STR(t, s, "1.5M reads / 3.0M (50%)  150.0k reads/s  ETA 0:00:10");
	p.unit = "bytes";
	p.phase = "get";
	p.done = 3 << 20;
	p.total = 0;
	gsa_progress_format(&p, 101.0, s, sizeof s);
	UNIT_CHECK_STR(t, s, "get: 3.0 MiB  3.0 MiB/s");
	p.unit = "records";
	p.phase = NULL;
	p.done = 42;
	gsa_progress_format(&p, 100.0, s, sizeof s); /* no time yet: rate 0, no ETA */
	UNIT_CHECK_STR(t, s, "42 records  0 records/s");
}

static void test_jsonw_round_trip(unit_t *t)
{
	gsa_jsonw_t w;
	gsa_json_t *doc = NULL;
	gsa_err_t err;
	const uint64_t h[3] = { 0, 7, 18446744073709551615ULL };
	const gsa_json_t *v;
	char path[512], *text = NULL;
	size_t len = 0;
	gsa_jsonw_init(&w);
	gsa_jsonw_begin_object(&w, NULL);
	gsa_jsonw_str(&w, "name", "a \"quoted\"\tname\n");
	gsa_jsonw_u64(&w, "n", 12);
	gsa_jsonw_i64(&w, "neg", -5);
	gsa_jsonw_num(&w, "x", 0.125, 6);
	gsa_jsonw_num(&w, "nan", 0.0 / 0.0, 6);
	gsa_jsonw_bool(&w, "yes", 1);
	gsa_jsonw_u64_array(&w, "hist", h, 3);
	gsa_jsonw_begin_array(&w, "objs");
	gsa_jsonw_begin_object(&w, NULL);
	gsa_jsonw_str(&w, "k", NULL);
	gsa_jsonw_end(&w);
	gsa_jsonw_begin_object(&w, NULL);
	gsa_jsonw_end(&w);
	gsa_jsonw_end(&w);
	gsa_jsonw_end(&w);
	snprintf(path, sizeof path, "%s/m.json", t->tmpdir);
	UNIT_CHECK_INT(t, gsa_jsonw_write_file(&w, path, &err), 0);
	gsa_jsonw_free(&w);
	UNIT_CHECK_INT(t, gsa_read_file(path, &text, &len, &err), 0);
	UNIT_CHECK_INT(t, gsa_json_parse(text, len, &doc, &err), 0);
	UNIT_CHECK_STR(t, gsa_json_member(doc, "name")->str, "a \"quoted\"\tname\n");
	UNIT_CHECK(t, gsa_json_member(doc, "n")->num == 12);
	UNIT_CHECK(t, gsa_json_member(doc, "neg")->num == -5);
	UNIT_CHECK(t, gsa_json_member(doc, "x")->num == 0.125);
	UNIT_CHECK_INT(t, gsa_json_member(doc, "nan")->type, GSA_JSON_NULL);
	UNIT_CHECK_INT(t, gsa_json_member(doc, "yes")->boolean, 1);
	v = gsa_json_member(doc, "hist");
	UNIT_CHECK(t, v && v->n == 3 && v->kids[1].num == 7);
	v = gsa_json_member(doc, "objs");
	UNIT_CHECK(t, v && v->n == 2 && gsa_json_member(&v->kids[0], "k")->type == GSA_JSON_NULL);
	UNIT_CHECK(t, text[len - 1] == '\n');
	gsa_json_free(doc);
	free(text);
	/* an unwritable place: an error naming it, nothing left behind */
	gsa_jsonw_init(&w);
	gsa_jsonw_u64(&w, NULL, 1);
	snprintf(path, sizeof path, "%s/no/such/dir/m.json", t->tmpdir);
	UNIT_CHECK_INT(t, gsa_jsonw_write_file(&w, path, &err), -1);
	UNIT_CHECK_INT(t, err.code, GSA_EIO);
	UNIT_CHECK(t, strstr(err.msg, "no/such/dir") != NULL);
	gsa_jsonw_free(&w);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "progress");
	UNIT_RUN(&t, test_log_lines_rate_limited);
	UNIT_RUN(&t, test_quiet_is_silent);
	UNIT_RUN(&t, test_format);
	UNIT_RUN(&t, test_jsonw_round_trip);
	return unit_finish(&t);
}
