#include "io.h"
#include "alloc.h"
#include "cleanup.h"
#include "path.h"
#include "stale.h"
#include "strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int gsa_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR) continue;
			return -1;
		}
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

ssize_t gsa_read_full(int fd, void *buf, size_t n)
{
	char *p = buf;
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);
		if (r < 0) {
			if (errno == EINTR) continue;
			return -1;
		}
		if (r == 0) break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int gsa_fsync_parent(const char *path, gsa_err_t *err)
{
	char *dir = gsa_path_dirname(path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	int rc = 0;
	if (fd < 0 || (fsync(fd) < 0 && errno != EINVAL))
		rc = gsa_err_errno(err, errno, "%s: cannot sync folder", dir);
	if (fd >= 0) close(fd);
	free(dir);
	return rc;
}

static void atomic_release(gsa_atomic_file_t *f)
{
	if (f->tmp && f->lock_fd >= 0) close(f->lock_fd); /* a zeroed f has no tmp */
	gsa_cleanup_forget(f->cleanup_id);
	free(f->path);
	free(f->tmp);
	memset(f, 0, sizeof *f);
	f->fd = -1;
	f->cleanup_id = -1;
	f->lock_fd = -1;
}

/* Fill the last 6 characters of tmp (the "XXXXXX") with random letters and
 * digits: getrandom(2) when it answers, else a mix of clocks and addresses
 * (uniqueness only needs to be likely: O_EXCL catches a collision). */
static void temp_name_fill(char *tmp, unsigned attempt)
{
	static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	char *x = tmp + strlen(tmp) - 6;
	uint64_t v = 0;
	if (getrandom(&v, sizeof v, GRND_NONBLOCK) != (ssize_t)sizeof v) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		v = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ ((uint64_t)getpid() << 40) ^
		    (uint64_t)(uintptr_t)&ts ^ ((uint64_t)attempt << 20);
		v ^= v >> 31; v *= 0x9e3779b97f4a7c15ull; v ^= v >> 29; /* spread the bits */
	}
	for (int i = 0; i < 6; i++) {
		x[i] = alnum[v % (sizeof alnum - 1)];
		v /= sizeof alnum - 1;
	}
}

/* Create the temp with open(O_CREAT | O_EXCL, 0644): the kernel applies the
 * process umask (or the folder's default ACL) itself, so the umask is never
 * read or changed here and threads cannot race on it. */
static int temp_create(char *tmp)
{
	for (unsigned attempt = 0; attempt < 100; attempt++) {
		temp_name_fill(tmp, attempt);
		int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST) return fd;
	}
	errno = EEXIST;
	return -1;
}

int gsa_atomic_open(gsa_atomic_file_t *f, const char *path, gsa_err_t *err)
{
	char *dir = gsa_path_dirname(path);
	const char *base = gsa_path_basename(path);
	memset(f, 0, sizeof *f);
	f->fd = -1;
	f->cleanup_id = -1;
	f->lock_fd = -1;
	if (!*base) {
		free(dir);
		return gsa_err_set(err, GSA_EUSAGE, "%s: output path names a folder, not a file", path);
	}
	/* the rename at commit would replace whatever is there: only a file
	 * (or a symlink, which is replaced, never followed) may be */
	struct stat sb;
	if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISLNK(sb.st_mode)) {
		free(dir);
		return gsa_err_set(err, GSA_EIO, "%s: is %s; an output is written as a file (temp + rename) and would replace it",
				   path, S_ISDIR(sb.st_mode) ? "a directory" : S_ISFIFO(sb.st_mode) ? "a FIFO"
					 : S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode) ? "a device" : "not a regular file");
	}
	f->path = gsa_xstrdup(path);
	f->tmp = gsa_strdup_printf("%s/.%s.tmp.XXXXXX", dir, base);
	free(dir);
	f->fd = temp_create(f->tmp);
	if (f->fd < 0) {
		int e = errno;
		gsa_err_errno(err, e, "%s: cannot create output", path);
		atomic_release(f);
		return -1;
	}
	f->lock_fd = gsa_stale_hold(f->tmp, 0);
	/* what a killed run writing the same output left (stale.h) */
	{
		char *sdir = gsa_path_dirname(path), *prefix = gsa_strdup_printf(".%s.tmp.", base);
		gsa_stale_sweep(sdir, prefix, 6, gsa_path_basename(f->tmp));
		free(prefix);
		free(sdir);
	}
	f->cleanup_id = gsa_cleanup_add(f->tmp, 0);
	if (f->cleanup_id < 0) {
		gsa_err_set(err, GSA_EINTERNAL, "%s: too many temp files open", path);
		gsa_atomic_abort(f);
		return -1;
	}
	return 0;
}

int gsa_atomic_write(gsa_atomic_file_t *f, const void *buf, size_t n, gsa_err_t *err)
{
	if (gsa_write_all(f->fd, buf, n) < 0)
		return gsa_err_errno(err, errno, "%s: write failed", f->path);
	return 0;
}

int gsa_atomic_commit(gsa_atomic_file_t *f, gsa_err_t *err)
{
	if (!f->tmp) /* zeroed, already committed or aborted: nothing to rename */
		return gsa_err_set(err, GSA_EINTERNAL, "%s: output committed without an open temp file",
				   f->path ? f->path : "(unnamed)");
	if (f->fd < 0) f->fd = open(f->tmp, O_WRONLY);
	if (f->fd < 0) {
		gsa_err_errno(err, errno, "%s: temp file vanished", f->path);
		goto fail;
	}
	if (fsync(f->fd) < 0) {
		gsa_err_errno(err, errno, "%s: cannot sync", f->path);
		goto fail;
	}
	if (close(f->fd) < 0) {
		f->fd = -1;
		gsa_err_errno(err, errno, "%s: close failed", f->path);
		goto fail;
	}
	f->fd = -1;
	if (rename(f->tmp, f->path) < 0) {
		gsa_err_errno(err, errno, "%s: cannot rename temp file into place", f->path);
		goto fail;
	}
	gsa_cleanup_forget(f->cleanup_id);
	f->cleanup_id = -1;
	if (gsa_fsync_parent(f->path, err) < 0) {
		atomic_release(f);
		return -1;
	}
	atomic_release(f);
	return 0;
fail:
	gsa_atomic_abort(f);
	return -1;
}

void gsa_atomic_abort(gsa_atomic_file_t *f)
{
	if (!f) return;
	if (f->fd >= 0) close(f->fd);
	if (f->tmp && f->cleanup_id >= 0) unlink(f->tmp);
	atomic_release(f);
}

int gsa_read_file(const char *path, char **data, size_t *len, gsa_err_t *err)
{
	gsa_strbuf_t b;
	char chunk[65536];
	ssize_t r;
	int fd = open(path, O_RDONLY);
	*data = NULL;
	*len = 0;
	if (fd < 0) return gsa_err_errno(err, errno, "%s: cannot open", path);
	gsa_strbuf_init(&b);
	gsa_strbuf_append_len(&b, "", 0);
	while ((r = read(fd, chunk, sizeof chunk)) != 0) {
		if (r < 0) {
			if (errno == EINTR) continue;
			gsa_err_errno(err, errno, "%s: read failed", path);
			close(fd);
			gsa_strbuf_free(&b);
			return -1;
		}
		gsa_strbuf_append_len(&b, chunk, (size_t)r);
	}
	close(fd);
	*len = b.len;
	*data = gsa_strbuf_detach(&b);
	return 0;
}

int gsa_input_check(const char *path, gsa_err_t *err)
{
	struct stat sb;
	char *real;
	if (strcmp(path, "-") == 0) return 0;
	if (stat(path, &sb) < 0) return gsa_err_errno(err, errno, "%s: cannot open", path);
	if (S_ISREG(sb.st_mode)) return 0;
	if (S_ISDIR(sb.st_mode)) return gsa_err_set(err, GSA_EIO, "%s: is a directory, not a file", path);
	if (S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode))
		return gsa_err_set(err, GSA_EIO, "%s: is a device, not a file", path);
	if (!S_ISFIFO(sb.st_mode)) return gsa_err_set(err, GSA_EIO, "%s: is not a regular file (a socket?)", path);
	/* a pipe: an anonymous one (its /proc link names no file) has a writer;
	 * a named FIFO resolves to a path in a file system */
	real = realpath(path, NULL);
	if (!real) return 0;
	free(real);
	return gsa_err_set(err, GSA_EIO, "%s: is a named FIFO, not a file (give its data on stdin, '-', where the tool reads it)",
			   path);
}

int gsa_output_not_input(const char *out, const char *in, gsa_err_t *err)
{
	struct stat so, si;
	if (strcmp(out, "-") == 0 || lstat(out, &so) < 0 || !S_ISREG(so.st_mode) || stat(in, &si) < 0) return 0;
	if (si.st_dev == so.st_dev && si.st_ino == so.st_ino)
		return gsa_err_set(err, GSA_EUSAGE, "%s: the output is the input %s (it would be replaced)", out, in);
	return 0;
}
