/* Unit tests: tools/align/al_alt.c (the ALT list) and the ALT rules of
 * al_pair.c (MAPQ, XS, primary choice, XA). */
#include "unit.h"
#include "al_alt.h"
#include "al_pair.h"
#include "placement_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const NAMES[4] = { "chr1", "chr6", "chr6_GL000250v2_alt", "HLA-A*01:01:01:01" };

static void write_bytes(const char *path, const char *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	fwrite(data, 1, n, f);
	fclose(f);
}

/* Load the list holding `data`; returns al_alt_load's result. */
static int load(unit_t *t, const char *data, size_t n, uint8_t **is_alt, int *n_alt, gsa_err_t *err)
{
	char p[512];
	snprintf(p, sizeof p, "%s/ref.fa.alt", t->tmpdir);
	write_bytes(p, data, n);
	gsa_err_clear(err);
	return al_alt_load(p, NAMES, 4, is_alt, n_alt, err);
}

static void test_alt_list(unit_t *t)
{
	uint8_t *a = NULL;
	int n = -1;
	gsa_err_t err;
	/* bwa's SAM-style .alt: header lines and SAM records, name first */
	static const char sam[] = "@SQ\tSN:chr6_GL000250v2_alt\tLN:4672374\n"
				  "# a comment\n"
				  "chr6_GL000250v2_alt\t0\tchr6\t29722272\t255\t1M\t*\t0\t0\t*\t*\n"
				  "\n   \n"
				  "HLA-A*01:01:01:01 trailing words\r\n"
				  "chr6_GL000250v2_alt"; /* again, no final newline */
	UNIT_CHECK_INT(t, load(t, sam, sizeof sam - 1, &a, &n, &err), 0);
	UNIT_CHECK_INT(t, n, 2);
	UNIT_CHECK(t, a && !a[0] && !a[1] && a[2] && a[3]);
	free(a);
	/* empty file: no ALT contig */
	UNIT_CHECK_INT(t, load(t, "", 0, &a, &n, &err), 0);
	UNIT_CHECK_INT(t, n, 0);
	UNIT_CHECK(t, a && !a[0] && !a[1] && !a[2] && !a[3]);
	free(a);
}

static void test_alt_list_errors(unit_t *t)
{
	uint8_t *a = NULL;
	int n = -1;
	gsa_err_t err;
	char p[512];
	UNIT_CHECK_INT(t, load(t, "chr6_GL000250v2_alt\n@x\nchr6_alt_missing\n", 41, &a, &n, &err), -1);
	UNIT_CHECK_INT(t, err.code, GSA_EDATA);
	UNIT_CHECK(t, strstr(err.msg, "ref.fa.alt: line 3: 'chr6_alt_missing' is not a contig") != NULL);
	UNIT_CHECK(t, a == NULL && n == 0);
	/* a contig name is matched whole, not as a prefix */
	UNIT_CHECK_INT(t, load(t, "chr6_GL000250v2\n", 16, &a, &n, &err), -1);
	static const char nul[] = "chr1\nchr6\0_GL000250v2_alt\n";
	UNIT_CHECK_INT(t, load(t, nul, sizeof nul - 1, &a, &n, &err), -1);
	UNIT_CHECK_INT(t, err.code, GSA_EDATA);
	UNIT_CHECK(t, strstr(err.msg, "line 2: NUL byte") != NULL);
	/* a 1 MB line: reported, cut short */
	{
		size_t big = 1 << 20;
		char *s = malloc(big);
		memset(s, 'A', big);
		UNIT_CHECK_INT(t, load(t, s, big, &a, &n, &err), -1);
		UNIT_CHECK_INT(t, err.code, GSA_EDATA);
		UNIT_CHECK(t, strstr(err.msg, "line 1: 'AAAA") != NULL && strlen(err.msg) < 300);
		free(s);
	}
	snprintf(p, sizeof p, "%s/none.alt", t->tmpdir);
	UNIT_CHECK_INT(t, al_alt_load(p, NAMES, 4, &a, &n, &err), -1);
	UNIT_CHECK_INT(t, err.code, GSA_EIO);
	UNIT_CHECK_INT(t, al_alt_load(t->tmpdir, NAMES, 4, &a, &n, &err), -1); /* a directory */
	UNIT_CHECK_INT(t, err.code, GSA_EIO);
}


/* contig 0 primary, 1 ALT */
static const uint8_t IS_ALT[2] = { 0, 1 };

static void test_alt_single(unit_t *t)
{
	al_placement_t a[3];
	al_read_placements_t r;
	al_end_result_t e;
	al_map_opts_t o;
	al_map_opts_default(&o);
	memset(&r, 0, sizeof r);
	r.h = a; r.n = r.m = 2; r.n_mins = 20;
	/* the ALT copy scores the same: without the list MAPQ 0, with it the
	 * primary keeps MAPQ 60 and XS 0, and XA names the ALT copy */
	a[0] = test_hit(0, 1000, 0, 150);
	a[1] = test_hit(1, 200, 1, 150);
	al_pair_resolve_single(&o, &r, 150, &e);
	UNIT_CHECK(t, e.hit == &a[0]);
	UNIT_CHECK_INT(t, e.mapq, 0);
	UNIT_CHECK_INT(t, e.xs, 150);
	UNIT_CHECK_INT(t, e.n_xa, 0);
	o.is_alt = IS_ALT;
	al_pair_resolve_single(&o, &r, 150, &e);
	UNIT_CHECK(t, e.hit == &a[0]);
	UNIT_CHECK_INT(t, e.mapq, 60);
	UNIT_CHECK_INT(t, e.xs, 0);
	UNIT_CHECK_INT(t, e.n_xa, 1);
	UNIT_CHECK(t, e.n_xa == 1 && e.xa[0] == &a[1]);
	/* the ALT hit is best by one mismatch: the primary is preferred */
	a[0] = test_hit(1, 200, 1, 150);
	a[1] = test_hit(0, 1000, 0, 145);
	al_pair_resolve_single(&o, &r, 150, &e);
	UNIT_CHECK(t, e.hit == &r.h[0] && r.h[0].tid == 0 && r.h[0].pos == 1000);
	UNIT_CHECK_INT(t, e.mapq, 60);
	UNIT_CHECK(t, e.n_xa == 1 && e.xa[0]->tid == 1);
	/* ... by two mismatches: the ALT hit stays primary, and the primary
	 * contig's hit counts against it */
	a[0] = test_hit(1, 200, 1, 150);
	a[1] = test_hit(0, 1000, 0, 140);
	al_pair_resolve_single(&o, &r, 150, &e);
	UNIT_CHECK(t, e.hit == &a[0]);
	UNIT_CHECK_INT(t, e.xs, 140);
	UNIT_CHECK(t, e.mapq < 60);
	UNIT_CHECK_INT(t, e.n_xa, 0);
	/* another primary copy still counts; an ALT hit on a different part
	 * of the read (or far weaker) is not in XA */
	a[0] = test_hit(0, 1000, 0, 150);
	a[1] = test_hit(1, 200, 0, 150);
	a[2] = test_hit(0, 5000, 0, 150);
	r.n = 3;
	al_pair_resolve_single(&o, &r, 150, &e);
	UNIT_CHECK_INT(t, e.mapq, 0);
	UNIT_CHECK_INT(t, e.xs, 150);
	a[2] = test_hit(1, 900, 0, 100);
	a[0].qe = 100; /* the primary covers read bases 0..100 */
	a[1].qb = 100; /* the ALT hit 100..150 only: another part of the read */
	al_pair_resolve_single(&o, &r, 150, &e);
	UNIT_CHECK_INT(t, e.mapq, 60);
	UNIT_CHECK_INT(t, e.n_xa, 0);
}

static void test_alt_pair(unit_t *t)
{
	al_placement_t a[2], b[2];
	al_read_placements_t r1, r2;
	al_end_result_t e[2];
	al_map_opts_t o;
	al_insert_model_t st = { 1000, 350, 50, 100, 600 };
	const uint8_t *const q[2][2] = { { NULL, NULL }, { NULL, NULL } };
	const int len[2] = { 150, 150 };
	al_map_opts_default(&o);
	memset(&r1, 0, sizeof r1);
	memset(&r2, 0, sizeof r2);
	/* the pair on the ALT copy scores one mismatch more than on the primary */
	a[0] = test_hit(1, 200, 0, 150);
	a[1] = test_hit(0, 1200, 0, 150);
	b[0] = test_hit(1, 400, 1, 150);
	b[1] = test_hit(0, 1400, 1, 145);
	r1.h = a; r1.n = r1.m = 2; r1.n_mins = 20;
	r2.h = b; r2.n = r2.m = 2; r2.n_mins = 20;
	al_pair_resolve(NULL, &o, &st, q, len, &r1, &r2, NULL, e);
	UNIT_CHECK(t, e[0].hit->tid == 1 && e[1].hit->tid == 1);
	UNIT_CHECK(t, e[0].mapq < 30);
	o.is_alt = IS_ALT;
	a[0] = test_hit(1, 200, 0, 150);
	a[1] = test_hit(0, 1200, 0, 150);
	b[0] = test_hit(1, 400, 1, 150);
	b[1] = test_hit(0, 1400, 1, 145);
	al_pair_resolve(NULL, &o, &st, q, len, &r1, &r2, NULL, e);
	UNIT_CHECK(t, e[0].hit->tid == 0 && e[1].hit->tid == 0);
	UNIT_CHECK_INT(t, e[0].proper, 1);
	UNIT_CHECK_INT(t, e[0].mapq, 60);
	UNIT_CHECK_INT(t, e[1].mapq, 60);
	UNIT_CHECK_INT(t, e[0].xs, 0);
	UNIT_CHECK(t, e[0].n_xa == 1 && e[0].xa[0]->tid == 1 && e[0].xa[0]->pos == 200);
	UNIT_CHECK(t, e[1].n_xa == 1 && e[1].xa[0]->tid == 1 && e[1].xa[0]->pos == 400);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "align/alt");
	UNIT_RUN(&t, test_alt_list);
	UNIT_RUN(&t, test_alt_list_errors);
	UNIT_RUN(&t, test_alt_single);
	UNIT_RUN(&t, test_alt_pair);
	return unit_finish(&t);
}
