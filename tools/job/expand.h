/* expand.h — strict ${NAME} expansion of job arguments from the environment.
 *
 * `job` runs its command without a shell, so it does the one kind of
 * substitution container overrides need itself:
 *   ${NAME}  the value of environment variable NAME (NAME = [A-Za-z_][A-Za-z0-9_]*);
 *            an unset variable is an error, never an empty string
 *   $$       a literal '$'
 * Any other '$' is kept as it is ("a$b", "x$", "$(...)" pass through untouched:
 * no command substitution, no word splitting, no globbing).
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

#endif
