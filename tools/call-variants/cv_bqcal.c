#include "cv_bqcal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cv_base.h"

#define NWIN 64        /* windows sampled over the genome */
#define WIN 32768      /* bases per window */
#define MIN_MQ 20      /* reads below this MAPQ (after cv_mapq) are not counted */
#define PRIOR_BASES 1000.0

/* The aligned (M/=/X) bases of b inside [wb, we): reference positions in
 * pos[], query indexes in qi[] (both of at least l_qseq entries); returns
 * their number. */
static int aligned_bases(const bam1_t *b, int64_t wb, int64_t we, int64_t *pos, int *qi)
{
	const uint32_t *cig = bam_get_cigar(b);
	int64_t rp = b->core.pos;
	int q = 0, n = 0;
	for (uint32_t k = 0; k < b->core.n_cigar; k++) {
		int op = bam_cigar_op(cig[k]), len = (int)bam_cigar_oplen(cig[k]);
		if (op == BAM_CMATCH || op == BAM_CEQUAL || op == BAM_CDIFF) {
			for (int i = 0; i < len; i++)
				if (rp + i >= wb && rp + i < we) { pos[n] = rp + i; qi[n] = q + i; n++; }
			rp += len; q += len;
		} else if (op == BAM_CINS || op == BAM_CSOFT_CLIP) {
			q += len;
		} else if (op == BAM_CDEL || op == BAM_CREF_SKIP) {
			rp += len;
		}
	}
	return n;
}

typedef struct scratch {
	uint32_t *cnt; size_t cap;   /* [ns][window][4] base counts */
	int64_t *pos; int *qi; size_t capq;
} scratch_t;

/* Count one window [wb, we) of contig tid into cal. */
static int count_window(cv_bqcal_t *cal, cv_reader_t *rd, cv_readbuf_t *rb, scratch_t *sc,
			const cv_input_t *in, const cv_opts_t *o, int tid, int64_t wb, int64_t we, gsa_err_t *err)
{
	if (cv_reader_fetch(rd, in, o, tid, wb, we, rb, err) < 0) return -1;
	if (rb->n == 0) return 0;
	int64_t got = 0;
	char *ref = cv_reader_ref(rd, in, tid, wb, we, &got, err);
	if (!ref) return -1;
	size_t len = (size_t)(we - wb), need = (size_t)cal->ns * 4 * len;
	if (need > sc->cap) {
		free(sc->cnt);
		sc->cnt = gsa_xmalloc(need * sizeof *sc->cnt);
		sc->cap = need;
	}
	memset(sc->cnt, 0, need * sizeof *sc->cnt);
	for (int ir = 0; ir < rb->n; ir++) {
		size_t l = (size_t)rb->r[ir].b->core.l_qseq;
		if (l > sc->capq) {
			free(sc->pos); free(sc->qi);
			sc->pos = gsa_xmalloc(l * sizeof *sc->pos);
			sc->qi = gsa_xmalloc(l * sizeof *sc->qi);
			sc->capq = l;
		}
	}
	/* pass 1: bases per position and sample */
	for (int ir = 0; ir < rb->n; ir++) {
		const cv_read_t *cr = &rb->r[ir];
		if (cr->mq < MIN_MQ) continue;
		const uint8_t *seq = bam_get_seq(cr->b);
		uint32_t *c = sc->cnt + (size_t)cr->sample * 4 * len;
		int na = aligned_bases(cr->b, wb, we, sc->pos, sc->qi);
		for (int i = 0; i < na; i++) {
			int x = cv_nt16_code(bam_seqi(seq, sc->qi[i]));
			if (x < 4) c[4 * (sc->pos[i] - wb) + x]++;
		}
	}
	/* pass 2: bases at positions that do not look variant */
	for (int ir = 0; ir < rb->n; ir++) {
		const cv_read_t *cr = &rb->r[ir];
		if (cr->mq < MIN_MQ) continue;
		const uint8_t *seq = bam_get_seq(cr->b), *qual = bam_get_qual(cr->b);
		const uint32_t *c = sc->cnt + (size_t)cr->sample * 4 * len;
		int rev = bam_is_rev(cr->b);
		size_t so = (size_t)cr->sample * CV_BQCAL_NQ;
		int na = aligned_bases(cr->b, wb, we, sc->pos, sc->qi);
		for (int i = 0; i < na; i++) {
			int64_t off = sc->pos[i] - wb;
			int qi = sc->qi[i];
			int r = off < got ? cv_base_code(ref[off]) : 4;
			int x = cv_nt16_code(bam_seqi(seq, qi));
			if (r > 3 || x > 3) continue;
			const uint32_t *cp = c + 4 * off;
			uint32_t d = cp[0] + cp[1] + cp[2] + cp[3], m = 0;
			for (int a = 0; a < 4; a++)
				if (a != r && cp[a] > m) m = cp[a];
			/* another base at a fair share of the depth: a variant, not errors */
			if ((m >= 2 && 10 * m >= d) || 3 * m >= d) continue;
			size_t k = (so + (size_t)cv_bqcal_qidx(qual[qi])) * CV_BQCAL_NCOV + (size_t)cv_bqcal_cov(cr->b, qi);
			if (rev) { r = 3 - r; x = 3 - x; }
			cal->nbase[4 * k + (size_t)r]++;
			if (x != r) cal->nmis[16 * k + (size_t)(4 * r + x)]++;
		}
	}
	free(ref);
	return 0;
}

int cv_bqcal_cov(const bam1_t *b, int qi)
{
	const uint32_t *cig = bam_get_cigar(b);
	int nc = (int)b->core.n_cigar, hl = 0, hr = 0;
	if (nc > 0 && bam_cigar_op(cig[0]) == BAM_CHARD_CLIP) hl = (int)bam_cigar_oplen(cig[0]);
	if (nc > 1 && bam_cigar_op(cig[nc - 1]) == BAM_CHARD_CLIP) hr = (int)bam_cigar_oplen(cig[nc - 1]);
	int cyc = bam_is_rev(b) ? hr + b->core.l_qseq - 1 - qi : hl + qi;
	int bin = cyc < 0 ? 0 : cyc / CV_BQCAL_CYCW;
	if (bin >= CV_BQCAL_NCYC) bin = CV_BQCAL_NCYC - 1;
	return (b->core.flag & BAM_FREAD2) ? CV_BQCAL_NCYC + bin : bin;
}

/* Bases that make a level's prior worth CV_BQCAL_PRIOR_ERR errors at the
 * parent's rate e. */
static double prior_weight(double e) { return CV_BQCAL_PRIOR_ERR / (e > 1e-5 ? e : 1e-5); }

void cv_bqcal_table(cv_bqcal_t *cal, int cap, double prior_bases)
{
	double floor_e = pow(10.0, -cap / 10.0);
	for (int s = 0; s < cal->ns; s++)
		for (int q = 0; q < CV_BQCAL_NQ; q++) {
			size_t sq = (size_t)s * CV_BQCAL_NQ + (size_t)q, k0 = sq * CV_BQCAL_NCOV;
			const uint64_t *nb = cal->nbase + 4 * k0, *nm = cal->nmis + 16 * k0;
			/* sums over covariates: per true base, per substitution, all */
			double br[4] = { 0 }, mrx[16] = { 0 }, n0 = 0, m0 = 0;
			for (int c = 0; c < CV_BQCAL_NCOV; c++)
				for (int r = 0; r < 4; r++) {
					br[r] += (double)nb[4 * c + r];
					for (int x = 0; x < 4; x++) if (x != r) mrx[4 * r + x] += (double)nm[16 * c + 4 * r + x];
				}
			for (int r = 0; r < 4; r++) {
				n0 += br[r];
				for (int x = 0; x < 4; x++) m0 += x != r ? mrx[4 * r + x] : 0;
			}
			/* e0: per reported quality */
			double es = pow(10.0, -q / 10.0);
			if (es > 0.75) es = 0.75;
			double e0 = (m0 + prior_bases * es) / (n0 + prior_bases);
			double cq = e0 > 0 ? -10.0 * log10(e0) : 93.0;
			int v = (int)(cq + 0.5);
			if (v > cap) v = cap;
			if (v < 0) v = 0;
			cal->q[sq] = (uint8_t)(v > 255 ? 255 : v);
			/* each substitution's share of e0, over all covariates */
			double split[16], k = prior_weight(e0);
			for (int r = 0; r < 4; r++)
				for (int x = 0; x < 4; x++)
					split[4 * r + x] = x == r ? 0 : (mrx[4 * r + x] + k * e0 / 3) / (br[r] + k) / e0;
			for (int c = 0; c < CV_BQCAL_NCOV; c++) {
				double nc = 0, mc = 0;
				for (int r = 0; r < 4; r++) {
					nc += (double)nb[4 * c + r];
					for (int x = 0; x < 4; x++) if (x != r) mc += (double)nm[16 * c + 4 * r + x];
				}
				/* e1: per covariate */
				double e1 = (mc + k * e0) / (nc + k), k1 = prior_weight(e1);
				double c1 = e1 > 0 ? -10.0 * log10(e1) : 93.0;
				cal->qcost[k0 + (size_t)c] = (uint8_t)(c1 > 93 ? 93 : (int)(c1 + 0.5));
				/* e2: per substitution */
				for (int r = 0; r < 4; r++) {
					double *row = cal->p + 16 * (k0 + (size_t)c) + 4 * r, tot = 0;
					for (int x = 0; x < 4; x++) {
						if (x == r) continue;
						row[x] = ((double)nm[16 * c + 4 * r + x] + k1 * e1 * split[4 * r + x]) /
							 ((double)nb[4 * c + r] + k1);
						tot += row[x];
					}
					double scale = tot < floor_e ? floor_e / tot : tot > 0.75 ? 0.75 / tot : 1.0;
					if (tot <= 0) scale = 1.0;
					for (int x = 0; x < 4; x++) if (x != r) row[x] *= scale;
					row[r] = 1.0 - (tot > 0 ? tot * scale : 0.0);
				}
			}
		}
}

uint64_t cv_bqcal_nbases(const cv_bqcal_t *cal, int s, int q)
{
	size_t k = ((size_t)s * CV_BQCAL_NQ + (size_t)cv_bqcal_qidx(q)) * CV_BQCAL_NCOV * 4;
	uint64_t n = 0;
	for (size_t i = 0; i < CV_BQCAL_NCOV * 4; i++) n += cal->nbase[k + i];
	return n;
}

void cv_bqcal_alloc(cv_bqcal_t *cal, int ns)
{
	memset(cal, 0, sizeof *cal);
	cal->ns = ns;
	size_t n = (size_t)ns * CV_BQCAL_NQ, nc = n * CV_BQCAL_NCOV;
	cal->q = gsa_xcalloc(n, sizeof *cal->q);
	cal->qcost = gsa_xcalloc(nc, sizeof *cal->qcost);
	cal->p = gsa_xcalloc(16 * nc, sizeof *cal->p);
	cal->nbase = gsa_xcalloc(4 * nc, sizeof *cal->nbase);
	cal->nmis = gsa_xcalloc(16 * nc, sizeof *cal->nmis);
}

int cv_bqcal_estimate(cv_bqcal_t *cal, const cv_input_t *in, const cv_opts_t *o, gsa_err_t *err)
{
	cv_bqcal_alloc(cal, in->nsamples);
	int nref = sam_hdr_nref(in->hdr);
	int64_t total = 0;
	for (int t = 0; t < nref; t++) total += sam_hdr_tid2len(in->hdr, t);
	cv_reader_t rd;
	if (cv_reader_open(&rd, in, err) < 0) return -1;
	cv_readbuf_t rb = { 0 };
	scratch_t sc = { 0 };
	int rc = 0;
	if (total <= (int64_t)NWIN * WIN) {
		/* a small genome: all of it, in windows */
		for (int t = 0; t < nref && rc == 0; t++)
			for (int64_t b = 0; b < sam_hdr_tid2len(in->hdr, t) && rc == 0; b += WIN) {
				int64_t e = b + WIN < sam_hdr_tid2len(in->hdr, t) ? b + WIN : sam_hdr_tid2len(in->hdr, t);
				rc = count_window(cal, &rd, &rb, &sc, in, o, t, b, e, err);
			}
	} else {
		/* NWIN windows at evenly spaced points of the concatenated genome */
		for (int i = 0; i < NWIN && rc == 0; i++) {
			int64_t g = (int64_t)((2.0 * i + 1) * (double)total / (2.0 * NWIN)) - WIN / 2, acc = 0;
			int t = 0;
			while (t < nref - 1 && g >= acc + sam_hdr_tid2len(in->hdr, t)) acc += sam_hdr_tid2len(in->hdr, t++);
			int64_t clen = sam_hdr_tid2len(in->hdr, t), b = g - acc;
			if (b < 0) b = 0;
			int64_t e = b + WIN < clen ? b + WIN : clen;
			if (b < e) rc = count_window(cal, &rd, &rb, &sc, in, o, t, b, e, err);
		}
	}
	free(sc.cnt); free(sc.pos); free(sc.qi);
	cv_readbuf_free(&rb);
	cv_reader_close(&rd);
	if (rc < 0) return -1;
	cv_bqcal_table(cal, o->cap_baseq, PRIOR_BASES);
	return 0;
}

void cv_bqcal_free(cv_bqcal_t *cal)
{
	if (!cal) return;
	free(cal->q);
	free(cal->p);
	free(cal->qcost);
	free(cal->nbase);
	free(cal->nmis);
	memset(cal, 0, sizeof *cal);
}
