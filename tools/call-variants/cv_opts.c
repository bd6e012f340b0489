#include "cv_opts.h"

#include <string.h>

#include <htslib/sam.h>

#include "bgzf.h"

void cv_opts_init(cv_opts_t *o)
{
	memset(o, 0, sizeof *o); /* every pointer (progress, ploidy, ...) NULL, every flag off */
	o->min_mapq = 0;
	o->min_baseq = 13;
	o->cap_mapq = 60;
	o->cap_baseq = 28;
	o->skip_flags = BAM_FUNMAP | BAM_FSECONDARY | BAM_FQCFAIL | BAM_FDUP;
	o->count_overlaps = 0;
	o->max_depth = 500;
	o->nthreads = 1;
	o->level = GSA_BGZF_LEVEL_HTSLIB;
	o->chunk_size = 100000;
	o->min_alt_reads = 2;
	o->min_indel_reads = 1;
	o->min_alt_frac = 0.05;
	o->min_indel_frac = 0.05;
	o->min_snp_af = 0.0;
	o->snp_theta = 1e-3;
	o->indel_theta = 1e-4;
	o->min_qual = 10.0;
	o->lowqual = 20.0;
	o->gap_open = 40;
	o->gap_ext = 10;
	o->hard_filters = 1;
	o->mapq_adjust = 1;
	o->mate_cap = 20;
	o->mate_far = 2000;
	o->gvcf = 0;
	static const int bands[] = { 0, 1, 10, 20, 30, 40, 50, 60 };
	o->ngvcf_bands = (int)(sizeof bands / sizeof bands[0]);
	for (int i = 0; i < o->ngvcf_bands; i++) o->gvcf_bands[i] = bands[i];
	o->ploidy = NULL;
	o->bq_calibrate = 1;
	o->bqcal = NULL;
}
