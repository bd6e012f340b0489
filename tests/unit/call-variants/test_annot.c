/* Annotations: Fisher strand test, SOR, rank sums, filters. */
#include <math.h>
#include <string.h>

#include "cv_annot.h"
#include "unit.h"

static void test_fisher_known_values(unit_t *t)
{
	/* two-sided p of [[3,1],[1,3]] is 34/70 = 0.4857 */
	uint32_t a[4] = { 3, 1, 1, 3 };
	UNIT_CHECK(t, fabs(cv_annot_fisher(a) - 0.485714) < 1e-5);
	/* [[10,0],[0,10]]: 2 / C(20,10) = 1.0825e-5 */
	uint32_t b[4] = { 10, 0, 0, 10 };
	UNIT_CHECK(t, fabs(cv_annot_fisher(b) - 2.0 / 184756.0) < 1e-9);
	/* an empty margin is no evidence */
	uint32_t c[4] = { 5, 5, 0, 0 };
	UNIT_CHECK(t, cv_annot_fisher(c) == 1.0);
}

static void test_ranksum_known_values(unit_t *t)
{
	uint32_t h0[8] = { 0 }, h1[8] = { 0 };
	h0[1] = h0[2] = h0[3] = 1; /* REF 1,2,3 */
	h1[4] = h1[5] = h1[6] = 1; /* ALT 4,5,6: U = 9, mean 4.5, var 5.25 */
	int ok = 0;
	double z = cv_annot_ranksum(h0, h1, 8, &ok);
	UNIT_CHECK(t, ok);
	UNIT_CHECK(t, fabs(z - 4.5 / sqrt(5.25)) < 1e-9);
	/* swapped groups: the opposite sign */
	UNIT_CHECK(t, fabs(cv_annot_ranksum(h1, h0, 8, &ok) + z) < 1e-9);
	/* identical distributions: 0 */
	UNIT_CHECK(t, fabs(cv_annot_ranksum(h0, h0, 8, &ok)) < 1e-12);
	uint32_t none[8] = { 0 };
	cv_annot_ranksum(h0, none, 8, &ok);
	UNIT_CHECK(t, !ok);
}

static void test_strand_bias_and_filters(unit_t *t)
{
	cv_annot_acc_t acc;
	memset(&acc, 0, sizeof acc);
	/* REF reads on both strands, ALT reads all forward, low MAPQ */
	for (int i = 0; i < 10; i++) cv_annot_add(&acc, 0, i & 1, 40, 30, 40);
	for (int i = 0; i < 10; i++) cv_annot_add(&acc, 1, 0, 10, 30, 2);
	cv_annot_t an;
	cv_annot_finish(&acc, 100.0, 20, &an);
	UNIT_CHECK(t, an.fs > 10); /* p = 0.0325 */
	UNIT_CHECK(t, an.sor > 3);
	UNIT_CHECK(t, fabs(an.mq - sqrt((10 * 1600.0 + 10 * 100.0) / 20)) < 1e-9);
	UNIT_CHECK(t, fabs(an.qd - 5.0) < 1e-12);
	UNIT_CHECK(t, an.has_mqrs && an.mqrs < 0);
	UNIT_CHECK(t, an.has_rprs && an.rprs < 0);
	gsa_strbuf_t f;
	gsa_strbuf_init(&f);
	cv_annot_filter(&an, 0, 100.0, 20.0, 1, &f);
	UNIT_CHECK(t, strstr(f.s, "SOR3") != NULL);
	UNIT_CHECK(t, strstr(f.s, "MQ40") != NULL);
	UNIT_CHECK(t, strstr(f.s, "PASS") == NULL);
	f.len = 0;
	cv_annot_filter(&an, 0, 10.0, 20.0, 0, &f);
	UNIT_CHECK_STR(t, f.s, "LowQual");
	/* a balanced site passes */
	memset(&acc, 0, sizeof acc);
	for (int i = 0; i < 20; i++) cv_annot_add(&acc, i & 1, (i >> 1) & 1, 60, 30, i);
	cv_annot_finish(&acc, 300.0, 20, &an);
	f.len = 0;
	cv_annot_filter(&an, 0, 300.0, 20.0, 1, &f);
	UNIT_CHECK_STR(t, f.s, "PASS");
	UNIT_CHECK(t, fabs(an.fs) < 1e-9);
	gsa_strbuf_free(&f);
}

/* MAPQ 255 means "unavailable" (SAM spec): no MQ of 255, no MQRankSum from it */
static void test_mapq_unavailable(unit_t *t)
{
	cv_annot_acc_t acc;
	memset(&acc, 0, sizeof acc);
	for (int i = 0; i < 10; i++) cv_annot_add(&acc, i & 1, i & 2, 255, 30, 10);
	cv_annot_t an;
	cv_annot_finish(&acc, 100.0, 10, &an);
	UNIT_CHECK(t, !an.has_mq);
	UNIT_CHECK(t, !an.has_mqrs);
	/* mixed: the RMS of the known MAPQs only */
	cv_annot_add(&acc, 0, 0, 50, 30, 10);
	cv_annot_add(&acc, 1, 0, 30, 30, 10);
	cv_annot_finish(&acc, 100.0, 10, &an);
	UNIT_CHECK(t, an.has_mq && fabs(an.mq - sqrt((2500.0 + 900.0) / 2)) < 1e-9);
	gsa_strbuf_t f;
	gsa_strbuf_init(&f);
	memset(&acc, 0, sizeof acc);
	for (int i = 0; i < 20; i++) cv_annot_add(&acc, i & 1, (i >> 1) & 1, 255, 30, i);
	cv_annot_finish(&acc, 300.0, 20, &an);
	cv_annot_filter(&an, 0, 300.0, 20.0, 1, &f);
	UNIT_CHECK_STR(t, f.s, "PASS");
	gsa_strbuf_free(&f);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "call-variants annot");
	UNIT_RUN(&t, test_fisher_known_values);
	UNIT_RUN(&t, test_ranksum_known_values);
	UNIT_RUN(&t, test_strand_bias_and_filters);
	UNIT_RUN(&t, test_mapq_unavailable);
	return unit_finish(&t);
}
