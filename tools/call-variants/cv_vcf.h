/* cv_vcf.h — VCF header text and the bgzipped, tabix-indexed output file.
 *
 * The writer puts BGZF data under a temp name through the shared BGZF VCF
 * writer (common/bgzf_vcfw.h: compression in the pool, the .tbi built in
 * the same pass), saves the .tbi beside it under another temp name, then
 * renames the data and after it the index into place (gsa_atomic_*), so
 * OUT.vcf.gz and OUT.vcf.gz.tbi (.csi for a contig of 2^29 bases or more)
 * are either complete or absent.
 */
#ifndef CV_VCF_H
#define CV_VCF_H

#include <htslib/sam.h>
#include <htslib/vcf.h>

#include "bgzf_vcfw.h"
#include "cv_opts.h"
#include "err.h"
#include "io.h"
#include "strbuf.h"

/* Append the full VCF 4.2 header: contigs with lengths from hdr, the
 * reference, FILTER/INFO/FORMAT definitions, source and command line, and
 * the #CHROM line with one column per sample. */
void cv_vcf_header(gsa_strbuf_t *out, const sam_hdr_t *hdr, const char *ref_path, char *const *samples,
		   int ns, const char *cmdline, const cv_opts_t *o);

typedef struct cv_vcf_writer {
	gsa_atomic_file_t data, idx;
	gsa_vcfw_t *vw;
} cv_vcf_writer_t;

/* Longest contig a TBI can index (positions below 2^29). */
#define CV_VCF_TBI_MAX_LEN (((int64_t)1 << 29) - 1)

/* Length of the longest ##contig of h (0 when none gives one). */
int64_t cv_vcf_longest_contig(const bcf_hdr_t *h);

/* Start writing path (bgzipped at `level`, 0..12 as in common/bgzf.h,
 * compressed in pool's threads or, pool NULL, in the caller) and its index:
 * path.tbi, or path.csi when the longest contig is longer than
 * CV_VCF_TBI_MAX_LEN.  Returns 0 or -1 with err. */
int cv_vcf_writer_open(cv_vcf_writer_t *w, const char *path, int level, gsa_pool_t *pool, int64_t longest,
		       gsa_err_t *err);

/* Append n bytes of VCF text.  Returns 0 or -1 with err (GSA_EIO). */
int cv_vcf_writer_put(cv_vcf_writer_t *w, const char *s, size_t n, gsa_err_t *err);

/* Finish the BGZF stream, save the index, and move both into place (data
 * first).  Returns 0 or -1 with err; either way w is released. */
int cv_vcf_writer_commit(cv_vcf_writer_t *w, gsa_err_t *err);

/* Drop both temp files.  Safe after commit or on a zeroed writer. */
void cv_vcf_writer_abort(cv_vcf_writer_t *w);

#endif
