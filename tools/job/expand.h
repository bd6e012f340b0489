/* expand.h — strict ${NAME} expansion of job arguments from the environment.
 *
 * `job` runs its command without a shell, so it does the one kind of
 * substitution container overrides need itself:
 *   ${NAME}  the value of environment variable NAME (NAME = [A-Za-z_][A-Za-z0-9_]*);
 *            an unset variable is an error, never an empty string
 *   $$       a literal '$'
 * Any other '$' is kept as it is ("a$b", "x$", "$(...)" pass through untouched:
 * no command substitution, no word splitting, no globbing).
 *
 * A value is never pasted into code: job_expand_argv leaves alone every
 * argument that a program runs as code (`sh -c SCRIPT`, `python -c`, ...),
 * so `sh -c 'echo "${V}"'` lets the shell read V from the environment.
 */
#ifndef JOB_EXPAND_H
#define JOB_EXPAND_H

#include "err.h"

/* Look a variable up: return its value or NULL when unset. */
typedef const char *(*job_lookup_fn)(const char *name, void *ctx);

/* Expand `in` into a newly allocated *out (caller frees).  lookup NULL means
 * getenv.  Returns 0, or -1 with err set (GSA_EUSAGE) naming the unset
 * variable or the malformed reference and quoting `in`. */
int job_expand(const char *in, job_lookup_fn lookup, void *ctx, char **out, gsa_err_t *err);

/* Which arguments of a command line (argv[0..n), the command and its
 * arguments; with pipe, "|" words separate commands) a program runs as
 * code: the script of `sh -c SCRIPT`, bash/dash/zsh/... likewise, the
 * argument of python -c, perl/ruby/lua -e, node -e/-p/--eval, php -r,
 * su/runuser/flock/script -c, fish -c, awk/sed's program (or -e/--source),
 * every operand of watch/ssh/tclsh.  The program may appear anywhere in
 * the command (after env, nice, timeout, xargs, find -exec ...).  Sets
 * code[i] = 1 for each such argument, 0 otherwise; returns 1 when any. */
int job_code_args(char *const *argv, size_t n, int pipe, char *code);

/* Expand every argument of argv[0..n) into out[0..n) (newly allocated,
 * caller frees each) with job_expand, except the arguments job_code_args
 * marks: those are copied untouched, so a value is never pasted into code
 * (a shell script reads ${NAME} from the environment itself).  Returns 0,
 * or -1 with err set as job_expand (entries of out before the failure are
 * set, the rest untouched). */
int job_expand_argv(char *const *argv, size_t n, int pipe, job_lookup_fn lookup, void *ctx, char **out,
		    gsa_err_t *err);

#endif
