/* cv_indel.h — indel normalisation and read-to-haplotype realignment. */
#ifndef CV_INDEL_H
#define CV_INDEL_H

#include <stdint.h>

/* Left-align an indel against ref[0..rlen) (upper-case, buffer coordinates).
 * *pos is the anchor base (the base before the event).  A deletion removes
 * ref[*pos+1 .. *pos+del_len]; an insertion (del_len == 0) puts
 * ins[0..ins_len) after the anchor and is rotated in place as it moves.
 * The anchor never moves below buffer position 0. */
void cv_indel_left_align(const char *ref, int64_t rlen, int64_t *pos, int del_len,
			 char *ins, int ins_len);

/* Scratch ints cv_align_cost needs for a given band. */
static inline int cv_align_scratch(int band) { return 6 * (2 * band + 1); }

/* Phred cost of the best alignment of read bases r[0..n) (qualities q) to
 * haplotype h[0..m): every read base aligned, haplotype ends free, gaps
 * affine (gap_open for the first base, gap_ext for each further one), a
 * mismatch costs the base quality (at least 2, at most 40), 'N' costs 2.
 * Only cells within `band` of the diagonal j = i + off are filled.
 * work holds cv_align_scratch(band) ints.  Returns the cost, or a large
 * value (> 1e8) when no alignment fits in the band. */
int cv_align_cost(const char *r, const uint8_t *q, int n, const char *h, int m,
		  int off, int band, int gap_open, int gap_ext, int *work);

#endif
