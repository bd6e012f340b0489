/* remote.h — the remote (s3://) side of staging, behind a small interface so
 * the rest of job does not depend on how objects are moved.
 *
 * remote.c is the only file of job that talks to the S3 transfer engine in
 * common/aws/ (transfer.h for bytes, s3.h for listing and ETags).
 */
#ifndef JOB_REMOTE_H
#define JOB_REMOTE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "log.h"

typedef struct job_remote {
	const char *endpoint_url; /* --endpoint-url, or NULL for the environment / AWS default */
	const gsa_log_t *log;
	int (*should_stop)(void *ctx); /* cancel hook (set after init; may be NULL): polled
					* inside every request, so a transfer in flight stops
					* within about a second (see transfer.h) */
	void *stop_ctx;
	void *impl;               /* engine state, owned */
} job_remote_t;

/* One object found by job_remote_list. */
typedef struct job_remote_obj {
	char *uri;     /* s3://bucket/key (owned) */
	int64_t size;  /* bytes, -1 when unknown */
	char *version; /* ETag, "" when unknown (owned) */
} job_remote_obj_t;

/* 1 when s is a remote URI (s3://...). */
int job_remote_is_uri(const char *s);

/* Set up r.  Returns 0, or -1 with err set. */
int job_remote_init(job_remote_t *r, const char *endpoint_url, const gsa_log_t *log, gsa_err_t *err);
/* Release r; safe on a zeroed r. */
void job_remote_destroy(job_remote_t *r);

/* The S3 glob of job_remote_list: a key pattern whose last path part may
 * hold * ? [...] (fnmatch(3)); the parts before it are literal.
 * job_glob_prefix: the listing prefix (up to the first special character
 * of the last part; caller frees); job_glob_match: 1 when key matches (no
 * '/' in what the last part matches), else 0.  Every matching key starts
 * with the prefix. */
char *job_glob_prefix(const char *pattern);
int job_glob_match(const char *pattern, const char *key);

/* Expand an s3:// URI into objects: a glob (* ? [...] in the key) lists the
 * matching keys, a key ending in '/' every object under that prefix, any
 * other URI the one object.  *objs is a new array of *n entries (free with
 * job_remote_objs_free).  No match is an error naming the URI. */
int job_remote_list(job_remote_t *r, const char *uri, job_remote_obj_t **objs, size_t *n, gsa_err_t *err);
void job_remote_objs_free(job_remote_obj_t *objs, size_t n);

/* Download one object to local `path` (create or truncate).  get, put and
 * list fail with GSA_ESIGTERM "... transfer cancelled" when should_stop
 * stopped them; nothing partial is left (no file at `path`, no temp file,
 * no open multipart upload). */
int job_remote_get(job_remote_t *r, const char *uri, const char *path, gsa_err_t *err);
/* Upload local `path` as object `uri` (atomic on the S3 side: the object
 * appears complete or not at all). */
int job_remote_put(job_remote_t *r, const char *path, const char *uri, gsa_err_t *err);

#endif
