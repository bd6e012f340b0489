/* stale.h — what a killed run left behind, removed safely by the next run.
 *
 * SIGKILL (or a power cut) gives a tool no chance to remove its temps.
 * Every temp a tool makes is held: the owner keeps an flock(LOCK_SH) on it
 * for as long as it lives (gsa_stale_hold); the kernel drops the lock when
 * the owner dies, however it dies.  The next run into the same folder
 * sweeps the entries of its own naming pattern (gsa_stale_sweep): one that
 * nobody holds (an flock(LOCK_EX | LOCK_NB) succeeds) and that is older
 * than GSA_STALE_MIN_AGE seconds (so a temp between its creation and its
 * owner's flock is never taken) is removed.  Where flock is not supported
 * nothing is removed.
 */
#ifndef GSA_STALE_H
#define GSA_STALE_H

/* Entries younger than this are never swept (seconds). */
#define GSA_STALE_MIN_AGE 10

/* Take the liveness lock on `path` (a file or a folder) and return the
 * descriptor holding it, or -1 (errno set; the caller goes on without).
 * close(2) it when the temp is gone (rename or unlink).  inherit: 0 sets
 * close-on-exec; 1 lets a child process keep the lock (job's command uses
 * its work folder after job itself may be gone). */
int gsa_stale_hold(const char *path, int inherit);

/* Remove the stale entries of `dir` named `prefix` followed by exactly
 * n_random letters or digits (regular files, or folders removed whole;
 * symlinks and other names never), skipping `keep` (NULL or a name).
 * Best effort: returns how many were removed, errors are ignored. */
int gsa_stale_sweep(const char *dir, const char *prefix, int n_random, const char *keep);

#endif
