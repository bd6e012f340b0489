/* sketch.h — (w,k)-minimizers of a coded sequence.
 *
 * Each k-mer is taken in its canonical orientation (the smaller of the
 * k-mer and its reverse complement, k odd so they never tie) and ranked by
 * an invertible 64-bit mix of its 2k bits, so the rank is also a unique key.
 * A k-mer is a minimizer when it has the smallest rank of some window of w
 * consecutive k-mers (leftmost on ties).  Bases coded 4 break k-mers.
 */
#ifndef ALIGN_AL_SKETCH_H
#define ALIGN_AL_SKETCH_H

#include <stddef.h>
#include <stdint.h>

typedef struct al_minimizer {
	uint64_t hash;   /* rank and key of the canonical k-mer */
	uint32_t pos;    /* start of the k-mer in the sequence */
	uint32_t strand; /* 0: forward k-mer is canonical, 1: reverse complement */
} al_minimizer_t;

/* Invertible mix of a 2k-bit k-mer (a bijection on 64-bit values). */
uint64_t al_sketch_hash(uint64_t kmer);

/* Append the minimizers of seq[0..len) to *out (*n used, *cap allocated;
 * grown with gsa_xgrow), in increasing position.  k in [3, 31], k odd,
 * w >= 1.  Returns the number appended. */
size_t al_sketch_minimizers(const uint8_t *seq, size_t len, int k, int w,
			 al_minimizer_t **out, size_t *n, size_t *cap);

#endif
