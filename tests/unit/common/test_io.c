#include "unit.h"
#include "cleanup.h"
#include "io.h"
#include "path.h"

#include <dirent.h>
#include <pthread.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	/* a commit after the abort (a caller's error path falling through) is an
	 * internal error, never a crash or a file under the final name */
	UNIT_CHECK_INT(t, gsa_atomic_commit(&f, &err), -1);
	UNIT_CHECK_INT(t, err.code, GSA_EINTERNAL);
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

static void test_open_refuses_folder_and_fifo(unit_t *t)
{
	char path[512];
	gsa_atomic_file_t f;
	gsa_err_t err;
	snprintf(path, sizeof path, "%s/dir", t->tmpdir);
	UNIT_CHECK_INT(t, mkdir(path, 0755), 0);
	UNIT_CHECK_INT(t, gsa_atomic_open(&f, path, &err), -1);
	UNIT_CHECK_INT(t, err.code, GSA_EIO);
	UNIT_CHECK(t, strstr(err.msg, "is a directory") != NULL);
	snprintf(path, sizeof path, "%s/fifo", t->tmpdir);
	UNIT_CHECK_INT(t, mkfifo(path, 0644), 0);
	UNIT_CHECK_INT(t, gsa_atomic_open(&f, path, &err), -1);
	UNIT_CHECK(t, strstr(err.msg, "is a FIFO") != NULL);
	UNIT_CHECK_INT(t, gsa_input_check(path, &err), -1);
	UNIT_CHECK_INT(t, err.code, GSA_EIO);
	UNIT_CHECK_INT(t, gsa_input_check("/dev/zero", &err), -1);
	UNIT_CHECK(t, strstr(err.msg, "is a device") != NULL);
	UNIT_CHECK_INT(t, gsa_input_check(t->tmpdir, &err), -1);
	UNIT_CHECK_INT(t, gsa_input_check("-", &err), 0);
	UNIT_CHECK_INT(t, unit_count_entries(t->tmpdir), 2); /* nothing else made */
}

static void test_output_not_input(unit_t *t)
{
	char in[512], hard[512], lnk[512], other[512];
	gsa_err_t err;
	snprintf(in, sizeof in, "%s/in.vcf", t->tmpdir);
	snprintf(hard, sizeof hard, "%s/hard.vcf", t->tmpdir);
	snprintf(lnk, sizeof lnk, "%s/link.vcf", t->tmpdir);
	snprintf(other, sizeof other, "%s/other.vcf", t->tmpdir);
	FILE *f = fopen(in, "w");
	UNIT_CHECK(t, f != NULL);
	if (f) fclose(f);
	UNIT_CHECK_INT(t, link(in, hard), 0);
	UNIT_CHECK_INT(t, symlink(in, lnk), 0);
	UNIT_CHECK_INT(t, gsa_output_not_input(in, in, &err), -1);
	UNIT_CHECK_INT(t, err.code, GSA_EUSAGE);
	UNIT_CHECK(t, strstr(err.msg, "the output is the input") != NULL);
	UNIT_CHECK_INT(t, gsa_output_not_input(hard, in, &err), -1); /* another name of the same file */
	UNIT_CHECK_INT(t, gsa_output_not_input(in, lnk, &err), -1);  /* the input through a link */
	UNIT_CHECK_INT(t, gsa_output_not_input(lnk, in, &err), 0);   /* the rename replaces the link only */
	UNIT_CHECK_INT(t, gsa_output_not_input(other, in, &err), 0);  /* a new file */
	UNIT_CHECK_INT(t, gsa_output_not_input("-", in, &err), 0);
}

static void test_failed_rename_leaves_nothing(unit_t *t)
{
	char path[512], inner[600];
	gsa_atomic_file_t f;
	gsa_err_t err;
	/* the final name becomes a non-empty folder after the open (a folder
	 * there before is refused by gsa_atomic_open): rename(2) must fail */
	snprintf(path, sizeof path, "%s/taken", t->tmpdir);
	snprintf(inner, sizeof inner, "%s/keep", path);
	UNIT_CHECK_INT(t, gsa_atomic_open(&f, path, &err), 0);
	UNIT_CHECK_INT(t, mkdir(path, 0755), 0);
	UNIT_CHECK_INT(t, mkdir(inner, 0755), 0);
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

enum { UMASK_THREADS = 8, UMASK_OPENS = 500, UMASK_KEEP_EVERY = 50 };

typedef struct umask_job {
	const char *dir;
	mode_t want;      /* mode every temp must have */
	int id, failures, bad_modes;
} umask_job_t;

/* Open many atomic files, check each temp's mode on its descriptor, commit
 * every UMASK_KEEP_EVERY-th and abort the rest (fsync would dominate). */
static void *umask_worker(void *arg)
{
	umask_job_t *j = arg;
	for (int i = 0; i < UMASK_OPENS; i++) {
		char path[600];
		gsa_atomic_file_t f;
		gsa_err_t err;
		struct stat st;
		snprintf(path, sizeof path, "%s/t%d.f%d", j->dir, j->id, i);
		if (gsa_atomic_open(&f, path, &err) < 0) {
			j->failures++;
			continue;
		}
		if (fstat(f.fd, &st) < 0 || (st.st_mode & 07777) != j->want) j->bad_modes++;
		if (i % UMASK_KEEP_EVERY != 0) {
			gsa_atomic_abort(&f);
			continue;
		}
		if (gsa_atomic_write(&f, "x", 1, &err) < 0 || gsa_atomic_commit(&f, &err) < 0) j->failures++;
	}
	return NULL;
}

/* Atomic files created from many threads at once (as the S3 transfer
 * workers do) leave the process umask as it was and each file 0644 less
 * that umask. */
static void test_threads_keep_umask(unit_t *t)
{
	static const mode_t masks[] = { 027, 077, 002 };
	for (size_t m = 0; m < sizeof masks / sizeof masks[0]; m++) {
		char dir[512];
		pthread_t th[UMASK_THREADS];
		umask_job_t jobs[UMASK_THREADS];
		gsa_err_t err;
		int bad_mode = 0;
		snprintf(dir, sizeof dir, "%s/m%zu", t->tmpdir, m);
		UNIT_CHECK_INT(t, gsa_mkdir_p(dir, 0755, &err), 0);
		mode_t old = umask(masks[m]);
		for (int i = 0; i < UMASK_THREADS; i++) {
			jobs[i] = (umask_job_t){ .dir = dir, .want = 0644 & ~masks[m], .id = i };
			UNIT_CHECK_INT(t, pthread_create(&th[i], NULL, umask_worker, &jobs[i]), 0);
		}
		for (int i = 0; i < UMASK_THREADS; i++) {
			pthread_join(th[i], NULL);
			UNIT_CHECK_INT(t, jobs[i].failures, 0);
			UNIT_CHECK_INT(t, jobs[i].bad_modes, 0);
		}
		mode_t after = umask(old); /* single-threaded again: reading it here is safe */
		UNIT_CHECK_INT(t, after, masks[m]);
		for (int i = 0; i < UMASK_THREADS; i++)
			for (int k = 0; k < UMASK_OPENS; k += UMASK_KEEP_EVERY) {
				char path[600];
				struct stat st;
				snprintf(path, sizeof path, "%s/t%d.f%d", dir, i, k);
				if (stat(path, &st) < 0 || (st.st_mode & 07777) != (0644 & ~masks[m])) bad_mode++;
			}
		UNIT_CHECK_INT(t, bad_mode, 0);
		/* the kept files and nothing else: every aborted temp is gone */
		UNIT_CHECK_INT(t, unit_count_entries(dir), UMASK_THREADS * (UMASK_OPENS / UMASK_KEEP_EVERY));
	}
}

int main(void)
{
	unit_t t;
	unit_init(&t, "io");
	UNIT_RUN(&t, test_commit_writes_whole_file);
	UNIT_RUN(&t, test_abort_leaves_nothing);
	UNIT_RUN(&t, test_disk_full_is_io_error);
	UNIT_RUN(&t, test_failed_rename_leaves_nothing);
	UNIT_RUN(&t, test_open_refuses_folder_and_fifo);
	UNIT_RUN(&t, test_output_not_input);
	UNIT_RUN(&t, test_missing_folder_is_io_error);
	UNIT_RUN(&t, test_sigterm_removes_temp);
	UNIT_RUN(&t, test_paths);
	UNIT_RUN(&t, test_threads_keep_umask);
	return unit_finish(&t);
}
