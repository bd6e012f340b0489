/* eas_exec.h — run a system tool (mkfs.btrfs, pvcreate, xfs_growfs, ...)
 * with an argv and no shell, and turn its failure into one error line.
 */
#ifndef EAS_EXEC_H
#define EAS_EXEC_H

#include "err.h"

/* Run argv (argv[0] looked up in PATH unless it contains '/'), stdin from
 * /dev/null, wait for it.  stdout goes to a new string *out (caller frees)
 * when out is not NULL, else nowhere.  Returns 0 when it exited 0; else -1
 * with err (GSA_EIO): "ARGV0 ARGV1...: exit N: LAST STDERR LINE" or
 * "ARGV0: not found". */
int eas_exec_run(char *const argv[], char **out, gsa_err_t *err);

/* 1 when the command name is an executable in PATH (or a path to one). */
int eas_exec_exists(const char *name);

#endif
