/* sort-index — coordinate (or name) sort of SAM/BAM into an indexed BAM,
 * in one pass, under a memory bound. */
#include "cli.h"
#include "cleanup.h"
#include "err.h"
#include "log.h"
#include "strbuf.h"
#include "si_sort.h"

#include <htslib/hts.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
	"Usage: sort-index [options] IN.bam|IN.sam|- -o OUT.bam\n"
	"\n"
	"Sort alignments by coordinate (or by read name with -n) and write OUT.bam\n"
	"with its index OUT.bam.bai (or .csi) in the same pass.  IN may be '-' for\n"
	"stdin (SAM, BAM or uncompressed BAM).  Sorted runs are spilled to temp files\n"
	"when the memory bound is reached; temp files are removed on success, error\n"
	"and SIGINT/SIGTERM.  Record order is that of samtools sort.\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE      output BAM (required); index written beside it\n"
	"  -@, -t, --threads N    extra threads for compression and sorting [0]\n"
	"  -m, --memory SIZE      memory per thread, K/M/G suffix [768M]\n"
	"  -l, --level N          libdeflate compression level 0-12 [6]; samtools'\n"
	"                         -l 6 matches -l 7 here (htslib shifts its levels)\n"
	"  -T, --tmp-dir DIR      folder for spilled runs [the output's folder]\n"
	"  -n, --by-name          sort by read name (natural order); no index\n"
	"      --csi              write a CSI index (default BAI, CSI when a contig\n"
	"                         is longer than 2^29-1)\n"
	"      --bai              always BAI (error if a contig is too long)\n"
	"      --no-index         do not write an index\n"
	"      --min-shift N      CSI min_shift [14]\n"
	"      --merge-width N    runs merged at once; more are first merged into\n"
	"                         one run (bounds open files) [64]\n"
	"  -h, --help             this help\n"
	"  -V, --version          version\n"
	"      --quiet, --verbose, --log-format text|json\n"
	"\n"
	"Exit codes: 0 ok, 1 usage, 2 bad input (truncated/corrupt, header mismatch),\n"
	"3 file or disk error (disk full), 5 internal, 130/143 interrupted.\n"
	"\n"
	"Examples:\n"
	"  sort-index -@2 -o sorted.bam aln.bam\n"
	"  align map ... | sort-index -@2 -m 1G -T /scratch - -o sorted.bam\n"
	"  sort-index -n -o byname.bam sorted.bam\n";

enum {
	OPT_CSI = GSA_CLI_OPT_FIRST_FREE,
	OPT_BAI,
	OPT_NO_INDEX,
	OPT_MIN_SHIFT,
	OPT_MERGE_WIDTH
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "memory", required_argument, NULL, 'm' },
		{ "tmp-dir", required_argument, NULL, 'T' },
		{ "by-name", no_argument, NULL, 'n' },
		{ "csi", no_argument, NULL, OPT_CSI },
		{ "bai", no_argument, NULL, OPT_BAI },
		{ "no-index", no_argument, NULL, OPT_NO_INDEX },
		{ "min-shift", required_argument, NULL, OPT_MIN_SHIFT },
		{ "merge-width", required_argument, NULL, OPT_MERGE_WIDTH },
		GSA_CLI_THREADS_LONGOPTS,
		GSA_CLI_LEVEL_LONGOPTS,
		GSA_CLI_LONGOPTS
	};
	gsa_log_t lg;
	gsa_cli_t cli;
	gsa_err_t err;
	si_opts_t o;
	si_stats_t st;
	char *cmdline;
	long v;
	int c, rc;

	gsa_cli_init(&cli, "sort-index", USAGE, &lg);
	si_opts_init(&o);
	gsa_cli_take_threads(&cli, &o.threads, 0, 256);
	gsa_cli_take_level(&cli, &o.level);
	while ((c = getopt_long(argc, argv, ":o:m:T:n" GSA_CLI_THREADS_SHORTOPTS GSA_CLI_LEVEL_SHORTOPTS GSA_CLI_SHORTOPTS,
				opts, NULL)) != -1) {
		switch (c) {
		case 'o': o.out = optarg; break;
		case 'm':
			if (gsa_parse_size(optarg, &o.mem_per_thread) < 0 || o.mem_per_thread < ((uint64_t)1 << 20))
				return gsa_cli_usage_error(&cli, "-m needs a size of at least 1M (e.g. 768M, 2G), got '%s'", optarg);
			break;
		case 'T': o.tmpdir = optarg; break;
		case 'n': o.order = SI_ORDER_NAME; break;
		case OPT_CSI: o.index = SI_IDX_CSI; break;
		case OPT_BAI: o.index = SI_IDX_BAI; break;
		case OPT_NO_INDEX: o.index = SI_IDX_NONE; break;
		case OPT_MIN_SHIFT:
			if (gsa_parse_long(optarg, 10, 20, &v) < 0)
				return gsa_cli_usage_error(&cli, "--min-shift needs 10-20, got '%s'", optarg);
			o.csi_min_shift = (int)v;
			break;
		case OPT_MERGE_WIDTH:
			if (gsa_parse_long(optarg, 2, 900, &v) < 0)
				return gsa_cli_usage_error(&cli, "--merge-width needs 2-900, got '%s'", optarg);
			o.max_runs = (int)v;
			break;
		default:
			if ((rc = gsa_cli_handle(&cli, c, argv)) != GSA_CLI_CONTINUE) return rc;
		}
	}
	if (optind + 1 != argc)
		return gsa_cli_usage_error(&cli, optind >= argc ? "missing input (a file, or - for stdin)"
								: "expected one input, got %d", argc - optind);
	o.in = argv[optind];
	if (!o.out) return gsa_cli_usage_error(&cli, "missing -o OUT.bam");
	if (!strcmp(o.out, "-"))
		return gsa_cli_usage_error(&cli, "-o needs a file (the index is written beside it), not stdout");

	gsa_cleanup_install();
	hts_set_log_level(lg.level >= GSA_LOG_DEBUG ? HTS_LOG_WARNING : HTS_LOG_OFF);
	cmdline = gsa_cli_join_args(argc, argv);
	o.pg_version = gsa_version();
	o.pg_cmdline = cmdline;
	gsa_err_clear(&err);
	rc = si_sort_run(&o, &lg, &st, &err);
	free(cmdline);
	if (rc < 0) return gsa_cli_fail(&cli, &err);
	{
		gsa_kv_t kv[] = {
			GSA_KV_STR("output", o.out),
			GSA_KV_NUM("records", st.n_records),
			GSA_KV_NUM("runs", st.n_runs),
			GSA_KV_NUM("spill_bytes", st.spill_bytes),
			GSA_KV_NUM("mem_limit", st.mem_limit),
			GSA_KV_STR("index", st.index == GSA_INDEX_BAI ? "bai" : st.index == GSA_INDEX_CSI ? "csi" : "none"),
		};
		gsa_log_kv(&lg, GSA_LOG_INFO, "sorted", kv, (int)(sizeof kv / sizeof kv[0]));
	}
	return GSA_OK;
}
