/* remote.c — s3:// staging through the transfer engine of common/aws/:
 * listing (ListObjectsV2 + HEAD for the ETag the cache keys on) with the
 * S3 client, and each object's bytes with gsa_transfer_get/put, which
 * write to a temp name, verify size and checksum, and rename. */
#include "remote.h"
#include "alloc.h"
#include "aws/s3.h"
#include "aws/transfer.h"
#include "strbuf.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

typedef struct remote_impl {
	gsa_s3_client_t client;
	gsa_s3_conn_t conn;
	gsa_transfer_opts_t topts;
} remote_impl_t;

int job_remote_is_uri(const char *s)
{
	return gsa_transfer_is_s3(s);
}

int job_remote_init(job_remote_t *r, const char *endpoint_url, const gsa_log_t *log, gsa_err_t *err)
{
	remote_impl_t *im = gsa_xcalloc(1, sizeof *im);
	memset(r, 0, sizeof *r);
	r->endpoint_url = endpoint_url;
	r->log = log;
	gsa_transfer_opts_init(&im->topts);
	im->topts.s3.endpoint_url = endpoint_url;
	if (gsa_s3_client_init(&im->client, &im->topts.s3, log, err) < 0) {
		gsa_s3_client_free(&im->client);
		free(im);
		return -1;
	}
	if (gsa_s3_conn_init(&im->conn, &im->client, 1, err) < 0) {
		gsa_s3_client_free(&im->client);
		free(im);
		return -1;
	}
	r->impl = im;
	return 0;
}

void job_remote_destroy(job_remote_t *r)
{
	remote_impl_t *im;
	if (!r || !r->impl) return;
	im = r->impl;
	gsa_s3_conn_free(&im->conn);
	gsa_s3_client_free(&im->client);
	free(im);
	r->impl = NULL;
}

void job_remote_objs_free(job_remote_obj_t *objs, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(objs[i].uri);
		free(objs[i].version);
	}
	free(objs);
}

/* Hand the cancel hook to the engine before each use. */
static remote_impl_t *impl_hooked(job_remote_t *r)
{
	remote_impl_t *im = r->impl;
	if (!im) return NULL;
	im->topts.should_stop = r->should_stop;
	im->topts.stop_ctx = r->stop_ctx;
	im->conn.should_stop = r->should_stop;
	im->conn.stop_ctx = r->stop_ctx;
	return im;
}

static int not_ready(gsa_err_t *err, const char *uri)
{
	return gsa_err_set(err, GSA_EINTERNAL, "%s: S3 client not initialised", uri ? uri : "s3://");
}

/* Append one object, with the ETag from a HEAD (the listing has only sizes). */
static int add_object(remote_impl_t *im, const char *bucket, const char *key, job_remote_obj_t **objs,
		      size_t *n, size_t *cap, gsa_err_t *err)
{
	gsa_s3_head_t h;
	int found = gsa_s3_head_object(&im->conn, bucket, key, &h, err);
	if (found < 0) return -1;
	if (found == 0) return gsa_err_prefix(err, "s3://%s/%s", bucket, key);
	*objs = gsa_xgrow(*objs, cap, *n + 1, sizeof **objs);
	(*objs)[*n].uri = gsa_strdup_printf("s3://%s/%s", bucket, key);
	(*objs)[*n].size = (int64_t)h.size;
	(*objs)[*n].version = gsa_xstrdup(h.etag);
	(*n)++;
	return 0;
}

char *job_glob_prefix(const char *pattern)
{
	const char *slash = strrchr(pattern, '/'), *last = slash ? slash + 1 : pattern;
	return gsa_xstrndup(pattern, (size_t)(last - pattern) + strcspn(last, "*?[\\"));
}

int job_glob_match(const char *pattern, const char *key)
{
	const char *slash = strrchr(pattern, '/'), *last = slash ? slash + 1 : pattern;
	size_t dirlen = (size_t)(last - pattern);
	if (strncmp(pattern, key, dirlen) != 0) return 0;
	key += dirlen;
	return !strchr(key, '/') && fnmatch(last, key, 0) == 0;
}

int job_remote_list(job_remote_t *r, const char *uri, job_remote_obj_t **objs, size_t *n, gsa_err_t *err)
{
	remote_impl_t *im = impl_hooked(r);
	char *bucket = NULL, *key = NULL;
	const char *slash, *last;
	size_t cap = 0;
	int rc = 0;
	*objs = NULL;
	*n = 0;
	if (!im) return not_ready(err, uri);
	if (gsa_s3_parse_uri(uri, &bucket, &key) < 0)
		return gsa_err_set(err, GSA_EUSAGE, "'%s': not an s3://bucket/key location", uri);
	slash = strrchr(key, '/');
	last = slash ? slash + 1 : key;
	if (!*key || key[strlen(key) - 1] == '/' || strpbrk(last, "*?[")) {
		int glob_mode = *key && key[strlen(key) - 1] != '/';
		size_t i;
		char *prefix = glob_mode ? job_glob_prefix(key) : gsa_xstrdup(key);
		gsa_s3_obj_t *list = NULL;
		size_t nlist = 0;
		rc = gsa_s3_list(&im->conn, bucket, prefix, &list, &nlist, err);
		for (i = 0; rc == 0 && i < nlist; i++) {
			const char *k = list[i].key;
			if (glob_mode) {
				if (!job_glob_match(key, k)) continue;
			} else if (k[strlen(k) - 1] == '/') {
				continue; /* folder marker */
			}
			rc = add_object(im, bucket, k, objs, n, &cap, err);
		}
		if (rc == 0 && *n == 0) rc = gsa_err_set(err, GSA_EREMOTE, "input %s: no objects match", uri);
		gsa_s3_objs_free(list, nlist);
		free(prefix);
	} else {
		rc = add_object(im, bucket, key, objs, n, &cap, err);
	}
	if (rc < 0) {
		job_remote_objs_free(*objs, *n);
		*objs = NULL;
		*n = 0;
	}
	free(bucket);
	free(key);
	return rc;
}

int job_remote_get(job_remote_t *r, const char *uri, const char *path, gsa_err_t *err)
{
	remote_impl_t *im = impl_hooked(r);
	const char *src[1] = { uri };
	if (!im) return not_ready(err, uri);
	return gsa_transfer_get(src, 1, path, &im->topts, r->log, NULL, err);
}

int job_remote_put(job_remote_t *r, const char *path, const char *uri, gsa_err_t *err)
{
	remote_impl_t *im = impl_hooked(r);
	const char *src[1] = { path };
	if (!im) return not_ready(err, uri);
	return gsa_transfer_put(src, 1, uri, &im->topts, r->log, NULL, err);
}
