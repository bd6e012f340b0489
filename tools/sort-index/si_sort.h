/* si_sort.h — sort a SAM/BAM stream by coordinate or name under a memory
 * bound, writing a BAM and its index in one pass.
 *
 * Pipeline: read records into a batch (si_batch.h) until the bound; sort
 * the batch in parallel ranges; spill it as a run (si_run.h) when more
 * input follows; at the end merge the runs with the last batch still in
 * memory (si_merge.h) into the output (si_output.h).  More than max_runs
 * runs are first merged into one.
 */
#ifndef SI_SORT_H
#define SI_SORT_H

#include <stdint.h>

#include "err.h"
#include "log.h"
#include "si_output.h"
#include "si_rec.h"

typedef enum {
	SI_IDX_AUTO = 0, /* BAI, or CSI when a contig is too long for BAI */
	SI_IDX_BAI,
	SI_IDX_CSI,
	SI_IDX_NONE
} si_idx_choice_t;

typedef struct si_opts {
	const char *in;          /* input path, "-" for stdin */
	const char *out;         /* output BAM path */
	const char *tmpdir;      /* spill folder; NULL: the output's folder */
	si_order_t order;        /* coordinate (default) or name */
	int threads;             /* -@: extra threads (0: single-threaded) */
	uint64_t mem_per_thread; /* -m, bytes */
	int level;               /* -l: libdeflate level 0-12 */
	si_idx_choice_t index;
	int csi_min_shift;       /* 14 */
	int max_runs;            /* runs before an intermediate merge (64) */
	const char *pg_version;  /* @PG VN */
	const char *pg_cmdline;  /* @PG CL, may be NULL */
} si_opts_t;

/* What a run did, for the log. */
typedef struct si_stats {
	uint64_t n_records;
	uint64_t n_runs;        /* runs spilled (intermediate merges included) */
	uint64_t spill_bytes;
	uint64_t mem_limit;
	gsa_index_kind_t index;
} si_stats_t;

/* Defaults: coordinate, 768 MiB per thread, 0 extra threads, htslib
 * default level, automatic index, min_shift 14, 64 runs. */
void si_opts_init(si_opts_t *o);

/* Sort o->in into o->out (+ index).  Returns 0, or -1 with err set:
 * GSA_EDATA for bad input, GSA_EIO for files and full disks, GSA_EUSAGE
 * for options that cannot work.  No output, index or temp file is left
 * behind on failure.  st may be NULL; log may be NULL. */
int si_sort_run(const si_opts_t *o, const gsa_log_t *log, si_stats_t *st, gsa_err_t *err);

#endif
