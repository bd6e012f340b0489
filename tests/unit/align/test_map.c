/* Unit tests: tools/align/al_map.c and al_pair.c on a small synthetic
 * reference — the cases behind "MAPQ you can trust" (issue 20): a read
 * whose true alignment has indels must not lose to a clipped or gap-free
 * score elsewhere. */
#include "unit.h"
#include "al_index.h"
#include "al_map.h"
#include "al_nt.h"
#include "al_pair.h"
#include "al_refseq.h"

#include <stdlib.h>
#include <string.h>

#define REF_LEN 30000

typedef struct fixture {
	char ref[REF_LEN + 1];
	al_index_t ix;
	al_map_opts_t o;
	al_map_buf_t b;
} fixture_t;

static void rand_bases(char *s, int n, uint64_t *st)
{
	int i;
	for (i = 0; i < n; i++) s[i] = "ACGT"[unit_rng_next(st) & 3];
}

/* A base other than c. */
static char other(char c)
{
	return c == 'A' ? 'C' : 'A';
}

/* Index f->ref (one contig "c") in t->tmpdir. */
static int fixture_index(unit_t *t, fixture_t *f)
{
	char fa[512], idx[512];
	FILE *fp;
	al_refseq_t r;
	gsa_err_t err;
	snprintf(fa, sizeof fa, "%s/r.fa", t->tmpdir);
	snprintf(idx, sizeof idx, "%s/r.fa.gsai", t->tmpdir);
	fp = fopen(fa, "w");
	if (!fp) return -1;
	fprintf(fp, ">c\n%s\n", f->ref);
	fclose(fp);
	if (al_refseq_load(&r, fa, &err) < 0) return -1;
	if (al_index_build(&r, 19, 10, 0, idx, NULL, &err) < 0) { al_refseq_free(&r); return -1; }
	al_refseq_free(&r);
	if (al_index_load(&f->ix, idx, fa, 0, &err) < 0) return -1;
	al_map_opts_default(&f->o);
	memset(&f->b, 0, sizeof f->b);
	return 0;
}

static void fixture_free(fixture_t *f)
{
	al_map_buf_free(&f->b);
	al_index_close(&f->ix);
}

/* Codes of a read and of its reverse complement. */
static void read_codes(const char *s, int n, uint8_t *fwd, uint8_t *rev)
{
	int i;
	for (i = 0; i < n; i++) {
		fwd[i] = al_nt_code(s[i]);
		rev[n - 1 - i] = al_nt_comp(fwd[i]);
	}
}

static int cigar_is(const al_placement_t *h, const char *want)
{
	char s[256];
	int i, k = 0;
	for (i = 0; i < h->n_cigar && k < 200; i++)
		k += snprintf(s + k, sizeof s - (size_t)k, "%u%c", h->cigar[i] >> 4, "MIDNSHP=X"[h->cigar[i] & 15]);
	s[k] = 0;
	return strcmp(s, want) == 0;
}

/* A 40-base deletion in the middle of a read: its seeds form two clusters
 * 40 diagonals apart, further than one DP band reaches, and each alone gives
 * a clipped alignment.  The best hit is aligned again over a wide band and
 * takes the deletion. */
static void test_deletion_beyond_band(unit_t *t)
{
	fixture_t *f = calloc(1, sizeof *f);
	uint64_t st = 20;
	char rd[150];
	uint8_t fwd[150], rev[150];
	al_read_placements_t h;
	memset(&h, 0, sizeof h);
	rand_bases(f->ref, REF_LEN, &st);
	UNIT_CHECK_INT(t, fixture_index(t, f), 0);
	memcpy(rd, f->ref + 5000, 75);
	memcpy(rd + 75, f->ref + 5115, 75);
	read_codes(rd, 150, fwd, rev);
	al_map_read(&f->ix, &f->o, fwd, rev, 150, 1, &f->b, &h);
	UNIT_CHECK(t, h.n >= 1);
	if (h.n >= 1) {
		UNIT_CHECK_INT(t, (int)h.h[0].pos, 5000);
		UNIT_CHECK(t, cigar_is(&h.h[0], "75M40D75M"));
		UNIT_CHECK_INT(t, h.h[0].score, 150 - (6 + 40));
	}
	al_read_placements_free(&h);
	fixture_free(f);
	free(f);
}

/* The true copy T of a read differs from it by five mismatches in its first
 * half (no seeds there) and a 2-base deletion: its cluster is weak and its
 * gap-free score poor (clipped at the deletion).  Another place W holds the
 * read's first 110 bases exactly and then something else: the strongest
 * cluster, 105 by DP.  T's potential is high, so it gets the DP too and wins
 * (150 - 5 x 5 - 8 = 117). */
static void test_weak_cluster_gets_dp(unit_t *t)
{
	fixture_t *f = calloc(1, sizeof *f);
	uint64_t st = 21;
	char rd[150];
	uint8_t fwd[150], rev[150];
	al_read_placements_t h;
	int i;
	memset(&h, 0, sizeof h);
	rand_bases(f->ref, REF_LEN, &st);
	/* the read: T = ref[8000..) with bases 100,101 of the reference deleted */
	memcpy(rd, f->ref + 8000, 100);
	memcpy(rd + 100, f->ref + 8102, 50);
	for (i = 15; i <= 75; i += 15) rd[i] = other(f->ref[8000 + i]);
	/* W: the read's first 110 bases at 20000 */
	memcpy(f->ref + 20000, rd, 110);
	UNIT_CHECK_INT(t, fixture_index(t, f), 0);
	read_codes(rd, 150, fwd, rev);
	al_map_read(&f->ix, &f->o, fwd, rev, 150, 1, &f->b, &h);
	UNIT_CHECK(t, h.n >= 2);
	if (h.n >= 2) {
		UNIT_CHECK_INT(t, (int)h.h[0].pos, 8000);
		UNIT_CHECK(t, cigar_is(&h.h[0], "100M2D50M"));
		UNIT_CHECK_INT(t, h.h[0].score, 117);
		UNIT_CHECK_INT(t, (int)h.h[1].pos, 20000);
	}
	al_read_placements_free(&h);
	fixture_free(f);
	free(f);
}

/* Mate 1 is unique; mate 2's true place, 200 bases on, holds it with a
 * 1-base insertion, and mate 2 also fits gap-free, with mismatches, far
 * away.  The true place is known only from a gap-free, clipped alignment
 * (a lower bound): it must not stop the rescue, whose DP finds the
 * insertion and the proper pair. */
static void test_rescue_past_gap_free_hit(unit_t *t)
{
	fixture_t *f = calloc(1, sizeof *f);
	uint64_t st = 22;
	char r1[150], r2f[150];
	uint8_t f1[150], v1[150], f2[150], v2[150];
	uint32_t c77[2] = { 77u << 4, (73u << 4) | 4 }, c150 = 150u << 4;
	al_read_placements_t h1, h2;
	al_end_result_t e[2];
	al_insert_model_t ins = { 1000, 350, 30, 200, 500 };
	int len[2] = { 150, 150 };
	memset(&h1, 0, sizeof h1);
	memset(&h2, 0, sizeof h2);
	rand_bases(f->ref, REF_LEN, &st);
	UNIT_CHECK_INT(t, fixture_index(t, f), 0);
	memcpy(r1, f->ref + 3000, 150);
	/* mate 2 (forward-strand view): ref[3200..3349) with one base inserted after 77 */
	memcpy(r2f, f->ref + 3200, 77);
	r2f[77] = other(f->ref[3277]);
	memcpy(r2f + 78, f->ref + 3277, 72);
	read_codes(r1, 150, f1, v1);
	read_codes(r2f, 150, f2, v2); /* mate 2 is sequenced from the reverse strand: its read is v2 */
	{
		const uint8_t *const q[2][2] = { { f1, v1 }, { v2, f2 } };
		h1.h = calloc(4, sizeof *h1.h);
		h1.m = 4;
		h1.n = 1;
		h1.n_mins = 20;
		h1.h[0] = (al_placement_t){ .pos = 3000, .end = 3150, .score = 150, .qe = 150, .n_seeds = 150,
					    .cigar = malloc(sizeof c150), .n_cigar = 1 };
		h1.h[0].cigar[0] = c150;
		h2.h = calloc(4, sizeof *h2.h);
		h2.m = 4;
		h2.n = 2;
		h2.n_mins = 20;
		/* a gap-free hit elsewhere, and the true place as a quick clipped one */
		h2.h[0] = (al_placement_t){ .pos = 15000, .end = 15150, .rev = 1, .score = 117, .qe = 150, .n_seeds = 60,
					    .cigar = malloc(sizeof c150), .n_cigar = 1 };
		h2.h[0].cigar[0] = c150;
		h2.h[1] = (al_placement_t){ .pos = 3273, .end = 3350, .rev = 1, .score = 72, .qb = 73, .qe = 150,
					    .n_seeds = 50, .quick = 1, .cigar = malloc(sizeof c77), .n_cigar = 2 };
		h2.h[1].cigar[0] = c77[1];
		h2.h[1].cigar[1] = c77[0];
		al_pair_resolve(&f->ix, &f->o, &ins, q, len, &h1, &h2, &f->b, e);
	}
	UNIT_CHECK(t, e[1].hit != NULL);
	if (e[1].hit) {
		UNIT_CHECK_INT(t, (int)e[1].hit->pos, 3200);
		UNIT_CHECK_INT(t, e[1].hit->score, 149 - 7);
		UNIT_CHECK(t, cigar_is(e[1].hit, "77M1I72M"));
		UNIT_CHECK_INT(t, e[1].proper, 1);
		UNIT_CHECK_INT(t, e[0].proper, 1);
	}
	al_read_placements_free(&h1);
	al_read_placements_free(&h2);
	fixture_free(f);
	free(f);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "align/map");
	UNIT_RUN(&t, test_deletion_beyond_band);
	UNIT_RUN(&t, test_weak_cluster_gets_dp);
	UNIT_RUN(&t, test_rescue_past_gap_free_hit);
	return unit_finish(&t);
}
