/* cv_chunk.h — call variants in one slice of one contig.
 *
 * A worker owns per-thread handles and scratch space.  cv_chunk_call()
 * loads the reads overlapping the slice plus a margin, counts bases and
 * collects CIGAR indels (left-aligned) in one pass, picks candidate SNP
 * sites and indel loci, genotypes indels by realigning each read to the
 * REF and ALT haplotypes (masking read ends an indel misaligns), SNPs from
 * calibrated base and mapping qualities with read-backed phase evidence
 * from nearby sure hets, and writes
 * the variant records whose POS lies in the slice as VCF text.  The result
 * depends only on the slice, never on which thread ran it.
 */
#ifndef CV_CHUNK_H
#define CV_CHUNK_H

#include <stdint.h>

#include "cv_input.h"
#include "cv_opts.h"
#include "err.h"
#include "strbuf.h"

typedef struct cv_worker cv_worker_t;

/* New worker with its own handles on the inputs.  Returns NULL with err set. */
cv_worker_t *cv_worker_new(const cv_input_t *in, const cv_opts_t *o, gsa_err_t *err);
void cv_worker_free(cv_worker_t *w);

/* Append to out the VCF lines of variants with POS in [beg, end) (0-based)
 * of contig tid, in position order.  Returns 0, or -1 with err set. */
int cv_chunk_call(cv_worker_t *w, int tid, int64_t beg, int64_t end, gsa_strbuf_t *out, gsa_err_t *err);

#endif
