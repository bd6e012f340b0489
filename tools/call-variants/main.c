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
#include "cv_gvcf.h"
#include "cv_joint.h"
#include "cv_bqcal.h"
#include "cv_ploidy.h"
#include "cv_input.h"
#include "cv_merge.h"
#include "cv_metrics.h"
#include "progress.h"
#include "cv_opts.h"
#include "io.h"
#include "path.h"
#include "strbuf.h"

static const char USAGE[] =
	"Usage: call-variants -f REF.fa [-r REGION | -R regions.bed] [-@ N] -o OUT.vcf.gz IN.bam [IN2.bam ...]\n"
	"       call-variants merge [-@ N] [-l N] -o ALL.vcf.gz PART.vcf.gz [PART2.vcf.gz ...]\n"
	"       call-variants joint [-r REGION] -o COHORT.vcf.gz S1.g.vcf.gz [S2.g.vcf.gz ...]\n"
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
	"  -o, --output FILE        output VCF (.vcf.gz; FILE.tbi is written beside it, FILE.csi\n"
	"                           when a contig is longer than 2^29 - 1)\n"
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
	"      --metrics FILE       write variant metrics as JSON (counts by type, Ti/Tv,\n"
	"                           het/hom, indel lengths, QUAL; also for 'merge')\n"
"      --no-mapq-adjust     trust MAPQ as given (default: cap it when XS is close to AS or the mate is unmapped/far)\n"
	"      --no-bq-calibration  use base qualities as given, capped by --cap-BQ (default: the observed\n"
	"                           error rate of each quality, from reads sampled over the genome)\n"
	"      --no-hard-filters    FILTER only LowQual (default: also GATK's hard filters QD2, FS60, ...)\n"
	"      --gvcf               write a gVCF: reference blocks and every candidate site, with <*> (one sample)\n"
	"      --gvcf-bands LIST    GQ band lower bounds of the reference blocks (0,1,10,20,...,60)\n"
	"      --ploidy FILE|GRCh37|GRCh38  ploidy per region and sex (CHROM FROM TO M|F PLOIDY lines)\n"
	"      --sample-sex S=M,..|FILE  sex of the samples for --ploidy (default F)\n"
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
	OPT_METRICS,
	OPT_GVCF,
	OPT_GVCF_BANDS,
	OPT_PLOIDY,
	OPT_SAMPLE_SEX,
	OPT_NO_HARD,
	OPT_NO_MAPQ_ADJ,
	OPT_NO_BQCAL,
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

/* -o must name none of the inputs in[0..n) nor ref (when not NULL): the
 * rename would replace it.  Returns 0 or -1 with err set (GSA_EUSAGE). */
static int out_not_inputs(const char *out, char *const *in, int n, const char *ref, gsa_err_t *err)
{
	for (int i = 0; i < n; i++)
		if (gsa_output_not_input(out, in[i], err) < 0) return -1;
	return ref ? gsa_output_not_input(out, ref, err) : 0;
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
		{ "metrics", required_argument, NULL, OPT_METRICS },
		GSA_CLI_THREADS_LONGOPTS,
		GSA_CLI_LEVEL_LONGOPTS,
		GSA_CLI_LONGOPTS
	};
	const char *metrics_path = NULL;
	cv_metrics_t metrics;
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
		case OPT_METRICS: metrics_path = optarg; break;
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
	if (!parts || out_not_inputs(out, parts, n_parts, NULL, &err) < 0) {
		free(cmd);
		merge_free_parts(parts);
		return gsa_cli_fail(&cli, &err);
	}
	cv_metrics_init(&metrics);
	rc = cv_merge_run(parts, n_parts, out, cmd, level, nthreads, &n, metrics_path ? &metrics : NULL, &err);
	free(cmd);
	merge_free_parts(parts);
	if (rc == 0 && metrics_path) rc = cv_metrics_write(&metrics, metrics_path, NULL, 0, &err);
	if (rc < 0) return gsa_cli_fail(&cli, &err);
	gsa_log_kv(&log, GSA_LOG_INFO, "merged",
		   (gsa_kv_t[]){ GSA_KV_STR("output", out), GSA_KV_NUM("parts", n_parts), GSA_KV_NUM("records", n) }, 3);
	return GSA_OK;
}

static int main_joint(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "region", required_argument, NULL, 'r' },
		{ "min-qual", required_argument, NULL, OPT_MIN_QUAL },
		{ "lowqual", required_argument, NULL, OPT_LOWQUAL },
		GSA_CLI_LONGOPTS
	};
	gsa_log_t log;
	gsa_cli_t cli;
	gsa_cli_init(&cli, "call-variants", USAGE, &log);
	cv_opts_t o;
	cv_opts_init(&o);
	const char *out = NULL, *region = NULL;
	double d;
	int c, rc;
	while ((c = getopt_long(argc, argv, ":o:r:" GSA_CLI_SHORTOPTS, opts, NULL)) != -1)
		switch (c) {
		case 'o': out = optarg; break;
		case 'r': region = optarg; break;
		case OPT_MIN_QUAL:
		case OPT_LOWQUAL:
			if (parse_double(optarg, &d) < 0 || d < 0)
				return gsa_cli_usage_error(&cli, "--%s needs a number >= 0, not '%s'",
							   c == OPT_MIN_QUAL ? "min-qual" : "lowqual", optarg);
			*(c == OPT_MIN_QUAL ? &o.min_qual : &o.lowqual) = d;
			break;
		default:
			if ((rc = gsa_cli_handle(&cli, c, argv)) != GSA_CLI_CONTINUE) return rc;
		}
	if (!out) return gsa_cli_usage_error(&cli, "joint: -o COHORT.vcf.gz is required");
	if (optind >= argc) return gsa_cli_usage_error(&cli, "joint: no input gVCFs");
	set_hts_log(&log);
	gsa_err_t err;
	gsa_err_clear(&err);
	int n = 0;
	char **parts = merge_expand_parts(argv + optind, argc - optind, &n, &err);
	if (!parts || out_not_inputs(out, parts, n, NULL, &err) < 0) {
		merge_free_parts(parts);
		return gsa_cli_fail(&cli, &err);
	}
	char *cmd = gsa_cli_join_args(argc, argv);
	cv_joint_stats_t st;
	rc = cv_joint_run(parts, n, region, &o, out, cmd, &st, &err);
	free(cmd);
	merge_free_parts(parts);
	if (rc < 0) return gsa_cli_fail(&cli, &err);
	gsa_log_kv(&log, GSA_LOG_INFO, "joint",
		   (gsa_kv_t[]){ GSA_KV_STR("output", out), GSA_KV_NUM("samples", n), GSA_KV_NUM("records", st.sites),
				 GSA_KV_NUM("recovered", st.recovered), GSA_KV_NUM("lost", st.lost) }, 5);
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
		{ "metrics", required_argument, NULL, OPT_METRICS },
		{ "gvcf", no_argument, NULL, OPT_GVCF },
		{ "gvcf-bands", required_argument, NULL, OPT_GVCF_BANDS },
		{ "ploidy", required_argument, NULL, OPT_PLOIDY },
		{ "sample-sex", required_argument, NULL, OPT_SAMPLE_SEX },
		{ "no-hard-filters", no_argument, NULL, OPT_NO_HARD },
		{ "no-mapq-adjust", no_argument, NULL, OPT_NO_MAPQ_ADJ },
		{ "no-bq-calibration", no_argument, NULL, OPT_NO_BQCAL },
		GSA_CLI_THREADS_LONGOPTS,
		GSA_CLI_LEVEL_LONGOPTS,
		GSA_CLI_LONGOPTS
	};
	gsa_log_t log;
	gsa_cli_t cli;
	gsa_cli_init(&cli, "call-variants", USAGE, &log);
	const char *ploidy_spec = NULL, *sex_spec = NULL;
	cv_opts_t o;
	cv_opts_init(&o);
	gsa_cli_take_threads(&cli, &o.nthreads, 1, 256);
	gsa_cli_take_level(&cli, &o.level);
	const char *ref = NULL, *region = NULL, *bed = NULL, *out = NULL, *metrics_path = NULL;
	cv_metrics_t metrics;
	gsa_progress_t progress;
	long v;
	double d;
	int c, rc, bands = 0;
	while ((c = getopt_long(argc, argv, ":f:r:R:o:q:Q:d:" GSA_CLI_THREADS_SHORTOPTS GSA_CLI_LEVEL_SHORTOPTS GSA_CLI_SHORTOPTS, opts, NULL)) != -1)
		switch (c) {
		case 'f': ref = optarg; break;
		case 'r': region = optarg; break;
		case 'R': bed = optarg; break;
		case OPT_METRICS: metrics_path = optarg; break;
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
		case OPT_LOWQUAL:
			if (parse_double(optarg, &d) < 0 || d < 0)
				return gsa_cli_usage_error(&cli, "--%s needs a number >= 0, not '%s'",
							   c == OPT_MIN_QUAL ? "min-qual" : "lowqual", optarg);
			*(c == OPT_MIN_QUAL ? &o.min_qual : &o.lowqual) = d;
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
		case OPT_GVCF: o.gvcf = 1; break;
		case OPT_GVCF_BANDS:
			if (cv_gvcf_parse_bands(&o, optarg) < 0)
				return gsa_cli_usage_error(&cli, "--gvcf-bands needs ascending GQs 0..99 (at most %d), not '%.40s%s'",
							   CV_MAX_BANDS - 1, optarg, strlen(optarg) > 40 ? "..." : "");
			bands = 1;
			break;
		case OPT_PLOIDY: ploidy_spec = optarg; break;
		case OPT_SAMPLE_SEX: sex_spec = optarg; break;
		case OPT_NO_HARD: o.hard_filters = 0; break;
		case OPT_NO_MAPQ_ADJ: o.mapq_adjust = 0; break;
		case OPT_NO_BQCAL: o.bq_calibrate = 0; break;
		default:
			if ((rc = gsa_cli_handle(&cli, c, argv)) != GSA_CLI_CONTINUE) return rc;
		}
	if (sex_spec && !ploidy_spec) return gsa_cli_usage_error(&cli, "--sample-sex needs --ploidy");
	if (bands && !o.gvcf) return gsa_cli_usage_error(&cli, "--gvcf-bands needs --gvcf");
	if (!ref) return gsa_cli_usage_error(&cli, "-f REF.fa is required");
	if (!out) return gsa_cli_usage_error(&cli, "-o OUT.vcf.gz is required");
	if (!strcmp(out, "-"))
		return gsa_cli_usage_error(&cli, "-o - is not possible: the VCF gets a .tbi index beside it; give a file");
	if (region && bed) return gsa_cli_usage_error(&cli, "give -r or -R, not both");
	if (optind >= argc) return gsa_cli_usage_error(&cli, "no input BAM");
	set_hts_log(&log);

	gsa_err_t err;
	gsa_err_clear(&err);
	if (out_not_inputs(out, argv + optind, argc - optind, ref, &err) < 0) return gsa_cli_fail(&cli, &err);
	cv_input_t in;
	if (cv_input_open(&in, argv + optind, argc - optind, ref, &err) < 0) {
		cv_input_close(&in);
		return gsa_cli_fail(&cli, &err);
	}
	cv_region_t *reg = NULL;
	int nreg = 0;
	rc = 0;
	cv_ploidy_t ploidy;
	memset(&ploidy, 0, sizeof ploidy);
	if (o.gvcf && in.nsamples != 1)
		rc = gsa_err_set(&err, GSA_EDATA, "%s: --gvcf writes one sample, but the input holds %d", argv[optind], in.nsamples);
	if (rc == 0 && ploidy_spec) {
		rc = cv_ploidy_load(&ploidy, ploidy_spec, &err);
		if (rc == 0) rc = cv_ploidy_set_sex(&ploidy, in.samples, in.nsamples, sex_spec, &err);
		o.ploidy = &ploidy;
	}
	if (rc == 0 && region) rc = cv_regions_parse(in.hdr, region, &reg, &nreg, &err);
	else if (rc == 0 && bed) rc = cv_regions_bed(in.hdr, bed, &reg, &nreg, &err);
	if (rc == 0 && bed && nreg == 0) rc = gsa_err_set(&err, GSA_EDATA, "%s: no regions", bed);
	long nsites = 0;
	if (rc == 0) {
		cv_regions_normalise(reg, &nreg);
		char *cmd = gsa_cli_join_args(argc, argv);
		cv_metrics_init(&metrics);
		o.metrics = metrics_path ? &metrics : NULL;
		gsa_progress_init(&progress, &log, "bases", 0);
		o.progress = &progress;
		cv_bqcal_t bqcal;
		memset(&bqcal, 0, sizeof bqcal);
		if (o.bq_calibrate) {
			rc = cv_bqcal_estimate(&bqcal, &in, &o, &err);
			o.bqcal = &bqcal;
			for (int k = 0; rc == 0 && k < in.nsamples; k++) {
				/* the table in the log: reported:used for qualities seen */
				gsa_strbuf_t t;
				gsa_strbuf_init(&t);
				for (int q = 0; q < CV_BQCAL_NQ; q++)
					if (cv_bqcal_nbases(&bqcal, k, q))
						gsa_strbuf_appendf(&t, "%s%d:%d", t.len ? "," : "", q, cv_bqcal_q(&bqcal, k, q));
				gsa_log_kv(&log, GSA_LOG_DEBUG, "base quality calibration",
					   (gsa_kv_t[]){ GSA_KV_STR("sample", in.samples[k]), GSA_KV_STR("q", t.len ? t.s : "") }, 2);
				gsa_strbuf_free(&t);
			}
		}
		if (rc == 0) rc = cv_call_run(&in, &o, reg, nreg, out, cmd, &log, &nsites, &err);
		cv_bqcal_free(&bqcal);
		o.bqcal = NULL;
		if (rc == 0) gsa_progress_finish(&progress);
		else gsa_progress_stop(&progress);
		free(cmd);
		if (rc == 0 && metrics_path) rc = cv_metrics_write(&metrics, metrics_path, in.samples, in.nsamples, &err);
	}
	free(reg);
	cv_ploidy_free(&ploidy);
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
	if (argc > 1 && strcmp(argv[1], "joint") == 0) return main_joint(argc - 1, argv + 1);
	return main_call(argc, argv);
}
