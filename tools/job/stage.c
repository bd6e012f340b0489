#include "stage.h"
#include "alloc.h"
#include "io.h"
#include "path.h"
#include "strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define COPY_CHUNK (1 << 20)

static int stopped(job_stage_t *st, const char *what, gsa_err_t *err)
{
	if (st->should_stop && st->should_stop(st->stop_ctx))
		return gsa_err_set(err, GSA_ESIGTERM, "%s: interrupted", what);
	return 0;
}

static int has_glob_chars(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* s with glob(3)'s special characters escaped, so it matches only itself (caller frees) */
static char *glob_escape(const char *s)
{
	gsa_strbuf_t b;
	gsa_strbuf_init(&b);
	for (; *s; s++) {
		if (strchr("\\*?[", *s)) gsa_strbuf_appendc(&b, '\\');
		gsa_strbuf_appendc(&b, *s);
	}
	return gsa_strbuf_detach(&b);
}

int job_is_index_name(const char *name)
{
	static const char *const ext[] = { ".bai", ".csi", ".tbi", ".crai", ".fai", ".gzi" };
	size_t i;
	for (i = 0; i < sizeof ext / sizeof ext[0]; i++)
		if (gsa_str_ends_with(name, ext[i])) return 1;
	return 0;
}

int job_copy_file(job_stage_t *st, const char *src, const char *dst, uint64_t *bytes, gsa_err_t *err)
{
	gsa_atomic_file_t f;
	char *buf;
	int in, rc = -1;
	uint64_t total = 0;
	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0) return gsa_err_errno(err, errno, "%s: cannot open", src);
	if (gsa_atomic_open(&f, dst, err) < 0) {
		close(in);
		return -1;
	}
	buf = gsa_xmalloc(COPY_CHUNK);
	for (;;) {
		ssize_t r = read(in, buf, COPY_CHUNK);
		if (r < 0 && errno == EINTR) continue;
		if (r < 0) {
			gsa_err_errno(err, errno, "%s: cannot read", src);
			goto out;
		}
		if (r == 0) break;
		if (gsa_atomic_write(&f, buf, (size_t)r, err) < 0 || stopped(st, dst, err) < 0) goto out;
		total += (uint64_t)r;
	}
	if (gsa_atomic_commit(&f, err) < 0) goto out;
	*bytes = total;
	rc = 0;
out:
	if (rc < 0) gsa_atomic_abort(&f);
	free(buf);
	close(in);
	return rc;
}

/* Hard-link src to dst, or copy when they are on different file systems. */
static int link_or_copy(job_stage_t *st, const char *src, const char *dst, uint64_t *copied, gsa_err_t *err)
{
	*copied = 0;
	/* follow a symlinked source: a relative link would not resolve from dst */
	if (linkat(AT_FDCWD, src, AT_FDCWD, dst, AT_SYMLINK_FOLLOW) == 0) return 0;
	if (errno != EXDEV && errno != EPERM && errno != EMLINK && errno != ENOTSUP)
		return gsa_err_errno(err, errno, "%s: cannot link to %s", src, dst);
	return job_copy_file(st, src, dst, copied, err);
}

/* --- stage-in ---------------------------------------------------------- */

static int place_check(const char *dir, const char *name, const char *input, char **dest, gsa_err_t *err)
{
	*dest = gsa_path_join(dir, name);
	if (gsa_path_exists(*dest)) {
		gsa_err_set(err, GSA_EUSAGE, "input %s: another input is also named '%s'", input, name);
		free(*dest);
		*dest = NULL;
		return -1;
	}
	return 0;
}

static int stage_in_local_file(job_stage_t *st, const char *path, const char *input, const char *dir,
			       job_stage_stats_t *stats, gsa_err_t *err)
{
	struct stat sb;
	char *dest = NULL;
	uint64_t copied;
	int rc;
	if (stat(path, &sb) < 0) return gsa_err_errno(err, errno, "input %s", path);
	if (S_ISDIR(sb.st_mode))
		return gsa_err_set(err, GSA_EIO, "input %s: is a folder (name its files, e.g. '%s/*')", path, path);
	if (!S_ISREG(sb.st_mode)) return gsa_err_set(err, GSA_EIO, "input %s: not a regular file (a device, FIFO or socket)", path);
	if (place_check(dir, gsa_path_basename(path), input, &dest, err) < 0) return -1;
	rc = link_or_copy(st, path, dest, &copied, err);
	if (rc == 0) {
		stats->files++;
		stats->bytes += (uint64_t)sb.st_size;
		stats->fetched_bytes += copied;
	}
	free(dest);
	return rc;
}

static int stage_in_local(job_stage_t *st, const char *input, const char *dir, job_stage_stats_t *stats, gsa_err_t *err)
{
	glob_t g;
	size_t i;
	int rc = 0, grc;
	if (!has_glob_chars(input)) return stage_in_local_file(st, input, input, dir, stats, err);
	memset(&g, 0, sizeof g);
	grc = glob(input, GLOB_ERR, NULL, &g);
	if (grc == GLOB_NOMATCH) return gsa_err_set(err, GSA_EIO, "input %s: no file matches", input);
	if (grc != 0) return gsa_err_set(err, GSA_EIO, "input %s: cannot read folder", input);
	for (i = 0; i < g.gl_pathc && rc == 0; i++) {
		struct stat sb;
		if (stat(g.gl_pathv[i], &sb) == 0 && S_ISDIR(sb.st_mode)) continue; /* a glob picks files */
		rc = stopped(st, input, err);
		if (rc == 0) rc = stage_in_local_file(st, g.gl_pathv[i], input, dir, stats, err);
	}
	globfree(&g);
	return rc;
}

typedef struct {
	job_remote_t *remote;
	const char *uri;
} fetch_ctx_t;

static int fetch_remote(void *ctx, const char *tmp_path, gsa_err_t *err)
{
	fetch_ctx_t *f = ctx;
	return job_remote_get(f->remote, f->uri, tmp_path, err);
}

static int stage_in_remote(job_stage_t *st, const char *input, const char *dir, job_stage_stats_t *stats, gsa_err_t *err)
{
	job_remote_obj_t *objs = NULL;
	size_t n = 0, i;
	int rc = 0;
	if (job_remote_list(st->remote, input, &objs, &n, err) < 0) return -1;
	for (i = 0; i < n && rc == 0; i++) {
		const char *name = gsa_path_basename(objs[i].uri);
		char *dest = NULL;
		fetch_ctx_t fc = { st->remote, objs[i].uri };
		uint64_t fetched = 0;
		int hit = 0;
		if ((rc = stopped(st, objs[i].uri, err)) < 0) break;
		if (!*name) continue; /* a "folder" marker object */
		if ((rc = place_check(dir, name, input, &dest, err)) < 0) break;
		if (st->cache) {
			job_cache_key_t key = { objs[i].uri, objs[i].version, objs[i].size };
			rc = job_cache_link(st->cache, &key, fetch_remote, &fc, dest, &hit, &fetched, err);
		} else {
			char *tmp = gsa_strdup_printf("%s.part", dest);
			struct stat sb;
			rc = job_remote_get(st->remote, objs[i].uri, tmp, err);
			if (rc == 0 && (stat(tmp, &sb) < 0 || rename(tmp, dest) < 0))
				rc = gsa_err_errno(err, errno, "%s: cannot place download", dest);
			if (rc == 0) fetched = (uint64_t)sb.st_size;
			if (rc < 0) unlink(tmp);
			free(tmp);
		}
		if (rc == 0) {
			struct stat sb;
			stats->files++;
			stats->bytes += stat(dest, &sb) == 0 ? (uint64_t)sb.st_size : fetched;
			stats->fetched_bytes += fetched;
			stats->cache_hits += (uint64_t)hit;
			gsa_debug(st->log, "staged %s -> %s%s", objs[i].uri, dest, hit ? " (cache hit)" : "");
		}
		free(dest);
	}
	job_remote_objs_free(objs, n);
	return rc;
}

int job_stage_in(job_stage_t *st, char *const *inputs, size_t n, const char *dir,
		 job_stage_stats_t *stats, gsa_err_t *err)
{
	size_t i;
	for (i = 0; i < n; i++) {
		int rc = job_remote_is_uri(inputs[i]) ? stage_in_remote(st, inputs[i], dir, stats, err)
						      : stage_in_local(st, inputs[i], dir, stats, err);
		if (rc < 0) return -1;
	}
	return 0;
}

/* --- stage-out --------------------------------------------------------- */

typedef struct {
	char *path; /* in the work folder */
	const char *rel;  /* points into path */
	int64_t size;
} out_file_t;

static int bad_output_glob(const char *g)
{
	const char *p = g;
	if (g[0] == '/' || !*g) return 1;
	while (p) { /* no ".." component */
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0')) return 1;
		p = strchr(p, '/');
		if (p) p++;
	}
	return 0;
}

static int collect_outputs(char *const *globs, size_t n, const char *dir, out_file_t **files_out,
			   size_t *nfiles_out, gsa_err_t *err)
{
	out_file_t *files = NULL;
	size_t nfiles = 0, cap = 0, i, j, dlen = strlen(dir);
	for (i = 0; i < n; i++) {
		char *pattern;
		glob_t g;
		size_t found = 0;
		int grc;
		if (bad_output_glob(globs[i])) {
			gsa_err_set(err, GSA_EUSAGE, "output '%s': must be a path relative to the work folder", globs[i]);
			goto fail;
		}
		{
			/* the work folder is a literal path: only the declared glob matches */
			char *literal = glob_escape(dir);
			pattern = gsa_path_join(literal, globs[i]);
			free(literal);
		}
		memset(&g, 0, sizeof g);
		grc = glob(pattern, GLOB_ERR, NULL, &g);
		free(pattern);
		if (grc != 0 && grc != GLOB_NOMATCH) {
			gsa_err_set(err, GSA_EIO, "output '%s': cannot read the work folder %s", globs[i], dir);
			globfree(&g);
			goto fail;
		}
		for (j = 0; j < g.gl_pathc; j++) {
			struct stat sb;
			size_t k;
			int dup = 0;
			if (stat(g.gl_pathv[j], &sb) < 0 || !S_ISREG(sb.st_mode)) continue;
			found++;
			for (k = 0; k < nfiles && !dup; k++) dup = strcmp(files[k].path, g.gl_pathv[j]) == 0;
			if (dup) continue;
			files = gsa_xgrow(files, &cap, nfiles + 1, sizeof *files);
			files[nfiles].path = gsa_xstrdup(g.gl_pathv[j]);
			files[nfiles].rel = files[nfiles].path + dlen + 1;
			files[nfiles].size = sb.st_size;
			nfiles++;
		}
		globfree(&g);
		if (!found) {
			gsa_err_set(err, GSA_EIO, "declared output '%s' was not produced (no file matches in %s)", globs[i], dir);
			goto fail;
		}
	}
	/* stable: data files first, index files after */
	{
		out_file_t *sorted = gsa_xmalloc((nfiles ? nfiles : 1) * sizeof *sorted);
		size_t k = 0, pass;
		for (pass = 0; pass < 2; pass++)
			for (j = 0; j < nfiles; j++)
				if (job_is_index_name(files[j].rel) == (int)pass) sorted[k++] = files[j];
		free(files);
		files = sorted;
	}
	*files_out = files;
	*nfiles_out = nfiles;
	return 0;
fail:
	for (j = 0; j < nfiles; j++) free(files[j].path);
	free(files);
	return -1;
}

static int sync_file(const char *path, gsa_err_t *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;
	if (fd < 0 || fsync(fd) < 0) rc = gsa_err_errno(err, errno, "%s: cannot sync", path);
	if (fd >= 0) close(fd);
	return rc;
}

/* All-or-nothing delivery to a local folder: temps first, then renames. */
static int stage_out_local(job_stage_t *st, out_file_t *files, size_t n, const char *prefix,
			   job_stage_stats_t *stats, gsa_err_t *err)
{
	char **dest = gsa_xcalloc(n ? n : 1, sizeof *dest), **tmp = gsa_xcalloc(n ? n : 1, sizeof *tmp);
	size_t i;
	int rc = 0;
	for (i = 0; i < n && rc == 0; i++) {
		char *parent;
		uint64_t copied = 0;
		dest[i] = gsa_path_join(prefix, files[i].rel);
		parent = gsa_path_dirname(dest[i]);
		tmp[i] = gsa_strdup_printf("%s/.%s.job-%ld.tmp", parent, gsa_path_basename(dest[i]), (long)getpid());
		rc = gsa_mkdir_p(parent, 0755, err);
		free(parent);
		if (rc == 0) rc = stopped(st, dest[i], err);
		if (rc == 0) rc = sync_file(files[i].path, err);
		if (rc == 0) {
			unlink(tmp[i]);
			rc = link_or_copy(st, files[i].path, tmp[i], &copied, err);
		}
		if (rc == 0) stats->fetched_bytes += copied;
	}
	for (i = 0; i < n && rc == 0; i++) {
		if (rename(tmp[i], dest[i]) < 0) rc = gsa_err_errno(err, errno, "%s: cannot deliver", dest[i]);
		else if ((rc = gsa_fsync_parent(dest[i], err)) == 0) {
			stats->files++;
			stats->bytes += (uint64_t)files[i].size;
			gsa_debug(st->log, "delivered %s", dest[i]);
		}
	}
	for (i = 0; i < n; i++) {
		if (tmp[i]) unlink(tmp[i]); /* only left over on failure */
		free(tmp[i]);
		free(dest[i]);
	}
	free(tmp);
	free(dest);
	return rc;
}

static int stage_out_remote(job_stage_t *st, out_file_t *files, size_t n, const char *prefix,
			    job_stage_stats_t *stats, gsa_err_t *err)
{
	size_t i, plen = strlen(prefix);
	for (i = 0; i < n; i++) {
		char *uri = gsa_strdup_printf("%s%s%s", prefix, plen && prefix[plen - 1] == '/' ? "" : "/", files[i].rel);
		int rc = stopped(st, uri, err);
		if (rc == 0) rc = job_remote_put(st->remote, files[i].path, uri, err);
		if (rc == 0) {
			stats->files++;
			stats->bytes += (uint64_t)files[i].size;
			stats->fetched_bytes += (uint64_t)files[i].size;
			gsa_debug(st->log, "uploaded %s", uri);
		}
		free(uri);
		if (rc < 0) return -1;
	}
	return 0;
}

int job_stage_out(job_stage_t *st, char *const *globs, size_t n, const char *dir, const char *prefix,
		  job_stage_stats_t *stats, gsa_err_t *err)
{
	out_file_t *files = NULL;
	size_t nfiles = 0, i;
	int rc;
	if (collect_outputs(globs, n, dir, &files, &nfiles, err) < 0) return -1;
	if (job_remote_is_uri(prefix)) rc = stage_out_remote(st, files, nfiles, prefix, stats, err);
	else rc = stage_out_local(st, files, nfiles, prefix, stats, err);
	for (i = 0; i < nfiles; i++) free(files[i].path);
	free(files);
	return rc;
}
