/* child.h — run the job's command (no shell) and relay stop signals to it.
 *
 * The caller blocks SIGTERM, SIGINT, SIGHUP and SIGCHLD first
 * (job_signals_block), so a stop request stays pending until job looks at
 * it: during staging (job_stop_requested, also polled inside S3 requests) or
 * while the command runs.
 * The command runs in its own process group with default signal handling;
 * a stop request is forwarded to that group, and if the command has not
 * exited `grace` seconds later the group is killed (SIGKILL).
 */
#ifndef JOB_CHILD_H
#define JOB_CHILD_H

#include "err.h"
#include "log.h"

typedef struct job_child_result {
	int exit_code;    /* 0, or the status of the last command that failed (128 + signal
			   * when a signal ended it), as a shell's pipefail */
	int term_signal;  /* signal that ended that command, 0 if it exited */
	int failed_index; /* which command of the pipeline that was (0 when none failed) */
	int stop_signal;  /* stop request job received and forwarded, 0 if none */
	int killed;       /* 1 when the grace period ran out and the group got SIGKILL */
} job_child_result_t;

/* Block the signals above in the calling (main) thread, before anything else. */
void job_signals_block(void);

/* The number of a pending SIGTERM/SIGINT/SIGHUP, or 0.  Matches the
 * should_stop callbacks of stage.h, cache.h and remote.h (ctx unused).
 * Thread-safe and cheap (sigpending): the S3 transfer engine's worker
 * threads poll it inside every request, so a stop cancels a transfer in
 * flight. */
int job_stop_requested(void *ctx);

/* "SIGTERM", "SIGINT", "SIGHUP", "SIGKILL", or "a signal". */
const char *job_signal_name(int sig);

/* Most commands in one pipeline. */
#define JOB_PIPE_MAX 8

/* Run the ncmd commands cmds[i] (each a NULL-terminated argv, argv[0]
 * looked up in PATH) in folder cwd as one pipeline in one new process group
 * -- command i's stdout feeding command i+1's stdin -- and wait for all of
 * them, relaying stop requests as described above.  Returns 0 with *res
 * filled when the commands ran (whatever their status), or -1 with err set
 * when one could not be started (the others are then killed): code 127 when
 * not found, 126 when not executable, GSA_EINTERNAL when fork fails. */
int job_child_run(char **const cmds[], size_t ncmd, const char *cwd, int grace_seconds, const gsa_log_t *log,
		  job_child_result_t *res, gsa_err_t *err);

#endif
