#include "cli.h"
#include "bgzf.h"
#include "strbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *gsa_version(void)
{
	return GSA_VERSION;
}

void gsa_cli_init(gsa_cli_t *cli, const char *tool, const char *usage, gsa_log_t *log)
{
	const char *env = getenv("GSA_LOG_FORMAT");
	cli->tool = tool;
	cli->usage = usage;
	cli->log = log;
	cli->threads = NULL;
	cli->level = NULL;
	gsa_log_init(log, tool);
	if (env) gsa_log_parse_format(env, &log->format);
	opterr = 0;
}

void gsa_cli_take_threads(gsa_cli_t *cli, int *threads, int min, int max)
{
	cli->threads = threads;
	cli->threads_min = min;
	cli->threads_max = max;
}

void gsa_cli_take_level(gsa_cli_t *cli, int *level)
{
	cli->level = level;
}

int gsa_cli_usage_error(const gsa_cli_t *cli, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	gsa_log_msg(cli->log, GSA_LOG_ERROR, "%s (see '%s --help')", msg, cli->tool);
	return GSA_EUSAGE;
}

static const char *offending_option(char *const argv[], char *buf, size_t size)
{
	const char *arg = optind > 0 ? argv[optind - 1] : NULL;
	if (arg && arg[0] == '-' && arg[1] == '-') {
		/* long option: show it without any "=value" */
		size_t n = strcspn(arg, "=");
		snprintf(buf, size, "%.*s", (int)n, arg);
	} else {
		snprintf(buf, size, "-%c", optopt ? optopt : '?');
	}
	return buf;
}

int gsa_cli_handle(gsa_cli_t *cli, int opt, char *const argv[])
{
	char name[128];
	long v;
	switch (opt) {
	case 'h':
		fputs(cli->usage, stdout);
		return fflush(stdout) == 0 ? GSA_OK : GSA_EIO;
	case 'V':
		printf("%s (gsa) %s\n", cli->tool, gsa_version());
		return fflush(stdout) == 0 ? GSA_OK : GSA_EIO;
	case GSA_CLI_OPT_QUIET:
		cli->log->level = GSA_LOG_ERROR;
		return GSA_CLI_CONTINUE;
	case GSA_CLI_OPT_VERBOSE:
		cli->log->level = GSA_LOG_DEBUG;
		return GSA_CLI_CONTINUE;
	case GSA_CLI_OPT_LOG_FORMAT:
		if (gsa_log_parse_format(optarg, &cli->log->format) < 0)
			return gsa_cli_usage_error(cli, "--log-format must be 'text' or 'json', not '%s'", optarg);
		return GSA_CLI_CONTINUE;
	case 't':
	case '@':
		if (!cli->threads) break;
		if (gsa_parse_long(optarg, cli->threads_min, cli->threads_max, &v) < 0)
			return gsa_cli_usage_error(cli, "-%c needs a thread count %d..%d, not '%s'", opt,
						   cli->threads_min, cli->threads_max, optarg);
		*cli->threads = (int)v;
		return GSA_CLI_CONTINUE;
	case 'l':
		if (!cli->level) break;
		if (gsa_parse_long(optarg, 0, GSA_BGZF_LEVEL_MAX, &v) < 0)
			return gsa_cli_usage_error(cli, "-l needs a compression level 0..%d, not '%s'",
						   GSA_BGZF_LEVEL_MAX, optarg);
		*cli->level = (int)v;
		return GSA_CLI_CONTINUE;
	case ':':
		return gsa_cli_usage_error(cli, "option '%s' needs a value",
					   offending_option(argv, name, sizeof name));
	case '?':
		return gsa_cli_usage_error(cli, "unknown option '%s'",
					   offending_option(argv, name, sizeof name));
	default:
		break;
	}
	return gsa_cli_usage_error(cli, "option '%c' is not handled", opt);
}

int gsa_cli_fail(const gsa_cli_t *cli, const gsa_err_t *err)
{
	int code = err->code != GSA_OK ? err->code : GSA_EINTERNAL;
	gsa_log_msg(cli->log, GSA_LOG_ERROR, "%s", err->msg[0] ? err->msg : "unknown error");
	return code;
}

int gsa_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;
	if (!s || !*s) return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max) return -1;
	*out = v;
	return 0;
}

int gsa_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;
	if (!s || *s < '0' || *s > '9') return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno) return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	default: break;
	}
	if ((*end == 'b' || *end == 'B') && shift) end++;
	if (*end || v == 0 || (shift && v > (~0ULL >> shift))) return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

char *gsa_cli_join_args(int argc, char *const argv[])
{
	gsa_strbuf_t b;
	const char *p;
	int i;
	gsa_strbuf_init(&b);
	for (i = 0; i < argc; i++) {
		if (i) gsa_strbuf_appendc(&b, ' ');
		for (p = argv[i]; *p; p++) gsa_strbuf_appendc(&b, (*p == '\t' || *p == '\n' || *p == '\r') ? ' ' : *p);
	}
	return gsa_strbuf_detach(&b);
}
