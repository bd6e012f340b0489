/* log.h — leveled log lines on stderr, as text for people or JSON for
 * CloudWatch (one object per line: time, level, tool, msg, job fields).
 *
 * A gsa_log_t is owned by main() and passed to whatever needs to log;
 * there is no global logger.  Each line is written with one write(2), so
 * lines from several threads do not interleave.
 */
#ifndef GSA_LOG_H
#define GSA_LOG_H

#include <stdio.h>

typedef enum { GSA_LOG_ERROR = 0, GSA_LOG_WARN, GSA_LOG_INFO, GSA_LOG_DEBUG } gsa_log_level_t;
typedef enum { GSA_LOG_TEXT = 0, GSA_LOG_JSON } gsa_log_format_t;

typedef struct gsa_log {
	const char *tool;        /* program name, not owned */
	gsa_log_level_t level;   /* lines above this level are dropped */
	gsa_log_format_t format;
	int fd;                  /* destination, stderr by default */
	char job_id[128];        /* AWS_BATCH_JOB_ID, "" when absent */
	char job_attempt[16];    /* AWS_BATCH_JOB_ATTEMPT, "" when absent */
} gsa_log_t;

/* One extra field of a log line: a string, or a number when is_num. */
typedef struct gsa_kv {
	const char *key;
	const char *str;
	double num;
	int is_num;
} gsa_kv_t;

#define GSA_KV_STR(k, v) ((gsa_kv_t){ (k), (v), 0.0, 0 })
#define GSA_KV_NUM(k, v) ((gsa_kv_t){ (k), NULL, (double)(v), 1 })

/* Initialise: level INFO, text format, stderr, job fields from the environment. */
void gsa_log_init(gsa_log_t *lg, const char *tool);

/* Parse "text" or "json" into *fmt.  Returns 0, or -1 for anything else. */
int gsa_log_parse_format(const char *s, gsa_log_format_t *fmt);

/* Level name: "error", "warn", "info", "debug". */
const char *gsa_log_level_name(gsa_log_level_t lv);

/* Log a printf-formatted message.  lg may be NULL (then nothing is written). */
void gsa_log_msg(const gsa_log_t *lg, gsa_log_level_t lv, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Log msg with n extra fields: JSON members, or " key=value" pairs in text. */
void gsa_log_kv(const gsa_log_t *lg, gsa_log_level_t lv, const char *msg,
		const gsa_kv_t *kv, int n);

#define gsa_error(lg, ...) gsa_log_msg((lg), GSA_LOG_ERROR, __VA_ARGS__)
#define gsa_warn(lg, ...)  gsa_log_msg((lg), GSA_LOG_WARN, __VA_ARGS__)
#define gsa_info(lg, ...)  gsa_log_msg((lg), GSA_LOG_INFO, __VA_ARGS__)
#define gsa_debug(lg, ...) gsa_log_msg((lg), GSA_LOG_DEBUG, __VA_ARGS__)

#endif
