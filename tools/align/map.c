#include "map.h"
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

typedef struct anchor {
	int64_t diag;  /* global reference position - read position */
	int32_t rpos;
	int32_t strand;
} anchor_t;

typedef struct cluster {
	int64_t dmin, dmax, dmode;
	int32_t n, strand;
	int32_t nmode;
} cluster_t;

void map_opts_default(map_opts_t *o)
{
	o->max_occ = 500;
	o->band = 24;
	o->cluster_gap = 24;
	o->max_cand = 6;
	o->min_score = 30;
	o->max_mm_fast = 2;
	o->sc.a = 1;
	o->sc.b = 4;
	o->sc.n = 1;
	o->sc.o = 6;
	o->sc.e = 1;
	o->sc.clip = 5;
}

void map_buf_free(map_buf_t *b)
{
	free(b->mins);
	free(b->anchors);
	free(b->clusters);
	free(b->win);
	aln_buf_free(&b->aln);
	aln_result_free(&b->res);
	memset(b, 0, sizeof *b);
}

void read_hits_clear(read_hits_t *rh)
{
	int i;
	for (i = 0; i < rh->n; i++) free(rh->h[i].cigar);
	rh->n = 0;
	rh->n_rep = rh->n_mins = 0;
}

void read_hits_free(read_hits_t *rh)
{
	read_hits_clear(rh);
	free(rh->h);
	memset(rh, 0, sizeof *rh);
}

static int cmp_anchor(const void *pa, const void *pb)
{
	const anchor_t *a = pa, *b = pb;
	if (a->strand != b->strand) return a->strand - b->strand;
	if (a->diag != b->diag) return a->diag < b->diag ? -1 : 1;
	return a->rpos - b->rpos;
}

static int cmp_cluster(const void *pa, const void *pb)
{
	const cluster_t *a = pa, *b = pb;
	if (a->n != b->n) return b->n - a->n;
	if (a->strand != b->strand) return a->strand - b->strand;
	return a->dmin < b->dmin ? -1 : a->dmin > b->dmin;
}

static int cmp_hit(const void *pa, const void *pb)
{
	const hit_t *a = pa, *b = pb;
	if (a->score != b->score) return b->score - a->score;
	if (a->tid != b->tid) return a->tid - b->tid;
	if (a->pos != b->pos) return a->pos < b->pos ? -1 : 1;
	return a->rev - b->rev;
}

static hit_t *hits_push(read_hits_t *rh)
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
static void hit_from_result(const align_index_t *ix, int tid, int64_t wstart, int rev, const aln_result_t *r, hit_t *h)
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

static uint8_t *win_get(map_buf_t *b, size_t n)
{
	if (b->m_win < n) {
		b->m_win = n;
		b->win = gsa_xreallocarray(b->win, n, 1);
	}
	return b->win;
}

int map_align_window(const align_index_t *ix, const map_opts_t *o, const uint8_t *q, int len, int rev,
		     int tid, int64_t wstart, int64_t wend, map_buf_t *b, hit_t *out)
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
	index_get_seq(ix, (uint64_t)wstart, (uint64_t)wend, t);
	if (aln_banded(q, len, t, tlen, -len, tlen, &o->sc, &b->aln, &b->res) < o->min_score) return 0;
	hit_from_result(ix, tid, wstart, rev, &b->res, out);
	return 1;
}

/* Align one cluster; appends a hit when it scores. */
static void align_cluster(const align_index_t *ix, const map_opts_t *o, const uint8_t *fwd, const uint8_t *rev,
			  int len, const cluster_t *c, map_buf_t *b, read_hits_t *rh)
{
	const uint8_t *q = c->strand ? rev : fwd;
	int64_t mid = c->dmode + len / 2;
	int tid, mm = 0;
	int64_t cs, ce, ws, we;
	uint8_t *t;
	if (mid < 0) mid = 0;
	if ((uint64_t)mid >= ix->h->total) mid = (int64_t)ix->h->total - 1;
	tid = index_contig_of(ix, (uint64_t)mid);
	cs = (int64_t)ix->contigs[tid].offset;
	ce = cs + (int64_t)ix->contigs[tid].len;
	/* gap-free first, on the cluster's main diagonal */
	if (c->dmode >= cs && c->dmode + len <= ce) {
		t = win_get(b, (size_t)len);
		index_get_seq(ix, (uint64_t)c->dmode, (uint64_t)(c->dmode + len), t);
		if (aln_ungapped(q, len, t, &o->sc, &b->res, &mm) >= o->min_score && mm <= o->max_mm_fast
		    && b->res.qb == 0 && b->res.qe == len && (c->dmin == c->dmax || mm == 0)) {
			hit_t *h = hits_push(rh);
			hit_from_result(ix, tid, c->dmode, c->strand, &b->res, h);
			h->n_seeds = c->n;
			return;
		}
	}
	ws = c->dmin - o->band;
	we = c->dmax + len + o->band;
	if (ws < cs) ws = cs;
	if (we > ce) we = ce;
	if (we - ws < 20) return;
	t = win_get(b, (size_t)(we - ws));
	index_get_seq(ix, (uint64_t)ws, (uint64_t)we, t);
	{
		int dlo = (int)(c->dmin - ws) - o->band, dhi = (int)(c->dmax - ws) + o->band;
		if (aln_banded(q, len, t, (int)(we - ws), dlo, dhi, &o->sc, &b->aln, &b->res) >= o->min_score) {
			hit_t *h = hits_push(rh);
			hit_from_result(ix, tid, ws, c->strand, &b->res, h);
			h->n_seeds = c->n;
		}
	}
}

void map_hits_dedup(read_hits_t *rh)
{
	int i, j, n = 0;
	if (rh->n > 1) qsort(rh->h, (size_t)rh->n, sizeof *rh->h, cmp_hit);
	for (i = 0; i < rh->n; i++) {
		hit_t *h = &rh->h[i];
		int dup = 0;
		for (j = 0; j < n && !dup; j++) {
			const hit_t *g = &rh->h[j];
			if (g->tid == h->tid && g->rev == h->rev && g->pos < h->end && h->pos < g->end) dup = 1;
		}
		if (dup) free(h->cigar);
		else rh->h[n++] = *h;
	}
	rh->n = n;
}

static void collect_anchors(const align_index_t *ix, const sketch_hit_t *mins, size_t n_mins, int len, int k,
			    uint32_t max_occ, map_buf_t *b, size_t *n_anchors, int *n_rep)
{
	size_t i, na = 0, cap = b->m_anchors;
	anchor_t *a = b->anchors;
	for (i = 0; i < n_mins; i++) {
		const uint64_t *p;
		uint32_t cnt = index_lookup(ix, mins[i].hash, &p), j;
		if (cnt == 0) continue;
		if (cnt > max_occ) { (*n_rep)++; continue; }
		a = gsa_xgrow(a, &cap, na + cnt, sizeof *a);
		for (j = 0; j < cnt; j++) {
			int64_t g = (int64_t)(p[j] >> 1);
			int s = (int)(p[j] & 1) ^ (int)mins[i].strand;
			int32_t r = s ? (int32_t)(len - (int)mins[i].pos - k) : (int32_t)mins[i].pos;
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

void map_read(const align_index_t *ix, const map_opts_t *o, const uint8_t *fwd, const uint8_t *rev,
	      int len, map_buf_t *b, read_hits_t *rh)
{
	size_t na = 0, nc = 0, i, cap;
	anchor_t *a;
	cluster_t *c;
	int n_rep = 0, best_n, aligned;
	read_hits_clear(rh);
	b->n_mins = 0;
	sketch_minimizers(fwd, (size_t)len, ix->k, ix->w, &b->mins, &b->n_mins, &b->m_mins);
	rh->n_mins = (int)b->n_mins;
	collect_anchors(ix, b->mins, b->n_mins, len, ix->k, (uint32_t)o->max_occ, b, &na, &n_rep);
	rh->n_rep = n_rep;
	if (na == 0 && n_rep > 0) /* only repeats: accept them up to a larger cap */
		collect_anchors(ix, b->mins, b->n_mins, len, ix->k, (uint32_t)o->max_occ * 10, b, &na, &n_rep);
	if (na == 0) return;
	a = b->anchors;
	qsort(a, na, sizeof *a, cmp_anchor);
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
		c[nc].n = (int32_t)(j - i);
		c[nc].nmode = (int32_t)best_run;
		c[nc].strand = a[i].strand;
		nc++;
		i = j;
	}
	b->clusters = c;
	b->m_clusters = cap;
	qsort(c, nc, sizeof *c, cmp_cluster);
	best_n = c[0].n;
	aligned = 0;
	for (i = 0; i < nc && aligned < o->max_cand; i++) {
		if (i > 0 && c[i].n * 5 < best_n && c[i].n < 3) break;
		/* very wide clusters (tandem repeats) are aligned in one window */
		if (c[i].dmax - c[i].dmin > 4 * len) {
			cluster_t cc = c[i];
			cc.dmin = cc.dmode - len;
			cc.dmax = cc.dmode + len;
			align_cluster(ix, o, fwd, rev, len, &cc, b, rh);
		} else {
			align_cluster(ix, o, fwd, rev, len, &c[i], b, rh);
		}
		aligned++;
	}
	map_hits_dedup(rh);
}
