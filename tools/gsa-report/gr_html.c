#include "gr_html.h"
#include "alloc.h"
#include "gr_svg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char CSS[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;margin:0;color:#222;background:#fafafa}"
	"header{background:#24476b;color:#fff;padding:16px 28px}header h1{margin:0;font-size:22px}"
	"header p{margin:4px 0 0;font-size:13px;opacity:.85}main{padding:8px 28px 28px;max-width:1400px}"
	"section{background:#fff;border:1px solid #ddd;border-radius:6px;margin:16px 0;padding:8px 18px 14px}"
	"h2{font-size:18px;color:#24476b;margin:8px 0}.cards{display:flex;flex-wrap:wrap;gap:10px}"
	".card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:140px}"
	".card b{display:block;font-size:20px;color:#24476b}.card span{font-size:12px;color:#666}"
	"table{border-collapse:collapse;font-size:13px;margin:6px 0}td,th{border-bottom:1px solid #eee;padding:3px 10px;text-align:right}"
	"td:first-child,th:first-child{text-align:left}.plots{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}"
	"figure.plot{margin:0}figure.plot svg{width:560px;height:auto;max-width:100%}figcaption{display:none}svg{background:#fff;font-size:11px}"
	"svg .title{font-size:13px;font-weight:600;fill:#222}svg .tick{fill:#555}svg .label{fill:#333;font-size:12px}"
	"svg .grid{stroke:#eee}svg .axis{stroke:#888}svg .bar{fill:#4a7fb5}svg .bar:hover{fill:#e07b39}"
	"svg .line{fill:none;stroke:#4a7fb5;stroke-width:1.6}svg .empty{fill:#999}"
	"footer{font-size:12px;color:#777;padding:0 28px 20px}";

static void card(gsa_strbuf_t *o, const char *label, const char *value)
{
	gsa_strbuf_append(o, "<div class=\"card\"><b>");
	gr_html_escape(o, value);
	gsa_strbuf_append(o, "</b><span>");
	gr_html_escape(o, label);
	gsa_strbuf_append(o, "</span></div>");
}

static void row(gsa_strbuf_t *o, const char *label, double v, const char *suffix)
{
	char b[64];
	gsa_strbuf_append(o, "<tr><td>");
	gr_html_escape(o, label);
	gsa_strbuf_appendf(o, "</td><td>%s%s</td></tr>", gr_fmt_num(b, sizeof b, v), suffix ? suffix : "");
}

static void pct_card(gsa_strbuf_t *o, const char *label, double num, double den)
{
	char b[64];
	snprintf(b, sizeof b, "%.2f%%", den > 0 ? 100.0 * num / den : 0.0);
	card(o, label, b);
}

static void plot(gsa_strbuf_t *o, const char *id, const char *title, const char *xl, const char *yl,
		 gr_plot_kind_t kind, const double *x, const double *y, size_t n)
{
	gr_plot_t p;
	memset(&p, 0, sizeof p);
	p.id = id; p.title = title; p.xlabel = xl; p.ylabel = yl; p.kind = kind; p.x = x; p.y = y; p.n = n;
	gr_svg_plot(o, &p);
}

static void section_align(gsa_strbuf_t *o, const gsa_json_t *a)
{
	static const struct { const char *key, *label; } fs[] = {
		{ "total", "records (total)" }, { "primary", "primary" }, { "secondary", "secondary" },
		{ "supplementary", "supplementary" }, { "duplicates", "duplicates" }, { "mapped", "mapped" },
		{ "primary_mapped", "primary mapped" }, { "paired", "paired in sequencing" }, { "read1", "read1" },
		{ "read2", "read2" }, { "properly_paired", "properly paired" },
		{ "with_mate_mapped", "with itself and mate mapped" }, { "singletons", "singletons" },
		{ "mate_other_chr", "with mate mapped to a different chr" },
	};
	double *y, *x;
	size_t n, i;
	char key[64];
	gsa_strbuf_append(o, "<section id=\"alignment\"><h2>Alignment (align)</h2><div class=\"plots\"><table><tr><th>flagstat</th><th>count</th></tr>");
	for (i = 0; i < sizeof fs / sizeof fs[0]; i++) {
		snprintf(key, sizeof key, "flagstat.%s", fs[i].key);
		row(o, fs[i].label, gr_num(a, key, 0), NULL);
	}
	gsa_strbuf_append(o, "</table><table><tr><th>samtools stats</th><th>value</th></tr>");
	row(o, "bases mapped (cigar)", gr_num(a, "summary.bases_mapped_cigar", 0), NULL);
	row(o, "mismatches (NM)", gr_num(a, "summary.mismatches", 0), NULL);
	row(o, "error rate", gr_num(a, "summary.error_rate", 0), NULL);
	row(o, "insert size mean", gr_num(a, "summary.insert_mean", 0), NULL);
	row(o, "insert size sd", gr_num(a, "summary.insert_sd", 0), NULL);
	gsa_strbuf_append(o, "</table></div><div class=\"plots\">");
	y = gr_array(a, "mapq_hist", &n);
	plot(o, "plot-mapq", "MAPQ of primary mapped reads", "MAPQ", "reads", GR_BARS, NULL, y, n);
	free(y);
	y = gr_array(a, "insert_hist", &n);
	/* start at the first non-empty size so the curve fills the plot */
	for (i = 0; i < n && y[i] == 0; i++) {}
	x = n > i ? gsa_xcalloc(n - i, sizeof *x) : NULL;
	for (size_t k = i; k < n; k++) x[k - i] = (double)k;
	plot(o, "plot-insert", "Insert size of proper pairs", "insert size (bp)", "pairs", GR_LINE, x, y ? y + i : NULL, n - i);
	free(x);
	free(y);
	y = gr_array(a, "mismatch_rate_by_cycle", &n);
	x = n ? gsa_xcalloc(n, sizeof *x) : NULL;
	for (i = 0; i < n; i++) {
		x[i] = (double)(i + 1);
		y[i] *= 100.0;
	}
	plot(o, "plot-cycle", "Mismatch rate by cycle", "cycle", "mismatches (%)", GR_LINE, x, y, n);
	free(x);
	free(y);
	gsa_strbuf_append(o, "</div></section>\n");
}

static void section_coverage(gsa_strbuf_t *o, const gsa_json_t *s)
{
	const gsa_json_t *contigs = gr_get(s, "coverage.contigs");
	double *h, *x, *cum, total = 0, acc = 0;
	size_t n, i, cut, nc = contigs && contigs->type == GSA_JSON_ARR ? contigs->n : 0;
	gsa_strbuf_append(o, "<section id=\"coverage\"><h2>Coverage (sort-index)</h2><div class=\"plots\"><table><tr><th>summary</th><th>value</th></tr>");
	row(o, "records", gr_num(s, "summary.records", 0), NULL);
	row(o, "duplicates", gr_num(s, "summary.duplicates", 0), gr_num(s, "summary.duplicates_marked", 0) ? "" : " (not marked)");
	row(o, "duplicate rate", gr_num(s, "summary.duplicate_rate", 0), NULL);
	row(o, "reference length", gr_num(s, "coverage.length", 0), " bp");
	row(o, "mean depth", gr_num(s, "coverage.mean_depth", 0), "x");
	row(o, "breadth (depth >= 1)", 100.0 * gr_num(s, "coverage.breadth", 0), " %");
	gsa_strbuf_append(o, "</table>");
	if (nc) {
		gsa_strbuf_append(o, "<table><tr><th>contig</th><th>length</th><th>mean depth</th><th>breadth %</th></tr>");
		for (i = 0; i < nc && i < 100; i++) {
			const gsa_json_t *c = &contigs->kids[i];
			const gsa_json_t *name = gsa_json_member(c, "name");
			char b1[64], b2[64], b3[64];
			gsa_strbuf_append(o, "<tr><td>");
			gr_html_escape(o, name && name->type == GSA_JSON_STR ? name->str : "?");
			gsa_strbuf_appendf(o, "</td><td>%s</td><td>%s</td><td>%s</td></tr>",
					   gr_fmt_num(b1, sizeof b1, gr_num(c, "length", 0)),
					   gr_fmt_num(b2, sizeof b2, round(gr_num(c, "mean_depth", 0) * 100) / 100),
					   gr_fmt_num(b3, sizeof b3, round(gr_num(c, "breadth", 0) * 10000) / 100));
		}
		if (nc > 100) gsa_strbuf_appendf(o, "<tr><td colspan=\"4\">... %zu more contigs in the metrics file</td></tr>", nc - 100);
		gsa_strbuf_append(o, "</table>");
	}
	gsa_strbuf_append(o, "</div><div class=\"plots\">");
	h = gr_array(s, "coverage.hist", &n);
	for (i = 0; i < n; i++) total += h[i];
	/* depth axis up to where 99.9% of the bases are (mosdepth plots likewise stop early) */
	for (cut = 0; cut < n; cut++) {
		acc += h[cut];
		if (total > 0 && acc >= 0.999 * total) break;
	}
	cut = cut < n ? cut + 1 : n;
	x = n ? gsa_xcalloc(n, sizeof *x) : NULL;
	cum = n ? gsa_xcalloc(n, sizeof *cum) : NULL;
	acc = total;
	for (i = 0; i < n; i++) {
		x[i] = (double)i;
		cum[i] = total > 0 ? 100.0 * acc / total : 0;
		acc -= h[i];
	}
	plot(o, "plot-depth", "Depth histogram (bases at each depth)", "depth", "bases", GR_BARS, x, h, cut);
	{
		gr_plot_t p;
		memset(&p, 0, sizeof p);
		p.id = "plot-cumulative"; p.title = "Cumulative coverage (bases at depth >= x)";
		p.xlabel = "depth"; p.ylabel = "% of reference"; p.kind = GR_LINE; p.x = x; p.y = cum; p.n = cut; p.ymax = 100;
		gr_svg_plot(o, &p);
	}
	free(h);
	free(x);
	free(cum);
	if (nc) {
		const char **labels = gsa_xcalloc(nc, sizeof *labels);
		double *md = gsa_xcalloc(nc, sizeof *md);
		gr_plot_t p;
		for (i = 0; i < nc; i++) {
			const gsa_json_t *name = gsa_json_member(&contigs->kids[i], "name");
			labels[i] = name && name->type == GSA_JSON_STR ? name->str : "?";
			md[i] = gr_num(&contigs->kids[i], "mean_depth", 0);
		}
		memset(&p, 0, sizeof p);
		p.id = "plot-contigs"; p.title = "Mean depth by contig"; p.xlabel = "contig"; p.ylabel = "mean depth";
		p.kind = GR_BARS; p.y = md; p.labels = labels; p.n = nc;
		gr_svg_plot(o, &p);
		free(labels);
		free(md);
	}
	gsa_strbuf_append(o, "</div></section>\n");
}

static void section_calls(gsa_strbuf_t *o, const gsa_json_t *c)
{
	static const char *const types[] = { "SNPs", "MNPs", "indels", "others" };
	double counts[4], *h, *x, lo = gr_num(c, "indel_len_min", -50), q[101];
	size_t n, i;
	gsa_strbuf_append(o, "<section id=\"variants\"><h2>Variants (call-variants)</h2><div class=\"plots\"><table><tr><th>bcftools stats</th><th>value</th></tr>");
	row(o, "records", gr_num(c, "summary.records", 0), NULL);
	row(o, "PASS", gr_num(c, "summary.pass", 0), NULL);
	row(o, "SNPs", gr_num(c, "summary.snps", 0), NULL);
	row(o, "MNPs", gr_num(c, "summary.mnps", 0), NULL);
	row(o, "indels", gr_num(c, "summary.indels", 0), NULL);
	row(o, "others", gr_num(c, "summary.others", 0), NULL);
	row(o, "multiallelic sites", gr_num(c, "summary.multiallelic", 0), NULL);
	row(o, "transitions", gr_num(c, "summary.transitions", 0), NULL);
	row(o, "transversions", gr_num(c, "summary.transversions", 0), NULL);
	row(o, "Ti/Tv", round(gr_num(c, "summary.ts_tv", 0) * 1000) / 1000, NULL);
	row(o, "het", gr_num(c, "summary.het", 0), NULL);
	row(o, "hom-alt", gr_num(c, "summary.hom_alt", 0), NULL);
	row(o, "het/hom", round(gr_num(c, "summary.het_hom_ratio", 0) * 1000) / 1000, NULL);
	gsa_strbuf_append(o, "</table></div><div class=\"plots\">");
	counts[0] = gr_num(c, "summary.snps", 0);
	counts[1] = gr_num(c, "summary.mnps", 0);
	counts[2] = gr_num(c, "summary.indels", 0);
	counts[3] = gr_num(c, "summary.others", 0);
	{
		gr_plot_t p;
		memset(&p, 0, sizeof p);
		p.id = "plot-types"; p.title = "Records by type"; p.xlabel = "type"; p.ylabel = "records";
		p.kind = GR_BARS; p.y = counts; p.labels = types; p.n = 4;
		gr_svg_plot(o, &p);
	}
	h = gr_array(c, "indel_len_hist", &n);
	x = n ? gsa_xcalloc(n, sizeof *x) : NULL;
	for (i = 0; i < n; i++) x[i] = lo + (double)i;
	plot(o, "plot-indels", "Indel length (deletions < 0 < insertions)", "length (bp)", "alleles", GR_BARS, x, h, n);
	free(x);
	free(h);
	/* QUAL in bins of 10 (the last bin: QUAL >= 1000) */
	h = gr_array(c, "qual_hist", &n);
	memset(q, 0, sizeof q);
	for (i = 0; i < n; i++) q[i / 10 < 100 ? i / 10 : 100] += h[i];
	free(h);
	{
		double xs[101];
		size_t m = n ? (n - 1) / 10 + 1 : 0;
		if (m > 101) m = 101;
		for (i = 0; i < m; i++) xs[i] = (double)(i * 10 + 5);
		{
			gr_plot_t p;
			memset(&p, 0, sizeof p);
			p.id = "plot-qual"; p.title = "QUAL (bins of 10)"; p.xlabel = "QUAL"; p.ylabel = "records";
			p.kind = GR_BARS; p.x = xs; p.y = q; p.n = m;
			gr_svg_plot(o, &p);
		}
	}
	gsa_strbuf_append(o, "</div></section>\n");
}

void gr_html_report(gsa_strbuf_t *o, const gr_sample_t *s, const char *version)
{
	char b[64];
	gsa_strbuf_append(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>gsa QC report: ");
	gr_html_escape(o, s->name);
	gsa_strbuf_appendf(o, "</title><style>%s</style></head><body>\n<header><h1>gsa QC report: ", CSS);
	gr_html_escape(o, s->name);
	gsa_strbuf_append(o, "</h1><p>alignment, coverage and variant metrics gathered while the pipeline ran</p></header>\n<main>\n<div class=\"cards\">");
	if (s->align) {
		card(o, "reads", gr_fmt_num(b, sizeof b, gr_num(s->align, "summary.reads", 0)));
		pct_card(o, "mapped", gr_num(s->align, "summary.mapped", 0), gr_num(s->align, "summary.reads", 0));
		pct_card(o, "properly paired", gr_num(s->align, "summary.properly_paired", 0), gr_num(s->align, "summary.reads", 0));
		snprintf(b, sizeof b, "%.1f bp", gr_num(s->align, "summary.insert_mean", 0));
		card(o, "mean insert size", b);
	}
	if (s->sort) {
		snprintf(b, sizeof b, "%.2fx", gr_num(s->sort, "coverage.mean_depth", 0));
		card(o, "mean depth", b);
		snprintf(b, sizeof b, "%.2f%%", 100.0 * gr_num(s->sort, "coverage.breadth", 0));
		card(o, "breadth (>= 1x)", b);
		if (gr_num(s->sort, "summary.duplicates_marked", 0)) {
			snprintf(b, sizeof b, "%.2f%%", 100.0 * gr_num(s->sort, "summary.duplicate_rate", 0));
			card(o, "duplicates", b);
		}
	}
	if (s->calls) {
		card(o, "SNPs", gr_fmt_num(b, sizeof b, gr_num(s->calls, "summary.snps", 0)));
		card(o, "indels", gr_fmt_num(b, sizeof b, gr_num(s->calls, "summary.indels", 0)));
		snprintf(b, sizeof b, "%.3f", gr_num(s->calls, "summary.ts_tv", 0));
		card(o, "Ti/Tv", b);
		snprintf(b, sizeof b, "%.3f", gr_num(s->calls, "summary.het_hom_ratio", 0));
		card(o, "het/hom", b);
	}
	gsa_strbuf_append(o, "</div>\n");
	if (s->align) section_align(o, s->align);
	if (s->sort) section_coverage(o, s->sort);
	if (s->calls) section_calls(o, s->calls);
	gsa_strbuf_append(o, "</main>\n<footer>gsa-report ");
	gr_html_escape(o, version);
	gsa_strbuf_append(o, " &middot; metrics:");
	if (s->align_path) { gsa_strbuf_append(o, " "); gr_html_escape(o, s->align_path); }
	if (s->sort_path) { gsa_strbuf_append(o, " "); gr_html_escape(o, s->sort_path); }
	if (s->calls_path) { gsa_strbuf_append(o, " "); gr_html_escape(o, s->calls_path); }
	gsa_strbuf_append(o, "</footer>\n</body></html>\n");
}
