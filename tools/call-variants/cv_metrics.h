/* cv_metrics.h — variant metrics gathered from the VCF text as
 * call-variants writes it (no second pass): counts by type, Ti/Tv,
 * genotypes (het / hom-alt / hom-ref), indel lengths and QUAL, with the
 * definitions of `bcftools stats` (a record counts once per type among its
 * ALT alleles; Ti/Tv and indel lengths count alleles).
 */
#ifndef CV_METRICS_H
#define CV_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define CV_INDEL_MAX 50  /* indel lengths beyond +-50 go into the end bins */
#define CV_QUAL_MAX 1000 /* QUAL at or above goes into the last bin */

typedef struct cv_metrics {
	uint64_t records, snps, mnps, indels, others, multiallelic, multiallelic_snps;
	uint64_t ts, tv, pass;
	uint64_t het, hom_alt, hom_ref, missing;          /* genotypes over all samples */
	uint64_t snp_het, snp_hom_alt, snp_hom_ref;      /* at SNP records (bcftools stats PSC) */
	uint64_t indel_len[2 * CV_INDEL_MAX + 1];        /* [len + CV_INDEL_MAX], len = |ALT| - |REF| */
	uint64_t qual[CV_QUAL_MAX + 1];                  /* floor(QUAL) */
} cv_metrics_t;

/* Zero counts (nothing to free). */
void cv_metrics_init(cv_metrics_t *m);

/* Count the records of VCF text s[0..n) (whole lines; '#' lines skipped).
 * m may be NULL. */
void cv_metrics_add_text(cv_metrics_t *m, const char *s, size_t n);

/* Write m as JSON to path atomically (sample names for the report).
 * Returns 0, or -1 with err set (GSA_EIO). */
int cv_metrics_write(const cv_metrics_t *m, const char *path, char *const *samples, int ns, gsa_err_t *err);

#endif
