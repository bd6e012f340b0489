/* extend.h — pairwise alignment of a read against a reference window.
 *
 * Scores (bwa-like): match +a, mismatch -b, any N -n, a gap of length L
 * costs o + L*e, and leaving read bases unaligned at either end ("soft
 * clipping") costs `clip` per end.  The reference window is free at both
 * ends, the read is aligned end to end unless clipping scores better.
 * Banded Gotoh with a byte traceback; the band is a range of diagonals
 * d = j - i (j: window position, i: read position).  The matrix is filled
 * by one of three kernels (scalar, SSE4.1, AVX2; the SIMD ones use 16-bit
 * saturating lanes along a row, with the row's gap-open chain computed as
 * a prefix maximum), all giving the same score, end points and CIGAR.
 */
#ifndef ALIGN_AL_EXTEND_H
#define ALIGN_AL_EXTEND_H

#include <stddef.h>
#include <stdint.h>

typedef struct al_scoring {
	int a, b, n, o, e, clip;
} al_scoring_t;

typedef struct al_alignment {
	int score;
	int qb, qe;        /* aligned read bases [qb, qe) */
	int tb, te;        /* aligned window bases [tb, te) */
	uint32_t *cigar;   /* BAM-encoded, soft clips included; owned */
	int n_cigar, m_cigar;
} al_alignment_t;

/* DP fill kernels.  AL_KERNEL_SCALAR is 0, so a zeroed buffer uses it. */
typedef enum al_kernel {
	AL_KERNEL_SCALAR = 0,
	AL_KERNEL_SSE41 = 1,
	AL_KERNEL_AVX2 = 2
} al_kernel_t;

/* Scratch space reused across calls by one thread; `kernel` chooses the
 * fill kernel (set it from al_extend_kernel_best(); one this CPU lacks
 * falls back to scalar). */
typedef struct al_dp_buf {
	int32_t *h, *f;
	uint8_t *tb;
	size_t h_cap, tb_cap;
	int16_t *h16, *f16, *prof, *rowv;  /* SIMD kernels: rows, score profile */
	size_t h16_cap, prof_cap, rowv_cap;
	al_kernel_t kernel;
} al_dp_buf_t;

/* The fastest kernel this CPU runs (cpuid through __builtin_cpu_supports). */
al_kernel_t al_extend_kernel_best(void);

/* Whether this CPU (and this build) runs kernel k. */
int al_extend_kernel_supported(al_kernel_t k);

/* Parse "scalar", "sse4.1", "avx2" or "auto" (the best supported).  Returns
 * 0, or -1 for an unknown name. */
int al_extend_kernel_parse(const char *name, al_kernel_t *k);

/* Name of a kernel ("scalar", "sse4.1", "avx2"). */
const char *al_extend_kernel_name(al_kernel_t k);

void al_dp_buf_free(al_dp_buf_t *b);
void al_alignment_free(al_alignment_t *r);

/* Banded alignment of q[0..qlen) to t[0..tlen) over diagonals [dlo, dhi].
 * Fills res (cigar grown as needed).  Returns the score, or a negative
 * value (res->score = -1, n_cigar = 0) when nothing scores above 0. */
int al_extend_banded(const uint8_t *q, int qlen, const uint8_t *t, int tlen, int dlo, int dhi,
	       const al_scoring_t *sc, al_dp_buf_t *buf, al_alignment_t *res);

/* Gap-free alignment of q against t with q[i] facing t[i] (t holds qlen
 * bases), clipping ends when that scores better.  Sets res as above (tb/te
 * in t coordinates) and *mismatches (within the aligned part). */
int al_extend_ungapped(const uint8_t *q, int qlen, const uint8_t *t, const al_scoring_t *sc,
		 al_alignment_t *res, int *mismatches);

#endif
