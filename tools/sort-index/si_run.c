#include "si_run.h"
#include "alloc.h"
#include "cleanup.h"
#include "io.h"
#include "strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SI_RUN_WBUF ((size_t)4 << 20)

int si_run_create(si_run_t *run, si_run_writer_t *w, const char *dir, int seq, gsa_err_t *err)
{
	memset(run, 0, sizeof *run);
	memset(w, 0, sizeof *w);
	run->cleanup_id = -1;
	w->fd = -1;
	run->path = gsa_strdup_printf("%s/run.%05d", dir, seq);
	run->cleanup_id = gsa_cleanup_add(run->path, 0);
	if (run->cleanup_id < 0) {
		gsa_err_set(err, GSA_EINTERNAL, "%s: too many temp files", run->path);
		free(run->path);
		run->path = NULL;
		return -1;
	}
	w->fd = open(run->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (w->fd < 0) {
		gsa_err_errno(err, errno, "%s: cannot create temp file", run->path);
		si_run_remove(run);
		return -1;
	}
	w->run = run;
	w->cap = SI_RUN_WBUF;
	w->buf = gsa_xmalloc(w->cap);
	return 0;
}

static int run_flush(si_run_writer_t *w, gsa_err_t *err)
{
	if (w->len && gsa_write_all(w->fd, w->buf, w->len) < 0)
		return gsa_err_errno(err, errno, "%s: cannot write temp file", w->run->path);
	w->run->bytes += w->len;
	w->len = 0;
	return 0;
}

int si_run_put(si_run_writer_t *w, const si_rec_t *r, gsa_err_t *err)
{
	size_t sz = gsa_bamrec_size(r);
	if (w->len + sz > w->cap) {
		if (run_flush(w, err) < 0) return -1;
		if (sz > w->cap) {
			free(w->buf);
			w->cap = sz;
			w->buf = gsa_xmalloc(w->cap);
		}
	}
	memcpy(w->buf + w->len, r, sz);
	w->len += sz;
	w->run->n_recs++;
	return 0;
}

int si_run_finish(si_run_writer_t *w, gsa_err_t *err)
{
	int rc = run_flush(w, err);
	if (w->fd >= 0 && close(w->fd) < 0 && rc == 0)
		rc = gsa_err_errno(err, errno, "%s: cannot write temp file", w->run->path);
	w->fd = -1;
	free(w->buf);
	w->buf = NULL;
	return rc;
}

void si_run_remove(si_run_t *run)
{
	if (run->path) unlink(run->path);
	gsa_cleanup_forget(run->cleanup_id);
	run->cleanup_id = -1;
	free(run->path);
	run->path = NULL;
}

int si_run_open(si_run_reader_t *rd, const char *path, size_t bufsize, gsa_err_t *err)
{
	memset(rd, 0, sizeof *rd);
	rd->path = path;
	rd->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (rd->fd < 0) return gsa_err_errno(err, errno, "%s: cannot open temp file", path);
	rd->cap = bufsize < 65536 ? 65536 : bufsize;
	rd->buf = gsa_xmalloc(rd->cap);
	return 0;
}

/* Make at least `need` bytes available from rd->beg; 0 ok, 1 clean end
 * (no bytes left), -1 error or a cut-off record. */
static int run_fill(si_run_reader_t *rd, size_t need, gsa_err_t *err)
{
	while (rd->end - rd->beg < need) {
		ssize_t r;
		if (rd->beg > 0) {
			memmove(rd->buf, rd->buf + rd->beg, rd->end - rd->beg);
			rd->end -= rd->beg;
			rd->beg = 0;
		}
		if (need > rd->cap) {
			rd->buf = gsa_xreallocarray(rd->buf, need, 1);
			rd->cap = need;
		}
		r = gsa_read_full(rd->fd, rd->buf + rd->end, rd->cap - rd->end);
		if (r < 0) return gsa_err_errno(err, errno, "%s: cannot read temp file", rd->path);
		if (r == 0) {
			if (rd->end == rd->beg) return 1;
			return gsa_err_set(err, GSA_EIO, "%s: temp file is cut short", rd->path);
		}
		rd->end += (size_t)r;
	}
	return 0;
}

int si_run_next(si_run_reader_t *rd, gsa_err_t *err)
{
	int rc;
	if (rd->cur) rd->beg += gsa_bamrec_size(rd->cur);
	rd->cur = NULL;
	rc = run_fill(rd, 4, err);
	if (rc) return rc > 0 ? 0 : -1;
	rc = run_fill(rd, gsa_bamrec_size(rd->buf + rd->beg), err);
	if (rc) return rc > 0 ? gsa_err_set(err, GSA_EIO, "%s: temp file is cut short", rd->path) : -1;
	rd->cur = rd->buf + rd->beg;
	return 1;
}

void si_run_close(si_run_reader_t *rd)
{
	if (rd->fd > 0) close(rd->fd);
	free(rd->buf);
	memset(rd, 0, sizeof *rd);
	rd->fd = -1;
}
