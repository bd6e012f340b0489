#include "bgzf.h"
#include "alloc.h"
#include "bamrec.h"
#include "io.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>

/* Blocks per job: large jobs cut pool wake-ups, small ones keep the
 * pipeline short.  Compressed blocks are at most 64 KiB (BSIZE is 16 bit). */
#define JOB_BLOCKS 8
#define CBLOCK_MAX 65536
#define BGZF_HDR 18
#define BGZF_FTR 8

/* An index entry to resolve once its job is written: its unit ends at
 * offset `off` of block `blk` of the job (blk == the job's block count,
 * off 0: it ends with the job's last block, i.e. at the next block).
 * tid == MARK_TID: not an entry, the index's first offset. */
#define MARK_TID INT32_MIN
typedef struct bgzf_push {
	int64_t beg, end;
	int32_t tid;
	uint16_t blk;
	uint16_t mapped;
	uint32_t off;
} bgzf_push_t;

/* A batch of blocks: filled by the caller, compressed by job_compress,
 * written by the caller in submission order. */
typedef struct bgzf_job {
	uint8_t *in;                      /* JOB_BLOCKS x GSA_BGZF_BLOCK */
	uint32_t in_len[JOB_BLOCKS];
	int n_blk;                        /* closed blocks */
	uint8_t *out;                     /* JOB_BLOCKS x CBLOCK_MAX, packed */
	uint32_t out_len[JOB_BLOCKS];
	size_t out_total;
	struct libdeflate_compressor *cmp; /* NULL at level 0 */
	bgzf_push_t *push;
	size_t n_push, m_push;
} bgzf_job_t;

struct gsa_bgzf {
	char *name;
	int fd;
	gsa_queue_t *q;                   /* NULL: compress in the caller */
	bgzf_job_t *ring;                 /* n_ring jobs, used round robin */
	int n_ring;
	uint64_t n_submitted;
	bgzf_job_t *cur;                  /* job being filled */
	uint32_t fill;                    /* bytes in cur's open block */
	uint64_t offset;                  /* compressed bytes written to fd */
	uint64_t raw;                     /* uncompressed bytes taken */
	/* index */
	int idx_want;
	int idx_fmt, idx_min_shift, idx_n_lvls, idx_n_ref;
	uint64_t idx_first;               /* virtual offset of the last mark */
	uint64_t n_entries;               /* entries pushed (marks not counted) */
	hts_idx_t *idx;
	uint8_t *meta;                    /* index meta block, or NULL */
	size_t l_meta;
	int closed;
	/* sticky error */
	int failed;
	gsa_err_t err;
};

/* ---- BGZF blocks ---------------------------------------------------- */

const uint8_t gsa_bgzf_eof_block[28] = {
	0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 0x06, 0, 0x42, 0x43, 0x02, 0,
	0x1b, 0, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0
};

/* Compress n (1..GSA_BGZF_BLOCK) bytes into one BGZF block at out (room
 * for CBLOCK_MAX bytes).  c NULL, or data that does not compress into a
 * 64 KiB block, gives a stored deflate block.  Returns the block size. */
static size_t block_make(struct libdeflate_compressor *c, const uint8_t *in, size_t n, uint8_t *out)
{
	size_t clen = 0, total;
	if (c) clen = libdeflate_deflate_compress(c, in, n, out + BGZF_HDR, CBLOCK_MAX - BGZF_HDR - BGZF_FTR);
	if (clen == 0) { /* one final stored block: BFINAL=1 BTYPE=00, LEN, NLEN */
		uint8_t *d = out + BGZF_HDR;
		d[0] = 1;
		gsa_put16(d + 1, (uint16_t)n);
		gsa_put16(d + 3, (uint16_t)~n);
		memcpy(d + 5, in, n);
		clen = n + 5;
	}
	total = BGZF_HDR + clen + BGZF_FTR;
	out[0] = 0x1f; out[1] = 0x8b; out[2] = 8; out[3] = 4;  /* gzip, deflate, FEXTRA */
	gsa_put32(out + 4, 0);                                  /* MTIME */
	out[8] = 0; out[9] = 0xff;                              /* XFL, OS unknown */
	gsa_put16(out + 10, 6);                                 /* XLEN */
	out[12] = 'B'; out[13] = 'C'; gsa_put16(out + 14, 2);   /* BC subfield */
	gsa_put16(out + 16, (uint16_t)(total - 1));             /* BSIZE - 1 */
	gsa_put32(out + BGZF_HDR + clen, (uint32_t)libdeflate_crc32(0, in, n));
	gsa_put32(out + BGZF_HDR + clen + 4, (uint32_t)n);
	return total;
}

/* Pool job: compress every closed block of the job, packed into out. */
static void job_compress(void *arg)
{
	bgzf_job_t *j = arg;
	size_t at = 0;
	int i;
	for (i = 0; i < j->n_blk; i++) {
		size_t len = block_make(j->cmp, j->in + (size_t)i * GSA_BGZF_BLOCK, j->in_len[i], j->out + at);
		j->out_len[i] = (uint32_t)len;
		at += len;
	}
	j->out_total = at;
}

static void job_reset(bgzf_job_t *j)
{
	j->n_blk = 0;
	j->out_total = 0;
	j->n_push = 0;
}

/* ---- errors ------------------------------------------------------------ */

/* Remember err as the writer's sticky error; returns -1. */
static int fail_keep(gsa_bgzf_t *w, const gsa_err_t *err)
{
	w->failed = 1;
	if (err) w->err = *err;
	return -1;
}

static int fail_write(gsa_bgzf_t *w, int errnum, gsa_err_t *err)
{
	gsa_err_errno(err, errnum, "%s: write failed", w->name);
	if (err) err->code = GSA_EIO;
	return fail_keep(w, err);
}

static int sticky(const gsa_bgzf_t *w, gsa_err_t *err)
{
	if (err) *err = w->err;
	return -1;
}

/* ---- the index -------------------------------------------------------- */

static int index_start(gsa_bgzf_t *w, gsa_err_t *err)
{
	w->idx = hts_idx_init(w->idx_n_ref, w->idx_fmt, w->idx_first, w->idx_min_shift, w->idx_n_lvls);
	if (!w->idx) return gsa_err_set(err, GSA_EINTERNAL, "%s: cannot start the index", w->name);
	return 0;
}

/* Resolve one queued entry at virtual offset voff. */
static int index_apply(gsa_bgzf_t *w, const bgzf_push_t *p, uint64_t voff, gsa_err_t *err)
{
	if (p->tid == MARK_TID) {
		if (!w->idx) w->idx_first = voff;
		return 0;
	}
	if (!w->idx && index_start(w, err) < 0) return -1;
	if (hts_idx_push(w->idx, p->tid, p->beg, p->end, voff, p->mapped) < 0)
		return gsa_err_set(err, GSA_EDATA, "%s: the index refuses the record at reference %d position %" PRId64
				   " (out of order?)", w->name, (int)p->tid, p->beg + 1);
	return 0;
}

/* ---- writing finished jobs -------------------------------------------- */

/* Write a compressed job to fd, then resolve its index entries. */
static int job_write(gsa_bgzf_t *w, bgzf_job_t *j, gsa_err_t *err)
{
	uint64_t addr[JOB_BLOCKS + 1];
	size_t i;
	int b;
	if (j->out_total > 0 && gsa_write_all(w->fd, j->out, j->out_total) < 0)
		return fail_write(w, errno, err);
	addr[0] = w->offset;
	for (b = 0; b < j->n_blk; b++) addr[b + 1] = addr[b] + j->out_len[b];
	for (i = 0; i < j->n_push; i++) {
		const bgzf_push_t *p = &j->push[i];
		if (index_apply(w, p, addr[p->blk] << 16 | p->off, err) < 0) return fail_keep(w, err);
	}
	w->offset = addr[j->n_blk];
	job_reset(j);
	return 0;
}

/* Hand the current (non-empty) job over: compress it in the pool, or here
 * when there is none, and make the next job of the ring current, writing
 * the jobs that are done (and waiting for the one to reuse). */
static int job_dispatch(gsa_bgzf_t *w, gsa_err_t *err)
{
	bgzf_job_t *j;
	if (!w->q) {
		job_compress(w->cur);
		return job_write(w, w->cur, err);
	}
	gsa_queue_submit(w->q, w->cur);
	w->n_submitted++;
	while ((j = gsa_queue_try_take(w->q)))
		if (job_write(w, j, err) < 0) return -1;
	if (gsa_queue_pending(w->q) == w->n_ring) { /* the next job of the ring is the oldest */
		j = gsa_queue_take(w->q);
		if (job_write(w, j, err) < 0) return -1;
	}
	w->cur = &w->ring[w->n_submitted % (uint64_t)w->n_ring];
	return 0;
}

/* Close the open block of the current job (non-empty).  An entry ending
 * with the block gets the next block's offset 0, as a reader's bgzf_tell
 * (and so `samtools index` and `tabix`) gives it. */
static int block_close(gsa_bgzf_t *w, gsa_err_t *err)
{
	bgzf_job_t *j = w->cur;
	size_t i;
	for (i = j->n_push; i > 0; i--) {
		bgzf_push_t *p = &j->push[i - 1];
		if (p->blk != j->n_blk || p->off != w->fill) break;
		p->blk++;
		p->off = 0;
	}
	j->in_len[j->n_blk++] = w->fill;
	w->fill = 0;
	if (j->n_blk == JOB_BLOCKS) return job_dispatch(w, err);
	return 0;
}

/* ---- open / write / close ------------------------------------------- */

static void job_free(bgzf_job_t *j)
{
	free(j->in);
	free(j->out);
	free(j->push);
	if (j->cmp) libdeflate_free_compressor(j->cmp);
}

void gsa_bgzf_free(gsa_bgzf_t *w)
{
	int i;
	if (!w) return;
	gsa_queue_free(w->q); /* waits for jobs still in the pool */
	for (i = 0; i < w->n_ring; i++) job_free(&w->ring[i]);
	free(w->ring);
	if (w->idx) hts_idx_destroy(w->idx);
	free(w->meta);
	free(w->name);
	free(w);
}

gsa_bgzf_t *gsa_bgzf_open(int fd, const char *name, int level, gsa_pool_t *pool, gsa_err_t *err)
{
	gsa_bgzf_t *w;
	int i;
	if (level < 0 || level > GSA_BGZF_LEVEL_MAX) {
		gsa_err_set(err, GSA_EINTERNAL, "%s: compression level %d outside 0..%d", name, level, GSA_BGZF_LEVEL_MAX);
		return NULL;
	}
	w = gsa_xcalloc(1, sizeof *w);
	w->name = gsa_xstrdup(name);
	w->fd = fd;
	w->n_ring = pool ? 2 * gsa_pool_size(pool) + 2 : 1;
	w->ring = gsa_xcalloc((size_t)w->n_ring, sizeof *w->ring);
	for (i = 0; i < w->n_ring; i++) {
		bgzf_job_t *j = &w->ring[i];
		j->in = gsa_xmalloc((size_t)JOB_BLOCKS * GSA_BGZF_BLOCK);
		j->out = gsa_xmalloc((size_t)JOB_BLOCKS * CBLOCK_MAX);
		if (level > 0 && !(j->cmp = libdeflate_alloc_compressor(level))) {
			gsa_err_set(err, GSA_EINTERNAL, "%s: cannot start a level %d compressor", name, level);
			gsa_bgzf_free(w);
			return NULL;
		}
	}
	if (pool) w->q = gsa_queue_new(pool, job_compress, w->n_ring);
	w->cur = &w->ring[0];
	return w;
}

int gsa_bgzf_index_init(gsa_bgzf_t *w, int fmt, int min_shift, int n_lvls, int n_ref, gsa_err_t *err)
{
	if (w->n_entries > 0)
		return gsa_err_set(err, GSA_EINTERNAL, "%s: index layout set after its first entry", w->name);
	w->idx_want = 1;
	w->idx_fmt = fmt;
	w->idx_min_shift = min_shift;
	w->idx_n_lvls = n_lvls;
	w->idx_n_ref = n_ref;
	return 0;
}

int gsa_bgzf_write(gsa_bgzf_t *w, const void *data, size_t n, gsa_err_t *err)
{
	const uint8_t *p = data;
	if (w->failed) return sticky(w, err);
	while (n > 0) {
		size_t k = GSA_BGZF_BLOCK - w->fill;
		if (k > n) k = n;
		memcpy(w->cur->in + (size_t)w->cur->n_blk * GSA_BGZF_BLOCK + w->fill, p, k);
		w->fill += (uint32_t)k;
		w->raw += k;
		p += k;
		n -= k;
		if (w->fill == GSA_BGZF_BLOCK && block_close(w, err) < 0) return -1;
	}
	return 0;
}

int gsa_bgzf_flush_try(gsa_bgzf_t *w, size_t n, gsa_err_t *err)
{
	if (w->failed) return sticky(w, err);
	if (w->fill > 0 && w->fill + n > GSA_BGZF_BLOCK) return block_close(w, err);
	return 0;
}

int gsa_bgzf_flush(gsa_bgzf_t *w, gsa_err_t *err)
{
	if (w->failed) return sticky(w, err);
	return w->fill > 0 ? block_close(w, err) : 0;
}

/* Queue an entry (or a mark) ending at the current position. */
static int push_add(gsa_bgzf_t *w, const bgzf_push_t *p, gsa_err_t *err)
{
	bgzf_job_t *j = w->cur;
	if (w->failed) return sticky(w, err);
	if (!w->idx_want) return 0;
	if (j->n_push == j->m_push) j->push = gsa_xgrow(j->push, &j->m_push, j->n_push + 1, sizeof *j->push);
	j->push[j->n_push] = *p;
	j->push[j->n_push].blk = (uint16_t)j->n_blk; /* block_close moves it if the block ends here */
	j->push[j->n_push].off = w->fill;
	j->n_push++;
	return 0;
}

int gsa_bgzf_index_push(gsa_bgzf_t *w, int32_t tid, int64_t beg, int64_t end, int is_mapped, gsa_err_t *err)
{
	bgzf_push_t p = { .beg = beg, .end = end, .tid = tid, .mapped = (uint16_t)(is_mapped != 0) };
	w->n_entries++;
	return push_add(w, &p, err);
}

int gsa_bgzf_index_mark(gsa_bgzf_t *w, gsa_err_t *err)
{
	bgzf_push_t p = { .tid = MARK_TID };
	return push_add(w, &p, err);
}

int gsa_bgzf_fail(gsa_bgzf_t *w, const gsa_err_t *err)
{
	return fail_keep(w, err);
}

int gsa_bgzf_check(const gsa_bgzf_t *w, gsa_err_t *err)
{
	return w->failed ? sticky(w, err) : 0;
}

uint64_t gsa_bgzf_tell_raw(const gsa_bgzf_t *w)
{
	return w->raw;
}

void gsa_bgzf_index_meta(gsa_bgzf_t *w, const uint8_t *meta, size_t len)
{
	free(w->meta);
	w->meta = gsa_xmalloc(len ? len : 1);
	memcpy(w->meta, meta, len);
	w->l_meta = len;
}

/* Write what is left and the EOF block; finish the index. */
static int bgzf_close(gsa_bgzf_t *w, gsa_err_t *err)
{
	bgzf_job_t *j;
	if (w->failed) return sticky(w, err);
	if (w->closed) return gsa_err_set(err, GSA_EINTERNAL, "%s: closed twice", w->name);
	w->closed = 1;
	if (w->fill > 0 && block_close(w, err) < 0) return -1;
	if (w->cur->n_blk > 0 && job_dispatch(w, err) < 0) return -1;
	if (w->q) {
		while ((j = gsa_queue_take(w->q)))
			if (job_write(w, j, err) < 0) return -1;
	}
	/* entries ending after the last block: at the EOF block's offset */
	if (w->cur->n_push > 0 && job_write(w, w->cur, err) < 0) return -1;
	if (gsa_write_all(w->fd, gsa_bgzf_eof_block, sizeof gsa_bgzf_eof_block) < 0) return fail_write(w, errno, err);
	if (w->idx_want) {
		if (!w->idx && index_start(w, err) < 0) return fail_keep(w, err);
		/* the last chunk ends where the EOF block starts */
		if (hts_idx_finish(w->idx, w->offset << 16) < 0 ||
		    (w->meta && hts_idx_set_meta(w->idx, (uint32_t)w->l_meta, w->meta, 1) < 0)) {
			gsa_err_set(err, GSA_EINTERNAL, "%s: cannot finish the index", w->name);
			return fail_keep(w, err);
		}
	}
	w->offset += sizeof gsa_bgzf_eof_block;
	return 0;
}

int gsa_bgzf_finish(gsa_bgzf_t *w, const char *idx_path, int fmt, gsa_err_t *err)
{
	if (bgzf_close(w, err) < 0) return -1;
	if (!w->idx_want) return 0;
	if (!idx_path) return gsa_err_set(err, GSA_EINTERNAL, "%s: no path for the index", w->name);
	errno = 0;
	if (hts_idx_save_as(w->idx, NULL, idx_path, fmt) < 0) {
		gsa_err_errno(err, errno ? errno : EIO, "%s: cannot write the index", idx_path);
		if (err) err->code = GSA_EIO;
		return -1;
	}
	return 0;
}
