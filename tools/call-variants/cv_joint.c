#include "cv_joint.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/bgzf.h>
#include <htslib/hts.h>
#include <htslib/kstring.h>
#include <htslib/tbx.h>
#include <htslib/vcf.h>

#include "alloc.h"
#include "cli.h"
#include "cv_call.h"
#include "cv_genotype.h"
#include "cv_vcf.h"
#include "io.h"
#include "strbuf.h"

#define JMAX_AL 8                            /* alleles a sample record may hold */
#define JMAX_PL (JMAX_AL * (JMAX_AL + 1) / 2)
#define EM_ITERS 30
#define PRIOR_CHROMS 10.0 /* weight of the per-site prior in the frequency estimate */
#define FLUSH_BYTES (1 << 20)

/* One record of one sample's gVCF. */
typedef struct jrec {
	int rid;
	int64_t pos, end;  /* 0-based; end exclusive (END of a block, else end of REF) */
	int block;         /* reference block: no ALT but <*> */
	int cls;           /* variant record: 0 SNP, 1 indel */
	int done;          /* a site was made of it already */
	int nal, star;     /* alleles; index of <*> (or <NON_REF>), -1 none */
	char *al[JMAX_AL]; /* owned */
	int gt[2];         /* the sample's own genotype (-1 missing) */
	int ploidy;        /* 1 or 2 */
	int dp;
	int ad[JMAX_AL];   /* -1 unknown */
	int npl;
	int pl[JMAX_PL];
} jrec_t;

/* The region of the run: contig NULL for every contig. */
typedef struct jregion {
	char *contig; /* owned */
	int64_t beg, end; /* 0-based, end exclusive */
} jregion_t;

typedef struct jsrc {
	const char *path;
	htsFile *fp;
	bcf_hdr_t *h;
	int n_contigs;  /* contigs of the header as read (htslib adds one for an unknown CHROM) */
	bcf1_t *b;
	/* with a region: its contig (header id) and [beg, end); variant records
	 * before beg make no site.  The file is read on in file order from the
	 * region's first index offset (no iterator or index is kept); rseen: a
	 * record of the contig was read */
	int region, rid, rseen;
	int64_t beg, end;
	jrec_t *buf;
	size_t nbuf, cap;
	int eof;
	int last_rid;
	int64_t last_pos;
} jsrc_t;

static void jrec_clear(jrec_t *r)
{
	for (int i = 0; i < r->nal; i++) free(r->al[i]);
	r->nal = 0;
}

/* A symbolic ALT (<DEL>, '*', a breakend): not a sequence joint can extend or call. */
static int allele_symbolic(const char *a)
{
	return a[0] == '<' || a[0] == '*' || a[0] == '.' || strpbrk(a, "[]") != NULL;
}

/* Allele a of r is a sequence ALT: neither REF, <*> nor symbolic. */
static int allele_callable(const jrec_t *r, int a)
{
	return a > 0 && a < r->nal && a != r->star && !allele_symbolic(r->al[a]);
}

/* Length of contig rid from the header, 0 when it gives none. */
static int64_t contig_len(const bcf_hdr_t *h, int rid)
{
	return (int64_t)h->id[BCF_DT_CTG][rid].val->info[0];
}

static int key_cmp(int ra, int64_t pa, int rb, int64_t pb)
{
	if (ra != rb) return ra < rb ? -1 : 1;
	return pa < pb ? -1 : pa > pb;
}

/* src_read: the first record at the region's index offset is not on the
 * region's contig, so the index was made for another (or an older) file */
#define SRC_INDEX_MISMATCH (-1000)

/* The next record of s (in its region, if any) into s->b: 1, -1 at the end,
 * SRC_INDEX_MISMATCH, else < -1 corrupt. */
static int src_read(jsrc_t *s)
{
	for (;;) {
		int r = bcf_read(s->fp, s->h, s->b);
		if (s->region && !s->rseen && (r == -1 || (r >= 0 && s->b->rid != s->rid))) return SRC_INDEX_MISMATCH;
		if (r < 0) return r;
		if (!s->region) return 1;
		if (s->b->rid != s->rid) return -1;
		s->rseen = 1;
		if (s->b->pos >= s->end) return -1;
		if (s->b->pos + s->b->rlen > s->beg) return 1;
	}
}

/* Read one record into the end of s->buf.  Returns 1, 0 at the end, -1 with err. */
static int src_push(jsrc_t *s, gsa_err_t *err)
{
	if (s->eof) return 0;
	int r = src_read(s);
	if (r == -1) { s->eof = 1; return 0; }
	if (r == SRC_INDEX_MISMATCH)
		return gsa_err_set(err, GSA_EDATA, "%s: its index does not match it (made for another or an older file?); "
				   "run 'tabix -f -p vcf %s'", s->path, s->path);
	bcf1_t *b = s->b;
	if (r >= 0 && ((b->errcode & BCF_ERR_CTG_UNDEF) || b->rid < 0 || b->rid >= s->n_contigs))
		return gsa_err_set(err, GSA_EDATA, "%s: a record's CHROM '%s' is not a contig of the header", s->path,
				   b->rid >= 0 ? bcf_hdr_id2name(s->h, b->rid) : "?");
	if (r < 0 || b->errcode) return gsa_err_set(err, GSA_EDATA, "%s: corrupt or truncated record", s->path);
	if (bcf_unpack(b, BCF_UN_ALL) < 0) return gsa_err_set(err, GSA_EDATA, "%s: cannot unpack a record", s->path);
	if (b->n_allele > JMAX_AL || b->n_allele < 1)
		return gsa_err_set(err, GSA_EDATA, "%s: %s:%lld: more than %d alleles", s->path,
				   bcf_seqname(s->h, b), (long long)b->pos + 1, JMAX_AL);
	if (key_cmp(b->rid, b->pos, s->last_rid, s->last_pos) < 0)
		return gsa_err_set(err, GSA_EDATA, "%s: %s:%lld: records out of order", s->path, bcf_seqname(s->h, b),
				   (long long)b->pos + 1);
	int64_t clen = contig_len(s->h, b->rid), reflen = (int64_t)strlen(b->d.allele[0]);
	if (clen > 0 && b->pos + reflen > clen)
		return gsa_err_set(err, GSA_EDATA, "%s: %s:%lld: past the end of the contig (length %lld)", s->path,
				   bcf_seqname(s->h, b), (long long)b->pos + 1, (long long)clen);
	int32_t *v = NULL;
	int nv = 0;
	int64_t end = b->pos + reflen;
	if (bcf_get_info_int32(s->h, b, "END", &v, &nv) == 1 && v[0] != bcf_int32_missing) {
		if (v[0] <= b->pos || (clen > 0 && v[0] > clen)) {
			gsa_err_set(err, GSA_EDATA, "%s: %s:%lld: END=%d %s", s->path, bcf_seqname(s->h, b),
				    (long long)b->pos + 1, v[0], v[0] <= b->pos ? "before POS" : "past the end of the contig");
			free(v);
			return -1;
		}
		end = v[0];
	}
	s->last_rid = b->rid;
	s->last_pos = b->pos;
	s->buf = gsa_xgrow(s->buf, &s->cap, s->nbuf + 1, sizeof *s->buf);
	jrec_t *j = &s->buf[s->nbuf++];
	memset(j, 0, sizeof *j);
	j->rid = b->rid;
	j->pos = b->pos;
	j->end = end;
	j->nal = b->n_allele;
	j->star = -1;
	int cls = 0, real_alt = 0;
	for (int i = 0; i < b->n_allele; i++) {
		j->al[i] = gsa_xstrdup(b->d.allele[i]);
		if (i > 0 && (strcmp(j->al[i], "<*>") == 0 || strcmp(j->al[i], "<NON_REF>") == 0)) j->star = i;
	}
	for (int i = 1; i < j->nal; i++)
		if (allele_callable(j, i)) {
			real_alt++;
			if (strlen(j->al[i]) != strlen(j->al[0])) cls = 1;
		}
	j->block = real_alt == 0;
	j->cls = cls;
	/* a variant record starting before the region only lends its likelihoods to sites inside it */
	j->done = !j->block && j->pos < s->beg;
	j->gt[0] = j->gt[1] = -1;
	int ngt = bcf_get_genotypes(s->h, b, &v, &nv), gt_ploidy = 0;
	for (int i = 0; i < ngt && v[i] != bcf_int32_vector_end; i++, gt_ploidy++)
		if (i < 2 && !bcf_gt_is_missing(v[i])) j->gt[i] = bcf_gt_allele(v[i]);
	int npl = bcf_get_format_int32(s->h, b, "PL", &v, &nv);
	if (npl > 0 && npl <= JMAX_PL) {
		j->npl = npl;
		for (int i = 0; i < npl; i++) {
			if (v[i] == bcf_int32_missing || v[i] == bcf_int32_vector_end) { j->npl = 0; break; }
			if (v[i] < 0) {
				gsa_err_set(err, GSA_EDATA, "%s: %s:%lld: negative PL %d", s->path, bcf_seqname(s->h, b),
					    (long long)b->pos + 1, v[i]);
				free(v);
				return -1;
			}
			j->pl[i] = v[i];
		}
	}
	/* the ploidy of GT, or without GT the one the PL count gives; a PL count
	 * that fits neither leaves the record without likelihoods */
	int n1 = j->nal, n2 = j->nal * (j->nal + 1) / 2;
	if (gt_ploidy == 0) gt_ploidy = j->npl == n1 ? 1 : 2;
	j->ploidy = gt_ploidy;
	if ((gt_ploidy == 1 && j->npl != n1) || (gt_ploidy == 2 && j->npl != n2) || gt_ploidy > 2) j->npl = 0;
	for (int i = 0; i < JMAX_AL; i++) j->ad[i] = -1;
	int nad = bcf_get_format_int32(s->h, b, "AD", &v, &nv);
	for (int i = 0; i < nad && i < j->nal; i++) j->ad[i] = v[i] < 0 ? 0 : v[i];
	j->dp = 0;
	if (bcf_get_format_int32(s->h, b, "DP", &v, &nv) >= 1 && v[0] >= 0) j->dp = v[0];
	else if (bcf_get_format_int32(s->h, b, "MIN_DP", &v, &nv) >= 1 && v[0] >= 0) j->dp = v[0];
	else {
		int64_t sum = 0;
		for (int i = 0; i < j->nal; i++) sum += j->ad[i] > 0 ? j->ad[i] : 0;
		j->dp = sum > INT_MAX ? INT_MAX : (int)sum;
	}
	free(v);
	return 1;
}

static int src_has_variant(const jsrc_t *s)
{
	for (size_t i = 0; i < s->nbuf; i++)
		if (!s->buf[i].block && !s->buf[i].done) return 1;
	return 0;
}

static const jrec_t *src_first_variant(const jsrc_t *s)
{
	for (size_t i = 0; i < s->nbuf; i++)
		if (!s->buf[i].block && !s->buf[i].done) return &s->buf[i];
	return NULL;
}

/* Drop records that cannot cover a site after (rid, pos). */
static void src_drop(jsrc_t *s, int rid, int64_t pos)
{
	size_t k = 0;
	for (size_t i = 0; i < s->nbuf; i++) {
		jrec_t *r = &s->buf[i];
		if (r->rid < rid || (r->rid == rid && r->end <= pos + 1)) { jrec_clear(r); continue; }
		if (!r->block && r->rid == rid && r->pos <= pos) r->done = 1;
		if (k != i) s->buf[k] = *r;
		k++;
	}
	s->nbuf = k;
}

static void src_close(jsrc_t *s)
{
	for (size_t i = 0; i < s->nbuf; i++) jrec_clear(&s->buf[i]);
	free(s->buf);
	if (s->b) bcf_destroy(s->b);
	if (s->h) bcf_hdr_destroy(s->h);
	if (s->fp) hts_close(s->fp);
}

/* Open path and read its header: one sample, a gVCF (an Integer INFO/END
 * declared), the contigs (names, lengths, order) of first when given. */
static int src_open(jsrc_t *s, const char *path, const bcf_hdr_t *first, gsa_err_t *err)
{
	memset(s, 0, sizeof *s);
	s->path = path;
	s->last_rid = -1;
	if (gsa_input_check(path, err) < 0) return -1; /* a FIFO would block, a device never end */
	s->fp = hts_open(path, "r");
	if (!s->fp) return gsa_err_errno(err, errno ? errno : EIO, "%s: cannot open", path);
	const htsFormat *f = hts_get_format(s->fp);
	if (f->format != vcf && f->format != bcf) return gsa_err_set(err, GSA_EDATA, "%s: not a VCF file", path);
	if (f->compression == bgzf && bgzf_check_EOF(s->fp->fp.bgzf) == 0)
		return gsa_err_set(err, GSA_EDATA, "%s: truncated (no BGZF end-of-file block)", path);
	s->h = bcf_hdr_read(s->fp);
	if (!s->h) return gsa_err_set(err, GSA_EDATA, "%s: not a VCF (cannot read the header)", path);
	s->n_contigs = s->h->n[BCF_DT_CTG];
	if (bcf_hdr_nsamples(s->h) != 1)
		return gsa_err_set(err, GSA_EDATA, "%s: %d samples; joint takes one gVCF per sample", path,
				   bcf_hdr_nsamples(s->h));
	int end_id = bcf_hdr_id2int(s->h, BCF_DT_ID, "END");
	if (!bcf_hdr_idinfo_exists(s->h, BCF_HL_INFO, end_id) || bcf_hdr_id2type(s->h, BCF_HL_INFO, end_id) != BCF_HT_INT)
		return gsa_err_set(err, GSA_EDATA,
				   "%s: not a gVCF (its header declares no INFO/END of Type=Integer for reference blocks)", path);
	if (first) {
		int same = first->n[BCF_DT_CTG] == s->n_contigs;
		for (int i = 0; same && i < s->n_contigs; i++)
			same = strcmp(bcf_hdr_id2name(first, i), bcf_hdr_id2name(s->h, i)) == 0 &&
			       contig_len(first, i) == contig_len(s->h, i);
		if (!same)
			return gsa_err_set(err, GSA_EDATA, "%s: its contigs (names, lengths or order) differ from the first gVCF's",
					   path);
	}
	s->b = bcf_init();
	if (!s->b) gsa_oom(sizeof(bcf1_t));
	return 0;
}

/* Position s at the region (checked against the headers already): at its
 * first index offset, the iterator and index freed, so that memory does not
 * grow with the region as an iterator's chunk list does. */
static int src_seek(jsrc_t *s, const jregion_t *rg, gsa_err_t *err)
{
	tbx_t *tbx = tbx_index_load3(s->path, NULL, HTS_IDX_SILENT_FAIL);
	if (!tbx)
		return gsa_err_set(err, GSA_EDATA, "%s: no usable tabix index (.tbi missing or damaged); run 'tabix -p vcf %s'",
				   s->path, s->path);
	s->region = 1;
	s->rid = bcf_hdr_name2id(s->h, rg->contig);
	s->beg = rg->beg;
	s->end = rg->end;
	int rc = 0, tid = tbx_name2id(tbx, rg->contig);
	hts_itr_t *itr = tid < 0 ? NULL : tbx_itr_queryi(tbx, tid, rg->beg, rg->end);
	if (tid < 0 || (itr && itr->n_off == 0))
		s->eof = 1; /* no records of the region in this file */
	else if (!itr)
		rc = gsa_err_set(err, GSA_EDATA, "%s: cannot query the tabix index", s->path);
	else if (!hts_get_bgzfp(s->fp) || bgzf_seek(hts_get_bgzfp(s->fp), (int64_t)itr->off[0].u, SEEK_SET) < 0)
		rc = gsa_err_set(err, GSA_EDATA, "%s: cannot seek to the region (index or file damaged)", s->path);
	if (itr) hts_itr_destroy(itr);
	tbx_destroy(tbx);
	return rc;
}

/* The region spec read as the caller's -r is (cv_regions_parse), against
 * the contigs of h: one contig, or part of one. */
static int region_parse(const bcf_hdr_t *h, const char *spec, jregion_t *rg, gsa_err_t *err)
{
	sam_hdr_t *sh = sam_hdr_init();
	if (!sh) gsa_oom(sizeof(sam_hdr_t));
	int rc = 0;
	for (int i = 0; rc == 0 && i < h->n[BCF_DT_CTG]; i++) {
		char len[32];
		int64_t l = contig_len(h, i);
		snprintf(len, sizeof len, "%lld", (long long)(l > 0 ? l : (int64_t)1 << 53));
		if (sam_hdr_add_line(sh, "SQ", "SN", bcf_hdr_id2name(h, i), "LN", len, NULL) < 0)
			rc = gsa_err_set(err, GSA_EDATA, "contig '%s' of the gVCFs: not usable as a region", bcf_hdr_id2name(h, i));
	}
	cv_region_t *reg = NULL;
	int n = 0;
	if (rc == 0) rc = cv_regions_parse(sh, spec, &reg, &n, err);
	if (rc == 0 && n != 1) rc = gsa_err_set(err, GSA_EDATA, "region '%s': joint takes one region", spec);
	if (rc == 0) {
		rg->contig = gsa_xstrdup(sam_hdr_tid2name(sh, reg[0].tid));
		rg->beg = reg[0].beg;
		rg->end = reg[0].end;
	}
	free(reg);
	sam_hdr_destroy(sh);
	return rc;
}

/* ---- one cohort site ---------------------------------------------------- */

typedef struct jsite {
	int n;
	const jrec_t **src;   /* per sample: the record giving its likelihoods, or NULL */
	int (*map)[CV_MAX_ALLELES]; /* per sample: cohort allele -> its allele (-1 none) */
	double (*gl)[CV_MAX_GT];
	double (*post)[CV_MAX_GT];
	int *ploidy;
	int *how;             /* 0 its own record at the site, 1 a block, 2 an overlapping record */
} jsite_t;

static void jsite_init(jsite_t *js, int n)
{
	js->n = n;
	js->src = gsa_xcalloc((size_t)n, sizeof *js->src);
	js->map = gsa_xcalloc((size_t)n, sizeof *js->map);
	js->gl = gsa_xcalloc((size_t)n, sizeof *js->gl);
	js->post = gsa_xcalloc((size_t)n, sizeof *js->post);
	js->ploidy = gsa_xcalloc((size_t)n, sizeof *js->ploidy);
	js->how = gsa_xcalloc((size_t)n, sizeof *js->how);
}

static void jsite_free(jsite_t *js)
{
	free(js->src); free(js->map); free(js->gl); free(js->post); free(js->ploidy); free(js->how);
}

/* The allele string of r extended to the cohort REF (r's REF is a prefix of it). */
static void allele_ext(const jrec_t *r, int i, const char *ref, gsa_strbuf_t *out)
{
	gsa_strbuf_append(out, r->al[i]);
	size_t rl = strlen(r->al[0]);
	if (strlen(ref) > rl) gsa_strbuf_append(out, ref + rl);
}

typedef struct jall { char *s; int carriers; } jall_t;

/* log10 of the sample's likelihood of cohort genotype a/b (a <= b). */
static double sample_gl(const jrec_t *r, const int *m, int ploidy, int a, int b)
{
	if (ploidy == 1) {
		if (a != b) return -INFINITY;
		return m[a] < 0 ? -9999.9 : -r->pl[m[a]] / 10.0;
	}
	if (m[a] < 0 || m[b] < 0) return -9999.9;
	return -r->pl[cv_gt_index(m[a], m[b])] / 10.0;
}

static void fmt_qual(gsa_strbuf_t *out, double q)
{
	char qs[32];
	snprintf(qs, sizeof qs, "%.6g", (double)(float)(round(q * 100) / 100));
	gsa_strbuf_append(out, qs);
}

static void site_call(jsrc_t *src, jsite_t *js, const bcf_hdr_t *h, int rid, int64_t pos, int cls,
		      const cv_opts_t *o, gsa_strbuf_t *out, cv_joint_stats_t *st)
{
	int n = js->n;
	/* the cohort REF: the longest REF of the records here */
	const char *ref = NULL;
	for (int i = 0; i < n; i++)
		for (size_t k = 0; k < src[i].nbuf; k++) {
			const jrec_t *r = &src[i].buf[k];
			if (r->rid == rid && r->pos == pos && !r->block && r->cls == cls && (!ref || strlen(r->al[0]) > strlen(ref)))
				ref = r->al[0];
		}
	if (!ref) return;
	/* the ALT alleles, most carried first (then first seen) */
	jall_t all[JMAX_AL * 4];
	int nall = 0;
	gsa_strbuf_t sb;
	gsa_strbuf_init(&sb);
	for (int i = 0; i < n; i++) {
		js->src[i] = NULL;
		for (size_t k = 0; k < src[i].nbuf && !js->src[i]; k++) {
			const jrec_t *r = &src[i].buf[k];
			if (r->rid == rid && r->pos == pos && !r->block && r->cls == cls) js->src[i] = r;
		}
		const jrec_t *r = js->src[i];
		if (!r) continue;
		for (int a = 1; a < r->nal; a++) {
			if (!allele_callable(r, a)) continue;
			sb.len = 0;
			if (sb.s) sb.s[0] = '\0';
			allele_ext(r, a, ref, &sb);
			int x = 0;
			while (x < nall && strcmp(all[x].s, sb.s) != 0) x++;
			if (x == nall) {
				if (nall == (int)(sizeof all / sizeof all[0])) continue;
				all[nall].s = gsa_xstrdup(sb.s);
				all[nall].carriers = 0;
				nall++;
			}
			if (r->gt[0] == a || r->gt[1] == a) all[x].carriers++;
		}
	}
	for (int x = 1; x < nall; x++)
		for (int y = x; y > 0 && all[y].carriers > all[y - 1].carriers; y--) {
			jall_t t = all[y]; all[y] = all[y - 1]; all[y - 1] = t;
		}
	int K = 1 + (nall < CV_MAX_ALLELES - 1 ? nall : CV_MAX_ALLELES - 1);
	const char *cal[CV_MAX_ALLELES];
	cal[0] = ref;
	for (int k = 1; k < K; k++) cal[k] = all[k - 1].s;
	/* each sample's source and allele map */
	for (int i = 0; i < n; i++) {
		const jrec_t *r = js->src[i];
		int how = 0; /* 0 own record, 1 block, 2 an overlapping record */
		for (size_t k = 0; k < src[i].nbuf && !r; k++) {
			const jrec_t *q = &src[i].buf[k];
			if (q->block && q->rid == rid && q->pos <= pos && pos < q->end) { r = q; how = 1; }
		}
		for (size_t k = 0; k < src[i].nbuf && !r; k++) {
			const jrec_t *q = &src[i].buf[k];
			if (!q->block && q->rid == rid && q->pos <= pos && pos < q->end) { r = q; how = 2; }
		}
		if (r && (r->npl == 0 || r->dp == 0)) r = NULL;
		js->src[i] = r;
		js->how[i] = how;
		if (!r) continue;
		js->ploidy[i] = r->ploidy;
		js->map[i][0] = 0;
		for (int k = 1; k < K; k++) {
			js->map[i][k] = r->star;
			if (how != 0) continue;
			for (int a = 1; a < r->nal; a++) {
				if (!allele_callable(r, a)) continue;
				sb.len = 0;
				if (sb.s) sb.s[0] = '\0';
				allele_ext(r, a, ref, &sb);
				if (strcmp(sb.s, cal[k]) == 0) { js->map[i][k] = a; break; }
			}
		}
		for (int b = 0; b < K; b++)
			for (int a = 0; a <= b; a++)
				js->gl[i][cv_gt_index(a, b)] = sample_gl(r, js->map[i], r->ploidy, a, b);
	}
	/* EM: allele frequencies of the cohort under Hardy-Weinberg */
	double theta = cls ? o->indel_theta : o->snp_theta, f[CV_MAX_ALLELES];
	f[0] = 1.0 - theta * (K - 1);
	for (int k = 1; k < K; k++) f[k] = theta;
	double f0[CV_MAX_ALLELES];
	memcpy(f0, f, sizeof f0);
	int ng = cv_gt_count(K);
	for (int it = 0; it <= EM_ITERS; it++) {
		double c[CV_MAX_ALLELES] = { 0 }, tot = 0;
		for (int i = 0; i < n; i++) {
			if (!js->src[i]) continue;
			double mx = -INFINITY, sum = 0;
			for (int b = 0; b < K; b++)
				for (int a = 0; a <= b; a++) {
					int g = cv_gt_index(a, b);
					double pr = js->ploidy[i] == 1 ? (a == b ? f[a] : 0) : (a == b ? f[a] * f[a] : 2 * f[a] * f[b]);
					js->post[i][g] = pr > 0 ? js->gl[i][g] + log10(pr) : -INFINITY;
					if (js->post[i][g] > mx) mx = js->post[i][g];
				}
			for (int g = 0; g < ng; g++) {
				js->post[i][g] = pow(10.0, js->post[i][g] - mx);
				sum += js->post[i][g];
			}
			for (int b = 0; b < K; b++)
				for (int a = 0; a <= b; a++) {
					double p = js->post[i][cv_gt_index(a, b)] / sum;
					js->post[i][cv_gt_index(a, b)] = p;
					c[a] += p;
					if (js->ploidy[i] == 2) c[b] += p;
				}
		}
		if (it == EM_ITERS) break;
		for (int k = 0; k < K; k++) tot += c[k];
		if (tot <= 0) break;
		double change = 0;
		for (int k = 0; k < K; k++) {
			/* shrunk towards the per-site prior by PRIOR_CHROMS pseudo-chromosomes */
			double nf = (c[k] + PRIOR_CHROMS * f0[k]) / (tot + PRIOR_CHROMS);
			if (nf < 1e-8) nf = 1e-8;
			change += fabs(nf - f[k]);
			f[k] = nf;
		}
		if (change < 1e-6) it = EM_ITERS - 1; /* one last pass with these frequencies */
	}
	/* genotypes, QUAL, used alleles */
	double lq = 0;
	int used[CV_MAX_ALLELES] = { 1, 0, 0, 0 }, any = 0;
	int *ga = gsa_xmalloc(2 * (size_t)n * sizeof *ga), *gq = gsa_xmalloc((size_t)n * sizeof *gq);
	for (int i = 0; i < n; i++) {
		ga[2 * i] = ga[2 * i + 1] = -1;
		gq[i] = 0;
		if (!js->src[i]) continue;
		int best = 0;
		for (int g = 1; g < ng; g++)
			if (js->post[i][g] > js->post[i][best]) best = g;
		for (int b = 0; b < K; b++)
			for (int a = 0; a <= b; a++)
				if (cv_gt_index(a, b) == best) { ga[2 * i] = a; ga[2 * i + 1] = b; }
		double other = 1.0 - js->post[i][best];
		double q = other > 1e-10 ? -10.0 * log10(other) : 99.0;
		gq[i] = q > 99 ? 99 : (int)(q + 0.5);
		lq += log10(js->post[i][0] > 1e-300 ? js->post[i][0] : 1e-300);
		if (ga[2 * i + 1] > 0) {
			used[ga[2 * i]] = used[ga[2 * i + 1]] = 1;
			any = 1;
		}
	}
	double qual = lq < 0 ? -10.0 * lq : 0;
	if (qual > 9999) qual = 9999;
	if (any && qual >= o->min_qual) {
		int keep[CV_MAX_ALLELES], nk = 0, newidx[CV_MAX_ALLELES];
		for (int k = 0; k < K; k++) {
			newidx[k] = -1;
			if (used[k]) { newidx[k] = nk; keep[nk++] = k; }
		}
		/* trim the common suffix (an allele that made REF long may be gone) */
		size_t trim = 0, minlen = (size_t)-1;
		for (int x = 0; x < nk; x++)
			if (strlen(cal[keep[x]]) < minlen) minlen = strlen(cal[keep[x]]);
		for (;;) {
			if (trim + 1 >= minlen) break;
			char c0 = cal[0][strlen(cal[0]) - 1 - trim];
			int ok = 1;
			for (int x = 1; x < nk && ok; x++) ok = cal[keep[x]][strlen(cal[keep[x]]) - 1 - trim] == c0;
			if (!ok) break;
			trim++;
		}
		int ac[CV_MAX_ALLELES] = { 0 }, an = 0;
		int64_t dptot = 0;
		for (int i = 0; i < n; i++) {
			if (!js->src[i]) continue;
			dptot += js->src[i]->dp;
			int np = js->ploidy[i];
			for (int h = 0; h < np; h++) {
				an++;
				ac[newidx[ga[2 * i + h]]]++;
			}
		}
		gsa_strbuf_appendf(out, "%s\t%lld\t.\t%.*s\t", bcf_hdr_id2name(h, rid), (long long)pos + 1,
				   (int)(strlen(cal[0]) - trim), cal[0]);
		for (int x = 1; x < nk; x++)
			gsa_strbuf_appendf(out, "%s%.*s", x > 1 ? "," : "", (int)(strlen(cal[keep[x]]) - trim), cal[keep[x]]);
		gsa_strbuf_appendc(out, '\t');
		fmt_qual(out, qual);
		gsa_strbuf_appendf(out, "\t%s\tDP=%lld;AN=%d;AC=", qual < o->lowqual ? "LowQual" : "PASS",
				   (long long)(dptot > INT32_MAX ? INT32_MAX : dptot), an);
		for (int x = 1; x < nk; x++) gsa_strbuf_appendf(out, "%s%d", x > 1 ? "," : "", ac[x]);
		if (cls) gsa_strbuf_append(out, ";INDEL");
		gsa_strbuf_append(out, "\tGT:AD:DP:GQ:PL");
		for (int i = 0; i < n; i++) {
			const jrec_t *r = js->src[i];
			if (!r) {
				gsa_strbuf_append(out, "\t./.:");
				for (int x = 0; x < nk; x++) gsa_strbuf_append(out, x ? ",0" : "0");
				gsa_strbuf_append(out, ":0:0:.");
				continue;
			}
			int a = newidx[ga[2 * i]], b = newidx[ga[2 * i + 1]];
			if (js->ploidy[i] == 1) gsa_strbuf_appendf(out, "\t%d:", a);
			else gsa_strbuf_appendf(out, "\t%d/%d:", a, b);
			for (int x = 0; x < nk; x++) {
				int m = js->map[i][keep[x]], v = 0;
				if (r->block) v = x == 0 ? r->dp : 0;
				else if (m >= 0 && m != r->star && r->ad[m] >= 0) v = r->ad[m];
				gsa_strbuf_appendf(out, x ? ",%d" : "%d", v);
			}
			gsa_strbuf_appendf(out, ":%d:%d:", r->dp, gq[i]);
			/* PL of the kept alleles from the sample's likelihoods */
			double mx = -INFINITY;
			for (int y = 0; y < nk; y++)
				for (int x = 0; x <= y; x++)
					if ((js->ploidy[i] == 2 || x == y) && js->gl[i][cv_gt_index(keep[x], keep[y])] > mx)
						mx = js->gl[i][cv_gt_index(keep[x], keep[y])];
			int first = 1;
			for (int y = 0; y < nk; y++)
				for (int x = 0; x <= y; x++) {
					if (js->ploidy[i] == 1 && x != y) continue;
					double v = -10.0 * (js->gl[i][cv_gt_index(keep[x], keep[y])] - mx);
					gsa_strbuf_appendf(out, first ? "%d" : ",%d", v > 99999 ? 99999 : (int)(v + 0.5));
					first = 0;
				}
			/* against the sample's own call */
			int own_alt = js->how[i] == 0 && (allele_callable(r, r->gt[0]) || allele_callable(r, r->gt[1]));
			int joint_alt = ga[2 * i + 1] > 0;
			if (joint_alt && !own_alt) st->recovered++;
			if (!joint_alt && own_alt) st->lost++;
		}
		gsa_strbuf_appendc(out, '\n');
		st->sites++;
	}
	free(ga);
	free(gq);
	for (int x = 0; x < nall; x++) free(all[x].s);
	gsa_strbuf_free(&sb);
}

/* ---- the run ---------------------------------------------------------- */

static void write_header(gsa_strbuf_t *out, jsrc_t *src, int n, const char *cmdline)
{
	const bcf_hdr_t *h = src[0].h;
	gsa_strbuf_append(out, "##fileformat=VCFv4.2\n");
	gsa_strbuf_append(out, "##FILTER=<ID=PASS,Description=\"All filters passed\">\n");
	gsa_strbuf_append(out, "##FILTER=<ID=LowQual,Description=\"QUAL below the --lowqual threshold\">\n");
	gsa_strbuf_appendf(out, "##source=gsa call-variants joint %s\n", gsa_version());
	if (cmdline) gsa_strbuf_appendf(out, "##call-variantsCommand=%s\n", cmdline);
	bcf_hrec_t *ref = bcf_hdr_get_hrec(h, BCF_HL_GEN, "reference", NULL, NULL);
	if (ref && ref->value) gsa_strbuf_appendf(out, "##reference=%s\n", ref->value);
	int nc = 0;
	const char **names = bcf_hdr_seqnames(h, &nc);
	for (int i = 0; i < nc; i++) {
		bcf_hrec_t *hr = bcf_hdr_get_hrec(h, BCF_HL_CTG, "ID", names[i], NULL);
		int k = hr ? bcf_hrec_find_key(hr, "length") : -1;
		if (k >= 0) gsa_strbuf_appendf(out, "##contig=<ID=%s,length=%s>\n", names[i], hr->vals[k]);
		else gsa_strbuf_appendf(out, "##contig=<ID=%s>\n", names[i]);
	}
	free(names);
	gsa_strbuf_append(out,
		"##INFO=<ID=DP,Number=1,Type=Integer,Description=\"Reads used at the site, all samples\">\n"
		"##INFO=<ID=AN,Number=1,Type=Integer,Description=\"Called alleles\">\n"
		"##INFO=<ID=AC,Number=A,Type=Integer,Description=\"Called ALT alleles, per ALT\">\n"
		"##INFO=<ID=INDEL,Number=0,Type=Flag,Description=\"The site is an indel\">\n"
		"##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n"
		"##FORMAT=<ID=AD,Number=R,Type=Integer,Description=\"Reads supporting each allele\">\n"
		"##FORMAT=<ID=DP,Number=1,Type=Integer,Description=\"Reads used for the sample\">\n"
		"##FORMAT=<ID=GQ,Number=1,Type=Integer,Description=\"Genotype quality (phred) under the cohort prior\">\n"
		"##FORMAT=<ID=PL,Number=G,Type=Integer,Description=\"Phred-scaled genotype likelihoods\">\n");
	gsa_strbuf_append(out, "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT");
	for (int i = 0; i < n; i++) gsa_strbuf_appendf(out, "\t%s", src[i].h->samples[0]);
	gsa_strbuf_appendc(out, '\n');
}

int cv_joint_run(char **paths, int n, const char *region, const cv_opts_t *o, const char *out,
		 const char *cmdline, cv_joint_stats_t *st, gsa_err_t *err)
{
	memset(st, 0, sizeof *st);
	jsrc_t *src = gsa_xcalloc((size_t)n, sizeof *src);
	jregion_t rg = { NULL, 0, 0 };
	int rc = 0, nopen = 0;
	for (int i = 0; i < n && rc == 0; i++, nopen++) {
		rc = src_open(&src[i], paths[i], i ? src[0].h : NULL, err);
		for (int k = 0; rc == 0 && k < i; k++)
			if (strcmp(src[i].h->samples[0], src[k].h->samples[0]) == 0)
				rc = gsa_err_set(err, GSA_EDATA, "%s: sample %s is also the sample of %s (the same gVCF twice?)",
						 paths[i], src[i].h->samples[0], paths[k]);
	}
	if (rc == 0 && region && region_parse(src[0].h, region, &rg, err) < 0) rc = gsa_err_prefix(err, "%s", paths[0]);
	for (int i = 0; i < n && rc == 0 && region; i++) rc = src_seek(&src[i], &rg, err);
	cv_vcf_writer_t vw;
	memset(&vw, 0, sizeof vw);
	int wopen = 0;
	gsa_strbuf_t buf;
	gsa_strbuf_init(&buf);
	if (rc == 0) {
		rc = cv_vcf_writer_open(&vw, out, o->level, NULL, cv_vcf_longest_contig(src[0].h), err);
		wopen = rc == 0;
	}
	if (rc == 0) write_header(&buf, src, n, cmdline);
	jsite_t js;
	jsite_init(&js, n);
	while (rc == 0) {
		/* the next site: the first unmade variant record of any sample */
		int have = 0, srid = 0;
		int64_t spos = 0;
		for (int i = 0; i < n; i++) {
			const jrec_t *v = src_first_variant(&src[i]);
			if (v && (!have || key_cmp(v->rid, v->pos, srid, spos) < 0)) { have = 1; srid = v->rid; spos = v->pos; }
		}
		for (int i = 0; i < n && rc == 0; i++) {
			/* read ahead only as far as the site found so far */
			while (!src[i].eof && !src_has_variant(&src[i]) &&
			       (!have || src[i].nbuf == 0 ||
				key_cmp(src[i].buf[src[i].nbuf - 1].rid, src[i].buf[src[i].nbuf - 1].pos, srid, spos) <= 0)) {
				int r = src_push(&src[i], err);
				if (r < 0) { rc = -1; break; }
			}
			const jrec_t *v = src_first_variant(&src[i]);
			if (v && (!have || key_cmp(v->rid, v->pos, srid, spos) < 0)) { have = 1; srid = v->rid; spos = v->pos; }
		}
		if (rc < 0 || !have) break;
		/* every record at the site in the buffers */
		for (int i = 0; i < n && rc == 0; i++)
			while (!src[i].eof && (src[i].nbuf == 0 ||
					       key_cmp(src[i].buf[src[i].nbuf - 1].rid, src[i].buf[src[i].nbuf - 1].pos, srid, spos) <= 0))
				if (src_push(&src[i], err) < 0) { rc = -1; break; }
		if (rc < 0) break;
		site_call(src, &js, src[0].h, srid, spos, 0, o, &buf, st);
		site_call(src, &js, src[0].h, srid, spos, 1, o, &buf, st);
		for (int i = 0; i < n; i++) src_drop(&src[i], srid, spos);
		if (buf.len >= FLUSH_BYTES) {
			rc = cv_vcf_writer_put(&vw, buf.s, buf.len, err);
			buf.len = 0;
		}
	}
	if (rc == 0) rc = cv_vcf_writer_put(&vw, buf.s, buf.len, err);
	jsite_free(&js);
	gsa_strbuf_free(&buf);
	for (int i = 0; i < nopen; i++) src_close(&src[i]);
	free(src);
	free(rg.contig);
	if (rc == 0) return cv_vcf_writer_commit(&vw, err);
	if (wopen) cv_vcf_writer_abort(&vw);
	return -1;
}
