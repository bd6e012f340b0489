#include "si_metrics.h"
#include "alloc.h"
#include "jsonw.h"

#include <stdlib.h>
#include <string.h>

void si_metrics_init(si_metrics_t *m)
{
	memset(m, 0, sizeof *m);
	m->cur = -1;
}

void si_metrics_free(si_metrics_t *m)
{
	int i;
	if (!m) return;
	for (i = 0; i < m->n_contigs; i++) free(m->names[i]);
	free(m->names);
	free(m->len);
	free(m->covered);
	free(m->depth_sum);
	free(m->hist);
	free(m->ring);
	si_metrics_init(m);
}

void si_metrics_start(si_metrics_t *m, const sam_hdr_t *hdr, int coordinate)
{
	int i, n;
	if (!m) return;
	n = sam_hdr_nref(hdr);
	m->n_contigs = n;
	m->names = gsa_xcalloc((size_t)(n > 0 ? n : 1), sizeof *m->names);
	m->len = gsa_xcalloc((size_t)(n > 0 ? n : 1), sizeof *m->len);
	m->covered = gsa_xcalloc((size_t)(n > 0 ? n : 1), sizeof *m->covered);
	m->depth_sum = gsa_xcalloc((size_t)(n > 0 ? n : 1), sizeof *m->depth_sum);
	m->hist = gsa_xcalloc((size_t)(n > 0 ? n : 1) * (SI_COV_MAX + 1), sizeof *m->hist);
	for (i = 0; i < n; i++) {
		m->names[i] = gsa_xstrdup(sam_hdr_tid2name(hdr, i));
		m->len[i] = (int64_t)sam_hdr_tid2len(hdr, i);
	}
	m->coverage = coordinate;
	m->cap = 1024;
	m->ring = gsa_xcalloc((size_t)m->cap, sizeof *m->ring);
	m->cur = -1;
}

/* n positions of depth d on the current contig. */
static void add_depth(si_metrics_t *m, int32_t d, uint64_t n)
{
	int b = d > SI_COV_MAX ? SI_COV_MAX : d < 0 ? 0 : d;
	m->global[b] += n;
	m->hist[(size_t)m->cur * (SI_COV_MAX + 1) + (size_t)b] += n;
	m->depth_sum[m->cur] += (uint64_t)d * n;
	if (d > 0) m->covered[m->cur] += n;
}

/* Count the positions [flushed, to) of the current contig. */
static void flush_to(si_metrics_t *m, int64_t to)
{
	int64_t p, lim = to < m->pending_end + 1 ? to : m->pending_end + 1, mask = m->cap - 1;
	if (to <= m->flushed) return;
	for (p = m->flushed; p < lim; p++) {
		int32_t *slot = &m->ring[p & mask];
		if (*slot) {
			m->depth += *slot;
			*slot = 0;
		}
		/* a run of equal depth until the next change */
		{
			int64_t q = p + 1;
			while (q < lim && m->ring[q & mask] == 0) q++;
			add_depth(m, m->depth, (uint64_t)(q - p));
			p = q - 1;
		}
	}
	if (to > lim && to > m->flushed) {
		int64_t from = lim > m->flushed ? lim : m->flushed;
		add_depth(m, m->depth, (uint64_t)(to - from));
	}
	m->flushed = to;
}

/* Make room for changes up to position end (exclusive + 1). */
static void ensure_room(si_metrics_t *m, int64_t end)
{
	int64_t need = end - m->flushed + 1, cap = m->cap, p;
	int32_t *ring;
	if (need <= m->cap) return;
	while (cap < need) cap *= 2;
	ring = gsa_xcalloc((size_t)cap, sizeof *ring);
	for (p = m->flushed; p < m->pending_end + 1 && p < m->flushed + m->cap; p++)
		ring[p & (cap - 1)] = m->ring[p & (m->cap - 1)];
	free(m->ring);
	m->ring = ring;
	m->cap = cap;
}

/* Finish contig m->cur (count to its end) and start `tid`. */
static void move_to(si_metrics_t *m, int tid)
{
	if (m->cur >= 0 && m->cur < m->n_contigs) flush_to(m, m->len[m->cur]);
	for (m->cur = m->cur < 0 ? 0 : m->cur + 1; m->cur < tid && m->cur < m->n_contigs; m->cur++) {
		m->flushed = 0;
		m->pending_end = 0;
		add_depth(m, 0, (uint64_t)m->len[m->cur]);
	}
	m->cur = tid;
	m->flushed = 0;
	m->pending_end = 0;
	m->depth = 0;
	memset(m->ring, 0, (size_t)m->cap * sizeof *m->ring);
}

static void add_block(si_metrics_t *m, int64_t beg, int64_t end)
{
	int64_t len = m->len[m->cur];
	if (end > len) end = len;
	if (beg >= end) return;
	ensure_room(m, end);
	m->ring[beg & (m->cap - 1)]++;
	m->ring[end & (m->cap - 1)]--;
	if (end > m->pending_end) m->pending_end = end;
}

static void add_coverage(si_metrics_t *m, const si_rec_t *r)
{
	int32_t tid = gsa_bamrec_tid(r);
	int64_t pos = gsa_bamrec_pos(r);
	uint32_t l_name = r[12], n_cigar = gsa_le16(r + 16), k;
	const uint8_t *cig = r + 36 + l_name;
	if (tid < 0 || tid >= m->n_contigs || pos < 0 || tid < m->cur) return;
	if (tid != m->cur) move_to(m, tid);
	if (pos < m->flushed) return; /* out of order: not coordinate-sorted */
	flush_to(m, pos);
	for (k = 0; k < n_cigar; k++) {
		uint32_t c = gsa_le32(cig + 4 * k);
		int op = (int)(c & 0xf);
		int64_t ol = c >> 4;
		if (op == BAM_CMATCH || op == BAM_CEQUAL || op == BAM_CDIFF) {
			add_block(m, pos, pos + ol);
			pos += ol;
		} else if (op == BAM_CDEL || op == BAM_CREF_SKIP) {
			pos += ol;
		}
	}
}

void si_metrics_add(si_metrics_t *m, const si_rec_t *r)
{
	uint16_t f;
	int primary;
	if (!m) return;
	f = gsa_bamrec_flag(r);
	primary = !(f & (BAM_FSECONDARY | BAM_FSUPPLEMENTARY));
	m->records++;
	if (primary) m->primary++;
	if (!(f & BAM_FUNMAP)) {
		m->mapped++;
		if (primary) m->primary_mapped++;
	}
	if (f & BAM_FDUP) {
		m->duplicates++;
		if (primary) m->primary_duplicates++;
	}
	if (primary && (f & BAM_FPAIRED)) {
		m->paired++;
		if ((f & BAM_FPROPER_PAIR) && !(f & BAM_FUNMAP)) m->proper++;
	}
	if (m->coverage && !(f & (BAM_FUNMAP | BAM_FSECONDARY | BAM_FQCFAIL | BAM_FDUP)))
		add_coverage(m, r);
}

void si_metrics_finish(si_metrics_t *m)
{
	if (!m || !m->coverage) return;
	move_to(m, m->n_contigs);
	m->coverage = 2; /* done */
}


int si_metrics_write(const si_metrics_t *m, const char *path, gsa_err_t *err)
{
	gsa_jsonw_t w;
	uint64_t total_len = 0, covered = 0, sum = 0;
	int i, rc;
	for (i = 0; i < m->n_contigs; i++) {
		total_len += (uint64_t)m->len[i];
		covered += m->covered[i];
		sum += m->depth_sum[i];
	}
	gsa_jsonw_init(&w);
	gsa_jsonw_begin_object(&w, NULL);
	gsa_jsonw_str(&w, "tool", "sort-index");
	gsa_jsonw_str(&w, "kind", "gsa-sort-index-metrics");
	gsa_jsonw_u64(&w, "version", 1);
	gsa_jsonw_begin_object(&w, "summary");
	gsa_jsonw_u64(&w, "records", m->records);
	gsa_jsonw_u64(&w, "primary", m->primary);
	gsa_jsonw_u64(&w, "mapped", m->mapped);
	gsa_jsonw_u64(&w, "primary_mapped", m->primary_mapped);
	gsa_jsonw_u64(&w, "paired", m->paired);
	gsa_jsonw_u64(&w, "properly_paired", m->proper);
	gsa_jsonw_bool(&w, "duplicates_marked", m->duplicates > 0);
	gsa_jsonw_u64(&w, "duplicates", m->duplicates);
	gsa_jsonw_u64(&w, "primary_duplicates", m->primary_duplicates);
	gsa_jsonw_num(&w, "duplicate_rate", m->primary_mapped ? (double)m->primary_duplicates / (double)m->primary_mapped : 0, 6);
	gsa_jsonw_end(&w);
	if (m->coverage) {
		gsa_jsonw_begin_object(&w, "coverage");
		gsa_jsonw_str(&w, "counts", "M/=/X bases of mapped, non-secondary, non-QC-fail, non-duplicate records");
		gsa_jsonw_u64(&w, "length", total_len);
		gsa_jsonw_u64(&w, "bases_covered", covered);
		gsa_jsonw_u64(&w, "depth_sum", sum);
		gsa_jsonw_num(&w, "mean_depth", total_len ? (double)sum / (double)total_len : 0, 6);
		gsa_jsonw_num(&w, "breadth", total_len ? (double)covered / (double)total_len : 0, 6);
		gsa_jsonw_u64(&w, "hist_max", SI_COV_MAX);
		gsa_jsonw_u64_hist(&w, "hist", m->global, SI_COV_MAX + 1);
		gsa_jsonw_begin_array(&w, "contigs");
		for (i = 0; i < m->n_contigs; i++) {
			const uint64_t *h = m->hist + (size_t)i * (SI_COV_MAX + 1);
			gsa_jsonw_begin_object(&w, NULL);
			gsa_jsonw_str(&w, "name", m->names[i]);
			gsa_jsonw_i64(&w, "length", m->len[i]);
			gsa_jsonw_u64(&w, "bases_covered", m->covered[i]);
			gsa_jsonw_u64(&w, "depth_sum", m->depth_sum[i]);
			gsa_jsonw_num(&w, "mean_depth", m->len[i] ? (double)m->depth_sum[i] / (double)m->len[i] : 0, 6);
			gsa_jsonw_num(&w, "breadth", m->len[i] ? (double)m->covered[i] / (double)m->len[i] : 0, 6);
			gsa_jsonw_u64_hist(&w, "hist", h, SI_COV_MAX + 1);
			gsa_jsonw_end(&w);
		}
		gsa_jsonw_end(&w);
		gsa_jsonw_end(&w);
	}
	gsa_jsonw_end(&w);
	rc = gsa_jsonw_write_file(&w, path, err);
	gsa_jsonw_free(&w);
	return rc;
}
