/* Unit tests: tools/align/{fastq,pair,samout}.c */
#include "unit.h"
#include "al_fastq.h"
#include "al_pair.h"
#include "placement_fixture.h"
#include "al_samout.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void test_fastq_records(unit_t *t)
{
	char p[512];
	al_fastq_reader_t f;
	al_read_t r;
	gsa_err_t err;
	memset(&r, 0, sizeof r);
	snprintf(p, sizeof p, "%s/a.fq", t->tmpdir);
	write_file(p, "@r1/1 comment here\nACGTN\n+\nIIIII\n\n@r2\r\nacgg\r\n+r2\r\n#### \r\n");
	UNIT_CHECK_INT(t, al_fastq_open(&f, p, &err), 0);
	UNIT_CHECK_INT(t, al_fastq_read(&f, &r, &err), 1);
	UNIT_CHECK_STR(t, r.name, "r1");
	UNIT_CHECK_INT(t, r.len, 5);
	UNIT_CHECK_INT(t, r.code[0][4], 4);
	UNIT_CHECK_INT(t, r.code[1][4], 3); /* reverse complement of A */
	UNIT_CHECK_INT(t, r.code[1][0], 4);
	UNIT_CHECK_INT(t, al_fastq_read(&f, &r, &err), -1); /* quality has a trailing blank: 5 != 4 */
	UNIT_CHECK_INT(t, err.code, GSA_EDATA);
	UNIT_CHECK(t, strstr(err.msg, "quality") != NULL);
	al_fastq_close(&f);
	write_file(p, "@x\nACGT\n+\n");
	UNIT_CHECK_INT(t, al_fastq_open(&f, p, &err), 0);
	UNIT_CHECK_INT(t, al_fastq_read(&f, &r, &err), -1);
	UNIT_CHECK(t, strstr(err.msg, "truncated") != NULL);
	al_fastq_close(&f);
	write_file(p, "");
	UNIT_CHECK_INT(t, al_fastq_open(&f, p, &err), 0);
	UNIT_CHECK_INT(t, al_fastq_read(&f, &r, &err), 0);
	al_fastq_close(&f);
	al_read_free(&r);
}

static void test_insert_stats(unit_t *t)
{
	enum { N = 400 };
	al_read_placements_t *h1 = calloc(N, sizeof *h1), *h2 = calloc(N, sizeof *h2);
	al_insert_model_t st;
	uint32_t cig = 100u << 4;
	unsigned s = 1;
	int i;
	for (i = 0; i < N; i++) {
		int ins;
		s = s * 1103515245u + 12345u;
		ins = 280 + (int)((s >> 16) % 41); /* 280..320 */
		if (i == 7) ins = 50000;           /* an outlier */
		h1[i].h = calloc(1, sizeof(al_placement_t));
		h2[i].h = calloc(1, sizeof(al_placement_t));
		h1[i].n = h2[i].n = 1;
		h1[i].h[0] = (al_placement_t){ .tid = 0, .pos = 1000 * i, .end = 1000 * i + 100, .rev = 0, .score = 100,
				      .qb = 0, .qe = 100, .cigar = &cig, .n_cigar = 1 };
		h2[i].h[0] = (al_placement_t){ .tid = 0, .pos = 1000 * i + ins - 100, .end = 1000 * i + ins, .rev = 1,
				      .score = 100, .qb = 0, .qe = 100, .cigar = &cig, .n_cigar = 1 };
	}
	UNIT_CHECK_INT(t, al_pair_insert(&h1[0].h[0], &h2[0].h[0]), h2[0].h[0].end - h1[0].h[0].pos);
	al_insert_model_estimate(h1, h2, N, &st);
	UNIT_CHECK(t, st.n >= N - 5);
	UNIT_CHECK(t, st.mean > 295 && st.mean < 305);
	UNIT_CHECK(t, st.sd > 8 && st.sd < 16);
	UNIT_CHECK(t, st.lo < 280 && st.hi > 320 && st.hi < 400);
	/* too few pairs: defaults */
	al_insert_model_estimate(h1, h2, 10, &st);
	UNIT_CHECK_INT(t, st.n, 0);
	for (i = 0; i < N; i++) { free(h1[i].h); free(h2[i].h); }
	free(h1);
	free(h2);
}

/* The estimate is sane for every sample shape: sd finite and >= 1, range
 * within [1, INT_MAX], never NaN (the moments cancel below 0 for equal
 * samples and overflow for huge ones). */
static void check_sane(unit_t *t, const al_insert_model_t *st)
{
	UNIT_CHECK(t, isfinite(st->mean));
	UNIT_CHECK(t, isfinite(st->sd) && st->sd >= 1);
	UNIT_CHECK(t, st->lo >= 1 && st->hi >= st->lo);
}

static void fill(int64_t *v, int m, int64_t x)
{
	for (int i = 0; i < m; i++) v[i] = x;
}

static void test_insert_stats_degenerate(unit_t *t)
{
	enum { M = 1000 };
	int64_t *v = calloc(M, sizeof *v);
	al_insert_model_t st;
	/* no samples, one sample, too few: the defaults */
	al_insert_model_from_sizes(NULL, 0, &st);
	UNIT_CHECK_INT(t, st.n, 0);
	UNIT_CHECK_INT(t, st.lo, 1);
	UNIT_CHECK_INT(t, st.hi, 1000);
	UNIT_CHECK(t, st.sd == 150 && st.mean == 400);
	v[0] = 300;
	al_insert_model_from_sizes(v, 1, &st);
	UNIT_CHECK_INT(t, st.n, 0);
	check_sane(t, &st);
	fill(v, 24, 300);
	al_insert_model_from_sizes(v, 24, &st);
	UNIT_CHECK_INT(t, st.n, 0);
	/* all equal: sd 0 is raised to 1 */
	fill(v, M, 300);
	al_insert_model_from_sizes(v, M, &st);
	UNIT_CHECK_INT(t, st.n, M);
	UNIT_CHECK(t, st.mean == 300 && st.sd == 1);
	UNIT_CHECK_INT(t, st.lo, 295);
	UNIT_CHECK_INT(t, st.hi, 305);
	/* all zero: the range still starts at 1 */
	fill(v, M, 0);
	al_insert_model_from_sizes(v, M, &st);
	UNIT_CHECK_INT(t, st.n, M);
	check_sane(t, &st);
	UNIT_CHECK_INT(t, st.lo, 1);
	/* all equal and large: ss/k - mean^2 rounds to -1.9e7 here (NaN sd before) */
	fill(v, 100, 123456789123);
	al_insert_model_from_sizes(v, 100, &st);
	UNIT_CHECK_INT(t, st.n, 100);
	check_sane(t, &st);
	UNIT_CHECK(t, st.sd == 1);
	UNIT_CHECK_INT(t, st.lo, INT_MAX); /* beyond int: clamped, not undefined */
	/* huge: the moments lose every digit, the range clamps to INT_MAX */
	fill(v, M, INT64_MAX);
	al_insert_model_from_sizes(v, M, &st);
	check_sane(t, &st);
	UNIT_CHECK_INT(t, st.hi, INT_MAX);
	for (int i = 0; i < M; i++) v[i] = (i & 1) ? INT64_MAX / 2 : INT64_MAX;
	al_insert_model_from_sizes(v, M, &st);
	UNIT_CHECK_INT(t, st.n, M);
	check_sane(t, &st);
	/* negative sizes never reach here from the estimator, but stay sane */
	fill(v, M, -5);
	al_insert_model_from_sizes(v, M, &st);
	check_sane(t, &st);
	free(v);
}

static void test_mapq(unit_t *t)
{
	UNIT_CHECK_INT(t, al_pair_mapq_se(150, 150, 150, 0, 20), 0);
	UNIT_CHECK_INT(t, al_pair_mapq_se(150, 0, 150, 0, 20), 60);
	UNIT_CHECK(t, al_pair_mapq_se(150, 145, 150, 0, 20) < al_pair_mapq_se(150, 140, 150, 0, 20));
	UNIT_CHECK(t, al_pair_mapq_se(150, 145, 150, 0, 20) > 0);
	UNIT_CHECK(t, al_pair_mapq_se(40, 0, 150, 0, 20) < 60);
}

static al_placement_t hit_at(int64_t pos, int rev, int score) { return test_hit(0, pos, rev, score); }

/* The calibrated caps: a read in a tandem repeat (many anchors on nearby
 * diagonals), and a pair whose two ends are both repetitive, get MAPQ <= 19;
 * a repetitive end whose mate is unique keeps bwa-mem's lift. */
static void test_mapq_caps(unit_t *t)
{
	al_placement_t a[2], b[2];
	al_read_placements_t r1, r2;
	al_end_result_t e[2];
	al_insert_model_t st = { 1000, 300, 30, 1, 1000 };
	const uint8_t *const q[2][2] = { { NULL, NULL }, { NULL, NULL } };
	const int len[2] = { 150, 150 };
	memset(&r1, 0, sizeof r1);
	memset(&r2, 0, sizeof r2);
	r1.h = a; r1.n = r1.m = 1; r1.n_mins = 20;
	a[0] = hit_at(1000, 0, 150);
	a[0].near = 59;
	al_pair_resolve_single(NULL, &r1, 150, &e[0]);
	UNIT_CHECK_INT(t, e[0].mapq, 60);
	a[0].near = 60; /* 3 per minimizer */
	al_pair_resolve_single(NULL, &r1, 150, &e[0]);
	UNIT_CHECK_INT(t, e[0].mapq, 19);
	/* two copies 49 kb apart; end 1 ties, end 2 prefers copy A by one mismatch */
	a[0] = hit_at(1000, 0, 150);
	a[1] = hit_at(50000, 0, 150);
	b[0] = hit_at(1200, 1, 150);
	b[1] = hit_at(50200, 1, 145);
	r1.n = r1.m = 2;
	r2.h = b; r2.n = r2.m = 2; r2.n_mins = 20;
	al_pair_resolve(NULL, NULL, &st, q, len, &r1, &r2, NULL, e);
	UNIT_CHECK(t, e[0].hit == &a[0] && e[1].hit == &b[0]);
	UNIT_CHECK_INT(t, e[0].proper, 1);
	UNIT_CHECK_INT(t, e[0].mapq, 19);  /* bwa-mem's rule would give 30 */
	UNIT_CHECK(t, e[1].mapq <= 19);
	/* end 2 unique on its own: end 1 keeps the lift from the pair */
	b[1] = hit_at(50200, 1, 100);
	al_pair_resolve(NULL, NULL, &st, q, len, &r1, &r2, NULL, e);
	UNIT_CHECK(t, e[0].hit == &a[0]);
	UNIT_CHECK(t, e[0].mapq >= 40);
	UNIT_CHECK_INT(t, e[1].mapq, 60);
}

/* A hit rescued by its mate has no seeds of its own: in a tandem array it
 * takes the nearby-copy count of the read's seeded hit a few bases away, and
 * the cap with it, even when the insert size favours it. */
static void test_mapq_cap_rescued_in_tandem(unit_t *t)
{
	al_placement_t a[1], b[2];
	al_read_placements_t r1, r2;
	al_end_result_t e[2];
	al_insert_model_t st = { 1000, 350, 50, 100, 600 };
	const uint8_t *const q[2][2] = { { NULL, NULL }, { NULL, NULL } };
	const int len[2] = { 150, 150 };
	memset(&r1, 0, sizeof r1);
	memset(&r2, 0, sizeof r2);
	a[0] = hit_at(1000, 0, 150);
	b[0] = hit_at(1200, 1, 150); /* rescued: no seeds, no count */
	b[0].n_seeds = 0;
	b[1] = hit_at(1428, 1, 150); /* the seeded copy 228 bases on */
	b[1].near = 624;
	r1.h = a; r1.n = r1.m = 1; r1.n_mins = 22;
	r2.h = b; r2.n = r2.m = 2; r2.n_mins = 27;
	al_pair_resolve(NULL, NULL, &st, q, len, &r1, &r2, NULL, e);
	UNIT_CHECK(t, e[1].hit == &b[0]);
	UNIT_CHECK_INT(t, e[1].mapq, 19);
	UNIT_CHECK_INT(t, e[0].mapq, 60);
	b[1].near = 0; /* no tandem signature: the pair's word stands */
	al_pair_resolve(NULL, NULL, &st, q, len, &r1, &r2, NULL, e);
	UNIT_CHECK(t, e[1].mapq > 19);
}

static void test_read_group(unit_t *t)
{
	char *line = NULL, *id = NULL;
	gsa_err_t err;
	UNIT_CHECK_INT(t, al_samout_parse_rg("@RG\\tID:S1\\tSM:x", &line, &id, &err), 0);
	UNIT_CHECK_STR(t, line, "@RG\tID:S1\tSM:x");
	UNIT_CHECK_STR(t, id, "S1");
	free(line);
	free(id);
	UNIT_CHECK(t, al_samout_parse_rg("@RG\\tSM:x", &line, &id, &err) < 0);
	UNIT_CHECK(t, al_samout_parse_rg("ID:x", &line, &id, &err) < 0);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "align/pair");
	UNIT_RUN(&t, test_fastq_records);
	UNIT_RUN(&t, test_insert_stats);
	UNIT_RUN(&t, test_insert_stats_degenerate);
	UNIT_RUN(&t, test_mapq);
	UNIT_RUN(&t, test_mapq_caps);
	UNIT_RUN(&t, test_mapq_cap_rescued_in_tandem);
	UNIT_RUN(&t, test_read_group);
	return unit_finish(&t);
}
