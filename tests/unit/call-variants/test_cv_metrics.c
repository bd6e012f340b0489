#include "unit.h"
#include "cv_metrics.h"

#include <string.h>

static void test_counts_like_bcftools(unit_t *t)
{
	static const char vcf[] =
		"##fileformat=VCFv4.2\n"
		"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\ts1\ts2\n"
		"c\t1\t.\tA\tG\t50.5\tPASS\t.\tGT:DP\t0/1:10\t1/1:3\n"      /* SNP, transition */
		"c\t2\t.\tC\tA\t12\tLowQual\t.\tGT\t1|1\t./.\n"               /* SNP, transversion; missing */
		"c\t3\t.\tAC\tA\t30\tPASS\t.\tGT\t0/1\t0/0\n"                 /* deletion -1 */
		"c\t5\t.\tA\tATTT,G\t2000\tPASS\t.\tGT\t1/2\t0/0\n"           /* indel +3 and SNP: multiallelic */
		"c\t9\t.\tAC\tGT\t.\tPASS\t.\tGT\t1\t0\n"                     /* MNP, haploid; QUAL missing */
		"c\t12\t.\tT\tC,G\t999.9\tPASS\t.\tGT\t1/2\t1/1\n"            /* multiallelic SNP site */
		"c\t15\t.\tG\t<DEL>\t40\tPASS\tSVTYPE=DEL\tGT\t0/1\t0/1";       /* other; no final newline */
	cv_metrics_t m;
	cv_metrics_init(&m);
	cv_metrics_add_text(&m, vcf, sizeof vcf - 1);
	cv_metrics_add_text(NULL, vcf, sizeof vcf - 1);
	UNIT_CHECK_INT(t, m.records, 7);
	UNIT_CHECK_INT(t, m.pass, 6);
	UNIT_CHECK_INT(t, m.snps, 4);
	UNIT_CHECK_INT(t, m.mnps, 1);
	UNIT_CHECK_INT(t, m.indels, 2);
	UNIT_CHECK_INT(t, m.others, 1);
	UNIT_CHECK_INT(t, m.multiallelic, 2);
	UNIT_CHECK_INT(t, m.multiallelic_snps, 1);
	/* alleles: A>G ts, C>A tv, A>G ts, T>C ts, T>G tv */
	UNIT_CHECK_INT(t, m.ts, 3);
	UNIT_CHECK_INT(t, m.tv, 2);
	UNIT_CHECK_INT(t, m.indel_len[CV_INDEL_MAX - 1], 1);
	UNIT_CHECK_INT(t, m.indel_len[CV_INDEL_MAX + 3], 1);
	/* genotypes: het 0/1,0/1,1/2,1/2,0/1,0/1 = 6; hom-alt 1/1,1|1,1,1/1 = 4; hom-ref 0/0,0/0,0 = 3; missing 1 */
	UNIT_CHECK_INT(t, m.het, 6);
	UNIT_CHECK_INT(t, m.hom_alt, 4);
	UNIT_CHECK_INT(t, m.hom_ref, 3);
	UNIT_CHECK_INT(t, m.missing, 1);
	/* at SNP records (lines 1, 2, 4, 6) */
	UNIT_CHECK_INT(t, m.snp_het, 3);
	UNIT_CHECK_INT(t, m.snp_hom_alt, 3);
	UNIT_CHECK_INT(t, m.snp_hom_ref, 1);
	UNIT_CHECK_INT(t, m.qual[50], 1);
	UNIT_CHECK_INT(t, m.qual[12], 1);
	UNIT_CHECK_INT(t, m.qual[999], 1);
	UNIT_CHECK_INT(t, m.qual[CV_QUAL_MAX], 1);
}

static void test_short_lines_ignored(unit_t *t)
{
	static const char junk[] = "\n\nc\t1\t.\tA\n#c\t1\t.\tA\tG\t1\tPASS\n";
	cv_metrics_t m;
	cv_metrics_init(&m);
	cv_metrics_add_text(&m, junk, sizeof junk - 1);
	UNIT_CHECK_INT(t, m.records, 0);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "cv_metrics");
	UNIT_RUN(&t, test_counts_like_bcftools);
	UNIT_RUN(&t, test_short_lines_ignored);
	return unit_finish(&t);
}
