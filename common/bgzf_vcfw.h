/* bgzf_vcfw.h — VCF text -> bgzipped VCF (libdeflate, parallel) + TBI/CSI,
 * in one pass.
 *
 * The VCF layer of the BGZF writer (bgzf.h).  Text is put in pieces of any
 * size (whole lines or not); blocks are filled to the brim as htslib's
 * bgzf_write fills them.  Each complete line is indexed as `tabix -p vcf`
 * indexes it: lines starting with '#' are header (the index starts after
 * the last one), empty lines are skipped; a record's contig id is the order
 * in which its CHROM first appears, its interval is 0-based [POS-1, end)
 * with end = POS-1 + length of REF, or INFO's END= when that is a number
 * beyond POS-1.  Records of one contig must be in POS order and a contig's
 * records together (else GSA_EDATA).  The TBI/CSI written equals the one
 * tbx_index_build2 makes from the same file.
 *
 *     gsa_vcfw_t *w = gsa_vcfw_open(fd, "x.vcf.gz", 6, pool, GSA_INDEX_TBI, 0, &err);
 *     gsa_vcfw_put(w, text, len, &err) ...
 *     gsa_vcfw_finish(w, "x.vcf.gz.tbi", &err);      // frees w
 */
#ifndef GSA_BGZF_VCFW_H
#define GSA_BGZF_VCFW_H

#include <stddef.h>

#include "bgzf.h"
#include "err.h"
#include "pool.h"

typedef struct gsa_vcfw gsa_vcfw_t;

/* Start a bgzipped VCF on fd (open for writing; never closed here; `name`
 * is used in messages and copied).  level: 0..12 (bgzf.h).  pool: blocks
 * are compressed in its threads (NULL: in the caller); it must outlive the
 * writer.  index_kind: GSA_INDEX_NONE, _TBI or _CSI (min_shift for CSI,
 * <= 0 means 14).  Returns NULL with err set (GSA_EINTERNAL: bad level or
 * index kind). */
gsa_vcfw_t *gsa_vcfw_open(int fd, const char *name, int level, gsa_pool_t *pool, gsa_index_kind_t index_kind,
			  int min_shift, gsa_err_t *err);

/* Append n bytes of VCF text.  Returns 0 or -1 with err set (GSA_EIO naming
 * the file, ": No space left on device" when the disk is full; GSA_EDATA
 * for a record line without CHROM and a numeric POS, or out of order).
 * After an error every later call fails with the same error. */
int gsa_vcfw_put(gsa_vcfw_t *w, const char *s, size_t n, gsa_err_t *err);

/* Records (non-header lines) put so far. */
uint64_t gsa_vcfw_records(const gsa_vcfw_t *w);

/* Write what is left and the EOF block; save the index (if any) to
 * idx_path.  Does not fsync or close fd.  Frees w in every case.  Returns
 * 0 or -1 with err set. */
int gsa_vcfw_finish(gsa_vcfw_t *w, const char *idx_path, gsa_err_t *err);

/* Free without finishing (after an error).  NULL is a no-op. */
void gsa_vcfw_free(gsa_vcfw_t *w);

#endif
