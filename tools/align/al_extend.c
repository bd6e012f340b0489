#include "al_extend.h"
#include "al_extend_simd.h"
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

#define NEG_INF (-0x3fffffff)


void al_dp_buf_free(al_dp_buf_t *b)
{
	free(b->h);
	free(b->f);
	free(b->tb);
	free(b->h16);
	free(b->f16);
	free(b->prof);
	free(b->rowv);
	memset(b, 0, sizeof *b);
}

void al_alignment_free(al_alignment_t *r)
{
	free(r->cigar);
	memset(r, 0, sizeof *r);
}

static void cigar_push(al_alignment_t *r, int op, int len)
{
	if (len <= 0) return;
	if (r->n_cigar > 0 && (int)(r->cigar[r->n_cigar - 1] & 0xf) == op) {
		r->cigar[r->n_cigar - 1] += (uint32_t)len << 4;
		return;
	}
	if (r->n_cigar == r->m_cigar) {
		size_t c = (size_t)r->m_cigar;
		r->cigar = gsa_xgrow(r->cigar, &c, c + 1, sizeof *r->cigar);
		r->m_cigar = (int)c;
	}
	r->cigar[r->n_cigar++] = ((uint32_t)len << 4) | (uint32_t)op;
}

static void cigar_reverse(al_alignment_t *r)
{
	int i;
	for (i = 0; i < r->n_cigar / 2; i++) {
		uint32_t t = r->cigar[i];
		r->cigar[i] = r->cigar[r->n_cigar - 1 - i];
		r->cigar[r->n_cigar - 1 - i] = t;
	}
}

static inline int subst(const al_scoring_t *sc, uint8_t x, uint8_t y)
{
	if (x > 3 || y > 3) return -sc->n;
	return x == y ? sc->a : -sc->b;
}

/* The scalar fill (see al_extend_simd.h for the contract). */
static int fill_scalar(const uint8_t *q, int qlen, const uint8_t *t, int tlen, int dlo, int dhi,
		       const al_scoring_t *sc, al_dp_buf_t *buf, int *pbi, int *pbj)
{
	const int oe = sc->o + sc->e, e = sc->e;
	int w = dhi - dlo + 1, i, j;
	int best = 0, bi = -1, bj = -1;
	int32_t *H, *F;
	uint8_t *tb;
	if (buf->h_cap < (size_t)tlen + 1) {
		buf->h_cap = (size_t)tlen + 1;
		buf->h = gsa_xreallocarray(buf->h, buf->h_cap, sizeof *buf->h);
		buf->f = gsa_xreallocarray(buf->f, buf->h_cap, sizeof *buf->f);
	}
	H = buf->h;
	F = buf->f;
	tb = buf->tb;
	for (j = 0; j <= tlen; j++) H[j] = F[j] = NEG_INF;
	for (i = 0; i < qlen; i++) {
		int jlo = i + dlo, jhi = i + dhi;
		int start = i == 0 ? 0 : -sc->clip;
		int endpen = i == qlen - 1 ? 0 : sc->clip;
		int32_t E = NEG_INF, hdiag;
		uint8_t *row = tb + (size_t)i * (size_t)w;
		const uint8_t qi = q[i];
		if (jlo < 0) jlo = 0;
		if (jhi > tlen - 1) jhi = tlen - 1;
		if (jlo > jhi) continue;
		hdiag = jlo > 0 ? H[jlo - 1] : NEG_INF;
		/* E of the first cell comes from a cell left of the band: none */
		for (j = jlo; j <= jhi; j++) {
			int32_t m, h, f, hup = H[j];
			uint8_t d = 0;
			if (hdiag > start) m = hdiag; /* ties: clip, as a local aligner would */
			else { m = start; d |= AL_TB_M_START; }
			m += subst(sc, qi, t[j]);
			/* F: insertion, from the row above */
			f = hup - oe;
			if (F[j] - e > f) { f = F[j] - e; d |= AL_TB_F_EXT; }
			F[j] = f;
			h = m;
			if (E > h) { h = E; d |= AL_TB_SRC_E; }
			if (f > h) { h = f; d = (uint8_t)((d & ~3) | AL_TB_SRC_F); }
			row[j - i - dlo] = d;
			hdiag = hup;
			H[j] = h;
			if (m - endpen > best) { best = m - endpen; bi = i; bj = j; }
			/* E for the next cell: deletion, along the row */
			{
				int32_t eo = h - oe, ee = E - e;
				if (ee > eo) { E = ee; row[j - i - dlo] |= AL_TB_E_EXT; }
				else E = eo;
			}
		}
		/* cells right of this row's band are never read as hup by the next
		 * row beyond its own band, except the one at jhi + 1 which is still
		 * NEG_INF because bands only move right */
	}
	*pbi = bi;
	*pbj = bj;
	return best;
}

int al_extend_kernel_supported(al_kernel_t k)
{
	if (k == AL_KERNEL_SCALAR) return 1;
#if defined(__x86_64__) || defined(__i386__)
	__builtin_cpu_init();
	if (k == AL_KERNEL_SSE41) return __builtin_cpu_supports("sse4.1") != 0;
	if (k == AL_KERNEL_AVX2) return __builtin_cpu_supports("avx2") != 0;
#endif
	return 0;
}

al_kernel_t al_extend_kernel_best(void)
{
	if (al_extend_kernel_supported(AL_KERNEL_AVX2)) return AL_KERNEL_AVX2;
	if (al_extend_kernel_supported(AL_KERNEL_SSE41)) return AL_KERNEL_SSE41;
	return AL_KERNEL_SCALAR;
}

int al_extend_kernel_parse(const char *name, al_kernel_t *k)
{
	if (strcmp(name, "scalar") == 0) *k = AL_KERNEL_SCALAR;
	else if (strcmp(name, "sse4.1") == 0 || strcmp(name, "sse41") == 0) *k = AL_KERNEL_SSE41;
	else if (strcmp(name, "avx2") == 0) *k = AL_KERNEL_AVX2;
	else if (strcmp(name, "auto") == 0) *k = al_extend_kernel_best();
	else return -1;
	return 0;
}

const char *al_extend_kernel_name(al_kernel_t k)
{
	switch (k) {
	case AL_KERNEL_SSE41: return "sse4.1";
	case AL_KERNEL_AVX2: return "avx2";
	default: return "scalar";
	}
}

int al_extend_banded(const uint8_t *q, int qlen, const uint8_t *t, int tlen, int dlo, int dhi,
	       const al_scoring_t *sc, al_dp_buf_t *buf, al_alignment_t *res)
{
	int w = dhi - dlo + 1, i, j;
	int best, bi = -1, bj = -1;
	uint8_t *tb;
	res->score = -1;
	res->n_cigar = 0;
	res->qb = res->qe = res->tb = res->te = 0;
	if (qlen <= 0 || tlen <= 0 || w <= 0) return -1;
	/* 32 spare bytes: SIMD rows may write past the band's last cell */
	if (buf->tb_cap < (size_t)qlen * (size_t)w + 32) {
		buf->tb_cap = (size_t)qlen * (size_t)w + 32;
		buf->tb = gsa_xreallocarray(buf->tb, buf->tb_cap, 1);
	}
	tb = buf->tb;
#if defined(__x86_64__) || defined(__i386__)
	if (buf->kernel == AL_KERNEL_AVX2 && al_extend_simd_fits(qlen, tlen, sc))
		best = al_extend_fill_avx2(q, qlen, t, tlen, dlo, dhi, sc, buf, &bi, &bj);
	else if (buf->kernel == AL_KERNEL_SSE41 && al_extend_simd_fits(qlen, tlen, sc))
		best = al_extend_fill_sse41(q, qlen, t, tlen, dlo, dhi, sc, buf, &bi, &bj);
	else
#endif
		best = fill_scalar(q, qlen, t, tlen, dlo, dhi, sc, buf, &bi, &bj);
	if (bi < 0) return -1;
	/* E_EXT at cell (i,j) means: E entering (i,j+1) extended; we need, at
	 * cell (i,j) in state E, whether E(i,j) extended E(i,j-1), which is the
	 * bit stored at (i,j-1). */
	{
		int state = AL_TB_SRC_M, qb, tbeg;
		i = bi;
		j = bj;
		res->score = best;
		res->qe = bi + 1;
		res->te = bj + 1;
		cigar_push(res, 4 /* S */, qlen - 1 - bi);
		for (;;) {
			uint8_t d = tb[(size_t)i * (size_t)w + (size_t)(j - i - dlo)];
			if (state == AL_TB_SRC_M) {
				cigar_push(res, 0 /* M */, 1);
				if (d & AL_TB_M_START) { qb = i; tbeg = j; break; }
				i--; j--;
				state = tb[(size_t)i * (size_t)w + (size_t)(j - i - dlo)] & 3;
				if (state == 1) state = AL_TB_SRC_M;
			} else if (state == AL_TB_SRC_E) {
				cigar_push(res, 2 /* D */, 1);
				uint8_t dl = tb[(size_t)i * (size_t)w + (size_t)(j - 1 - i - dlo)];
				j--;
				if (dl & AL_TB_E_EXT) state = AL_TB_SRC_E;
				else { state = dl & 3; if (state == 1) state = AL_TB_SRC_M; }
			} else { /* AL_TB_SRC_F */
				cigar_push(res, 1 /* I */, 1);
				i--;
				uint8_t du = tb[(size_t)i * (size_t)w + (size_t)(j - i - dlo)];
				if (d & AL_TB_F_EXT) state = AL_TB_SRC_F;
				else { state = du & 3; if (state == 1) state = AL_TB_SRC_M; }
			}
		}
		cigar_push(res, 4, qb);
		cigar_reverse(res);
		res->qb = qb;
		res->tb = tbeg;
	}
	return res->score;
}

int al_extend_ungapped(const uint8_t *q, int qlen, const uint8_t *t, const al_scoring_t *sc,
		 al_alignment_t *res, int *mismatches)
{
	int i, s = 0, best = -1, ba = 0, bb = -1;
	int run_best = 0, run_at = 0; /* best value of (-prefix - startpen) so far */
	unsigned diff = 0;
	res->n_cigar = 0;
	res->score = -1;
	/* the common case first: every base matches, no N (a loop the compiler
	 * vectorises); the scan below would give the whole read, unclipped */
	for (i = 0; i < qlen; i++) diff |= (unsigned)(q[i] ^ t[i]) | (unsigned)(q[i] > 3);
	if (diff == 0 && qlen > 0 && qlen * sc->a > 0) {
		res->score = qlen * sc->a;
		res->qb = res->tb = 0;
		res->qe = res->te = qlen;
		cigar_push(res, 0, qlen);
		*mismatches = 0;
		return res->score;
	}
	for (i = 0; i < qlen; i++) {
		/* candidate start at i: value -S[i] - (i > 0 ? clip : 0) */
		int cand = -s - (i > 0 ? sc->clip : 0);
		if (i == 0 || cand >= run_best) { run_best = cand; run_at = i; } /* ties: clip */
		s += subst(sc, q[i], t[i]);
		int v = s + run_best - (i < qlen - 1 ? sc->clip : 0);
		if (v > best) { best = v; ba = run_at; bb = i; }
	}
	if (best <= 0) return -1;
	res->score = best;
	res->qb = res->tb = ba;
	res->qe = res->te = bb + 1;
	cigar_push(res, 4, ba);
	cigar_push(res, 0, bb + 1 - ba);
	cigar_push(res, 4, qlen - 1 - bb);
	*mismatches = 0;
	for (i = ba; i <= bb; i++)
		if (q[i] != t[i] || q[i] > 3) (*mismatches)++;
	return best;
}
