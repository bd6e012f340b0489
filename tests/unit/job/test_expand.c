#include "unit.h"
#include "expand.h"
#include "job.h"

#include <stdlib.h>

#include "strbuf.h"

static const char *table(const char *name, void *ctx)
{
	(void)ctx;
	if (strcmp(name, "SAMPLE_ID") == 0) return "NA12878";
	if (strcmp(name, "CHROMOSOME") == 0) return "chr20";
	if (strcmp(name, "EMPTY") == 0) return "";
	return NULL;
}

static char *expand_ok(unit_t *t, const char *in)
{
	char *out = NULL;
	gsa_err_t err;
	UNIT_CHECK_INT(t, job_expand(in, table, NULL, &out, &err), 0);
	return out ? out : calloc(1, 1);
}

static void test_expand_replaces_variables(unit_t *t)
{
	char *s = expand_ok(t, "s3://b/${SAMPLE_ID}/${SAMPLE_ID}.${CHROMOSOME}.vcf.gz");
	UNIT_CHECK_STR(t, s, "s3://b/NA12878/NA12878.chr20.vcf.gz");
	free(s);
	s = expand_ok(t, "x${EMPTY}y");
	UNIT_CHECK_STR(t, s, "xy");
	free(s);
}

static void test_expand_keeps_other_dollars(unit_t *t)
{
	char *s = expand_ok(t, "$$HOME costs $5, $(rm -rf /) `x` a$ $SAMPLE_ID");
	/* only ${NAME} and $$ are special: no command substitution, no bare $NAME */
	UNIT_CHECK_STR(t, s, "$HOME costs $5, $(rm -rf /) `x` a$ $SAMPLE_ID");
	free(s);
	s = expand_ok(t, "@RG\\tID:x\\tSM:${SAMPLE_ID}");
	UNIT_CHECK_STR(t, s, "@RG\\tID:x\\tSM:NA12878");
	free(s);
}

static void test_expand_unset_is_an_error(unit_t *t)
{
	char *out = (char *)"unchanged";
	gsa_err_t err;
	UNIT_CHECK_INT(t, job_expand("-r ${CHROMOSOM}", table, NULL, &out, &err), -1);
	UNIT_CHECK(t, out == NULL);
	UNIT_CHECK_INT(t, err.code, GSA_EUSAGE);
	UNIT_CHECK(t, strstr(err.msg, "CHROMOSOM is not set") != NULL);
}

static void test_expand_malformed_is_an_error(unit_t *t)
{
	static const char *const bad[] = { "${", "${}", "${1X}", "${A-B}", "${SAMPLE_ID", "${SAMPLE_ID:-x}" };
	size_t i;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *out = NULL;
		gsa_err_t err;
		UNIT_CHECK_INT(t, job_expand(bad[i], table, NULL, &out, &err), -1);
		UNIT_CHECK(t, strstr(err.msg, "bad variable reference") != NULL);
		UNIT_CHECK(t, out == NULL);
	}
}

static void test_expand_reads_environment_by_default(unit_t *t)
{
	char *out = NULL;
	gsa_err_t err;
	setenv("GSA_UNIT_JOB_VAR", "v a l", 1);
	UNIT_CHECK_INT(t, job_expand("<${GSA_UNIT_JOB_VAR}>", NULL, NULL, &out, &err), 0);
	UNIT_CHECK_STR(t, out, "<v a l>"); /* one argument stays one argument */
	free(out);
	unsetenv("GSA_UNIT_JOB_VAR");
}

static void test_list_words_and_env(unit_t *t)
{
	job_opts_t o;
	gsa_err_t err;
	job_opts_init(&o);
	setenv("JOB_INPUTS", "  s3://b/ref.fa\ts3://b/r1.fq.gz\n s3://b/r2.fq.gz ", 1);
	setenv("JOB_OUTPUTS", "x.bam", 1);
	setenv("JOB_GRACE_SECONDS", "5", 1);
	job_list_add(&o.outputs, &o.n_outputs, "given.bam"); /* the command line wins */
	UNIT_CHECK_INT(t, job_opts_from_env(&o, JOB_GIVEN_OUTPUTS, &err), 0);
	UNIT_CHECK_INT(t, o.n_inputs, 3);
	if (o.n_inputs == 3) {
		UNIT_CHECK_STR(t, o.inputs[0], "s3://b/ref.fa");
		UNIT_CHECK_STR(t, o.inputs[2], "s3://b/r2.fq.gz");
	}
	UNIT_CHECK_INT(t, o.n_outputs, 1);
	UNIT_CHECK_STR(t, o.outputs[0], "given.bam");
	UNIT_CHECK_INT(t, o.grace_seconds, 5);
	job_opts_destroy(&o);
	setenv("JOB_GRACE_SECONDS", "soon", 1);
	job_opts_init(&o);
	UNIT_CHECK_INT(t, job_opts_from_env(&o, 0, &err), -1);
	UNIT_CHECK(t, strstr(err.msg, "JOB_GRACE_SECONDS") != NULL);
	job_opts_destroy(&o);
	unsetenv("JOB_INPUTS");
	unsetenv("JOB_OUTPUTS");
	unsetenv("JOB_GRACE_SECONDS");
}

/* expand argv the way job does; returns the joined result "a|b|..." */
static char *expand_args(unit_t *t, const char *const *argv, size_t n, int pipe)
{
	char **out = calloc(n + 1, sizeof *out);
	gsa_strbuf_t b;
	gsa_err_t err;
	size_t i;
	UNIT_CHECK_INT(t, job_expand_argv((char *const *)argv, n, pipe, table, NULL, out, &err), 0);
	gsa_strbuf_init(&b);
	for (i = 0; i < n; i++) {
		gsa_strbuf_append(&b, out[i] ? out[i] : "(null)");
		if (i + 1 < n) gsa_strbuf_appendc(&b, '|');
		free(out[i]);
	}
	free(out);
	return gsa_strbuf_detach(&b);
}

static void test_code_arguments_untouched(unit_t *t)
{
	static const char *const a[] = { "/bin/sh", "-c", "echo ${SAMPLE_ID} $$", "sh", "${SAMPLE_ID}.txt" };
	static const char *const b[] = { "env", "X=${CHROMOSOME}", "nice", "bash", "-eu", "-o", "pipefail", "-c",
					 "cat ${SAMPLE_ID}", "${SAMPLE_ID}" };
	static const char *const c[] = { "python3.11", "-Sc", "print('${SAMPLE_ID}')", "${SAMPLE_ID}" };
	static const char *const d[] = { "perl", "-we", "print ${SAMPLE_ID}", "-e", "1", "${SAMPLE_ID}" };
	static const char *const e[] = { "awk", "-v", "s=${SAMPLE_ID}", "{print ${SAMPLE_ID}}", "${SAMPLE_ID}" };
	static const char *const f[] = { "node", "--eval=${SAMPLE_ID}", "--print", "${SAMPLE_ID}", "${SAMPLE_ID}" };
	static const char *const g[] = { "align", "-R", "${SAMPLE_ID}", "|", "sh", "-c", "${SAMPLE_ID}", "|", "cat",
					 "${SAMPLE_ID}" };
	static const char *const h[] = { "sh", "script.sh", "${SAMPLE_ID}" };
	static const char *const i[] = { "xargs", "sh", "-c", "x${CHROMOSOME}" };
	char *s;
	s = expand_args(t, a, 5, 0);
	UNIT_CHECK_STR(t, s, "/bin/sh|-c|echo ${SAMPLE_ID} $$|sh|NA12878.txt");
	free(s);
	s = expand_args(t, b, 10, 0);
	UNIT_CHECK_STR(t, s, "env|X=chr20|nice|bash|-eu|-o|pipefail|-c|cat ${SAMPLE_ID}|NA12878");
	free(s);
	s = expand_args(t, c, 4, 0);
	UNIT_CHECK_STR(t, s, "python3.11|-Sc|print('${SAMPLE_ID}')|NA12878");
	free(s);
	s = expand_args(t, d, 6, 0);
	UNIT_CHECK_STR(t, s, "perl|-we|print ${SAMPLE_ID}|-e|1|NA12878");
	free(s);
	s = expand_args(t, e, 5, 0);
	UNIT_CHECK_STR(t, s, "awk|-v|s=NA12878|{print ${SAMPLE_ID}}|NA12878");
	free(s);
	s = expand_args(t, f, 5, 0);
	UNIT_CHECK_STR(t, s, "node|--eval=${SAMPLE_ID}|--print|${SAMPLE_ID}|NA12878");
	free(s);
	s = expand_args(t, g, 10, 1);
	UNIT_CHECK_STR(t, s, "align|-R|NA12878|||sh|-c|${SAMPLE_ID}|||cat|NA12878");
	free(s);
	s = expand_args(t, h, 3, 0);
	UNIT_CHECK_STR(t, s, "sh|script.sh|NA12878");
	free(s);
	s = expand_args(t, i, 4, 0);
	UNIT_CHECK_STR(t, s, "xargs|sh|-c|x${CHROMOSOME}");
	free(s);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "job_expand");
	UNIT_RUN(&t, test_expand_replaces_variables);
	UNIT_RUN(&t, test_expand_keeps_other_dollars);
	UNIT_RUN(&t, test_expand_unset_is_an_error);
	UNIT_RUN(&t, test_expand_malformed_is_an_error);
	UNIT_RUN(&t, test_expand_reads_environment_by_default);
	UNIT_RUN(&t, test_list_words_and_env);
	UNIT_RUN(&t, test_code_arguments_untouched);
	return unit_finish(&t);
}
