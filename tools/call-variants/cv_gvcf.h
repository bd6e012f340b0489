/* cv_gvcf.h — reference confidence and reference blocks of a gVCF.
 *
 * For every position of a slice, the reads' bases give log10 likelihoods
 * of the genotypes 0/0, 0/<*> and <*>/<*>, where <*> is "some base other
 * than REF": P(base | REF) from the base and mapping quality as for SNPs,
 * P(base | <*>) the mean over the three non-REF bases.  Positions without a
 * variant record are written as reference blocks: runs of positions whose
 * GQ falls in the same band (and whose ploidy is the same) merged into one
 * record `REF <*>` with INFO/END, FORMAT GT:GQ:DP:MIN_DP:PL (GQ the lowest
 * of the run, PL of that position, DP the mean and MIN_DP the lowest
 * depth).  GQ = the smallest PL of a non-REF genotype when 0/0 is the most
 * likely, else 0 (GATK's reference confidence).  A run without reads is
 * written with GT ./. (or . when haploid).
 */
#ifndef CV_GVCF_H
#define CV_GVCF_H

#include <stdint.h>

#include "cv_input.h"
#include "cv_opts.h"
#include "cv_ploidy.h"
#include "strbuf.h"

#define CV_GVCF_MAXQ 64

typedef struct cv_refconf {
	/* log10 P(base | genotype) for [match][q][mq][genotype 0/0, 0/<*>, <*>/<*>] */
	double lg[2][CV_GVCF_MAXQ][61][3];
	double *gl;          /* 3 per position of [beg, end) */
	int *dp;             /* bases counted per position */
	int64_t beg, end;
	size_t cap;
} cv_refconf_t;

/* Fill the likelihood table from P(matching base) and P(mismatching base)
 * per base quality and MAPQ (the SNP model's tables). */
void cv_refconf_init(cv_refconf_t *rc, const double pmatch[][61], const double pmis[][61]);

/* Release the per-position arrays. */
void cv_refconf_free(cv_refconf_t *rc);

/* Reference confidence of [beg, end) from the reads of rb (sample 0): bases
 * with quality >= min_bq (counted as at most cap_bq), not a right mate's
 * bases over its left mate.  A read with an indel after a base counts as
 * non-REF at that base (where an indel's record would stand), at the
 * base's quality capped at indel_q, so that joint sees indel evidence in
 * the blocks of a sample that listed no indel there.  ref covers
 * [roff, roff + rlen). */
void cv_refconf_compute(cv_refconf_t *rc, const cv_readbuf_t *rb, const char *ref, int64_t roff,
			int64_t beg, int64_t end, int min_bq, int cap_bq, int indel_q);

/* Append the reference blocks of [from, to) (inside the computed slice)
 * for sample 0, split at GQ bands of o and at ploidy changes. */
void cv_gvcf_blocks(const cv_refconf_t *rc, const cv_opts_t *o, const char *contig, const char *ref,
		    int64_t roff, int64_t from, int64_t to, gsa_strbuf_t *out);

/* Append the gVCF header lines (ALT <*>, INFO END, FORMAT MIN_DP, bands). */
void cv_gvcf_header(gsa_strbuf_t *out, const cv_opts_t *o);

/* Parse a comma-separated ascending list of GQ band lower bounds (0..99,
 * digits only, at most CV_MAX_BANDS - 1) into o; 0 is added in front when
 * missing.  Returns 0 or -1 (o unchanged). */
int cv_gvcf_parse_bands(cv_opts_t *o, const char *spec);

#endif
