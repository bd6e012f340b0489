/* extend_simd.c — SSE4.1 and AVX2 fills of the banded affine-gap matrix.
 *
 * Same recurrences as the scalar fill in al_extend.c, one row at a time
 * with the band's cells in 16-bit lanes (8 for SSE4.1, 16 for AVX2):
 *   M = max(H[i-1][j-1], start) + s(q_i, t_j)
 *   F = max(H[i-1][j] - (o+e), F[i-1][j] - e)
 *   E_in[j+1] = max(H[j] - (o+e), E_in[j] - e)
 *   H = max(M, E_in, F)
 * E depends on H of the same row; since E_in - (o+e) <= E_in - e, E_in[j+1]
 * = max(max(M, F)[j] - (o+e), E_in[j] - e): a running maximum with a linear
 * decay, computed per vector by log2(lanes) shifted maxima plus the carry
 * from the previous vector.  Lanes saturate at -32768: scores that reach it
 * are never the maximum of a comparison that matters (al_extend_simd_fits
 * keeps every real score far above it), so the best cell and the traceback
 * along the optimal path equal the scalar fill's.
 *
 * The kernels are compiled with function target attributes, so the file
 * builds without -m flags and the caller picks one at run time.
 */
#include "al_extend_simd.h"
#include "alloc.h"

#include <string.h>

int al_extend_simd_fits(int qlen, int tlen, const al_scoring_t *sc)
{
	long span = (long)qlen + (long)tlen;
	if (sc->a < 0 || sc->b < 0 || sc->n < 0 || sc->o < 0 || sc->e < 0 || sc->clip < 0) return 0;
	if (sc->a > 64 || sc->b > 64 || sc->n > 64 || sc->o > 64 || sc->e > 64 || sc->clip > 64) return 0;
	/* the largest score is qlen * a, the lowest real one above
	 * -(clip + b + o + e * (qlen + tlen)) */
	return span * (long)(sc->a + sc->e) + 4 * 64 < 30000;
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define AL_NEG16 (-32768)

/* Per-call set-up shared by both kernels: 16-bit H and F rows with one
 * spare cell before (H[-1]) and `pad` after, the score profile of the
 * window for each read base (0-3, 4 = N), and a row of end scores. */
static void simd_setup(const uint8_t *t, int tlen, int w, int pad, const al_scoring_t *sc, al_dp_buf_t *buf)
{
	size_t need = (size_t)tlen + (size_t)pad + 1, pn = 5 * ((size_t)tlen + (size_t)pad);
	int c, j;
	if (buf->h16_cap < need) {
		buf->h16_cap = need;
		buf->h16 = gsa_xreallocarray(buf->h16, need, sizeof *buf->h16);
		buf->f16 = gsa_xreallocarray(buf->f16, need, sizeof *buf->f16);
	}
	if (buf->prof_cap < pn) {
		buf->prof_cap = pn;
		buf->prof = gsa_xreallocarray(buf->prof, pn, sizeof *buf->prof);
	}
	if (buf->rowv_cap < (size_t)w + (size_t)pad) {
		buf->rowv_cap = (size_t)w + (size_t)pad;
		buf->rowv = gsa_xreallocarray(buf->rowv, buf->rowv_cap, sizeof *buf->rowv);
	}
	for (j = 0; j < (int)need; j++) buf->h16[j] = buf->f16[j] = AL_NEG16;
	for (c = 0; c < 5; c++) {
		int16_t *p = buf->prof + (size_t)c * ((size_t)tlen + (size_t)pad);
		for (j = 0; j < tlen; j++) {
			uint8_t y = t[j];
			p[j] = (int16_t)(c > 3 || y > 3 ? -sc->n : c == y ? sc->a : -sc->b);
		}
		for (; j < tlen + pad; j++) p[j] = (int16_t)-sc->n;
	}
}

/* ---- SSE4.1: 8 lanes ---- */
#define AL_TARGET __attribute__((target("sse4.1")))
#define VW 8
#define V __m128i
#define VLOAD(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
#define VSTORE(p, x) _mm_storeu_si128((__m128i *)(void *)(p), (x))
#define VSET1(x) _mm_set1_epi16((short)(x))
#define VMAX(a, b) _mm_max_epi16((a), (b))
#define VADDS(a, b) _mm_adds_epi16((a), (b))
#define VSUBS(a, b) _mm_subs_epi16((a), (b))
#define VGT(a, b) _mm_cmpgt_epi16((a), (b))
#define VEQ(a, b) _mm_cmpeq_epi16((a), (b))
#define VAND(a, b) _mm_and_si128((a), (b))
#define VANDNOT(a, b) _mm_andnot_si128((a), (b))
#define VOR(a, b) _mm_or_si128((a), (b))
#define VBLEND(a, b, m) _mm_blendv_epi8((a), (b), (m))
#define VLANES _mm_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7)
#define VLAST(x) ((int16_t)_mm_extract_epi16((x), 7))
#define VMASK(x) ((unsigned)_mm_movemask_epi8(x))
/* lanes moved up by one, lane 0 from the last lane of `in` */
#define VSHIFT1(x, in) _mm_alignr_epi8((x), (in), 14)
#define VSHIFT(x, fill, n) _mm_alignr_epi8((x), (fill), 16 - 2 * (n))
#define VSTORE_TB(p, d) _mm_storel_epi64((__m128i *)(void *)(p), _mm_packus_epi16((d), (d)))
#define VPREFIX(X, negv, ev) do { \
		X = VMAX(X, VSUBS(VSHIFT(X, negv, 1), ev)); \
		X = VMAX(X, VSUBS(VSHIFT(X, negv, 2), _mm_add_epi16(ev, ev))); \
		X = VMAX(X, VSUBS(VSHIFT(X, negv, 4), _mm_slli_epi16(ev, 2))); \
	} while (0)
AL_TARGET static inline int16_t vhmax_sse41(__m128i x)
{
	x = _mm_max_epi16(x, _mm_srli_si128(x, 8));
	x = _mm_max_epi16(x, _mm_srli_si128(x, 4));
	x = _mm_max_epi16(x, _mm_srli_si128(x, 2));
	return (int16_t)_mm_extract_epi16(x, 0);
}
#define VHMAX(x) vhmax_sse41(x)
#define KFN al_extend_fill_sse41
#include "al_extend_simd.inc"
#undef AL_TARGET
#undef VW
#undef V
#undef VLOAD
#undef VSTORE
#undef VSET1
#undef VMAX
#undef VADDS
#undef VSUBS
#undef VGT
#undef VEQ
#undef VAND
#undef VANDNOT
#undef VOR
#undef VBLEND
#undef VLANES
#undef VLAST
#undef VMASK
#undef VSHIFT1
#undef VSHIFT
#undef VSTORE_TB
#undef VPREFIX
#undef VHMAX
#undef KFN

/* ---- AVX2: 16 lanes ---- */
#define AL_TARGET __attribute__((target("avx2")))
#define VW 16
#define V __m256i
#define VLOAD(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define VSTORE(p, x) _mm256_storeu_si256((__m256i *)(void *)(p), (x))
#define VSET1(x) _mm256_set1_epi16((short)(x))
#define VMAX(a, b) _mm256_max_epi16((a), (b))
#define VADDS(a, b) _mm256_adds_epi16((a), (b))
#define VSUBS(a, b) _mm256_subs_epi16((a), (b))
#define VGT(a, b) _mm256_cmpgt_epi16((a), (b))
#define VEQ(a, b) _mm256_cmpeq_epi16((a), (b))
#define VAND(a, b) _mm256_and_si256((a), (b))
#define VANDNOT(a, b) _mm256_andnot_si256((a), (b))
#define VOR(a, b) _mm256_or_si256((a), (b))
#define VBLEND(a, b, m) _mm256_blendv_epi8((a), (b), (m))
#define VLANES _mm256_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
#define VLAST(x) ((int16_t)_mm256_extract_epi16((x), 15))
#define VMASK(x) ((unsigned)_mm256_movemask_epi8(x))
/* across the two 128-bit halves: y = [fill.hi, x.lo], then byte-align */
#define VSHIFT1(x, in) _mm256_alignr_epi8((x), _mm256_permute2x128_si256((x), (in), 0x03), 14)
#define VSHIFT(x, fill, n) _mm256_alignr_epi8((x), _mm256_permute2x128_si256((x), (fill), 0x03), 16 - 2 * (n))
#define VSHIFT8(x, fill) _mm256_permute2x128_si256((x), (fill), 0x03)
#define VSTORE_TB(p, d) _mm_storeu_si128((__m128i *)(void *)(p), \
		_mm256_castsi256_si128(_mm256_permute4x64_epi64(_mm256_packus_epi16((d), (d)), 0xD8)))
#define VPREFIX(X, negv, ev) do { \
		X = VMAX(X, VSUBS(VSHIFT(X, negv, 1), ev)); \
		X = VMAX(X, VSUBS(VSHIFT(X, negv, 2), _mm256_add_epi16(ev, ev))); \
		X = VMAX(X, VSUBS(VSHIFT(X, negv, 4), _mm256_slli_epi16(ev, 2))); \
		X = VMAX(X, VSUBS(VSHIFT8(X, negv), _mm256_slli_epi16(ev, 3))); \
	} while (0)
AL_TARGET static inline int16_t vhmax_avx2(__m256i y)
{
	__m128i x = _mm_max_epi16(_mm256_castsi256_si128(y), _mm256_extracti128_si256(y, 1));
	x = _mm_max_epi16(x, _mm_srli_si128(x, 8));
	x = _mm_max_epi16(x, _mm_srli_si128(x, 4));
	x = _mm_max_epi16(x, _mm_srli_si128(x, 2));
	return (int16_t)_mm_extract_epi16(x, 0);
}
#define VHMAX(x) vhmax_avx2(x)
#define KFN al_extend_fill_avx2
#include "al_extend_simd.inc"

#else /* not x86: never called (al_extend_banded checks the architecture) */

int al_extend_fill_sse41(const uint8_t *q, int qlen, const uint8_t *t, int tlen, int dlo, int dhi,
			 const al_scoring_t *sc, al_dp_buf_t *buf, int *bi, int *bj)
{
	(void)q; (void)qlen; (void)t; (void)tlen; (void)dlo; (void)dhi; (void)sc; (void)buf;
	*bi = *bj = -1;
	return 0;
}

int al_extend_fill_avx2(const uint8_t *q, int qlen, const uint8_t *t, int tlen, int dlo, int dhi,
			const al_scoring_t *sc, al_dp_buf_t *buf, int *bi, int *bj)
{
	return al_extend_fill_sse41(q, qlen, t, tlen, dlo, dhi, sc, buf, bi, bj);
}

#endif
