/* child.h — run the job's command (no shell) and relay stop signals to it.
 *
 * The caller blocks SIGTERM, SIGINT, SIGHUP and SIGCHLD first
 * (job_signals_block), so a stop request stays pending until job looks at
 * it: between staging steps (job_stop_requested) or while the command runs.
 * The command runs in its own process group with default signal handling;
 * a stop request is forwarded to that group, and if the command has not
 * exited `grace` seconds later the group is killed (SIGKILL).
 */
#ifndef JOB_CHILD_H
#define JOB_CHILD_H

#include "err.h"
#include "log.h"

typedef struct job_child_result {
	int exit_code;   /* the command's status, or 128 + signal when a signal ended it */
	int term_signal; /* signal that ended the command, 0 if it exited */
	int stop_signal; /* stop request job received and forwarded, 0 if none */
	int killed;      /* 1 when the grace period ran out and the group got SIGKILL */
} job_child_result_t;

/* Block the signals above in the calling (main) thread, before anything else. */
void job_signals_block(void);

/* The number of a pending SIGTERM/SIGINT/SIGHUP, or 0.  Matches the
 * should_stop callbacks of stage.h and cache.h (ctx unused). */
int job_stop_requested(void *ctx);

/* "SIGTERM", "SIGINT", "SIGHUP", "SIGKILL", or "a signal". */
const char *job_signal_name(int sig);

/* Run argv[0] (looked up in PATH) with argv in folder cwd and wait for it,
 * relaying stop requests as described above.  Returns 0 with *res filled
 * when the command ran (whatever its status), or -1 with err set when it
 * could not be started: code 127 when argv[0] is not found, 126 when it is
 * not executable, GSA_EINTERNAL when fork fails. */
int job_child_run(char *const argv[], const char *cwd, int grace_seconds, const gsa_log_t *log,
		  job_child_result_t *res, gsa_err_t *err);

#endif
