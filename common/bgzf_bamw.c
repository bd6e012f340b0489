#include "bgzf_bamw.h"
#include "alloc.h"
#include "io.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/hts.h>
#include <libdeflate.h>

/* Blocks per job: large jobs cut pool wake-ups, small ones keep the
 * pipeline short.  Compressed blocks are at most 64 KiB (BSIZE is 16 bit). */
#define JOB_BLOCKS 8
#define CBLOCK_MAX 65536
#define BGZF_HDR 18
#define BGZF_FTR 8

/* A record to push to the index once its job is written: it ends at
 * offset `off` of block `blk` of the job (blk == the job's block count,
 * off 0: it ends with the job's last block, i.e. at the next block). */
typedef struct bamw_push {
	int64_t beg, end;
	int32_t tid;
	uint16_t blk;
	uint16_t mapped;
	uint32_t off;
} bamw_push_t;

/* A batch of blocks: filled by the caller, compressed by fn, written by
 * the caller in submission order. */
typedef struct bamw_job {
	uint8_t *in;                      /* JOB_BLOCKS x GSA_BGZF_BLOCK */
	uint32_t in_len[JOB_BLOCKS];
	int n_blk;                        /* closed blocks */
	uint8_t *out;                     /* JOB_BLOCKS x CBLOCK_MAX, packed */
	uint32_t out_len[JOB_BLOCKS];
	size_t out_total;
	struct libdeflate_compressor *cmp; /* NULL at level 0 */
	bamw_push_t *push;
	size_t n_push, m_push;
} bamw_job_t;

struct gsa_bamw {
	char *name;
	int fd;
	gsa_queue_t *q;                    /* NULL: compress in the caller */
	bamw_job_t *ring;                 /* n_ring jobs, used round robin */
	int n_ring;
	uint64_t n_submitted;
	bamw_job_t *cur;                  /* job being filled */
	uint32_t fill;                    /* bytes in cur's open block */
	uint64_t offset;                  /* compressed bytes written to fd */
	uint64_t n_rec;
	int32_t n_ref;
	/* index */
	hts_idx_t *idx;
	int idx_fmt;
	int64_t idx_maxpos;
	int32_t last_tid;
	int64_t last_pos;
	int seen_unplaced;
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
static size_t bgzf_block_make(struct libdeflate_compressor *c, const uint8_t *in, size_t n,
			      uint8_t *out)
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
	gsa_put32(out + 4, 0);                                       /* MTIME */
	out[8] = 0; out[9] = 0xff;                              /* XFL, OS unknown */
	gsa_put16(out + 10, 6);                                      /* XLEN */
	out[12] = 'B'; out[13] = 'C'; gsa_put16(out + 14, 2);        /* BC subfield */
	gsa_put16(out + 16, (uint16_t)(total - 1));                  /* BSIZE - 1 */
	gsa_put32(out + BGZF_HDR + clen, (uint32_t)libdeflate_crc32(0, in, n));
	gsa_put32(out + BGZF_HDR + clen + 4, (uint32_t)n);
	return total;
}

/* Pool job: compress every closed block of the job, packed into out. */
static void job_compress(void *arg)
{
	bamw_job_t *j = arg;
	size_t at = 0;
	int i;
	for (i = 0; i < j->n_blk; i++) {
		size_t len = bgzf_block_make(j->cmp, j->in + (size_t)i * GSA_BGZF_BLOCK, j->in_len[i], j->out + at);
		j->out_len[i] = (uint32_t)len;
		at += len;
	}
	j->out_total = at;
}

static void job_reset(bamw_job_t *j)
{
	j->n_blk = 0;
	j->out_total = 0;
	j->n_push = 0;
}

/* ---- errors ------------------------------------------------------------ */

/* Remember err as the writer's sticky error; returns -1. */
static int fail_keep(gsa_bamw_t *w, const gsa_err_t *err)
{
	w->failed = 1;
	if (err) w->err = *err;
	return -1;
}

static int fail_write(gsa_bamw_t *w, int errnum, gsa_err_t *err)
{
	gsa_err_errno(err, errnum, "%s: write failed", w->name);
	if (err) err->code = GSA_EIO;
	return fail_keep(w, err);
}

static int fail_data(gsa_bamw_t *w, gsa_err_t *err)
{
	return fail_keep(w, err);
}

/* ---- writing finished jobs -------------------------------------------- */

/* Write a compressed job to fd, then push its records to the index. */
static int job_write(gsa_bamw_t *w, bamw_job_t *j, gsa_err_t *err)
{
	uint64_t addr[JOB_BLOCKS + 1];
	size_t i;
	int b;
	if (j->out_total > 0 && gsa_write_all(w->fd, j->out, j->out_total) < 0)
		return fail_write(w, errno, err);
	addr[0] = w->offset;
	for (b = 0; b < j->n_blk; b++) addr[b + 1] = addr[b] + j->out_len[b];
	for (i = 0; i < j->n_push; i++) {
		const bamw_push_t *p = &j->push[i];
		uint64_t voff = addr[p->blk] << 16 | p->off;
		if (hts_idx_push(w->idx, p->tid, p->beg, p->end, voff, p->mapped) < 0) {
			gsa_err_set(err, GSA_EDATA, "%s: the index refuses the record at reference %d position %" PRId64,
				    w->name, (int)p->tid, p->beg + 1);
			return fail_data(w, err);
		}
	}
	w->offset = addr[j->n_blk];
	job_reset(j);
	return 0;
}

/* Hand the current (non-empty) job over: compress it in the pool, or here
 * when there is none, and make the next job of the ring current, writing
 * the jobs that are done (and waiting for the one to reuse). */
static int job_dispatch(gsa_bamw_t *w, gsa_err_t *err)
{
	bamw_job_t *j;
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

/* Close the open block of the current job (non-empty).  A record ending
 * with the block gets the next block's offset 0, as a reader's bgzf_tell
 * (and so `samtools index`) gives it. */
static int block_close(gsa_bamw_t *w, gsa_err_t *err)
{
	bamw_job_t *j = w->cur;
	if (j->n_push > 0) {
		bamw_push_t *p = &j->push[j->n_push - 1];
		if (p->blk == j->n_blk && p->off == w->fill) {
			p->blk++;
			p->off = 0;
		}
	}
	j->in_len[j->n_blk++] = w->fill;
	w->fill = 0;
	if (j->n_blk == JOB_BLOCKS) return job_dispatch(w, err);
	return 0;
}

/* ---- open / put / finish ---------------------------------------------- */

static void job_free(bamw_job_t *j)
{
	free(j->in);
	free(j->out);
	free(j->push);
	if (j->cmp) libdeflate_free_compressor(j->cmp);
}

void gsa_bamw_free(gsa_bamw_t *w)
{
	int i;
	if (!w) return;
	gsa_queue_free(w->q); /* waits for jobs still in the pool */
	for (i = 0; i < w->n_ring; i++) job_free(&w->ring[i]);
	free(w->ring);
	if (w->idx) hts_idx_destroy(w->idx);
	free(w->name);
	free(w);
}

/* Append n bytes to the current job, closing blocks as they fill. */
static int bytes_put(gsa_bamw_t *w, const uint8_t *p, size_t n, gsa_err_t *err)
{
	while (n > 0) {
		size_t k = GSA_BGZF_BLOCK - w->fill;
		if (k > n) k = n;
		memcpy(w->cur->in + (size_t)w->cur->n_blk * GSA_BGZF_BLOCK + w->fill, p, k);
		w->fill += (uint32_t)k;
		p += k;
		n -= k;
		if (w->fill == GSA_BGZF_BLOCK && n > 0 && block_close(w, err) < 0) return -1;
	}
	return 0;
}

/* Serialise hdr as BAM (magic, text, references) into a new buffer. */
static uint8_t *header_encode(gsa_bamw_t *w, sam_hdr_t *hdr, size_t *len, gsa_err_t *err)
{
	const char *text = sam_hdr_str(hdr);
	size_t l_text = text ? sam_hdr_length(hdr) : 0, n = 12 + l_text, at;
	int32_t i, n_ref = sam_hdr_nref(hdr);
	uint8_t *buf;
	if (l_text > INT32_MAX)
		return gsa_err_set(err, GSA_EDATA, "%s: header text too long for BAM", w->name), NULL;
	for (i = 0; i < n_ref; i++) {
		const char *nm = sam_hdr_tid2name(hdr, i);
		hts_pos_t len_i = sam_hdr_tid2len(hdr, i);
		if (!nm)
			return gsa_err_set(err, GSA_EDATA, "%s: reference %d has no name", w->name, (int)i), NULL;
		if (len_i < 0 || len_i > INT32_MAX)
			return gsa_err_set(err, GSA_EDATA, "%s: reference %s is %" PRId64 " long, more than BAM allows",
					   w->name, nm, (int64_t)len_i), NULL;
		n += 8 + strlen(nm) + 1;
	}
	buf = gsa_xmalloc(n);
	memcpy(buf, "BAM\1", 4);
	gsa_put32(buf + 4, (uint32_t)l_text);
	if (l_text) memcpy(buf + 8, text, l_text);
	at = 8 + l_text;
	gsa_put32(buf + at, (uint32_t)n_ref);
	at += 4;
	for (i = 0; i < n_ref; i++) {
		const char *nm = sam_hdr_tid2name(hdr, i);
		size_t l = strlen(nm) + 1;
		gsa_put32(buf + at, (uint32_t)l);
		memcpy(buf + at + 4, nm, l);
		gsa_put32(buf + at + 4 + l, (uint32_t)sam_hdr_tid2len(hdr, i));
		at += 8 + l;
	}
	*len = at;
	return buf;
}

/* Compress and write the header now, in the caller, in its own blocks. */
static int header_write(gsa_bamw_t *w, sam_hdr_t *hdr, gsa_err_t *err)
{
	size_t len, at, n;
	uint8_t *buf = header_encode(w, hdr, &len, err);
	bamw_job_t *j = &w->ring[0];
	if (!buf) return fail_keep(w, err);
	for (at = 0; at < len; at += n) {
		size_t clen;
		n = len - at < GSA_BGZF_BLOCK ? len - at : GSA_BGZF_BLOCK;
		clen = bgzf_block_make(j->cmp, buf + at, n, j->out);
		if (gsa_write_all(w->fd, j->out, clen) < 0) {
			free(buf);
			return fail_write(w, errno, err);
		}
		w->offset += clen;
	}
	free(buf);
	return 0;
}

static int index_start(gsa_bamw_t *w, sam_hdr_t *hdr, int fmt, int min_shift, gsa_err_t *err)
{
	int n_lvls;
	if (fmt == HTS_FMT_BAI) {
		min_shift = 14;
		n_lvls = 5;
	} else { /* like htslib's sam_idx_init: enough levels for the longest contig */
		int64_t max_len = 0, s;
		int32_t i;
		if (min_shift <= 0) min_shift = 14;
		for (i = 0; i < w->n_ref; i++) {
			int64_t l = sam_hdr_tid2len(hdr, i);
			if (l > max_len) max_len = l;
		}
		max_len += 256;
		for (n_lvls = 0, s = (int64_t)1 << min_shift; max_len > s; ++n_lvls, s <<= 3) {}
	}
	w->idx = hts_idx_init(w->n_ref, fmt, w->offset << 16, min_shift, n_lvls);
	if (!w->idx) return gsa_err_set(err, GSA_EINTERNAL, "%s: cannot start the index", w->name);
	w->idx_fmt = fmt;
	w->idx_maxpos = (int64_t)1 << (min_shift + 3 * n_lvls);
	return 0;
}

gsa_bamw_t *gsa_bamw_open(int fd, const char *name, sam_hdr_t *hdr, int level, gsa_pool_t *pool,
			gsa_index_kind_t index_kind, int min_shift, gsa_err_t *err)
{
	gsa_bamw_t *w;
	int i, index_fmt;
	if (level < 0 || level > 12) {
		gsa_err_set(err, GSA_EINTERNAL, "%s: compression level %d outside 0..12", name, level);
		return NULL;
	}
	switch (index_kind) {
	case GSA_INDEX_NONE: index_fmt = -1; break;
	case GSA_INDEX_BAI: index_fmt = HTS_FMT_BAI; break;
	case GSA_INDEX_CSI: index_fmt = HTS_FMT_CSI; break;
	default:
		gsa_err_set(err, GSA_EINTERNAL, "%s: unknown index kind %d", name, (int)index_kind);
		return NULL;
	}
	w = gsa_xcalloc(1, sizeof *w);
	w->name = gsa_xstrdup(name);
	w->fd = fd;
	w->n_ref = sam_hdr_nref(hdr);
	w->last_tid = -1;
	w->last_pos = INT64_MIN;
	w->n_ring = pool ? 2 * gsa_pool_size(pool) + 2 : 1;
	w->ring = gsa_xcalloc((size_t)w->n_ring, sizeof *w->ring);
	for (i = 0; i < w->n_ring; i++) {
		bamw_job_t *j = &w->ring[i];
		j->in = gsa_xmalloc((size_t)JOB_BLOCKS * GSA_BGZF_BLOCK);
		j->out = gsa_xmalloc((size_t)JOB_BLOCKS * CBLOCK_MAX);
		if (level > 0 && !(j->cmp = libdeflate_alloc_compressor(level))) {
			gsa_err_set(err, GSA_EINTERNAL, "%s: cannot start a level %d compressor", name, level);
			goto fail;
		}
	}
	if (pool) w->q = gsa_queue_new(pool, job_compress, w->n_ring);
	w->cur = &w->ring[0];
	if (header_write(w, hdr, err) < 0) goto fail;
	if (index_fmt >= 0 && index_start(w, hdr, index_fmt, min_shift, err) < 0) goto fail;
	return w;
fail:
	gsa_bamw_free(w);
	return NULL;
}

/* Check that the record can follow the previous one in a coordinate-sorted
 * indexed BAM, and queue its index entry (ending where the writer is now:
 * called once the record's bytes are in, before its last block closes). */
static int index_check(gsa_bamw_t *w, const uint8_t *rec, uint32_t bs, bamw_push_t *p, gsa_err_t *err)
{
	int32_t tid = (int32_t)gsa_le32(rec + 4);
	int64_t pos = (int32_t)gsa_le32(rec + 8), rlen;
	uint32_t l_name = rec[12], n_cigar = gsa_le16(rec + 16), flag = gsa_le16(rec + 18);
	const char *rname = (const char *)rec + 36;
	if ((uint64_t)32 + l_name + 4 * (uint64_t)n_cigar > bs || l_name == 0)
		return gsa_err_set(err, GSA_EDATA, "%s: record %" PRIu64 " is malformed (name and CIGAR exceed its %u bytes)",
				   w->name, w->n_rec + 1, bs);
	rlen = gsa_bamrec_endpos(rec) - pos;
	if (tid >= 0) {
		if (w->seen_unplaced)
			return gsa_err_set(err, GSA_EDATA, "%s: record %.*s is placed on reference %d after unplaced records: not coordinate-sorted",
					   w->name, (int)l_name, rname, (int)tid);
		if (tid < w->last_tid || (tid == w->last_tid && pos < w->last_pos))
			return gsa_err_set(err, GSA_EDATA, "%s: record %.*s (reference %d position %" PRId64 ") is out of coordinate order",
					   w->name, (int)l_name, rname, (int)tid, pos + 1);
		if (pos > w->idx_maxpos || pos + rlen > w->idx_maxpos)
			return gsa_err_set(err, GSA_EDATA, "%s: record %.*s ends at %" PRId64 ", beyond what a %s index can address",
					   w->name, (int)l_name, rname, pos + rlen,
					   w->idx_fmt == HTS_FMT_CSI ? "CSI (with this min_shift)" : "BAI (use CSI)");
		w->last_tid = tid;
		w->last_pos = pos;
	} else {
		w->seen_unplaced = 1;
	}
	p->tid = tid;
	p->beg = pos;
	p->end = pos + rlen;
	p->mapped = !(flag & BAM_FUNMAP);
	return 0;
}

int gsa_bamw_put(gsa_bamw_t *w, const uint8_t *rec, gsa_err_t *err)
{
	uint32_t bs;
	size_t total;
	int32_t tid;
	bamw_push_t p;
	gsa_err_t local;
	if (!err) err = &local;
	if (w->failed) {
		if (err) *err = w->err;
		return -1;
	}
	bs = gsa_le32(rec);
	total = (size_t)bs + 4;
	if (bs < 32) {
		gsa_err_set(err, GSA_EDATA, "%s: record %" PRIu64 " is malformed (block_size %u < 32)",
			    w->name, w->n_rec + 1, bs);
		return fail_data(w, err);
	}
	tid = (int32_t)gsa_le32(rec + 4);
	if (tid < -1 || tid >= w->n_ref) {
		gsa_err_set(err, GSA_EDATA, "%s: record %" PRIu64 " has reference id %d, the header has %d references",
			    w->name, w->n_rec + 1, (int)tid, (int)w->n_ref);
		return fail_data(w, err);
	}
	if (w->idx && index_check(w, rec, bs, &p, err) < 0) return fail_data(w, err);
	/* like htslib: a record that does not fit the open block starts a new one */
	if (w->fill > 0 && w->fill + total > GSA_BGZF_BLOCK && block_close(w, err) < 0) return -1;
	if (bytes_put(w, rec, total, err) < 0) return -1;
	if (w->idx) {
		bamw_job_t *j = w->cur;
		if (j->n_push == j->m_push) j->push = gsa_xgrow(j->push, &j->m_push, j->n_push + 1, sizeof *j->push);
		p.blk = (uint16_t)j->n_blk; /* block_close moves it if the block ends here */
		p.off = w->fill;
		j->push[j->n_push++] = p;
	}
	w->n_rec++;
	if (w->fill == GSA_BGZF_BLOCK && block_close(w, err) < 0) return -1;
	return 0;
}

int gsa_bamw_finish(gsa_bamw_t *w, const char *idx_path, gsa_err_t *err)
{
	int rc = -1;
	bamw_job_t *j;
	gsa_err_t local;
	if (!err) err = &local;
	if (w->failed) {
		if (err) *err = w->err;
		goto out;
	}
	if (w->fill > 0 && block_close(w, err) < 0) goto out;
	if (w->cur->n_blk > 0 && job_dispatch(w, err) < 0) goto out;
	if (w->q) {
		while ((j = gsa_queue_take(w->q)))
			if (job_write(w, j, err) < 0) goto out;
	}
	if (gsa_write_all(w->fd, gsa_bgzf_eof_block, sizeof gsa_bgzf_eof_block) < 0) {
		fail_write(w, errno, err);
		goto out;
	}
	if (w->idx) {
		if (!idx_path) {
			gsa_err_set(err, GSA_EINTERNAL, "%s: no path for the index", w->name);
			goto out;
		}
		/* the last chunk ends where the EOF block starts */
		if (hts_idx_finish(w->idx, w->offset << 16) < 0) {
			gsa_err_set(err, GSA_EINTERNAL, "%s: cannot finish the index", idx_path);
			goto out;
		}
		errno = 0;
		if (hts_idx_save_as(w->idx, NULL, idx_path, w->idx_fmt) < 0) {
			gsa_err_errno(err, errno ? errno : EIO, "%s: cannot write the index", idx_path);
			if (err) err->code = GSA_EIO;
			goto out;
		}
	}
	w->offset += sizeof gsa_bgzf_eof_block;
	rc = 0;
out:
	gsa_bamw_free(w);
	return rc;
}
