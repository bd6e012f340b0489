#include "bgzf_bamr.h"
#include "alloc.h"

#include <errno.h>
#include <inttypes.h>
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The caller thread reads a chunk of compressed bytes at a time, cuts it
 * into whole BGZF blocks and hands them to one job; a partial block at the
 * end moves to the next job.  Chunks start at BAMR_CHUNK0 (records come
 * out soon, small files stay small) and double up to BAMR_CHUNK.  A block
 * is at most 64 KiB, so any chunk not at the end of the input holds at
 * least one whole block. */
#define BAMR_CHUNK0     (1u << 17)
#define BAMR_CHUNK      (1u << 18)
#define BAMR_MAX_BLOCK  65536u
#define BAMR_HDR_MIN    18u     /* gzip header with the 6-byte BC subfield */

enum { JOB_OK = 0, JOB_INFLATE, JOB_ISIZE, JOB_CRC };

/* Where the input stands. */
enum {
	IN_READING = 0,
	IN_END_OK,        /* ended right after an empty (EOF) block */
	IN_END_NOEOF,     /* ended at a block boundary, last block not empty */
	IN_END_MIDBLOCK,  /* ended inside a block (in_off: where that block starts) */
	IN_ERR            /* in_err says what */
};

typedef struct bamr_block {
	uint32_t cdata, cdlen;  /* deflate data: offset in cbuf, length */
	uint32_t cstart;        /* block start in cbuf */
	uint32_t isize, crc;
	size_t uoff;            /* where its data goes in ubuf */
} bamr_block_t;

typedef struct bamr_job {
	uint8_t *cbuf;          /* whole blocks (ccap >= the chunk size) */
	size_t ccap;
	uint64_t file_off;      /* file offset of cbuf[0] */
	bamr_block_t *blk;
	size_t n_blk, blk_cap;
	uint8_t *ubuf;          /* decompressed data of every block, in order */
	size_t ulen, ucap;
	size_t uok;             /* bytes of ubuf that are good (ulen unless err) */
	int err;                /* JOB_* */
	uint64_t err_off;       /* file offset of the failed block */
	struct libdeflate_decompressor *dec;
} bamr_job_t;

struct gsa_bamr {
	hFILE *hf;
	char *name;
	gsa_queue_t *q;          /* NULL: jobs run inline */
	bamr_job_t *jobs;
	int n_jobs, fill_idx, take_idx, n_inflight;
	bamr_job_t *cur;        /* job records are handed out from */
	size_t cur_pos;
	/* input */
	uint8_t *left;          /* partial block carried to the next job */
	size_t left_len;
	uint64_t left_off;      /* file offset of left[0] */
	uint64_t bytes_in;
	size_t chunk;           /* bytes to read for the next job */
	int in_state, last_empty;
	uint64_t in_off;
	gsa_err_t in_err;
	/* records */
	uint8_t *carry;         /* a record (or header field) spanning jobs */
	size_t carry_cap;
	uint64_t n_rec;
	int32_t n_targets;
	sam_hdr_t *hdr;
	int failed, ended;
	gsa_err_t fail;         /* sticky error */
};

/* ---- workers -------------------------------------------------------- */

/* Inflate and check every block of a job; stop at the first bad one. */
static void bamr_job_run(void *arg)
{
	bamr_job_t *j = arg;
	size_t i;
	j->err = JOB_OK;
	j->uok = j->ulen;
	for (i = 0; i < j->n_blk; i++) {
		const bamr_block_t *b = &j->blk[i];
		size_t got = 0;
		enum libdeflate_result res = libdeflate_deflate_decompress(j->dec,
			j->cbuf + b->cdata, b->cdlen, j->ubuf + b->uoff, b->isize, &got);
		if (res != LIBDEFLATE_SUCCESS) j->err = res == LIBDEFLATE_INSUFFICIENT_SPACE ? JOB_ISIZE : JOB_INFLATE;
		else if (got != b->isize) j->err = JOB_ISIZE;
		else if ((uint32_t)libdeflate_crc32(0, j->ubuf + b->uoff, b->isize) != b->crc) j->err = JOB_CRC;
		if (j->err != JOB_OK) {
			j->uok = b->uoff;
			j->err_off = j->file_off + b->cstart;
			return;
		}
	}
}

/* ---- input: read a chunk, cut it into blocks ------------------------ */

static void bamr_in_fail(gsa_bamr_t *r, uint64_t off, const char *what)
{
	r->in_state = IN_ERR;
	if (off == 0)
		gsa_err_set(&r->in_err, GSA_EDATA, "%s: not a BAM file (%s)", r->name, what);
	else
		gsa_err_set(&r->in_err, GSA_EDATA, "%s: corrupt BGZF block at byte %" PRIu64 " (%s)",
			r->name, off, what);
}

/* Check the block header at b (avail bytes there).  Returns the block's
 * length, 0 if more bytes are needed to tell, -1 on a bad header (in_err
 * set).  *xlen gets XLEN. */
static long bamr_block_len(gsa_bamr_t *r, const uint8_t *b, size_t avail, uint64_t off, unsigned *xlen)
{
	static const uint8_t magic[4] = { 0x1f, 0x8b, 0x08, 0x04 };
	size_t i, n = avail < 4 ? avail : 4, end;
	long bsize = -1;
	for (i = 0; i < n; i++) {
		if (b[i] != magic[i]) {
			bamr_in_fail(r, off, i < 3 ? "no BGZF/gzip header"
				: !(b[i] & 4) ? "gzip without the BGZF extra field" : "gzip flags other than FEXTRA");
			return -1;
		}
	}
	if (avail < BAMR_HDR_MIN) return 0;
	*xlen = gsa_le16(b + 10);
	end = 12 + (size_t)*xlen;
	if (avail < end) return 0;
	for (i = 12; i + 4 <= end;) {
		unsigned slen = gsa_le16(b + i + 2);
		if (b[i] == 'B' && b[i + 1] == 'C' && slen == 2 && i + 6 <= end) {
			bsize = (long)gsa_le16(b + i + 4) + 1;
			break;
		}
		i += 4 + slen;
	}
	if (bsize < 0) {
		bamr_in_fail(r, off, "no BSIZE field in the gzip header");
		return -1;
	}
	if ((size_t)bsize < end + 8 + 2) { /* header, some deflate data, CRC32 and ISIZE */
		bamr_in_fail(r, off, "BSIZE too small");
		return -1;
	}
	return bsize;
}

/* Fill job j from the input.  Returns the number of blocks it got (0 when
 * the input is over or bad: r->in_state says which). */
static size_t bamr_fill(gsa_bamr_t *r, bamr_job_t *j)
{
	size_t len = r->left_len, p = 0;
	int at_eof = 0, read_err = 0, bad = 0;
	if (j->ccap < r->chunk) j->cbuf = gsa_xgrow(j->cbuf, &j->ccap, r->chunk, 1);
	if (len) memcpy(j->cbuf, r->left, len);
	j->file_off = r->left_off;
	j->n_blk = 0;
	j->ulen = 0;
	while (len < r->chunk) {
		ssize_t n = hread(r->hf, j->cbuf + len, r->chunk - len);
		if (n < 0) {
			read_err = errno ? errno : EIO;
			break;
		}
		if (n == 0) {
			at_eof = 1;
			break;
		}
		len += (size_t)n;
		r->bytes_in += (uint64_t)n;
	}
	while (p < len) {
		unsigned xlen = 0;
		uint64_t off = j->file_off + p;
		long blen = bamr_block_len(r, j->cbuf + p, len - p, off, &xlen);
		bamr_block_t *b;
		uint32_t isize;
		if (blen < 0) {
			bad = 1;
			break;
		}
		if (blen == 0 || (size_t)blen > len - p) break;
		isize = gsa_le32(j->cbuf + p + (size_t)blen - 4);
		if (isize > BAMR_MAX_BLOCK) {
			bamr_in_fail(r, off, "ISIZE over 64 KiB");
			bad = 1;
			break;
		}
		j->blk = gsa_xgrow(j->blk, &j->blk_cap, j->n_blk + 1, sizeof *j->blk);
		b = &j->blk[j->n_blk++];
		b->cstart = (uint32_t)p;
		b->cdata = (uint32_t)(p + 12 + xlen);
		b->cdlen = (uint32_t)((size_t)blen - 12 - xlen - 8);
		b->crc = gsa_le32(j->cbuf + p + (size_t)blen - 8);
		b->isize = isize;
		b->uoff = j->ulen;
		j->ulen += isize;
		r->last_empty = isize == 0;
		p += (size_t)blen;
	}
	if (r->chunk < BAMR_CHUNK) r->chunk *= 2;
	if (j->ucap < j->ulen + 1) j->ubuf = gsa_xgrow(j->ubuf, &j->ucap, j->ulen + 1, 1);
	if (bad) {
		/* in_err set; the blocks before the bad one are still good */
	} else if (read_err) {
		r->in_state = IN_ERR;
		gsa_err_errno(&r->in_err, read_err, "%s: read error at byte %" PRIu64, r->name, j->file_off + len);
		r->in_err.code = GSA_EIO;
	} else if (at_eof) {
		if (p < len) {
			r->in_state = IN_END_MIDBLOCK;
			r->in_off = j->file_off + p;
		} else {
			r->in_state = r->last_empty ? IN_END_OK : IN_END_NOEOF;
		}
	} else {
		r->left_len = len - p;
		r->left_off = j->file_off + p;
		if (r->left_len) memcpy(r->left, j->cbuf + p, r->left_len);
	}
	return j->n_blk;
}

/* Fill and submit free jobs while the input lasts. */
static void bamr_pump(gsa_bamr_t *r)
{
	while (r->in_state == IN_READING && r->n_inflight < r->n_jobs) {
		bamr_job_t *j = &r->jobs[r->fill_idx];
		if (bamr_fill(r, j) == 0) break;
		if (r->q) gsa_queue_submit(r->q, j);
		else bamr_job_run(j);
		r->fill_idx = (r->fill_idx + 1) % r->n_jobs;
		r->n_inflight++;
	}
}

/* ---- the decompressed stream ----------------------------------------- */

static int bamr_set_fail(gsa_bamr_t *r)
{
	r->failed = 1;
	return -1;
}

/* Make r->cur hold unread bytes.  Returns 1; 0 when the input is over
 * (r->in_state says how); -1 on a corrupt block or bad input (r->fail). */
static int bamr_more(gsa_bamr_t *r)
{
	static const char *const why[] = { "", "inflate failed", "ISIZE mismatch", "CRC mismatch" };
	for (;;) {
		bamr_job_t *j;
		if (r->cur) {
			if (r->cur_pos < r->cur->uok) return 1;
			if (r->cur->err != JOB_OK) {
				gsa_err_set(&r->fail, GSA_EDATA, "%s: corrupt BGZF block at byte %" PRIu64 " (%s)",
					r->name, r->cur->err_off, why[r->cur->err]);
				return bamr_set_fail(r);
			}
			r->cur = NULL; /* its slot can be filled again */
		}
		bamr_pump(r);
		if (r->n_inflight == 0) {
			if (r->in_state == IN_READING) { /* a full chunk always holds a block */
				gsa_err_set(&r->fail, GSA_EINTERNAL, "%s: BAM reader stalled at byte %" PRIu64,
					r->name, r->left_off);
				return bamr_set_fail(r);
			}
			if (r->in_state != IN_ERR) return 0;
			r->fail = r->in_err;
			return bamr_set_fail(r);
		}
		j = r->q ? gsa_queue_take(r->q) : &r->jobs[r->take_idx];
		r->take_idx = (r->take_idx + 1) % r->n_jobs;
		r->n_inflight--;
		r->cur = j;
		r->cur_pos = 0;
	}
}

/* The input ended where more data was expected (or could come): say how.
 * where: what was being read ("the header", or NULL for records);
 * partial: some bytes of it had arrived.  Returns -1. */
static int bamr_fail_end(gsa_bamr_t *r, const char *where, int partial)
{
	char at[96];
	if (where) snprintf(at, sizeof at, "inside %s", where);
	else if (partial) snprintf(at, sizeof at, "inside record %" PRIu64, r->n_rec + 1);
	else snprintf(at, sizeof at, "after record %" PRIu64, r->n_rec);
	if (r->in_state == IN_END_MIDBLOCK)
		gsa_err_set(&r->fail, GSA_EDATA, "%s: truncated BAM (stream ends inside the BGZF block at byte %"
			PRIu64 ", %s)", r->name, r->in_off, at);
	else if (r->in_state == IN_END_NOEOF && r->bytes_in == 0)
		gsa_err_set(&r->fail, GSA_EDATA, "%s: not a BAM file (empty)", r->name);
	else if (r->in_state == IN_END_OK && where && !partial)
		gsa_err_set(&r->fail, GSA_EDATA, "%s: not a BAM file (no data before the end-of-file marker)", r->name);
	else if (r->in_state == IN_END_NOEOF && !where && !partial)
		gsa_err_set(&r->fail, GSA_EDATA, "%s: truncated BAM (no end-of-file marker after record %" PRIu64 ")",
			r->name, r->n_rec);
	else if (r->in_state == IN_END_NOEOF)
		gsa_err_set(&r->fail, GSA_EDATA, "%s: truncated BAM (no end-of-file marker; stream ends %s)",
			r->name, at);
	else
		gsa_err_set(&r->fail, GSA_EDATA, "%s: truncated BAM (end-of-file marker %s)", r->name, at);
	return bamr_set_fail(r);
}

/* Copy n stream bytes to (*buf)[off...], growing *buf (*cap bytes) as the
 * data arrives.  Returns 1; 0 if the stream ended first (*got: bytes
 * copied); -1 on error. */
static int bamr_copy(gsa_bamr_t *r, uint8_t **buf, size_t *cap, size_t off, size_t n, size_t *got)
{
	size_t done = 0;
	while (done < n) {
		size_t k;
		int rc = bamr_more(r);
		if (rc <= 0) {
			if (got) *got = done;
			return rc;
		}
		k = r->cur->uok - r->cur_pos;
		if (k > n - done) k = n - done;
		if (*cap < off + done + k) *buf = gsa_xgrow(*buf, cap, off + done + k, 1);
		memcpy(*buf + off + done, r->cur->ubuf + r->cur_pos, k);
		r->cur_pos += k;
		done += k;
	}
	if (got) *got = done;
	return 1;
}

/* Read n header bytes into the carry buffer (grown as needed). */
static int bamr_hdr_bytes(gsa_bamr_t *r, size_t n)
{
	size_t got = 0;
	int rc = bamr_copy(r, &r->carry, &r->carry_cap, 0, n, &got);
	if (rc == 0) return bamr_fail_end(r, "the header", 1);
	return rc;
}

static int bamr_hdr_fail(gsa_bamr_t *r, const char *fmt, long long a)
{
	char what[128];
	snprintf(what, sizeof what, fmt, a);
	gsa_err_set(&r->fail, GSA_EDATA, "%s: malformed BAM header (%s)", r->name, what);
	return bamr_set_fail(r);
}

/* Read "BAM\1", the text and the reference list into r->hdr, built the way
 * htslib's bam_hdr_read builds it. */
static int bamr_read_header(gsa_bamr_t *r)
{
	sam_hdr_t *h;
	int32_t l_text, n_ref, i;
	size_t got = 0, names_cap = 0, lens_cap = 0, text_cap = 0;
	uint8_t *text = NULL;
	int rc = bamr_copy(r, &r->carry, &r->carry_cap, 0, 4, &got);
	if (rc < 0) return rc;
	if (rc == 0) return bamr_fail_end(r, "the header", got > 0);
	if (memcmp(r->carry, "BAM\1", 4) != 0) {
		gsa_err_set(&r->fail, GSA_EDATA, "%s: not a BAM file (BGZF-compressed, but no BAM magic)", r->name);
		return bamr_set_fail(r);
	}
	if (bamr_hdr_bytes(r, 4) < 0) return -1;
	l_text = (int32_t)gsa_le32(r->carry);
	if (l_text < 0) return bamr_hdr_fail(r, "l_text %lld < 0", l_text);
	rc = bamr_copy(r, &text, &text_cap, 0, (size_t)l_text, NULL);
	if (rc <= 0) {
		free(text);
		return rc < 0 ? -1 : bamr_fail_end(r, "the header", 1);
	}
	if (text_cap < (size_t)l_text + 1) text = gsa_xgrow(text, &text_cap, (size_t)l_text + 1, 1);
	text[l_text] = 0;

	h = sam_hdr_init();
	if (!h) gsa_oom(sizeof *h);
	r->hdr = h;
	h->text = (char *)text;
	h->l_text = (size_t)l_text;
	if (bamr_hdr_bytes(r, 4) < 0) return -1;
	n_ref = (int32_t)gsa_le32(r->carry);
	if (n_ref < 0) return bamr_hdr_fail(r, "n_ref %lld < 0", n_ref);
	for (i = 0; i < n_ref; i++) {
		uint32_t l_name, l_ref;
		if (bamr_hdr_bytes(r, 4) < 0) return -1;
		l_name = gsa_le32(r->carry);
		if (l_name < 1 || l_name > (1u << 24))
			return bamr_hdr_fail(r, "reference name length %lld", (long long)l_name);
		if (bamr_hdr_bytes(r, (size_t)l_name + 4) < 0) return -1;
		if (r->carry[l_name - 1] != 0)
			return bamr_hdr_fail(r, "reference %lld name not NUL-terminated", (long long)i + 1);
		l_ref = gsa_le32(r->carry + l_name);
		if (l_ref > INT32_MAX) return bamr_hdr_fail(r, "reference length %lld", (long long)l_ref);
		h->target_name = gsa_xgrow(h->target_name, &names_cap, (size_t)i + 1, sizeof *h->target_name);
		h->target_len = gsa_xgrow(h->target_len, &lens_cap, (size_t)i + 1, sizeof *h->target_len);
		h->target_name[i] = gsa_xstrndup((const char *)r->carry, l_name - 1);
		h->target_len[i] = l_ref;
		h->n_targets = i + 1;
	}
	r->n_targets = n_ref;
	return 0;
}

/* ---- records ----------------------------------------------------------- */

/* Check a record's fixed fields against its block_size and the header. */
static int bamr_check_record(gsa_bamr_t *r, const uint8_t *p)
{
	char what[128];
	if (gsa_bamrec_check(p, r->n_targets, what, sizeof what) == 0) return 0;
	gsa_err_set(&r->fail, GSA_EDATA, "%s: malformed record %" PRIu64 " (%s)", r->name, r->n_rec + 1, what);
	return bamr_set_fail(r);
}

/* A record not whole in r->cur: assemble it in r->carry. */
static int bamr_next_carried(gsa_bamr_t *r, const uint8_t **rec)
{
	size_t got = 0;
	uint32_t bs;
	int rc = bamr_copy(r, &r->carry, &r->carry_cap, 0, 4, &got);
	if (rc < 0) return -1;
	if (rc == 0) return bamr_fail_end(r, NULL, got > 0);
	bs = gsa_le32(r->carry);
	if (bs < 32 || bs > INT32_MAX) {
		gsa_err_set(&r->fail, GSA_EDATA, "%s: malformed record %" PRIu64 " (block_size %" PRIu32 ")",
			r->name, r->n_rec + 1, bs);
		return bamr_set_fail(r);
	}
	rc = bamr_copy(r, &r->carry, &r->carry_cap, 4, bs, &got);
	if (rc < 0) return -1;
	if (rc == 0) return bamr_fail_end(r, NULL, 1);
	if (bamr_check_record(r, r->carry) < 0) return -1;
	r->n_rec++;
	*rec = r->carry;
	return 1;
}

int gsa_bamr_next(gsa_bamr_t *r, const uint8_t **rec, gsa_err_t *err)
{
	int rc;
	*rec = NULL;
	if (r->failed) goto fail;
	if (r->ended) return 0;
	for (;;) {
		if (r->cur) {
			size_t avail = r->cur->uok - r->cur_pos;
			const uint8_t *p = r->cur->ubuf + r->cur_pos;
			if (avail >= 4) {
				uint32_t bs = gsa_le32(p);
				if (bs > avail - 4) break;
				if (bamr_check_record(r, p) < 0) goto fail;
				r->cur_pos += 4 + (size_t)bs;
				r->n_rec++;
				*rec = p;
				return 1;
			}
			if (avail > 0) break;
		}
		rc = bamr_more(r);
		if (rc < 0) goto fail;
		if (rc == 0) {
			if (r->in_state != IN_END_OK) {
				bamr_fail_end(r, NULL, 0);
				goto fail;
			}
			r->ended = 1;
			return 0;
		}
	}
	if (bamr_next_carried(r, rec) > 0) return 1;
fail:
	if (err) *err = r->fail;
	return -1;
}

/* ---- open / close -------------------------------------------------------- */

gsa_bamr_t *gsa_bamr_open(hFILE *hf, const char *name, gsa_pool_t *pool, gsa_err_t *err)
{
	gsa_bamr_t *r;
	int i;
	if (!hf) { /* gsa_bamr_open(hopen(path, "r"), ...) failed to open */
		gsa_err_errno(err, errno ? errno : EIO, "%s", name ? name : "BAM");
		if (err) err->code = GSA_EIO;
		return NULL;
	}
	r = gsa_xcalloc(1, sizeof *r);
	r->hf = hf;
	r->name = gsa_xstrdup(name ? name : "BAM");
	r->n_jobs = pool ? 2 * gsa_pool_size(pool) + 2 : 1;
	r->jobs = gsa_xcalloc((size_t)r->n_jobs, sizeof *r->jobs);
	for (i = 0; i < r->n_jobs; i++) {
		bamr_job_t *j = &r->jobs[i];
		j->dec = libdeflate_alloc_decompressor();
		if (!j->dec) gsa_oom(BAMR_MAX_BLOCK);
	}
	r->left = gsa_xmalloc(BAMR_MAX_BLOCK + BAMR_HDR_MIN);
	r->chunk = BAMR_CHUNK0;
	if (pool) r->q = gsa_queue_new(pool, bamr_job_run, r->n_jobs);
	if (bamr_read_header(r) < 0) {
		if (err) *err = r->fail;
		gsa_bamr_close(r);
		return NULL;
	}
	return r;
}

sam_hdr_t *gsa_bamr_header(const gsa_bamr_t *r)
{
	return r->hdr;
}

sam_hdr_t *gsa_bamr_take_header(gsa_bamr_t *r)
{
	sam_hdr_t *h = r->hdr;
	r->hdr = NULL;
	return h;
}

uint64_t gsa_bamr_count(const gsa_bamr_t *r)
{
	return r->n_rec;
}

uint64_t gsa_bamr_bytes_in(const gsa_bamr_t *r)
{
	return r->bytes_in;
}

void gsa_bamr_close(gsa_bamr_t *r)
{
	int i;
	if (!r) return;
	gsa_queue_free(r->q); /* waits for jobs in flight */
	for (i = 0; i < r->n_jobs; i++) {
		bamr_job_t *j = &r->jobs[i];
		free(j->cbuf);
		free(j->blk);
		free(j->ubuf);
		if (j->dec) libdeflate_free_decompressor(j->dec);
	}
	free(r->jobs);
	if (r->hf && hclose(r->hf) < 0) {
		/* reading only: nothing was lost */
	}
	sam_hdr_destroy(r->hdr);
	free(r->left);
	free(r->carry);
	free(r->name);
	free(r);
}
