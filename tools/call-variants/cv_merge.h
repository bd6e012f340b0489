/* cv_merge.h — concatenate per-region VCFs into one sorted, indexed VCF. */
#ifndef CV_MERGE_H
#define CV_MERGE_H

#include "err.h"

/* Merge the records of parts[0..nparts) (bgzipped or plain VCF, each sorted,
 * all with the same contigs in the same order and the same samples) by
 * contig order then position, into out_path + out_path.tbi, atomically.
 * The header is the first part's, with a line recording cmdline.  Parts
 * may be given in any order.  level: BGZF level (common/bgzf.h); nthreads
 * > 1: compression in a pool of that many threads.  *nrec gets the records written.  Returns 0,
 * or -1 with err set (GSA_EDATA for mismatched headers, unsorted or
 * truncated parts, GSA_EIO for unreadable files). */
int cv_merge_run(char *const *parts, int nparts, const char *out_path, const char *cmdline, int level,
		 int nthreads, long *nrec, gsa_err_t *err);

#endif
