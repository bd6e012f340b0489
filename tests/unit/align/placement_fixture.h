/* placement_fixture.h — hand-made placements for the align unit tests. */
#ifndef TEST_ALIGN_PLACEMENT_FIXTURE_H
#define TEST_ALIGN_PLACEMENT_FIXTURE_H

#include <string.h>

#include "al_map.h"

static uint32_t TEST_CIG150[1] = { 150u << 4 };

/* A 150M hit of a 150-base read on contig tid at pos, well seeded. */
static inline al_placement_t test_hit(int tid, int64_t pos, int rev, int score)
{
	al_placement_t h;
	memset(&h, 0, sizeof h);
	h.tid = tid;
	h.pos = pos;
	h.end = pos + 150;
	h.rev = rev;
	h.score = score;
	h.qe = 150;
	h.n_seeds = 100;
	h.cigar = TEST_CIG150;
	h.n_cigar = 1;
	return h;
}

#endif
