/* align — paired-end short-read aligner (index + map). */
#include "cleanup.h"
#include "cli.h"
#include "err.h"
#include "al_alt.h"
#include "al_index.h"
#include "al_metrics.h"
#include "alloc.h"
#include "progress.h"
#include "log.h"
#include "io.h"
#include "path.h"
#include "al_pipeline.h"
#include "al_refseq.h"
#include "al_samout.h"
#include "strbuf.h"

#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static const char USAGE[] =
	"Usage: align index [options] REF.fa[.gz]\n"
	"       align map [options] REF.fa R1.fq[.gz] [R2.fq[.gz]]\n"
	"\n"
	"Paired-end short-read aligner: minimizer seeds, diagonal clustering,\n"
	"banded affine-gap alignment, insert-size aware pairing with mate rescue.\n"
	"\n"
	"align index: build REF" ALIGN_INDEX_SUFFIX " (one mmap-able file)\n"
	"  -o, --prefix PREFIX      write PREFIX" ALIGN_INDEX_SUFFIX " instead\n"
	"  -k, --kmer K             minimizer length (odd, 11-31; default 19)\n"
	"  -w, --window W           minimizer window (1-64; default 10)\n"
	"      --fai                also write REF.fai (samtools faidx format)\n"
	"      --check              check an existing index in full (every checksum)\n"
	"\n"
	"align map: write BAM (uncompressed to stdout, compressed with -o)\n"
	"  -o, --output FILE        BAM file, written atomically (default: stdout)\n"
	"  -t, -@, --threads N      threads (default 1); output is the same for any N\n"
	"  -R, --read-group LINE    '@RG\\tID:..\\tSM:..' header line, RG:Z tag on records\n"
	"  -l, --level N            BGZF level, libdeflate's 0-12 as in every gsa tool\n"
	"                           (default 7 with -o: the size htslib's default gives;\n"
	"                           0 on stdout)\n"
	"  -p, --interleaved        R1 holds both mates, one after the other\n"
	"  -K, --batch N            templates per batch (default 20000)\n"
	"      --metrics FILE       write mapping metrics as JSON (flagstat counts, MAPQ and\n"
	"                           insert-size histograms, mismatch rate by cycle)\n"
	"      --max-occ N          skip minimizers with more hits (default 500)\n"
	"      --verify             check every index checksum at load (default: only\n"
	"                           when the index changed since its last full check)\n"
	"      --kernel NAME        alignment kernel: auto (default), avx2, sse4.1, scalar;\n"
	"                           all give the same output\n"
	"      --alt FILE           ALT contigs, one name per line in the first column\n"
	"                           ('@'/'#' lines ignored; bwa's .alt works); default:\n"
	"                           REF.alt when it exists.  ALT hits do not lower a\n"
	"                           primary's MAPQ and are listed in XA\n"
	"  Use '-' for stdin.  Without R2 (and without -p) reads are single-end.\n"
	"\n"
	"Common options:\n"
	"  -h, --help  -V, --version  --quiet  --verbose  --log-format text|json\n"
	"\n"
	"Exit codes: 0 ok, 1 usage, 2 bad input (FASTA/FASTQ, missing or stale\n"
	"index), 3 I/O, 5 internal.\n"
	"\n"
	"Examples:\n"
	"  align index ref.fa\n"
	"  align map -t 4 -R '@RG\\tID:s1\\tSM:s1' ref.fa r1.fq.gz r2.fq.gz -o s1.bam\n"
	"  align map -t 4 ref.fa r1.fq.gz r2.fq.gz | sort-index -o s1.sorted.bam -\n";

enum { OPT_MAX_OCC = GSA_CLI_OPT_FIRST_FREE, OPT_INTERLEAVED, OPT_METRICS, OPT_VERIFY, OPT_CHECK, OPT_KERNEL, OPT_ALT };

static double peak_rss_mb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0;
}

/* align index --check REF|PREFIX[.gsai]: every checksum of an existing index. */
static int cmd_index_check(const char *arg, gsa_cli_t *cli)
{
	size_t n = strlen(arg), sl = strlen(ALIGN_INDEX_SUFFIX);
	char *path = n > sl && strcmp(arg + n - sl, ALIGN_INDEX_SUFFIX) == 0 ? gsa_strdup_printf("%s", arg)
									  : gsa_strdup_printf("%s%s", arg, ALIGN_INDEX_SUFFIX);
	gsa_err_t err;
	double sec = 0;
	uint64_t bytes = 0;
	gsa_err_clear(&err);
	if (al_index_check(path, &sec, &bytes, &err) < 0) {
		free(path);
		return gsa_cli_fail(cli, &err);
	}
	gsa_kv_t kv[] = { GSA_KV_STR("index", path), GSA_KV_NUM("bytes", (double)bytes), GSA_KV_NUM("seconds", sec) };
	gsa_log_kv(cli->log, GSA_LOG_INFO, "index checked", kv, 3);
	free(path);
	return GSA_OK;
}

static int cmd_index(int argc, char **argv, gsa_cli_t *cli)
{
	static const struct option opts[] = {
		{ "prefix", required_argument, NULL, 'o' },
		{ "kmer", required_argument, NULL, 'k' },
		{ "window", required_argument, NULL, 'w' },
		{ "fai", no_argument, NULL, 256 },
		{ "check", no_argument, NULL, OPT_CHECK },
		GSA_CLI_LONGOPTS
	};
	const char *prefix = NULL;
	int want_fai = 0, check = 0;
	long k = 19, w = 10;
	int c, rc;
	al_refseq_t ref;
	gsa_err_t err;
	al_index_build_stats_t st;
	char *out;
	gsa_err_clear(&err);
	while ((c = getopt_long(argc, argv, ":o:k:w:" GSA_CLI_SHORTOPTS, opts, NULL)) != -1) {
		switch (c) {
		case 'o': prefix = optarg; break;
		case 256: want_fai = 1; break;
		case OPT_CHECK: check = 1; break;
		case 'k':
			if (gsa_parse_long(optarg, 11, 31, &k) < 0 || k % 2 == 0)
				return gsa_cli_usage_error(cli, "-k: expected an odd number in 11..31, got '%s'", optarg);
			break;
		case 'w':
			if (gsa_parse_long(optarg, 1, 64, &w) < 0)
				return gsa_cli_usage_error(cli, "-w: expected a number in 1..64, got '%s'", optarg);
			break;
		default:
			if ((rc = gsa_cli_handle(cli, c, argv)) != GSA_CLI_CONTINUE) return rc;
		}
	}
	if (argc - optind != 1) return gsa_cli_usage_error(cli, "index: expected one reference FASTA");
	if (check) return cmd_index_check(argv[optind], cli);
	if (al_refseq_load(&ref, argv[optind], &err) < 0) return gsa_cli_fail(cli, &err);
	out = gsa_strdup_printf("%s%s", prefix ? prefix : argv[optind], ALIGN_INDEX_SUFFIX);
	rc = al_index_build(&ref, (int)k, (int)w, 0, out, &st, &err);
	if (rc == 0 && want_fai) rc = al_index_write_fai(argv[optind], &err);
	if (rc == 0) {
		int64_t sz = gsa_file_size(out);
		gsa_kv_t kv[] = { GSA_KV_STR("index", out), GSA_KV_NUM("contigs", ref.n_contigs),
				  GSA_KV_NUM("bases", (double)ref.total), GSA_KV_NUM("minimizers", (double)st.n_minimizers),
				  GSA_KV_NUM("bytes", (double)sz), GSA_KV_NUM("passes", st.passes),
				  GSA_KV_NUM("seconds", st.seconds), GSA_KV_NUM("peak_rss_mb", peak_rss_mb()) };
		gsa_log_kv(cli->log, GSA_LOG_INFO, "index built", kv, 8);
	}
	al_refseq_free(&ref);
	free(out);
	return rc == 0 ? GSA_OK : gsa_cli_fail(cli, &err);
}

/* "align " + the subcommand's arguments, for the @PG CL field. */
static char *join_args(int argc, char **argv)
{
	char *args = gsa_cli_join_args(argc, argv);
	char *cl = gsa_strdup_printf("align %s", args);
	free(args);
	return cl;
}

/* The ALT list: --alt FILE, else REF.alt when it exists (bwa's
 * convention), else none (*is_alt NULL).  Logs which was used.  Returns 0
 * or -1 with err set. */
static int load_alt(const al_index_t *ix, const char *opt_path, const char *ref, char **auto_path, uint8_t **is_alt,
		    gsa_cli_t *cli, gsa_err_t *err)
{
	const char *path = opt_path;
	const char **names;
	int i, n = (int)ix->h->n_contigs, n_alt = 0, rc;
	struct stat sb;
	*is_alt = NULL;
	if (!path) {
		*auto_path = gsa_strdup_printf("%s.alt", ref);
		if (stat(*auto_path, &sb) != 0) return 0;
		path = *auto_path;
	}
	names = gsa_xmalloc(((size_t)n + 1) * sizeof *names);
	for (i = 0; i < n; i++) names[i] = al_index_contig_name(ix, i);
	rc = al_alt_load(path, names, n, is_alt, &n_alt, err);
	free(names);
	if (rc < 0) return -1;
	gsa_kv_t kv[] = { GSA_KV_STR("file", path), GSA_KV_STR("from", opt_path ? "--alt" : "beside the reference"),
			  GSA_KV_NUM("alt_contigs", n_alt), GSA_KV_NUM("contigs", n) };
	gsa_log_kv(cli->log, GSA_LOG_INFO, "ALT contigs", kv, 4);
	return 0;
}

static int cmd_map(int argc, char **argv, gsa_cli_t *cli)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "read-group", required_argument, NULL, 'R' },
		{ "interleaved", no_argument, NULL, 'p' },
		{ "batch", required_argument, NULL, 'K' },
		{ "max-occ", required_argument, NULL, OPT_MAX_OCC },
		{ "metrics", required_argument, NULL, OPT_METRICS },
		{ "verify", no_argument, NULL, OPT_VERIFY },
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "alt", required_argument, NULL, OPT_ALT },
		GSA_CLI_THREADS_LONGOPTS,
		GSA_CLI_LEVEL_LONGOPTS,
		GSA_CLI_LONGOPTS
	};
	al_run_opts_t o;
	al_metrics_t metrics;
	gsa_progress_t progress;
	const char *metrics_path = NULL, *alt_path = NULL;
	char *alt_auto = NULL;
	uint8_t *is_alt = NULL;
	al_run_stats_t st;
	al_index_t ix;
	gsa_err_t err;
	const char *rg = NULL;
	char *rg_line = NULL, *rg_id = NULL, *idx_path, *cmdline;
	long v;
	int c, rc, load_flags = 0;
	struct stat sb;
	memset(&o, 0, sizeof o);
	al_map_opts_default(&o.mo);
	o.threads = 1;
	o.batch = 20000;
	o.level = -1;
	gsa_cli_take_threads(cli, &o.threads, 1, 64);
	gsa_cli_take_level(cli, &o.level);
	gsa_err_clear(&err);
	cmdline = join_args(argc, argv);
	while ((c = getopt_long(argc, argv, ":o:R:pK:" GSA_CLI_THREADS_SHORTOPTS GSA_CLI_LEVEL_SHORTOPTS GSA_CLI_SHORTOPTS, opts, NULL)) != -1) {
		switch (c) {
		case 'o': o.out_path = strcmp(optarg, "-") ? optarg : NULL; break; /* "-": stdout */
		case 'R': rg = optarg; break;
		case 'p': o.interleaved = 1; break;
		case OPT_METRICS: metrics_path = optarg; break;
		case OPT_ALT:
			/* stdin is the reads' ("-" as R1) */
			if (strcmp(optarg, "-") == 0) { free(cmdline); return gsa_cli_usage_error(cli, "--alt: give the list as a file, not '-'"); }
			alt_path = optarg;
			break;
		case 'K':
			if (gsa_parse_long(optarg, 1, 10000000, &v) < 0) { free(cmdline); return gsa_cli_usage_error(cli, "-K: expected 1..10000000, got '%s'", optarg); }
			o.batch = (int)v;
			break;
		case OPT_VERIFY: load_flags |= AL_INDEX_VERIFY; break;
		case OPT_MAX_OCC:
			if (gsa_parse_long(optarg, 1, 1000000, &v) < 0) { free(cmdline); return gsa_cli_usage_error(cli, "--max-occ: expected 1..1000000, got '%s'", optarg); }
			o.mo.max_occ = (int)v;
			break;
		case OPT_KERNEL:
			if (al_extend_kernel_parse(optarg, &o.mo.kernel) < 0) { free(cmdline); return gsa_cli_usage_error(cli, "--kernel: expected auto, avx2, sse4.1 or scalar, got '%s'", optarg); }
			if (!al_extend_kernel_supported(o.mo.kernel)) { free(cmdline); return gsa_cli_usage_error(cli, "--kernel: this CPU does not run '%s'", optarg); }
			break;
		default:
			if ((rc = gsa_cli_handle(cli, c, argv)) != GSA_CLI_CONTINUE) { free(cmdline); return rc; }
		}
	}
	if (argc - optind < 2 || argc - optind > 3) {
		free(cmdline);
		return gsa_cli_usage_error(cli, "map: expected REF R1.fq [R2.fq]");
	}
	if (!o.out_path && isatty(STDOUT_FILENO)) {
		free(cmdline);
		return gsa_cli_usage_error(cli, "map: refusing to write BAM to a terminal (use -o FILE or a pipe)");
	}
	if (o.interleaved && argc - optind == 3) {
		free(cmdline);
		return gsa_cli_usage_error(cli, "map: --interleaved takes one FASTQ");
	}
	if (rg) {
		if (al_samout_parse_rg(rg, &rg_line, &rg_id, &err) < 0) {
			free(cmdline);
			return gsa_cli_usage_error(cli, "%s", err.msg);
		}
		o.rg_line = rg_line;
		o.rg_id = rg_id;
	}
	for (int i = optind; o.out_path && i < argc; i++) /* -o naming the reference or a FASTQ would replace it */
		if (gsa_output_not_input(o.out_path, argv[i], &err) < 0) {
			free(cmdline);
			free(rg_line);
			free(rg_id);
			return gsa_cli_fail(cli, &err);
		}
	o.cmdline = cmdline;
#ifdef __GLIBC__
	/* every batch allocates and frees the same amounts: keep the memory
	 * instead of returning it to the kernel and faulting it back in */
	mallopt(M_TRIM_THRESHOLD, 512 << 20);
	mallopt(M_TOP_PAD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
#endif
	idx_path = gsa_strdup_printf("%s%s", argv[optind], ALIGN_INDEX_SUFFIX);
	al_metrics_init(&metrics);
	o.metrics = metrics_path ? &metrics : NULL;
	gsa_progress_init(&progress, cli->log, "reads", 0);
	o.progress = &progress;
	rc = al_index_load(&ix, idx_path, stat(argv[optind], &sb) == 0 && S_ISREG(sb.st_mode) ? argv[optind] : NULL,
			   load_flags, &err);
	if (rc == 0) {
		gsa_kv_t kv[] = { GSA_KV_STR("index", idx_path), GSA_KV_NUM("bytes", (double)ix.map_len),
				  GSA_KV_NUM("load_seconds", ix.load_seconds), GSA_KV_NUM("verified", ix.verified),
				  GSA_KV_NUM("verify_seconds", ix.verify_seconds) };
		gsa_log_kv(cli->log, GSA_LOG_DEBUG, "index loaded", kv, 5);
		rc = load_alt(&ix, alt_path, argv[optind], &alt_auto, &is_alt, cli, &err);
		o.mo.is_alt = is_alt;
		if (rc == 0) rc = al_run(&ix, &o, argv[optind + 1], argc - optind == 3 ? argv[optind + 2] : NULL, cli->log, &st, &err);
		al_index_close(&ix);
	}
	if (rc == 0) gsa_progress_finish(&progress);
	else gsa_progress_stop(&progress);
	if (rc == 0 && metrics_path) {
		char *sample = NULL, *end;
		if (rg_line && (sample = strstr(rg_line, "\tSM:"))) {
			sample = gsa_xstrdup(sample + 4);
			if ((end = strchr(sample, '\t'))) *end = '\0';
		}
		rc = al_metrics_write(&metrics, metrics_path, sample, st.ins.mean, st.ins.sd, &err);
		free(sample);
	}
	al_metrics_free(&metrics);
	if (rc == 0) {
		gsa_kv_t kv[] = { GSA_KV_NUM("reads", (double)st.n_reads), GSA_KV_NUM("mapped", (double)st.n_mapped),
				  GSA_KV_NUM("proper", (double)st.n_proper), GSA_KV_NUM("supplementary", (double)st.n_supp),
				  GSA_KV_NUM("peak_rss_mb", peak_rss_mb()) };
		gsa_log_kv(cli->log, GSA_LOG_INFO, "mapped", kv, 5);
	}
	free(idx_path);
	free(is_alt);
	free(alt_auto);
	free(rg_line);
	free(rg_id);
	free(cmdline);
	return rc == 0 ? GSA_OK : gsa_cli_fail(cli, &err);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = { GSA_CLI_LONGOPTS };
	gsa_log_t lg;
	gsa_cli_t cli;
	int c, rc;
	gsa_cleanup_install();
	gsa_cli_init(&cli, "align", USAGE, &lg);
	if (argc > 1 && strcmp(argv[1], "index") == 0) return cmd_index(argc - 1, argv + 1, &cli);
	if (argc > 1 && strcmp(argv[1], "map") == 0) return cmd_map(argc - 1, argv + 1, &cli);
	/* common options may come before the command ("+": stop at it) */
	while ((c = getopt_long(argc, argv, "+:" GSA_CLI_SHORTOPTS, opts, NULL)) != -1)
		if ((rc = gsa_cli_handle(&cli, c, argv)) != GSA_CLI_CONTINUE) return rc;
	if (optind < argc && (strcmp(argv[optind], "index") == 0 || strcmp(argv[optind], "map") == 0)) {
		int first = optind;
		optind = 1;
		if (strcmp(argv[first], "index") == 0) return cmd_index(argc - first, argv + first, &cli);
		return cmd_map(argc - first, argv + first, &cli);
	}
	if (optind < argc) return gsa_cli_usage_error(&cli, "unknown command '%s' (expected 'index' or 'map')", argv[optind]);
	return gsa_cli_usage_error(&cli, "expected a command: 'index' or 'map'");
}
