/* fai.h — a FASTA's .fai index checked against the FASTA it claims to index.
 *
 * htslib's faidx trusts the .fai: a stale one (the FASTA changed after
 * `samtools faidx`) silently returns other bases.  gsa_fai_check reads the
 * .fai (NAME LENGTH OFFSET LINEBASES LINEWIDTH per line, SAMtools' faidx
 * format) and checks every field and, for an uncompressed FASTA, that each
 * contig's header line ">NAME" ends right before its OFFSET and that its
 * last base lies inside the file: a few small reads per contig.
 */
#ifndef GSA_FAI_H
#define GSA_FAI_H

#include "err.h"

/* Check fai_path against fasta_path (a bgzip-compressed FASTA gets the
 * field checks only).  Returns 0, or -1 with err set: GSA_EIO when a file
 * cannot be read, GSA_EDATA naming the .fai when it is malformed or does
 * not match the FASTA ("stale: ... delete it or run samtools faidx"). */
int gsa_fai_check(const char *fasta_path, const char *fai_path, gsa_err_t *err);

/* The same on a .fai held in memory (fai[0..n)); fasta_fd < 0 skips the
 * checks against the FASTA, else fasta_size is its size.  `name` is used in
 * messages. */
int gsa_fai_check_buf(const char *fai, size_t n, int fasta_fd, long long fasta_size, const char *name,
		      gsa_err_t *err);

#endif
