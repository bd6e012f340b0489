/* cv_bqcal.h — empirical base-quality calibration from the reads themselves.
 *
 * Sequencers (and simulators) often state base qualities that their errors
 * do not follow: a base reported at Q40 may be wrong one time in 400, not in
 * 10,000.  Coincident errors then look like variant reads.  Before calling,
 * cv_bqcal_estimate() counts, per sample and reported quality, how often an
 * aligned base differs from the reference at positions that do not look
 * variant (no other base at a fair share of the depth), in a fixed sample of
 * windows spread evenly over the whole genome (independent of -r, -@ and the
 * chunk size, so the calls do not depend on them).  The SNP likelihoods then
 * use the observed error rate of each reported quality (shrunk towards the
 * reported one when a quality has few bases), capped at o->cap_baseq.
 */
#ifndef CV_BQCAL_H
#define CV_BQCAL_H

#include <stdint.h>

#include "cv_input.h"
#include "cv_opts.h"
#include "err.h"

#define CV_BQCAL_NQ 64 /* reported qualities 0..63 (above: as 63) */

typedef struct cv_bqcal {
	int ns;
	uint8_t *q;        /* [ns][CV_BQCAL_NQ]: quality to use for a reported quality */
	uint64_t *nbase;   /* [ns][CV_BQCAL_NQ]: bases counted */
	uint64_t *nmis;    /* [ns][CV_BQCAL_NQ]: of those, differing from the reference */
} cv_bqcal_t;

/* Count the sampled windows of every input and fill cal (see above).
 * Returns 0, or -1 with err set (a read error of the BAMs or reference). */
int cv_bqcal_estimate(cv_bqcal_t *cal, const cv_input_t *in, const cv_opts_t *o, gsa_err_t *err);

/* The quality table from the counts in cal (cal->nbase, cal->nmis), shrunk
 * towards the reported quality by prior_bases pseudo-bases and capped at
 * cap.  Exposed for the unit test. */
void cv_bqcal_table(cv_bqcal_t *cal, int cap, double prior_bases);

/* Release the tables. */
void cv_bqcal_free(cv_bqcal_t *cal);

/* Quality to use for reported quality q of sample s. */
static inline int cv_bqcal_q(const cv_bqcal_t *cal, int s, int q)
{
	return cal->q[(size_t)s * CV_BQCAL_NQ + (q < CV_BQCAL_NQ ? q : CV_BQCAL_NQ - 1)];
}

#endif
