/* extend_simd.h — the DP fill kernels behind al_extend_banded (internal).
 *
 * A fill computes the banded matrix of al_extend_banded, writes one
 * traceback byte per band cell into buf->tb (row i at i * (dhi - dlo + 1))
 * and returns the best end score (> 0) with its cell in *bi, *bj, or 0
 * with *bi = -1.  Cells off the optimal path may hold other traceback bits
 * in different kernels; the cells the traceback visits are identical.
 */
#ifndef ALIGN_AL_EXTEND_SIMD_H
#define ALIGN_AL_EXTEND_SIMD_H

#include "al_extend.h"

/* traceback byte: bits 0-1 where H came from, bit 2 E extended, bit 3 F
 * extended, bit 4 M started a new alignment (read bases before it clipped) */
enum { AL_TB_SRC_M = 0, AL_TB_SRC_E = 2, AL_TB_SRC_F = 3, AL_TB_E_EXT = 4, AL_TB_F_EXT = 8, AL_TB_M_START = 16 };

/* Whether the 16-bit kernels hold every score of this problem exactly. */
int al_extend_simd_fits(int qlen, int tlen, const al_scoring_t *sc);

/* The SIMD fills (x86 only; the caller checks CPU support and _fits).
 * buf->tb must hold qlen * w + 32 bytes. */
int al_extend_fill_sse41(const uint8_t *q, int qlen, const uint8_t *t, int tlen, int dlo, int dhi,
			 const al_scoring_t *sc, al_dp_buf_t *buf, int *bi, int *bj);
int al_extend_fill_avx2(const uint8_t *q, int qlen, const uint8_t *t, int tlen, int dlo, int dhi,
			const al_scoring_t *sc, al_dp_buf_t *buf, int *bi, int *bj);

#endif
