/* The transfer API as `job` calls it, on local paths (no network): folder
 * copies keep relative paths, globs, cp-style destinations, stats, errors,
 * skip-existing. */
#include "unit.h"
#include "aws/transfer.h"
#include "io.h"
#include "path.h"

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>

static void put_file(const char *dir, const char *name, const char *text)
{
	char *p = gsa_path_join(dir, name);
	char *d = gsa_path_dirname(p);
	gsa_err_t err;
	gsa_mkdir_p(d, 0755, &err);
	FILE *f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	free(d);
	free(p);
}

static int file_is(const char *dir, const char *name, const char *text)
{
	char *p = gsa_path_join(dir, name), *data = NULL;
	size_t len = 0;
	gsa_err_t err;
	int ok = gsa_read_file(p, &data, &len, &err) == 0 && len == strlen(text) && !memcmp(data, text, len);
	free(data);
	free(p);
	return ok;
}

static void test_folder_copy_keeps_paths(unit_t *t)
{
	char src[300], dst[300];
	snprintf(src, sizeof src, "%s/in", t->tmpdir);
	snprintf(dst, sizeof dst, "%s/out", t->tmpdir);
	put_file(src, "a.txt", "alpha");
	put_file(src, "sub/b.txt", "beta!");
	put_file(src, "sub/deeper/c.txt", "");
	gsa_transfer_opts_t o;
	gsa_transfer_opts_init(&o);
	gsa_transfer_stats_t st;
	gsa_err_t err;
	const char *srcs[] = { src };
	UNIT_CHECK_INT(t, gsa_transfer_put(srcs, 1, dst, &o, NULL, &st, &err), 0);
	UNIT_CHECK(t, file_is(dst, "a.txt", "alpha"));
	UNIT_CHECK(t, file_is(dst, "sub/b.txt", "beta!"));
	UNIT_CHECK(t, file_is(dst, "sub/deeper/c.txt", ""));
	UNIT_CHECK_INT(t, st.objects, 3);
	UNIT_CHECK_INT(t, st.bytes, 10);
	UNIT_CHECK_INT(t, st.skipped, 0);
	/* again with skip_existing: nothing copied */
	o.skip_existing = 1;
	UNIT_CHECK_INT(t, gsa_transfer_get(srcs, 1, dst, &o, NULL, &st, &err), 0);
	UNIT_CHECK_INT(t, st.objects, 0);
	UNIT_CHECK_INT(t, st.skipped, 3);
	/* a changed destination is copied again */
	put_file(dst, "a.txt", "ALPHA");
	UNIT_CHECK_INT(t, gsa_transfer_get(srcs, 1, dst, &o, NULL, &st, &err), 0);
	UNIT_CHECK_INT(t, st.objects, 1);
	UNIT_CHECK(t, file_is(dst, "a.txt", "alpha"));
}

static void test_single_file_and_glob(unit_t *t)
{
	char src[300], one[300], pat[300], dir[300];
	snprintf(src, sizeof src, "%s/in", t->tmpdir);
	put_file(src, "NA12878_1.fq", "r1");
	put_file(src, "NA12878_2.fq", "r2");
	put_file(src, "NA24385_1.fq", "x");
	gsa_transfer_opts_t o;
	gsa_transfer_opts_init(&o);
	gsa_transfer_stats_t st;
	gsa_err_t err;
	/* one file to a new name */
	snprintf(one, sizeof one, "%s/in/NA12878_1.fq", t->tmpdir);
	snprintf(dir, sizeof dir, "%s/renamed.fq", t->tmpdir);
	const char *s1[] = { one };
	UNIT_CHECK_INT(t, gsa_transfer_get(s1, 1, dir, &o, NULL, &st, &err), 0);
	UNIT_CHECK(t, file_is(t->tmpdir, "renamed.fq", "r1"));
	/* a glob into a folder */
	snprintf(pat, sizeof pat, "%s/in/NA12878*", t->tmpdir);
	snprintf(dir, sizeof dir, "%s/g", t->tmpdir);
	const char *s2[] = { pat };
	UNIT_CHECK_INT(t, gsa_transfer_get(s2, 1, dir, &o, NULL, &st, &err), 0);
	UNIT_CHECK_INT(t, st.objects, 2);
	UNIT_CHECK(t, file_is(dir, "NA12878_2.fq", "r2"));
	UNIT_CHECK(t, !file_is(dir, "NA24385_1.fq", "x"));
}

static void test_errors(unit_t *t)
{
	char missing[300], dst[300];
	snprintf(missing, sizeof missing, "%s/missing", t->tmpdir);
	snprintf(dst, sizeof dst, "%s/out", t->tmpdir);
	gsa_transfer_opts_t o;
	gsa_transfer_opts_init(&o);
	gsa_err_t err;
	const char *s1[] = { missing };
	UNIT_CHECK_INT(t, gsa_transfer_get(s1, 1, dst, &o, NULL, NULL, &err), -1);
	UNIT_CHECK_INT(t, err.code, GSA_EIO);
	UNIT_CHECK(t, strstr(err.msg, "missing") != NULL);
	const char *s2[] = { "s3://bucket/key" };
	UNIT_CHECK_INT(t, gsa_transfer_put(s2, 1, dst, &o, NULL, NULL, &err), -1);
	UNIT_CHECK_INT(t, err.code, GSA_EUSAGE);
	UNIT_CHECK_INT(t, gsa_transfer_get(s1, 1, "s3://bucket/key", &o, NULL, NULL, &err), -1);
	UNIT_CHECK_INT(t, err.code, GSA_EUSAGE);
	UNIT_CHECK(t, !gsa_path_exists(dst));
	/* two sources with one name into one folder */
	char a[300], b[300];
	snprintf(a, sizeof a, "%s/d1", t->tmpdir);
	snprintf(b, sizeof b, "%s/d2", t->tmpdir);
	put_file(a, "same.txt", "1");
	put_file(b, "same.txt", "2");
	snprintf(a, sizeof a, "%s/d1/same.txt", t->tmpdir);
	snprintf(b, sizeof b, "%s/d2/same.txt", t->tmpdir);
	const char *s3[] = { a, b };
	UNIT_CHECK_INT(t, gsa_transfer_get(s3, 2, dst, &o, NULL, NULL, &err), -1);
	UNIT_CHECK_INT(t, err.code, GSA_EUSAGE);
	UNIT_CHECK(t, strstr(err.msg, "two sources") != NULL);
	UNIT_CHECK(t, !gsa_path_exists(dst));
}

/* cancel hook: says stop from its `after`-th call on (thread-safe count) */
typedef struct {
	int calls, after;
} stop_after_t;

static int stop_after(void *ctx)
{
	stop_after_t *s = ctx;
	return __atomic_add_fetch(&s->calls, 1, __ATOMIC_RELAXED) >= s->after;
}

static void test_cancel_local_copy(unit_t *t)
{
	char src[300], out[300], dst[320];
	snprintf(src, sizeof src, "%s/big.bin", t->tmpdir);
	snprintf(out, sizeof out, "%s/out", t->tmpdir);
	snprintf(dst, sizeof dst, "%s/big.bin", out);
	gsa_err_t err;
	UNIT_CHECK_INT(t, gsa_mkdir_p(out, 0755, &err), 0);
	/* 8 MiB: eight 1 MiB chunks, the hook is polled before each */
	FILE *f = fopen(src, "w");
	for (int i = 0; i < 8 * 1024; i++) {
		char block[1024];
		memset(block, 'a' + i % 26, sizeof block);
		fwrite(block, 1, sizeof block, f);
	}
	fclose(f);
	const char *srcs[] = { src };
	gsa_transfer_opts_t o;
	gsa_transfer_opts_init(&o);
	gsa_transfer_stats_t st;

	/* a hook that never fires changes nothing */
	stop_after_t never = { 0, 1 << 30 };
	o.should_stop = stop_after;
	o.stop_ctx = &never;
	UNIT_CHECK_INT(t, gsa_transfer_get(srcs, 1, dst, &o, NULL, &st, &err), 0);
	UNIT_CHECK_INT(t, st.bytes, 8 << 20);
	UNIT_CHECK(t, never.calls > 8);
	UNIT_CHECK_INT(t, unlink(dst), 0);

	/* cancelled part-way through the copy: -1, GSA_ESIGTERM, nothing left */
	stop_after_t mid = { 0, 6 };
	o.stop_ctx = &mid;
	UNIT_CHECK_INT(t, gsa_transfer_get(srcs, 1, dst, &o, NULL, &st, &err), -1);
	UNIT_CHECK_INT(t, err.code, GSA_ESIGTERM);
	UNIT_CHECK(t, strstr(err.msg, "transfer cancelled") != NULL);
	UNIT_CHECK(t, st.bytes > 0 && st.bytes < (8u << 20)); /* it had started, and stopped */
	UNIT_CHECK_INT(t, st.objects, 0);
	UNIT_CHECK(t, !gsa_path_exists(dst));
	UNIT_CHECK_INT(t, unit_count_entries(out), 0); /* no temp file either */

	/* already set when called: nothing is created */
	stop_after_t now = { 0, 1 };
	o.stop_ctx = &now;
	char dst2[340];
	snprintf(dst2, sizeof dst2, "%s/sub/big.bin", out);
	UNIT_CHECK_INT(t, gsa_transfer_get(srcs, 1, dst2, &o, NULL, &st, &err), -1);
	UNIT_CHECK_INT(t, err.code, GSA_ESIGTERM);
	UNIT_CHECK_INT(t, unit_count_entries(out), 0);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "aws_transfer");
	UNIT_RUN(&t, test_folder_copy_keeps_paths);
	UNIT_RUN(&t, test_single_file_and_glob);
	UNIT_RUN(&t, test_errors);
	UNIT_RUN(&t, test_cancel_local_copy);
	return unit_finish(&t);
}
