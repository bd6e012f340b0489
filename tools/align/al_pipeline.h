/* al_pipeline.h — `align map`: FASTQ in, BAM out, in batches over threads.
 *
 * One pool of -t threads (common/pool.h) lives for the whole run.  Reads
 * are taken in batches of a fixed number of templates; while a pool job
 * reads the next batch, each batch is mapped by the pool and the calling
 * thread (reads handed out in small chunks), then pairs are resolved and
 * records built the same way, then written in input order through the
 * shared BGZF writer (common/bgzf_bamw.h), which compresses in the same
 * pool.  The insert size distribution is estimated from the first batch.
 * The batch size does not depend on the thread count, so the output is
 * the same for any -t.  Steps, in order: pipe_open, then per batch
 * run_phase 0 (map), estimate_insert (first batch), run_phase 1 (pair,
 * records), write_batch; pipe_close.
 */
#ifndef ALIGN_AL_PIPELINE_H
#define ALIGN_AL_PIPELINE_H

#include <stdint.h>

#include "err.h"
#include "al_index.h"
#include "log.h"
#include "al_map.h"
#include "al_pair.h"

typedef struct al_run_opts {
	al_map_opts_t mo;
	int threads;
	int batch;            /* templates per batch */
	int level;            /* BGZF level 0..12 (common/bgzf.h); -1: 7 for -o, 0 for stdout */
	const char *out_path; /* NULL: stdout */
	const char *rg_line;  /* real tabs; may be NULL */
	const char *rg_id;
	int interleaved;
	const char *cmdline;  /* for @PG */
} al_run_opts_t;

typedef struct al_run_stats {
	uint64_t n_reads, n_mapped, n_proper, n_supp;
	al_insert_model_t ins;
} al_run_stats_t;

/* Map r1 (and r2, or interleaved pairs from r1, or single-end reads) and
 * write BAM.  With out_path the file appears only when complete.  Returns
 * 0, or -1 with err set (GSA_EDATA for bad input, GSA_EIO for files). */
int al_run(const al_index_t *ix, const al_run_opts_t *o, const char *r1, const char *r2,
	    const gsa_log_t *lg, al_run_stats_t *st, gsa_err_t *err);

#endif
