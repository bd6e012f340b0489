/* cv_gvcf: the --gvcf-bands list; indel evidence in reference confidence. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/sam.h>

#include "cv_gvcf.h"
#include "unit.h"

static void test_bands(unit_t *t)
{
	cv_opts_t o, def;
	cv_opts_init(&o);
	cv_opts_init(&def);
	UNIT_CHECK_INT(t, cv_gvcf_parse_bands(&o, "20,40"), 0);
	UNIT_CHECK(t, o.ngvcf_bands == 3 && o.gvcf_bands[0] == 0 && o.gvcf_bands[1] == 20 && o.gvcf_bands[2] == 40);
	UNIT_CHECK_INT(t, cv_gvcf_parse_bands(&o, "0"), 0);
	UNIT_CHECK(t, o.ngvcf_bands == 1 && o.gvcf_bands[0] == 0);
	/* 31 values fit, 32 do not */
	char list[128] = "", item[8];
	for (int i = 0; i < 31; i++) {
		snprintf(item, sizeof item, i ? ",%d" : "%d", i);
		strcat(list, item);
	}
	UNIT_CHECK_INT(t, cv_gvcf_parse_bands(&o, list), 0);
	UNIT_CHECK_INT(t, o.ngvcf_bands, 31);
	strcat(list, ",31");
	/* refused values leave o as it was */
	static const char *const bad[] = { "", "1,", ",1", "5,,6", " 5", "+5", "-5", "10,10", "20,10", "100", "0x10", "1 2" };
	cv_opts_init(&o);
	UNIT_CHECK(t, cv_gvcf_parse_bands(&o, list) < 0);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) UNIT_CHECK(t, cv_gvcf_parse_bands(&o, bad[i]) < 0);
	UNIT_CHECK(t, o.ngvcf_bands == def.ngvcf_bands && memcmp(o.gvcf_bands, def.gvcf_bands, sizeof o.gvcf_bands) == 0);
}

static const char REF40[] = "ACGTTGCAACGTTGCAACGTTGCAACGTTGCAACGTTGCA";

/* A read at 0 with cigar whose bases are the reference's (a deletion skips
 * them, an insertion adds A), all of quality 30. */
static void add_read(cv_readbuf_t *rb, const char *cigar)
{
	uint32_t *cig = NULL;
	size_t m = 0;
	ssize_t nc = sam_parse_cigar(cigar, NULL, &cig, &m);
	char seq[64], qual[64];
	int lq = 0, rp = 0;
	for (ssize_t k = 0; k < nc; k++) {
		int op = bam_cigar_op(cig[k]), len = (int)bam_cigar_oplen(cig[k]);
		for (int i = 0; i < len; i++) {
			if (op == BAM_CMATCH || op == BAM_CSOFT_CLIP) seq[lq++] = REF40[rp++];
			else if (op == BAM_CINS) seq[lq++] = 'A';
			else if (op == BAM_CDEL) rp++;
		}
	}
	seq[lq] = 0;
	memset(qual, 30, (size_t)lq);
	bam1_t *b = bam_init1();
	bam_set1(b, 2, "r", 0, 0, 0, 60, (size_t)nc, cig, -1, -1, 0, (size_t)lq, seq, qual, 0);
	free(cig);
	cv_read_t *r = &rb->r[rb->n++];
	memset(r, 0, sizeof *r);
	r->b = b;
	r->mq = 60;
	r->end = bam_endpos(b);
	r->mate_end = -1;
}

/* log10 likelihood ratio het / hom-REF at position p */
static double het_lr(const cv_refconf_t *rc, int p) { return rc->gl[3 * p + 1] - rc->gl[3 * p]; }

/* A read with an indel after base 9 counts as non-REF at 9 (where the
 * indel's record stands), once, and not when the indel ends the read. */
static void test_refconf_indel(unit_t *t)
{
	static double pmatch[CV_GVCF_MAXQ][61], pmis[CV_GVCF_MAXQ][61];
	for (int q = 0; q < CV_GVCF_MAXQ; q++)
		for (int m = 0; m <= 60; m++) {
			double e = pow(10.0, -(q < 1 ? 1 : q) / 10.0);
			pmatch[q][m] = 1 - e;
			pmis[q][m] = e / 3;
		}
	cv_refconf_t rc;
	cv_refconf_init(&rc, (const double (*)[61])pmatch, (const double (*)[61])pmis);
	static const char *const sets[][4] = {
		{ "30M", "30M", "30M", "30M" },          /* all REF */
		{ "30M", "30M", "30M", "10M2D20M" },     /* one deletion after base 9 */
		{ "30M", "30M", "30M", "10M1I19M" },     /* one insertion after base 9 */
		{ "30M", "30M", "10M2D20M", "10M1I19M" }, /* two */
		{ "30M", "30M", "30M", "10M1I" },        /* an insertion ending the read */
	};
	double lr[5];
	for (int s = 0; s < 5; s++) {
		cv_read_t r[4];
		cv_readbuf_t rb = { r, 0, 4 };
		for (int i = 0; i < 4; i++) add_read(&rb, sets[s][i]);
		cv_refconf_compute(&rc, &rb, REF40, 0, 0, 40, 13, 40, 40);
		lr[s] = het_lr(&rc, 9);
		UNIT_CHECK_INT(t, rc.dp[9], 4);
		UNIT_CHECK(t, fabs(het_lr(&rc, 8) - het_lr(&rc, 5)) < 1e-9); /* base 8: no indel after it */
		for (int i = 0; i < 4; i++) bam_destroy1(r[i].b);
	}
	UNIT_CHECK(t, lr[0] < -1);                       /* four REF reads: hom-REF, 4 log10(1/2) */
	UNIT_CHECK(t, lr[1] > lr[0] + 2 && lr[2] > lr[0] + 2);
	UNIT_CHECK(t, fabs(lr[1] - lr[2]) < 1e-9);       /* a deletion and an insertion weigh the same */
	UNIT_CHECK(t, lr[3] > lr[1] + 2);
	UNIT_CHECK(t, fabs(lr[4] - lr[0]) < 1e-9);       /* not at a read's end */
	/* the observation's quality is capped: at indel_q 0 an indel read weighs next to nothing */
	cv_read_t r[4];
	cv_readbuf_t rb = { r, 0, 4 };
	for (int i = 0; i < 4; i++) add_read(&rb, sets[1][i]);
	cv_refconf_compute(&rc, &rb, REF40, 0, 0, 40, 13, 40, 0);
	UNIT_CHECK(t, het_lr(&rc, 9) > lr[0] && het_lr(&rc, 9) < lr[1]);
	for (int i = 0; i < 4; i++) bam_destroy1(r[i].b);
	cv_refconf_free(&rc);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "call-variants gvcf");
	UNIT_RUN(&t, test_bands);
	UNIT_RUN(&t, test_refconf_indel);
	return unit_finish(&t);
}
