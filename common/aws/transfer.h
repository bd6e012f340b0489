/* transfer.h — copy objects and files between S3 and local disk: the engine
 * behind `s3-stage get|put`, for tools that link it directly (the `job`
 * container entrypoint stages its inputs and outputs with it).
 *
 * Locations are "s3://bucket/key", "s3://bucket/prefix/" (everything under
 * the prefix), "s3://bucket/dir/NA12878*" (a glob on the last path part),
 * or local paths (files, folders = recursive, globs).  Local-to-local copies
 * go through the same call, so one job spec runs on a laptop and on AWS.
 *
 * Destination rule (as cp): with one source naming one object or file, dest
 * is the target name unless it ends with '/' or is an existing local folder;
 * otherwise (several sources, a prefix, a folder or a glob) dest is a folder
 * or prefix and each object keeps its path relative to its source.
 *
 * Safety: a download is written to a temp name, checked (byte count, and
 * CRC32C from x-amz-checksum-crc32c or our x-amz-meta-gsa-crc32c metadata,
 * else MD5 against a single-part ETag) and only then renamed into place;
 * an upload sends a CRC32C with every part and a failed multipart upload is
 * aborted.  Large objects move as parallel ranged GETs / multipart uploads.
 * On error nothing partial is left under a destination name, the first
 * error is returned and the other transfers stop.
 *
 * Stopping: set opts.should_stop (see below) and a transfer in progress,
 * including one request in the middle of a large object, stops within about
 * a second of the hook turning non-zero, leaving no temp file and no open
 * multipart upload behind.  Without it, a tool relies on
 * gsa_cleanup_install(), whose handler removes temp files and exits at once
 * (multipart uploads then stay open until a bucket lifecycle rule ends them).
 *
 * Use from a tool (main() should have called gsa_cleanup_install() so temp
 * files are removed on SIGINT/SIGTERM):
 *
 *     gsa_transfer_opts_t o;
 *     gsa_transfer_stats_t st;
 *     gsa_err_t err;
 *     const char *in[] = { "s3://bucket/fastq/NA12878*", "s3://bucket/ref/" };
 *     gsa_transfer_opts_init(&o);            // defaults; o.s3.* for endpoint etc.
 *     if (gsa_transfer_get(in, 2, "/scratch/in/", &o, log, &st, &err))
 *         return gsa_cli_fail(&cli, &err);   // err.code is the exit code
 */
#ifndef GSA_AWS_TRANSFER_H
#define GSA_AWS_TRANSFER_H

#include <stddef.h>
#include <stdint.h>

#include "aws/s3.h"
#include "err.h"
#include "log.h"
#include "progress.h"

typedef enum {
	GSA_TRANSFER_GET = 0, /* sources S3 or local, destination local */
	GSA_TRANSFER_PUT = 1  /* sources local, destination S3 or local */
} gsa_transfer_dir_t;

typedef struct gsa_transfer_opts {
	int jobs;             /* parallel requests; 0: 8 per core, within 16..64 */
	uint64_t part_size;   /* bytes per ranged GET / upload part; 0: 16 MiB
			       * (raised so no object needs more than 10,000 parts) */
	int skip_existing;    /* same size and checksum at the destination: no transfer */
	gsa_progress_t *progress; /* NULL: none; else bytes done of the total, updated by the
				   * calling thread about twice a second (progress.h); the
				   * caller inits and finishes it */
	gsa_s3_config_t s3;   /* endpoint, region, profile, addressing, retries, timeout */
	/* Cancel hook (may be NULL).  should_stop(stop_ctx) is polled from the
	 * worker threads between objects and parts (also of an upload's checksum
	 * pass), every 1 MiB of a local copy, for every block a download writes,
	 * and inside every HTTP request (libcurl's progress
	 * callback, at least about once a second even when no byte moves).  Once
	 * it returns non-zero the transfer stops promptly: requests in flight are
	 * aborted and not retried, temp files are removed, open multipart uploads
	 * are aborted (one bounded attempt, best effort), and gsa_transfer
	 * returns -1 with err GSA_ESIGTERM "... transfer cancelled".  It must be
	 * thread-safe, cheap and must not block: e.g. read a sig_atomic_t flag
	 * set by a signal handler, or sigpending() when the caller keeps its stop
	 * signals blocked.  Objects completed before the cancel stay in place. */
	int (*should_stop)(void *ctx);
	void *stop_ctx;
} gsa_transfer_opts_t;

typedef struct gsa_transfer_stats {
	uint64_t objects;       /* objects/files transferred */
	uint64_t bytes;         /* bytes transferred */
	uint64_t skipped;       /* objects left alone by skip_existing */
	uint64_t skipped_bytes;
	uint64_t retries;       /* HTTP attempts retried */
	double seconds;         /* wall time of the call */
} gsa_transfer_stats_t;

/* Fill opts with the defaults above (all zero, addressing auto). */
void gsa_transfer_opts_init(gsa_transfer_opts_t *o);

/* Copy srcs[0..nsrc) to dest in direction dir.  log may be NULL.  stats (may
 * be NULL) is filled even on failure.  Returns 0, or -1 with err set:
 * GSA_EUSAGE (bad location, wrong direction), GSA_EIO (local read/write,
 * disk full, permissions), GSA_EREMOTE (S3 errors, credentials, network
 * after retries), GSA_EDATA (checksum or size mismatch after download),
 * GSA_ESIGTERM (opts->should_stop cancelled it; callers that know which
 * signal it was map the code themselves, e.g. 130 for SIGINT). */
int gsa_transfer(gsa_transfer_dir_t dir, const char *const *srcs, size_t nsrc, const char *dest,
		 const gsa_transfer_opts_t *opts, const gsa_log_t *log, gsa_transfer_stats_t *stats, gsa_err_t *err);

/* Shorthands. */
static inline int gsa_transfer_get(const char *const *srcs, size_t nsrc, const char *dest,
				   const gsa_transfer_opts_t *o, const gsa_log_t *log,
				   gsa_transfer_stats_t *st, gsa_err_t *err)
{
	return gsa_transfer(GSA_TRANSFER_GET, srcs, nsrc, dest, o, log, st, err);
}
static inline int gsa_transfer_put(const char *const *srcs, size_t nsrc, const char *dest,
				   const gsa_transfer_opts_t *o, const gsa_log_t *log,
				   gsa_transfer_stats_t *st, gsa_err_t *err)
{
	return gsa_transfer(GSA_TRANSFER_PUT, srcs, nsrc, dest, o, log, st, err);
}

/* 1 when s is an s3:// URI. */
int gsa_transfer_is_s3(const char *s);

#endif
