/* cv_annot.h — site annotations for filtering, and the default FILTERs.
 *
 * Per site, reads are tallied as REF or ALT (any non-REF allele) with their
 * strand, mapping quality, base quality and position in the read.  From the
 * tallies: MQ (root mean square MAPQ), FS (phred of the two-sided Fisher
 * exact test on the strand table, GATK's FisherStrand), SOR (GATK's
 * StrandOddsRatio), QD (QUAL / depth of the samples carrying an ALT) and the
 * Mann-Whitney rank-sum z-scores ALT vs REF of MAPQ, base quality and read
 * position (GATK's MQRankSum, BaseQRankSum, ReadPosRankSum).  The FILTERs
 * are GATK's recommended hard filters, under GATK's names.
 */
#ifndef CV_ANNOT_H
#define CV_ANNOT_H

#include <stdint.h>

#include "strbuf.h"

#define CV_ANNOT_QBINS 64
#define CV_ANNOT_PBINS 256

typedef struct cv_annot_acc {
	uint32_t sb[4];  /* REF forward, REF reverse, ALT forward, ALT reverse */
	double mq2;      /* sum of MAPQ^2 of every read used */
	uint32_t nmq;
	uint32_t mq[2][CV_ANNOT_QBINS], bq[2][CV_ANNOT_QBINS], rp[2][CV_ANNOT_PBINS]; /* [0] REF, [1] ALT */
} cv_annot_acc_t;

/* Tally one read: allele is 0 (REF), 1 (ALT) or -1 (neither: only MQ);
 * mapq 255 (unavailable) is left out of MQ and MQRankSum; bq < 0 for none
 * (indels); readpos = distance of the site from the nearer end of the read. */
void cv_annot_add(cv_annot_acc_t *a, int allele, int reverse, int mapq, int bq, int readpos);

typedef struct cv_annot {
	double mq, fs, sor, qd, mqrs, bqrs, rprs;
	int has_mq, has_qd, has_mqrs, has_bqrs, has_rprs;
} cv_annot_t;

/* Annotations of a site from its tallies, QUAL and the depth of the samples
 * with an ALT genotype (var_dp; 0 = no QD). */
void cv_annot_finish(const cv_annot_acc_t *a, double qual, int var_dp, cv_annot_t *out);

/* Append ";MQ=..;FS=.." (only the annotations that have a value). */
void cv_annot_info(const cv_annot_t *an, gsa_strbuf_t *out);

/* Append the FILTER column: PASS or the failed filters joined by ';'.
 * lowqual: QUAL threshold of LowQual; hard: 1 to apply the hard filters. */
void cv_annot_filter(const cv_annot_t *an, int is_indel, double qual, double lowqual, int hard, gsa_strbuf_t *out);

/* Append the ##INFO and ##FILTER header lines of the above. */
void cv_annot_header(gsa_strbuf_t *out, int hard);

/* Two-sided Fisher exact test p-value of the 2x2 table t (row-major). */
double cv_annot_fisher(const uint32_t t[4]);

/* Mann-Whitney z-score of group 1 vs group 0 from histograms of nbins;
 * returns 0 and *ok = 0 when a group is empty. */
double cv_annot_ranksum(const uint32_t *h0, const uint32_t *h1, int nbins, int *ok);

#endif
