#include "unit.h"
#include "io.h"
#include "path.h"
#include "stage.h"
#include "strbuf.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void put(const char *dir, const char *name, const char *content)
{
	char *p = gsa_path_join(dir, name);
	FILE *f = fopen(p, "w");
	if (f) {
		fputs(content, f);
		fclose(f);
	}
	free(p);
}

static char *mk(unit_t *t, const char *name)
{
	char *p = gsa_path_join(t->tmpdir, name);
	gsa_mkdir_p(p, 0755, NULL);
	return p;
}

static void stage_init(job_stage_t *st, job_remote_t *r)
{
	memset(st, 0, sizeof *st);
	memset(r, 0, sizeof *r);
	st->remote = r;
}

static void test_stage_in_glob_links_files(unit_t *t)
{
	char *src = mk(t, "src"), *work = mk(t, "work"), *in[2], *p;
	job_stage_t st;
	job_remote_t r;
	job_stage_stats_t stats = { 0 };
	gsa_err_t err;
	struct stat a, b;
	stage_init(&st, &r);
	put(src, "ref.fa", ">c\nACGT\n");
	put(src, "ref.fa.fai", "c\t4\t3\t4\t5\n");
	put(src, "reads.fq", "@r\nA\n+\nI\n");
	in[0] = gsa_strdup_printf("%s/ref.fa*", src);
	in[1] = gsa_strdup_printf("%s/reads.fq", src);
	UNIT_CHECK_INT(t, job_stage_in(&st, in, 2, work, &stats, &err), 0);
	UNIT_CHECK_INT(t, stats.files, 3);
	UNIT_CHECK_INT(t, stats.bytes, 8 + 10 + 9);
	UNIT_CHECK_INT(t, unit_count_entries(work), 3);
	p = gsa_path_join(work, "ref.fa.fai");
	UNIT_CHECK(t, stat(p, &a) == 0);
	free(p);
	p = gsa_path_join(src, "ref.fa.fai");
	UNIT_CHECK(t, stat(p, &b) == 0 && a.st_ino == b.st_ino); /* linked, not copied */
	UNIT_CHECK_INT(t, stats.fetched_bytes, 0);
	free(p);
	free(in[0]);
	free(in[1]);
	free(src);
	free(work);
}

static void test_stage_in_follows_relative_symlinks(unit_t *t)
{
	char *src = mk(t, "data/real"), *links = mk(t, "data/links"), *work = mk(t, "work"), *in[1], *p, *lnk, *d = NULL;
	job_stage_t st;
	job_remote_t r;
	job_stage_stats_t stats = { 0 };
	gsa_err_t err;
	size_t len;
	struct stat sb;
	stage_init(&st, &r);
	put(src, "ref.fa", ">c\nACGT\n");
	lnk = gsa_path_join(links, "ref.fa");
	UNIT_CHECK_INT(t, symlink("../real/ref.fa", lnk), 0); /* relative: dangling if copied as a link */
	in[0] = lnk;
	UNIT_CHECK_INT(t, job_stage_in(&st, in, 1, work, &stats, &err), 0);
	p = gsa_path_join(work, "ref.fa");
	UNIT_CHECK(t, lstat(p, &sb) == 0 && S_ISREG(sb.st_mode));
	UNIT_CHECK_INT(t, gsa_read_file(p, &d, &len, &err), 0);
	UNIT_CHECK_STR(t, d ? d : "", ">c\nACGT\n");
	free(d);
	free(p);
	free(lnk);
	free(src);
	free(links);
	free(work);
}

static void test_stage_in_errors_name_the_input(unit_t *t)
{
	char *src = mk(t, "src"), *other = mk(t, "other"), *work = mk(t, "work"), *in[2];
	job_stage_t st;
	job_remote_t r;
	job_stage_stats_t stats = { 0 };
	gsa_err_t err;
	stage_init(&st, &r);
	in[0] = gsa_strdup_printf("%s/missing.fa", src);
	UNIT_CHECK_INT(t, job_stage_in(&st, in, 1, work, &stats, &err), -1);
	UNIT_CHECK_INT(t, err.code, GSA_EIO);
	UNIT_CHECK(t, strstr(err.msg, "missing.fa") != NULL);
	free(in[0]);
	in[0] = gsa_strdup_printf("%s/*.bam", src);
	UNIT_CHECK_INT(t, job_stage_in(&st, in, 1, work, &stats, &err), -1);
	UNIT_CHECK(t, strstr(err.msg, "no file matches") != NULL);
	free(in[0]);
	put(src, "x.txt", "1");
	put(other, "x.txt", "2");
	in[0] = gsa_strdup_printf("%s/x.txt", src);
	in[1] = gsa_strdup_printf("%s/x.txt", other);
	UNIT_CHECK_INT(t, job_stage_in(&st, in, 2, work, &stats, &err), -1);
	UNIT_CHECK(t, strstr(err.msg, "also named 'x.txt'") != NULL);
	free(in[0]);
	free(in[1]);
	free(src);
	free(other);
	free(work);
}

static void test_stage_out_delivers_relative_paths(unit_t *t)
{
	char *work = mk(t, "work"), *dest = gsa_path_join(t->tmpdir, "out/deep"), *sub, *p, *data = NULL;
	char *globs[] = { (char *)"*.bam*", (char *)"calls/*.vcf" };
	job_stage_t st;
	job_remote_t r;
	job_stage_stats_t stats = { 0 };
	gsa_err_t err;
	size_t len;
	stage_init(&st, &r);
	put(work, "s.bam", "BAM");
	put(work, "s.bam.bai", "BAI");
	put(work, "scratch.tmp", "not declared");
	sub = mk(t, "work/calls");
	put(sub, "c1.vcf", "VCF");
	UNIT_CHECK_INT(t, job_stage_out(&st, globs, 2, work, dest, &stats, &err), 0);
	UNIT_CHECK_INT(t, stats.files, 3);
	p = gsa_path_join(dest, "calls/c1.vcf");
	UNIT_CHECK_INT(t, gsa_read_file(p, &data, &len, &err), 0);
	UNIT_CHECK_STR(t, data, "VCF");
	free(data);
	free(p);
	UNIT_CHECK_INT(t, unit_count_entries(dest), 3); /* s.bam, s.bam.bai, calls/ — no temps, no scratch */
	free(sub);
	free(work);
	free(dest);
}

static void test_stage_out_missing_output_delivers_nothing(unit_t *t)
{
	char *work = mk(t, "work"), *dest = mk(t, "out");
	char *globs[] = { (char *)"s.bam", (char *)"s.bam.bai" };
	job_stage_t st;
	job_remote_t r;
	job_stage_stats_t stats = { 0 };
	gsa_err_t err;
	stage_init(&st, &r);
	put(work, "s.bam", "BAM");
	UNIT_CHECK_INT(t, job_stage_out(&st, globs, 2, work, dest, &stats, &err), -1);
	UNIT_CHECK_INT(t, err.code, GSA_EIO);
	UNIT_CHECK(t, strstr(err.msg, "declared output 's.bam.bai' was not produced") != NULL);
	UNIT_CHECK_INT(t, unit_count_entries(dest), 0);
	UNIT_CHECK_INT(t, stats.files, 0);
	free(work);
	free(dest);
}

static void test_stage_out_rejects_escaping_globs(unit_t *t)
{
	char *work = mk(t, "work"), *dest = mk(t, "out");
	char *g1[] = { (char *)"../secret" }, *g2[] = { (char *)"/etc/passwd" }, *g3[] = { (char *)"a/../../b" };
	job_stage_t st;
	job_remote_t r;
	job_stage_stats_t stats = { 0 };
	gsa_err_t err;
	stage_init(&st, &r);
	UNIT_CHECK_INT(t, job_stage_out(&st, g1, 1, work, dest, &stats, &err), -1);
	UNIT_CHECK_INT(t, err.code, GSA_EUSAGE);
	UNIT_CHECK_INT(t, job_stage_out(&st, g2, 1, work, dest, &stats, &err), -1);
	UNIT_CHECK_INT(t, job_stage_out(&st, g3, 1, work, dest, &stats, &err), -1);
	free(work);
	free(dest);
}

static int stop_now(void *ctx)
{
	(void)ctx;
	return 15;
}

static void test_copy_stops_and_leaves_nothing(unit_t *t)
{
	char *src = gsa_path_join(t->tmpdir, "big"), *dst = gsa_path_join(t->tmpdir, "copy");
	job_stage_t st;
	job_remote_t r;
	uint64_t bytes = 0;
	gsa_err_t err;
	FILE *f = fopen(src, "w");
	int i;
	char block[1024];
	memset(block, 'g', sizeof block);
	for (i = 0; f && i < 3 * 1024; i++) fwrite(block, 1, sizeof block, f);
	if (f) fclose(f);
	stage_init(&st, &r);
	UNIT_CHECK_INT(t, job_copy_file(&st, src, dst, &bytes, &err), 0);
	UNIT_CHECK_INT(t, bytes, 3 * 1024 * 1024);
	unlink(dst);
	st.should_stop = stop_now;
	UNIT_CHECK_INT(t, job_copy_file(&st, src, dst, &bytes, &err), -1);
	UNIT_CHECK(t, strstr(err.msg, "interrupted") != NULL);
	UNIT_CHECK_INT(t, unit_count_entries(t->tmpdir), 1); /* only the source: no partial copy, no temp */
	free(src);
	free(dst);
}

static void test_index_names(unit_t *t)
{
	UNIT_CHECK(t, job_is_index_name("s.bam.bai"));
	UNIT_CHECK(t, job_is_index_name("calls.vcf.gz.tbi"));
	UNIT_CHECK(t, job_is_index_name("ref.fa.fai"));
	UNIT_CHECK(t, !job_is_index_name("s.bam"));
	UNIT_CHECK(t, !job_is_index_name("baits.bed"));
}

int main(void)
{
	unit_t t;
	unit_init(&t, "job_stage");
	UNIT_RUN(&t, test_stage_in_glob_links_files);
	UNIT_RUN(&t, test_stage_in_follows_relative_symlinks);
	UNIT_RUN(&t, test_stage_in_errors_name_the_input);
	UNIT_RUN(&t, test_stage_out_delivers_relative_paths);
	UNIT_RUN(&t, test_stage_out_missing_output_delivers_nothing);
	UNIT_RUN(&t, test_stage_out_rejects_escaping_globs);
	UNIT_RUN(&t, test_copy_stops_and_leaves_nothing);
	UNIT_RUN(&t, test_index_names);
	return unit_finish(&t);
}
