/* Base-quality calibration: the tables from observed error counts, and the
 * covariate (read of the pair, sequencing cycle) of a base. */
#include <math.h>
#include <stdlib.h>

#include "cv_bqcal.h"
#include "unit.h"

/* counts of sample s, quality q, covariate c, true base r */
static uint64_t *nb(cv_bqcal_t *c, int s, int q, int cov, int r)
{
	return &c->nbase[(((size_t)s * CV_BQCAL_NQ + (size_t)q) * CV_BQCAL_NCOV + (size_t)cov) * 4 + (size_t)r];
}

static uint64_t *nm(cv_bqcal_t *c, int s, int q, int cov, int r, int x)
{
	return &c->nmis[(((size_t)s * CV_BQCAL_NQ + (size_t)q) * CV_BQCAL_NCOV + (size_t)cov) * 16 + (size_t)(4 * r + x)];
}

/* n bases of true base r at (s, q, cov), wrong ones spread evenly */
static void fill(cv_bqcal_t *c, int s, int q, int cov, int r, uint64_t n, uint64_t wrong)
{
	*nb(c, s, q, cov, r) += n;
	for (int x = 0, k = 0; x < 4; x++)
		if (x != r) { *nm(c, s, q, cov, r, x) += wrong / 3 + (k < (int)(wrong % 3)); k++; }
}

/* total error of a row */
static double row_err(const cv_bqcal_t *c, int s, int q, int cov, int r)
{
	return 1.0 - cv_bqcal_row(c, s, q, cov, r)[r];
}

static int near(double a, double b, double rel) { return fabs(a - b) <= rel * fabs(b); }

/* Q40 bases wrong 1 in 100 (as mason's simulated reads are) are used as
 * Q20; a quality whose errors follow it keeps it, capped */
static void test_overstated_quality_lowered(unit_t *t)
{
	cv_bqcal_t c;
	cv_bqcal_alloc(&c, 1);
	for (int r = 0; r < 4; r++) {
		fill(&c, 0, 40, 3, r, 250000, 2500);  /* 1e-2 */
		fill(&c, 0, 20, 3, r, 250000, 2500);  /* as stated */
		fill(&c, 0, 10, 3, r, 25000, 1250);   /* better than stated: 5e-2 = Q13 */
	}
	cv_bqcal_table(&c, 28, 1000);
	UNIT_CHECK_INT(t, cv_bqcal_q(&c, 0, 40), 20);
	UNIT_CHECK_INT(t, cv_bqcal_q(&c, 0, 20), 20);
	UNIT_CHECK_INT(t, cv_bqcal_q(&c, 0, 10), 13);
	/* above the table: as its last entry */
	UNIT_CHECK_INT(t, cv_bqcal_q(&c, 0, 93), cv_bqcal_q(&c, 0, CV_BQCAL_NQ - 1));
	/* the probabilities: 1 - e for the true base, e/3 for each other */
	const double *row = cv_bqcal_row(&c, 0, 40, 3, 1);
	UNIT_CHECK(t, near(row[1], 0.99, 0.001));
	UNIT_CHECK(t, near(row[0], 0.01 / 3, 0.01) && near(row[2], 0.01 / 3, 0.01) && near(row[3], 0.01 / 3, 0.01));
	/* a covariate without data: as the quality's overall rate */
	UNIT_CHECK(t, near(row_err(&c, 0, 40, 17, 2), 0.01, 0.01));
	/* realignment cost: phred of the same rate */
	UNIT_CHECK_INT(t, cv_bqcal_cost(&c, 0, 40, 3), 20);
	UNIT_CHECK_INT(t, cv_bqcal_cost(&c, 0, 40, 17), 20);
	cv_bqcal_free(&c);
}

/* without data a quality stays as reported (capped); a few bases move it
 * only a little (the prior weighs 1000 bases) */
static void test_no_data_keeps_reported(unit_t *t)
{
	cv_bqcal_t c;
	cv_bqcal_alloc(&c, 2);
	fill(&c, 1, 30, 0, 0, 10, 5); /* sample 1: 5 of 10 wrong */
	cv_bqcal_table(&c, 28, 1000);
	UNIT_CHECK_INT(t, cv_bqcal_q(&c, 0, 20), 20);
	UNIT_CHECK_INT(t, cv_bqcal_q(&c, 0, 40), 28);
	UNIT_CHECK_INT(t, cv_bqcal_q(&c, 0, 2), 2);
	/* (5 + 1000 * 1e-3) / 1010 = 5.9e-3: Q22, not Q3 */
	UNIT_CHECK_INT(t, cv_bqcal_q(&c, 1, 30), 22);
	/* samples apart */
	UNIT_CHECK_INT(t, cv_bqcal_q(&c, 0, 30), 28);
	/* no data: the stated rate, split evenly, but held at the cap */
	UNIT_CHECK(t, near(row_err(&c, 0, 20, 5, 0), 0.01, 1e-9));
	UNIT_CHECK(t, near(cv_bqcal_row(&c, 0, 20, 5, 0)[3], 0.01 / 3, 1e-9));
	UNIT_CHECK(t, near(row_err(&c, 0, 40, 5, 0), pow(10, -2.8), 1e-9));
	cv_bqcal_free(&c);
}

/* the same reported quality, wrong 1 in 2000 early in read 1 and 1 in 50
 * late in read 2: each covariate keeps its own rate */
static void test_cycles_apart(unit_t *t)
{
	cv_bqcal_t c;
	cv_bqcal_alloc(&c, 1);
	for (int r = 0; r < 4; r++) {
		fill(&c, 0, 35, 0, r, 1000000, 500);
		fill(&c, 0, 35, CV_BQCAL_NCYC + 14, r, 250000, 5000);
	}
	cv_bqcal_table(&c, 40, 1000);
	UNIT_CHECK(t, near(row_err(&c, 0, 35, 0, 2), 5e-4, 0.05));
	UNIT_CHECK(t, near(row_err(&c, 0, 35, CV_BQCAL_NCYC + 14, 2), 2e-2, 0.05));
	UNIT_CHECK_INT(t, cv_bqcal_cost(&c, 0, 35, 0), 33);
	UNIT_CHECK_INT(t, cv_bqcal_cost(&c, 0, 35, CV_BQCAL_NCYC + 14), 17);
	/* the cap still holds the early cycles' error at 1e-3 */
	cv_bqcal_table(&c, 30, 1000);
	UNIT_CHECK(t, near(row_err(&c, 0, 35, 0, 2), 1e-3, 1e-6));
	cv_bqcal_free(&c);
}

/* errors that are mostly one substitution (A -> G) get most of the error
 * probability, the others little; rows sum to 1 */
static void test_substitution_types(unit_t *t)
{
	cv_bqcal_t c;
	cv_bqcal_alloc(&c, 1);
	*nb(&c, 0, 30, 2, 0) = 1000000;
	*nm(&c, 0, 30, 2, 0, 2) = 900;
	*nm(&c, 0, 30, 2, 0, 1) = 50;
	*nm(&c, 0, 30, 2, 0, 3) = 50;
	for (int r = 1; r < 4; r++) fill(&c, 0, 30, 2, r, 1000000, 1000);
	cv_bqcal_table(&c, 40, 1000);
	const double *row = cv_bqcal_row(&c, 0, 30, 2, 0);
	UNIT_CHECK(t, near(row[2], 9e-4, 0.05));
	UNIT_CHECK(t, near(row[1], 5e-5, 0.2));
	UNIT_CHECK(t, near(row[0] + row[1] + row[2] + row[3], 1.0, 1e-12));
	/* a thin covariate of the same quality borrows the split */
	*nb(&c, 0, 30, 40, 0) = 100;
	cv_bqcal_table(&c, 40, 1000);
	row = cv_bqcal_row(&c, 0, 30, 40, 0);
	UNIT_CHECK(t, row[2] > 10 * row[1]);
	cv_bqcal_free(&c);
}

/* a covariate with few bases is shrunk towards its quality's rate: 2 errors
 * in 100 bases is not taken as 2e-2 */
static void test_thin_data_shrunk(unit_t *t)
{
	cv_bqcal_t c;
	cv_bqcal_alloc(&c, 1);
	for (int r = 0; r < 4; r++) fill(&c, 0, 30, 1, r, 1000000, 1000); /* 1e-3 */
	fill(&c, 0, 30, 9, 1, 100, 2);
	cv_bqcal_table(&c, 40, 1000);
	double e = row_err(&c, 0, 30, 9, 1);
	/* the covariate: (2 + 10) / (100 + 10000) = 1.2e-3; the substitution
	 * level, shrunk towards that by another 10 errors: 1.4e-3 */
	UNIT_CHECK(t, e > 1.0e-3 && e < 1.5e-3);
	cv_bqcal_free(&c);
}

static bam1_t *read_with(const char *cigar, int lq, int flag)
{
	bam1_t *b = bam_init1();
	uint32_t *cig = NULL;
	size_t m = 0;
	ssize_t nc = sam_parse_cigar(cigar, NULL, &cig, &m);
	char *seq = malloc((size_t)lq + 1);
	for (int i = 0; i < lq; i++) seq[i] = 'A';
	seq[lq] = 0;
	bam_set1(b, 2, "r", (uint16_t)flag, 0, 100, 60, (size_t)nc, cig, 0, 300, 0, (size_t)lq, seq, NULL, 0);
	free(cig);
	free(seq);
	return b;
}

/* cycle bins in sequencing order: reversed on the reverse strand, hard
 * clips counted, read 2 apart from read 1 */
static void test_covariate(unit_t *t)
{
	bam1_t *f = read_with("100M", 100, BAM_FPAIRED | BAM_FREAD1);
	UNIT_CHECK_INT(t, cv_bqcal_cov(f, 0), 0);
	UNIT_CHECK_INT(t, cv_bqcal_cov(f, 9), 0);
	UNIT_CHECK_INT(t, cv_bqcal_cov(f, 10), 1);
	UNIT_CHECK_INT(t, cv_bqcal_cov(f, 99), 9);
	bam1_t *r = read_with("100M", 100, BAM_FPAIRED | BAM_FREAD2 | BAM_FREVERSE);
	UNIT_CHECK_INT(t, cv_bqcal_cov(r, 99), CV_BQCAL_NCYC + 0);
	UNIT_CHECK_INT(t, cv_bqcal_cov(r, 0), CV_BQCAL_NCYC + 9);
	bam1_t *h = read_with("30H70M", 70, 0);
	UNIT_CHECK_INT(t, cv_bqcal_cov(h, 0), 3);
	bam1_t *hr = read_with("70M30H", 70, BAM_FREVERSE);
	UNIT_CHECK_INT(t, cv_bqcal_cov(hr, 69), 3);
	bam1_t *lng = read_with("1000M", 1000, 0);
	UNIT_CHECK_INT(t, cv_bqcal_cov(lng, 999), CV_BQCAL_NCYC - 1);
	bam_destroy1(f); bam_destroy1(r); bam_destroy1(h); bam_destroy1(hr); bam_destroy1(lng);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "call-variants base-quality calibration");
	UNIT_RUN(&t, test_overstated_quality_lowered);
	UNIT_RUN(&t, test_no_data_keeps_reported);
	UNIT_RUN(&t, test_cycles_apart);
	UNIT_RUN(&t, test_substitution_types);
	UNIT_RUN(&t, test_thin_data_shrunk);
	UNIT_RUN(&t, test_covariate);
	return unit_finish(&t);
}
