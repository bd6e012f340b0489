/* cv_joint.h — joint genotyping of per-sample gVCFs.
 *
 * Reads N single-sample gVCFs (call-variants --gvcf; any gVCF whose sites
 * carry <*> with PL works) over one region, in one streaming pass: every
 * position where some sample has a variant record (SNP and indel records
 * apart) becomes a cohort site.  Each sample's likelihoods there come from
 * its own record at that site, else from the reference block covering it,
 * else from a record overlapping it; cohort alleles that sample did not
 * list take the likelihoods of its <*>.  Genotypes are re-called from those
 * likelihoods under a cohort allele-frequency prior (Hardy-Weinberg,
 * frequencies estimated by EM over the samples, shrunk towards the
 * single-sample prior by 10 pseudo-chromosomes), and written for every
 * sample as GT:AD:DP:GQ:PL; a sample is missing (./.) only without reads
 * (or where its PL count fits neither its GT's ploidy nor its alleles).
 * Symbolic ALTs other than <*> / <NON_REF> (<DEL>, '*', breakends) are not
 * called: a record holding only those counts as a reference block.
 * Memory: one open handle and the pending records per sample, and one
 * site's arrays; nothing grows with the region.
 */
#ifndef CV_JOINT_H
#define CV_JOINT_H

#include "cv_opts.h"
#include "err.h"

typedef struct cv_joint_stats {
	long sites;     /* records written */
	long recovered; /* sample genotypes non-REF in the joint call whose own gVCF did not call them */
	long lost;      /* sample genotypes non-REF in the gVCF but REF in the joint call */
} cv_joint_stats_t;

/* Joint-call paths[0..n) over region (samtools-style "chr" or
 * "chr:from-to"; NULL = everything) into out (bgzipped VCF + .tbi,
 * atomic).  Uses o->snp_theta, o->indel_theta (initial frequencies),
 * o->min_qual, o->lowqual.  The region is read as the caller's -r
 * (cv_regions_parse), one region; only variant records starting in it make
 * sites.  Returns 0, or -1 with err set: GSA_EIO for an unreadable file (or
 * a directory, device or named FIFO), GSA_EDATA for a bad region, or a gVCF
 * that is truncated, not indexed (with a region), holds more than one sample
 * or the sample of an earlier one, declares no Integer INFO/END, lists
 * other contigs (names, lengths, order) than the first, is unsorted, or has
 * a record on an undeclared contig, past its contig's end, with END before
 * POS or a negative PL. */
int cv_joint_run(char **paths, int n, const char *region, const cv_opts_t *o, const char *out,
		 const char *cmdline, cv_joint_stats_t *st, gsa_err_t *err);

#endif
