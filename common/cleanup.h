/* cleanup.h — temp paths removed if the process is interrupted.
 *
 * A fixed table of registered paths, removed by gsa_cleanup_run() and by
 * the SIGINT/SIGTERM handler that gsa_cleanup_install() sets up, which then
 * ends the process with 128 + signal number (130 / 143).  Registration is
 * thread-safe; removal in the handler uses only async-signal-safe calls.
 *
 * This table is the project's one piece of process-wide mutable state: a
 * signal handler can reach nothing else.
 */
#ifndef GSA_CLEANUP_H
#define GSA_CLEANUP_H

#define GSA_CLEANUP_SLOTS 1024
#define GSA_CLEANUP_PATH_MAX 1024

/* Install SIGINT/SIGTERM/SIGHUP handlers that remove registered paths and
 * _exit(128 + sig).  Call once from main() before creating temp files. */
void gsa_cleanup_install(void);

/* Register a file (is_dir = 0) or an empty-at-exit folder (is_dir = 1) for
 * removal.  Returns a slot id >= 0, or -1 when the table is full or the path
 * is too long (the caller should treat that as an internal error). */
int gsa_cleanup_add(const char *path, int is_dir);

/* Forget a registration (the path is not touched).  Safe with id < 0. */
void gsa_cleanup_forget(int id);

/* Remove every registered path now (files first, then folders) and forget
 * them.  Async-signal-safe; used on fatal errors. */
void gsa_cleanup_run(void);

#endif
