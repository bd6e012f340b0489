/* The transfer API as `job` calls it, on local paths (no network): folder
 * copies keep relative paths, globs, cp-style destinations, stats, errors,
 * skip-existing. */
#include "unit.h"
#include "aws/transfer.h"
#include "io.h"
#include "path.h"

#include <stdlib.h>
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
}

int main(void)
{
	unit_t t;
	unit_init(&t, "aws_transfer");
	UNIT_RUN(&t, test_folder_copy_keeps_paths);
	UNIT_RUN(&t, test_single_file_and_glob);
	UNIT_RUN(&t, test_errors);
	return unit_finish(&t);
}
