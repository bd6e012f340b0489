/* pair.h — paired-end resolution: insert sizes, mate rescue, pair choice,
 * mapping qualities.
 */
#ifndef ALIGN_AL_PAIR_H
#define ALIGN_AL_PAIR_H

#include "al_map.h"

typedef struct al_insert_model {
	int n;             /* pairs the estimate rests on (0: defaults) */
	double mean, sd;
	int lo, hi;        /* proper-pair insert range */
} al_insert_model_t;

/* ALT placements reported in XA, at most. */
#define AL_XA_MAX 5

/* The final placement of one read of a template. */
typedef struct al_end_result {
	const al_placement_t *hit;  /* primary, NULL when unmapped (points into al_read_placements) */
	int mapq;
	int proper;        /* flag 0x2 */
	int xs;            /* best score elsewhere, 0 when none */
	const al_placement_t *supp; /* supplementary (chimeric part), or NULL */
	int supp_mapq;
	const al_placement_t *xa[AL_XA_MAX]; /* placements on ALT contigs (XA tag), best first */
	int n_xa;
} al_end_result_t;

/* Insert size of two hits when they face each other as a forward/reverse
 * pair on one contig; -1 otherwise. */
int64_t al_pair_insert(const al_placement_t *a, const al_placement_t *b);

/* Estimate the insert-size distribution from confidently placed unique
 * pairs: h1[i], h2[i] for i < n.  Too few such pairs (< 25) give defaults
 * (mean 400, sd 150, range 1..1000) with st->n = 0. */
void al_insert_model_estimate(const al_read_placements_t *h1, const al_read_placements_t *h2, int n, al_insert_model_t *st);

/* The estimate from insert sizes v[0..m) (sorted in place): outliers beyond
 * 2 IQR dropped, mean and sd of the rest, proper range mean +- 5 sd within
 * [1, INT_MAX].  Fewer than 25 usable sizes (or moments that are not
 * finite) give the defaults with st->n = 0; sd is always finite and >= 1.  v may be NULL when m is 0. */
void al_insert_model_from_sizes(int64_t *v, int m, al_insert_model_t *st);

/* MAPQ of a single-end placement with score `best`, next best `sub`,
 * read length len and repetitive-seed counts. */
int al_pair_mapq_se(int best, int sub, int len, int n_rep, int n_mins);

/* Resolve a pair: rescue mates near each other's hits (appending to h1/h2),
 * choose the best pair or the best single placements, fill e[0], e[1]. */
void al_pair_resolve(const al_index_t *ix, const al_map_opts_t *o, const al_insert_model_t *st,
		  const uint8_t *const q[2][2], const int len[2], al_read_placements_t *h1, al_read_placements_t *h2,
		  al_map_buf_t *b, al_end_result_t e[2]);

/* Single-end placement of one read (hits reordered as
 * al_pair_prefer_primary says when o->is_alt is set). */
void al_pair_resolve_single(const al_map_opts_t *o, al_read_placements_t *h, int len, al_end_result_t *e);

/* With ALT contigs (is_alt not NULL): when the best hit of h (length len)
 * is on an ALT contig and a hit on a primary contig covering the same part
 * of the read scores at most `margin` less, move the best such primary hit
 * to the front (the others keep their order).  Returns 1 when it moved one. */
int al_pair_prefer_primary(al_read_placements_t *h, int len, const uint8_t *is_alt, int margin);

#endif
