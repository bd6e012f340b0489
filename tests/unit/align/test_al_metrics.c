#include "unit.h"
#include "al_metrics.h"

#include <stdlib.h>
#include <string.h>

static sam_hdr_t *header(void)
{
	static const char txt[] = "@SQ\tSN:a\tLN:1000\n@SQ\tSN:b\tLN:1000\n";
	return sam_hdr_parse(sizeof txt - 1, txt);
}

static void add(al_metrics_t *m, sam_hdr_t *h, const char *line)
{
	bam1_t *b = bam_init1();
	kstring_t ks = KS_INITIALIZE;
	kputs(line, &ks);
	if (sam_parse1(&ks, h, b) < 0) abort();
	al_metrics_add(m, b);
	bam_destroy1(b);
	free(ks.s);
}

/* Mismatches land on their sequencing cycle: MD walked with the CIGAR
 * (soft clips, insertions, deletions), reversed for the reverse strand. */
static void test_mismatch_cycles(unit_t *t)
{
	sam_hdr_t *h = header();
	al_metrics_t m;
	al_metrics_init(&m);
	/* forward: 2S 3M 1I 2M 1D 2M; MD 1C1 ^ 2^G0T1: mismatches at query 3 and 8 (the first base after the deletion) */
	add(&m, h, "f\t99\ta\t10\t60\t2S3M1I2M1D2M\t=\t200\t300\tAAAAAAAAAA\t*\tNM:i:4\tMD:Z:1C3^G0T1");
	/* reverse, 10 bases: MD 0A8G0 -> query 0 and 9 -> cycles 9 and 0 */
	add(&m, h, "r\t147\ta\t200\t60\t10M\t=\t10\t-300\tAAAAAAAAAA\t*\tNM:i:2\tMD:Z:0A8G0");
	UNIT_CHECK_INT(t, m.cycle_mismatches[3], 1);
	UNIT_CHECK_INT(t, m.cycle_mismatches[8], 1);
	UNIT_CHECK_INT(t, m.cycle_mismatches[9], 1);
	UNIT_CHECK_INT(t, m.cycle_mismatches[0], 1);
	UNIT_CHECK_INT(t, m.cycle_mismatches[4], 0);
	/* aligned bases: forward read cycles 2,3,4,6,7,8,9 (not 0,1 clipped, not 5 inserted) */
	UNIT_CHECK_INT(t, m.cycle_bases[0], 1);
	UNIT_CHECK_INT(t, m.cycle_bases[5], 1);
	UNIT_CHECK_INT(t, m.cycle_bases[9], 2);
	UNIT_CHECK_INT(t, m.mismatches, 6);
	UNIT_CHECK_INT(t, m.bases_mapped_cigar, 8 + 10);
	UNIT_CHECK_INT(t, m.insert[300], 1); /* read 1 of the proper pair only */
	UNIT_CHECK_INT(t, m.proper, 2);
	al_metrics_free(&m);
	sam_hdr_destroy(h);
}

/* The flagstat counts, secondary/supplementary/unmapped/other contig. */
static void test_flagstat_counts(unit_t *t)
{
	sam_hdr_t *h = header();
	al_metrics_t m;
	al_metrics_init(&m);
	add(&m, h, "p\t65\ta\t10\t3\t4M\tb\t50\t0\tACGT\t*");         /* paired, mate on b, MAPQ 3 */
	add(&m, h, "p\t129\tb\t50\t60\t4M\ta\t10\t0\tACGT\t*");       /* its mate, MAPQ 60 */
	add(&m, h, "q\t73\ta\t100\t60\t4M\t=\t100\t0\tACGT\t*");      /* mate unmapped: singleton */
	add(&m, h, "q\t133\ta\t100\t0\t*\t=\t100\t0\tACGT\t*");        /* unmapped */
	add(&m, h, "p\t2113\ta\t500\t60\t2H2M\tb\t50\t0\tAC\t*");     /* supplementary */
	add(&m, h, "p\t321\ta\t600\t0\t4M\tb\t50\t0\tACGT\t*");       /* secondary */
	add(&m, h, "d\t1097\ta\t700\t60\t4M\t*\t0\t0\tACGT\t*");       /* duplicate, mate unmapped */
	UNIT_CHECK_INT(t, m.total, 7);
	UNIT_CHECK_INT(t, m.primary, 5);
	UNIT_CHECK_INT(t, m.secondary, 1);
	UNIT_CHECK_INT(t, m.supplementary, 1);
	UNIT_CHECK_INT(t, m.duplicates, 1);
	UNIT_CHECK_INT(t, m.mapped, 6);
	UNIT_CHECK_INT(t, m.primary_mapped, 4);
	UNIT_CHECK_INT(t, m.paired, 5);
	UNIT_CHECK_INT(t, m.both_mapped, 2);
	UNIT_CHECK_INT(t, m.singletons, 2);
	UNIT_CHECK_INT(t, m.mate_other_chr, 2);
	UNIT_CHECK_INT(t, m.mate_other_chr_q5, 1);
	UNIT_CHECK_INT(t, m.mapq[60], 3);
	UNIT_CHECK_INT(t, m.mapq[3], 1);
	al_metrics_free(&m);
	sam_hdr_destroy(h);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "al_metrics");
	UNIT_RUN(&t, test_mismatch_cycles);
	UNIT_RUN(&t, test_flagstat_counts);
	return unit_finish(&t);
}
