/* remote.c — s3:// staging.  The transfer engine (common/aws/) has not landed
 * in this build yet, so every operation reports that clearly instead of
 * pretending. */
#include "remote.h"
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

int job_remote_is_uri(const char *s)
{
	return strncmp(s, "s3://", 5) == 0;
}

int job_remote_available(void)
{
	return 0;
}

static int not_built(gsa_err_t *err, const char *uri)
{
	return gsa_err_set(err, GSA_EUSAGE, "%s: s3:// staging not built in (this job binary has no S3 transfer engine)",
			   uri ? uri : "s3://");
}

int job_remote_init(job_remote_t *r, const char *endpoint_url, const gsa_log_t *log, gsa_err_t *err)
{
	memset(r, 0, sizeof *r);
	r->endpoint_url = endpoint_url;
	r->log = log;
	(void)err;
	return 0;
}

void job_remote_destroy(job_remote_t *r)
{
	if (r) r->impl = NULL;
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

int job_remote_list(job_remote_t *r, const char *uri, job_remote_obj_t **objs, size_t *n, gsa_err_t *err)
{
	(void)r;
	*objs = NULL;
	*n = 0;
	return not_built(err, uri);
}

int job_remote_get(job_remote_t *r, const char *uri, const char *path, gsa_err_t *err)
{
	(void)r;
	(void)path;
	return not_built(err, uri);
}

int job_remote_put(job_remote_t *r, const char *path, const char *uri, gsa_err_t *err)
{
	(void)r;
	(void)path;
	return not_built(err, uri);
}
