#include "unit.h"
#include "cli.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static const char USAGE[] = "Usage: demo [options] IN\n  -o, --output FILE\n";

/* A miniature tool using the shared front-end, as every real main() does. */
static int demo_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		GSA_CLI_THREADS_LONGOPTS,
		GSA_CLI_LEVEL_LONGOPTS,
		GSA_CLI_LONGOPTS
	};
	gsa_log_t lg;
	gsa_cli_t cli;
	const char *out = NULL;
	int c, rc, threads = 1, level = 6;
	gsa_cli_init(&cli, "demo", USAGE, &lg);
	gsa_cli_take_threads(&cli, &threads, 1, 8);
	gsa_cli_take_level(&cli, &level);
	while ((c = getopt_long(argc, argv, ":o:" GSA_CLI_THREADS_SHORTOPTS GSA_CLI_LEVEL_SHORTOPTS GSA_CLI_SHORTOPTS,
				opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		default:
			if ((rc = gsa_cli_handle(&cli, c, argv)) != GSA_CLI_CONTINUE) return rc;
		}
	}
	if (!out) return gsa_cli_usage_error(&cli, "missing --output");
	gsa_info(&lg, "writing %s threads %d level %d", out, threads, level);
	return 0;
}

/* Run demo_main in a child with stdout/stderr captured; returns exit code. */
static int run(unit_t *t, char *out, char *errs, size_t size, int argc, ...)
{
	char *argv[16];
	char po[512], pe[512];
	va_list ap;
	int i, st;
	pid_t pid;
	FILE *fp;
	size_t n;
	va_start(ap, argc);
	for (i = 0; i < argc && i < 15; i++) argv[i] = va_arg(ap, char *);
	va_end(ap);
	argv[i] = NULL;
	snprintf(po, sizeof po, "%s/stdout", t->tmpdir);
	snprintf(pe, sizeof pe, "%s/stderr", t->tmpdir);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int fo = open(po, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int fe = open(pe, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fo, 1);
		dup2(fe, 2);
		_exit(demo_main(argc, argv));
	}
	waitpid(pid, &st, 0);
	fp = fopen(po, "r"); n = fread(out, 1, size - 1, fp); out[n] = '\0'; fclose(fp);
	fp = fopen(pe, "r"); n = fread(errs, 1, size - 1, fp); errs[n] = '\0'; fclose(fp);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++) n += *s == '\n';
	return n;
}

static void test_help(unit_t *t)
{
	char out[4096], err[4096];
	UNIT_CHECK_INT(t, run(t, out, err, sizeof out, 2, "demo", "--help"), 0);
	UNIT_CHECK_STR(t, out, USAGE);
	UNIT_CHECK_STR(t, err, "");
	UNIT_CHECK_INT(t, run(t, out, err, sizeof out, 2, "demo", "-h"), 0);
	UNIT_CHECK_STR(t, out, USAGE);
}

static void test_version(unit_t *t)
{
	char out[4096], err[4096], want[256];
	snprintf(want, sizeof want, "demo (gsa) %s\n", gsa_version());
	UNIT_CHECK_INT(t, run(t, out, err, sizeof out, 2, "demo", "--version"), 0);
	UNIT_CHECK_STR(t, out, want);
	UNIT_CHECK(t, strlen(gsa_version()) > 0);
}

static void test_unknown_option(unit_t *t)
{
	char out[4096], err[4096];
	UNIT_CHECK_INT(t, run(t, out, err, sizeof out, 3, "demo", "--bogus=1", "x"), 1);
	UNIT_CHECK_STR(t, out, "");
	UNIT_CHECK_INT(t, count_lines(err), 1);
	UNIT_CHECK(t, strstr(err, "unknown option '--bogus'") != NULL);
	UNIT_CHECK_INT(t, run(t, out, err, sizeof out, 2, "demo", "-z"), 1);
	UNIT_CHECK_INT(t, count_lines(err), 1);
	UNIT_CHECK(t, strstr(err, "unknown option '-z'") != NULL);
}

static void test_missing_value_and_bad_format(unit_t *t)
{
	char out[4096], err[4096];
	UNIT_CHECK_INT(t, run(t, out, err, sizeof out, 2, "demo", "--output"), 1);
	UNIT_CHECK(t, strstr(err, "option '--output' needs a value") != NULL);
	UNIT_CHECK_INT(t, run(t, out, err, sizeof out, 2, "demo", "-o"), 1);
	UNIT_CHECK(t, strstr(err, "option '-o' needs a value") != NULL);
	UNIT_CHECK_INT(t, run(t, out, err, sizeof out, 4, "demo", "--log-format", "xml", "-o"), 1);
	UNIT_CHECK(t, strstr(err, "--log-format must be") != NULL);
	UNIT_CHECK_INT(t, count_lines(err), 1);
}

static void test_long_options_and_json(unit_t *t)
{
	char out[4096], err[4096];
	UNIT_CHECK_INT(t, run(t, out, err, sizeof out, 4, "demo", "--log-format=json", "--output", "x.bam"), 0);
	UNIT_CHECK(t, strstr(err, "\"msg\":\"writing x.bam threads 1 level 6\"") != NULL);
	UNIT_CHECK_INT(t, run(t, out, err, sizeof out, 3, "demo", "--quiet", "--output=y"), 0);
	UNIT_CHECK_STR(t, err, "");
}

/* -t, -@ and --threads set the same count; -l/--level takes 0..12. */
static void test_engine_options(unit_t *t)
{
	char out[4096], err[4096];
	UNIT_CHECK_INT(t, run(t, out, err, sizeof out, 4, "demo", "-t", "3", "-o=x"), 0);
	UNIT_CHECK(t, strstr(err, "threads 3 level 6") != NULL);
	UNIT_CHECK_INT(t, run(t, out, err, sizeof out, 5, "demo", "-@4", "-l", "12", "-ox"), 0);
	UNIT_CHECK(t, strstr(err, "threads 4 level 12") != NULL);
	UNIT_CHECK_INT(t, run(t, out, err, sizeof out, 4, "demo", "--threads=5", "--level=0", "-ox"), 0);
	UNIT_CHECK(t, strstr(err, "threads 5 level 0") != NULL);
	UNIT_CHECK_INT(t, run(t, out, err, sizeof out, 3, "demo", "-t9", "-ox"), 1);
	UNIT_CHECK(t, strstr(err, "thread count 1..8, not '9'") != NULL);
	UNIT_CHECK_INT(t, count_lines(err), 1);
	UNIT_CHECK_INT(t, run(t, out, err, sizeof out, 3, "demo", "--level=13", "-ox"), 1);
	UNIT_CHECK(t, strstr(err, "compression level 0..12, not '13'") != NULL);
	UNIT_CHECK_INT(t, run(t, out, err, sizeof out, 3, "demo", "-@", "-ox"), 1);
	UNIT_CHECK(t, strstr(err, "thread count") != NULL);
}

static void test_number_parsers(unit_t *t)
{
	long v = 0;
	uint64_t sz = 0;
	UNIT_CHECK_INT(t, gsa_parse_long("12", 1, 100, &v), 0);
	UNIT_CHECK_INT(t, v, 12);
	UNIT_CHECK_INT(t, gsa_parse_long("0", 1, 100, &v), -1);
	UNIT_CHECK_INT(t, gsa_parse_long("5x", 1, 100, &v), -1);
	UNIT_CHECK_INT(t, gsa_parse_long("", 1, 100, &v), -1);
	UNIT_CHECK_INT(t, gsa_parse_size("768M", &sz), 0);
	UNIT_CHECK(t, sz == 768ULL << 20);
	UNIT_CHECK_INT(t, gsa_parse_size("2G", &sz), 0);
	UNIT_CHECK(t, sz == 2ULL << 30);
	UNIT_CHECK_INT(t, gsa_parse_size("4096", &sz), 0);
	UNIT_CHECK(t, sz == 4096);
	UNIT_CHECK_INT(t, gsa_parse_size("1Q", &sz), -1);
	UNIT_CHECK_INT(t, gsa_parse_size("0", &sz), -1);
	UNIT_CHECK_INT(t, gsa_parse_size("-1M", &sz), -1);
	UNIT_CHECK_INT(t, gsa_parse_size("99999999999T", &sz), -1);
}

static void test_join_args(unit_t *t)
{
	char *argv[] = { "align", "map", "-R", "@RG\tID:x\tSM:y", "ref.fa" };
	char *s = gsa_cli_join_args(5, argv);
	UNIT_CHECK_STR(t, s, "align map -R @RG ID:x SM:y ref.fa");
	free(s);
	s = gsa_cli_join_args(0, argv);
	UNIT_CHECK_STR(t, s, "");
	free(s);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "cli");
	UNIT_RUN(&t, test_help);
	UNIT_RUN(&t, test_version);
	UNIT_RUN(&t, test_unknown_option);
	UNIT_RUN(&t, test_missing_value_and_bad_format);
	UNIT_RUN(&t, test_long_options_and_json);
	UNIT_RUN(&t, test_engine_options);
	UNIT_RUN(&t, test_number_parsers);
	UNIT_RUN(&t, test_join_args);
	return unit_finish(&t);
}
