/* Ploidy: presets with PARs, files, sexes; haploid genotype calls. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cv_genotype.h"
#include "cv_ploidy.h"
#include "unit.h"

static void test_grch37_pars(unit_t *t)
{
	cv_ploidy_t p;
	memset(&p, 0, sizeof p);
	gsa_err_t err;
	UNIT_CHECK_INT(t, cv_ploidy_load(&p, "GRCh37", &err), 0);
	char *s[2] = { "M1", "F1" };
	UNIT_CHECK_INT(t, cv_ploidy_set_sex(&p, s, 2, "M1=M", &err), 0);
	/* 0-based positions: PAR1 ends at 2,699,520 (1-based) */
	UNIT_CHECK_INT(t, cv_ploidy_at(&p, "X", 2699519, 0, NULL), 2);
	UNIT_CHECK_INT(t, cv_ploidy_at(&p, "X", 2699520, 0, NULL), 1);
	UNIT_CHECK_INT(t, cv_ploidy_at(&p, "chrX", 2699520, 0, NULL), 1);
	UNIT_CHECK_INT(t, cv_ploidy_at(&p, "X", 2699520, 1, NULL), 2);
	UNIT_CHECK_INT(t, cv_ploidy_at(&p, "X", 154931043, 0, NULL), 2); /* PAR2 */
	UNIT_CHECK_INT(t, cv_ploidy_at(&p, "X", 30000, 0, NULL), 1);
	UNIT_CHECK_INT(t, cv_ploidy_at(&p, "Y", 100, 1, NULL), 0);
	UNIT_CHECK_INT(t, cv_ploidy_at(&p, "MT", 100, 1, NULL), 1);
	UNIT_CHECK_INT(t, cv_ploidy_at(&p, "20", 100, 0, NULL), 2);
	int64_t until = 0;
	cv_ploidy_at(&p, "X", 100000, 0, &until);
	UNIT_CHECK(t, until == 2699520);
	cv_ploidy_free(&p);
}

static void test_grch38_and_errors(unit_t *t)
{
	cv_ploidy_t p;
	memset(&p, 0, sizeof p);
	gsa_err_t err;
	UNIT_CHECK_INT(t, cv_ploidy_load(&p, "GRCh38", &err), 0);
	char *s[1] = { "A" };
	UNIT_CHECK_INT(t, cv_ploidy_set_sex(&p, s, 1, "A=M", &err), 0);
	UNIT_CHECK_INT(t, cv_ploidy_at(&p, "chrX", 2781478, 0, NULL), 2); /* last PAR1 base */
	UNIT_CHECK_INT(t, cv_ploidy_at(&p, "chrX", 2781479, 0, NULL), 1);
	UNIT_CHECK_INT(t, cv_ploidy_at(&p, "chrM", 5, 0, NULL), 1);
	UNIT_CHECK(t, cv_ploidy_set_sex(&p, s, 1, "B=M", &err) < 0);
	UNIT_CHECK(t, cv_ploidy_set_sex(&p, s, 1, "A=Q", &err) < 0);
	cv_ploidy_free(&p);
	/* a file with a bad line */
	char path[] = "/tmp/cv_ploidy_XXXXXX";
	int fd = mkstemp(path);
	UNIT_CHECK(t, fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("# comment\nc1 1 100 M 1\nc1 x 5 M 1\n", f);
	fclose(f);
	memset(&p, 0, sizeof p);
	UNIT_CHECK(t, cv_ploidy_load(&p, path, &err) < 0);
	UNIT_CHECK(t, strstr(err.msg, "line 3") != NULL);
	cv_ploidy_free(&p);
	remove(path);
}

static void test_haploid_call(unit_t *t)
{
	/* 7 ALT and 3 REF reads: diploid says het, haploid says ALT */
	double gl[CV_GL_STRIDE] = { 0 }, prior[CV_MAX_GT];
	double pr[2] = { 0.999, 0.001 }, pa[2] = { 0.001, 0.999 };
	for (int i = 0; i < 3; i++) cv_gl_add_read(gl, 2, pr);
	for (int i = 0; i < 7; i++) cv_gl_add_read(gl, 2, pa);
	cv_gt_prior_log10(prior, 2, 1e-3);
	cv_gt_call_t c;
	cv_gt_call_ploidy(gl, prior, 2, 2, 1e-3, &c);
	UNIT_CHECK(t, c.a == 0 && c.b == 1);
	cv_gt_call_ploidy(gl, prior, 2, 1, 1e-3, &c);
	UNIT_CHECK(t, c.a == 1 && c.b == 1);
	int keep[2] = { 0, 1 }, pl[2];
	cv_gt_pl_haploid(gl, keep, 2, pl);
	UNIT_CHECK(t, pl[1] == 0 && pl[0] > 0);
	cv_gt_call_ploidy(gl, prior, 2, 0, 1e-3, &c);
	UNIT_CHECK(t, c.a == -1);
}

/* path of a new temp file holding text (caller removes it) */
static void write_temp(char path[32], const char *text)
{
	strcpy(path, "/tmp/cv_ploidy_XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) abort();
	fputs(text, f);
	fclose(f);
}

static void test_strict_fields(unit_t *t)
{
	/* each line alone: refused, though sscanf("%d") read a number from it */
	static const char *const bad[] = { "c1 1 100 F 1.5\n", "c1 1 100 F 1x\n", "c1 1 100 F 1 extra\n",
					   "c1 1 99999999999999999999999 F 1\n", "c1 +0 100 F 1\n", "c1 1 100 F\n" };
	char path[32];
	gsa_err_t err;
	cv_ploidy_t p;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		write_temp(path, bad[i]);
		memset(&p, 0, sizeof p);
		UNIT_CHECK(t, cv_ploidy_load(&p, path, &err) < 0 && strstr(err.msg, "line 1") != NULL);
		cv_ploidy_free(&p);
		remove(path);
	}
	/* CRLF, blank and indented lines, comments */
	write_temp(path, "\r\n  # note\r\n\tc1 11 20 M 1\r\n   \r\nc1 21 30 F 0\r\n");
	memset(&p, 0, sizeof p);
	UNIT_CHECK_INT(t, cv_ploidy_load(&p, path, &err), 0);
	UNIT_CHECK_INT(t, p.nrule, 2);
	UNIT_CHECK(t, p.nrule == 2 && p.rule[0].beg == 10 && p.rule[0].end == 20 && p.rule[1].ploidy == 0);
	remove(path);
	/* a sex file the same way; one sample given M and F is refused */
	char *s[2] = { "A", "B" };
	write_temp(path, "A M\r\n\r\n  \n# x\n");
	UNIT_CHECK_INT(t, cv_ploidy_set_sex(&p, s, 2, path, &err), 0);
	UNIT_CHECK(t, strcmp(p.sex, "MF") == 0);
	remove(path);
	UNIT_CHECK(t, cv_ploidy_set_sex(&p, s, 2, "A=M,A=F", &err) < 0 && strstr(err.msg, "both M and F") != NULL);
	UNIT_CHECK_INT(t, cv_ploidy_set_sex(&p, s, 2, "A=M,A=M", &err), 0);
	cv_ploidy_free(&p);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "call-variants ploidy");
	UNIT_RUN(&t, test_grch37_pars);
	UNIT_RUN(&t, test_grch38_and_errors);
	UNIT_RUN(&t, test_haploid_call);
	UNIT_RUN(&t, test_strict_fields);
	return unit_finish(&t);
}
