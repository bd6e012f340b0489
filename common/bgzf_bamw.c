#include "bgzf_bamw.h"
#include "alloc.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/hts.h>

/* The BAM layer of the BGZF writer (bgzf.h): the header in its own
 * block(s), one unit per record, the index's entries from the records. */
struct gsa_bamw {
	gsa_bgzf_t *bg;
	char *name;
	uint64_t n_rec;
	int32_t n_ref;
	/* index */
	int indexed, idx_fmt;              /* idx_fmt: HTS_FMT_BAI or _CSI (0) */
	int64_t idx_maxpos;
	int32_t last_tid;
	int64_t last_pos;
	int seen_unplaced;
};

void gsa_bamw_free(gsa_bamw_t *w)
{
	if (!w) return;
	gsa_bgzf_free(w->bg);
	free(w->name);
	free(w);
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

/* Choose the index layout (BAI: min_shift 14, 5 levels; CSI: like
 * htslib's sam_idx_init, enough levels for the longest contig). */
static int index_start(gsa_bamw_t *w, sam_hdr_t *hdr, int fmt, int min_shift, gsa_err_t *err)
{
	int n_lvls;
	if (fmt == HTS_FMT_BAI) {
		min_shift = 14;
		n_lvls = 5;
	} else {
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
	w->indexed = 1;
	w->idx_fmt = fmt;
	w->idx_maxpos = (int64_t)1 << (min_shift + 3 * n_lvls);
	return gsa_bgzf_index_init(w->bg, fmt, min_shift, n_lvls, w->n_ref, err);
}

gsa_bamw_t *gsa_bamw_open(int fd, const char *name, sam_hdr_t *hdr, int level, gsa_pool_t *pool,
			  gsa_index_kind_t index_kind, int min_shift, gsa_err_t *err)
{
	gsa_bamw_t *w;
	int index_fmt;
	uint8_t *buf;
	size_t len;
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
	w->n_ref = sam_hdr_nref(hdr);
	w->last_tid = -1;
	w->last_pos = INT64_MIN;
	if (!(w->bg = gsa_bgzf_open(fd, name, level, pool, err))) goto fail;
	if (index_fmt >= 0 && index_start(w, hdr, index_fmt, min_shift, err) < 0) goto fail;
	if (!(buf = header_encode(w, hdr, &len, err))) goto fail;
	/* the header in its own block(s); the index starts after it */
	if (gsa_bgzf_write(w->bg, buf, len, err) < 0 || gsa_bgzf_flush(w->bg, err) < 0 ||
	    gsa_bgzf_index_mark(w->bg, err) < 0) {
		free(buf);
		goto fail;
	}
	free(buf);
	return w;
fail:
	gsa_bamw_free(w);
	return NULL;
}

/* Check that the record can follow the previous one in a coordinate-sorted
 * indexed BAM; *end gets its end on the reference (0-based exclusive). */
static int index_check(gsa_bamw_t *w, const uint8_t *rec, uint32_t bs, int64_t *end, gsa_err_t *err)
{
	int32_t tid = (int32_t)gsa_le32(rec + 4);
	int64_t pos = (int32_t)gsa_le32(rec + 8), rlen;
	uint32_t l_name = rec[12], n_cigar = gsa_le16(rec + 16);
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
	*end = pos + rlen;
	return 0;
}

int gsa_bamw_put(gsa_bamw_t *w, const uint8_t *rec, gsa_err_t *err)
{
	uint32_t bs;
	size_t total;
	int32_t tid;
	int64_t end = 0;
	gsa_err_t local;
	if (!err) err = &local;
	if (gsa_bgzf_check(w->bg, err) < 0) return -1;
	bs = gsa_le32(rec);
	total = (size_t)bs + 4;
	if (bs < 32) {
		gsa_err_set(err, GSA_EDATA, "%s: record %" PRIu64 " is malformed (block_size %u < 32)",
			    w->name, w->n_rec + 1, bs);
		return gsa_bgzf_fail(w->bg, err);
	}
	tid = (int32_t)gsa_le32(rec + 4);
	if (tid < -1 || tid >= w->n_ref) {
		gsa_err_set(err, GSA_EDATA, "%s: record %" PRIu64 " has reference id %d, the header has %d references",
			    w->name, w->n_rec + 1, (int)tid, (int)w->n_ref);
		return gsa_bgzf_fail(w->bg, err);
	}
	if (w->indexed && index_check(w, rec, bs, &end, err) < 0) return gsa_bgzf_fail(w->bg, err);
	/* like htslib: a record that does not fit the open block starts a new one */
	if (gsa_bgzf_flush_try(w->bg, total, err) < 0 || gsa_bgzf_write(w->bg, rec, total, err) < 0)
		return gsa_bgzf_fail(w->bg, err);
	if (w->indexed && gsa_bgzf_index_push(w->bg, tid, gsa_bamrec_pos(rec), end,
					      !(gsa_bamrec_flag(rec) & BAM_FUNMAP), err) < 0)
		return gsa_bgzf_fail(w->bg, err);
	w->n_rec++;
	return 0;
}

int gsa_bamw_finish(gsa_bamw_t *w, const char *idx_path, gsa_err_t *err)
{
	int rc = -1;
	gsa_err_t local;
	if (!err) err = &local;
	rc = gsa_bgzf_finish(w->bg, idx_path, w->idx_fmt, err);
	gsa_bamw_free(w);
	return rc;
}
