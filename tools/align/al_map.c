#include "al_map.h"
#include "alloc.h"
#include "hash.h"

#include <stdlib.h>
#include <string.h>

typedef struct al_anchor {
	int64_t diag;  /* global reference position - read position */
	int32_t rpos;
	int32_t strand;
} al_anchor_t;

/* A minimizer's reference hits, looked up once per read. */
typedef struct al_seed_hits {
	uint64_t first;        /* first position slot (al_index_pos) */
	uint32_t cnt;
} al_seed_hits_t;

typedef struct al_cluster {
	int64_t dmin, dmax, dmode;
	int32_t n, strand;
	int32_t nmode;
	int32_t near;  /* anchors 8-400 diagonals from dmode, same strand */
} al_cluster_t;

void al_map_opts_default(al_map_opts_t *o)
{
	memset(o, 0, sizeof *o); /* every field not set below: 0 / NULL (no ALT list) */
	o->max_occ = 500;
	o->low_occ = 64;
	o->band = 24;
	o->cluster_gap = 24;
	o->max_cand = 6;
	o->max_cand_rep = 32;
	o->min_score = 30;
	o->max_mm_fast = 2;
	o->kernel = al_extend_kernel_best();
	o->sc.a = 1;
	o->sc.b = 4;
	o->sc.n = 1;
	o->sc.o = 6;
	o->sc.e = 1;
	o->sc.clip = 5;
}

void al_map_buf_free(al_map_buf_t *b)
{
	free(b->mins);
	free(b->anchors);
	free(b->clusters);
	free(b->win);
	free(b->rpos);
	free(b->tmp);
	free(b->seeds);
	al_dp_buf_free(&b->aln);
	al_alignment_free(&b->res);
	memset(b, 0, sizeof *b);
}

void al_read_placements_clear(al_read_placements_t *rh)
{
	int i;
	for (i = 0; i < rh->n; i++) free(rh->h[i].cigar);
	rh->n = 0;
	rh->n_rep = rh->n_mins = rh->truncated = 0;
	rh->seed = 0;
}

void al_read_placements_free(al_read_placements_t *rh)
{
	al_read_placements_clear(rh);
	free(rh->h);
	memset(rh, 0, sizeof *rh);
}

/* A 64-bit finaliser (splitmix64's): well-mixed bits from any input. */
static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

uint64_t al_map_read_seed(const char *name, int mate)
{
	return mix64(gsa_hash_str(name) ^ (uint64_t)mate);
}

/* Tie-break key of a hit: a seeded hash of where it is. */
static uint64_t hit_key(const al_placement_t *h, uint64_t seed)
{
	return mix64(seed ^ mix64(((uint64_t)h->tid << 40) ^ ((uint64_t)h->pos << 1) ^ (uint64_t)h->rev));
}

static int cmp_anchor(const void *pa, const void *pb)
{
	const al_anchor_t *a = pa, *b = pb;
	if (a->strand != b->strand) return a->strand - b->strand;
	if (a->diag != b->diag) return a->diag < b->diag ? -1 : 1;
	return a->rpos - b->rpos;
}

static int cmp_cluster(const void *pa, const void *pb)
{
	const al_cluster_t *a = pa, *b = pb;
	if (a->n != b->n) return b->n - a->n;
	if (a->strand != b->strand) return a->strand - b->strand;
	return a->dmin < b->dmin ? -1 : a->dmin > b->dmin;
}

/* Hits with their tie-break keys, sorted together. */
typedef struct al_keyed_hit {
	al_placement_t h;
	uint64_t key;
} al_keyed_hit_t;

static int cmp_hit(const void *pa, const void *pb)
{
	const al_keyed_hit_t *ka = pa, *kb = pb;
	const al_placement_t *a = &ka->h, *b = &kb->h;
	if (a->score != b->score) return b->score - a->score;
	if (ka->key != kb->key) return ka->key < kb->key ? -1 : 1;
	if (a->tid != b->tid) return a->tid - b->tid;
	if (a->pos != b->pos) return a->pos < b->pos ? -1 : 1;
	return a->rev - b->rev;
}

static al_placement_t *hits_push(al_read_placements_t *rh)
{
	if (rh->n == rh->m) {
		size_t c = (size_t)rh->m;
		rh->h = gsa_xgrow(rh->h, &c, c + 1, sizeof *rh->h);
		rh->m = (int)c;
	}
	memset(&rh->h[rh->n], 0, sizeof rh->h[0]);
	return &rh->h[rh->n++];
}

/* Copy the alignment in b->res (window starting at global wstart) into h. */
static void hit_from_result(const al_index_t *ix, int tid, int64_t wstart, int rev, const al_alignment_t *r, al_placement_t *h)
{
	int64_t cs = (int64_t)ix->contigs[tid].offset;
	h->tid = tid;
	h->pos = wstart + r->tb - cs;
	h->end = wstart + r->te - cs;
	h->rev = rev;
	h->score = r->score;
	h->qb = r->qb;
	h->qe = r->qe;
	h->n_cigar = r->n_cigar;
	h->cigar = gsa_xmalloc((size_t)r->n_cigar * sizeof *h->cigar);
	memcpy(h->cigar, r->cigar, (size_t)r->n_cigar * sizeof *h->cigar);
}

static uint8_t *win_get(al_map_buf_t *b, size_t n)
{
	if (b->m_win < n) {
		b->m_win = n;
		b->win = gsa_xreallocarray(b->win, n, 1);
	}
	return b->win;
}

int al_map_align_window(const al_index_t *ix, const al_map_opts_t *o, const uint8_t *q, int len, int rev,
		     int tid, int64_t wstart, int64_t wend, al_map_buf_t *b, al_placement_t *out)
{
	int64_t cs = (int64_t)ix->contigs[tid].offset, ce = cs + (int64_t)ix->contigs[tid].len;
	uint8_t *t;
	int tlen;
	wstart += cs;
	wend += cs;
	if (wstart < cs) wstart = cs;
	if (wend > ce) wend = ce;
	if (wend - wstart < 20) return 0;
	tlen = (int)(wend - wstart);
	t = win_get(b, (size_t)tlen);
	al_index_get_seq(ix, (uint64_t)wstart, (uint64_t)wend, t);
	b->aln.kernel = o->kernel;
	if (al_extend_banded(q, len, t, tlen, -len, tlen, &o->sc, &b->aln, &b->res) < o->min_score) return 0;
	hit_from_result(ix, tid, wstart, rev, &b->res, out);
	return 1;
}

/* The contig holding global position mid (clamped to the genome): its
 * number, and its span [*cs, *ce) in global coordinates. */
static int contig_span(const al_index_t *ix, int64_t mid, int64_t *cs, int64_t *ce)
{
	int tid;
	if (mid < 0) mid = 0;
	if ((uint64_t)mid >= ix->h->total) mid = (int64_t)ix->h->total - 1;
	tid = al_index_contig_of(ix, (uint64_t)mid);
	*cs = (int64_t)ix->contigs[tid].offset;
	*ce = *cs + (int64_t)ix->contigs[tid].len;
	return tid;
}

/* Align one cluster; appends a hit when it scores.  With `quick`, a
 * single-diagonal cluster takes its gap-free alignment whatever it scores
 * (used for weaker clusters, which matter only as second-best scores). */
static void align_cluster(const al_index_t *ix, const al_map_opts_t *o, const uint8_t *fwd, const uint8_t *rev,
			  int len, const al_cluster_t *c, int quick, al_map_buf_t *b, al_read_placements_t *rh)
{
	const uint8_t *q = c->strand ? rev : fwd;
	int mm = 0;
	int64_t cs, ce, ws, we;
	int tid = contig_span(ix, c->dmode + len / 2, &cs, &ce);
	uint8_t *t;
	/* gap-free first, on the cluster's main diagonal */
	if (c->dmode >= cs && c->dmode + len <= ce) {
		t = win_get(b, (size_t)len);
		al_index_get_seq(ix, (uint64_t)c->dmode, (uint64_t)(c->dmode + len), t);
		int s = al_extend_ungapped(q, len, t, &o->sc, &b->res, &mm);
		/* a weak cluster spread over several diagonals, or clipped gap-free,
		 * whose score comes close to the best so far may hide an indel:
		 * align it properly */
		if (quick && (c->dmin != c->dmax || b->res.qb > 0 || b->res.qe < len) && rh->n > 0
		    && s + 30 >= rh->h[0].score && s < len * o->sc.a - 10)
			quick = 0;
		if (quick) {
			if (s >= o->min_score) {
				al_placement_t *h = hits_push(rh);
				hit_from_result(ix, tid, c->dmode, c->strand, &b->res, h);
				h->n_seeds = c->n;
				h->near = c->near;
				h->quick = 1;
			}
			return;
		}
		if (s >= o->min_score && mm <= o->max_mm_fast
		    && b->res.qb == 0 && b->res.qe == len && (c->dmin == c->dmax || mm == 0)) {
			al_placement_t *h = hits_push(rh);
			hit_from_result(ix, tid, c->dmode, c->strand, &b->res, h);
			h->n_seeds = c->n;
			h->near = c->near;
			return;
		}
	}
	ws = c->dmin - o->band;
	we = c->dmax + len + o->band;
	if (ws < cs) ws = cs;
	if (we > ce) we = ce;
	if (we - ws < 20) return;
	t = win_get(b, (size_t)(we - ws));
	al_index_get_seq(ix, (uint64_t)ws, (uint64_t)we, t);

	{
		int dlo = (int)(c->dmin - ws) - o->band, dhi = (int)(c->dmax - ws) + o->band;
		b->aln.kernel = o->kernel;
		if (al_extend_banded(q, len, t, (int)(we - ws), dlo, dhi, &o->sc, &b->aln, &b->res) >= o->min_score) {
			al_placement_t *h = hits_push(rh);
			hit_from_result(ix, tid, ws, c->strand, &b->res, h);
			h->n_seeds = c->n;
			h->near = c->near;
		}
	}
}

/* Banded DP of the read (orientation `rev`, codes q) against diagonals
 * [dlo, dhi] (global reference position of read base 0) widened by `band`,
 * on the contig holding mid.  Returns 1 and fills *h (cigar newly
 * allocated, old one untouched) when it reaches o->min_score. */
static int dp_diagonals(const al_index_t *ix, const al_map_opts_t *o, const uint8_t *q, int len, int rev,
			int64_t dlo, int64_t dhi, int band, al_map_buf_t *b, al_placement_t *h)
{
	int64_t cs, ce, ws, we;
	int tid = contig_span(ix, dlo + (dhi - dlo) / 2 + len / 2, &cs, &ce);
	uint8_t *t;
	ws = dlo - band;
	we = dhi + len + band;
	if (ws < cs) ws = cs;
	if (we > ce) we = ce;
	if (we - ws < 20) return 0;
	t = win_get(b, (size_t)(we - ws));
	al_index_get_seq(ix, (uint64_t)ws, (uint64_t)we, t);
	b->aln.kernel = o->kernel;
	if (al_extend_banded(q, len, t, (int)(we - ws), (int)(dlo - ws) - band, (int)(dhi - ws) + band, &o->sc, &b->aln, &b->res)
	    < o->min_score) return 0;
	hit_from_result(ix, tid, ws, rev, &b->res, h);
	return 1;
}

/* Read bases a hit leaves unaligned (clipped). */
static int hit_clipped(const al_placement_t *h, int len)
{
	return len - (h->qe - h->qb);
}

/* The most a clipped hit could score if its clipped bases aligned behind one
 * gap: what DP there might find. */
static int hit_potential(const al_placement_t *h, int len, const al_scoring_t *sc)
{
	int cl = hit_clipped(h, len);
	if (cl == 0) return h->score;
	return h->score + sc->clip * ((h->qb > 0) + (h->qe < len)) + cl * sc->a - (sc->o + sc->e);
}

/* Replace hit h by the alignment in n when that scores higher (keeps h's
 * seed counts); frees the loser's cigar. */
static void hit_improve(al_placement_t *h, al_placement_t *n)
{
	if (n->score > h->score) {
		n->n_seeds = h->n_seeds;
		n->near = h->near;
		free(h->cigar);
		*h = *n;
	} else {
		free(n->cigar);
	}
}

/* Second look at the hits that could be better than they seem (hits best
 * first).  A hit scored gap-free only and clipped (an indel breaks the
 * diagonal) whose potential comes within REFINE_MARGIN of the best gets the
 * banded DP: its score is the second-best that MAPQ rests on, or it is the
 * true placement.  Then a best hit that still leaves CLIP_REDO or more bases
 * unaligned is aligned again over a wide band (WIDE_BAND diagonals each
 * side): in a cluster of indels the seeds form separate clusters on
 * diagonals further apart than one band, and the read's full alignment
 * spans them.  At most REFINE_MAX hits per read. */
#define REFINE_MARGIN 20
#define REFINE_MAX 8
#define CLIP_REDO 30
#define WIDE_BAND 64
static void refine_hits(const al_index_t *ix, const al_map_opts_t *o, const uint8_t *fwd, const uint8_t *rev,
			int len, al_map_buf_t *b, al_read_placements_t *rh)
{
	int i, done = 0, changed = 0;
	int64_t cs;
	al_placement_t n;
	if (rh->n == 0) return;
	for (i = 0; i < rh->n && done < REFINE_MAX; i++) {
		al_placement_t *h = &rh->h[i];
		if (!h->quick || hit_clipped(h, len) == 0) continue;
		if (hit_potential(h, len, &o->sc) + REFINE_MARGIN < rh->h[0].score) continue;
		cs = (int64_t)ix->contigs[h->tid].offset;
		memset(&n, 0, sizeof n);
		done++;
		if (!dp_diagonals(ix, o, h->rev ? rev : fwd, len, h->rev, cs + h->pos - h->qb, cs + h->pos - h->qb,
				  o->band, b, &n)) continue;
		h->quick = 0;
		hit_improve(h, &n);
		changed = 1;
	}
	if (changed) al_map_placements_dedup(rh);
	{
		al_placement_t *h = &rh->h[0];
		if (hit_clipped(h, len) < CLIP_REDO) return;
		cs = (int64_t)ix->contigs[h->tid].offset;
		memset(&n, 0, sizeof n);
		if (!dp_diagonals(ix, o, h->rev ? rev : fwd, len, h->rev, cs + h->pos - h->qb, cs + h->pos - h->qb,
				  WIDE_BAND, b, &n)) return;
		h->quick = 0;
		if (n.score > h->score) {
			hit_improve(h, &n);
			al_map_placements_dedup(rh);
		} else {
			free(n.cigar);
		}
	}
}

void al_map_placements_dedup(al_read_placements_t *rh)
{
	int i, j, n = 0;
	if (rh->n > 1) {
		al_keyed_hit_t *k = gsa_xmalloc((size_t)rh->n * sizeof *k);
		for (i = 0; i < rh->n; i++) {
			k[i].h = rh->h[i];
			k[i].key = hit_key(&rh->h[i], rh->seed);
		}
		qsort(k, (size_t)rh->n, sizeof *k, cmp_hit);
		for (i = 0; i < rh->n; i++) rh->h[i] = k[i].h;
		free(k);
	}
	for (i = 0; i < rh->n; i++) {
		al_placement_t *h = &rh->h[i];
		int dup = 0;
		for (j = 0; j < n && !dup; j++) {
			const al_placement_t *g = &rh->h[j];
			/* the same alignment found twice; shifted copies (tandem
			 * repeats) stay, they are real alternatives */
			if (g->tid == h->tid && g->rev == h->rev &&
			    (llabs(g->pos - h->pos) <= 5 || llabs(g->end - h->end) <= 5)) dup = 1;
		}
		if (dup) free(h->cigar);
		else rh->h[n++] = *h;
	}
	rh->n = n;
}

/* The k-th smallest (0-based) of v[0..n), k < n; v is reordered. */
static uint64_t select_kth(uint64_t *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;
	while (lo < hi) {
		uint64_t pv = v[lo + (hi - lo) / 2];
		size_t i = lo, j = hi;
		while (i <= j) {
			while (v[i] < pv) i++;
			while (v[j] > pv) j--;
			if (i <= j) {
				uint64_t x = v[i]; v[i] = v[j]; v[j] = x;
				i++;
				if (j == 0) break;
				j--;
			}
		}
		if (k <= j) hi = j;
		else if (k >= i) lo = i;
		else break;
	}
	return v[k];
}

/* Sampling key of a hit: a hash of the read's seed, the strand and the
 * diagonal in 32-base bins (the anchors of one copy share it). */
static inline uint64_t sample_key(uint64_t seed, int64_t diag, int s)
{
	return mix64(seed ^ (uint64_t)(diag >> 5) ^ ((uint64_t)s << 63));
}

/* Anchors of the minimizers with at most max_occ hits; with `truncate`,
 * more repetitive ones contribute a sample of max_occ hits instead of none:
 * those with the smallest sampling keys, drawn anew for each read.  Copies
 * with small keys are kept by every seed, so a copy keeps its anchors
 * together (positions in genome order would pile every read of a repeat
 * onto its first copies). */
static void collect_anchors(const al_index_t *ix, const al_minimizer_t *mins, const al_seed_hits_t *sh, size_t n_mins,
			    int len, int k,
			    uint32_t max_occ, int truncate, uint64_t seed, al_map_buf_t *b, size_t *n_anchors,
			    int *n_rep, int *n_used)
{
	size_t i, na = 0, cap = b->m_anchors;
	al_anchor_t *a = b->anchors;
	for (i = 0; i < n_mins; i++) {
		uint64_t first = sh[i].first;
		uint32_t cnt = sh[i].cnt, j;
		int sampled = 0;
		uint64_t thr = 0;
		if (cnt == 0) continue;
		if (cnt > max_occ) {
			(*n_rep)++;
			if (!truncate) continue;
			sampled = 1;
		}
		(*n_used)++;
		if (sampled) {
			uint64_t *keys;
			if (b->m_tmp * sizeof(al_anchor_t) < (size_t)cnt * sizeof *keys) {
				b->m_tmp = ((size_t)cnt * sizeof *keys + sizeof(al_anchor_t) - 1) / sizeof(al_anchor_t);
				b->tmp = gsa_xreallocarray(b->tmp, b->m_tmp, sizeof(al_anchor_t));
			}
			keys = b->tmp;
			for (j = 0; j < cnt; j++) {
				uint64_t gp = al_index_pos(ix, first + j);
				int s = (int)(gp & 1) ^ (int)mins[i].strand;
				int32_t r = s ? (int32_t)(len - (int)mins[i].pos - k) : (int32_t)mins[i].pos;
				keys[j] = sample_key(seed, (int64_t)(gp >> 1) - r, s);
			}
			thr = select_kth(keys, cnt, max_occ - 1);
		}
		a = gsa_xgrow(a, &cap, na + (sampled ? max_occ : cnt), sizeof *a);
		for (j = 0; j < cnt; j++) {
			uint64_t gp = al_index_pos(ix, first + j);
			int64_t g = (int64_t)(gp >> 1);
			int s = (int)(gp & 1) ^ (int)mins[i].strand;
			int32_t r = s ? (int32_t)(len - (int)mins[i].pos - k) : (int32_t)mins[i].pos;
			if (sampled) {
				if (sample_key(seed, g - r, s) > thr) continue;
				a = gsa_xgrow(a, &cap, na + 1, sizeof *a); /* equal keys may pass max_occ */
			}
			a[na].diag = g - r;
			a[na].rpos = r;
			a[na].strand = s;
			na++;
		}
	}
	b->anchors = a;
	b->m_anchors = cap;
	*n_anchors = na;
}

/* Sort anchors by strand, then diagonal: LSD radix on a 64-bit key for
 * large sets, insertion sort for small ones.  b->tmp is reused scratch. */
static void sort_anchors(al_anchor_t *a, size_t n, al_map_buf_t *b)
{
	size_t i;
	if (n < 32) {
		for (i = 1; i < n; i++) {
			al_anchor_t x = a[i];
			size_t j = i;
			while (j > 0 && cmp_anchor(&a[j - 1], &x) > 0) { a[j] = a[j - 1]; j--; }
			a[j] = x;
		}
		return;
	}
	if (b->m_tmp < n) {
		b->m_tmp = n;
		b->tmp = gsa_xreallocarray(b->tmp, n, sizeof(al_anchor_t));
	}
	{
		al_anchor_t *src = a, *dst = b->tmp;
		int64_t mn = a[0].diag;
		uint64_t mx = 0;
		int sh;
		size_t cnt[256];
		for (i = 1; i < n; i++) if (a[i].diag < mn) mn = a[i].diag;
		for (i = 0; i < n; i++) {
			uint64_t key = (uint64_t)(a[i].diag - mn);
			if (key > mx) mx = key;
		}
		/* key = strand above the diagonal bits */
		int bits = 1;
		while (bits < 63 && (mx >> bits)) bits++;
		for (sh = 0; sh < bits + 1; sh += 8) {
			size_t sum = 0;
			memset(cnt, 0, sizeof cnt);
			for (i = 0; i < n; i++) {
				uint64_t key = ((uint64_t)src[i].strand << bits) | (uint64_t)(src[i].diag - mn);
				cnt[(key >> sh) & 255]++;
			}
			for (i = 0; i < 256; i++) { size_t c = cnt[i]; cnt[i] = sum; sum += c; }
			for (i = 0; i < n; i++) {
				uint64_t key = ((uint64_t)src[i].strand << bits) | (uint64_t)(src[i].diag - mn);
				dst[cnt[(key >> sh) & 255]++] = src[i];
			}
			al_anchor_t *t = src; src = dst; dst = t;
		}
		if (src != a) memcpy(a, src, n * sizeof *a);
	}
}

static int cmp_i32(const void *pa, const void *pb)
{
	int32_t x = *(const int32_t *)pa, y = *(const int32_t *)pb;
	return (x > y) - (x < y);
}

/* Read bases covered by the k-mers of n anchors: a cluster's strength that
 * a tandem repeat (many anchors per read position) cannot inflate. */
static int32_t read_coverage(const al_anchor_t *a, size_t n, int k, al_map_buf_t *b)
{
	int32_t *p, cov = 0, end = -1;
	size_t i;
	if (n == 1) return k;
	if (b->m_rpos < n) {
		b->m_rpos = n;
		b->rpos = gsa_xreallocarray(b->rpos, n, sizeof *b->rpos);
	}
	p = b->rpos;
	if (n <= 64) {
		/* anchors come sorted by diagonal, then read position: a few
		 * sorted runs, which insertion sort handles in near-linear time */
		for (i = 0; i < n; i++) {
			int32_t x = a[i].rpos;
			size_t j = i;
			while (j > 0 && p[j - 1] > x) { p[j] = p[j - 1]; j--; }
			p[j] = x;
		}
	} else {
		for (i = 0; i < n; i++) p[i] = a[i].rpos;
		qsort(p, n, sizeof *p, cmp_i32);
	}
	for (i = 0; i < n; i++) {
		int32_t s = p[i] > end ? p[i] : end, e = p[i] + k;
		if (e > s) cov += e - s;
		if (e > end) end = e;
	}
	return cov;
}

/* First anchor at or after (strand, diag) in the sorted anchors. */
static size_t anchors_lower(const al_anchor_t *a, size_t n, int32_t strand, int64_t diag)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a[mid].strand < strand || (a[mid].strand == strand && a[mid].diag < diag)) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/* Anchors on diagonals 8-400 from the cluster's main one (same strand):
 * the read may fit a tandem or nearby copy shifted by that much. */
static int32_t cluster_near(const al_anchor_t *a, size_t n, const al_cluster_t *c)
{
	size_t all = anchors_lower(a, n, c->strand, c->dmode + 401) - anchors_lower(a, n, c->strand, c->dmode - 400);
	size_t mid = anchors_lower(a, n, c->strand, c->dmode + 8) - anchors_lower(a, n, c->strand, c->dmode - 7);
	return (int32_t)(all - mid);
}

void al_map_read(const al_index_t *ix, const al_map_opts_t *o, const uint8_t *fwd, const uint8_t *rev,
	      int len, uint64_t seed, al_map_buf_t *b, al_read_placements_t *rh)
{
	size_t na = 0, nc = 0, i, cap;
	al_anchor_t *a;
	al_cluster_t *c;
	al_seed_hits_t *sh;
	int n_rep = 0, n_used = 0, best_n, aligned;
	al_read_placements_clear(rh);
	rh->seed = seed;
	b->n_mins = 0;
	al_sketch_minimizers(fwd, (size_t)len, ix->k, ix->w, &b->mins, &b->n_mins, &b->m_mins);
	rh->n_mins = (int)b->n_mins;
	if (b->m_seeds < b->n_mins + 1) {
		b->m_seeds = b->n_mins + 1;
		b->seeds = gsa_xreallocarray(b->seeds, b->m_seeds, sizeof(al_seed_hits_t));
	}
	sh = b->seeds;
	{
		/* seeds hitting few places are enough when there are many of them;
		 * more repetitive ones (up to max_occ) join otherwise */
		size_t j, low = 0, hit = 0;
		for (j = 0; j < b->n_mins; j++) {
			uint32_t cnt = al_index_lookup(ix, b->mins[j].hash, &sh[j].first);
			sh[j].cnt = cnt;
			if (cnt > 0) hit++;
			if (cnt > 0 && cnt <= (uint32_t)o->low_occ) low++;
		}
		uint32_t cap = low * 2 >= hit && o->low_occ < o->max_occ ? (uint32_t)o->low_occ : (uint32_t)o->max_occ;
		collect_anchors(ix, b->mins, sh, b->n_mins, len, ix->k, cap, 0, seed, b, &na, &n_rep, &n_used);
	}
	rh->n_rep = n_rep;
	if (n_rep > 0 && n_rep >= n_used) {
		/* mostly repeats: the few unique seeds may all be wrong; take the
		 * repetitive ones too, up to a larger cap */
		int r2 = 0, u2 = 0;
		collect_anchors(ix, b->mins, sh, b->n_mins, len, ix->k, (uint32_t)o->max_occ * 10, 0, seed, b, &na, &r2, &u2);
	}
	if (na == 0 && n_rep > 0) {
		/* only very high-copy seeds (e.g. a read inside an Alu of a whole
		 * genome): place it on a random sample of the copies, MAPQ will be 0 */
		int r2 = 0, u2 = 0;
		collect_anchors(ix, b->mins, sh, b->n_mins, len, ix->k, (uint32_t)o->max_occ, 1, seed, b, &na, &r2, &u2);
		rh->truncated = na > 0;
	}
	if (na == 0) return;
	a = b->anchors;
	sort_anchors(a, na, b);
	/* clusters of anchors on nearby diagonals */
	cap = b->m_clusters;
	c = b->clusters;
	for (i = 0; i < na;) {
		size_t j = i + 1, best_run = 1, run = 1;
		int64_t dmode = a[i].diag;
		while (j < na && a[j].strand == a[i].strand && a[j].diag - a[j - 1].diag <= o->cluster_gap) {
			if (a[j].diag == a[j - 1].diag) run++;
			else run = 1;
			if (run > best_run) { best_run = run; dmode = a[j].diag; }
			j++;
		}
		c = gsa_xgrow(c, &cap, nc + 1, sizeof *c);
		c[nc].dmin = a[i].diag;
		c[nc].dmax = a[j - 1].diag;
		c[nc].dmode = dmode;
		c[nc].n = read_coverage(a + i, j - i, ix->k, b);
		c[nc].nmode = (int32_t)best_run;
		c[nc].strand = a[i].strand;
		nc++;
		i = j;
	}
	b->clusters = c;
	b->m_clusters = cap;
	/* clusters the loop below would stop before (weaker than a quarter of
	 * the best and shorter than 2k) need no sorting */
	best_n = 0;
	for (i = 0; i < nc; i++) if (c[i].n > best_n) best_n = c[i].n;
	{
		size_t m = 0;
		for (i = 0; i < nc; i++)
			if (c[i].n * 4 >= best_n || c[i].n >= 2 * ix->k) c[m++] = c[i];
		nc = m;
	}
	if (nc > 1) qsort(c, nc, sizeof *c, cmp_cluster);
	best_n = c[0].n;
	aligned = 0;
	/* the strongest clusters; past max_cand, copies nearly as strong as the
	 * best (segmental duplications) are still scored gap-free, so that pairs
	 * and MAPQ see every copy */
	for (i = 0; i < nc; i++) {
		int extra = aligned >= o->max_cand;
		if (extra && (aligned >= o->max_cand_rep || c[i].n * 5 < best_n * 4)) break;
		if (i > 0 && c[i].n * 4 < best_n && c[i].n < 2 * ix->k) break;
		int quick = extra || (i > 0 && (c[i].n * 3 < best_n * 2 || c[i].dmin == c[i].dmax));
		c[i].near = cluster_near(a, na, &c[i]);
		/* very wide clusters (tandem repeats) are aligned in one window */
		if (c[i].dmax - c[i].dmin > 4 * len) {
			al_cluster_t cc = c[i];
			cc.dmin = cc.dmode - len;
			cc.dmax = cc.dmode + len;
			align_cluster(ix, o, fwd, rev, len, &cc, quick, b, rh);
		} else {
			align_cluster(ix, o, fwd, rev, len, &c[i], quick, b, rh);
		}
		aligned++;
	}
	al_map_placements_dedup(rh);
	refine_hits(ix, o, fwd, rev, len, b, rh);
}
