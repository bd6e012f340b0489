#include "cv_chunk.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/khash.h>

#include "alloc.h"
#include "hash.h"
#include "cv_base.h"
#include "cv_annot.h"
#include "cv_bqcal.h"
#include "cv_genotype.h"
#include "cv_gvcf.h"
#include "cv_indel.h"
#include "cv_ploidy.h"

#define READ_PAD 450  /* reads are loaded this far beyond the slice */
#define REF_PAD 1000  /* reference is loaded this far beyond the reads' window */
#define FLANK 30      /* haplotype flank on each side of an indel locus */
#define SEG_SLACK 6   /* read segment stays this far inside the haplotype window */
#define MAXQ 64
#define LOCUS_REACH 150 /* indel loci this far outside a chunk are realigned by it too */
#define PHASE_REACH 400 /* SNP sites this close share fragments for phase evidence */
#define PHASE_MIN_GQ 20 /* a phase anchor is a het call at least this sure */
#define PHASE_MAX_ANCHORS 3 /* anchors per SNP, each over other fragments */
#define MASK_MARGIN 10  /* phred: a read fits another indel allele than its CIGAR's this much better */

/* Reference span [beg, end) of read number read whose bases are not SNP
 * evidence: its alignment there is off by an indel (see indel_likelihoods). */
typedef struct mask { int read; int64_t beg, end; } mask_t;

/* One read's (fragment's) evidence at a biallelic SNP site of one sample:
 * P(base | REF), P(base | ALT). */
typedef struct obs { uint32_t site; int sample; uint64_t frag; double p0, p1; } obs_t;

/* An indel seen in a read's CIGAR, left-aligned. */
typedef struct ev {
	int64_t pos;  /* anchor base */
	int del;      /* deleted bases, or 0 */
	int ins;      /* inserted bases, or 0 */
	uint32_t seq; /* offset of the inserted bases in the pool */
} ev_t;

/* A candidate site: SNP (alleles are bases) or indel locus. */
typedef struct site {
	int64_t pos;
	int is_indel;
	int nall;
	char base[CV_MAX_ALLELES];  /* SNP alleles */
	int del[CV_MAX_ALLELES];    /* indel alleles: deleted bases */
	int ins[CV_MAX_ALLELES];    /* inserted bases */
	uint32_t seq[CV_MAX_ALLELES];
	int64_t anchor[CV_MAX_ALLELES]; /* indel alleles: base before the event */
} site_t;

struct cv_worker {
	const cv_input_t *in;
	const cv_opts_t *o;
	cv_reader_t rd;
	cv_readbuf_t rb;
	int ns;
	/* per position of the read window */
	uint32_t *cnt, *dep;
	int32_t *cand;
	size_t cap_pos;
	/* indel events */
	ev_t *ev; size_t nev, cap_ev;
	char *pool; size_t npool, cap_pool;
	/* sites and their per-sample sums */
	site_t *site; size_t nsite, cap_site;
	double *gl; int *ad, *dp, *ndel; size_t cap_gl;
	cv_annot_acc_t *ann; size_t cap_ann; /* per site, all samples */
	cv_refconf_t *refc;  /* gVCF reference confidence (o->gvcf) */
	/* probabilities: [q][mq] for a matching / mismatching base */
	double pmatch[MAXQ][61], pmis[MAXQ][61];
	double pmis_mq[61]; /* P(read misplaced) of each MAPQ */
	/* realignment scratch */
	char *hap, *seg; uint8_t *segq; size_t cap_hap, cap_seg, cap_segq;
	int *work; size_t cap_work;
	int64_t *rc; size_t cap_rc;
	mask_t *mask; size_t nmask, cap_mask;
	obs_t *obs; size_t nobs, cap_obs;   /* SNP evidence per fragment, for phasing */
	uint8_t *anchor; size_t cap_anchor; /* [site][sample]: a sure het (phase anchor) */
	uint8_t *used; size_t cap_used;     /* per observation of a site: taken by an anchor */
	/* per sample: reference span [beg, end) deleted on both haplotypes by
	 * the last hom-ALT deletion written in this chunk */
	int64_t *homdel_beg, *homdel_end;
};

cv_worker_t *cv_worker_new(const cv_input_t *in, const cv_opts_t *o, gsa_err_t *err)
{
	cv_worker_t *w = gsa_xcalloc(1, sizeof *w);
	w->in = in;
	w->o = o;
	w->ns = in->nsamples;
	w->homdel_beg = gsa_xcalloc((size_t)w->ns + 1, sizeof *w->homdel_beg);
	w->homdel_end = gsa_xcalloc((size_t)w->ns + 1, sizeof *w->homdel_end);
	if (cv_reader_open(&w->rd, in, err) < 0) {
		free(w->homdel_beg); free(w->homdel_end); free(w);
		return NULL;
	}
	for (int m = 0; m <= 60; m++) w->pmis_mq[m] = pow(10.0, -m / 10.0);
	for (int q = 0; q < MAXQ; q++)
		for (int m = 0; m <= 60; m++) {
			double e = pow(10.0, -q / 10.0), mm = pow(10.0, -m / 10.0);
			if (e > 0.75) e = 0.75;
			w->pmatch[q][m] = (1 - mm) * (1 - e) + mm * 0.25;
			w->pmis[q][m] = (1 - mm) * e / 3 + mm * 0.25;
		}
	if (o->gvcf) {
		w->refc = gsa_xmalloc(sizeof *w->refc);
		cv_refconf_init(w->refc, (const double (*)[61])w->pmatch, (const double (*)[61])w->pmis);
	}
	return w;
}

void cv_worker_free(cv_worker_t *w)
{
	if (!w) return;
	cv_reader_close(&w->rd);
	cv_readbuf_free(&w->rb);
	free(w->cnt); free(w->dep); free(w->cand);
	free(w->ev); free(w->pool); free(w->site);
	free(w->gl); free(w->ad); free(w->dp); free(w->ndel);
	free(w->mask); free(w->obs); free(w->anchor); free(w->used);
	free(w->hap); free(w->seg); free(w->segq); free(w->work); free(w->rc);
	free(w->homdel_beg); free(w->homdel_end);
	free(w->ann);
	cv_refconf_free(w->refc);
	free(w->refc);
	free(w);
}

static const char acgt[5] = "ACGTN";

/* ---- overlapping mates --------------------------------------------------- */

KHASH_MAP_INIT_STR(qname, int64_t)

/* Both mates of a short fragment cover the same bases; count them once.
 * For the right mate of each overlapping pair found in the buffer, set
 * mate_end to the end of the left mate. */
static void mark_mate_overlaps(cv_worker_t *w)
{
	khash_t(qname) *h = kh_init(qname);
	if (!h) gsa_oom(0);
	for (int i = 0; i < w->rb.n; i++) {
		const bam1_core_t *c = &w->rb.r[i].b->core;
		if (!(c->flag & BAM_FPAIRED) || (c->flag & BAM_FMUNMAP) || c->mtid != c->tid) continue;
		int left = c->pos < c->mpos || (c->pos == c->mpos && (c->flag & BAM_FREAD1));
		if (left && c->mpos < w->rb.r[i].end) {
			int absent;
			khint_t k = kh_put(qname, h, bam_get_qname(w->rb.r[i].b), &absent);
			if (absent < 0) gsa_oom(0);
			kh_val(h, k) = w->rb.r[i].end;
		} else if (!left) {
			khint_t k = kh_get(qname, h, bam_get_qname(w->rb.r[i].b));
			if (k != kh_end(h) && kh_val(h, k) > c->pos) w->rb.r[i].mate_end = kh_val(h, k);
		}
	}
	kh_destroy(qname, h);
}

/* ---- pass 1: base counts, depth, indel events ------------------------- */

static void add_event(cv_worker_t *w, const char *ref, int64_t roff, int64_t rlen, int64_t anchor,
		      int del, const bam1_t *b, int qi, int ins)
{
	int64_t p = anchor - roff;
	if (p < 1 || p + del + 1 >= rlen) return;
	if (ins > 0) {
		const uint8_t *q = bam_get_qual(b), *s = bam_get_seq(b);
		int qs = 0;
		for (int i = 0; i < ins; i++) qs += q[qi + i];
		if (qs < w->o->min_baseq * ins) return;
		w->pool = gsa_xgrow(w->pool, &w->cap_pool, w->npool + (size_t)ins, 1);
		char *dst = w->pool + w->npool;
		for (int i = 0; i < ins; i++) dst[i] = acgt[cv_nt16_code(bam_seqi(s, qi + i))];
		cv_indel_left_align(ref, rlen, &p, 0, dst, ins);
	} else {
		cv_indel_left_align(ref, rlen, &p, del, NULL, 0);
	}
	w->ev = gsa_xgrow(w->ev, &w->cap_ev, w->nev + 1, sizeof *w->ev);
	ev_t *e = &w->ev[w->nev++];
	e->pos = p + roff;
	e->del = del;
	e->ins = ins;
	e->seq = (uint32_t)w->npool;
	w->npool += (size_t)ins;
}

static void pass_counts(cv_worker_t *w, const char *ref, int64_t roff, int64_t rlen, int64_t ab, int64_t ae)
{
	int minbq = w->o->min_baseq;
	for (int ir = 0; ir < w->rb.n; ir++) {
		const bam1_t *b = w->rb.r[ir].b;
		const uint32_t *cig = bam_get_cigar(b);
		const uint8_t *seq = bam_get_seq(b), *qual = bam_get_qual(b);
		int64_t pos = b->core.pos, skip_to = w->rb.r[ir].mate_end;
		int qi = 0, nc = (int)b->core.n_cigar;
		for (int k = 0; k < nc; k++) {
			int op = bam_cigar_op(cig[k]), len = (int)bam_cigar_oplen(cig[k]);
			switch (op) {
			case BAM_CMATCH: case BAM_CEQUAL: case BAM_CDIFF:
				for (int i = 0; i < len; i++) {
					int64_t p = pos + i;
					if (p < ab || p >= ae || p < skip_to) continue;
					w->dep[p - ab]++;
					if (qual[qi + i] < minbq) continue;
					int c = cv_nt16_code(bam_seqi(seq, qi + i));
					if (c < 4) w->cnt[4 * (p - ab) + c]++;
				}
				pos += len; qi += len;
				break;
			case BAM_CINS:
				if (k > 0 && k < nc - 1 && pos > skip_to) add_event(w, ref, roff, rlen, pos - 1, 0, b, qi, len);
				qi += len;
				break;
			case BAM_CDEL:
				for (int i = 0; i < len; i++)
					if (pos + i >= ab && pos + i < ae && pos + i >= skip_to) w->dep[pos + i - ab]++;
				if (k > 0 && k < nc - 1 && pos > skip_to) add_event(w, ref, roff, rlen, pos - 1, len, b, qi, 0);
				pos += len;
				break;
			case BAM_CREF_SKIP: pos += len; break;
			case BAM_CSOFT_CLIP: qi += len; break;
			default: break;
			}
		}
	}
}

/* ---- candidates --------------------------------------------------------- */

static site_t *site_new(cv_worker_t *w)
{
	w->site = gsa_xgrow(w->site, &w->cap_site, w->nsite + 1, sizeof *w->site);
	site_t *s = &w->site[w->nsite++];
	memset(s, 0, sizeof *s);
	return s;
}

static void find_snps(cv_worker_t *w, const char *ref, int64_t roff, int64_t ab, int64_t beg, int64_t end)
{
	const cv_opts_t *o = w->o;
	for (int64_t p = beg; p < end; p++) {
		int r = cv_base_code(ref[p - roff]);
		if (r > 3) continue;
		const uint32_t *c = &w->cnt[4 * (p - ab)];
		uint32_t tot = c[0] + c[1] + c[2] + c[3];
		int alt[3], na = 0;
		for (int x = 0; x < 4; x++)
			if (x != r && c[x] >= (uint32_t)o->min_alt_reads && c[x] >= o->min_alt_frac * tot) alt[na++] = x;
		if (na == 0) continue;
		/* most supported first; ties by base order */
		for (int i = 1; i < na; i++)
			for (int j = i; j > 0 && c[alt[j]] > c[alt[j - 1]]; j--) {
				int t = alt[j]; alt[j] = alt[j - 1]; alt[j - 1] = t;
			}
		site_t *s = site_new(w);
		s->pos = p;
		s->nall = 1 + na;
		s->base[0] = acgt[r];
		for (int i = 0; i < na; i++) s->base[1 + i] = acgt[alt[i]];
		w->cand[p - ab] = (int32_t)(w->nsite - 1);
	}
}

static int ev_cmp_pool(const char *pool, const ev_t *a, const ev_t *b)
{
	if (a->pos != b->pos) return a->pos < b->pos ? -1 : 1;
	if (a->del != b->del) return a->del < b->del ? -1 : 1;
	if (a->ins != b->ins) return a->ins < b->ins ? -1 : 1;
	return a->ins == 0 ? 0 : memcmp(pool + a->seq, pool + b->seq, (size_t)a->ins);
}

/* Sort events without global state: a small merge sort using the pool. */
static void ev_sort(ev_t *v, size_t n, const char *pool, ev_t *tmp)
{
	if (n < 2) return;
	size_t h = n / 2;
	ev_sort(v, h, pool, tmp);
	ev_sort(v + h, n - h, pool, tmp);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n) tmp[k++] = ev_cmp_pool(pool, &v[j], &v[i]) < 0 ? v[j++] : v[i++];
	while (i < h) tmp[k++] = v[i++];
	while (j < n) tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof *v);
}

typedef struct evgrp { ev_t e; int n; } evgrp_t;

/* End of the reference an event may touch: its deleted bases, or as many
 * bases as it inserts (the same insertion is often aligned a few bases
 * apart, with a mismatch next to it). */
static int64_t ev_end(const ev_t *e) { return e->pos + 1 + (e->del > e->ins ? e->del : e->ins); }

/* Candidate indels: distinct events with enough reads, then events whose
 * spans touch or overlap grouped into one locus (up to 3 ALT alleles, most
 * supported first), so reads choose between them. */
static void find_indels(cv_worker_t *w, int64_t ab, int64_t ae, int64_t beg, int64_t end)
{
	const cv_opts_t *o = w->o;
	if (w->nev == 0) return;
	ev_t *tmp = gsa_xmalloc(w->nev * sizeof *tmp);
	ev_sort(w->ev, w->nev, w->pool, tmp);
	free(tmp);
	/* distinct events passing the thresholds, in place at the front */
	evgrp_t *u = gsa_xmalloc(w->nev * sizeof *u);
	size_t nu = 0;
	for (size_t i = 0; i < w->nev;) {
		size_t j = i;
		while (j < w->nev && ev_cmp_pool(w->pool, &w->ev[i], &w->ev[j]) == 0) j++;
		int64_t p = w->ev[i].pos;
		int n = (int)(j - i);
		if (p >= ab && p < ae) {
			uint32_t depth = w->dep[p - ab];
			if (p + 1 < ae && w->dep[p + 1 - ab] > depth) depth = w->dep[p + 1 - ab];
			int len = w->ev[i].del + w->ev[i].ins;
			int need = len > 1 && o->min_indel_reads < o->min_alt_reads ? o->min_indel_reads : o->min_alt_reads;
			if (n >= need && n >= o->min_indel_frac * depth) {
				u[nu].e = w->ev[i];
				u[nu].n = n;
				nu++;
			}
		}
		i = j;
	}
	for (size_t i = 0; i < nu;) {
		size_t j = i + 1;
		int64_t gend = ev_end(&u[i].e);
		while (j < nu && u[j].e.pos <= gend) {
			if (ev_end(&u[j].e) > gend) gend = ev_end(&u[j].e);
			j++;
		}
		/* the 3 best supported of u[i..j), ties in sort order */
		evgrp_t g[CV_MAX_ALLELES - 1];
		int ng = 0;
		int top = 0;
		for (size_t a = i; a < j; a++)
			if (u[a].n > top) top = u[a].n;
		for (size_t a = i; a < j; a++) {
			/* below the full read count, only the locus' single best allele */
			if (u[a].n < o->min_alt_reads && (u[a].n < top || ng > 0)) continue;
			int at = ng;
			while (at > 0 && g[at - 1].n < u[a].n) at--;
			if (at >= CV_MAX_ALLELES - 1) continue;
			int last = ng < CV_MAX_ALLELES - 1 ? ng : CV_MAX_ALLELES - 2;
			for (int x = last; x > at; x--) g[x] = g[x - 1];
			g[at] = u[a];
			if (ng < CV_MAX_ALLELES - 1) ng++;
		}
		int64_t p = g[0].e.pos;
		for (int x = 1; x < ng; x++)
			if (g[x].e.pos < p) p = g[x].e.pos;
		/* loci near the chunk are realigned too: one a little before it
		 * may be trimmed into it, and either may misplace the ends of
		 * reads over the chunk's SNPs; emit_site keeps a record only in
		 * the chunk that holds its final POS */
		if (p >= beg - LOCUS_REACH && p >= ab && p < end + LOCUS_REACH && p < ae) {
			site_t *s = site_new(w);
			s->pos = p;
			s->is_indel = 1;
			s->nall = 1 + ng;
			s->anchor[0] = p;
			for (int x = 0; x < ng; x++) {
				s->anchor[1 + x] = g[x].e.pos;
				s->del[1 + x] = g[x].e.del;
				s->ins[1 + x] = g[x].e.ins;
				s->seq[1 + x] = g[x].e.seq;
			}
		}
		i = j;
	}
	free(u);
}

/* ---- genotype likelihoods: SNPs ---------------------------------------- */

/* P(read base c at query index qi of cr | true base t) for t = 0..3, mixed
 * with the chance that the read is misplaced: from the calibration when
 * there is one, else from reported quality q capped at --cap-BQ. */
static void base_probs(const cv_worker_t *w, const cv_read_t *cr, int qi, int q, int c, double *pb)
{
	const cv_bqcal_t *cal = w->o->bqcal;
	if (!cal) {
		if (q > w->o->cap_baseq) q = w->o->cap_baseq;
		if (q >= MAXQ) q = MAXQ - 1;
		for (int t = 0; t < 4; t++) pb[t] = t == c ? w->pmatch[q][cr->mq] : w->pmis[q][cr->mq];
		return;
	}
	int rev = bam_is_rev(cr->b), cov = cv_bqcal_cov(cr->b, qi), x = rev ? 3 - c : c;
	double mm = w->pmis_mq[cr->mq];
	for (int t = 0; t < 4; t++) {
		const double *row = cv_bqcal_row(cal, cr->sample, q, cov, rev ? 3 - t : t);
		pb[t] = (1 - mm) * row[x] + mm * 0.25;
	}
}

/* The fragment of b: a hash of its name, the same in every chunk. */
static uint64_t frag_key(const bam1_t *b) { return gsa_hash_str(bam_get_qname(b)); }

/* Record read b's evidence P(base | REF) = pr[0], P(base | ALT) = pr[1] at
 * biallelic site id of sample, for phase_adjust. */
static void obs_add(cv_worker_t *w, size_t id, int sample, const bam1_t *b, const double *pr)
{
	w->obs = gsa_xgrow(w->obs, &w->cap_obs, w->nobs + 1, sizeof *w->obs);
	obs_t *ob = &w->obs[w->nobs++];
	ob->site = (uint32_t)id;
	ob->sample = sample;
	ob->frag = frag_key(b);
	ob->p0 = pr[0];
	ob->p1 = pr[1];
}

/* Whether reference position p of read ir is masked; mk is the first entry
 * of w->mask (sorted by read) that is not before read ir. */
static int masked(const cv_worker_t *w, size_t mk, int ir, int64_t p)
{
	for (; mk < w->nmask && w->mask[mk].read == ir; mk++)
		if (p >= w->mask[mk].beg && p < w->mask[mk].end) return 1;
	return 0;
}

static void snp_likelihoods(cv_worker_t *w, int64_t ab, int64_t ae)
{
	int minbq = w->o->min_baseq;
	size_t mk = 0;
	for (int ir = 0; ir < w->rb.n; ir++) {
		const cv_read_t *cr = &w->rb.r[ir];
		while (mk < w->nmask && w->mask[mk].read < ir) mk++;
		const bam1_t *b = cr->b;
		const uint32_t *cig = bam_get_cigar(b);
		const uint8_t *seq = bam_get_seq(b), *qual = bam_get_qual(b);
		int64_t pos = b->core.pos;
		int qi = 0, nc = (int)b->core.n_cigar;
		for (int k = 0; k < nc; k++) {
			int op = bam_cigar_op(cig[k]), len = (int)bam_cigar_oplen(cig[k]);
			if (op == BAM_CMATCH || op == BAM_CEQUAL || op == BAM_CDIFF) {
				for (int i = 0; i < len; i++) {
					int64_t p = pos + i;
					if (p < ab || p >= ae || p < cr->mate_end) continue;
					int32_t id = w->cand[p - ab];
					if (id < 0) continue;
					if (masked(w, mk, ir, p)) continue;
					int q = qual[qi + i];
					if (q < minbq) continue;
					int c = cv_nt16_code(bam_seqi(seq, qi + i));
					if (c > 3) continue;
					const site_t *s = &w->site[id];
					size_t off = (size_t)id * (size_t)w->ns + (size_t)cr->sample;
					double pb[4], pr[CV_MAX_ALLELES + 1];
					base_probs(w, cr, qi + i, q, c, pb);
					int which = -1;
					for (int a = 0; a < s->nall; a++) {
						int t = cv_base_code(s->base[a]);
						if (t == c) which = a;
						pr[a] = pb[t];
					}
					int nal = s->nall;
					if (w->o->gvcf) {
						/* <*>: one of the bases not listed (none: a mismatch) */
						double sum = 0;
						int u = 0;
						for (int t = 0; t < 4; t++) {
							int listed = 0;
							for (int a = 0; a < s->nall; a++) listed |= cv_base_code(s->base[a]) == t;
							if (!listed) { sum += pb[t]; u++; }
						}
						if (u == 0)
							for (int t = 0; t < 4; t++) if (t != c) { sum += pb[t]; u++; }
						pr[nal++] = sum / u;
						if (which < 0) w->ad[off * CV_AD_STRIDE + (size_t)s->nall]++;
					}
					cv_gl_add_read(&w->gl[off * CV_GL_STRIDE], nal, pr);
					if (s->nall == 2) obs_add(w, (size_t)id, cr->sample, b, pr);
					w->dp[off]++;
					if (which >= 0) w->ad[off * CV_AD_STRIDE + which]++;
					int qpos = qi + i, lq = b->core.l_qseq;
					cv_annot_add(&w->ann[id], which < 0 ? -1 : which > 0, bam_is_rev(b), b->core.qual,
						     qual[qi + i], qpos < lq - 1 - qpos ? qpos : lq - 1 - qpos);
				}
				pos += len; qi += len;
			} else if (op == BAM_CINS || op == BAM_CSOFT_CLIP) {
				qi += len;
			} else if (op == BAM_CDEL) {
				for (int i = 0; i < len; i++) {
					int64_t p = pos + i;
					if (p < ab || p >= ae || p < cr->mate_end || w->cand[p - ab] < 0) continue;
					w->ndel[(size_t)w->cand[p - ab] * (size_t)w->ns + (size_t)cr->sample]++;
				}
				pos += len;
			} else if (op == BAM_CREF_SKIP) {
				pos += len;
			}
		}
	}
}

/* ---- genotype likelihoods: indels by realignment ----------------------- */

/* How far the allele's event could slide right (the repeat it sits in). */
static int repeat_extent(const char *ref, int64_t rlen, int64_t p, int del, const char *ins, int nins)
{
	int s = 0;
	if (del > 0)
		while (p + 1 + del + s < rlen && ref[p + 1 + s] == ref[p + 1 + del + s]) s++;
	else if (nins > 0)
		while (p + 1 + s < rlen && ref[p + 1 + s] == ins[s % nins]) s++;
	return s;
}

/* Reference coordinate of every query base of b (soft clips extrapolated,
 * inserted bases get the position of the next reference base). */
static void query_ref_coords(const bam1_t *b, int64_t *rc)
{
	const uint32_t *cig = bam_get_cigar(b);
	int64_t pos = b->core.pos;
	int qi = 0, nc = (int)b->core.n_cigar, seen_ref = 0;
	for (int k = 0; k < nc; k++) {
		int op = bam_cigar_op(cig[k]), len = (int)bam_cigar_oplen(cig[k]);
		switch (op) {
		case BAM_CMATCH: case BAM_CEQUAL: case BAM_CDIFF:
			for (int i = 0; i < len; i++) rc[qi++] = pos++;
			seen_ref = 1;
			break;
		case BAM_CSOFT_CLIP:
			for (int i = 0; i < len; i++) rc[qi + i] = seen_ref ? pos + i : pos - len + i;
			qi += len;
			break;
		case BAM_CINS:
			for (int i = 0; i < len; i++) rc[qi++] = pos;
			break;
		case BAM_CDEL: case BAM_CREF_SKIP:
			pos += len;
			seen_ref = 1;
			break;
		default: break;
		}
	}
}

/* Whether b's CIGAR has an insertion or deletion whose anchor (the base
 * before it) lies in [lo, hi]. */
static int cigar_indel_in(const bam1_t *b, int64_t lo, int64_t hi)
{
	const uint32_t *cig = bam_get_cigar(b);
	int64_t pos = b->core.pos;
	for (uint32_t k = 0; k < b->core.n_cigar && pos <= hi + 1; k++) {
		int op = bam_cigar_op(cig[k]);
		int64_t len = bam_cigar_oplen(cig[k]);
		if ((op == BAM_CINS || op == BAM_CDEL) && pos - 1 >= lo && pos - 1 <= hi) return 1;
		if (op == BAM_CMATCH || op == BAM_CEQUAL || op == BAM_CDIFF || op == BAM_CDEL || op == BAM_CREF_SKIP)
			pos += len;
	}
	return 0;
}

/* A read that fits an indel allele other than the one its CIGAR shows
 * (no indel at the locus, yet an ALT haplotype fits MASK_MARGIN better; or
 * an indel there, yet REF fits that much better) is misaligned on its
 * shorter side of the locus: an aligner rather mismatches or clips a few
 * bases than opens a gap near a read end.  Those bases, from the locus
 * [p, far) to that end of the read, are not SNP evidence. */
static void mask_misaligned(cv_worker_t *w, int ir, const int *cost, int nall, int64_t p, int64_t far)
{
	const cv_read_t *cr = &w->rb.r[ir];
	int alt = 0x7fffffff, lq = cr->b->core.l_qseq;
	for (int a = 1; a < nall; a++) if (cost[a] < alt) alt = cost[a];
	int has = cigar_indel_in(cr->b, p, far);
	if (!(has ? cost[0] + MASK_MARGIN <= alt : alt + MASK_MARGIN <= cost[0])) return;
	/* query bases left of the locus and right of it */
	int nl = 0, nr = 0;
	for (int i = 0; i < lq; i++) {
		if (w->rc[i] <= p) nl++;
		else if (w->rc[i] >= far) nr++;
	}
	w->mask = gsa_xgrow(w->mask, &w->cap_mask, w->nmask + 1, sizeof *w->mask);
	mask_t *m = &w->mask[w->nmask++];
	m->read = ir;
	if (nl <= nr) { m->beg = cr->b->core.pos; m->end = far; }
	else { m->beg = p + 1; m->end = cr->end; }
}

static void indel_likelihoods(cv_worker_t *w, size_t id, const char *ref, int64_t roff, int64_t rlen,
			      int64_t clen, int *lo, int64_t maxspan)
{
	const cv_opts_t *o = w->o;
	site_t *s = &w->site[id];
	int64_t p = s->pos, span_end = p + 1, far = p + 1;
	int lmax = 0;
	for (int a = 1; a < s->nall; a++) {
		int l = s->del[a] > s->ins[a] ? s->del[a] : s->ins[a];
		if (l > lmax) lmax = l;
		int64_t e = s->anchor[a] + 1 + s->del[a];
		if (e > span_end) span_end = e;
		e += repeat_extent(ref, rlen, s->anchor[a] - roff, s->del[a], w->pool + s->seq[a], s->ins[a]);
		if (e > far) far = e;
	}
	int64_t wb = p - FLANK, we = far + FLANK;
	if (wb < roff) wb = roff;
	if (we > roff + rlen) we = roff + rlen;
	if (we - wb < 2 * SEG_SLACK + 4) return;
	/* no slack where the window ends at the contig's own end: no read
	 * base lies beyond it, and with the slack no segment reached a locus
	 * within SEG_SLACK bases of it */
	int64_t slack_b = wb == 0 ? 0 : SEG_SLACK, slack_e = we == clen ? 0 : SEG_SLACK;
	int band = lmax + 8 + (int)(span_end - p - 1);
	size_t need_work = (size_t)cv_align_scratch(band);
	w->work = gsa_xgrow(w->work, &w->cap_work, need_work, sizeof *w->work);
	/* haplotypes, one after another in w->hap */
	int hoff[CV_MAX_ALLELES], hlen[CV_MAX_ALLELES];
	size_t tot = 0;
	for (int a = 0; a < s->nall; a++) tot += (size_t)(we - wb) + (size_t)s->ins[a];
	w->hap = gsa_xgrow(w->hap, &w->cap_hap, tot, 1);
	size_t h = 0;
	for (int a = 0; a < s->nall; a++) {
		int64_t an = s->anchor[a];
		hoff[a] = (int)h;
		size_t left = (size_t)(an + 1 - wb);
		memcpy(w->hap + h, ref + (wb - roff), left); h += left;
		memcpy(w->hap + h, w->pool + s->seq[a], (size_t)s->ins[a]); h += (size_t)s->ins[a];
		int64_t rs = an + 1 + s->del[a];
		if (rs < we) { memcpy(w->hap + h, ref + (rs - roff), (size_t)(we - rs)); h += (size_t)(we - rs); }
		hlen[a] = (int)(h - (size_t)hoff[a]);
	}
	int64_t dmax = span_end - p - 1;
	/* reads overlapping [p, p + 1 + dmax] */
	while (*lo < w->rb.n && w->rb.r[*lo].b->core.pos < p - maxspan) (*lo)++;
	for (int ir = *lo; ir < w->rb.n; ir++) {
		const cv_read_t *cr = &w->rb.r[ir];
		const bam1_t *b = cr->b;
		if (b->core.pos > p + 1 + dmax) break;
		if (cr->end <= p) continue;
		if (cr->mate_end > p + 1 + dmax) continue; /* its mate already covered the locus */
		int lq = b->core.l_qseq;
		w->rc = gsa_xgrow(w->rc, &w->cap_rc, (size_t)lq, sizeof *w->rc);
		query_ref_coords(b, w->rc);
		int qs = 0, qe = lq;
		while (qs < lq && w->rc[qs] < wb + slack_b) qs++;
		while (qe > qs && w->rc[qe - 1] >= we - slack_e) qe--;
		int n = qe - qs;
		if (n < 8) continue;
		/* the segment must reach both sides of the event */
		if (w->rc[qs] > p || w->rc[qe - 1] < p + 1) continue;
		w->seg = gsa_xgrow(w->seg, &w->cap_seg, (size_t)n, 1);
		w->segq = gsa_xgrow(w->segq, &w->cap_segq, (size_t)n, 1);
		const uint8_t *sq = bam_get_seq(b), *qq = bam_get_qual(b);
		for (int i = 0; i < n; i++) {
			w->seg[i] = acgt[cv_nt16_code(bam_seqi(sq, qs + i))];
			/* mismatch cost: the calibrated error rate of the base */
			w->segq[i] = o->bqcal ? (uint8_t)cv_bqcal_cost(o->bqcal, cr->sample, qq[qs + i], cv_bqcal_cov(b, qs + i))
					      : qq[qs + i];
		}
		int off = (int)(w->rc[qs] - wb);
		int cost[CV_MAX_ALLELES], best = 0x7fffffff;
		for (int a = 0; a < s->nall; a++) {
			cost[a] = cv_align_cost(w->seg, w->segq, n, w->hap + hoff[a], hlen[a], off, band,
						o->gap_open, o->gap_ext, w->work);
			if (cost[a] < best) best = cost[a];
		}
		if (best > 100000000) continue;
		mask_misaligned(w, ir, cost, s->nall, p, far);
		double mm = pow(10.0, -cr->mq / 10.0), pr[CV_MAX_ALLELES + 1];
		int nbest = 0, which = -1;
		for (int a = 0; a < s->nall; a++) {
			double d = (cost[a] - best) / 10.0;
			pr[a] = (1 - mm) * pow(10.0, -d) + mm;
			if (cost[a] - best < 5) nbest++;
			if (cost[a] == best && which < 0) which = a;
		}
		size_t so = id * (size_t)w->ns + (size_t)cr->sample;
		int nal = s->nall;
		if (o->gvcf) {
			/* <*>: another haplotype, which the read fits no better than
			 * the worst listed one */
			double mn = pr[0];
			for (int a = 1; a < s->nall; a++) if (pr[a] < mn) mn = pr[a];
			pr[nal++] = mn;
		}
		cv_gl_add_read(&w->gl[so * CV_GL_STRIDE], nal, pr);
		if (s->nall == 2) obs_add(w, id, cr->sample, b, pr); /* phase anchor evidence */
		w->dp[so]++;
		if (nbest == 1) w->ad[so * CV_AD_STRIDE + which]++;
		int qp = qs;
		while (qp < qe && w->rc[qp] <= p) qp++;
		cv_annot_add(&w->ann[id], nbest == 1 ? which > 0 : -1, bam_is_rev(b), b->core.qual, -1,
			     qp < lq - 1 - qp ? qp : lq - 1 - qp);
	}
}

/* ---- phase evidence ------------------------------------------------------ */

static int obs_cmp(const void *pa, const void *pb)
{
	const obs_t *a = pa, *b = pb;
	if (a->site != b->site) return a->site < b->site ? -1 : 1;
	if (a->sample != b->sample) return a->sample < b->sample ? -1 : 1;
	if (a->frag != b->frag) return a->frag < b->frag ? -1 : 1;
	return (a->p0 > b->p0) - (a->p0 < b->p0);
}

/* First entry of site id, sample k in the sorted w->obs, and their count. */
static size_t obs_find(const cv_worker_t *w, size_t id, int k, size_t *n)
{
	size_t lo = 0, hi = w->nobs;
	while (lo < hi) {
		size_t m = (lo + hi) / 2;
		const obs_t *o = &w->obs[m];
		if (o->site < id || (o->site == id && o->sample < k)) lo = m + 1;
		else hi = m;
	}
	size_t e = lo;
	while (e < w->nobs && w->obs[e].site == id && w->obs[e].sample == k) e++;
	*n = e - lo;
	return lo;
}

static double log10_sum(double a, double b)
{
	double m = a > b ? a : b;
	return m + log10(pow(10.0, a - m) + pow(10.0, b - m));
}

/* Last reference base an indel locus' alleles delete (its anchor for insertions). */
static int64_t indel_far(const site_t *s)
{
	int64_t e = s->pos;
	for (int a = 1; a < s->nall; a++)
		if (s->anchor[a] + s->del[a] > e) e = s->anchor[a] + s->del[a];
	return e;
}

/* The best phase anchor so far for one site and sample. */
typedef struct {
	size_t best, n, ix, ny; /* site, fragments shared, its obs range */
} anchor_pick_t;

/* Offer site y as phase anchor of site x in sample k (x's observations at
 * ix, nx of them): taken when it is a sure het sharing more fragments not yet
 * used than pk's pick, or as many and nearer. */
static void anchor_consider(const cv_worker_t *w, size_t x, int k, size_t ix, size_t nx, size_t y,
			    anchor_pick_t *pk)
{
	if (y == x || !w->anchor[y * (size_t)w->ns + (size_t)k]) return;
	size_t ny, iy = obs_find(w, y, k, &ny), sh = 0;
	for (size_t a = 0, b = 0; a < nx && b < ny;) {
		uint64_t fa = w->obs[ix + a].frag, fb = w->obs[iy + b].frag;
		if (fa == fb) { sh += !w->used[a]; a++; b++; } else if (fa < fb) a++; else b++;
	}
	int64_t px = w->site[x].pos, d = w->site[y].pos - px, db = pk->best == (size_t)-1 ? 0 : w->site[pk->best].pos - px;
	if (d < 0) d = -d;
	if (db < 0) db = -db;
	if (sh > pk->n || (sh == pk->n && sh > 0 && d < db)) *pk = (anchor_pick_t){y, sh, iy, ny};
}

/* Read-backed phase evidence (as in read-backed phasing): at a true het SNP
 * X, the fragments showing ALT come from one haplotype and those showing REF
 * from the other, so at a nearby sure het Y they show one allele and the
 * other; coincident sequencing errors at X fall on either haplotype.  For
 * each biallelic SNP X of the chunk and each sample, the het likelihood of
 * the fragments that also cover the anchor Y (the sure het within
 * PHASE_REACH sharing most fragments with X) is replaced by the two-site
 * likelihood of X and Y both het, either phase equally likely, over Y's own
 * het likelihood:
 *   (1/2 prod_f [P(x|A)P(y|A') + P(x|R)P(y|R')]/2 + 1/2 prod_f [P(x|A)P(y|R') + P(x|R)P(y|A')]/2)
 *   / prod_f [P(y|A') + P(y|R')]/2.
 * Hom-REF and hom-ALT likelihoods do not depend on the phase. */
static void phase_adjust(cv_worker_t *w, size_t nsnp, int64_t beg, int64_t end)
{
	const cv_opts_t *o = w->o;
	int ns = w->ns;
	if (w->nobs == 0) return;
	qsort(w->obs, w->nobs, sizeof *w->obs, obs_cmp);
	/* merge the observations of one fragment at one site (both mates
	 * counted with count_overlaps) */
	size_t m = 0;
	for (size_t i = 0; i < w->nobs; i++) {
		if (m > 0 && w->obs[m - 1].site == w->obs[i].site && w->obs[m - 1].sample == w->obs[i].sample &&
		    w->obs[m - 1].frag == w->obs[i].frag) {
			w->obs[m - 1].p0 *= w->obs[i].p0;
			w->obs[m - 1].p1 *= w->obs[i].p1;
		} else {
			w->obs[m++] = w->obs[i];
		}
	}
	w->nobs = m;
	/* sure hets from each site's own reads */
	size_t na = w->nsite * (size_t)ns;
	w->anchor = gsa_xgrow(w->anchor, &w->cap_anchor, na + 1, 1);
	double prior[CV_MAX_GT], iprior[CV_MAX_GT];
	cv_gt_prior_log10(prior, 2, o->snp_theta);
	cv_gt_prior_log10(iprior, 2, o->indel_theta);
	for (size_t id = 0; id < w->nsite; id++)
		for (int k = 0; k < ns; k++) {
			size_t so = id * (size_t)ns + (size_t)k;
			w->anchor[so] = 0;
			if (w->site[id].nall != 2 || w->dp[so] == 0) continue;
			cv_gt_call_t c;
			cv_gt_call(&w->gl[so * CV_GL_STRIDE], id < nsnp ? prior : iprior, 2, &c);
			w->anchor[so] = c.a == 0 && c.b == 1 && c.gq >= PHASE_MIN_GQ;
		}
	/* sites are in position order (find_snps) */
	size_t lo = 0, loi = nsnp;
	for (size_t x = 0; x < nsnp; x++) {
		const site_t *sx = &w->site[x];
		while (lo < nsnp && w->site[lo].pos < sx->pos - PHASE_REACH) lo++;
		/* indel anchors: only loci realigned in every chunking (LOCUS_REACH) */
		while (loi < w->nsite && w->site[loi].pos < sx->pos - LOCUS_REACH) loi++;
		if (sx->nall != 2 || sx->pos < beg || sx->pos >= end) continue;
		for (int k = 0; k < ns; k++) {
			size_t nx, ix = obs_find(w, x, k, &nx);
			if (nx == 0) continue;
			/* anchors in turn, each over the fragments no earlier one took
			 * (its phase to X unknown, independent of the others') */
			w->used = gsa_xgrow(w->used, &w->cap_used, nx, 1);
			memset(w->used, 0, nx);
			double *gl = &w->gl[(x * (size_t)ns + (size_t)k) * CV_GL_STRIDE];
			for (int round = 0; round < PHASE_MAX_ANCHORS; round++) {
				/* the anchor sharing most free fragments (ties: the nearer,
				 * then SNPs before indels, then the left) */
				anchor_pick_t pk = {(size_t)-1, 0, 0, 0};
				for (size_t y = lo; y < nsnp && w->site[y].pos <= sx->pos + PHASE_REACH; y++)
					anchor_consider(w, x, k, ix, nx, y, &pk);
				/* indel anchors: not one whose misaligned read ends may be what X is */
				for (size_t y = loi; y < w->nsite && w->site[y].pos <= sx->pos + LOCUS_REACH; y++)
					if (sx->pos < w->site[y].pos - FLANK || sx->pos > indel_far(&w->site[y]) + FLANK)
						anchor_consider(w, x, k, ix, nx, y, &pk);
				if (pk.n < 2) break;
				double lcis = 0, ltrans = 0, ly = 0, lx = 0;
				for (size_t a = 0, b = 0; a < nx && b < pk.ny;) {
					const obs_t *ox = &w->obs[ix + a], *oy = &w->obs[pk.ix + b];
					if (ox->frag < oy->frag) { a++; continue; }
					if (ox->frag > oy->frag) { b++; continue; }
					if (!w->used[a]) {
						lcis += log10(0.5 * (ox->p1 * oy->p1 + ox->p0 * oy->p0));
						ltrans += log10(0.5 * (ox->p1 * oy->p0 + ox->p0 * oy->p1));
						ly += log10(0.5 * (oy->p0 + oy->p1));
						lx += log10(0.5 * (ox->p0 + ox->p1));
						w->used[a] = 1;
					}
					a++; b++;
				}
				gl[cv_gt_index(0, 1)] += log10_sum(lcis, ltrans) - log10(2.0) - ly - lx;
			}
		}
	}
}

/* ---- output --------------------------------------------------------------- */

/* Allele a of s over the REF span [s->pos, rend). */
static void allele_string(const cv_worker_t *w, const site_t *s, int a, const char *ref, int64_t roff,
			  int64_t rend, gsa_strbuf_t *out)
{
	if (!s->is_indel) { gsa_strbuf_appendc(out, s->base[a]); return; }
	int64_t an = a == 0 ? rend - 1 : s->anchor[a];
	gsa_strbuf_append_len(out, ref + (s->pos - roff), (size_t)(an + 1 - s->pos));
	if (a == 0) return;
	gsa_strbuf_append_len(out, w->pool + s->seq[a], (size_t)s->ins[a]);
	int64_t rs = an + 1 + s->del[a];
	if (rs < rend) gsa_strbuf_append_len(out, ref + (rs - roff), (size_t)(rend - rs));
}

/* Genotype site id and append its record to out when some sample carries
 * an ALT allele and QUAL reaches the minimum (in a gVCF: every candidate,
 * with all its alleles and <*>); *out_pos gets the record's POS (0-based)
 * after trimming.  Returns 1 when a record was written. */
static int emit_site(cv_worker_t *w, size_t id, const char *contig, const char *ref, int64_t roff,
		     int64_t beg, int64_t end, gsa_strbuf_t *out, int64_t *out_pos)
{
	const cv_opts_t *o = w->o;
	const site_t *s = &w->site[id];
	int ns = w->ns, gv = o->gvcf;
	double theta = s->is_indel ? o->indel_theta : o->snp_theta;
	double prior[CV_MAX_GT];
	cv_gt_prior_log10(prior, s->nall, theta);
	double lq = 0;
	int used[CV_MAX_ALLELES] = { 1, 0, 0, 0 }, dptot = 0, any = 0, vardp = 0;
	cv_gt_call_t *calls = gsa_xmalloc((size_t)ns * sizeof *calls);
	int *ploidy = gsa_xmalloc((size_t)ns * sizeof *ploidy);
	for (int k = 0; k < ns; k++) {
		size_t so = id * (size_t)ns + (size_t)k;
		dptot += w->dp[so];
		ploidy[k] = o->ploidy ? cv_ploidy_at(o->ploidy, contig, s->pos, k, NULL) : 2;
		if (w->dp[so] == 0 || ploidy[k] == 0) { calls[k].a = calls[k].b = -1; continue; }
		cv_gt_call_ploidy(&w->gl[so * CV_GL_STRIDE], prior, s->nall, ploidy[k], theta, &calls[k]);
		lq += calls[k].log10_p_homref;
		if (!s->is_indel && calls[k].b > 0) {
			/* SNP ALT reads must be a fair share of all reads over the
			 * site, deletions included (misaligned read ends inside a
			 * deletion look like a SNP) */
			int alt = w->ad[so * CV_AD_STRIDE + calls[k].b];
			if (calls[k].a > 0 && calls[k].a != calls[k].b) alt += w->ad[so * CV_AD_STRIDE + calls[k].a];
			if (alt < o->min_snp_af * (w->dp[so] + w->ndel[so])) calls[k].a = calls[k].b = 0;
			/* nor inside a deletion the sample carries on both haplotypes */
			if (s->pos >= w->homdel_beg[k] && s->pos < w->homdel_end[k]) calls[k].a = calls[k].b = 0;
		}
		if (calls[k].b > 0) { used[calls[k].a] = used[calls[k].b] = 1; any = 1; vardp += w->dp[so]; }
	}
	double qual = lq < 0 ? -10.0 * lq : 0; /* 0, not -0, when no sample has reads */
	/* QD divides the QUAL before the cap: a capped QUAL over thousands of
	 * reads would fail QD2 at a sure site */
	double qual_qd = isfinite(qual) ? qual : 9999;
	if (qual > 9999) qual = 9999;
	if (!gv && (!any || qual < o->min_qual)) { free(calls); free(ploidy); return 0; }
	for (int k = 0; s->is_indel && k < ns; k++) {
		int a = calls[k].a;
		if (a > 0 && a == calls[k].b && s->del[a] > 0) {
			w->homdel_beg[k] = s->anchor[a] + 1;
			w->homdel_end[k] = s->anchor[a] + 1 + s->del[a];
		}
	}
	int keep[CV_MAX_ALLELES + 1], nkeep = 0, newidx[CV_MAX_ALLELES];
	for (int a = 0; a < s->nall; a++) {
		newidx[a] = -1;
		if (used[a] || gv) { newidx[a] = nkeep; keep[nkeep++] = a; }
	}
	/* REF span: to the end of the longest kept event; then trim the
	 * common suffix and the common prefix (normalised form) */
	int64_t rend = s->pos + 1;
	for (int x = 1; x < nkeep && s->is_indel; x++) {
		int64_t e = s->anchor[keep[x]] + 1 + s->del[keep[x]];
		if (e > rend) rend = e;
	}
	gsa_strbuf_t al[CV_MAX_ALLELES];
	for (int x = 0; x < nkeep; x++) {
		gsa_strbuf_init(&al[x]);
		allele_string(w, s, keep[x], ref, roff, rend, &al[x]);
	}
	for (;;) {
		int ok = 1;
		for (int x = 0; x < nkeep; x++)
			if (al[x].len < 2 || al[x].s[al[x].len - 1] != al[0].s[al[0].len - 1]) { ok = 0; break; }
		if (!ok) break;
		for (int x = 0; x < nkeep; x++) al[x].s[--al[x].len] = '\0';
	}
	size_t skip = 0;
	for (;;) {
		int ok = 1;
		for (int x = 0; x < nkeep; x++)
			if (al[x].len - skip < 2 || al[x].s[skip] != al[0].s[skip]) { ok = 0; break; }
		if (!ok) break;
		skip++;
	}
	*out_pos = s->pos + (int64_t)skip;
	if (*out_pos < beg || *out_pos >= end) { /* another chunk writes it */
		for (int x = 0; x < nkeep; x++) gsa_strbuf_free(&al[x]);
		free(calls);
		free(ploidy);
		return 0;
	}
	gsa_strbuf_appendf(out, "%s\t%lld\t.\t%s\t", contig, (long long)*out_pos + 1, al[0].s + skip);
	for (int x = 1; x < nkeep; x++) {
		if (x > 1) gsa_strbuf_appendc(out, ',');
		gsa_strbuf_append(out, al[x].s + skip);
	}
	if (gv) gsa_strbuf_append(out, nkeep > 1 ? ",<*>" : "<*>");
	/* the gVCF's <*> is allele number s->nall in the likelihoods */
	int nout = nkeep;
	if (gv) keep[nout++] = s->nall;
	/* QUAL as htslib writes a float, so merged output matches */
	char qs[32];
	snprintf(qs, sizeof qs, "%.6g", (double)(float)(round(qual * 100) / 100));
	cv_annot_t an;
	cv_annot_finish(&w->ann[id], qual_qd, vardp, &an);
	gsa_strbuf_appendf(out, "\t%s\t", qs);
	cv_annot_filter(&an, s->is_indel, qual, o->lowqual, o->hard_filters, out);
	gsa_strbuf_appendf(out, "\tDP=%d%s", dptot, s->is_indel ? ";INDEL" : "");
	cv_annot_info(&an, out);
	gsa_strbuf_append(out, "\tGT:GQ:DP:AD:PL");
	for (int k = 0; k < ns; k++) {
		size_t so = id * (size_t)ns + (size_t)k;
		if (calls[k].a < 0) {
			gsa_strbuf_append(out, ploidy[k] < 2 ? "\t.:0:0:" : "\t./.:0:0:");
			for (int x = 0; x < nout; x++) gsa_strbuf_append(out, x ? ",0" : "0");
			gsa_strbuf_append(out, ":.");
			continue;
		}
		int a = newidx[calls[k].a], b = newidx[calls[k].b];
		if (ploidy[k] == 1) gsa_strbuf_appendf(out, "\t%d:%d:%d:", a, calls[k].gq, w->dp[so]);
		else gsa_strbuf_appendf(out, "\t%d/%d:%d:%d:", a, b, calls[k].gq, w->dp[so]);
		for (int x = 0; x < nout; x++)
			gsa_strbuf_appendf(out, x ? ",%d" : "%d", w->ad[so * CV_AD_STRIDE + keep[x]]);
		int pl[CV_GL_STRIDE], npl = cv_gt_count(nout);
		if (ploidy[k] == 1) {
			cv_gt_pl_haploid(&w->gl[so * CV_GL_STRIDE], keep, nout, pl);
			npl = nout;
		} else {
			cv_gt_pl(&w->gl[so * CV_GL_STRIDE], keep, nout, pl);
		}
		gsa_strbuf_appendc(out, ':');
		for (int g = 0; g < npl; g++) gsa_strbuf_appendf(out, g ? ",%d" : "%d", pl[g]);
	}
	gsa_strbuf_appendc(out, '\n');
	for (int x = 0; x < nkeep; x++) gsa_strbuf_free(&al[x]);
	free(calls);
	free(ploidy);
	return 1;
}

static int mask_cmp(const void *pa, const void *pb)
{
	const mask_t *a = pa, *b = pb;
	if (a->read != b->read) return a->read < b->read ? -1 : 1;
	return (a->beg > b->beg) - (a->beg < b->beg);
}

static int site_cmp(const void *pa, const void *pb)
{
	const site_t *a = pa, *b = pb;
	if (a->pos != b->pos) return a->pos < b->pos ? -1 : 1;
	return a->is_indel - b->is_indel;
}

typedef struct rec { int64_t pos; size_t seq, off, len; } rec_t;

static int rec_cmp(const void *pa, const void *pb)
{
	const rec_t *a = pa, *b = pb;
	if (a->pos != b->pos) return a->pos < b->pos ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

int cv_chunk_call(cv_worker_t *w, int tid, int64_t beg, int64_t end, gsa_strbuf_t *out, gsa_err_t *err)
{
	const cv_input_t *in = w->in;
	int64_t clen = sam_hdr_tid2len(in->hdr, tid);
	int64_t ab = beg - READ_PAD < 0 ? 0 : beg - READ_PAD;
	int64_t ae = end + READ_PAD > clen ? clen : end + READ_PAD;
	if (cv_reader_fetch(&w->rd, in, w->o, tid, ab, ae, &w->rb, err) < 0) return -1;
	if (w->rb.n == 0 && !w->o->gvcf) return 0;
	int64_t rlen = 0, roff = ab - REF_PAD < 0 ? 0 : ab - REF_PAD;
	char *ref = cv_reader_ref(&w->rd, in, tid, roff, ae + REF_PAD, &rlen, err);
	if (!ref) return -1;

	size_t npos = (size_t)(ae - ab);
	if (npos > w->cap_pos) {
		free(w->cnt); free(w->dep); free(w->cand);
		w->cnt = gsa_xmalloc(4 * npos * sizeof *w->cnt);
		w->dep = gsa_xmalloc(npos * sizeof *w->dep);
		w->cand = gsa_xmalloc(npos * sizeof *w->cand);
		w->cap_pos = npos;
	}
	memset(w->cnt, 0, 4 * npos * sizeof *w->cnt);
	memset(w->dep, 0, npos * sizeof *w->dep);
	memset(w->cand, 0xff, npos * sizeof *w->cand);
	w->nev = 0; w->npool = 0; w->nsite = 0;
	for (int k = 0; k < w->ns; k++) w->homdel_beg[k] = w->homdel_end[k] = -1;

	if (w->o->count_overlaps == 0) mark_mate_overlaps(w);
	pass_counts(w, ref, roff, rlen, ab, ae);
	/* SNP candidates a little beyond the chunk too: phase anchors */
	find_snps(w, ref, roff, ab, beg - PHASE_REACH > ab ? beg - PHASE_REACH : ab,
		  end + PHASE_REACH < ae ? end + PHASE_REACH : ae);
	size_t nsnp = w->nsite;
	find_indels(w, ab, ae, beg, end);

	size_t ng = w->nsite * (size_t)w->ns;
	if (ng > w->cap_gl) {
		free(w->gl); free(w->ad); free(w->dp); free(w->ndel);
		w->ndel = gsa_xmalloc(ng * sizeof *w->ndel);
		w->gl = gsa_xmalloc(ng * CV_GL_STRIDE * sizeof *w->gl);
		w->ad = gsa_xmalloc(ng * CV_AD_STRIDE * sizeof *w->ad);
		w->dp = gsa_xmalloc(ng * sizeof *w->dp);
		w->cap_gl = ng;
	}
	if (ng == 0 && !w->o->gvcf) { free(ref); return 0; }
	if (ng > 0) {
		memset(w->gl, 0, ng * CV_GL_STRIDE * sizeof *w->gl);
		memset(w->ad, 0, ng * CV_AD_STRIDE * sizeof *w->ad);
		w->ann = gsa_xgrow(w->ann, &w->cap_ann, w->nsite, sizeof *w->ann);
		memset(w->ann, 0, w->nsite * sizeof *w->ann);
		memset(w->dp, 0, ng * sizeof *w->dp);
		memset(w->ndel, 0, ng * sizeof *w->ndel);
	}

	/* indels first: their realignment masks misaligned read ends */
	int64_t maxspan = 0;
	for (int ir = 0; ir < w->rb.n; ir++) {
		int64_t sp = w->rb.r[ir].end - w->rb.r[ir].b->core.pos;
		if (sp > maxspan) maxspan = sp;
	}
	int lo = 0;
	w->nmask = 0;
	w->nobs = 0;
	for (size_t id = nsnp; id < w->nsite; id++) indel_likelihoods(w, id, ref, roff, rlen, clen, &lo, maxspan);
	if (w->nmask > 1) qsort(w->mask, w->nmask, sizeof *w->mask, mask_cmp);
	if (nsnp > 0) snp_likelihoods(w, ab, ae);
	if (nsnp > 0) phase_adjust(w, nsnp, beg, end);

	/* sites in position order, SNP before indel at one position; sort an
	 * index so per-site arrays keep their numbering */
	size_t *order = gsa_xmalloc((w->nsite + 1) * sizeof *order);
	size_t i = 0, j = nsnp, k = 0;
	while (i < nsnp || j < w->nsite) {
		if (j >= w->nsite || (i < nsnp && site_cmp(&w->site[i], &w->site[j]) <= 0)) order[k++] = i++;
		else order[k++] = j++;
	}
	/* records, then sorted by their final POS (trimming may move an indel) */
	const char *contig = sam_hdr_tid2name(in->hdr, tid);
	gsa_strbuf_t txt;
	gsa_strbuf_init(&txt);
	rec_t *rec = gsa_xmalloc((w->nsite + 1) * sizeof *rec);
	size_t nrec = 0;
	for (k = 0; k < w->nsite; k++) {
		size_t at = txt.len;
		int64_t pos;
		if (!emit_site(w, order[k], contig, ref, roff, beg, end, &txt, &pos)) continue;
		rec[nrec].pos = pos;
		rec[nrec].seq = nrec;
		rec[nrec].off = at;
		rec[nrec].len = txt.len - at;
		nrec++;
	}
	qsort(rec, nrec, sizeof *rec, rec_cmp);
	if (w->o->gvcf) {
		/* reference blocks between the records */
		cv_refconf_compute(w->refc, &w->rb, ref, roff, beg, end, w->o->min_baseq, w->o->cap_baseq,
				   w->o->gap_open);
		int64_t cur = beg;
		for (k = 0; k < nrec; k++) {
			if (rec[k].pos > cur) cv_gvcf_blocks(w->refc, w->o, contig, ref, roff, cur, rec[k].pos, out);
			gsa_strbuf_append_len(out, txt.s + rec[k].off, rec[k].len);
			if (rec[k].pos + 1 > cur) cur = rec[k].pos + 1;
		}
		if (cur < end) cv_gvcf_blocks(w->refc, w->o, contig, ref, roff, cur, end, out);
	} else {
		for (k = 0; k < nrec; k++) gsa_strbuf_append_len(out, txt.s + rec[k].off, rec[k].len);
	}
	free(rec);
	gsa_strbuf_free(&txt);
	free(order);
	free(ref);
	return 0;
}
