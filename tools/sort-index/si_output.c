#include "si_output.h"
#include "alloc.h"
#include "strbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* Word a failed write: htslib loses errno across its writer threads, so
 * look at the folder for the usual cause. */
static int write_failed(const si_output_t *o, const char *what, gsa_err_t *err)
{
	struct statvfs sv;
	char *dir = NULL;
	const char *slash = strrchr(o->bam.path ? o->bam.path : "", '/');
	int full = 0;
	dir = slash ? gsa_xstrndup(o->bam.path, (size_t)(slash - o->bam.path)) : gsa_xstrdup(".");
	if (!*dir) { free(dir); dir = gsa_xstrdup("/"); }
	if (errno == ENOSPC || (statvfs(dir, &sv) == 0 && (uint64_t)sv.f_bavail * sv.f_frsize < ((uint64_t)1 << 20)))
		full = 1;
	free(dir);
	return gsa_err_set(err, GSA_EIO, "%s: %s%s", o->bam.path ? o->bam.path : "output", what,
			   full ? ": No space left on device" : "");
}

int si_output_open(si_output_t *o, const char *path, sam_hdr_t *hdr, int level,
		   si_index_kind_t index, int min_shift, htsThreadPool *tp, gsa_err_t *err)
{
	char mode[8];
	memset(o, 0, sizeof *o);
	o->bam.fd = o->idx.fd = -1;
	o->bam.cleanup_id = o->idx.cleanup_id = -1;
	o->hdr = hdr;
	o->index = index;
	if (gsa_atomic_open(&o->bam, path, err) < 0) return -1;
	close(o->bam.fd);
	o->bam.fd = -1;
	if (index != SI_INDEX_NONE) {
		char *ipath = gsa_strdup_printf("%s.%s", path, index == SI_INDEX_CSI ? "csi" : "bai");
		int rc = gsa_atomic_open(&o->idx, ipath, err);
		free(ipath);
		if (rc < 0) goto fail;
		close(o->idx.fd);
		o->idx.fd = -1;
	}
	if (level >= 0) snprintf(mode, sizeof mode, "wb%d", level > 9 ? 9 : level);
	else snprintf(mode, sizeof mode, "wb");
	o->fp = hts_open(o->bam.tmp, mode);
	if (!o->fp) {
		gsa_err_errno(err, errno, "%s: cannot open for writing", path);
		goto fail;
	}
	if (tp && tp->pool && hts_set_opt(o->fp, HTS_OPT_THREAD_POOL, tp) < 0) {
		gsa_err_set(err, GSA_EINTERNAL, "%s: cannot attach the thread pool", path);
		goto fail;
	}
	if (sam_hdr_write(o->fp, hdr) < 0) {
		write_failed(o, "cannot write header", err);
		goto fail;
	}
	if (index != SI_INDEX_NONE &&
	    sam_idx_init(o->fp, hdr, index == SI_INDEX_CSI ? min_shift : 0, o->idx.tmp) < 0) {
		gsa_err_set(err, GSA_EINTERNAL, "%s: cannot start the index", o->idx.path);
		goto fail;
	}
	return 0;
fail:
	si_output_abort(o);
	return -1;
}

/* A read-only bam1_t over a record in BAM file form (interim bridge). */
static void rec_view(const si_rec_t *r, bam1_t *b)
{
	memset(b, 0, sizeof *b);
	b->core.tid = si_rec_tid(r);
	b->core.pos = si_rec_pos(r);
	b->core.l_qname = r[12];
	b->core.qual = r[13];
	b->core.bin = si_le16(r + 14);
	b->core.n_cigar = si_le16(r + 16);
	b->core.flag = si_rec_flag(r);
	b->core.l_qseq = (int32_t)si_le32(r + 20);
	b->core.mtid = si_rec_mtid(r);
	b->core.mpos = (int32_t)si_le32(r + 28);
	b->core.isize = (int32_t)si_le32(r + 32);
	b->l_data = (int)(si_le32(r) - 32);
	b->m_data = (uint32_t)b->l_data;
	b->data = (uint8_t *)(uintptr_t)(r + 36);
}

int si_output_write(void *ctx, const si_rec_t *r, gsa_err_t *err)
{
	si_output_t *o = ctx;
	bam1_t b;
	rec_view(r, &b);
	errno = 0;
	if (sam_write1(o->fp, o->hdr, &b) < 0) return write_failed(o, "write failed", err);
	o->n_written++;
	return 0;
}

int si_output_close(si_output_t *o, gsa_err_t *err)
{
	int rc;
	if (o->index != SI_INDEX_NONE && sam_idx_save(o->fp) < 0) {
		write_failed(o, "cannot write the index", err);
		goto fail;
	}
	rc = hts_close(o->fp);
	o->fp = NULL;
	if (rc < 0) {
		write_failed(o, "write failed", err);
		goto fail;
	}
	{
		char *final = gsa_xstrdup(o->bam.path);
		if (gsa_atomic_commit(&o->bam, err) < 0) {
			free(final);
			goto fail;
		}
		/* an index that cannot be put in place takes its BAM with it */
		if (o->index != SI_INDEX_NONE && gsa_atomic_commit(&o->idx, err) < 0) {
			unlink(final);
			free(final);
			goto fail;
		}
		free(final);
	}
	return 0;
fail:
	si_output_abort(o);
	return -1;
}

void si_output_abort(si_output_t *o)
{
	if (o->fp) hts_close(o->fp);
	o->fp = NULL;
	gsa_atomic_abort(&o->bam);
	gsa_atomic_abort(&o->idx);
}
