/* cv_bqcal.h — empirical base-quality calibration from the reads themselves.
 *
 * Sequencers (and simulators) often state base qualities that their errors
 * do not follow: a base reported at Q40 may be wrong one time in 400, not in
 * 10,000, and how often it is wrong, and into which base, depends on where
 * in the read it was sequenced.  Coincident errors then look like variant
 * reads.  Before calling, cv_bqcal_estimate() counts, per sample, reported
 * quality, covariate (read 1 or 2 of the pair x cycle in bins of
 * CV_BQCAL_CYCW sequencing cycles) and true base, how often an aligned base
 * reads as each other base, at positions that do not look variant (no other
 * base at a fair share of the depth), in a fixed sample of windows spread
 * evenly over the whole genome (independent of -r, -@ and the chunk size, so
 * the calls do not depend on them).  Bases and substitutions are taken in the
 * read's own orientation (complemented on the reverse strand), as the
 * sequencer made them.
 *
 * The estimates form a hierarchy, each level shrunk towards the coarser one
 * where its data are thin (a prior worth CV_BQCAL_PRIOR_ERR errors):
 *   e0(q)        per reported quality, towards the stated 10^(-q/10)
 *                (1000 pseudo-bases);
 *   e1(q,c)      per quality and covariate, towards e0(q);
 *   e2(q,c,r,x)  per substitution r -> x, towards e1(q,c) split as the
 *                substitutions of quality q split over all covariates.
 * The SNP likelihoods use P(read base x | true base r) = e2 (x != r), or
 * 1 - sum of e2 (x == r), as a continuous probability; the total error of a
 * base is held at least 10^(-cap/10) (--cap-BQ).  Indel realignment uses
 * e1 as its per-base mismatch cost.
 */
#ifndef CV_BQCAL_H
#define CV_BQCAL_H

#include <stdint.h>

#include "cv_input.h"
#include "cv_opts.h"
#include "err.h"

#define CV_BQCAL_NQ 64    /* reported qualities 0..63 (above: as 63) */
#define CV_BQCAL_CYCW 10  /* sequencing cycles per bin */
#define CV_BQCAL_NCYC 32  /* cycle bins per read (the last takes the rest) */
#define CV_BQCAL_NCOV (2 * CV_BQCAL_NCYC) /* covariates: read 1 or 2 x cycle bin */
#define CV_BQCAL_PRIOR_ERR 10.0 /* weight of a level's prior, in errors */

typedef struct cv_bqcal {
	int ns;
	uint8_t *q;        /* [ns][NQ]: quality of e0 (rounded, capped), for the log */
	double *p;         /* [ns][NQ][NCOV][4][4]: P(read base x | true base r), read orientation */
	uint8_t *qcost;    /* [ns][NQ][NCOV]: phred of e1 (rounded), realignment mismatch cost */
	uint64_t *nbase;   /* [ns][NQ][NCOV][4]: bases counted, by true base */
	uint64_t *nmis;    /* [ns][NQ][NCOV][4][4]: of those, read as base x (x != r) */
} cv_bqcal_t;

/* Allocate empty counts and tables for ns samples. */
void cv_bqcal_alloc(cv_bqcal_t *cal, int ns);

/* Count the sampled windows of every input and fill cal (see above).
 * Returns 0, or -1 with err set (a read error of the BAMs or reference). */
int cv_bqcal_estimate(cv_bqcal_t *cal, const cv_input_t *in, const cv_opts_t *o, gsa_err_t *err);

/* The tables from the counts in cal (cal->nbase, cal->nmis): e0 shrunk
 * towards the reported quality by prior_bases pseudo-bases, the finer
 * levels as above; the total error of a base at least 10^(-cap/10).
 * Exposed for the unit test. */
void cv_bqcal_table(cv_bqcal_t *cal, int cap, double prior_bases);

/* Release the tables. */
void cv_bqcal_free(cv_bqcal_t *cal);

/* Bases counted for reported quality q of sample s (all covariates). */
uint64_t cv_bqcal_nbases(const cv_bqcal_t *cal, int s, int q);

/* Covariate of query base qi of b: read 1 or 2 (unpaired: 1) x bin of the
 * sequencing cycle (hard clips counted; reversed on the reverse strand). */
int cv_bqcal_cov(const bam1_t *b, int qi);

static inline int cv_bqcal_qidx(int q) { return q < 0 ? 0 : q < CV_BQCAL_NQ ? q : CV_BQCAL_NQ - 1; }

/* e0 quality (rounded, capped) for reported quality q of sample s. */
static inline int cv_bqcal_q(const cv_bqcal_t *cal, int s, int q)
{
	return cal->q[(size_t)s * CV_BQCAL_NQ + (size_t)cv_bqcal_qidx(q)];
}

/* P(read base | true base r) for the four read bases, in the read's
 * orientation, of a base with reported quality q and covariate cov. */
static inline const double *cv_bqcal_row(const cv_bqcal_t *cal, int s, int q, int cov, int r)
{
	return cal->p + ((((size_t)s * CV_BQCAL_NQ + (size_t)cv_bqcal_qidx(q)) * CV_BQCAL_NCOV + (size_t)cov) * 4
			 + (size_t)r) * 4;
}

/* Mismatch cost (phred, e1) for reported quality q and covariate cov. */
static inline int cv_bqcal_cost(const cv_bqcal_t *cal, int s, int q, int cov)
{
	return cal->qcost[((size_t)s * CV_BQCAL_NQ + (size_t)cv_bqcal_qidx(q)) * CV_BQCAL_NCOV + (size_t)cov];
}

#endif
