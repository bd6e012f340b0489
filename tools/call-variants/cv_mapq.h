/* cv_mapq.h — how much the caller trusts a read's placement.
 *
 * The aligner's MAPQ is capped by the read's own evidence that it may
 * belong elsewhere: a second-best alignment score (XS) close to the best
 * (AS) caps it at 3 per point of AS - XS (one mismatch is 5 points with
 * bwa-style scores, so a suboptimal hit one mismatch away caps MAPQ at 15),
 * plus, in a proper pair, the mate's MAPQ (MQ tag; no cap without it): a
 * mate placed uniquely vouches for a read inside a repeat;
 * a paired read whose mate is unmapped, on another contig, or implausibly
 * far (|TLEN| above o->mate_far) is capped at o->mate_cap.  A capped read
 * counts less (P(misplaced) = 10^(-MAPQ/10) in the likelihoods), it is
 * not dropped.
 */
#ifndef CV_MAPQ_H
#define CV_MAPQ_H

#include <htslib/sam.h>

#include "cv_opts.h"

/* The MAPQ the likelihoods use for b (already capped at o->cap_mapq). */
int cv_mapq_effective(const bam1_t *b, const cv_opts_t *o);

#endif
