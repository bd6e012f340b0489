/* si_metrics.h — what sort-index learns from the records it writes, in the
 * same pass: flag counts, duplicate rate (when duplicates are marked), and
 * per-base coverage (mosdepth-style: a depth histogram and the breadth by
 * contig), computed in coordinate order from the alignment blocks.
 *
 * Depth counts the reference bases under M/=/X operations of records that
 * are mapped, primary or supplementary, not QC-failed and not duplicates
 * (what `samtools depth` counts by default; deletions and skips are not
 * covered).  The coverage needs coordinate order; in name order only the
 * counts are kept.
 */
#ifndef SI_METRICS_H
#define SI_METRICS_H

#include <stdint.h>

#include <htslib/sam.h>

#include "err.h"
#include "bamrec.h"
#include "si_rec.h"

#define SI_COV_MAX 1000 /* depths above go into the last bin */

typedef struct si_metrics {
	uint64_t records, primary, mapped, primary_mapped, duplicates, primary_duplicates, paired, proper;
	int coverage;               /* 1: depth is being computed (coordinate order) */
	int n_contigs;
	char **names;               /* owned copies */
	int64_t *len;
	uint64_t *covered, *depth_sum, *hist; /* hist: n_contigs x (SI_COV_MAX + 1) */
	uint64_t global[SI_COV_MAX + 1];
	/* streaming state */
	int cur;                    /* contig being walked, -1 before the first */
	int64_t flushed, pending_end; /* positions < flushed are counted */
	int32_t *ring;              /* depth changes at positions [flushed, flushed + cap) */
	int64_t cap;                /* power of two */
	int32_t depth;              /* depth at position flushed */
} si_metrics_t;

/* Zero everything.  Free with si_metrics_free. */
void si_metrics_init(si_metrics_t *m);
/* Release what m owns.  Safe on a zeroed m. */
void si_metrics_free(si_metrics_t *m);

/* Learn the contigs from hdr; coverage when `coordinate` is non-zero.
 * m may be NULL. */
void si_metrics_start(si_metrics_t *m, const sam_hdr_t *hdr, int coordinate);

/* Count one output record (records come in output order).  m may be NULL. */
void si_metrics_add(si_metrics_t *m, const si_rec_t *r);

/* Count the rest of every contig (no more records).  m may be NULL. */
void si_metrics_finish(si_metrics_t *m);

/* Write m as JSON to path atomically.  Returns 0, or -1 with err (GSA_EIO). */
int si_metrics_write(const si_metrics_t *m, const char *path, gsa_err_t *err);

#endif
