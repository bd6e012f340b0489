/* gr_metrics.h — a sample's metrics files (align, sort-index,
 * call-variants --metrics) loaded and checked for gsa-report. */
#ifndef GR_METRICS_H
#define GR_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "json.h"

typedef struct gr_sample {
	char *name;            /* sample name (owned): -s, else align's "sample", else "sample" */
	gsa_json_t *align;     /* "gsa-align-metrics" document, or NULL (owned) */
	gsa_json_t *sort;      /* "gsa-sort-index-metrics", or NULL (owned) */
	gsa_json_t *calls;     /* "gsa-call-variants-metrics", or NULL (owned) */
	char *align_path, *sort_path, *calls_path; /* where each came from (owned) */
} gr_sample_t;

/* Zero s. */
void gr_sample_init(gr_sample_t *s);
/* Free what s owns.  Safe on a zeroed s. */
void gr_sample_free(gr_sample_t *s);

/* Read metrics file path and file it under its "kind".  Returns 0, or -1
 * with err set: GSA_EIO (cannot read), GSA_EDATA (not JSON, unknown kind,
 * a second file of the same kind), each naming path. */
int gr_sample_load(gr_sample_t *s, const char *path, gsa_err_t *err);

/* Number at a dotted path ("summary.reads") under doc, or `dflt` when
 * doc is NULL or the member is missing or not a number. */
double gr_num(const gsa_json_t *doc, const char *dotted, double dflt);

/* Array of numbers at a dotted path: *n elements copied into a new array
 * (caller frees), non-numbers read as 0.  NULL with *n = 0 when missing. */
double *gr_array(const gsa_json_t *doc, const char *dotted, size_t *n);

/* Member at a dotted path, or NULL. */
const gsa_json_t *gr_get(const gsa_json_t *doc, const char *dotted);

#endif
