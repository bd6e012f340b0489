/* s3.h — a small S3 client: addressing, signed requests with retries, and
 * the operations a transfer needs (HEAD, ranged GET, PUT, ListObjectsV2,
 * multipart upload).  Errors carry the S3 error code and request id.
 *
 * A gsa_s3_client_t is shared by threads; each thread uses its own
 * gsa_s3_conn_t (one reused libcurl handle, its own backoff random state).
 */
#ifndef GSA_AWS_S3_H
#define GSA_AWS_S3_H

#include <stdint.h>

#include "aws/creds.h"
#include "aws/http.h"
#include "aws/sigv4.h"
#include "aws/xml.h"
#include "err.h"
#include "log.h"

enum { GSA_S3_ADDR_AUTO = 0, GSA_S3_ADDR_PATH, GSA_S3_ADDR_VIRTUAL };

typedef struct gsa_s3_config {
	const char *endpoint_url; /* NULL: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, else AWS */
	const char *region;       /* NULL: see gsa_aws_region_resolve() */
	const char *profile;      /* NULL: AWS_PROFILE or "default" */
	int addressing;           /* GSA_S3_ADDR_*: auto = path style for custom endpoints */
	int max_attempts;         /* per request, 0 = 8 */
	long timeout_s;           /* stall limit per request, 0 = 60 */
} gsa_s3_config_t;

typedef struct gsa_s3_client {
	gsa_aws_creds_provider_t creds;
	char region[64];
	char scheme[8];         /* "http" or "https" */
	char host[256];         /* host[:port] of the endpoint */
	char base_path[256];    /* path prefix of a custom endpoint, "" usually */
	int custom_endpoint;
	int addressing;
	int max_attempts;
	long timeout_s;
	uint64_t retries;       /* attempts retried, all threads (atomic) */
	const gsa_log_t *log;
} gsa_s3_client_t;

typedef struct gsa_s3_conn {
	gsa_s3_client_t *cl;
	gsa_http_conn_t http;
	uint64_t rng;
	char last_code[64];     /* S3 error code of the last failed request ("" if none) */
	long last_status;
	/* Set by the owner after gsa_s3_conn_init (all zero by default): */
	int (*should_stop)(void *ctx); /* cancel hook (gsa_http_req_t): a request it stops fails
					* at once, without retries, with GSA_ESIGTERM "...: transfer
					* cancelled" and last_code GSA_S3_CANCELLED */
	void *stop_ctx;
	int max_attempts;       /* 0: the client's; else this connection's limit */
	long attempt_timeout_ms; /* 0: none; else each attempt's overall time limit */
} gsa_s3_conn_t;

/* last_code of a request stopped by the connection's should_stop */
#define GSA_S3_CANCELLED "Cancelled"

/* Set up the client: credentials chain, region, endpoint.  Returns 0 or -1. */
int gsa_s3_client_init(gsa_s3_client_t *cl, const gsa_s3_config_t *cfg, const gsa_log_t *log, gsa_err_t *err);
void gsa_s3_client_free(gsa_s3_client_t *cl);

int gsa_s3_conn_init(gsa_s3_conn_t *c, gsa_s3_client_t *cl, uint64_t seed, gsa_err_t *err);
void gsa_s3_conn_free(gsa_s3_conn_t *c);

/* Object facts from HEAD (or a GET's headers). */
typedef struct gsa_s3_head {
	uint64_t size;
	char etag[80];          /* without quotes */
	int has_crc32c;         /* full-object CRC32C known (checksum header or our metadata) */
	uint32_t crc32c;
} gsa_s3_head_t;

/* HEAD an object.  Returns 1 found (fills *h), 0 not found (404), -1 error.
 * On 404 err says whether the bucket or the key is missing. */
int gsa_s3_head_object(gsa_s3_conn_t *c, const char *bucket, const char *key, gsa_s3_head_t *h, gsa_err_t *err);

/* GET bytes [off, off+len) of an object into sink (len 0: whole object).
 * if_match (may be NULL) is the ETag the object must still have, so ranges
 * of an object replaced meanwhile are refused (412 -> "changed during
 * download").  restart(ctx) is called before a retry so the sink can start
 * the range again.  When h is not NULL it is filled from the response
 * headers.  Returns 0 or -1. */
int gsa_s3_get_object(gsa_s3_conn_t *c, const char *bucket, const char *key, uint64_t off, uint64_t len,
		      const char *if_match, const gsa_http_sink_t *sink, void (*restart)(void *ctx),
		      gsa_s3_head_t *h, gsa_err_t *err);

/* PUT bytes [off, off+len) of fd as one object, with its CRC32C (sent as
 * x-amz-checksum-crc32c and kept as metadata gsa-crc32c).  Returns 0 or -1. */
int gsa_s3_put_object(gsa_s3_conn_t *c, const char *bucket, const char *key, int fd, uint64_t off, uint64_t len,
		      uint32_t crc, gsa_err_t *err);

/* One listed object. */
typedef struct gsa_s3_obj {
	char *key;
	uint64_t size;
} gsa_s3_obj_t;

/* ListObjectsV2 of every key starting with prefix (all pages).  *objs is
 * a new array of *n entries; free with gsa_s3_objs_free.  Returns 0 or -1. */
int gsa_s3_list(gsa_s3_conn_t *c, const char *bucket, const char *prefix, gsa_s3_obj_t **objs, size_t *n,
		gsa_err_t *err);
void gsa_s3_objs_free(gsa_s3_obj_t *objs, size_t n);

/* One page of a ListObjectsV2 response (xml, NUL-terminated): its objects
 * are appended to (*v)[*nv..] (array grown through *cap), *token gets the
 * NextContinuationToken when the listing is truncated (caller frees), else
 * NULL.  Every <Contents> must be closed and hold a non-empty Key starting
 * with prefix (a key outside it would index before its folder) and a
 * decimal Size.  Returns 0, or -1 with err set (GSA_EREMOTE; the objects
 * appended so far stay in *v for the caller to free). */
int gsa_s3_parse_list(const char *xml, const char *prefix, gsa_s3_obj_t **v, size_t *nv, size_t *cap, char **token,
		      gsa_err_t *err);

/* Multipart upload.  create returns a new upload id (caller frees); the
 * metadata gsa-crc32c holds the whole object's CRC32C when known (has_crc). */
int gsa_s3_mpu_create(gsa_s3_conn_t *c, const char *bucket, const char *key, int has_crc, uint32_t crc,
		      char **upload_id, gsa_err_t *err);
/* Upload part number partno (1-based) from fd; etag_out[80] gets its ETag. */
int gsa_s3_mpu_part(gsa_s3_conn_t *c, const char *bucket, const char *key, const char *upload_id, int partno,
		    int fd, uint64_t off, uint64_t len, uint32_t crc, char etag_out[80], gsa_err_t *err);
/* Complete with parts 1..n (etags[i], crcs[i]). */
int gsa_s3_mpu_complete(gsa_s3_conn_t *c, const char *bucket, const char *key, const char *upload_id, int n,
			char (*etags)[80], const uint32_t *crcs, gsa_err_t *err);
/* Abort (best effort is the caller's choice; returns 0 or -1). */
int gsa_s3_mpu_abort(gsa_s3_conn_t *c, const char *bucket, const char *key, const char *upload_id, gsa_err_t *err);

/* Split "s3://bucket/key" into new strings (key may be "").  Returns 0, or
 * -1 when uri is not an s3:// URI with a bucket. */
int gsa_s3_parse_uri(const char *uri, char **bucket, char **key);

#endif
