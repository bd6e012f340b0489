#include "unit.h"
#include "cache.h"
#include "io.h"
#include "path.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A fetch that writes `content` and counts its calls in a file (so calls
 * made by forked processes count too). */
typedef struct {
	const char *content;
	char counter[512];
	int fail;
	unsigned delay_ms;
} fake_src_t;

static int fake_fetch(void *ctx, const char *tmp_path, gsa_err_t *err)
{
	fake_src_t *s = ctx;
	int fd = open(s->counter, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd >= 0) {
		(void)!write(fd, "x", 1);
		close(fd);
	}
	if (s->delay_ms) usleep(s->delay_ms * 1000);
	if (s->fail) return gsa_err_set(err, GSA_EREMOTE, "fake: connection reset");
	fd = open(tmp_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) return gsa_err_errno(err, errno, "%s", tmp_path);
	gsa_write_all(fd, s->content, strlen(s->content));
	close(fd);
	return 0;
}

static int64_t fetch_count(const fake_src_t *s)
{
	int64_t n = gsa_file_size(s->counter);
	return n < 0 ? 0 : n;
}

static char *slurp(const char *path)
{
	char *d = NULL;
	size_t len;
	gsa_err_t err;
	if (gsa_read_file(path, &d, &len, &err) < 0) return calloc(1, 1);
	return d;
}

static void setup(unit_t *t, job_cache_t *c, fake_src_t *s, const char *content)
{
	char dir[512];
	gsa_err_t err;
	snprintf(dir, sizeof dir, "%s/cache", t->tmpdir);
	UNIT_CHECK_INT(t, job_cache_init(c, dir, NULL, &err), 0);
	memset(s, 0, sizeof *s);
	s->content = content;
	snprintf(s->counter, sizeof s->counter, "%s/fetches", t->tmpdir);
}

static void test_second_use_fetches_nothing(unit_t *t)
{
	job_cache_t c;
	fake_src_t s;
	job_cache_key_t key = { "s3://b/ref.fa", "\"etag1\"", 6 };
	char d1[512], d2[512], *data;
	int hit = -1;
	uint64_t fetched = 0;
	gsa_err_t err;
	struct stat a, b;
	setup(t, &c, &s, ">chr\nA");
	snprintf(d1, sizeof d1, "%s/job1-ref.fa", t->tmpdir);
	snprintf(d2, sizeof d2, "%s/job2-ref.fa", t->tmpdir);
	UNIT_CHECK_INT(t, job_cache_link(&c, &key, fake_fetch, &s, d1, &hit, &fetched, &err), 0);
	UNIT_CHECK_INT(t, hit, 0);
	UNIT_CHECK_INT(t, fetched, 6);
	UNIT_CHECK_INT(t, job_cache_link(&c, &key, fake_fetch, &s, d2, &hit, &fetched, &err), 0);
	UNIT_CHECK_INT(t, hit, 1);
	UNIT_CHECK_INT(t, fetched, 0);
	UNIT_CHECK_INT(t, fetch_count(&s), 1);
	data = slurp(d2);
	UNIT_CHECK_STR(t, data, ">chr\nA");
	free(data);
	UNIT_CHECK(t, stat(d1, &a) == 0 && stat(d2, &b) == 0 && a.st_ino == b.st_ino); /* one copy on disk */
	UNIT_CHECK(t, (a.st_mode & 0222) == 0); /* shared copies are read-only */
	job_cache_destroy(&c);
}

static void test_new_version_is_fetched_again(unit_t *t)
{
	job_cache_t c;
	fake_src_t s;
	job_cache_key_t key = { "s3://b/ref.fa", "\"etag1\"", 3 };
	char d[512], *data;
	int hit;
	uint64_t fetched;
	gsa_err_t err;
	setup(t, &c, &s, "old");
	snprintf(d, sizeof d, "%s/a", t->tmpdir);
	UNIT_CHECK_INT(t, job_cache_link(&c, &key, fake_fetch, &s, d, &hit, &fetched, &err), 0);
	key.version = "\"etag2\"";
	key.size = 5;
	s.content = "newer";
	snprintf(d, sizeof d, "%s/b", t->tmpdir);
	UNIT_CHECK_INT(t, job_cache_link(&c, &key, fake_fetch, &s, d, &hit, &fetched, &err), 0);
	UNIT_CHECK_INT(t, hit, 0);
	UNIT_CHECK_INT(t, fetch_count(&s), 2);
	data = slurp(d);
	UNIT_CHECK_STR(t, data, "newer");
	free(data);
	data = slurp(strcat(strcpy(d, t->tmpdir), "/a")); /* the first job keeps its own inode */
	UNIT_CHECK_STR(t, data, "old");
	free(data);
	job_cache_destroy(&c);
}

static void test_failed_fetch_leaves_no_entry(unit_t *t)
{
	job_cache_t c;
	fake_src_t s;
	job_cache_key_t key = { "s3://b/reads.fq.gz", "", -1 };
	char d[512], *entry, *data_path;
	int hit;
	uint64_t fetched;
	gsa_err_t err;
	setup(t, &c, &s, "reads");
	s.fail = 1;
	snprintf(d, sizeof d, "%s/r.fq.gz", t->tmpdir);
	UNIT_CHECK_INT(t, job_cache_link(&c, &key, fake_fetch, &s, d, &hit, &fetched, &err), -1);
	UNIT_CHECK_INT(t, err.code, GSA_EREMOTE);
	UNIT_CHECK(t, !gsa_path_exists(d));
	entry = job_cache_entry_dir(&c, key.uri);
	data_path = gsa_path_join(entry, "data");
	UNIT_CHECK(t, !gsa_path_exists(data_path));
	s.fail = 0; /* the next job fetches it */
	UNIT_CHECK_INT(t, job_cache_link(&c, &key, fake_fetch, &s, d, &hit, &fetched, &err), 0);
	UNIT_CHECK_INT(t, hit, 0);
	free(entry);
	free(data_path);
	job_cache_destroy(&c);
}

static void test_wrong_size_is_rejected(unit_t *t)
{
	job_cache_t c;
	fake_src_t s;
	job_cache_key_t key = { "s3://b/x", "e", 100 };
	char d[512];
	int hit;
	uint64_t fetched;
	gsa_err_t err;
	setup(t, &c, &s, "short");
	snprintf(d, sizeof d, "%s/x", t->tmpdir);
	UNIT_CHECK_INT(t, job_cache_link(&c, &key, fake_fetch, &s, d, &hit, &fetched, &err), -1);
	UNIT_CHECK(t, strstr(err.msg, "expected 100") != NULL);
	UNIT_CHECK(t, !gsa_path_exists(d));
	job_cache_destroy(&c);
}

/* A job killed mid-fetch leaves temps in the entry; the next fetch clears them. */
static void test_stale_temps_are_swept(unit_t *t)
{
	job_cache_t c;
	fake_src_t s;
	job_cache_key_t key = { "s3://b/y", "v", 2 };
	char d[512], *entry, *p1, *p2;
	int hit;
	uint64_t fetched;
	gsa_err_t err;
	setup(t, &c, &s, "ok");
	entry = job_cache_entry_dir(&c, key.uri);
	gsa_mkdir_p(entry, 0755, &err);
	p1 = gsa_path_join(entry, ".data.tmp.tmp.abc123");
	p2 = gsa_path_join(entry, "data.tmp");
	fclose(fopen(p1, "w"));
	fclose(fopen(p2, "w"));
	snprintf(d, sizeof d, "%s/y", t->tmpdir);
	UNIT_CHECK_INT(t, job_cache_link(&c, &key, fake_fetch, &s, d, &hit, &fetched, &err), 0);
	UNIT_CHECK(t, !gsa_path_exists(p1));
	UNIT_CHECK(t, !gsa_path_exists(p2));
	free(p1);
	free(p2);
	free(entry);
	job_cache_destroy(&c);
}

/* Four processes start at once on one URI: exactly one fetches, all get it. */
static void test_concurrent_jobs_fetch_once(unit_t *t)
{
	job_cache_t c;
	fake_src_t s;
	pid_t pids[4];
	int i, ok = 0;
	setup(t, &c, &s, "genome");
	s.delay_ms = 300; /* hold the lock long enough for the others to queue */
	for (i = 0; i < 4; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			job_cache_key_t key = { "s3://b/genome.fa", "v1", 6 };
			char d[512], *data;
			int hit, rc;
			uint64_t fetched;
			gsa_err_t err;
			snprintf(d, sizeof d, "%s/job%d.fa", t->tmpdir, i);
			rc = job_cache_link(&c, &key, fake_fetch, &s, d, &hit, &fetched, &err);
			data = slurp(d);
			rc = rc == 0 && strcmp(data, "genome") == 0 ? 0 : 1;
			free(data);
			_exit(rc);
		}
	}
	for (i = 0; i < 4; i++) {
		int st;
		if (pids[i] > 0 && waitpid(pids[i], &st, 0) == pids[i] && WIFEXITED(st) && WEXITSTATUS(st) == 0) ok++;
	}
	UNIT_CHECK_INT(t, ok, 4);
	UNIT_CHECK_INT(t, fetch_count(&s), 1);
	job_cache_destroy(&c);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "job_cache");
	UNIT_RUN(&t, test_second_use_fetches_nothing);
	UNIT_RUN(&t, test_new_version_is_fetched_again);
	UNIT_RUN(&t, test_failed_fetch_leaves_no_entry);
	UNIT_RUN(&t, test_wrong_size_is_rejected);
	UNIT_RUN(&t, test_stale_temps_are_swept);
	UNIT_RUN(&t, test_concurrent_jobs_fetch_once);
	return unit_finish(&t);
}
