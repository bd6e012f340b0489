/* job — the per-job container entrypoint: stage in, run one command, stage out. */
#include "alloc.h"
#include "child.h"
#include "cli.h"
#include "job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"Usage: job [options] [--] COMMAND [ARG]...\n"
	"\n"
	"Run one pipeline step: place the inputs in a fresh work folder, run COMMAND\n"
	"there (directly, no shell), and when it succeeds deliver the outputs.\n"
	"Inputs, outputs and the prefix are s3:// URIs or local paths; ${NAME} in\n"
	"any of them and in COMMAND's arguments is replaced by environment variable\n"
	"NAME (unset -> error; $$ is a literal $).\n"
	"\n"
	"Options (environment variable in brackets, used when the option is absent):\n"
	"  -i, --input URI          input file, glob, or s3:// object/prefix/glob; repeatable\n"
	"                           [JOB_INPUTS, whitespace-separated]\n"
	"  -o, --output GLOB        output file or glob relative to the work folder; repeatable;\n"
	"                           each must match a file [JOB_OUTPUTS]\n"
	"  -p, --output-prefix URI  folder or s3:// prefix receiving the outputs [JOB_OUTPUT_PREFIX]\n"
	"  -w, --workdir DIR        where work folders are made [JOB_WORKDIR]; default\n"
	"                           /scratch/gsa-work if /scratch exists, else $TMPDIR or /tmp.\n"
	"                           The job's folder is DIR/$AWS_BATCH_JOB_ID/$AWS_BATCH_JOB_ATTEMPT\n"
	"                           under AWS Batch, else DIR/job-XXXXXX; it is removed at the end\n"
	"  -c, --cache DIR          shared input cache for s3:// inputs [JOB_CACHE_DIR, GSA_CACHE_DIR];\n"
	"                           default /scratch/gsa-cache if /scratch exists, else $TMPDIR/gsa-cache\n"
	"      --no-cache           download s3:// inputs straight into the work folder\n"
	"  -k, --keep               keep the work folder [JOB_KEEP=1]\n"
	"  -P, --pipe               an argument '|' separates the commands of a pipeline [JOB_PIPE=1]\n"
	"                           (stdout of one feeds stdin of the next, no shell); the\n"
	"                           status is the last failing command's, as with pipefail\n"
	"  -g, --grace SECONDS      after forwarding SIGTERM/SIGINT, wait this long before\n"
	"                           SIGKILL (default 20) [JOB_GRACE_SECONDS]\n"
	"      --endpoint-url URL   S3 endpoint (default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, AWS)\n"
	"      --log-format text|json, --quiet, --verbose, -h/--help, -V/--version\n"
	"                           (json is the default when AWS_BATCH_JOB_ID is set)\n"
	"\n"
	"Exit status: COMMAND's own; 128+N when job was stopped by signal N (143 for\n"
	"SIGTERM) or COMMAND died of signal N; 127/126 when COMMAND cannot be started;\n"
	"1 usage, 3 local I/O (missing input, declared output not produced), 4 S3.\n"
	"Nothing is delivered unless COMMAND exits 0.\n"
	"\n"
	"Examples:\n"
	"  job -i ref/genome.fa -o 'genome.fa.*' -p out/ref/ -- align index genome.fa\n"
	"  job -P -i 'ref/*' -i r1.fq.gz -i r2.fq.gz -o 's1.bam*' -p out/ -- \\\n"
	"      align map ref.fa r1.fq.gz r2.fq.gz '|' sort-index -o s1.bam -\n"
	"  SAMPLE_ID=NA12878 CHROMOSOME=chr20 job -i 's3://b/ref/genome.fa*' -i 's3://b/${SAMPLE_ID}/' \\\n"
	"      -o '${SAMPLE_ID}.${CHROMOSOME}.vcf.gz*' -p 's3://b/${SAMPLE_ID}/calls/' -- \\\n"
	"      call-variants -f genome.fa -r '${CHROMOSOME}' -o '${SAMPLE_ID}.${CHROMOSOME}.vcf.gz' '${SAMPLE_ID}.bam'\n";

enum { OPT_NO_CACHE = GSA_CLI_OPT_FIRST_FREE, OPT_ENDPOINT };

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "output-prefix", required_argument, NULL, 'p' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "cache", required_argument, NULL, 'c' },
		{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
		{ "keep", no_argument, NULL, 'k' },
		{ "pipe", no_argument, NULL, 'P' },
		{ "grace", required_argument, NULL, 'g' },
		{ "endpoint-url", required_argument, NULL, OPT_ENDPOINT },
		GSA_CLI_LONGOPTS
	};
	gsa_cli_t cli;
	gsa_log_t log;
	gsa_err_t err;
	job_opts_t o;
	int c, rc, i;
	unsigned given = 0;
	long v;

	job_signals_block(); /* first: a stop request must never be lost */
	gsa_cli_init(&cli, "job", usage, &log);
	if (getenv("AWS_BATCH_JOB_ID") && !getenv("GSA_LOG_FORMAT")) log.format = GSA_LOG_JSON;
	job_opts_init(&o);
	/* '+': the first non-option word starts COMMAND, whose options stay its own */
	while ((c = getopt_long(argc, argv, "+:i:o:p:w:c:kPg:" GSA_CLI_SHORTOPTS, opts, NULL)) != -1) {
		switch (c) {
		case 'i': job_list_add(&o.inputs, &o.n_inputs, optarg); given |= JOB_GIVEN_INPUTS; break;
		case 'o': job_list_add(&o.outputs, &o.n_outputs, optarg); given |= JOB_GIVEN_OUTPUTS; break;
		case 'p': free(o.output_prefix); o.output_prefix = gsa_xstrdup(optarg); break;
		case 'w': free(o.workdir_base); o.workdir_base = gsa_xstrdup(optarg); break;
		case 'c': free(o.cache_dir); o.cache_dir = gsa_xstrdup(optarg); break;
		case OPT_NO_CACHE: o.no_cache = 1; break;
		case 'k': o.keep = 1; break;
		case 'P': o.pipe = 1; break;
		case 'g':
			if (gsa_parse_long(optarg, 0, 3600, &v) < 0) {
				job_opts_destroy(&o);
				return gsa_cli_usage_error(&cli, "--grace must be 0..3600 seconds, not '%s'", optarg);
			}
			o.grace_seconds = (int)v;
			given |= JOB_GIVEN_GRACE;
			break;
		case OPT_ENDPOINT: free(o.endpoint_url); o.endpoint_url = gsa_xstrdup(optarg); break;
		default:
			if ((rc = gsa_cli_handle(&cli, c, argv)) != GSA_CLI_CONTINUE) {
				job_opts_destroy(&o);
				return rc;
			}
		}
	}
	if (optind >= argc) {
		job_opts_destroy(&o);
		return gsa_cli_usage_error(&cli, "no command to run (job [options] -- COMMAND [ARG]...)");
	}
	o.argv = gsa_xcalloc((size_t)(argc - optind) + 1, sizeof *o.argv);
	for (i = optind; i < argc; i++) o.argv[i - optind] = gsa_xstrdup(argv[i]);
	rc = job_opts_from_env(&o, given, &err);
	if (rc < 0) {
		job_opts_destroy(&o);
		return gsa_cli_usage_error(&cli, "%s", err.msg);
	}
	rc = job_run(&o, &log, &err);
	job_opts_destroy(&o);
	return rc;
}
