/* transfer.c — the get/put engine: expand sources, plan parts, run them on
 * a pool of worker threads (common/pool.h), verify, commit or abort. */
#include "aws/transfer.h"
#include "clock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "alloc.h"
#include "aws/crc32c.h"
#include "cleanup.h"
#include "io.h"
#include "path.h"
#include "pool.h"
#include "strbuf.h"

#define MIB (1024ull * 1024)
#define MAX_PARTS 10000
#define READ_CHUNK (1u << 20)

int gsa_transfer_is_s3(const char *s) { return !strncmp(s, "s3://", 5); }

void gsa_transfer_opts_init(gsa_transfer_opts_t *o) { memset(o, 0, sizeof *o); }

/* ---- the plan ---------------------------------------------------------- */

typedef struct obj {
	/* source */
	int src_s3;
	char *bucket, *key;   /* S3 source */
	char *lpath;          /* local source */
	uint64_t size;
	/* destination */
	int dst_s3;
	char *dbucket, *dkey; /* S3 destination */
	char *dpath;          /* local destination */
	/* state, under mu */
	pthread_mutex_t mu;
	int started, skip, failed, nparts, remaining;
	uint64_t part_size;
	gsa_atomic_file_t af;
	int src_fd;
	char *upload_id;
	char (*etags)[80];
	uint32_t *crcs;
	uint32_t full_crc;
	gsa_s3_head_t head;   /* remote facts for verification */
	int have_head;
	unsigned char md5[16];
	int have_md5;
	struct stat src_st;
} obj_t;

typedef struct job {
	obj_t *o;
	int part; /* 0-based */
} job_t;

typedef struct engine {
	gsa_transfer_dir_t dir;
	const gsa_transfer_opts_t *opts;
	const gsa_log_t *log;
	gsa_s3_client_t cl;
	int have_client;
	obj_t *objs;
	size_t nobjs, cap;
	job_t *jobs;
	size_t njobs;
	/* shared run state */
	pthread_mutex_t mu;
	size_t next_job;
	int stop;
	int cancelled; /* the caller's should_stop said so (atomic) */
	gsa_err_t err; /* first error */
	uint64_t bytes_done, objects_done, skipped, skipped_bytes, bytes_total;
	int workers_left;
	pthread_cond_t done_cv;
	char **dirs;   /* folders that received renames, synced once at the end */
	size_t ndirs, dircap;
} engine_t;

static void engine_fail(engine_t *e, const gsa_err_t *err)
{
	if (err->code == GSA_ESIGTERM) __atomic_store_n(&e->cancelled, 1, __ATOMIC_RELAXED); /* a request cut short */
	pthread_mutex_lock(&e->mu);
	if (!e->stop) {
		e->err = *err;
		e->stop = 1;
	}
	pthread_mutex_unlock(&e->mu);
}

static void cancel_err(gsa_err_t *err, const char *const *srcs, size_t nsrc, const char *dest)
{
	gsa_err_set(err, GSA_ESIGTERM, "%s%s -> %s: transfer cancelled", srcs[0], nsrc > 1 ? " ..." : "", dest);
}

/* The run is stopping: an error, or the caller's cancel hook (then recorded
 * as the run's error). */
static int stopped(engine_t *e)
{
	if (__atomic_load_n(&e->stop, __ATOMIC_RELAXED)) return 1;
	if (e->opts->should_stop && e->opts->should_stop(e->opts->stop_ctx)) {
		gsa_err_t err;
		gsa_err_set(&err, GSA_ESIGTERM, "transfer cancelled");
		__atomic_store_n(&e->cancelled, 1, __ATOMIC_RELAXED);
		engine_fail(e, &err);
		return 1;
	}
	return 0;
}

/* Give a connection the caller's cancel hook. */
static void conn_hook(engine_t *e, gsa_s3_conn_t *c)
{
	c->should_stop = e->opts->should_stop;
	c->stop_ctx = e->opts->stop_ctx;
}

static obj_t *add_obj(engine_t *e)
{
	e->objs = gsa_xgrow(e->objs, &e->cap, e->nobjs + 1, sizeof *e->objs);
	obj_t *o = &e->objs[e->nobjs++];
	memset(o, 0, sizeof *o);
	o->src_fd = -1;
	o->af.fd = -1;
	return o;
}

static int has_glob(const char *s) { return strpbrk(s, "*?[") != NULL; }

/* a relative name that stays inside the destination folder */
static int rel_ok(const char *rel)
{
	if (!*rel || *rel == '/') return 0;
	for (const char *p = rel; p;) {
		if (!strncmp(p, "..", 2) && (p[2] == '/' || !p[2])) return 0;
		p = strchr(p, '/');
		if (p) p++;
	}
	return 1;
}

typedef struct dest {
	int s3;
	char *bucket, *key; /* S3 */
	const char *path;   /* local */
	int dir_mode;
} dest_t;

static void set_dest(obj_t *o, const dest_t *d, const char *rel)
{
	o->dst_s3 = d->s3;
	if (d->s3) {
		o->dbucket = gsa_xstrdup(d->bucket);
		if (!d->dir_mode) {
			o->dkey = gsa_xstrdup(d->key);
		} else {
			size_t n = strlen(d->key);
			o->dkey = n == 0 || d->key[n - 1] == '/' ? gsa_strdup_printf("%s%s", d->key, rel)
								 : gsa_strdup_printf("%s/%s", d->key, rel);
		}
	} else {
		o->dpath = d->dir_mode ? gsa_path_join(d->path, rel) : gsa_xstrdup(d->path);
	}
}

/* ---- expanding sources ------------------------------------------------- */

static int conn_for_plan(engine_t *e, gsa_s3_conn_t *c, gsa_err_t *err)
{
	if (gsa_s3_conn_init(c, &e->cl, 7, err)) return -1;
	conn_hook(e, c);
	return 0;
}

static int expand_s3(engine_t *e, const char *src, const dest_t *d, gsa_err_t *err)
{
	char *bucket, *key;
	if (gsa_s3_parse_uri(src, &bucket, &key))
		return gsa_err_set(err, GSA_EUSAGE, "'%s': not an s3://bucket/key location", src);
	gsa_s3_conn_t c;
	int rc = conn_for_plan(e, &c, err);
	const char *slash = strrchr(key, '/');
	const char *last = slash ? slash + 1 : key;
	if (rc == 0 && (!*key || key[strlen(key) - 1] == '/' || has_glob(last))) {
		int glob_mode = *key && key[strlen(key) - 1] != '/';
		size_t dirlen = (size_t)(last - key);
		char *prefix;
		if (glob_mode) prefix = gsa_xstrndup(key, dirlen + strcspn(last, "*?[\\"));
		else prefix = gsa_xstrdup(key);
		gsa_s3_obj_t *objs = NULL;
		size_t n = 0, matched = 0;
		rc = gsa_s3_list(&c, bucket, prefix, &objs, &n, err);
		for (size_t i = 0; rc == 0 && i < n; i++) {
			const char *k = objs[i].key;
			const char *rel;
			if (glob_mode) {
				rel = k + dirlen;
				if (strchr(rel, '/') || fnmatch(last, rel, 0)) continue;
			} else {
				rel = k + strlen(prefix);
				if (!*rel || rel[strlen(rel) - 1] == '/') continue; /* folder markers */
			}
			if (!rel_ok(rel)) {
				rc = gsa_err_set(err, GSA_EDATA, "s3://%s/%s: key would leave the destination folder", bucket, k);
				break;
			}
			obj_t *o = add_obj(e);
			o->src_s3 = 1;
			o->bucket = gsa_xstrdup(bucket);
			o->key = gsa_xstrdup(k);
			o->size = objs[i].size;
			set_dest(o, d, rel);
			matched++;
		}
		if (rc == 0 && !matched)
			rc = gsa_err_set(err, GSA_EREMOTE, "%s: no objects match", src);
		gsa_s3_objs_free(objs, n);
		free(prefix);
	} else if (rc == 0) {
		gsa_s3_head_t h;
		int found = gsa_s3_head_object(&c, bucket, key, &h, err);
		if (found == 1) {
			obj_t *o = add_obj(e);
			o->src_s3 = 1;
			o->bucket = gsa_xstrdup(bucket);
			o->key = gsa_xstrdup(key);
			o->size = h.size;
			o->head = h;
			o->have_head = 1;
			set_dest(o, d, last);
		} else {
			rc = -1;
		}
	}
	gsa_s3_conn_free(&c);
	free(bucket);
	free(key);
	return rc;
}

static int add_local_file(engine_t *e, const char *path, const struct stat *st, const dest_t *d, const char *rel)
{
	obj_t *o = add_obj(e);
	o->lpath = gsa_xstrdup(path);
	o->size = (uint64_t)st->st_size;
	set_dest(o, d, rel);
	return 0;
}

static int walk_dir(engine_t *e, const char *dir, const char *rel, const dest_t *d, gsa_err_t *err, int depth)
{
	if (depth > 64) return gsa_err_set(err, GSA_EIO, "%s: folders nested too deep", dir);
	DIR *dh = opendir(dir);
	if (!dh) return gsa_err_errno(err, errno, "%s", dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	while ((de = readdir(dh))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
		names = gsa_xgrow(names, &cap, n + 1, sizeof *names);
		names[n++] = gsa_xstrdup(de->d_name);
	}
	closedir(dh);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		char *p = gsa_path_join(dir, names[i]);
		char *r = *rel ? gsa_strdup_printf("%s/%s", rel, names[i]) : gsa_xstrdup(names[i]);
		struct stat st;
		if (rc == 0) {
			if (stat(p, &st)) rc = gsa_err_errno(err, errno, "%s", p);
			else if (S_ISDIR(st.st_mode)) rc = walk_dir(e, p, r, d, err, depth + 1);
			else if (S_ISREG(st.st_mode)) rc = add_local_file(e, p, &st, d, r);
		}
		free(p);
		free(r);
		free(names[i]);
	}
	free(names);
	return rc;
}

static int expand_local(engine_t *e, const char *src, const dest_t *d, gsa_err_t *err)
{
	struct stat st;
	if (has_glob(gsa_path_basename(src)) && stat(src, &st)) {
		glob_t g;
		int gr = glob(src, 0, NULL, &g);
		if (gr == GLOB_NOMATCH || (gr == 0 && g.gl_pathc == 0)) {
			if (gr == 0) globfree(&g);
			return gsa_err_set(err, GSA_EIO, "%s: no files match", src);
		}
		if (gr) return gsa_err_set(err, GSA_EIO, "%s: cannot expand the pattern", src);
		int rc = 0;
		for (size_t i = 0; rc == 0 && i < g.gl_pathc; i++) {
			const char *p = g.gl_pathv[i];
			if (stat(p, &st)) rc = gsa_err_errno(err, errno, "%s", p);
			else if (S_ISDIR(st.st_mode)) rc = walk_dir(e, p, gsa_path_basename(p), d, err, 0);
			else if (S_ISREG(st.st_mode)) rc = add_local_file(e, p, &st, d, gsa_path_basename(p));
		}
		globfree(&g);
		return rc;
	}
	if (stat(src, &st)) return gsa_err_errno(err, errno, "%s", src);
	if (S_ISDIR(st.st_mode)) return walk_dir(e, src, "", d, err, 0);
	if (!S_ISREG(st.st_mode)) return gsa_err_set(err, GSA_EIO, "%s: not a regular file", src);
	return add_local_file(e, src, &st, d, gsa_path_basename(src));
}

/* ---- per-object work ---------------------------------------------------- */

typedef struct worker {
	engine_t *e;
	gsa_s3_conn_t conn;
	int have_conn;
	char *buf;
} worker_t;

static uint64_t part_len(const obj_t *o, int part)
{
	uint64_t off = (uint64_t)part * o->part_size;
	return o->size - off < o->part_size ? o->size - off : o->part_size;
}

/* CRC32C (and MD5 when md5 != NULL) of bytes [off, off+len) of fd. */
static int crc_fd(int fd, uint64_t off, uint64_t len, char *buf, uint32_t *crc, unsigned char *md5,
		  const char *name, gsa_err_t *err)
{
	uint32_t c = 0;
	EVP_MD_CTX *mc = NULL;
	if (md5) {
		mc = EVP_MD_CTX_new();
		EVP_DigestInit_ex(mc, EVP_md5(), NULL);
	}
	while (len) {
		size_t want = len < READ_CHUNK ? (size_t)len : READ_CHUNK;
		ssize_t got = pread(fd, buf, want, (off_t)off);
		if (got < 0 && errno == EINTR) continue;
		if (got <= 0) {
			if (mc) EVP_MD_CTX_free(mc);
			if (got == 0) return gsa_err_set(err, GSA_EIO, "%s: file shrank while being read", name);
			return gsa_err_errno(err, errno, "%s: read", name);
		}
		c = gsa_crc32c_update(c, buf, (size_t)got);
		if (mc) EVP_DigestUpdate(mc, buf, (size_t)got);
		off += (uint64_t)got;
		len -= (uint64_t)got;
	}
	*crc = c;
	if (mc) {
		unsigned int ml = 16;
		EVP_DigestFinal_ex(mc, md5, &ml);
		EVP_MD_CTX_free(mc);
	}
	return 0;
}

static int etag_is_md5(const char *etag)
{
	if (strlen(etag) != 32) return 0;
	for (const char *p = etag; *p; p++)
		if (!strchr("0123456789abcdef", *p)) return 0;
	return 1;
}

/* Does a local file equal the remote object h (size, then CRC32C or MD5)?
 * 1 same, 0 different or not checkable, -1 read error. */
static int local_matches(const char *path, uint64_t size, const gsa_s3_head_t *h, char *buf, gsa_err_t *err)
{
	struct stat st;
	if (stat(path, &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_size != size || h->size != size) return 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) return 0;
	uint32_t crc;
	unsigned char md5[16];
	int need_md5 = !h->has_crc32c && etag_is_md5(h->etag);
	if (!h->has_crc32c && !need_md5) {
		close(fd);
		return 0; /* nothing to compare against: transfer */
	}
	int rc = crc_fd(fd, 0, size, buf, &crc, need_md5 ? md5 : NULL, path, err);
	close(fd);
	if (rc) return -1;
	if (h->has_crc32c) return crc == h->crc32c;
	char hex[33];
	gsa_hex(md5, 16, hex);
	return !strcmp(hex, h->etag);
}

/* sink for ranged GETs: pwrite at the right offset, CRC (and MD5) on the way */
typedef struct get_sink {
	obj_t *o;
	engine_t *e;
	uint64_t start, pos, len;
	uint32_t crc;
	EVP_MD_CTX *md5;
	gsa_err_t err;
	int failed;
} get_sink_t;

static int get_write(void *ctx, const void *data, size_t n)
{
	get_sink_t *s = ctx;
	if (stopped(s->e)) {
		s->failed = 1;
		gsa_err_set(&s->err, GSA_EINTERNAL, "stopped");
		return -1;
	}
	if (s->pos - s->start + n > s->len) {
		s->failed = 1;
		gsa_err_set(&s->err, GSA_EREMOTE, "s3://%s/%s: server sent more bytes than asked for", s->o->bucket,
			    s->o->key);
		return -1;
	}
	const char *p = data;
	size_t left = n;
	uint64_t at = s->pos;
	while (left) {
		ssize_t w = pwrite(s->o->af.fd, p, left, (off_t)at);
		if (w < 0 && errno == EINTR) continue;
		if (w <= 0) {
			s->failed = 1;
			gsa_err_errno(&s->err, w < 0 ? errno : ENOSPC, "%s: write", s->o->dpath);
			return -1;
		}
		p += w;
		left -= (size_t)w;
		at += (uint64_t)w;
	}
	s->crc = gsa_crc32c_update(s->crc, data, n);
	if (s->md5) EVP_DigestUpdate(s->md5, data, n);
	s->pos += n;
	__atomic_add_fetch(&s->e->bytes_done, n, __ATOMIC_RELAXED);
	return 0;
}

/* the response names a CRC32C: the MD5 would not be used */
static void get_begin(void *ctx, const gsa_http_resp_t *resp)
{
	get_sink_t *s = ctx;
	const char *c = gsa_http_resp_header(resp, "x-amz-checksum-crc32c");
	if (s->md5 && ((c && !strchr(c, '-')) || gsa_http_resp_header(resp, "x-amz-meta-gsa-crc32c"))) {
		EVP_MD_CTX_free(s->md5);
		s->md5 = NULL;
	}
}

static void get_restart(void *ctx)
{
	get_sink_t *s = ctx;
	__atomic_sub_fetch(&s->e->bytes_done, s->pos - s->start, __ATOMIC_RELAXED);
	s->pos = s->start;
	s->crc = 0;
	if (s->md5) EVP_DigestInit_ex(s->md5, EVP_md5(), NULL);
}

static int ensure_conn(worker_t *w, gsa_err_t *err)
{
	if (w->have_conn) return 0;
	if (gsa_s3_conn_init(&w->conn, &w->e->cl, (uint64_t)(uintptr_t)w, err)) return -1;
	conn_hook(w->e, &w->conn);
	w->have_conn = 1;
	return 0;
}

static int open_dest_file(obj_t *o, gsa_err_t *err)
{
	char *dir = gsa_path_dirname(o->dpath);
	int rc = gsa_mkdir_p(dir, 0777, err);
	free(dir);
	if (rc) return -1;
	struct stat st;
	if (stat(o->dpath, &st) == 0 && S_ISDIR(st.st_mode))
		return gsa_err_set(err, GSA_EIO, "%s: is a folder", o->dpath);
	if (gsa_atomic_open(&o->af, o->dpath, err)) return -1;
	if (o->size) {
		int r = posix_fallocate(o->af.fd, 0, (off_t)o->size);
		if (r && r != EOPNOTSUPP && r != EINVAL) {
			gsa_atomic_abort(&o->af);
			return gsa_err_errno(err, r, "%s: cannot reserve %" PRIu64 " bytes", o->dpath, o->size);
		}
	}
	return 0;
}

/* first part of an object: skip check, open files, create uploads */
static int obj_start(worker_t *w, obj_t *o, gsa_err_t *err)
{
	engine_t *e = w->e;
	if (o->src_s3) {
		if (ensure_conn(w, err)) return -1;
		if ((e->opts->skip_existing || o->nparts > 1) && !o->have_head) {
			int f = gsa_s3_head_object(&w->conn, o->bucket, o->key, &o->head, err);
			if (f != 1) return -1;
			o->have_head = 1;
			if (o->head.size != o->size)
				return gsa_err_set(err, GSA_EREMOTE, "s3://%s/%s: object changed while listing (size %" PRIu64
						   " -> %" PRIu64 ")", o->bucket, o->key, o->size, o->head.size);
		}
		if (e->opts->skip_existing) {
			int m = local_matches(o->dpath, o->size, &o->head, w->buf, err);
			if (m < 0) return -1;
			if (m) {
				o->skip = 1;
				return 0;
			}
		}
		return open_dest_file(o, err);
	}
	/* local source */
	o->src_fd = open(o->lpath, O_RDONLY | O_CLOEXEC);
	if (o->src_fd < 0) return gsa_err_errno(err, errno, "%s", o->lpath);
	if (fstat(o->src_fd, &o->src_st)) return gsa_err_errno(err, errno, "%s", o->lpath);
	if ((uint64_t)o->src_st.st_size != o->size)
		return gsa_err_set(err, GSA_EIO, "%s: file changed size before upload", o->lpath);
	if (!o->dst_s3) {
		if (e->opts->skip_existing) {
			struct stat st;
			if (stat(o->dpath, &st) == 0 && (uint64_t)st.st_size == o->size) {
				gsa_s3_head_t h = { .size = o->size, .has_crc32c = 1 };
				if (crc_fd(o->src_fd, 0, o->size, w->buf, &h.crc32c, NULL, o->lpath, err)) return -1;
				int m = local_matches(o->dpath, o->size, &h, w->buf, err);
				if (m < 0) return -1;
				if (m) {
					o->skip = 1;
					return 0;
				}
			}
		}
		return open_dest_file(o, err);
	}
	/* upload: part CRCs in one pass over the file */
	if (ensure_conn(w, err)) return -1;
	for (int i = 0; i < o->nparts; i++) {
		if (stopped(e)) return gsa_err_set(err, GSA_EINTERNAL, "stopped");
		if (crc_fd(o->src_fd, (uint64_t)i * o->part_size, part_len(o, i), w->buf, &o->crcs[i], NULL, o->lpath, err))
			return -1;
	}
	o->full_crc = o->nparts ? o->crcs[0] : 0;
	for (int i = 1; i < o->nparts; i++) o->full_crc = gsa_crc32c_combine(o->full_crc, o->crcs[i], part_len(o, i));
	if (e->opts->skip_existing) {
		gsa_s3_head_t h;
		gsa_err_t tmp;
		int f = gsa_s3_head_object(&w->conn, o->dbucket, o->dkey, &h, &tmp);
		if (f < 0 && strcmp(w->conn.last_code, "NoSuchKey")) {
			*err = tmp;
			return -1;
		}
		if (f == 1 && h.size == o->size) {
			int same = 0;
			if (h.has_crc32c) {
				same = h.crc32c == o->full_crc;
			} else if (etag_is_md5(h.etag)) {
				unsigned char md5[16];
				uint32_t c;
				char hex[33];
				if (crc_fd(o->src_fd, 0, o->size, w->buf, &c, md5, o->lpath, err)) return -1;
				gsa_hex(md5, 16, hex);
				same = !strcmp(hex, h.etag);
			}
			if (same) {
				o->skip = 1;
				return 0;
			}
		}
	}
	if (o->nparts > 1) {
		if (gsa_s3_mpu_create(&w->conn, o->dbucket, o->dkey, 1, o->full_crc, &o->upload_id, err)) return -1;
	}
	return 0;
}

/* copy a local file into the open atomic destination */
static int copy_local(worker_t *w, obj_t *o, gsa_err_t *err)
{
	uint64_t off = 0;
	while (off < o->size) {
		if (stopped(w->e)) return gsa_err_set(err, GSA_EINTERNAL, "stopped");
		size_t want = o->size - off < READ_CHUNK ? (size_t)(o->size - off) : READ_CHUNK;
		ssize_t got = pread(o->src_fd, w->buf, want, (off_t)off);
		if (got < 0 && errno == EINTR) continue;
		if (got < 0) return gsa_err_errno(err, errno, "%s: read", o->lpath);
		if (got == 0) return gsa_err_set(err, GSA_EIO, "%s: file shrank while being copied", o->lpath);
		if (gsa_atomic_write(&o->af, w->buf, (size_t)got, err)) return -1;
		off += (uint64_t)got;
		__atomic_add_fetch(&w->e->bytes_done, (uint64_t)got, __ATOMIC_RELAXED);
	}
	return 0;
}

static int do_part(worker_t *w, obj_t *o, int part, gsa_err_t *err)
{
	uint64_t off = (uint64_t)part * o->part_size, len = part_len(o, part);
	if (!o->src_s3 && !o->dst_s3) return copy_local(w, o, err);
	if (ensure_conn(w, err)) return -1;
	if (o->src_s3) {
		get_sink_t s = { o, w->e, off, off, len, 0, NULL, { 0, "" }, 0 };
		/* MD5 only helps a single-range download without a known CRC */
		if (o->nparts == 1 && !(o->have_head && o->head.has_crc32c)) {
			s.md5 = EVP_MD_CTX_new();
			EVP_DigestInit_ex(s.md5, EVP_md5(), NULL);
		}
		gsa_http_sink_t sink = { get_write, &s, get_begin };
		gsa_s3_head_t h;
		int rc = o->size == 0 ? 0 :
			gsa_s3_get_object(&w->conn, o->bucket, o->key, off, o->nparts == 1 ? 0 : len,
					  o->nparts > 1 ? o->head.etag : NULL, &sink, get_restart, &h, err);
		if (o->size == 0) {
			memset(&h, 0, sizeof h);
			if (!o->have_head) {
				int f = gsa_s3_head_object(&w->conn, o->bucket, o->key, &h, err);
				if (f != 1) rc = -1;
			}
		}
		if (rc && s.failed) *err = s.err;
		if (rc == 0 && s.pos - s.start != len)
			rc = gsa_err_set(err, GSA_EREMOTE, "s3://%s/%s: got %" PRIu64 " of %" PRIu64 " bytes", o->bucket,
					 o->key, s.pos - s.start, len);
		if (rc == 0) {
			o->crcs[part] = s.crc;
			if (o->nparts == 1) {
				if (!o->have_head && o->size) {
					o->head = h;
					o->have_head = 1;
				} else if (!o->have_head) {
					o->head = h;
					o->have_head = 1;
				}
				if (s.md5) {
					unsigned int ml = 16;
					EVP_DigestFinal_ex(s.md5, o->md5, &ml);
					o->have_md5 = 1;
				}
			}
		}
		if (s.md5) EVP_MD_CTX_free(s.md5);
		return rc;
	}
	/* upload */
	if (o->nparts == 1)
		return gsa_s3_put_object(&w->conn, o->dbucket, o->dkey, o->src_fd, 0, o->size, o->full_crc, err);
	int rc = gsa_s3_mpu_part(&w->conn, o->dbucket, o->dkey, o->upload_id, part + 1, o->src_fd, off, len,
				 o->crcs[part], o->etags[part], err);
	if (rc == 0) __atomic_add_fetch(&w->e->bytes_done, len, __ATOMIC_RELAXED);
	return rc;
}

/* Make a downloaded file visible: fsync its data, rename it into place.
 * The folder is synced once per run (sync_dirs), not once per file: a
 * crash can lose a rename, never expose a partial file. */
static int commit_file(engine_t *e, obj_t *o, gsa_err_t *err)
{
	gsa_atomic_file_t *f = &o->af;
	if (fsync(f->fd) < 0) {
		gsa_err_errno(err, errno, "%s: cannot sync", f->path);
		gsa_atomic_abort(f);
		return -1;
	}
	if (close(f->fd) < 0) {
		f->fd = -1;
		gsa_err_errno(err, errno, "%s: close failed", f->path);
		gsa_atomic_abort(f);
		return -1;
	}
	f->fd = -1;
	if (rename(f->tmp, f->path) < 0) {
		gsa_err_errno(err, errno, "%s: cannot rename temp file into place", f->path);
		gsa_atomic_abort(f);
		return -1;
	}
	gsa_cleanup_forget(f->cleanup_id);
	f->cleanup_id = -1;
	char *dir = gsa_path_dirname(f->path);
	gsa_atomic_abort(f); /* only releases the names now */
	pthread_mutex_lock(&e->mu);
	if (e->ndirs && !strcmp(e->dirs[e->ndirs - 1], dir)) {
		free(dir);
	} else {
		e->dirs = gsa_xgrow(e->dirs, &e->dircap, e->ndirs + 1, sizeof *e->dirs);
		e->dirs[e->ndirs++] = dir;
	}
	pthread_mutex_unlock(&e->mu);
	return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* fsync every folder that received a file (each once) */
static int sync_dirs(engine_t *e, gsa_err_t *err)
{
	int rc = 0;
	if (!e->ndirs) return 0;
	qsort(e->dirs, e->ndirs, sizeof *e->dirs, cmp_str);
	for (size_t i = 0; i < e->ndirs; i++) {
		if (i && !strcmp(e->dirs[i], e->dirs[i - 1])) continue;
		int fd = open(e->dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || fsync(fd) < 0) {
			if (rc == 0) rc = gsa_err_errno(err, errno, "%s: cannot sync folder", e->dirs[i]);
		}
		if (fd >= 0) close(fd);
	}
	return rc;
}

/* last part done: verify and commit, or clean up */
static int obj_finish(worker_t *w, obj_t *o, gsa_err_t *err)
{
	engine_t *e = w->e;
	int rc = 0;
	if (o->skip) {
		__atomic_add_fetch(&e->skipped, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&e->skipped_bytes, o->size, __ATOMIC_RELAXED);
		gsa_debug(e->log, "skip %s: destination has the same size and checksum", o->dpath ? o->dpath : o->dkey);
		goto out;
	}
	if (o->failed) {
		rc = -1;
	} else if (o->src_s3) {
		uint32_t crc = o->nparts ? o->crcs[0] : 0;
		for (int i = 1; i < o->nparts; i++) crc = gsa_crc32c_combine(crc, o->crcs[i], part_len(o, i));
		const gsa_s3_head_t *h = &o->head;
		char md5hex[33] = "";
		if (h->has_crc32c) {
			if (crc != h->crc32c)
				rc = gsa_err_set(err, GSA_EDATA, "s3://%s/%s: CRC32C mismatch after download (got %08x, object has %08x)",
						 o->bucket, o->key, crc, h->crc32c);
		} else if (etag_is_md5(h->etag)) {
			unsigned char md5[16];
			if (o->have_md5) {
				memcpy(md5, o->md5, 16);
			} else {
				uint32_t c2;
				rc = crc_fd(o->af.fd, 0, o->size, w->buf, &c2, md5, o->dpath, err);
			}
			gsa_hex(md5, 16, md5hex);
			if (rc == 0 && strcmp(md5hex, h->etag))
				rc = gsa_err_set(err, GSA_EDATA, "s3://%s/%s: MD5 %s does not match ETag %s after download",
						 o->bucket, o->key, md5hex, h->etag);
		} else {
			gsa_debug(e->log, "s3://%s/%s: no checksum available (multipart ETag %s): size checked only",
				  o->bucket, o->key, h->etag);
		}
		if (rc == 0) rc = commit_file(e, o, err);
	} else if (!o->dst_s3) {
		rc = commit_file(e, o, err);
	} else if (o->nparts > 1) {
		struct stat st;
		if (fstat(o->src_fd, &st) || st.st_size != o->src_st.st_size ||
		    st.st_mtim.tv_sec != o->src_st.st_mtim.tv_sec || st.st_mtim.tv_nsec != o->src_st.st_mtim.tv_nsec)
			rc = gsa_err_set(err, GSA_EIO, "%s: file changed during upload", o->lpath);
		if (rc == 0)
			rc = gsa_s3_mpu_complete(&w->conn, o->dbucket, o->dkey, o->upload_id, o->nparts, o->etags, o->crcs, err);
		if (rc == 0) {
			free(o->upload_id);
			o->upload_id = NULL;
		}
	} else {
		__atomic_add_fetch(&e->bytes_done, o->size, __ATOMIC_RELAXED);
	}
	if (rc == 0) __atomic_add_fetch(&e->objects_done, 1, __ATOMIC_RELAXED);
out:
	if (rc || o->failed) {
		gsa_atomic_abort(&o->af);
		if (o->upload_id && w->have_conn) {
			gsa_err_t tmp;
			/* the abort must reach the server even when the run is stopping;
			 * after a cancel, one attempt with a time limit, so stopping
			 * stays prompt (a bucket lifecycle rule ends what it misses) */
			int cancel = __atomic_load_n(&e->cancelled, __ATOMIC_RELAXED) ||
				     (e->opts->should_stop && e->opts->should_stop(e->opts->stop_ctx));
			w->conn.should_stop = NULL;
			if (cancel) {
				w->conn.max_attempts = 1;
				w->conn.attempt_timeout_ms = 5000;
			}
			if (gsa_s3_mpu_abort(&w->conn, o->dbucket, o->dkey, o->upload_id, &tmp))
				gsa_warn(e->log, "could not abort multipart upload %s of s3://%s/%s: %s", o->upload_id,
					 o->dbucket, o->dkey, tmp.msg);
			else
				gsa_debug(e->log, "aborted multipart upload of s3://%s/%s", o->dbucket, o->dkey);
			conn_hook(e, &w->conn);
			w->conn.max_attempts = 0;
			w->conn.attempt_timeout_ms = 0;
		}
	}
	free(o->upload_id);
	o->upload_id = NULL;
	if (o->src_fd >= 0) close(o->src_fd);
	o->src_fd = -1;
	return rc;
}

/* Pool job: one worker, taking parts until none is left. */
static void worker_main(void *arg)
{
	worker_t *w = arg;
	engine_t *e = w->e;
	w->buf = gsa_xmalloc(READ_CHUNK);
	for (;;) {
		pthread_mutex_lock(&e->mu);
		size_t j = e->next_job < e->njobs ? e->next_job++ : e->njobs;
		pthread_mutex_unlock(&e->mu);
		if (j >= e->njobs) break;
		job_t *jb = &e->jobs[j];
		obj_t *o = jb->o;
		gsa_err_t err;
		gsa_err_clear(&err);
		int rc = 0;
		pthread_mutex_lock(&o->mu);
		if (!o->started) {
			o->started = 1;
			if (stopped(e)) o->failed = 1;
			else if (obj_start(w, o, &err)) {
				o->failed = 1;
				engine_fail(e, &err);
			}
		}
		int skip = o->skip || o->failed;
		pthread_mutex_unlock(&o->mu);
		if (!skip && stopped(e)) {
			skip = 1;
			pthread_mutex_lock(&o->mu);
			o->failed = 1;
			pthread_mutex_unlock(&o->mu);
		}
		if (!skip) {
			rc = do_part(w, o, jb->part, &err);
			if (rc) {
				pthread_mutex_lock(&o->mu);
				o->failed = 1;
				pthread_mutex_unlock(&o->mu);
				engine_fail(e, &err);
			}
		}
		pthread_mutex_lock(&o->mu);
		int last = --o->remaining == 0;
		pthread_mutex_unlock(&o->mu);
		if (last) {
			gsa_err_clear(&err);
			if (stopped(e) && !o->skip) o->failed = 1;
			if (obj_finish(w, o, &err) && err.code) engine_fail(e, &err);
		}
	}
	free(w->buf);
	if (w->have_conn) gsa_s3_conn_free(&w->conn);
	pthread_mutex_lock(&e->mu);
	e->workers_left--;
	pthread_cond_broadcast(&e->done_cv);
	pthread_mutex_unlock(&e->mu);
}

static void human(char *out, size_t n, double b)
{
	const char *u[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int i = 0;
	while (b >= 1024 && i < 4) {
		b /= 1024;
		i++;
	}
	snprintf(out, n, i ? "%.1f %s" : "%.0f %s", b, u[i]);
}

static void progress_line(engine_t *e, double t0, int final)
{
	char a[32], b[32], line[200];
	uint64_t done = __atomic_load_n(&e->bytes_done, __ATOMIC_RELAXED);
	double dt = gsa_monotonic_seconds() - t0;
	human(a, sizeof a, (double)done);
	human(b, sizeof b, (double)e->bytes_total);
	int n = snprintf(line, sizeof line, "\r%s / %s  %.1f MB/s  %" PRIu64 "/%zu objects%s", a, b,
			 dt > 0 ? done / dt / 1e6 : 0.0, __atomic_load_n(&e->objects_done, __ATOMIC_RELAXED) +
				 __atomic_load_n(&e->skipped, __ATOMIC_RELAXED), e->nobjs, final ? "\n" : "   ");
	if (n > 0) gsa_write_all(2, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static void free_objs(engine_t *e)
{
	for (size_t i = 0; i < e->nobjs; i++) {
		obj_t *o = &e->objs[i];
		free(o->bucket);
		free(o->key);
		free(o->lpath);
		free(o->dbucket);
		free(o->dkey);
		free(o->dpath);
		free(o->etags);
		free(o->crcs);
		free(o->upload_id);
		if (o->src_fd >= 0) close(o->src_fd);
		gsa_atomic_abort(&o->af);
		pthread_mutex_destroy(&o->mu);
	}
	free(e->objs);
	free(e->jobs);
}

/* two sources must not land on one destination (the last rename would win) */
static int check_unique_dests(engine_t *e, gsa_err_t *err)
{
	if (e->nobjs < 2) return 0;
	char **names = gsa_xcalloc(e->nobjs, sizeof *names);
	for (size_t i = 0; i < e->nobjs; i++) {
		obj_t *o = &e->objs[i];
		names[i] = o->dst_s3 ? gsa_strdup_printf("s3://%s/%s", o->dbucket, o->dkey) : gsa_xstrdup(o->dpath);
	}
	qsort(names, e->nobjs, sizeof *names, cmp_str);
	int rc = 0;
	for (size_t i = 1; i < e->nobjs && rc == 0; i++)
		if (!strcmp(names[i], names[i - 1]))
			rc = gsa_err_set(err, GSA_EUSAGE, "%s: two sources would be copied to this destination", names[i]);
	for (size_t i = 0; i < e->nobjs; i++) free(names[i]);
	free(names);
	return rc;
}

static int default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	long j = (n > 0 ? n : 2) * 8;
	return j < 16 ? 16 : j > 64 ? 64 : (int)j;
}

/* The arguments make sense together: no S3-to-S3 copy, put from local,
 * get to local.  Returns 0 or -1 with err set (GSA_EUSAGE). */
static int check_directions(gsa_transfer_dir_t dir, const char *const *srcs, size_t nsrc, const char *dest,
			    int *any_s3, gsa_err_t *err)
{
	*any_s3 = gsa_transfer_is_s3(dest);
	for (size_t i = 0; i < nsrc; i++) {
		int s3 = gsa_transfer_is_s3(srcs[i]);
		*any_s3 |= s3;
		if (s3 && gsa_transfer_is_s3(dest))
			return gsa_err_set(err, GSA_EUSAGE, "%s -> %s: copies between two S3 locations are not supported",
					   srcs[i], dest);
		if (dir == GSA_TRANSFER_PUT && s3)
			return gsa_err_set(err, GSA_EUSAGE, "%s: put takes local sources (use get to download)", srcs[i]);
	}
	if (dir == GSA_TRANSFER_GET && gsa_transfer_is_s3(dest))
		return gsa_err_set(err, GSA_EUSAGE, "%s: get writes to a local destination (use put to upload)", dest);
	return 0;
}

/* Parse the destination and decide whether it is a folder (several or
 * folder-like sources, a trailing '/', a bucket, an existing folder).
 * Returns 0 or -1 with err set. */
static int plan_dest(dest_t *d, const char *const *srcs, size_t nsrc, const char *dest, gsa_err_t *err)
{
	struct stat st;
	int multi = nsrc > 1;
	size_t dn = strlen(dest);
	d->s3 = gsa_transfer_is_s3(dest);
	if (d->s3) {
		if (gsa_s3_parse_uri(dest, &d->bucket, &d->key))
			return gsa_err_set(err, GSA_EUSAGE, "'%s': not an s3://bucket/key location", dest);
	} else {
		d->path = dest;
	}
	for (size_t i = 0; i < nsrc; i++) {
		const char *s = srcs[i];
		size_t n = strlen(s);
		if ((n && s[n - 1] == '/') || has_glob(gsa_path_basename(s)) ||
		    (gsa_transfer_is_s3(s) && !strchr(s + 5, '/')))
			multi = 1;
		else if (!gsa_transfer_is_s3(s) && stat(s, &st) == 0 && S_ISDIR(st.st_mode))
			multi = 1;
	}
	d->dir_mode = multi || (dn && dest[dn - 1] == '/') || (d->s3 && !*d->key) ||
		      (!d->s3 && stat(dest, &st) == 0 && S_ISDIR(st.st_mode));
	return 0;
}

/* Cut every object into parts (one job each). */
static void plan_parts(engine_t *e)
{
	uint64_t psz = e->opts->part_size ? e->opts->part_size : 16 * MIB;
	size_t k = 0;
	for (size_t i = 0; i < e->nobjs; i++) {
		obj_t *o = &e->objs[i];
		pthread_mutex_init(&o->mu, NULL);
		uint64_t p = psz;
		if (o->size / p >= MAX_PARTS) p = (o->size / MAX_PARTS + MIB) / MIB * MIB;
		if (!o->src_s3 && !o->dst_s3) p = o->size ? o->size : 1; /* local copy: one piece */
		o->part_size = p;
		o->nparts = o->size ? (int)((o->size + p - 1) / p) : 1;
		o->remaining = o->nparts;
		o->etags = gsa_xcalloc((size_t)o->nparts, sizeof *o->etags);
		o->crcs = gsa_xcalloc((size_t)o->nparts, sizeof *o->crcs);
		e->njobs += (size_t)o->nparts;
		e->bytes_total += o->size;
	}
	e->jobs = gsa_xcalloc(e->njobs ? e->njobs : 1, sizeof *e->jobs);
	for (size_t i = 0; i < e->nobjs; i++)
		for (int p = 0; p < e->objs[i].nparts; p++) e->jobs[k++] = (job_t){ &e->objs[i], p };
}

/* Run the parts on a pool of workers (common/pool.h), each with its own
 * connection; wait for them, printing progress twice a second when asked.
 * Returns 0 or -1 with err set (the run's first error). */
static int run_workers(engine_t *e, double t0, gsa_err_t *err)
{
	const gsa_transfer_opts_t *opts = e->opts;
	int nw = opts->jobs > 0 ? opts->jobs : default_jobs();
	if ((size_t)nw > e->njobs) nw = (int)e->njobs;
	if (nw < 1) nw = 1;
	worker_t *ws = gsa_xcalloc((size_t)nw, sizeof *ws);
	gsa_pool_t *pool = gsa_pool_new(nw);
	gsa_queue_t *q = pool ? gsa_queue_new(pool, worker_main, nw) : NULL;
	e->workers_left = q ? nw : 0;
	for (int i = 0; q && i < nw; i++) {
		ws[i].e = e;
		gsa_queue_submit(q, &ws[i]);
	}
	pthread_mutex_lock(&e->mu);
	if (!q) {
		gsa_err_t te;
		gsa_err_set(&te, GSA_EINTERNAL, "cannot start worker threads");
		e->err = te;
		e->stop = 1;
	}
	while (e->workers_left > 0) {
		if (opts->progress) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 500000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&e->done_cv, &e->mu, &ts);
			pthread_mutex_unlock(&e->mu);
			progress_line(e, t0, 0);
			pthread_mutex_lock(&e->mu);
		} else {
			pthread_cond_wait(&e->done_cv, &e->mu);
		}
	}
	pthread_mutex_unlock(&e->mu);
	gsa_queue_free(q); /* every worker has returned */
	gsa_pool_free(pool);
	if (opts->progress) progress_line(e, t0, 1);
	free(ws);
	if (e->stop) {
		*err = e->err;
		return -1;
	}
	return sync_dirs(e, err);
}

int gsa_transfer(gsa_transfer_dir_t dir, const char *const *srcs, size_t nsrc, const char *dest,
		 const gsa_transfer_opts_t *opts, const gsa_log_t *log, gsa_transfer_stats_t *stats, gsa_err_t *err)
{
	double t0 = gsa_monotonic_seconds();
	engine_t e;
	int rc = 0, any_s3;
	dest_t d;
	memset(&e, 0, sizeof e);
	memset(&d, 0, sizeof d);
	e.dir = dir;
	e.opts = opts;
	e.log = log;
	if (stats) memset(stats, 0, sizeof *stats);
	if (!nsrc) return gsa_err_set(err, GSA_EUSAGE, "no source given");
	if (opts->should_stop && opts->should_stop(opts->stop_ctx)) {
		cancel_err(err, srcs, nsrc, dest);
		return -1;
	}
	if (check_directions(dir, srcs, nsrc, dest, &any_s3, err)) return -1;
	if (any_s3) {
		if (gsa_http_global_init(err)) return -1;
		if (gsa_s3_client_init(&e.cl, &opts->s3, log, err)) {
			gsa_s3_client_free(&e.cl);
			return -1;
		}
		e.have_client = 1;
	}
	pthread_mutex_init(&e.mu, NULL);
	pthread_cond_init(&e.done_cv, NULL);
	rc = plan_dest(&d, srcs, nsrc, dest, err);
	for (size_t i = 0; rc == 0 && i < nsrc; i++)
		rc = gsa_transfer_is_s3(srcs[i]) ? expand_s3(&e, srcs[i], &d, err) : expand_local(&e, srcs[i], &d, err);
	if (rc == 0) rc = check_unique_dests(&e, err);
	if (rc == 0) {
		plan_parts(&e);
		rc = run_workers(&e, t0, err);
	}
	/* a cancel may surface as other errors first (a sink told to stop, a
	 * request cut short): report the cancel */
	if (rc && opts->should_stop &&
	    (__atomic_load_n(&e.cancelled, __ATOMIC_RELAXED) || err->code == GSA_ESIGTERM ||
	     opts->should_stop(opts->stop_ctx)))
		cancel_err(err, srcs, nsrc, dest);
	if (stats) {
		stats->objects = e.objects_done;
		stats->bytes = e.bytes_done;
		stats->skipped = e.skipped;
		stats->skipped_bytes = e.skipped_bytes;
		stats->retries = e.have_client ? __atomic_load_n(&e.cl.retries, __ATOMIC_RELAXED) : 0;
		stats->seconds = gsa_monotonic_seconds() - t0;
	}
	free_objs(&e);
	for (size_t i = 0; i < e.ndirs; i++) free(e.dirs[i]);
	free(e.dirs);
	if (e.have_client) gsa_s3_client_free(&e.cl);
	free(d.bucket);
	free(d.key);
	pthread_mutex_destroy(&e.mu);
	pthread_cond_destroy(&e.done_cv);
	return rc;
}
