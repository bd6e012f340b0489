/* call-variants — germline SNP and indel calling from sorted, indexed BAMs. */
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/hts_log.h>

#include "alloc.h"
#include "bgzf.h"
#include "cleanup.h"
#include "cli.h"
#include "cv_call.h"
#include "cv_input.h"
#include "cv_merge.h"
#include "cv_opts.h"
#include "path.h"
#include "strbuf.h"

static const char USAGE[] =
	"Usage: call-variants -f REF.fa [-r REGION | -R regions.bed] [-@ N] -o OUT.vcf.gz IN.bam [IN2.bam ...]\n"
	"       call-variants merge [-@ N] [-l N] -o ALL.vcf.gz PART.vcf.gz [PART2.vcf.gz ...]\n"
	"       (a PART with * ? [ that names no file stands for the files it matches)\n"
	"\n"
	"Germline SNPs, multi-allelic sites and small indels, one diploid genotype per\n"
	"sample (the SM of each @RG).  Writes a bgzipped VCF 4.2 with only variant\n"
	"sites, and its .tbi index, atomically.  'merge' joins per-region outputs\n"
	"(in any order) into one VCF sorted in contig order, indexed.\n"
	"\n"
	"Options:\n"
	"  -f, --fasta-ref FILE     reference FASTA with .fai (required; built if missing)\n"
	"  -r, --region REG         chr, chr:from-to, or a comma-separated list\n"
	"  -R, --regions-file BED   regions from a BED file\n"
	"  -o, --output FILE        output VCF (.vcf.gz; FILE.tbi is written beside it)\n"
	"  -@, -t, --threads N      threads calling and compressing (1); the output does\n"
	"                           not depend on N (merge: compressing)\n"
	"  -l, --level N            BGZF compression level, libdeflate's 0-12 as in every\n"
	"                           gsa tool (7, the size htslib's default level gives)\n"
	"  -q, --min-MQ N           skip reads with mapping quality below N (0)\n"
	"  -Q, --min-BQ N           skip bases with quality below N (13)\n"
	"      --cap-BQ N           count SNP base qualities above N as N (28)\n"
	"  -d, --max-depth N        keep at most N reads per BAM over a position, 0 = all (500)\n"
	"      --keep-duplicates    use reads flagged as duplicates (skipped by default)\n"
	"      --min-alt-reads N    reads an allele needs to be considered (2)\n"
	"      --min-qual X         do not write sites with QUAL below X (10)\n"
	"      --lowqual X          FILTER LowQual below this QUAL (20)\n"
	"      --chunk-size N       bases per work unit (100000)\n"
	"  -h, --help               this help\n"
	"  -V, --version            version\n"
	"      --quiet, --verbose   less or more logging on stderr\n"
	"      --log-format F       text (default) or json\n"
	"\n"
	"Reads that are unmapped, secondary, QC-failed or duplicates are skipped.\n"
	"Exit codes: 0 ok, 1 usage, 2 bad input (no BAM index, reference not matching\n"
	"the BAM header, unknown contig, truncated BAM), 3 I/O, 5 internal.\n"
	"\n"
	"Examples:\n"
	"  call-variants -f ref.fa -r chr20 -o chr20.vcf.gz aln.bam\n"
	"  call-variants -f ref.fa -@ 4 -o all.vcf.gz sample1.bam sample2.bam\n"
	"  call-variants merge -o all.vcf.gz chr1.vcf.gz chr2.vcf.gz chrX.vcf.gz\n";

enum {
	OPT_KEEP_DUPS = GSA_CLI_OPT_FIRST_FREE,
	OPT_MIN_ALT,
	OPT_MIN_QUAL,
	OPT_LOWQUAL,
	OPT_CHUNK,
	OPT_CAP_BQ,
};

static int parse_double(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || v != v) return -1;
	*out = v;
	return 0;
}

static void set_hts_log(const gsa_log_t *log)
{
	hts_set_log_level(log->level >= GSA_LOG_DEBUG ? HTS_LOG_WARNING : HTS_LOG_OFF);
}

/* The merge parts: each argument as it is, except that one holding a glob
 * character (* ? [) and naming no file is replaced by the files it matches,
 * in name order (a job's fixed command line cannot list a variable number of
 * per-chromosome parts).  Returns a NULL-terminated array of copies (free
 * with merge_free_parts) and their count in *n_out, or NULL with err set
 * (GSA_EIO) when a pattern matches nothing. */
static char **merge_expand_parts(char **args, int n, int *n_out, gsa_err_t *err)
{
	size_t k = 0, cap = (size_t)n + 1;
	char **parts = gsa_xcalloc(cap, sizeof *parts);
	for (int i = 0; i < n; i++) {
		if (!strpbrk(args[i], "*?[") || gsa_path_exists(args[i])) {
			parts = gsa_xgrow(parts, &cap, k + 2, sizeof *parts);
			parts[k++] = gsa_xstrdup(args[i]);
			continue;
		}
		glob_t gl;
		int rc = glob(args[i], 0, NULL, &gl);
		if (rc != 0) {
			if (rc != GLOB_NOMATCH) globfree(&gl);
			parts[k] = NULL;
			for (size_t j = 0; j < k; j++) free(parts[j]);
			free(parts);
			return rc == GLOB_NOMATCH ? (gsa_err_set(err, GSA_EIO, "%s: no file matches this pattern", args[i]), NULL)
						  : (gsa_err_set(err, GSA_EIO, "%s: cannot list the matching files", args[i]), NULL);
		}
		for (size_t j = 0; j < gl.gl_pathc; j++) {
			parts = gsa_xgrow(parts, &cap, k + 2, sizeof *parts);
			parts[k++] = gsa_xstrdup(gl.gl_pathv[j]);
		}
		globfree(&gl);
	}
	parts[k] = NULL;
	*n_out = (int)k;
	return parts;
}

static void merge_free_parts(char **parts)
{
	for (size_t i = 0; parts && parts[i]; i++) free(parts[i]);
	free(parts);
}

static int main_merge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		GSA_CLI_THREADS_LONGOPTS,
		GSA_CLI_LEVEL_LONGOPTS,
		GSA_CLI_LONGOPTS
	};
	gsa_log_t log;
	gsa_cli_t cli;
	gsa_cli_init(&cli, "call-variants", USAGE, &log);
	const char *out = NULL;
	int c, rc, nthreads = 1, level = GSA_BGZF_LEVEL_HTSLIB;
	gsa_cli_take_threads(&cli, &nthreads, 1, 256);
	gsa_cli_take_level(&cli, &level);
	while ((c = getopt_long(argc, argv, ":o:" GSA_CLI_THREADS_SHORTOPTS GSA_CLI_LEVEL_SHORTOPTS GSA_CLI_SHORTOPTS,
				opts, NULL)) != -1)
		switch (c) {
		case 'o': out = optarg; break;
		default:
			if ((rc = gsa_cli_handle(&cli, c, argv)) != GSA_CLI_CONTINUE) return rc;
		}
	if (!out) return gsa_cli_usage_error(&cli, "merge: -o ALL.vcf.gz is required");
	if (!strcmp(out, "-"))
		return gsa_cli_usage_error(&cli, "merge: -o - is not possible: the VCF gets a .tbi index beside it; give a file");
	if (optind >= argc) return gsa_cli_usage_error(&cli, "merge: no input VCFs");
	set_hts_log(&log);
	gsa_err_t err;
	gsa_err_clear(&err);
	char *cmd = gsa_cli_join_args(argc, argv);
	long n = 0;
	int n_parts = 0;
	char **parts = merge_expand_parts(argv + optind, argc - optind, &n_parts, &err);
	if (!parts) {
		free(cmd);
		return gsa_cli_fail(&cli, &err);
	}
	rc = cv_merge_run(parts, n_parts, out, cmd, level, nthreads, &n, &err);
	free(cmd);
	merge_free_parts(parts);
	if (rc < 0) return gsa_cli_fail(&cli, &err);
	gsa_log_kv(&log, GSA_LOG_INFO, "merged",
		   (gsa_kv_t[]){ GSA_KV_STR("output", out), GSA_KV_NUM("parts", n_parts), GSA_KV_NUM("records", n) }, 3);
	return GSA_OK;
}

static int main_call(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fasta-ref", required_argument, NULL, 'f' },
		{ "region", required_argument, NULL, 'r' },
		{ "regions-file", required_argument, NULL, 'R' },
		{ "output", required_argument, NULL, 'o' },
		{ "min-MQ", required_argument, NULL, 'q' },
		{ "min-BQ", required_argument, NULL, 'Q' },
		{ "keep-duplicates", no_argument, NULL, OPT_KEEP_DUPS },
		{ "min-alt-reads", required_argument, NULL, OPT_MIN_ALT },
		{ "min-qual", required_argument, NULL, OPT_MIN_QUAL },
		{ "lowqual", required_argument, NULL, OPT_LOWQUAL },
		{ "chunk-size", required_argument, NULL, OPT_CHUNK },
		{ "cap-BQ", required_argument, NULL, OPT_CAP_BQ },
		{ "max-depth", required_argument, NULL, 'd' },
		GSA_CLI_THREADS_LONGOPTS,
		GSA_CLI_LEVEL_LONGOPTS,
		GSA_CLI_LONGOPTS
	};
	gsa_log_t log;
	gsa_cli_t cli;
	gsa_cli_init(&cli, "call-variants", USAGE, &log);
	cv_opts_t o;
	cv_opts_init(&o);
	gsa_cli_take_threads(&cli, &o.nthreads, 1, 256);
	gsa_cli_take_level(&cli, &o.level);
	const char *ref = NULL, *region = NULL, *bed = NULL, *out = NULL;
	long v;
	double d;
	int c, rc;
	while ((c = getopt_long(argc, argv, ":f:r:R:o:q:Q:d:" GSA_CLI_THREADS_SHORTOPTS GSA_CLI_LEVEL_SHORTOPTS GSA_CLI_SHORTOPTS, opts, NULL)) != -1)
		switch (c) {
		case 'f': ref = optarg; break;
		case 'r': region = optarg; break;
		case 'R': bed = optarg; break;
		case 'o': out = optarg; break;
		case 'q':
			if (gsa_parse_long(optarg, 0, 255, &v) < 0)
				return gsa_cli_usage_error(&cli, "-q needs a mapping quality 0..255, not '%s'", optarg);
			o.min_mapq = (int)v;
			break;
		case 'Q':
			if (gsa_parse_long(optarg, 0, 93, &v) < 0)
				return gsa_cli_usage_error(&cli, "-Q needs a base quality 0..93, not '%s'", optarg);
			o.min_baseq = (int)v;
			break;
		case OPT_KEEP_DUPS: o.skip_flags &= ~BAM_FDUP; break;
		case OPT_MIN_ALT:
			if (gsa_parse_long(optarg, 1, 1000000, &v) < 0)
				return gsa_cli_usage_error(&cli, "--min-alt-reads needs a count >= 1, not '%s'", optarg);
			o.min_alt_reads = (int)v;
			break;
		case OPT_MIN_QUAL:
			if (parse_double(optarg, &d) < 0 || d < 0)
				return gsa_cli_usage_error(&cli, "--min-qual needs a number >= 0, not '%s'", optarg);
			o.min_qual = d;
			break;
		case OPT_LOWQUAL:
			if (parse_double(optarg, &d) < 0 || d < 0)
				return gsa_cli_usage_error(&cli, "--lowqual needs a number >= 0, not '%s'", optarg);
			o.lowqual = d;
			break;
		case 'd':
			if (gsa_parse_long(optarg, 0, 100000000, &v) < 0)
				return gsa_cli_usage_error(&cli, "-d needs a depth >= 0, not '%s'", optarg);
			o.max_depth = (int)v;
			break;
		case OPT_CAP_BQ:
			if (gsa_parse_long(optarg, 1, 93, &v) < 0)
				return gsa_cli_usage_error(&cli, "--cap-BQ needs a base quality 1..93, not '%s'", optarg);
			o.cap_baseq = (int)v;
			break;
		case OPT_CHUNK:
			if (gsa_parse_long(optarg, 100, 100000000, &v) < 0)
				return gsa_cli_usage_error(&cli, "--chunk-size needs 100..100000000 bases, not '%s'", optarg);
			o.chunk_size = (int)v;
			break;
		default:
			if ((rc = gsa_cli_handle(&cli, c, argv)) != GSA_CLI_CONTINUE) return rc;
		}
	if (!ref) return gsa_cli_usage_error(&cli, "-f REF.fa is required");
	if (!out) return gsa_cli_usage_error(&cli, "-o OUT.vcf.gz is required");
	if (!strcmp(out, "-"))
		return gsa_cli_usage_error(&cli, "-o - is not possible: the VCF gets a .tbi index beside it; give a file");
	if (region && bed) return gsa_cli_usage_error(&cli, "give -r or -R, not both");
	if (optind >= argc) return gsa_cli_usage_error(&cli, "no input BAM");
	set_hts_log(&log);

	gsa_err_t err;
	gsa_err_clear(&err);
	cv_input_t in;
	if (cv_input_open(&in, argv + optind, argc - optind, ref, &err) < 0) {
		cv_input_close(&in);
		return gsa_cli_fail(&cli, &err);
	}
	cv_region_t *reg = NULL;
	int nreg = 0;
	rc = 0;
	if (region) rc = cv_regions_parse(in.hdr, region, &reg, &nreg, &err);
	else if (bed) rc = cv_regions_bed(in.hdr, bed, &reg, &nreg, &err);
	if (rc == 0 && bed && nreg == 0) rc = gsa_err_set(&err, GSA_EDATA, "%s: no regions", bed);
	long nsites = 0;
	if (rc == 0) {
		cv_regions_normalise(reg, &nreg);
		char *cmd = gsa_cli_join_args(argc, argv);
		rc = cv_call_run(&in, &o, reg, nreg, out, cmd, &log, &nsites, &err);
		free(cmd);
	}
	free(reg);
	int nsamples = in.nsamples;
	cv_input_close(&in);
	if (rc < 0) return gsa_cli_fail(&cli, &err);
	gsa_log_kv(&log, GSA_LOG_INFO, "called",
		   (gsa_kv_t[]){ GSA_KV_STR("output", out), GSA_KV_NUM("samples", nsamples),
				 GSA_KV_NUM("records", nsites) }, 3);
	return GSA_OK;
}

int main(int argc, char **argv)
{
	gsa_cleanup_install();
	if (argc > 1 && strcmp(argv[1], "merge") == 0) return main_merge(argc - 1, argv + 1);
	return main_call(argc, argv);
}
