#include "log.h"
#include "strbuf.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void copy_env(char *dst, size_t size, const char *name)
{
	const char *v = getenv(name);
	dst[0] = '\0';
	if (v) {
		strncpy(dst, v, size - 1);
		dst[size - 1] = '\0';
	}
}

void gsa_log_init(gsa_log_t *lg, const char *tool)
{
	memset(lg, 0, sizeof *lg);
	lg->tool = tool;
	lg->level = GSA_LOG_INFO;
	lg->format = GSA_LOG_TEXT;
	lg->fd = STDERR_FILENO;
	copy_env(lg->job_id, sizeof lg->job_id, "AWS_BATCH_JOB_ID");
	copy_env(lg->job_attempt, sizeof lg->job_attempt, "AWS_BATCH_JOB_ATTEMPT");
}

int gsa_log_parse_format(const char *s, gsa_log_format_t *fmt)
{
	if (strcmp(s, "text") == 0) *fmt = GSA_LOG_TEXT;
	else if (strcmp(s, "json") == 0) *fmt = GSA_LOG_JSON;
	else return -1;
	return 0;
}

const char *gsa_log_level_name(gsa_log_level_t lv)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	return lv <= GSA_LOG_DEBUG ? names[lv] : "info";
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR) continue;
			return; /* nowhere left to report a logging failure */
		}
		p += w;
		n -= (size_t)w;
	}
}

static void append_time(gsa_strbuf_t *b)
{
	struct timeval tv;
	struct tm tm;
	char s[32];
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
	gsa_strbuf_appendf(b, "%s.%03dZ", s, (int)(tv.tv_usec / 1000));
}

static void append_num(gsa_strbuf_t *b, double v, int json)
{
	if (!isfinite(v)) gsa_strbuf_append(b, json ? "null" : "nan");
	else if (v == (double)(long long)v && fabs(v) < 9e15) gsa_strbuf_appendf(b, "%lld", (long long)v);
	else gsa_strbuf_appendf(b, "%.6g", v);
}

static void format_json(gsa_strbuf_t *b, const gsa_log_t *lg, gsa_log_level_t lv,
			const char *msg, const gsa_kv_t *kv, int n)
{
	int i;
	gsa_strbuf_append(b, "{\"time\":\"");
	append_time(b);
	gsa_strbuf_appendf(b, "\",\"level\":\"%s\",\"tool\":", gsa_log_level_name(lv));
	gsa_strbuf_append_json_string(b, lg->tool ? lg->tool : "gsa");
	gsa_strbuf_append(b, ",\"msg\":");
	gsa_strbuf_append_json_string(b, msg);
	if (lg->job_id[0]) {
		gsa_strbuf_append(b, ",\"job_id\":");
		gsa_strbuf_append_json_string(b, lg->job_id);
	}
	if (lg->job_attempt[0]) {
		gsa_strbuf_append(b, ",\"job_attempt\":");
		gsa_strbuf_append_json_string(b, lg->job_attempt);
	}
	for (i = 0; i < n; i++) {
		gsa_strbuf_append(b, ",");
		gsa_strbuf_append_json_string(b, kv[i].key);
		gsa_strbuf_append(b, ":");
		if (kv[i].is_num) append_num(b, kv[i].num, 1);
		else gsa_strbuf_append_json_string(b, kv[i].str ? kv[i].str : "");
	}
	gsa_strbuf_append(b, "}\n");
}

static void format_text(gsa_strbuf_t *b, const gsa_log_t *lg, gsa_log_level_t lv,
			const char *msg, const gsa_kv_t *kv, int n)
{
	int i;
	gsa_strbuf_appendf(b, "%s: ", lg->tool ? lg->tool : "gsa");
	if (lv == GSA_LOG_ERROR) gsa_strbuf_append(b, "error: ");
	else if (lv == GSA_LOG_WARN) gsa_strbuf_append(b, "warning: ");
	gsa_strbuf_append(b, msg);
	for (i = 0; i < n; i++) {
		gsa_strbuf_appendf(b, " %s=", kv[i].key);
		if (kv[i].is_num) append_num(b, kv[i].num, 0);
		else gsa_strbuf_append(b, kv[i].str ? kv[i].str : "");
	}
	gsa_strbuf_append(b, "\n");
}

void gsa_log_kv(const gsa_log_t *lg, gsa_log_level_t lv, const char *msg,
		const gsa_kv_t *kv, int n)
{
	gsa_strbuf_t b;
	if (!lg || lv > lg->level) return;
	gsa_strbuf_init(&b);
	if (lg->format == GSA_LOG_JSON) format_json(&b, lg, lv, msg, kv, n);
	else format_text(&b, lg, lv, msg, kv, n);
	if (b.s) write_all(lg->fd, b.s, b.len);
	gsa_strbuf_free(&b);
}

void gsa_log_msg(const gsa_log_t *lg, gsa_log_level_t lv, const char *fmt, ...)
{
	char msg[4096];
	va_list ap;
	if (!lg || lv > lg->level) return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	gsa_log_kv(lg, lv, msg, NULL, 0);
}
