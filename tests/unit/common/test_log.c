#include "unit.h"
#include "log.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static int open_out(unit_t *t, char *path, size_t size)
{
	snprintf(path, size, "%s/log.out", t->tmpdir);
	return open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
}

static char *slurp(const char *path)
{
	static char buf[8192];
	FILE *fp = fopen(path, "r");
	size_t n = fp ? fread(buf, 1, sizeof buf - 1, fp) : 0;
	if (fp) fclose(fp);
	buf[n] = '\0';
	return buf;
}

static void test_json_lines_parse(unit_t *t)
{
	char path[512], cmd[1024];
	gsa_log_t lg;
	gsa_kv_t kv[3];
	setenv("AWS_BATCH_JOB_ID", "job-\"42\"", 1);
	setenv("AWS_BATCH_JOB_ATTEMPT", "2", 1);
	gsa_log_init(&lg, "tool\\x");
	unsetenv("AWS_BATCH_JOB_ID");
	unsetenv("AWS_BATCH_JOB_ATTEMPT");
	lg.format = GSA_LOG_JSON;
	lg.fd = open_out(t, path, sizeof path);
	UNIT_CHECK(t, lg.fd >= 0);
	gsa_info(&lg, "quote \" backslash \\ tab \t newline \n ctl \x01 utf8 \xc3\xa9");
	kv[0] = GSA_KV_NUM("bytes", 123456789012LL);
	kv[1] = GSA_KV_NUM("seconds", 1.5);
	kv[2] = GSA_KV_STR("phase", "stage-in");
	gsa_log_kv(&lg, GSA_LOG_WARN, "phase done", kv, 3);
	gsa_debug(&lg, "dropped: below level");
	close(lg.fd);
	/* every line must be one valid JSON object */
	snprintf(cmd, sizeof cmd, "python3 -m json.tool --json-lines '%s' > /dev/null", path);
	UNIT_CHECK_INT(t, unit_system(cmd), 0);
	snprintf(cmd, sizeof cmd,
		 "python3 -c 'import json,sys\n"
		 "L=[json.loads(l) for l in open(sys.argv[1])]\n"
		 "assert len(L)==2, L\n"
		 "a,b=L\n"
		 "assert a[\"level\"]==\"info\" and a[\"tool\"]==\"tool\\\\x\", a\n"
		 "assert a[\"job_id\"]==\"job-\\\"42\\\"\" and a[\"job_attempt\"]==\"2\", a\n"
		 "assert \"\\t\" in a[\"msg\"] and \"\\n\" in a[\"msg\"] and \"\\u00e9\" in a[\"msg\"], a\n"
		 "assert b[\"bytes\"]==123456789012 and b[\"seconds\"]==1.5 and b[\"phase\"]==\"stage-in\", b\n"
		 "assert b[\"time\"].endswith(\"Z\") and b[\"level\"]==\"warn\", b\n"
		 "' '%s'", path);
	UNIT_CHECK_INT(t, unit_system(cmd), 0);
}

static void test_text_format_and_levels(unit_t *t)
{
	char path[512];
	gsa_log_t lg;
	gsa_kv_t kv[1] = { GSA_KV_NUM("n", 3) };
	gsa_log_init(&lg, "sort-index");
	lg.fd = open_out(t, path, sizeof path);
	gsa_error(&lg, "in.bam: truncated file");
	gsa_log_kv(&lg, GSA_LOG_INFO, "done", kv, 1);
	gsa_debug(&lg, "hidden");
	lg.level = GSA_LOG_ERROR; /* --quiet */
	gsa_info(&lg, "hidden too");
	close(lg.fd);
	UNIT_CHECK_STR(t, slurp(path), "sort-index: error: in.bam: truncated file\nsort-index: done n=3\n");
}

static void test_parse_format(unit_t *t)
{
	gsa_log_format_t f = GSA_LOG_TEXT;
	UNIT_CHECK_INT(t, gsa_log_parse_format("json", &f), 0);
	UNIT_CHECK_INT(t, f, GSA_LOG_JSON);
	UNIT_CHECK_INT(t, gsa_log_parse_format("text", &f), 0);
	UNIT_CHECK_INT(t, f, GSA_LOG_TEXT);
	UNIT_CHECK_INT(t, gsa_log_parse_format("xml", &f), -1);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "log");
	UNIT_RUN(&t, test_json_lines_parse);
	UNIT_RUN(&t, test_text_format_and_levels);
	UNIT_RUN(&t, test_parse_format);
	return unit_finish(&t);
}
