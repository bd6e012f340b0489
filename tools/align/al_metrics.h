/* al_metrics.h — mapping metrics gathered from the records as align writes
 * them (no second pass): the samtools flagstat counts, MAPQ and insert-size
 * histograms, and the mismatch rate by sequencing cycle (from MD).
 *
 * The writer thread calls al_metrics_add() once per record it writes;
 * main() writes the JSON (--metrics FILE) with al_metrics_write().
 */
#ifndef ALIGN_AL_METRICS_H
#define ALIGN_AL_METRICS_H

#include <stdint.h>

#include <htslib/sam.h>

#include "err.h"
#include "progress.h"

#define AL_METRICS_MAX_INSERT 2000 /* insert sizes above go into the last bin */

typedef struct al_metrics {
	/* samtools flagstat, QC-passed column (align sets no QC-fail flag) */
	uint64_t total, primary, secondary, supplementary, duplicates, primary_duplicates;
	uint64_t mapped, primary_mapped, paired, read1, read2, proper, both_mapped, singletons;
	uint64_t mate_other_chr, mate_other_chr_q5;
	/* samtools stats SN (primary records) */
	uint64_t bases_total, bases_mapped_cigar, mismatches;
	uint64_t mapq[256];                          /* primary mapped records */
	uint64_t insert[AL_METRICS_MAX_INSERT + 1];  /* |TLEN| of proper pairs, read 1 only */
	uint64_t *cycle_bases, *cycle_mismatches;     /* per cycle (0-based), aligned M/=/X bases */
	int n_cycles;                                 /* allocated length of both */
} al_metrics_t;

/* Zero counts.  Free with al_metrics_free. */
void al_metrics_init(al_metrics_t *m);
/* Release the per-cycle arrays.  Safe on a zeroed m. */
void al_metrics_free(al_metrics_t *m);

/* Count one written record.  m may be NULL (nothing happens). */
void al_metrics_add(al_metrics_t *m, const bam1_t *b);

/* Write m as JSON to path (atomically), with the input names and the
 * insert-size model.  Returns 0, or -1 with err set (GSA_EIO). */
int al_metrics_write(const al_metrics_t *m, const char *path, const char *sample,
		     double ins_mean, double ins_sd, gsa_err_t *err);

/* Progress after a batch of `reads` was written: reads done, and a total
 * estimated from how much of R1 (f1) was read, when its size is known.
 * Call from the thread that owns f1 while no batch is being read.  p may
 * be NULL. */
struct al_fastq_reader;
void al_progress_batch(gsa_progress_t *p, uint64_t reads, const struct al_fastq_reader *f1);

#endif
