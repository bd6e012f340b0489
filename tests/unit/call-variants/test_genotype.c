/* Genotype model: likelihoods from reads, priors, calls, GQ, QUAL, PL. */
#include <math.h>

#include "cv_genotype.h"
#include "unit.h"

/* n reads showing allele `which` of nall, base error e */
static void add_reads(double *gl, int nall, int which, int n, double e)
{
	double p[CV_MAX_ALLELES];
	for (int a = 0; a < nall; a++) p[a] = a == which ? 1 - e : e / 3;
	for (int i = 0; i < n; i++) cv_gl_add_read(gl, nall, p);
}

static void call(const double *gl, int nall, double theta, cv_gt_call_t *c)
{
	double prior[CV_MAX_GT];
	cv_gt_prior_log10(prior, nall, theta);
	cv_gt_call(gl, prior, nall, c);
}

static void test_gt_index_vcf_order(unit_t *t)
{
	/* VCF order for 3 alleles: 0/0 0/1 1/1 0/2 1/2 2/2 */
	UNIT_CHECK_INT(t, cv_gt_index(0, 0), 0);
	UNIT_CHECK_INT(t, cv_gt_index(1, 0), 1);
	UNIT_CHECK_INT(t, cv_gt_index(1, 1), 2);
	UNIT_CHECK_INT(t, cv_gt_index(0, 2), 3);
	UNIT_CHECK_INT(t, cv_gt_index(2, 1), 4);
	UNIT_CHECK_INT(t, cv_gt_index(2, 2), 5);
	UNIT_CHECK_INT(t, cv_gt_count(4), 10);
}

static void test_het_hom_ref(unit_t *t)
{
	double gl[CV_MAX_GT] = { 0 };
	cv_gt_call_t c;
	add_reads(gl, 2, 0, 10, 1e-3);
	add_reads(gl, 2, 1, 10, 1e-3);
	call(gl, 2, 1e-3, &c);
	UNIT_CHECK(t, c.a == 0 && c.b == 1);
	UNIT_CHECK_INT(t, c.gq, 99);
	UNIT_CHECK(t, -10 * c.log10_p_homref > 100);

	double g2[CV_MAX_GT] = { 0 };
	add_reads(g2, 2, 1, 20, 1e-3);
	call(g2, 2, 1e-3, &c);
	UNIT_CHECK(t, c.a == 1 && c.b == 1);

	double g3[CV_MAX_GT] = { 0 };
	add_reads(g3, 2, 0, 20, 1e-3);
	call(g3, 2, 1e-3, &c);
	UNIT_CHECK(t, c.a == 0 && c.b == 0);
	UNIT_CHECK(t, -10 * c.log10_p_homref < 1);
}

static void test_weak_evidence_low_quality(unit_t *t)
{
	/* one low-quality ALT read among 20 REF reads is not a variant */
	double gl[CV_MAX_GT] = { 0 };
	cv_gt_call_t c;
	add_reads(gl, 2, 0, 20, 1e-3);
	add_reads(gl, 2, 1, 1, 0.05);
	call(gl, 2, 1e-3, &c);
	UNIT_CHECK(t, c.b == 0);
	/* two reads showing ALT and nothing else: hom ALT but with a low GQ */
	double g2[CV_MAX_GT] = { 0 };
	add_reads(g2, 2, 1, 2, 1e-3);
	call(g2, 2, 1e-3, &c);
	UNIT_CHECK(t, c.a == 1 && c.b == 1);
	UNIT_CHECK(t, c.gq < 20);
}

static void test_multi_allelic(unit_t *t)
{
	double gl[CV_MAX_GT] = { 0 };
	cv_gt_call_t c;
	add_reads(gl, 3, 1, 12, 1e-3);
	add_reads(gl, 3, 2, 12, 1e-3);
	call(gl, 3, 1e-3, &c);
	UNIT_CHECK(t, c.a == 1 && c.b == 2);
	/* PL over the kept alleles {0,2}: 0/0 0/2 2/2; the allele-1 reads fit
	 * none of them, so 2/2 is best, then 0/2, then 0/0 */
	int keep[2] = { 0, 2 }, pl[3];
	cv_gt_pl(gl, keep, 2, pl);
	UNIT_CHECK(t, pl[2] == 0 && pl[1] > 0 && pl[0] > pl[1]);
	/* full PL: the called 1/2 is 0, all others positive */
	int all[3] = { 0, 1, 2 }, pl3[6];
	cv_gt_pl(gl, all, 3, pl3);
	for (int g = 0; g < 6; g++) UNIT_CHECK(t, g == cv_gt_index(1, 2) ? pl3[g] == 0 : pl3[g] > 0);
}

static void test_prior_sums_to_one(unit_t *t)
{
	for (int n = 2; n <= CV_MAX_ALLELES; n++) {
		double prior[CV_MAX_GT], s = 0;
		cv_gt_prior_log10(prior, n, 1e-3);
		for (int g = 0; g < cv_gt_count(n); g++) s += pow(10, prior[g]);
		UNIT_CHECK(t, fabs(s - 1) < 1e-9);
		UNIT_CHECK(t, prior[cv_gt_index(0, 1)] > prior[cv_gt_index(1, 1)]);
	}
}

int main(void)
{
	unit_t t;
	unit_init(&t, "call-variants genotype");
	UNIT_RUN(&t, test_gt_index_vcf_order);
	UNIT_RUN(&t, test_het_hom_ref);
	UNIT_RUN(&t, test_weak_evidence_low_quality);
	UNIT_RUN(&t, test_multi_allelic);
	UNIT_RUN(&t, test_prior_sums_to_one);
	return unit_finish(&t);
}
