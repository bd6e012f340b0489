/* map.h — candidate alignments of one read: seeds, clusters, extension.
 *
 * Minimizers of the read are looked up in the index; each hit gives an
 * anchor on a diagonal (reference position minus read position) of one
 * strand.  Anchors on nearby diagonals form clusters; the strongest
 * clusters are aligned to their reference window (gap-free when the
 * cluster sits on one diagonal and that alignment is near perfect, banded
 * affine-gap otherwise).  The result is a list of distinct hits, best first.
 */
#ifndef ALIGN_MAP_H
#define ALIGN_MAP_H

#include <stdint.h>

#include "extend.h"
#include "index.h"
#include "sketch.h"

typedef struct map_opts {
	int max_occ;        /* skip minimizers with more reference hits */
	int low_occ;        /* ... or with more than this, when most seeds are below it */
	int band;           /* extra diagonals each side of a cluster */
	int cluster_gap;    /* anchors within this many diagonals cluster */
	int max_cand;       /* clusters aligned per read */
	int max_cand_rep;   /* ... and gap-free scored when nearly as strong as the best */
	int min_score;      /* drop alignments scoring below this */
	int max_mm_fast;    /* mismatches a gap-free alignment may have to skip DP */
	aln_scoring_t sc;
} map_opts_t;

/* Defaults for 2x100-2x150 bp Illumina reads. */
void map_opts_default(map_opts_t *o);

typedef struct hit {
	int tid;           /* contig */
	int64_t pos, end;  /* aligned reference interval [pos, end) on the contig */
	int rev;           /* read aligned as its reverse complement */
	int score;
	int qb, qe;        /* aligned part of the (oriented) read */
	int n_seeds;       /* anchors supporting it (0 for a rescued hit) */
	uint32_t *cigar;   /* BAM-encoded, soft clips included; owned */
	int n_cigar;
} hit_t;

typedef struct read_hits {
	hit_t *h;          /* best first */
	int n, m;
	int n_rep;         /* minimizers skipped as too repetitive */
	int n_mins;        /* minimizers of the read */
	int truncated;     /* placed from a sample of over-repetitive seeds: other copies unseen */
} read_hits_t;

/* Per-thread scratch space. */
typedef struct map_buf {
	sketch_hit_t *mins;
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
	aln_buf_t aln;
	aln_result_t res;
} map_buf_t;

void map_buf_free(map_buf_t *b);
void read_hits_clear(read_hits_t *rh);
void read_hits_free(read_hits_t *rh);

/* Find the hits of a read: fwd and rev are the read and its reverse
 * complement (codes), len bases.  rh is cleared first. */
void map_read(const align_index_t *ix, const map_opts_t *o, const uint8_t *fwd, const uint8_t *rev,
	      int len, map_buf_t *b, read_hits_t *rh);

/* Align an oriented read (rev tells which orientation `q` is) within
 * reference [wstart, wend) of contig tid, full dynamic programming.
 * Returns 1 and fills *out (cigar newly allocated) when the score reaches
 * o->min_score, else 0. */
int map_align_window(const align_index_t *ix, const map_opts_t *o, const uint8_t *q, int len, int rev,
		     int tid, int64_t wstart, int64_t wend, map_buf_t *b, hit_t *out);

/* Sort hits best first and drop any that repeats a better one (same strand,
 * start or end within 5 bases). */
void map_hits_dedup(read_hits_t *rh);

#endif
