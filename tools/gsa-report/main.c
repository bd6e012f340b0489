/* gsa-report — one sample's metrics (align, sort-index, call-variants
 * --metrics) as a self-contained HTML report and MultiQC custom content. */
#include "alloc.h"
#include "cleanup.h"
#include "cli.h"
#include "err.h"
#include "gr_html.h"
#include "gr_metrics.h"
#include "gr_multiqc.h"
#include "io.h"
#include "jsonw.h"
#include "log.h"
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
	"Usage: gsa-report [options] -o REPORT.html METRICS.json [METRICS.json ...]\n"
	"\n"
	"Merge one sample's metrics files (written by align, sort-index and\n"
	"call-variants with --metrics) into a single self-contained HTML report:\n"
	"summary numbers, tables and plots as inline SVG (no script, nothing\n"
	"fetched; opens offline), and optionally a MultiQC custom-content file that\n"
	"adds the sample to MultiQC's General Statistics.  Each metrics file is\n"
	"recognised by its \"kind\"; any of the three may be missing.\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE        the HTML report (required), written atomically\n"
	"  -m, --multiqc FILE       also write MultiQC custom content (name it *_mqc.json)\n"
	"  -s, --sample NAME        sample name (default: align's read-group SM, else 'sample')\n"
	"\n"
	"Common options:\n"
	"  -h, --help  -V, --version  --quiet  --verbose  --log-format text|json\n"
	"\n"
	"Exit codes: 0 ok, 1 usage, 2 bad metrics file (not JSON, unknown kind,\n"
	"two of a kind), 3 I/O.\n"
	"\n"
	"Example:\n"
	"  gsa-report -o S1.report.html -m S1_mqc.json S1.align.json S1.sort.json S1.calls.json\n";

static int write_text(const char *path, const gsa_strbuf_t *b, gsa_err_t *err)
{
	gsa_atomic_file_t f;
	if (gsa_atomic_open(&f, path, err) < 0) return -1;
	if (gsa_atomic_write(&f, b->s ? b->s : "", b->len, err) < 0) {
		gsa_atomic_abort(&f);
		return -1;
	}
	return gsa_atomic_commit(&f, err);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "multiqc", required_argument, NULL, 'm' },
		{ "sample", required_argument, NULL, 's' },
		GSA_CLI_LONGOPTS
	};
	gsa_log_t lg;
	gsa_cli_t cli;
	gsa_err_t err;
	gr_sample_t s;
	gsa_strbuf_t html;
	const char *out = NULL, *mqc = NULL, *name = NULL;
	int c, rc = 0, i;
	gsa_cleanup_install();
	gsa_cli_init(&cli, "gsa-report", USAGE, &lg);
	while ((c = getopt_long(argc, argv, ":o:m:s:" GSA_CLI_SHORTOPTS, opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'm': mqc = optarg; break;
		case 's':
			if (!*optarg) return gsa_cli_usage_error(&cli, "-s needs a non-empty sample name");
			name = optarg;
			break;
		default:
			if ((rc = gsa_cli_handle(&cli, c, argv)) != GSA_CLI_CONTINUE) return rc;
		}
	}
	if (!out) return gsa_cli_usage_error(&cli, "missing -o REPORT.html");
	if (optind >= argc) return gsa_cli_usage_error(&cli, "no metrics files");
	gsa_err_clear(&err);
	gr_sample_init(&s);
	rc = 0; /* gsa_cli_handle left GSA_CLI_CONTINUE in rc */
	for (i = optind; i < argc && rc == 0; i++) rc = gr_sample_load(&s, argv[i], &err);
	if (rc == 0) {
		const gsa_json_t *sm = s.align ? gr_get(s.align, "sample") : NULL;
		s.name = gsa_xstrdup(name ? name : sm && sm->type == GSA_JSON_STR && *sm->str ? sm->str : "sample");
		gsa_strbuf_init(&html);
		gr_html_report(&html, &s, gsa_version());
		rc = write_text(out, &html, &err);
		gsa_strbuf_free(&html);
	}
	if (rc == 0 && mqc) {
		gsa_jsonw_t w;
		gsa_jsonw_init(&w);
		gr_multiqc_document(&w, &s);
		rc = gsa_jsonw_write_file(&w, mqc, &err);
		gsa_jsonw_free(&w);
	}
	if (rc == 0) {
		gsa_kv_t kv[] = { GSA_KV_STR("output", out), GSA_KV_STR("sample", s.name),
				  GSA_KV_NUM("align", s.align != NULL), GSA_KV_NUM("sort_index", s.sort != NULL),
				  GSA_KV_NUM("call_variants", s.calls != NULL) };
		gsa_log_kv(&lg, GSA_LOG_INFO, "report written", kv, 5);
	}
	gr_sample_free(&s);
	return rc == 0 ? GSA_OK : gsa_cli_fail(&cli, &err);
}
