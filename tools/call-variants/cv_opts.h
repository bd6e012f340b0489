/* cv_opts.h — call-variants options and their defaults. */
#ifndef CV_OPTS_H
#define CV_OPTS_H

#define CV_MAX_BANDS 32

struct cv_ploidy;
struct cv_bqcal;

typedef struct cv_opts {
	int min_mapq;          /* reads with MAPQ below are skipped (0) */
	int min_baseq;         /* bases with quality below are not counted (13) */
	int cap_mapq;          /* MAPQ above this is counted as this (60) */
	int cap_baseq;         /* base qualities above this are counted as this */
	int skip_flags;        /* reads with any of these flags are skipped */
	int max_depth;         /* reads kept per BAM over one position, 0 = all (500) */
	int count_overlaps;    /* 1: count bases both mates of a pair cover twice (0) */
	int nthreads;          /* worker threads (1) */
	int level;             /* BGZF compression level of the VCF, 0..12 (common/bgzf.h; 7) */
	int chunk_size;        /* bases per work unit; fixed so output does not depend on threads */
	int min_alt_reads;     /* reads showing an allele before it is a candidate (2) */
	int min_indel_reads;   /* the same for an indel longer than 1 bp (CIGAR evidence is rarer) */
	double min_alt_frac;   /* SNP candidate: alt reads / depth (0.05) */
	double min_indel_frac; /* indel candidate: supporting reads / depth (0.05) */
	double min_snp_af;     /* a sample's SNP call needs ALT reads >= this share of its depth (0: off;
	                          read ends an indel misaligns are masked instead) */
	double snp_theta;      /* prior probability of a het SNP per site (1e-3) */
	double indel_theta;    /* prior probability of a het indel per site (1e-4) */
	double min_qual;       /* sites with QUAL below are not written (10) */
	double lowqual;        /* sites with QUAL below get FILTER LowQual (20) */
	int gap_open;          /* realignment: phred cost of opening a gap (40) */
	int gap_ext;           /* realignment: phred cost of each further gap base (10) */
	struct cv_metrics *metrics;       /* NULL: none; else counts every record written */
	struct gsa_progress *progress;    /* NULL: none; else bases done of the regions */
	int mapq_adjust;       /* 1: cap MAPQ by XS vs AS and by the mate (cv_mapq) */
	int mate_cap;          /* MAPQ cap of a read whose mate is unmapped/elsewhere (20) */
	int mate_far;          /* |TLEN| above this is "elsewhere" (2000) */
	int hard_filters;      /* 1: FILTER by GATK's hard-filter thresholds (cv_annot) */
	/* gVCF (cv_gvcf) */
	int gvcf;              /* 1: write a gVCF (every position: records or reference blocks) */
	int gvcf_bands[CV_MAX_BANDS]; /* GQ band lower bounds, ascending, first 0 */
	int ngvcf_bands;
	/* ploidy (cv_ploidy); NULL = diploid everywhere */
	const struct cv_ploidy *ploidy;
	/* base-quality calibration (cv_bqcal) */
	int bq_calibrate;      /* 1: estimate it from the reads before calling (default) */
	const struct cv_bqcal *bqcal; /* NULL: reported qualities capped at cap_baseq */
} cv_opts_t;

/* Fill o with the defaults above. */
void cv_opts_init(cv_opts_t *o);

#endif
