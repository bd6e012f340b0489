#include "cache.h"
#include "alloc.h"
#include "io.h"
#include "path.h"
#include "strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int job_cache_init(job_cache_t *c, const char *dir, const gsa_log_t *log, gsa_err_t *err)
{
	char *objects;
	int rc;
	memset(c, 0, sizeof *c);
	objects = gsa_path_join(dir, "objects");
	rc = gsa_mkdir_p(objects, 0755, err);
	free(objects);
	if (rc < 0) return gsa_err_prefix(err, "cache");
	c->dir = gsa_xstrdup(dir);
	c->log = log;
	return 0;
}

void job_cache_destroy(job_cache_t *c)
{
	if (!c) return;
	free(c->dir);
	c->dir = NULL;
}

char *job_cache_entry_dir(const job_cache_t *c, const char *uri)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	EVP_Digest(uri, strlen(uri), md, &n, EVP_sha256(), NULL);
	for (i = 0; i < n; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[2 * n] = '\0';
	return gsa_strdup_printf("%s/objects/%s", c->dir, hex);
}

static char *meta_text(const job_cache_key_t *key)
{
	return gsa_strdup_printf("uri\t%s\nsize\t%" PRId64 "\nversion\t%s\n", key->uri, key->size,
				 key->version ? key->version : "");
}

/* 1 when the entry holds a complete copy of key. */
static int entry_is_current(const char *meta_path, const char *data_path, const job_cache_key_t *key)
{
	char *want = meta_text(key), *have = NULL;
	size_t len;
	gsa_err_t ignore;
	struct stat st;
	int ok = 0;
	if (gsa_read_file(meta_path, &have, &len, &ignore) == 0 && strcmp(have, want) == 0 &&
	    stat(data_path, &st) == 0 && S_ISREG(st.st_mode) && (key->size < 0 || st.st_size == key->size))
		ok = 1;
	free(want);
	free(have);
	return ok;
}

/* Take the entry's exclusive lock, polling so a stop request is noticed. */
static int lock_entry(job_cache_t *c, const char *lock_path, const char *uri, int *fd_out, gsa_err_t *err)
{
	int fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644), said = 0;
	if (fd < 0) return gsa_err_errno(err, errno, "%s: cannot open cache lock", lock_path);
	for (;;) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) break;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int e = errno;
			close(fd);
			return gsa_err_errno(err, e, "%s: cannot lock", lock_path);
		}
		if (c->should_stop && c->should_stop(c->stop_ctx)) {
			close(fd);
			return gsa_err_set(err, GSA_ESIGTERM, "%s: interrupted while waiting for the cache", uri);
		}
		if (!said) {
			gsa_info(c->log, "waiting for another job to finish fetching %s into the cache", uri);
			said = 1;
		}
		nanosleep(&ts, NULL);
	}
	*fd_out = fd;
	return 0;
}

static int link_or_symlink(const char *src, const char *dest, gsa_err_t *err)
{
	if (link(src, dest) == 0) return 0;
	if (errno == EXDEV || errno == EPERM || errno == EMLINK) {
		if (symlink(src, dest) == 0) return 0;
	}
	return gsa_err_errno(err, errno, "%s: cannot link from cache %s", dest, src);
}

/* Remove what a job killed mid-fetch left in the entry: "data.tmp" and the
 * hidden temps writers create beside their targets (".data.tmp.tmp.XXXXXX",
 * ".meta.tmp.XXXXXX").  Called under the entry's lock. */
static void sweep_entry(const char *entry)
{
	DIR *d = opendir(entry);
	struct dirent *e;
	if (!d) return;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, "data.tmp") == 0 || gsa_str_starts_with(e->d_name, ".data.") ||
		    gsa_str_starts_with(e->d_name, ".meta.")) {
			char *p = gsa_path_join(entry, e->d_name);
			unlink(p);
			free(p);
		}
	}
	closedir(d);
}

static int fetch_entry(const job_cache_key_t *key, job_cache_fetch_fn fetch, void *ctx,
		       const char *entry, const char *data_path, const char *meta_path,
		       uint64_t *fetched, gsa_err_t *err)
{
	char *tmp = gsa_path_join(entry, "data.tmp"), *meta = NULL;
	gsa_atomic_file_t mf;
	struct stat st;
	int fd, rc = -1;
	unlink(meta_path); /* from here until the new meta lands, the entry is not current */
	sweep_entry(entry);
	if (fetch(ctx, tmp, err) < 0) goto out;
	if ((fd = open(tmp, O_RDONLY | O_CLOEXEC)) < 0 || fsync(fd) < 0 || fstat(fd, &st) < 0) {
		gsa_err_errno(err, errno, "%s: cannot sync fetched copy of %s", tmp, key->uri);
		if (fd >= 0) close(fd);
		goto out;
	}
	close(fd);
	if (key->size >= 0 && st.st_size != key->size) {
		gsa_err_set(err, GSA_EREMOTE, "%s: fetched %lld bytes, expected %lld",
			    key->uri, (long long)st.st_size, (long long)key->size);
		goto out;
	}
	chmod(tmp, 0444); /* jobs share it: nobody should write through their link */
	if (rename(tmp, data_path) < 0) {
		gsa_err_errno(err, errno, "%s: cannot move into cache", data_path);
		goto out;
	}
	meta = meta_text(key);
	if (gsa_atomic_open(&mf, meta_path, err) < 0 || gsa_atomic_write(&mf, meta, strlen(meta), err) < 0 ||
	    gsa_atomic_commit(&mf, err) < 0) {
		gsa_atomic_abort(&mf);
		goto out;
	}
	*fetched = (uint64_t)st.st_size;
	rc = 0;
out:
	if (rc < 0) unlink(tmp);
	free(tmp);
	free(meta);
	return rc;
}

int job_cache_link(job_cache_t *c, const job_cache_key_t *key, job_cache_fetch_fn fetch, void *ctx,
		   const char *dest, int *hit, uint64_t *fetched_bytes, gsa_err_t *err)
{
	char *entry = job_cache_entry_dir(c, key->uri);
	char *lock_path = gsa_path_join(entry, "lock");
	char *data_path = gsa_path_join(entry, "data");
	char *meta_path = gsa_path_join(entry, "meta");
	int fd = -1, rc = -1;
	*hit = 0;
	*fetched_bytes = 0;
	if (gsa_mkdir_p(entry, 0755, err) < 0 || lock_entry(c, lock_path, key->uri, &fd, err) < 0)
		goto out;
	if (entry_is_current(meta_path, data_path, key)) {
		*hit = 1;
	} else if (fetch_entry(key, fetch, ctx, entry, data_path, meta_path, fetched_bytes, err) < 0) {
		goto out;
	}
	rc = link_or_symlink(data_path, dest, err);
out:
	if (fd >= 0) close(fd); /* releases the lock */
	free(entry);
	free(lock_path);
	free(data_path);
	free(meta_path);
	return rc;
}
