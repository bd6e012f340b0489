/* cli.h — the command-line front-end shared by every tool.
 *
 * Every tool accepts --help/-h, --version/-V, --quiet, --verbose and
 * --log-format text|json.  A tool lists GSA_CLI_LONGOPTS at the end of its
 * getopt_long table, starts its short-option string with ':' and appends
 * GSA_CLI_SHORTOPTS, and hands every option it does not know itself to
 * gsa_cli_handle().  Usage errors are one line on stderr and exit code 1.
 *
 *     while ((c = getopt_long(argc, argv, ":o:" GSA_CLI_SHORTOPTS, opts, NULL)) != -1)
 *         switch (c) {
 *         case 'o': out = optarg; break;
 *         default: if ((rc = gsa_cli_handle(&cli, c, argv)) != GSA_CLI_CONTINUE) return rc;
 *         }
 *
 * The engine options, the same in every tool that has them: a tool with
 * threads adds GSA_CLI_THREADS_SHORTOPTS / _LONGOPTS and calls
 * gsa_cli_take_threads (then -t N, -@ N and --threads N all set it); a tool
 * writing BGZF adds GSA_CLI_LEVEL_* and calls gsa_cli_take_level (-l N,
 * --level N: libdeflate's 0..12, common/bgzf.h).
 */
#ifndef GSA_CLI_H
#define GSA_CLI_H

#include <getopt.h>
#include <stdint.h>

#include "err.h"
#include "log.h"

#ifndef GSA_VERSION
#define GSA_VERSION "0.0.0-unknown"
#endif

enum {
	GSA_CLI_OPT_LOG_FORMAT = 0x1001,
	GSA_CLI_OPT_QUIET,
	GSA_CLI_OPT_VERBOSE,
	GSA_CLI_OPT_FIRST_FREE = 0x1100 /* tools number their long-only options from here */
};

#define GSA_CLI_SHORTOPTS "hV"
#define GSA_CLI_LONGOPTS \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }, \
	{ "quiet", no_argument, NULL, GSA_CLI_OPT_QUIET }, \
	{ "verbose", no_argument, NULL, GSA_CLI_OPT_VERBOSE }, \
	{ "log-format", required_argument, NULL, GSA_CLI_OPT_LOG_FORMAT }, \
	{ NULL, 0, NULL, 0 }

/* -t N, -@ N, --threads N; -l N, --level N (gsa_cli_take_threads/_level) */
#define GSA_CLI_THREADS_SHORTOPTS "t:@:"
#define GSA_CLI_THREADS_LONGOPTS { "threads", required_argument, NULL, 't' }
#define GSA_CLI_LEVEL_SHORTOPTS "l:"
#define GSA_CLI_LEVEL_LONGOPTS { "level", required_argument, NULL, 'l' }

#define GSA_CLI_CONTINUE (-1)

typedef struct gsa_cli {
	const char *tool;  /* program name for messages */
	const char *usage; /* full --help text: usage, options, examples */
	gsa_log_t *log;    /* configured by --quiet/--verbose/--log-format */
	int *threads;      /* set by -t/-@/--threads when not NULL */
	int threads_min, threads_max;
	int *level;        /* set by -l/--level when not NULL */
} gsa_cli_t;

/* Set up cli and *log for `tool` (log defaults from gsa_log_init), and make
 * getopt quiet so gsa_cli_handle() words the errors.  Also honours
 * GSA_LOG_FORMAT=json from the environment (for containers). */
void gsa_cli_init(gsa_cli_t *cli, const char *tool, const char *usage, gsa_log_t *log);

/* Let gsa_cli_handle take -t N, -@ N and --threads N (min..max) into
 * *threads. */
void gsa_cli_take_threads(gsa_cli_t *cli, int *threads, int min, int max);

/* Let gsa_cli_handle take -l N and --level N (0..12, common/bgzf.h) into
 * *level. */
void gsa_cli_take_level(gsa_cli_t *cli, int *level);

/* Handle a getopt_long result the tool did not handle (also -t/-@/-l when
 * taken above).  Returns
 * GSA_CLI_CONTINUE when parsing goes on, GSA_OK after printing --help or
 * --version to stdout, GSA_EUSAGE after a one-line error for an unknown
 * option, a missing value or a bad --log-format. */
int gsa_cli_handle(gsa_cli_t *cli, int opt, char *const argv[]);

/* Print "TOOL: error: MESSAGE (see 'TOOL --help')" and return GSA_EUSAGE. */
int gsa_cli_usage_error(const gsa_cli_t *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Log err's message at error level and return its exit code (GSA_EINTERNAL
 * when the code is unset). */
int gsa_cli_fail(const gsa_cli_t *cli, const gsa_err_t *err);

/* The command line as one string for @PG CL / ##commandLine: arguments
 * joined by spaces, tabs and newlines turned into spaces.  Caller frees. */
char *gsa_cli_join_args(int argc, char *const argv[]);

/* The version string baked in at build time (git describe). */
const char *gsa_version(void);

/* Parse a whole decimal integer in [min, max].  Returns 0, or -1. */
int gsa_parse_long(const char *s, long min, long max, long *out);

/* Parse a byte size with an optional K/M/G/T suffix (powers of 1024), e.g.
 * "768M".  Returns 0, or -1 for junk, zero or overflow. */
int gsa_parse_size(const char *s, uint64_t *out);

#endif
