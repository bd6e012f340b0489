/* cv_ploidy.h — ploidy per region and sample sex.
 *
 * Rules are "CHROM FROM TO SEX PLOIDY" lines (1-based, inclusive; SEX M or
 * F; PLOIDY 0, 1 or 2), the format of bcftools call --ploidy-file.  A
 * position no rule covers is diploid.  Presets GRCh37 and GRCh38 make chrX
 * outside the pseudo-autosomal regions and chrY haploid in males, chrY
 * absent (ploidy 0) in females and the mitochondrion haploid in everyone;
 * they match both spellings of the names (X / chrX, MT / chrM).
 */
#ifndef CV_PLOIDY_H
#define CV_PLOIDY_H

#include <stdint.h>

#include "err.h"

typedef struct cv_ploidy_rule {
	char *contig;
	int64_t beg, end; /* 0-based, end exclusive */
	char sex;         /* 'M' or 'F' */
	int ploidy;       /* 0, 1 or 2 */
} cv_ploidy_rule_t;

typedef struct cv_ploidy {
	cv_ploidy_rule_t *rule; /* owned */
	int nrule;
	char *sex;              /* per sample 'M' or 'F' (owned); NULL: all 'F' */
	int ns;
} cv_ploidy_t;

/* Load rules from a preset name (GRCh37, GRCh38) or a file (exactly five
 * fields a line; blank lines and '#' comments skipped).  Returns 0, or -1
 * with err set (GSA_EIO unreadable file, or a directory, device or named
 * FIFO; GSA_EDATA bad line). */
int cv_ploidy_load(cv_ploidy_t *p, const char *spec, gsa_err_t *err);

/* Sexes of the samples from "NAME=M,NAME=F" or a file of "NAME SEX" lines;
 * samples not named are F.  Returns 0, or -1 with err set (GSA_EIO for a
 * file that cannot be read, GSA_EDATA for a name that is not a sample, a
 * sex other than M/F or a sample given both). */
int cv_ploidy_set_sex(cv_ploidy_t *p, char *const *samples, int ns, const char *spec, gsa_err_t *err);

/* Ploidy of sample s at 0-based pos of contig; *until (if not NULL) gets
 * the first position after pos where it may change. */
int cv_ploidy_at(const cv_ploidy_t *p, const char *contig, int64_t pos, int s, int64_t *until);

/* Release what load/set_sex allocated; safe on a zeroed struct. */
void cv_ploidy_free(cv_ploidy_t *p);

#endif
