/* map.h — candidate alignments of one read: seeds, clusters, extension.
 *
 * Minimizers of the read are looked up in the index; each hit gives an
 * anchor on a diagonal (reference position minus read position) of one
 * strand.  Anchors on nearby diagonals form clusters; the strongest
 * clusters are aligned to their reference window (gap-free when the
 * cluster sits on one diagonal and that alignment is near perfect, banded
 * affine-gap otherwise).  The result is a list of distinct hits, best first.
 */
#ifndef ALIGN_AL_MAP_H
#define ALIGN_AL_MAP_H

#include <stdint.h>

#include "al_extend.h"
#include "al_index.h"
#include "al_sketch.h"

typedef struct al_map_opts {
	int max_occ;        /* skip minimizers with more reference hits */
	int low_occ;        /* ... or with more than this, when most seeds are below it */
	int band;           /* extra diagonals each side of a cluster */
	int cluster_gap;    /* anchors within this many diagonals cluster */
	int max_cand;       /* clusters aligned per read */
	int max_cand_rep;   /* ... and gap-free scored when nearly as strong as the best */
	int min_score;      /* drop alignments scoring below this */
	int max_mm_fast;    /* mismatches a gap-free alignment may have to skip DP */
	al_kernel_t kernel; /* DP fill kernel (same results whichever) */
	al_scoring_t sc;
	const uint8_t *is_alt; /* per contig, 1 for an ALT contig (al_alt.h); NULL: none */
} al_map_opts_t;

/* Defaults for 2x100-2x150 bp Illumina reads; the fastest kernel this
 * CPU runs; every other field zero (no ALT list).  Sets all of *o. */
void al_map_opts_default(al_map_opts_t *o);

typedef struct al_placement {
	int tid;           /* contig */
	int64_t pos, end;  /* aligned reference interval [pos, end) on the contig */
	int rev;           /* read aligned as its reverse complement */
	int score;
	int qb, qe;        /* aligned part of the (oriented) read */
	int n_seeds;       /* anchors supporting it (0 for a rescued hit) */
	int near;          /* anchors 8-400 diagonals from it, same strand: a tandem or
	                    * nearby copy that may hold the read as well */
	int quick;         /* scored by a gap-free alignment only: a lower bound on what
	                    * the banded DP would score there (an indel clips it) */
	uint32_t *cigar;   /* BAM-encoded, soft clips included; owned */
	int n_cigar;
} al_placement_t;

typedef struct al_read_placements {
	al_placement_t *h;          /* best first */
	int n, m;
	int n_rep;         /* minimizers skipped as too repetitive */
	int n_mins;        /* minimizers of the read */
	int truncated;     /* placed from a sample of over-repetitive seeds: other copies unseen */
	uint64_t seed;     /* from the read name: orders equal-scoring hits, samples repeats */
} al_read_placements_t;

/* Per-thread scratch space. */
typedef struct al_map_buf {
	al_minimizer_t *mins;
	size_t n_mins, m_mins;
	void *anchors;
	size_t m_anchors;
	void *clusters;
	size_t m_clusters;
	uint8_t *win;
	size_t m_win;
	int32_t *rpos;
	size_t m_rpos;
	void *tmp;
	size_t m_tmp;
	void *seeds;       /* each minimizer's reference hits, looked up once */
	size_t m_seeds;
	al_dp_buf_t aln;
	al_alignment_t res;
} al_map_buf_t;

void al_map_buf_free(al_map_buf_t *b);
void al_read_placements_clear(al_read_placements_t *rh);
void al_read_placements_free(al_read_placements_t *rh);

/* The random seed of a read: a hash of its name (the same for both mates)
 * and the mate number, so choices among repeats do not depend on -t. */
uint64_t al_map_read_seed(const char *name, int mate);

/* Find the hits of a read: fwd and rev are the read and its reverse
 * complement (codes), len bases, seed from al_map_read_seed.  rh is
 * cleared first. */
void al_map_read(const al_index_t *ix, const al_map_opts_t *o, const uint8_t *fwd, const uint8_t *rev,
	      int len, uint64_t seed, al_map_buf_t *b, al_read_placements_t *rh);

/* Align an oriented read (rev tells which orientation `q` is) within
 * reference [wstart, wend) of contig tid, full dynamic programming.
 * Returns 1 and fills *out (cigar newly allocated) when the score reaches
 * o->min_score, else 0. */
int al_map_align_window(const al_index_t *ix, const al_map_opts_t *o, const uint8_t *q, int len, int rev,
		     int tid, int64_t wstart, int64_t wend, al_map_buf_t *b, al_placement_t *out);

/* Sort hits best first (equal scores in an order drawn from rh->seed, so
 * that reads of a repeat spread over its copies) and drop any that repeats
 * a better one (same strand, start or end within 5 bases). */
void al_map_placements_dedup(al_read_placements_t *rh);

#endif
