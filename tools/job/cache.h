/* cache.h — a shared, locked input cache on the instance's scratch volume.
 *
 * Several jobs on one instance often need the same large input (a reference
 * and its index).  Each cached object lives in its own entry folder
 *     DIR/objects/<sha256(uri)>/{lock,data,meta}
 * and every use of an entry holds an exclusive flock(2) on its `lock` file,
 * so when jobs start together one downloads and the others wait and then
 * reuse the file.  `meta` records the URI, size and version (ETag) that
 * `data` was fetched for; a different size or version re-fetches.  Entries
 * are hard-linked into the job's work folder (symlinked across file
 * systems), so a job keeps its inode even if the entry is later replaced.
 * There is no eviction: the cache lives as long as the scratch volume.
 */
#ifndef JOB_CACHE_H
#define JOB_CACHE_H

#include <stdint.h>

#include "err.h"
#include "log.h"

typedef struct job_cache {
	char *dir;                       /* owned */
	const gsa_log_t *log;            /* for "waiting for lock" lines; may be NULL */
	int (*should_stop)(void *ctx);   /* polled while waiting for a lock; may be NULL */
	void *stop_ctx;
} job_cache_t;

/* What identifies one cached object. */
typedef struct job_cache_key {
	const char *uri;     /* the source, e.g. s3://bucket/ref/genome.fa */
	const char *version; /* ETag or other version tag; "" when unknown */
	int64_t size;        /* bytes, or -1 when unknown */
} job_cache_key_t;

/* Write the object to `tmp_path` (create or truncate).  Return 0, or -1 with
 * err set. */
typedef int (*job_cache_fetch_fn)(void *ctx, const char *tmp_path, gsa_err_t *err);

/* Open (create) the cache folder `dir`.  Returns 0, or -1 with err set. */
int job_cache_init(job_cache_t *c, const char *dir, const gsa_log_t *log, gsa_err_t *err);
/* Release c (the folder stays).  Safe on a zeroed c. */
void job_cache_destroy(job_cache_t *c);

/* Make `dest` (a path that must not exist yet) a link to the cached copy of
 * key->uri, fetching it first with fetch(ctx, ...) when the cache has no
 * current copy.  *hit is 1 when nothing was fetched, *fetched_bytes the
 * bytes fetched (0 on a hit).  Returns 0, or -1 with err set (the entry is
 * then left without data, to be fetched again). */
int job_cache_link(job_cache_t *c, const job_cache_key_t *key, job_cache_fetch_fn fetch, void *ctx,
		   const char *dest, int *hit, uint64_t *fetched_bytes, gsa_err_t *err);

/* The entry folder of a URI: newly allocated "DIR/objects/<sha256 hex>". */
char *job_cache_entry_dir(const job_cache_t *c, const char *uri);

#endif
