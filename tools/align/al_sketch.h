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

/* Inverse of al_sketch_hash: the canonical k-mer a minimizer hash stands for.
 * Each step of al_sketch_hash undone in reverse order; the multipliers are
 * the inverses mod 2^64 of its multipliers. */
static inline uint64_t al_sketch_unhash(uint64_t x)
{
	x ^= x >> 33;
	x *= 0x4d6dff26c61d8485ULL;
	x ^= (x >> 27) ^ (x >> 54);
	x *= 0x4c5ff4596f4a2f4dULL;
	x ^= (x >> 31) ^ (x >> 62);
	return x;
}

/* Table key of a canonical k-mer: an invertible mix of its 2k bits into 2k
 * bits (so the index can store a key as bucket number + remainder and still
 * tell every k-mer apart).  k in [3, 31]. */
static inline uint64_t al_sketch_key(uint64_t kmer, int k)
{
	const uint64_t mask = (1ULL << (2 * k)) - 1;
	uint64_t x = kmer;
	x = (x * 0x9e3779b97f4a7c15ULL) & mask;
	x ^= x >> k;
	x = (x * 0xd6e8feb86659fd93ULL) & mask;
	x ^= x >> k;
	return x;
}

/* Append the minimizers of seq[0..len) to *out (*n used, *cap allocated;
 * grown with gsa_xgrow), in increasing position.  k in [3, 31], k odd,
 * w >= 1.  Returns the number appended. */
size_t al_sketch_minimizers(const uint8_t *seq, size_t len, int k, int w,
			 al_minimizer_t **out, size_t *n, size_t *cap);

/* The same for a piece of a longer sequence: with is_end 0 the piece is not
 * the sequence's end, so a last stretch shorter than one window gives no
 * minimizer (al_sketch_minimizers is this with is_end 1).  Sketching a long
 * sequence in pieces that overlap by w + k - 2 bases and keeping, from each
 * piece, the minimizers past the last one kept gives exactly the minimizers
 * of the whole. */
size_t al_sketch_minimizers_part(const uint8_t *seq, size_t len, int k, int w, int is_end,
			      al_minimizer_t **out, size_t *n, size_t *cap);

#endif
