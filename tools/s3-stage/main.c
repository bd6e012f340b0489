/* s3-stage — move job inputs and outputs between S3 and local disk.
 * Thin front-end over common/aws/transfer.h. */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "aws/http.h"
#include "aws/transfer.h"
#include "cleanup.h"
#include "cli.h"

static const char usage[] =
	"Usage: s3-stage get [options] SRC... DEST\n"
	"       s3-stage put [options] SRC... DEST\n"
	"\n"
	"Copy objects between S3 and local disk, fast and safely: large objects move\n"
	"as parallel ranged GETs / multipart uploads, downloads are checked (size,\n"
	"CRC32C or MD5) before they are renamed into place, failed uploads are aborted.\n"
	"\n"
	"Locations: s3://bucket/key, s3://bucket/prefix/ (everything under it),\n"
	"s3://bucket/dir/NA12878* (glob on the last part), or local paths (files,\n"
	"folders, globs).  get writes locally, put reads local files; local-to-local\n"
	"copies work in both, so one job spec runs on a laptop and on AWS.\n"
	"With several sources, a prefix, a folder or a glob, DEST is a folder/prefix.\n"
	"\n"
	"Options:\n"
	"  -j, --jobs N            parallel requests (default: 8 per core, 16..64);\n"
	"                          also -t, -@, --threads N as in every gsa tool\n"
	"  -p, --part-size SIZE    bytes per ranged GET / upload part (default 16M)\n"
	"      --skip-existing     leave destinations with the same size and checksum\n"
	"      --endpoint-url URL  S3 endpoint (else AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL)\n"
	"      --region NAME       region (else AWS_REGION, AWS_DEFAULT_REGION, profile, IMDS)\n"
	"      --profile NAME      shared-file profile (else AWS_PROFILE, default)\n"
	"      --addressing MODE   auto, path or virtual (auto: path style for --endpoint-url)\n"
	"      --max-attempts N    attempts per request before giving up (default 8)\n"
	"      --timeout SECONDS   abort a request stalled this long, then retry (default 60)\n"
	"      --no-progress       no progress line even on a terminal\n"
	"  -h, --help              this help\n"
	"  -V, --version           version\n"
	"      --quiet, --verbose  less / more logging\n"
	"      --log-format F      text or json (the summary line then has objects, bytes,\n"
	"                          seconds, mb_per_s, retries)\n"
	"\n"
	"Exit codes: 0 ok, 1 usage, 2 checksum mismatch, 3 local I/O (missing file,\n"
	"permission, disk full), 4 S3/credentials/network, 5 internal, 130/143 signal.\n"
	"\n"
	"Examples:\n"
	"  s3-stage get s3://bucket/runs/r1/sample.bam .\n"
	"  s3-stage get --jobs 32 s3://bucket/ref/ /scratch/ref/\n"
	"  s3-stage get 's3://bucket/fastq/NA12878*' /scratch/in/\n"
	"  s3-stage put --skip-existing out/*.vcf.gz s3://bucket/runs/r1/\n"
	"  s3-stage put --endpoint-url http://127.0.0.1:4568 big.bam s3://test/big.bam\n";

/* The stop request: the one thing a signal handler may reach. */
static volatile sig_atomic_t g_stop_signal;

/* First SIGINT/SIGTERM/SIGHUP: ask the transfer to stop (it aborts requests
 * in flight, removes its temp files and aborts multipart uploads).  A
 * second one: remove temp files now and exit, as gsa_cleanup_install's
 * handler does. */
static void on_stop_signal(int sig)
{
	if (g_stop_signal) {
		gsa_cleanup_run();
		_exit(128 + sig);
	}
	g_stop_signal = sig;
}

static int stop_requested(void *ctx)
{
	(void)ctx;
	return g_stop_signal != 0;
}

static void install_stop_handlers(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigfillset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

enum {
	OPT_SKIP = GSA_CLI_OPT_FIRST_FREE,
	OPT_ENDPOINT,
	OPT_REGION,
	OPT_PROFILE,
	OPT_ADDRESSING,
	OPT_ATTEMPTS,
	OPT_TIMEOUT,
	OPT_NO_PROGRESS
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "jobs", required_argument, NULL, 'j' },
		{ "part-size", required_argument, NULL, 'p' },
		{ "skip-existing", no_argument, NULL, OPT_SKIP },
		{ "endpoint-url", required_argument, NULL, OPT_ENDPOINT },
		{ "region", required_argument, NULL, OPT_REGION },
		{ "profile", required_argument, NULL, OPT_PROFILE },
		{ "addressing", required_argument, NULL, OPT_ADDRESSING },
		{ "max-attempts", required_argument, NULL, OPT_ATTEMPTS },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
		GSA_CLI_THREADS_LONGOPTS,
		GSA_CLI_LONGOPTS
	};
	gsa_cli_t cli;
	gsa_log_t log;
	gsa_transfer_opts_t o;
	gsa_err_t err;
	int c, rc, no_progress = 0;
	long v;
	uint64_t sz;

	gsa_cli_init(&cli, "s3-stage", usage, &log);
	gsa_transfer_opts_init(&o);
	gsa_cli_take_threads(&cli, &o.jobs, 1, 1024); /* -t/-@/--threads: the same as -j */
	while ((c = getopt_long(argc, argv, ":j:p:" GSA_CLI_THREADS_SHORTOPTS GSA_CLI_SHORTOPTS, opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			if (gsa_parse_long(optarg, 1, 1024, &v)) return gsa_cli_usage_error(&cli, "--jobs must be 1..1024, not '%s'", optarg);
			o.jobs = (int)v;
			break;
		case 'p':
			if (gsa_parse_size(optarg, &sz) || sz < 5u * 1024 * 1024 || sz > 5ull << 30)
				return gsa_cli_usage_error(&cli, "--part-size must be 5M..5G, not '%s'", optarg);
			o.part_size = sz;
			break;
		case OPT_SKIP: o.skip_existing = 1; break;
		case OPT_ENDPOINT: o.s3.endpoint_url = optarg; break;
		case OPT_REGION: o.s3.region = optarg; break;
		case OPT_PROFILE: o.s3.profile = optarg; break;
		case OPT_ADDRESSING:
			if (!strcmp(optarg, "auto")) o.s3.addressing = GSA_S3_ADDR_AUTO;
			else if (!strcmp(optarg, "path")) o.s3.addressing = GSA_S3_ADDR_PATH;
			else if (!strcmp(optarg, "virtual")) o.s3.addressing = GSA_S3_ADDR_VIRTUAL;
			else return gsa_cli_usage_error(&cli, "--addressing must be auto, path or virtual, not '%s'", optarg);
			break;
		case OPT_ATTEMPTS:
			if (gsa_parse_long(optarg, 1, 100, &v)) return gsa_cli_usage_error(&cli, "--max-attempts must be 1..100, not '%s'", optarg);
			o.s3.max_attempts = (int)v;
			break;
		case OPT_TIMEOUT:
			if (gsa_parse_long(optarg, 1, 3600, &v)) return gsa_cli_usage_error(&cli, "--timeout must be 1..3600 seconds, not '%s'", optarg);
			o.s3.timeout_s = v;
			break;
		case OPT_NO_PROGRESS: no_progress = 1; break;
		default:
			if ((rc = gsa_cli_handle(&cli, c, argv)) != GSA_CLI_CONTINUE) return rc;
		}
	}
	if (optind >= argc) return gsa_cli_usage_error(&cli, "missing command: get or put");
	const char *cmd = argv[optind++];
	gsa_transfer_dir_t dir;
	if (!strcmp(cmd, "get")) dir = GSA_TRANSFER_GET;
	else if (!strcmp(cmd, "put")) dir = GSA_TRANSFER_PUT;
	else return gsa_cli_usage_error(&cli, "unknown command '%s' (get or put)", cmd);
	if (argc - optind < 2) return gsa_cli_usage_error(&cli, "%s needs at least one SRC and a DEST", cmd);
	o.progress = !no_progress && isatty(2) && log.format == GSA_LOG_TEXT && log.level >= GSA_LOG_INFO;

	gsa_cleanup_install();   /* temp files registered by gsa_atomic_* ... */
	install_stop_handlers(); /* ... but a stop first goes through the cancel hook */
	o.should_stop = stop_requested;
	gsa_err_clear(&err);
	if (gsa_http_global_init(&err)) return gsa_cli_fail(&cli, &err);
	gsa_transfer_stats_t st;
	rc = gsa_transfer(dir, (const char *const *)argv + optind, (size_t)(argc - optind - 1), argv[argc - 1], &o,
			  &log, &st, &err);
	gsa_http_global_cleanup();
	if (g_stop_signal) {
		/* stopped: what finished before stays, nothing partial does */
		if (rc) gsa_error(&log, "%s", err.msg);
		return 128 + g_stop_signal;
	}
	if (rc) return gsa_cli_fail(&cli, &err);
	double mbs = st.seconds > 0 ? st.bytes / st.seconds / 1e6 : 0;
	gsa_kv_t kv[] = { GSA_KV_NUM("objects", st.objects), GSA_KV_NUM("bytes", st.bytes),
			  GSA_KV_NUM("skipped", st.skipped), GSA_KV_NUM("seconds", st.seconds),
			  GSA_KV_NUM("mb_per_s", mbs), GSA_KV_NUM("retries", st.retries) };
	gsa_log_kv(&log, GSA_LOG_INFO, cmd, kv, 6);
	return GSA_OK;
}
