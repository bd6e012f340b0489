/* cv_call.h — regions to chunks, the worker threads, the output file. */
#ifndef CV_CALL_H
#define CV_CALL_H

#include <stdint.h>

#include "cv_input.h"
#include "cv_opts.h"
#include "err.h"
#include "log.h"

typedef struct cv_region {
	int tid;
	int64_t beg, end; /* 0-based, end exclusive */
} cv_region_t;

/* Add the regions of a samtools-style list ("chr1", "chr1:100-200",
 * comma-separated) to *reg (*n entries, realloc'ed).  Returns 0, or -1 with
 * err set (GSA_EDATA for an unknown contig or bad coordinates). */
int cv_regions_parse(const sam_hdr_t *h, const char *spec, cv_region_t **reg, int *n, gsa_err_t *err);

/* Add the regions of a BED file (0-based, end exclusive; track/browser/#
 * lines skipped).  Returns 0, or -1 with err set. */
int cv_regions_bed(const sam_hdr_t *h, const char *path, cv_region_t **reg, int *n, gsa_err_t *err);

/* Sort by contig order and position and merge overlaps; *n may shrink. */
void cv_regions_normalise(cv_region_t *reg, int *n);

/* Call variants in the regions (every contig when nreg == 0) and write
 * out_path + out_path.tbi atomically.  The output is the same for every
 * o->nthreads.  *nsites gets the number of records written.  Returns 0, or
 * -1 with err set (nothing is left under out_path then). */
int cv_call_run(const cv_input_t *in, const cv_opts_t *o, const cv_region_t *reg, int nreg,
		const char *out_path, const char *cmdline, const gsa_log_t *log, long *nsites, gsa_err_t *err);

#endif
