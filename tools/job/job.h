/* job.h — one container job: stage inputs in, run the command, stage
 * outputs out, clean up.  main.c fills a job_opts_t from the command line
 * and the environment and calls job_run().
 */
#ifndef JOB_JOB_H
#define JOB_JOB_H

#include <stddef.h>

#include "err.h"
#include "log.h"

typedef struct job_opts {
	char **inputs;  size_t n_inputs;   /* --input / JOB_INPUTS (owned) */
	char **outputs; size_t n_outputs;  /* --output / JOB_OUTPUTS (owned) */
	char *output_prefix;               /* --output-prefix / JOB_OUTPUT_PREFIX (owned, or NULL) */
	char *workdir_base;                /* --workdir / JOB_WORKDIR (owned, or NULL: default) */
	char *cache_dir;                   /* --cache / JOB_CACHE_DIR / GSA_CACHE_DIR (owned, or NULL: default) */
	int no_cache;                      /* --no-cache */
	int keep;                          /* --keep / JOB_KEEP=1 */
	int pipe;                          /* --pipe: a "|" argument separates pipeline commands */
	int grace_seconds;                 /* --grace / JOB_GRACE_SECONDS */
	char *endpoint_url;                /* --endpoint-url (owned, or NULL) */
	char **argv;                       /* the command, NULL-terminated (owned) */
} job_opts_t;

#define JOB_GRACE_DEFAULT 20

/* Zero o and set defaults. */
void job_opts_init(job_opts_t *o);
/* Free everything o owns; safe on an initialised o. */
void job_opts_destroy(job_opts_t *o);

/* Append a copy of s to a list. */
void job_list_add(char ***list, size_t *n, const char *s);
/* Append the words of s (separated by spaces, tabs or newlines) to a list.
 * Returns the number of words added. */
size_t job_list_add_words(char ***list, size_t *n, const char *s);

/* Which list/number options the command line gave (job_opts_from_env). */
enum { JOB_GIVEN_INPUTS = 1, JOB_GIVEN_OUTPUTS = 2, JOB_GIVEN_GRACE = 4 };

/* Fill what the command line left unset (`given`: JOB_GIVEN_* bits; strings
 * are unset when NULL) from JOB_INPUTS, JOB_OUTPUTS, JOB_OUTPUT_PREFIX,
 * JOB_WORKDIR, JOB_CACHE_DIR or GSA_CACHE_DIR, JOB_KEEP, JOB_PIPE, JOB_GRACE_SECONDS.
 * Returns 0, or -1 with err set (GSA_EUSAGE) for a bad value. */
int job_opts_from_env(job_opts_t *o, unsigned given, gsa_err_t *err);

/* Run the job.  Logs one line per phase and returns the process exit code:
 * the command's, 128 + signal when stopped, or a GSA_E* code when staging
 * failed (err then holds the message, already logged). */
int job_run(const job_opts_t *o, const gsa_log_t *log, gsa_err_t *err);

#endif
