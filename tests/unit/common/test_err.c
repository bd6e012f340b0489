#include "unit.h"
#include "err.h"

#include <errno.h>

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

int main(void)
{
	unit_t t;
	unit_init(&t, "err");
	UNIT_RUN(&t, test_exit_code_table);
	UNIT_RUN(&t, test_errno_mapping);
	UNIT_RUN(&t, test_set_and_prefix);
	return unit_finish(&t);
}
