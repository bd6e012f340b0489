#include "unit.h"
#include "err.h"

#include <errno.h>
#include <pthread.h>

static void test_exit_code_table(unit_t *t)
{
	UNIT_CHECK_INT(t, GSA_OK, 0);
	UNIT_CHECK_INT(t, GSA_EUSAGE, 1);
	UNIT_CHECK_INT(t, GSA_EDATA, 2);
	UNIT_CHECK_INT(t, GSA_EIO, 3);
	UNIT_CHECK_INT(t, GSA_EREMOTE, 4);
	UNIT_CHECK_INT(t, GSA_EINTERNAL, 5);
	UNIT_CHECK_INT(t, GSA_ESIGINT, 130);
	UNIT_CHECK_INT(t, GSA_ESIGTERM, 143);
	UNIT_CHECK_STR(t, gsa_err_code_name(GSA_EDATA), "data");
	UNIT_CHECK_STR(t, gsa_err_code_name(GSA_EREMOTE), "remote");
	UNIT_CHECK_STR(t, gsa_err_code_name(GSA_ESIGTERM), "interrupted");
	UNIT_CHECK_STR(t, gsa_err_code_name(77), "unknown");
}

static void test_errno_mapping(unit_t *t)
{
	UNIT_CHECK_INT(t, gsa_err_code_for_errno(ENOSPC), GSA_EIO);
	UNIT_CHECK_INT(t, gsa_err_code_for_errno(ENOENT), GSA_EIO);
	UNIT_CHECK_INT(t, gsa_err_code_for_errno(EACCES), GSA_EIO);
	UNIT_CHECK_INT(t, gsa_err_code_for_errno(ENOMEM), GSA_EINTERNAL);
}

static void test_set_and_prefix(unit_t *t)
{
	gsa_err_t e;
	gsa_err_clear(&e);
	UNIT_CHECK_INT(t, e.code, GSA_OK);
	UNIT_CHECK_INT(t, gsa_err_set(&e, GSA_EDATA, "%s: line %d: bad\nthing", "r1.fq", 4), -1);
	UNIT_CHECK_INT(t, e.code, GSA_EDATA);
	UNIT_CHECK_STR(t, e.msg, "r1.fq: line 4: bad thing"); /* one line */
	gsa_err_prefix(&e, "align %s", "map");
	UNIT_CHECK_STR(t, e.msg, "align map: r1.fq: line 4: bad thing");
	UNIT_CHECK_INT(t, e.code, GSA_EDATA);
	gsa_err_errno(&e, ENOSPC, "%s: write failed", "out.bam");
	UNIT_CHECK_INT(t, e.code, GSA_EIO);
	UNIT_CHECK(t, strstr(e.msg, "out.bam: write failed: ") == e.msg);
	UNIT_CHECK(t, strstr(e.msg, "space") != NULL);
	UNIT_CHECK_INT(t, gsa_err_set(NULL, GSA_EIO, "x"), -1); /* NULL is allowed */
}

/* gsa_strerror gives the C library's message, fits small buffers and
 * names numbers the library does not know. */
static void test_strerror_messages(unit_t *t)
{
	char buf[GSA_STRERROR_MAX], tiny[8];
	const char *m = gsa_strerror(ENOENT, buf, sizeof buf);
	UNIT_CHECK_STR(t, m, strerror(ENOENT)); /* single-threaded here: the reference is safe */
	m = gsa_strerror(ENOSPC, buf, sizeof buf);
	UNIT_CHECK_STR(t, m, strerror(ENOSPC));
	m = gsa_strerror(-12345, buf, sizeof buf);
	UNIT_CHECK(t, m != NULL && m[0] != '\0');
	memset(tiny, 'z', sizeof tiny);
	m = gsa_strerror(ENOENT, tiny, sizeof tiny);
	UNIT_CHECK(t, m != NULL && strlen(m) > 0);
	if (m == tiny) UNIT_CHECK(t, memchr(tiny, '\0', sizeof tiny) != NULL);
	UNIT_CHECK_STR(t, gsa_strerror(ENOENT, NULL, 0), "error");
}

enum { SE_THREADS = 6, SE_ROUNDS = 2000 };
static const int se_errnos[SE_THREADS] = { ENOENT, EACCES, ENOSPC, EIO, ENOMEM, EEXIST };

typedef struct se_job {
	int errnum;
	char want[GSA_STRERROR_MAX];
	int mismatches;
} se_job_t;

static void *strerror_worker(void *arg)
{
	se_job_t *j = arg;
	for (int i = 0; i < SE_ROUNDS; i++) {
		char buf[GSA_STRERROR_MAX];
		if (strcmp(gsa_strerror(j->errnum, buf, sizeof buf), j->want) != 0) j->mismatches++;
	}
	return NULL;
}

/* Threads asking for different messages at once each get their own. */
static void test_strerror_threads(unit_t *t)
{
	pthread_t th[SE_THREADS];
	se_job_t jobs[SE_THREADS];
	for (int i = 0; i < SE_THREADS; i++) {
		jobs[i].errnum = se_errnos[i];
		jobs[i].mismatches = 0;
		snprintf(jobs[i].want, sizeof jobs[i].want, "%s", strerror(se_errnos[i]));
	}
	for (int i = 0; i < SE_THREADS; i++) UNIT_CHECK_INT(t, pthread_create(&th[i], NULL, strerror_worker, &jobs[i]), 0);
	for (int i = 0; i < SE_THREADS; i++) {
		pthread_join(th[i], NULL);
		UNIT_CHECK_INT(t, jobs[i].mismatches, 0);
	}
}

int main(void)
{
	unit_t t;
	unit_init(&t, "err");
	UNIT_RUN(&t, test_exit_code_table);
	UNIT_RUN(&t, test_errno_mapping);
	UNIT_RUN(&t, test_set_and_prefix);
	UNIT_RUN(&t, test_strerror_messages);
	UNIT_RUN(&t, test_strerror_threads);
	return unit_finish(&t);
}
