#include "bgzf_vcfw.h"
#include "alloc.h"
#include "bamrec.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/hts.h>

/* tabix's VCF preset as it is stored in the index's meta block: preset
 * TBX_VCF (2), sequence column 1, begin column 2, no end column, header
 * lines start with '#', no lines skipped. */
static const int32_t TBX_META_VCF[6] = { 2, 1, 2, 0, '#', 0 };

/* Largest position a TBI/CSI is assumed to need without ##contig lengths
 * (tabix's default). */
#define CSI_DEFAULT_MAX_LEN ((int64_t)100 * 1024 * 1024 * 1024)

struct gsa_vcfw {
	gsa_bgzf_t *bg;
	char *name;
	int indexed, idx_fmt, min_shift;
	int started;            /* a record was indexed (the layout is fixed) */
	int64_t max_ref_len;    /* longest ##contig length (CSI levels) */
	char **names;           /* contig names in order of first appearance */
	size_t n_names, m_names;
	size_t last_tid;        /* tid of the previous record */
	char *carry;            /* the line put so far without its '\n' */
	size_t n_carry, m_carry;
	uint64_t n_rec, n_line;
};

void gsa_vcfw_free(gsa_vcfw_t *w)
{
	size_t i;
	if (!w) return;
	gsa_bgzf_free(w->bg);
	for (i = 0; i < w->n_names; i++) free(w->names[i]);
	free(w->names);
	free(w->carry);
	free(w->name);
	free(w);
}

gsa_vcfw_t *gsa_vcfw_open(int fd, const char *name, int level, gsa_pool_t *pool, gsa_index_kind_t index_kind,
			  int min_shift, gsa_err_t *err)
{
	gsa_vcfw_t *w;
	if (index_kind != GSA_INDEX_NONE && index_kind != GSA_INDEX_TBI && index_kind != GSA_INDEX_CSI) {
		gsa_err_set(err, GSA_EINTERNAL, "%s: index kind %d is not one for VCF", name, (int)index_kind);
		return NULL;
	}
	w = gsa_xcalloc(1, sizeof *w);
	w->name = gsa_xstrdup(name);
	if (!(w->bg = gsa_bgzf_open(fd, name, level, pool, err))) goto fail;
	if (index_kind != GSA_INDEX_NONE) {
		w->indexed = 1;
		w->idx_fmt = index_kind == GSA_INDEX_TBI ? HTS_FMT_TBI : HTS_FMT_CSI;
		w->min_shift = index_kind == GSA_INDEX_TBI || min_shift <= 0 ? 14 : min_shift;
		/* TBI: 5 levels; CSI: tabix's for no records, changed at the first
		 * record for the contig lengths of the header */
		if (gsa_bgzf_index_init(w->bg, w->idx_fmt, w->min_shift,
					index_kind == GSA_INDEX_TBI ? 5 : (31 - w->min_shift + 2) / 3, 0, err) < 0)
			goto fail;
	}
	return w;
fail:
	gsa_vcfw_free(w);
	return NULL;
}

/* The contig id of name[0..len): its order of first appearance. */
static size_t contig_id(gsa_vcfw_t *w, const char *name, size_t len)
{
	size_t i;
	if (w->n_names > 0) {
		const char *last = w->names[w->last_tid];
		if (strlen(last) == len && memcmp(last, name, len) == 0) return w->last_tid;
	}
	for (i = 0; i < w->n_names; i++)
		if (strlen(w->names[i]) == len && memcmp(w->names[i], name, len) == 0) return i;
	if (w->n_names == w->m_names) w->names = gsa_xgrow(w->names, &w->m_names, w->n_names + 1, sizeof *w->names);
	w->names[w->n_names] = gsa_xmalloc(len + 1);
	memcpy(w->names[w->n_names], name, len);
	w->names[w->n_names][len] = 0;
	return w->n_names++;
}

/* A decimal (optionally signed) integer at s[0..n); 0 if there is none. */
static int parse_int(const char *s, size_t n, int64_t *v)
{
	size_t i = 0;
	int neg = 0;
	int64_t x = 0;
	if (i < n && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
	if (i == n || s[i] < '0' || s[i] > '9') return 0;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (x > (INT64_MAX - 9) / 10) return 0;
		x = x * 10 + (s[i] - '0');
	}
	*v = neg ? -x : x;
	return 1;
}

/* INFO's END= value (at the start of INFO or after a ';'), if numeric. */
static int info_end(const char *info, size_t n, int64_t *end)
{
	size_t i;
	for (i = 0; i + 4 <= n; i++) {
		if ((i == 0 || info[i - 1] == ';') && memcmp(info + i, "END=", 4) == 0)
			return info[i + 4] != '.' && parse_int(info + i + 4, n - i - 4, end);
	}
	return 0;
}

/* The longest "##contig=<...length=N" seen (CSI levels, as tabix does). */
static void contig_length(gsa_vcfw_t *w, const char *line, size_t len)
{
	const char *p;
	size_t i;
	int64_t v;
	if (len < 8 || memcmp(line, "##contig", 8) != 0) return;
	for (i = 8; i + 6 <= len; i++)
		if (memcmp(line + i, "length", 6) == 0) break;
	if (i + 6 > len) return;
	for (p = line + i + 6; p < line + len && (*p == ' ' || *p == '='); p++) {}
	if (parse_int(p, (size_t)(line + len - p), &v) && v > w->max_ref_len) w->max_ref_len = v;
}

/* CSI: enough levels for the longest contig (tabix's rule). */
static int csi_layout(gsa_vcfw_t *w, gsa_err_t *err)
{
	int n_lvls = (31 - w->min_shift + 2) / 3;
	int64_t max_len = (w->max_ref_len ? w->max_ref_len : CSI_DEFAULT_MAX_LEN) + 256;
	int64_t s = (int64_t)1 << (w->min_shift + 3 * n_lvls);
	for (; max_len > s; ++n_lvls, s <<= 3) {}
	return gsa_bgzf_index_init(w->bg, HTS_FMT_CSI, w->min_shift, n_lvls, 0, err);
}

/* Index one complete line (without its '\n'), written just before. */
static int line_index(gsa_vcfw_t *w, const char *line, size_t len, gsa_err_t *err)
{
	const char *col[8], *end = line + len, *p = line;
	size_t clen[8];
	int nc = 0;
	int64_t pos, beg, stop, e;
	size_t tid;
	w->n_line++;
	if (len == 0) return 0;
	if (line[0] == '#') {
		if (w->indexed && w->idx_fmt == HTS_FMT_CSI) contig_length(w, line, len);
		return w->indexed ? gsa_bgzf_index_mark(w->bg, err) : 0;
	}
	w->n_rec++;
	if (!w->indexed) return 0;
	while (nc < 8) {
		const char *tab = memchr(p, '\t', (size_t)(end - p));
		col[nc] = p;
		clen[nc] = (size_t)((tab ? tab : end) - p);
		nc++;
		if (!tab) break;
		p = tab + 1;
	}
	if (nc < 2 || clen[0] == 0 || !parse_int(col[1], clen[1], &pos))
		return gsa_err_set(err, GSA_EDATA, "%s: line %" PRIu64 " is not a VCF record (no CHROM and numeric POS)",
				   w->name, w->n_line);
	beg = pos - 1 < 0 ? 0 : pos - 1;
	stop = nc >= 4 && clen[3] > 0 ? beg + (int64_t)clen[3] : beg + 1;
	if (nc >= 8 && info_end(col[7], clen[7], &e) && e > beg) stop = e;
	if (!w->started) {
		w->started = 1;
		if (w->idx_fmt == HTS_FMT_CSI && csi_layout(w, err) < 0) return -1;
	}
	tid = contig_id(w, col[0], clen[0]);
	if (tid < w->last_tid)
		return gsa_err_set(err, GSA_EDATA, "%s: line %" PRIu64 ": contig %.*s again after another contig (records of a contig must be together)",
				   w->name, w->n_line, (int)clen[0], col[0]);
	w->last_tid = tid;
	return gsa_bgzf_index_push(w->bg, (int32_t)tid, beg, stop, 1, err);
}

int gsa_vcfw_put(gsa_vcfw_t *w, const char *s, size_t n, gsa_err_t *err)
{
	gsa_err_t local;
	if (!err) err = &local;
	if (gsa_bgzf_check(w->bg, err) < 0) return -1;
	while (n > 0) {
		const char *nl = memchr(s, '\n', n);
		size_t k = nl ? (size_t)(nl - s) + 1 : n;
		const char *line = s;
		size_t len = k - 1;
		if (gsa_bgzf_write(w->bg, s, k, err) < 0) return gsa_bgzf_fail(w->bg, err);
		if (!nl || w->n_carry > 0) { /* keep the line's start until its end comes */
			size_t add = nl ? k - 1 : k;
			if (w->n_carry + add + 1 > w->m_carry)
				w->carry = gsa_xgrow(w->carry, &w->m_carry, w->n_carry + add + 1, 1);
			memcpy(w->carry + w->n_carry, s, add);
			w->n_carry += add;
			line = w->carry;
			len = w->n_carry;
		}
		if (nl) {
			if (line_index(w, line, len, err) < 0) return gsa_bgzf_fail(w->bg, err);
			w->n_carry = 0;
		}
		s += k;
		n -= k;
	}
	return 0;
}

uint64_t gsa_vcfw_records(const gsa_vcfw_t *w)
{
	return w->n_rec;
}

/* The tabix meta block: the preset, then the contig names. */
static void meta_set(gsa_vcfw_t *w)
{
	size_t i, l_nm = 0, at = 28;
	uint8_t *meta;
	for (i = 0; i < w->n_names; i++) l_nm += strlen(w->names[i]) + 1;
	meta = gsa_xmalloc(28 + l_nm);
	for (i = 0; i < 6; i++) gsa_put32(meta + 4 * i, (uint32_t)TBX_META_VCF[i]);
	gsa_put32(meta + 24, (uint32_t)l_nm);
	for (i = 0; i < w->n_names; i++) {
		size_t l = strlen(w->names[i]) + 1;
		memcpy(meta + at, w->names[i], l);
		at += l;
	}
	gsa_bgzf_index_meta(w->bg, meta, at);
	free(meta);
}

int gsa_vcfw_finish(gsa_vcfw_t *w, const char *idx_path, gsa_err_t *err)
{
	int rc = -1;
	gsa_err_t local;
	if (!err) err = &local;
	/* a last line without '\n' is still a line (as bgzf_getline reads it) */
	if (gsa_bgzf_check(w->bg, err) == 0 && (w->n_carry == 0 || line_index(w, w->carry, w->n_carry, err) == 0)) {
		if (w->indexed) meta_set(w);
		rc = gsa_bgzf_finish(w->bg, idx_path, w->idx_fmt, err);
	}
	gsa_vcfw_free(w);
	return rc;
}
