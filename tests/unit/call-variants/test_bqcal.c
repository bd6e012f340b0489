/* Base-quality calibration: the table from observed error counts. */
#include <stdlib.h>

#include "cv_bqcal.h"
#include "unit.h"

static void cal_init(cv_bqcal_t *c, int ns)
{
	c->ns = ns;
	c->q = calloc((size_t)ns * CV_BQCAL_NQ, sizeof *c->q);
	c->nbase = calloc((size_t)ns * CV_BQCAL_NQ, sizeof *c->nbase);
	c->nmis = calloc((size_t)ns * CV_BQCAL_NQ, sizeof *c->nmis);
}

/* Q40 bases wrong 1 in 100 (as mason's simulated reads are) are used as
 * Q20; a quality whose errors follow it keeps it, capped */
static void test_overstated_quality_lowered(unit_t *t)
{
	cv_bqcal_t c;
	cal_init(&c, 1);
	c.nbase[40] = 1000000; c.nmis[40] = 10000;  /* 1e-2 */
	c.nbase[20] = 1000000; c.nmis[20] = 10000;  /* as stated */
	c.nbase[10] = 100000;  c.nmis[10] = 5000;   /* better than stated: 5e-2 = Q13 */
	cv_bqcal_table(&c, 28, 1000);
	UNIT_CHECK_INT(t, cv_bqcal_q(&c, 0, 40), 20);
	UNIT_CHECK_INT(t, cv_bqcal_q(&c, 0, 20), 20);
	UNIT_CHECK_INT(t, cv_bqcal_q(&c, 0, 10), 13);
	/* above the table: as its last entry */
	UNIT_CHECK_INT(t, cv_bqcal_q(&c, 0, 93), cv_bqcal_q(&c, 0, CV_BQCAL_NQ - 1));
	cv_bqcal_free(&c);
}

/* without data a quality stays as reported (capped); a few bases move it
 * only a little (the prior weighs 1000 bases) */
static void test_no_data_keeps_reported(unit_t *t)
{
	cv_bqcal_t c;
	cal_init(&c, 2);
	c.nbase[CV_BQCAL_NQ + 30] = 10; c.nmis[CV_BQCAL_NQ + 30] = 5; /* sample 1: 5 of 10 wrong */
	cv_bqcal_table(&c, 28, 1000);
	UNIT_CHECK_INT(t, cv_bqcal_q(&c, 0, 20), 20);
	UNIT_CHECK_INT(t, cv_bqcal_q(&c, 0, 40), 28);
	UNIT_CHECK_INT(t, cv_bqcal_q(&c, 0, 2), 2);
	/* (5 + 1000 * 1e-3) / 1010 = 5.9e-3: Q22, not Q3 */
	UNIT_CHECK_INT(t, cv_bqcal_q(&c, 1, 30), 22);
	/* samples apart */
	UNIT_CHECK_INT(t, cv_bqcal_q(&c, 0, 30), 28);
	cv_bqcal_free(&c);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "call-variants base-quality calibration");
	UNIT_RUN(&t, test_overstated_quality_lowered);
	UNIT_RUN(&t, test_no_data_keeps_reported);
	return unit_finish(&t);
}
