/* Unit tests: tools/align/extend.c — banded affine-gap alignment. */
#include "unit.h"
#include "al_extend.h"
#include "al_nt.h"

#include <stdlib.h>

static const al_scoring_t SC = { 1, 4, 1, 6, 1, 5 };

static int enc(const char *s, uint8_t *out)
{
	int i;
	for (i = 0; s[i]; i++) out[i] = al_nt_code(s[i]);
	return i;
}

static void cigar_str(const al_alignment_t *r, char *buf, size_t n)
{
	size_t o = 0;
	int i;
	buf[0] = 0;
	for (i = 0; i < r->n_cigar && o + 12 < n; i++)
		o += (size_t)snprintf(buf + o, n - o, "%u%c", r->cigar[i] >> 4, "MIDNSHP=X"[r->cigar[i] & 0xf]);
}

static const char *REF =
	"TTGACCGATGCATTGACCAGTACGGATCCATGCAAGTCCGATTGCAGGCTAACGTTAGCATGGCATCAAG"
	"CTTAGCCGGATAGCTTCAGGACTAGGCATTACGGCTAGCATGCAGTCGATCGAAGTCTTGCAATCGGGTAC";

static void test_exact_match_inside_window(unit_t *t)
{
	uint8_t q[64], r[200];
	char cig[64];
	al_dp_buf_t b = { 0 };
	al_alignment_t res = { 0 };
	int tl = enc(REF, r), ql = enc("GCATTGACCAGTACGGATCCATGCAAGTCCGATTGC", q);
	int s = al_extend_banded(q, ql, r, tl, -ql, tl, &SC, &b, &res);
	UNIT_CHECK_INT(t, s, ql);
	UNIT_CHECK_INT(t, res.tb, 9);
	cigar_str(&res, cig, sizeof cig);
	UNIT_CHECK_STR(t, cig, "36M");
	al_alignment_free(&res);
	al_dp_buf_free(&b);
}

static void test_deletion_and_insertion(unit_t *t)
{
	uint8_t q[128], r[200];
	char cig[64];
	al_dp_buf_t b = { 0 };
	al_alignment_t res = { 0 };
	int tl = enc(REF, r), ql;
	/* REF[10..40) + REF[43..73): a 3-base deletion after 30 read bases */
	char qs[128];
	memcpy(qs, REF + 10, 30);
	memcpy(qs + 30, REF + 43, 30);
	qs[60] = 0;
	ql = enc(qs, q);
	UNIT_CHECK_INT(t, al_extend_banded(q, ql, r, tl, -10, 20, &SC, &b, &res), 60 - 6 - 3);
	cigar_str(&res, cig, sizeof cig);
	UNIT_CHECK_STR(t, cig, "30M3D30M");
	UNIT_CHECK_INT(t, res.tb, 10);
	UNIT_CHECK_INT(t, res.te, 73);
	/* insertion of "CC" after 30 read bases */
	memcpy(qs, REF + 10, 30);
	memcpy(qs + 30, "CC", 2);
	memcpy(qs + 32, REF + 40, 30);
	qs[62] = 0;
	ql = enc(qs, q);
	UNIT_CHECK_INT(t, al_extend_banded(q, ql, r, tl, -10, 20, &SC, &b, &res), 60 - 6 - 2);
	cigar_str(&res, cig, sizeof cig);
	UNIT_CHECK_STR(t, cig, "30M2I30M");
	al_alignment_free(&res);
	al_dp_buf_free(&b);
}

static void test_clipping_beats_mismatches_at_end(unit_t *t)
{
	uint8_t q[64], r[200];
	char cig[64], qs[64];
	al_dp_buf_t b = { 0 };
	al_alignment_t res = { 0 };
	int tl = enc(REF, r), ql, mm = -1;
	/* 40 matching bases then 6 bases of junk: clipping (-5) beats 6 mismatches */
	memcpy(qs, REF + 20, 40);
	memcpy(qs + 40, "AAAAAA", 6);
	qs[46] = 0;
	if (REF[60] == 'A') qs[40] = 'C';
	ql = enc(qs, q);
	al_extend_banded(q, ql, r, tl, -ql, tl, &SC, &b, &res);
	cigar_str(&res, cig, sizeof cig);
	UNIT_CHECK(t, res.qe <= 41);
	UNIT_CHECK_INT(t, res.qb, 0);
	UNIT_CHECK(t, res.score >= 35);
	/* the same read gap-free against its diagonal */
	al_extend_ungapped(q, ql, r + 20, &SC, &res, &mm);
	UNIT_CHECK(t, res.qe <= 41);
	UNIT_CHECK(t, res.score >= 35);
	UNIT_CHECK_INT(t, res.qb, 0);
	cigar_str(&res, cig, sizeof cig);
	UNIT_CHECK(t, cig[strlen(cig) - 1] == 'S');
	al_alignment_free(&res);
	al_dp_buf_free(&b);
}

static void test_ungapped_counts_mismatches(unit_t *t)
{
	uint8_t q[64], r[200];
	char qs[64];
	al_alignment_t res = { 0 };
	int mm = -1, ql;
	enc(REF, r);
	memcpy(qs, REF, 50);
	qs[50] = 0;
	qs[25] = qs[25] == 'A' ? 'C' : 'A';
	qs[10] = 'N';
	ql = enc(qs, q);
	UNIT_CHECK_INT(t, al_extend_ungapped(q, ql, r, &SC, &res, &mm), 48 - 4 - 1);
	UNIT_CHECK_INT(t, mm, 2);
	UNIT_CHECK_INT(t, res.n_cigar, 1);
	al_alignment_free(&res);
}

static void test_nothing_aligns(unit_t *t)
{
	uint8_t q[8], r[8];
	al_dp_buf_t b = { 0 };
	al_alignment_t res = { 0 };
	int ql = enc("AAAA", q), tl = enc("CCCC", r);
	UNIT_CHECK(t, al_extend_banded(q, ql, r, tl, -4, 4, &SC, &b, &res) < 0);
	UNIT_CHECK_INT(t, res.n_cigar, 0);
	al_alignment_free(&res);
	al_dp_buf_free(&b);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "align/extend");
	UNIT_RUN(&t, test_exact_match_inside_window);
	UNIT_RUN(&t, test_deletion_and_insertion);
	UNIT_RUN(&t, test_clipping_beats_mismatches_at_end);
	UNIT_RUN(&t, test_ungapped_counts_mismatches);
	UNIT_RUN(&t, test_nothing_aligns);
	return unit_finish(&t);
}
