#include "unit.h"
#include "cleanup.h"
#include "io.h"
#include "path.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_commit_writes_whole_file(unit_t *t)
{
	char path[512];
	gsa_atomic_file_t f;
	gsa_err_t err;
	char *data = NULL;
	size_t len = 0;
	snprintf(path, sizeof path, "%s/out.txt", t->tmpdir);
	UNIT_CHECK_INT(t, gsa_atomic_open(&f, path, &err), 0);
	UNIT_CHECK(t, !gsa_path_exists(path));        /* not visible before commit */
	UNIT_CHECK_INT(t, unit_count_entries(t->tmpdir), 1); /* only the temp */
	UNIT_CHECK_INT(t, gsa_atomic_write(&f, "hello ", 6, &err), 0);
	UNIT_CHECK_INT(t, gsa_atomic_write(&f, "world\n", 6, &err), 0);
	UNIT_CHECK_INT(t, gsa_atomic_commit(&f, &err), 0);
	UNIT_CHECK_INT(t, unit_count_entries(t->tmpdir), 1);
	UNIT_CHECK_INT(t, gsa_read_file(path, &data, &len, &err), 0);
	UNIT_CHECK_STR(t, data, "hello world\n");
	free(data);
}

static void test_abort_leaves_nothing(unit_t *t)
{
	char path[512];
	gsa_atomic_file_t f;
	gsa_err_t err;
	snprintf(path, sizeof path, "%s/out.bam", t->tmpdir);
	UNIT_CHECK_INT(t, gsa_atomic_open(&f, path, &err), 0);
	UNIT_CHECK_INT(t, gsa_atomic_write(&f, "partial", 7, &err), 0);
	gsa_atomic_abort(&f); /* the caller hit an error */
	gsa_atomic_abort(&f); /* twice is harmless */
	UNIT_CHECK_INT(t, unit_count_entries(t->tmpdir), 0);
}

static void test_disk_full_is_io_error(unit_t *t)
{
	char path[512];
	gsa_atomic_file_t f;
	gsa_err_t err;
	char buf[4096] = { 0 };
	snprintf(path, sizeof path, "%s/full.vcf.gz", t->tmpdir);
	UNIT_CHECK_INT(t, gsa_atomic_open(&f, path, &err), 0);
	close(f.fd);
	f.fd = open("/dev/full", O_WRONLY); /* every write fails with ENOSPC */
	UNIT_CHECK(t, f.fd >= 0);
	UNIT_CHECK_INT(t, gsa_atomic_write(&f, buf, sizeof buf, &err), -1);
	UNIT_CHECK_INT(t, err.code, GSA_EIO);
	UNIT_CHECK(t, strstr(err.msg, path) == err.msg);
	UNIT_CHECK(t, strstr(err.msg, "space") != NULL);
	gsa_atomic_abort(&f);
	UNIT_CHECK_INT(t, unit_count_entries(t->tmpdir), 0);
}

static void test_failed_rename_leaves_nothing(unit_t *t)
{
	char path[512], inner[600];
	gsa_atomic_file_t f;
	gsa_err_t err;
	/* the final name is a non-empty folder: rename(2) must fail */
	snprintf(path, sizeof path, "%s/taken", t->tmpdir);
	snprintf(inner, sizeof inner, "%s/keep", path);
	UNIT_CHECK_INT(t, mkdir(path, 0755), 0);
	UNIT_CHECK_INT(t, mkdir(inner, 0755), 0);
	UNIT_CHECK_INT(t, gsa_atomic_open(&f, path, &err), 0);
	UNIT_CHECK_INT(t, gsa_atomic_write(&f, "x", 1, &err), 0);
	UNIT_CHECK_INT(t, gsa_atomic_commit(&f, &err), -1);
	UNIT_CHECK_INT(t, err.code, GSA_EIO);
	UNIT_CHECK(t, strstr(err.msg, "taken") != NULL);
	UNIT_CHECK_INT(t, unit_count_entries(t->tmpdir), 1); /* the folder only */
	UNIT_CHECK(t, gsa_path_exists(inner));
}

static void test_missing_folder_is_io_error(unit_t *t)
{
	char path[512];
	gsa_atomic_file_t f;
	gsa_err_t err;
	snprintf(path, sizeof path, "%s/no/such/out.bam", t->tmpdir);
	UNIT_CHECK_INT(t, gsa_atomic_open(&f, path, &err), -1);
	UNIT_CHECK_INT(t, err.code, GSA_EIO);
	UNIT_CHECK(t, strstr(err.msg, "out.bam: cannot create output") != NULL);
	gsa_atomic_abort(&f);
}

static void test_sigterm_removes_temp(unit_t *t)
{
	char path[512];
	int st;
	pid_t pid;
	snprintf(path, sizeof path, "%s/out.bam", t->tmpdir);
	pid = fork();
	if (pid == 0) {
		gsa_atomic_file_t f;
		gsa_err_t err;
		gsa_cleanup_install();
		if (gsa_atomic_open(&f, path, &err) < 0) _exit(99);
		if (gsa_atomic_write(&f, "partial", 7, &err) < 0) _exit(98);
		raise(SIGTERM);
		_exit(97); /* not reached */
	}
	UNIT_CHECK(t, pid > 0);
	UNIT_CHECK(t, waitpid(pid, &st, 0) == pid);
	UNIT_CHECK(t, WIFEXITED(st));
	UNIT_CHECK_INT(t, WEXITSTATUS(st), 143);
	UNIT_CHECK_INT(t, unit_count_entries(t->tmpdir), 0);
}

static void test_paths(unit_t *t)
{
	char *s;
	gsa_err_t err;
	char deep[512];
	s = gsa_path_dirname("a/b/c.bam"); UNIT_CHECK_STR(t, s, "a/b"); free(s);
	s = gsa_path_dirname("c.bam"); UNIT_CHECK_STR(t, s, "."); free(s);
	s = gsa_path_dirname("/c.bam"); UNIT_CHECK_STR(t, s, "/"); free(s);
	UNIT_CHECK_STR(t, gsa_path_basename("a/b/c.bam"), "c.bam");
	s = gsa_path_join("a/", "b"); UNIT_CHECK_STR(t, s, "a/b"); free(s);
	s = gsa_path_join("a", "/abs"); UNIT_CHECK_STR(t, s, "/abs"); free(s);
	snprintf(deep, sizeof deep, "%s/x/y/z", t->tmpdir);
	UNIT_CHECK_INT(t, gsa_mkdir_p(deep, 0755, &err), 0);
	UNIT_CHECK_INT(t, gsa_mkdir_p(deep, 0755, &err), 0);
	snprintf(deep, sizeof deep, "%s/x", t->tmpdir);
	UNIT_CHECK_INT(t, gsa_rm_rf(deep, &err), 0);
	UNIT_CHECK_INT(t, unit_count_entries(t->tmpdir), 0);
	UNIT_CHECK_INT(t, gsa_rm_rf(deep, &err), 0); /* missing is fine */
}

int main(void)
{
	unit_t t;
	unit_init(&t, "io");
	UNIT_RUN(&t, test_commit_writes_whole_file);
	UNIT_RUN(&t, test_abort_leaves_nothing);
	UNIT_RUN(&t, test_disk_full_is_io_error);
	UNIT_RUN(&t, test_failed_rename_leaves_nothing);
	UNIT_RUN(&t, test_missing_folder_is_io_error);
	UNIT_RUN(&t, test_sigterm_removes_temp);
	UNIT_RUN(&t, test_paths);
	return unit_finish(&t);
}
