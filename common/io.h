/* io.h — atomic output files and careful reads/writes.
 *
 * An output is written to a temp name in the destination's folder
 * (".NAME.tmp.XXXXXX"), registered with cleanup.h, and only renamed to its
 * final name by gsa_atomic_commit() after fsync.  On error or interruption
 * the temp is removed, so a file under the final name is always complete.
 * After a SIGKILL the temp stays: the next gsa_atomic_open of the same
 * final name removes it (".NAME.tmp.XXXXXX" of that NAME only, when no
 * live process holds it and it is older than GSA_STALE_MIN_AGE; stale.h).
 */
#ifndef GSA_IO_H
#define GSA_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

typedef struct gsa_atomic_file {
	char *path;     /* final name (owned) */
	char *tmp;      /* temp name beside it (owned) */
	int fd;         /* open for writing, or -1 once closed */
	int cleanup_id; /* registration in cleanup.h */
	int lock_fd;    /* holds the temp (stale.h) until commit or abort, or -1 */
} gsa_atomic_file_t;

/* Create the temp file for `path` (mode 0644 less the process umask, applied
 * by the kernel at creation, so it is safe from any thread) and open it for
 * writing.  Returns 0, or -1 with err set (GSA_EIO naming the folder; also
 * when `path` exists and is a directory, a device or a FIFO: the rename
 * would replace it).  A
 * caller that writes through another library may close f->fd (set it to -1)
 * and reopen f->tmp by name. */
int gsa_atomic_open(gsa_atomic_file_t *f, const char *path, gsa_err_t *err);

/* Write all n bytes to f->fd.  A short write or ENOSPC gives GSA_EIO naming
 * the final path.  Returns 0 or -1. */
int gsa_atomic_write(gsa_atomic_file_t *f, const void *buf, size_t n, gsa_err_t *err);

/* fsync and close the temp, rename it to the final name, fsync the folder.
 * Returns 0, or -1 with err set (the temp is then removed).  f is released
 * either way.  On an f with no temp (zeroed, committed, aborted) it returns
 * -1 with GSA_EINTERNAL and touches nothing. */
int gsa_atomic_commit(gsa_atomic_file_t *f, gsa_err_t *err);

/* Close and remove the temp and release f.  Safe on a zeroed, committed or
 * already-aborted f. */
void gsa_atomic_abort(gsa_atomic_file_t *f);

/* write(2) all n bytes, retrying on EINTR.  Returns 0, or -1 with errno. */
int gsa_write_all(int fd, const void *buf, size_t n);

/* read(2) until n bytes or end of file.  Returns bytes read, or -1 with errno. */
ssize_t gsa_read_full(int fd, void *buf, size_t n);

/* fsync the folder holding `path` so a rename in it is durable. */
int gsa_fsync_parent(const char *path, gsa_err_t *err);

/* Check that `path`, an input about to be opened, is something a tool can
 * read to its end: a regular file, or an anonymous pipe (process
 * substitution, /dev/fd/N, /dev/stdin on a pipe); "-" (stdin) passes too.
 * Refused, each with GSA_EIO (exit 3) and one line naming the path: a
 * missing file, a directory, a device (/dev/zero would never end, /dev/null
 * is no data), a named FIFO (mkfifo: with no writer an open would block
 * for ever; give its data on stdin instead), a socket.  Returns 0 or -1. */
int gsa_input_check(const char *path, gsa_err_t *err);

/* Check that the output `out` is not the input `in` (by device and inode,
 * so under any name): its rename would replace the input with the output.
 * Refused with GSA_EUSAGE (exit 1) and one line naming both.  An `out` that
 * is a symbolic link is replaced itself, not what it points to, and passes.
 * Returns 0 or -1. */
int gsa_output_not_input(const char *out, const char *in, gsa_err_t *err);

/* Read a whole file into a new NUL-terminated buffer (*len without the NUL).
 * Returns 0, or -1 with err set. */
int gsa_read_file(const char *path, char **data, size_t *len, gsa_err_t *err);

#endif
