#include "gr_multiqc.h"

#include <stddef.h>

typedef struct column {
	const char *id, *title, *description, *suffix;
	int which;         /* 0 align, 1 sort-index, 2 call-variants */
	const char *path;  /* dotted path in that document */
	double scale;      /* value x scale */
	int is_pct;        /* 0..100 */
} column_t;

static const column_t COLUMNS[] = {
	{ "gsa_reads", "Reads", "Primary reads (align)", "", 0, "summary.reads", 1, 0 },
	{ "gsa_mapped_pct", "% Mapped", "Primary reads mapped (align)", "%", 0, "summary.mapped_pct", 1, 1 },
	{ "gsa_proper_pct", "% Proper", "Reads properly paired (align)", "%", 0, "summary.properly_paired_pct", 1, 1 },
	{ "gsa_insert_mean", "Insert", "Mean insert size of proper pairs (align)", " bp", 0, "summary.insert_mean", 1, 0 },
	{ "gsa_error_rate_pct", "% Mismatch", "Mismatches (NM) / bases mapped (align)", "%", 0, "summary.error_rate", 100, 1 },
	{ "gsa_mean_depth", "Depth", "Mean depth over the reference (sort-index)", "x", 1, "coverage.mean_depth", 1, 0 },
	{ "gsa_breadth_pct", "% Covered", "Reference bases at depth >= 1 (sort-index)", "%", 1, "coverage.breadth", 100, 1 },
	{ "gsa_dup_pct", "% Dups", "Duplicate rate of primary mapped reads, when marked (sort-index)", "%", 1, "summary.duplicate_rate", 100, 1 },
	{ "gsa_snps", "SNPs", "SNP records (call-variants)", "", 2, "summary.snps", 1, 0 },
	{ "gsa_indels", "Indels", "Indel records (call-variants)", "", 2, "summary.indels", 1, 0 },
	{ "gsa_ts_tv", "Ti/Tv", "Transitions / transversions (call-variants)", "", 2, "summary.ts_tv", 1, 0 },
	{ "gsa_het_hom", "Het/Hom", "Heterozygous / homozygous-alt genotypes (call-variants)", "", 2, "summary.het_hom_ratio", 1, 0 },
};

static const gsa_json_t *doc_of(const gr_sample_t *s, int which)
{
	return which == 0 ? s->align : which == 1 ? s->sort : s->calls;
}

void gr_multiqc_document(gsa_jsonw_t *w, const gr_sample_t *s)
{
	size_t i, n = sizeof COLUMNS / sizeof COLUMNS[0];
	gsa_jsonw_begin_object(w, NULL);
	gsa_jsonw_str(w, "id", "gsa");
	gsa_jsonw_str(w, "section_name", "gsa");
	gsa_jsonw_str(w, "description", "Metrics gathered by the gsa tools while they ran (align, sort-index, call-variants).");
	gsa_jsonw_str(w, "plot_type", "generalstats");
	/* column settings: a list of one-member objects (MultiQC's pconfig for general stats) */
	gsa_jsonw_begin_array(w, "pconfig");
	for (i = 0; i < n; i++) {
		const column_t *c = &COLUMNS[i];
		if (!doc_of(s, c->which)) continue;
		gsa_jsonw_begin_object(w, NULL);
		gsa_jsonw_begin_object(w, c->id);
		gsa_jsonw_str(w, "title", c->title);
		gsa_jsonw_str(w, "description", c->description);
		if (*c->suffix) gsa_jsonw_str(w, "suffix", c->suffix);
		if (c->is_pct) {
			gsa_jsonw_u64(w, "min", 0);
			gsa_jsonw_u64(w, "max", 100);
		}
		gsa_jsonw_end(w);
		gsa_jsonw_end(w);
	}
	gsa_jsonw_end(w);
	gsa_jsonw_begin_object(w, "data");
	gsa_jsonw_begin_object(w, s->name);
	for (i = 0; i < n; i++) {
		const column_t *c = &COLUMNS[i];
		const gsa_json_t *d = doc_of(s, c->which);
		if (!d) continue;
		gsa_jsonw_num(w, c->id, gr_num(d, c->path, 0) * c->scale, 8);
	}
	gsa_jsonw_end(w);
	gsa_jsonw_end(w);
	gsa_jsonw_end(w);
}
