/* stage.h — move a job's inputs into its work folder and its outputs out.
 *
 * Inputs are local paths, local globs, or s3:// URIs (objects, prefixes
 * ending in '/', globs); each file lands in the work folder under its base
 * name.  Local files are hard-linked (copied across file systems); remote
 * objects go through the shared cache when there is one.
 *
 * Outputs are globs relative to the work folder.  Every glob must match at
 * least one file, checked before anything is written.  Local destinations
 * are written all-or-nothing: every file is first placed under a temp name
 * beside its destination, then all are renamed.  Remote destinations are
 * put one object at a time, data files before their indexes (.bai, .tbi,
 * .csi, .crai, .fai, .gzi), so an index never points at a missing file.
 */
#ifndef JOB_STAGE_H
#define JOB_STAGE_H

#include <stddef.h>
#include <stdint.h>

#include "cache.h"
#include "err.h"
#include "log.h"
#include "remote.h"

typedef struct job_stage {
	job_cache_t *cache;             /* shared input cache, or NULL */
	job_remote_t *remote;           /* s3:// engine (see remote.h) */
	const gsa_log_t *log;
	int (*should_stop)(void *ctx);  /* nonzero: give up (polled between files and chunks) */
	void *stop_ctx;
} job_stage_t;

typedef struct job_stage_stats {
	uint64_t files;         /* files placed */
	uint64_t bytes;         /* their total size */
	uint64_t fetched_bytes; /* bytes actually downloaded or copied (0 for links and cache hits) */
	uint64_t cache_hits;    /* remote inputs served by the cache */
} job_stage_stats_t;

/* Place every input in `dir`.  Returns 0, or -1 with err set naming the
 * input (GSA_EIO for a missing local file, the remote code for S3). */
int job_stage_in(job_stage_t *st, char *const *inputs, size_t n, const char *dir,
		 job_stage_stats_t *stats, gsa_err_t *err);

/* Deliver the files matching `globs` (relative to dir) under `prefix` (a
 * local folder or an s3:// prefix), keeping their path relative to dir.
 * Returns 0, or -1 with err set; a glob matching nothing is GSA_EIO
 * "declared output 'GLOB' was not produced". */
int job_stage_out(job_stage_t *st, char *const *globs, size_t n, const char *dir, const char *prefix,
		  job_stage_stats_t *stats, gsa_err_t *err);

/* Copy src to dst through a temp name beside dst (fsync + rename), polling
 * st->should_stop.  *bytes gets the size.  Returns 0, or -1 with err set. */
int job_copy_file(job_stage_t *st, const char *src, const char *dst, uint64_t *bytes, gsa_err_t *err);

/* 1 for names of index files that must be delivered after their data file. */
int job_is_index_name(const char *name);

#endif
