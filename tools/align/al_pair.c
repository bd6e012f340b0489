#include "al_pair.h"
#include "alloc.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * The pairing and MAPQ model is bwa-mem's (Li H., "Aligning sequence reads,
 * clone sequences and assembly contigs with BWA-MEM", arXiv:1303.3997, 2013;
 * the constants come from bwa's source, bwamem.c and bwamem_pair.c): the
 * single-end 6.02 * (best - sub) * (3.912 / ln L)^2 with sub floored at 19,
 * the 2 * IQR outlier bound, the log4 P(insert) pair score, the unpaired
 * penalty of 17 and the paired cap q_se + 40.  Written anew here; see
 * tools/align/README.md ("Credit").
 */
#define UNPAIRED_PEN 17 /* bwa-mem's pen_unpaired */
/* Calibration on our own alignments (whole GRCh37 chr20, 3x, make_sim.sh
 * seeds 777001-777003; tools/align/README.md "MAPQ"): reads in tandem or
 * nearby repeats, and pairs whose two ends are both repetitive, are wrong
 * about 1 time in 100-200, i.e. MAPQ 19-22, whatever the scores say. */
#define NEAR_COPIES 3   /* anchors 8-400 diagonals away per minimizer: a tandem repeat */
#define NEAR_MAPQ 19    /* ... caps MAPQ (observed 1.1e-2) */
#define NEAR_SPAN 400   /* ... counted over diagonals this far apart */
#define REP_PAIR_Q 20   /* an end with q_se below this is repetitive */
#define REP_PAIR_MAPQ 19 /* a pair of repetitive ends: MAPQ cap (observed 5.7e-3) */
#define MIN_STATS_PAIRS 25
/* An ALT hit gives way to a primary one scoring at most this much less: one
 * mismatch instead of a match (a pair: one mismatch in either read). */
#define ALT_MARGIN(o) ((o)->sc.a + (o)->sc.b)

int64_t al_pair_insert(const al_placement_t *a, const al_placement_t *b)
{
	const al_placement_t *f, *r;
	if (a->tid != b->tid || a->rev == b->rev) return -1;
	f = a->rev ? b : a;
	r = a->rev ? a : b;
	/* the 5' end of the forward read starts the fragment: positions of the
	 * unclipped read ends, so clipping does not shorten the insert */
	int64_t fs = f->pos - f->qb;
	int64_t re = r->end + ((int64_t)0);
	/* r->end is the last aligned base + 1; add its clipped 3' tail */
	{
		int qlen = 0, i;
		for (i = 0; i < r->n_cigar; i++) {
			int op = (int)(r->cigar[i] & 0xf);
			if (op == 0 || op == 1 || op == 4) qlen += (int)(r->cigar[i] >> 4);
		}
		re += qlen - r->qe;
	}
	if (re <= fs) return -1;
	return re - fs;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static int is_confident(const al_read_placements_t *h)
{
	if (h->n == 0) return 0;
	if (h->n > 1 && h->h[1].score + 20 > h->h[0].score) return 0;
	return 1;
}

/* Clamp a double to [lo, hi] before it is cast to int (NaN gives lo). */
static int clamp_to_int(double x, int lo, int hi)
{
	if (!(x >= lo)) return lo;
	if (x > hi) return hi;
	return (int)x;
}

static void insert_stats_defaults(al_insert_model_t *st)
{
	st->n = 0;
	st->mean = 400;
	st->sd = 150;
	st->lo = 1;
	st->hi = 1000;
}

void al_insert_model_from_sizes(int64_t *v, int m, al_insert_model_t *st)
{
	double q1, q3, lo, hi, s = 0, ss = 0, mean, var;
	int i, k = 0;
	insert_stats_defaults(st);
	if (!v || m < MIN_STATS_PAIRS) return;
	qsort(v, (size_t)m, sizeof *v, cmp_i64);
	/* outliers: beyond 2 interquartile ranges of the quartiles (bwa-mem's bound) */
	q1 = (double)v[m / 4];
	q3 = (double)v[(3 * m) / 4];
	lo = q1 - 2 * (q3 - q1);
	hi = q3 + 2 * (q3 - q1);
	for (i = 0; i < m; i++) {
		if ((double)v[i] < lo || (double)v[i] > hi) continue;
		s += (double)v[i];
		ss += (double)v[i] * (double)v[i];
		k++;
	}
	if (k < MIN_STATS_PAIRS) return;
	mean = s / k;
	/* E[x^2] - mean^2 cancels: equal samples can round below 0 (sqrt
	 * would give NaN), and huge ones overflow to inf - inf */
	var = ss / k - mean * mean;
	if (!isfinite(mean) || isnan(var) || isinf(var)) return;
	if (var < 0) var = 0;
	st->n = k;
	st->mean = mean;
	st->sd = sqrt(var);
	if (st->sd < 1) st->sd = 1;
	st->lo = clamp_to_int(st->mean - 5 * st->sd, 1, INT_MAX);
	st->hi = clamp_to_int(st->mean + 5 * st->sd + 0.5, 1, INT_MAX);
}

void al_insert_model_estimate(const al_read_placements_t *h1, const al_read_placements_t *h2, int n, al_insert_model_t *st)
{
	int64_t *v = gsa_xmalloc(((size_t)n + 1) * sizeof *v);
	int i, m = 0;
	for (i = 0; i < n; i++) {
		if (!is_confident(&h1[i]) || !is_confident(&h2[i])) continue;
		int64_t ins = al_pair_insert(&h1[i].h[0], &h2[i].h[0]);
		if (ins > 0 && ins < 100000) v[m++] = ins;
	}
	al_insert_model_from_sizes(v, m, st);
	free(v);
}

int al_pair_mapq_se(int best, int sub, int len, int n_rep, int n_mins)
{
	double f, q;
	if (best <= 0) return 0;
	if (sub < 19) sub = 19; /* bwa-mem: minimum seed length x match score */
	if (sub >= best) return 0;
	f = len >= 50 ? 3.912 / log((double)len) : 1.0; /* bwa-mem's ln(50) / ln(L) */
	q = 6.02 * (double)(best - sub) * f * f;
	/* a short or poor alignment is less trustworthy */
	if (best < len * 0.6) q *= (double)best / (len * 0.6);
	/* seeds skipped as repetitive may hide other copies */
	if (n_rep > 0 && n_mins > 0 && sub <= 19) q *= 1.0 - 0.5 * (double)n_rep / n_mins;
	if (q > 60) q = 60;
	return (int)(q + 0.499);
}

/* log-likelihood of an insert size, in score units (<= 0). */
static int insert_penalty(const al_insert_model_t *st, int64_t ins)
{
	double sd = st->sd >= 1 ? st->sd : 1; /* also NaN: never divide by 0 */
	double z = fabs((double)ins - st->mean) / sd;
	double p = erfc(z * M_SQRT1_2);
	if (p < 1e-30) p = 1e-30;
	double v = log(p) / log(4.0);
	return (int)(v - 0.499);
}

static int proper(const al_insert_model_t *st, const al_placement_t *a, const al_placement_t *b, int64_t *ins)
{
	*ins = al_pair_insert(a, b);
	return *ins >= st->lo && *ins <= st->hi;
}

/* Rescue read `qb` (length lb) near hit a of its mate; appends to hb. */
static void rescue(const al_index_t *ix, const al_map_opts_t *o, const al_insert_model_t *st,
		   const al_placement_t *a, const uint8_t *const qb[2], int lb, al_read_placements_t *hb, al_map_buf_t *b)
{
	int i, rev = !a->rev;
	int64_t ws, we;
	al_placement_t h;
	for (i = 0; i < hb->n; i++) {
		int64_t ins;
		/* already has a mate there; one scored gap-free only is a lower
		 * bound (an indel clips it): the DP below may place it better */
		if (proper(st, a, &hb->h[i], &ins) && (!hb->h[i].quick || hb->h[i].score >= lb * o->sc.a)) return;
	}
	if (!a->rev) { /* mate is reverse, downstream */
		ws = a->pos - a->qb;
		we = ws + st->hi;
	} else {
		int64_t end = a->end; /* approximate 3' end */
		we = end + 1;
		ws = end - st->hi;
	}
	if (we - ws < lb) return;
	memset(&h, 0, sizeof h);
	if (!al_map_align_window(ix, o, qb[rev], lb, rev, a->tid, ws, we, b, &h)) return;
	if (hb->n == hb->m) {
		size_t c = (size_t)hb->m;
		hb->h = gsa_xgrow(hb->h, &c, c + 1, sizeof *hb->h);
		hb->m = (int)c;
	}
	hb->h[hb->n++] = h;
}

/* Read interval of a hit in the read's own orientation. */
static void read_span(const al_placement_t *g, int len, int *b, int *e)
{
	*b = g->rev ? len - g->qe : g->qb;
	*e = g->rev ? len - g->qb : g->qe;
}

/* Hit g is on an ALT contig (never without a list). */
static int on_alt(const uint8_t *is_alt, const al_placement_t *g)
{
	return is_alt && is_alt[g->tid];
}

/* Hits g and x cover the same part of the read: overlap by at least half
 * the shorter. */
static int same_part(const al_placement_t *g, const al_placement_t *x, int len)
{
	int gb, ge, xb, xe, ov, mn;
	read_span(g, len, &gb, &ge);
	read_span(x, len, &xb, &xe);
	ov = (ge < xe ? ge : xe) - (gb > xb ? gb : xb);
	mn = (ge - gb) < (xe - xb) ? ge - gb : xe - xb;
	return ov * 2 >= mn;
}

/* Best score elsewhere for the part of the read hit i covers: hits that
 * overlap it on the read by at least half the shorter (chimeric parts of
 * the read do not count).  For a hit on a primary contig, hits on ALT
 * contigs do not count either. */
static int sub_score(const al_read_placements_t *h, int i, int len, const uint8_t *is_alt)
{
	int j, best = 0, found = 0, prim = !on_alt(is_alt, &h->h[i]);
	for (j = 0; j < h->n; j++) {
		if (j == i || (prim && on_alt(is_alt, &h->h[j]))) continue;
		if (!same_part(&h->h[i], &h->h[j], len)) continue;
		/* hits come best first, except a primary hit moved to the front */
		if (!found || h->h[j].score > best) best = h->h[j].score;
		found = 1;
	}
	return best;
}

int al_pair_prefer_primary(al_read_placements_t *h, int len, const uint8_t *is_alt, int margin)
{
	int j, k;
	if (!is_alt || h->n < 2 || !on_alt(is_alt, &h->h[0])) return 0;
	for (j = 1; j < h->n; j++) {
		const al_placement_t *g = &h->h[j];
		if (g->score + margin < h->h[0].score) break; /* best first: none further */
		if (on_alt(is_alt, g) || !same_part(&h->h[0], g, len)) continue;
		al_placement_t x = *g;
		for (k = j; k > 0; k--) h->h[k] = h->h[k - 1];
		h->h[0] = x;
		return 1;
	}
	return 0;
}

/* The ALT placements of hit i for XA: hits on ALT contigs covering the same
 * part of the read and scoring at least 80% of it (bwa-mem's XA drop
 * ratio), best first, at most AL_XA_MAX; not the supplementary. */
static void fill_xa(const al_read_placements_t *h, int i, int len, const uint8_t *is_alt, al_end_result_t *e)
{
	int j;
	e->n_xa = 0;
	for (j = 0; j < h->n && is_alt && e->n_xa < AL_XA_MAX; j++) {
		const al_placement_t *g = &h->h[j];
		if (j == i || g == e->supp || !on_alt(is_alt, g)) continue;
		if (g->score * 5 < h->h[i].score * 4 || !same_part(&h->h[i], g, len)) continue;
		e->xa[e->n_xa++] = g;
	}
}

/* Highest score among the hits (only those on primary contigs with a
 * list); 0 when none. */
static int top_score(const al_read_placements_t *h, const uint8_t *is_alt)
{
	int j, best = 0;
	for (j = 0; j < h->n; j++)
		if (!on_alt(is_alt, &h->h[j]) && h->h[j].score > best) best = h->h[j].score;
	return best;
}

/* A chimeric partner for the primary: a hit covering a distinct part of
 * the read.  Returns its index or -1. */
static int find_supp(const al_read_placements_t *h, int prim, int len)
{
	int pb, pe, j;
	read_span(&h->h[prim], len, &pb, &pe);
	for (j = 0; j < h->n; j++) {
		const al_placement_t *g = &h->h[j];
		int gb, ge, ov;
		if (j == prim || g->score < 30) continue;
		read_span(g, len, &gb, &ge);
		ov = (pe < ge ? pe : ge) - (pb > gb ? pb : gb);
		if (ov < 0) ov = 0;
		if (ov * 2 > ge - gb) continue;
		if (ge - gb - ov < 30) continue;
		return j;
	}
	return -1;
}

/* The tandem-repeat cap on the MAPQ of hit i of read h.  The nearby-copy
 * count comes from the seeds of the hit's cluster; a hit without seeds of
 * its own (rescued by the mate) takes it from the read's seeded hits on the
 * same strand within NEAR_SPAN bases, the same tandem array. */
static int cap_near(int mapq, const al_read_placements_t *h, int i)
{
	const al_placement_t *g = &h->h[i];
	int j, near = g->near, n_mins = h->n_mins > 1 ? h->n_mins : 1;
	for (j = 0; j < h->n && g->n_seeds == 0; j++) {
		const al_placement_t *x = &h->h[j];
		if (x->tid == g->tid && x->rev == g->rev && llabs(x->pos - g->pos) <= NEAR_SPAN && x->near > near) near = x->near;
	}
	if (near >= NEAR_COPIES * n_mins && mapq > NEAR_MAPQ) return NEAR_MAPQ;
	return mapq;
}

void al_pair_resolve_single(const al_map_opts_t *o, al_read_placements_t *h, int len, al_end_result_t *e)
{
	int s;
	const uint8_t *is_alt = o ? o->is_alt : NULL;
	memset(e, 0, sizeof *e);
	if (h->n == 0) return;
	if (is_alt) al_pair_prefer_primary(h, len, is_alt, ALT_MARGIN(o));
	e->hit = &h->h[0];
	e->xs = sub_score(h, 0, len, is_alt);
	e->mapq = h->truncated ? 0 : al_pair_mapq_se(h->h[0].score, e->xs, len, h->n_rep, h->n_mins);
	e->mapq = cap_near(e->mapq, h, 0);
	s = find_supp(h, 0, len);
	if (s >= 0) {
		e->supp = &h->h[s];
		e->supp_mapq = al_pair_mapq_se(h->h[s].score, 0, len, h->n_rep, h->n_mins);
		if (e->supp_mapq > e->mapq) e->supp_mapq = e->mapq;
	}
	fill_xa(h, 0, len, is_alt, e);
}

void al_pair_resolve(const al_index_t *ix, const al_map_opts_t *o, const al_insert_model_t *st,
		  const uint8_t *const q[2][2], const int len[2], al_read_placements_t *h1, al_read_placements_t *h2,
		  al_map_buf_t *b, al_end_result_t e[2])
{
	al_read_placements_t *h[2] = { h1, h2 };
	int r, i, j, bi = -1, bj = -1, best = -0x3fffffff, second = -0x3fffffff;
	int pi = -1, pj = -1, bestp = -0x3fffffff, secondp = -0x3fffffff, prim = 0;
	const uint8_t *is_alt = o ? o->is_alt : NULL;
	int n0[2];
	memset(e, 0, 2 * sizeof *e);
	/* mate rescue near the best hits of each read */
	n0[0] = h1->n;
	n0[1] = h2->n;
	for (r = 0; r < 2; r++) {
		for (i = 0; i < n0[r] && i < 2; i++) {
			if (h[r]->h[i].score + 10 < h[r]->h[0].score) break;
			rescue(ix, o, st, &h[r]->h[i], q[!r], len[!r], h[!r], b);
		}
	}
	if (h1->n > n0[0]) al_map_placements_dedup(h1);
	if (h2->n > n0[1]) al_map_placements_dedup(h2);
	if (is_alt) {
		al_pair_prefer_primary(h1, len[0], is_alt, ALT_MARGIN(o));
		al_pair_prefer_primary(h2, len[1], is_alt, ALT_MARGIN(o));
	}
	/* best pair (and, with ALT contigs, best pair on primary contigs) */
	for (i = 0; i < h1->n; i++) {
		for (j = 0; j < h2->n; j++) {
			int64_t ins;
			if (!proper(st, &h1->h[i], &h2->h[j], &ins)) continue;
			int s = h1->h[i].score + h2->h[j].score + insert_penalty(st, ins);
			if (s > best) { second = best; best = s; bi = i; bj = j; }
			else if (s > second) second = s;
			if (on_alt(is_alt, &h1->h[i]) || on_alt(is_alt, &h2->h[j])) continue;
			if (s > bestp) { secondp = bestp; bestp = s; pi = i; pj = j; }
			else if (s > secondp) secondp = s;
		}
	}
	/* the best pair on primary contigs wins over one with an ALT end scoring
	 * at most ALT_MARGIN more, and then pairs with an ALT end are no
	 * competitors */
	if (is_alt && pi >= 0 && bestp + ALT_MARGIN(o) >= best) {
		prim = 1;
		best = bestp;
		second = secondp;
		bi = pi;
		bj = pj;
	}
	{
		int u = prim ? top_score(h1, is_alt) + top_score(h2, is_alt) - UNPAIRED_PEN
			     : top_score(h1, NULL) + top_score(h2, NULL) - UNPAIRED_PEN;
		if (bi >= 0 && best >= u) {
			int qpe, k, subo = second > u ? second : u;
			qpe = (int)(6.02 * (best - subo) + 0.499);
			if (qpe > 60) qpe = 60;
			if (qpe < 0) qpe = 0;
			int qse[2], xs[2];
			for (k = 0; k < 2; k++) {
				int idx = k == 0 ? bi : bj;
				const al_read_placements_t *hh = h[k];
				xs[k] = sub_score(hh, idx, len[k], is_alt);
				if (idx == 0 && !hh->truncated) qse[k] = al_pair_mapq_se(hh->h[0].score, xs[k], len[k], hh->n_rep, hh->n_mins);
				else qse[k] = 0;
			}
			for (k = 0; k < 2; k++) {
				int idx = k == 0 ? bi : bj, q = qse[k];
				const al_read_placements_t *hh = h[k];
				e[k].hit = &hh->h[idx];
				e[k].xs = xs[k];
				e[k].proper = 1;
				/* bwa-mem's paired MAPQ: q_se raised towards q_pe, by at most 40 */
				e[k].mapq = q > (qpe < q + 40 ? qpe : q + 40) ? q : (qpe < q + 40 ? qpe : q + 40);
				/* neither end placed on its own: the pair alone vouches (calibrated cap) */
				if (qse[0] < REP_PAIR_Q && qse[1] < REP_PAIR_Q && e[k].mapq > (q > REP_PAIR_MAPQ ? q : REP_PAIR_MAPQ))
					e[k].mapq = q > REP_PAIR_MAPQ ? q : REP_PAIR_MAPQ;
				e[k].mapq = cap_near(e[k].mapq, hh, idx);
				/* neither read saw all its copies: the pair cannot be trusted */
				if (h1->truncated && h2->truncated) e[k].mapq = 0;
				int s = find_supp(hh, idx, len[k]);
				if (s >= 0) {
					e[k].supp = &hh->h[s];
					e[k].supp_mapq = al_pair_mapq_se(hh->h[s].score, 0, len[k], hh->n_rep, hh->n_mins);
					if (e[k].supp_mapq > e[k].mapq) e[k].supp_mapq = e[k].mapq;
				}
				fill_xa(hh, idx, len[k], is_alt, &e[k]);
			}
			return;
		}
	}
	al_pair_resolve_single(o, h1, len[0], &e[0]);
	al_pair_resolve_single(o, h2, len[1], &e[1]);
}
