/* cv_genotype.h — the diploid genotype model.
 *
 * Alleles are numbered 0 (REF) .. nall-1.  A genotype is an unordered pair
 * a <= b, numbered in VCF order (b*(b+1)/2 + a).  Genotype likelihoods are
 * log10 P(reads | genotype), accumulated one read at a time from the read's
 * per-allele probabilities: P(read | a/b) = (P(read|a) + P(read|b)) / 2.
 */
#ifndef CV_GENOTYPE_H
#define CV_GENOTYPE_H

#define CV_MAX_ALLELES 4
#define CV_MAX_GT 10 /* genotypes of CV_MAX_ALLELES alleles */
#define CV_GL_STRIDE 15 /* genotypes of CV_MAX_ALLELES + 1 alleles (a gVCF's <*>) */
#define CV_AD_STRIDE 5  /* alleles per AD entry, with <*> */

/* Number of diploid genotypes of nall alleles. */
static inline int cv_gt_count(int nall) { return nall * (nall + 1) / 2; }

/* VCF index of genotype a/b (either order). */
static inline int cv_gt_index(int a, int b)
{
	if (a > b) { int t = a; a = b; b = t; }
	return b * (b + 1) / 2 + a;
}

/* Add one read to gl[cv_gt_count(nall)]: p[k] = P(read | allele k), linear
 * scale.  Probabilities of 0 are treated as tiny, never -inf. */
void cv_gl_add_read(double *gl, int nall, const double *p);

/* log10 genotype priors for nall alleles: REF/ALT het theta, ALT/ALT hom
 * theta/2, ALT/ALT' het theta/100, REF/REF the rest. */
void cv_gt_prior_log10(double *prior, int nall, double theta);

typedef struct cv_gt_call {
	int a, b;              /* most probable genotype a <= b */
	double log10_p_homref; /* log10 posterior of 0/0 */
	int gq;                /* phred of 1 - posterior of a/b, capped at 99 */
} cv_gt_call_t;

/* Posterior genotype of one sample from its likelihoods and the priors. */
void cv_gt_call(const double *gl, const double *prior, int nall, cv_gt_call_t *out);

/* The same with ploidy 1 (only the genotypes a/a, prior theta per ALT
 * allele; out->a == out->b) or 2 (cv_gt_call).  Ploidy 0 gives a = b = -1. */
void cv_gt_call_ploidy(const double *gl, const double *prior, int nall, int ploidy, double theta,
		       cv_gt_call_t *out);

/* Phred-scaled likelihoods normalised to 0 at the best, for the genotypes
 * of the allele subset keep[0..nkeep) (keep[0] must be 0): pl gets
 * cv_gt_count(nkeep) values in VCF order of the new numbering. */
void cv_gt_pl(const double *gl, const int *keep, int nkeep, int *pl);

/* Haploid PL: pl gets nkeep values, genotype a is gl[a/a]. */
void cv_gt_pl_haploid(const double *gl, const int *keep, int nkeep, int *pl);

#endif
