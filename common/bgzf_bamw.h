/* bgzf_bamw.h — raw BAM records -> BGZF BAM file (libdeflate, parallel) + index.
 *
 * The BAM layer of the BGZF writer (bgzf.h).  Records arrive in their BAM
 * file form (4-byte block_size, then that many bytes, as in a decompressed
 * BAM stream) and are copied into BGZF blocks placed like htslib's BAM
 * writer places them: the header in its own block(s), a record that does
 * not fit the current block's free space starts a new block, a record
 * larger than a block spans several.  The pool compresses the blocks; the
 * BAI or CSI index is built in the same pass from the blocks' real
 * offsets.  Output bytes depend only on the records and the level, never
 * on the pool.
 *
 *     gsa_bamw_t *w = gsa_bamw_open(fd, "out.bam", hdr, 6, pool, GSA_INDEX_BAI, 0, &err);
 *     while (next(&rec)) if (gsa_bamw_put(w, rec, &err) < 0) { gsa_bamw_free(w); ... }
 *     if (gsa_bamw_finish(w, "out.bam.bai", &err) < 0) ...
 */
#ifndef GSA_BGZF_BAMW_H
#define GSA_BGZF_BAMW_H

#include <stdint.h>

#include <htslib/sam.h>

#include "bamrec.h"
#include "bgzf.h"
#include "err.h"
#include "pool.h"

typedef struct gsa_bamw gsa_bamw_t;

/* Start a BAM on fd (open for writing, e.g. the temp file of
 * gsa_atomic_open; never closed by the writer; `name` is used in
 * messages and copied).  level: 0..12 (bgzf.h; 0 = stored).
 * pool: blocks are compressed in its threads (NULL: in the caller); the
 * pool must outlive the writer.  index_kind: GSA_INDEX_NONE, _BAI or
 * _CSI (bgzf.h) (min_shift used for CSI, <= 0 means 14).  hdr is read here
 * only.  The BAM header goes in its own block(s), written with the first
 * job (a write error shows at put or finish).  Returns NULL with err
 * set (GSA_EDATA for a contig longer than BAM
 * allows; GSA_EINTERNAL for a bad level or index kind). */
gsa_bamw_t *gsa_bamw_open(int fd, const char *name, sam_hdr_t *hdr, int level, gsa_pool_t *pool,
			gsa_index_kind_t index_kind, int min_shift, gsa_err_t *err);

/* Append one record in BAM file form (4-byte block_size + that many bytes)
 * and add it to the index.  The bytes are copied; rec needs no alignment.
 * Returns 0 or -1 with err set (GSA_EIO, with ": No space left on device"
 * when the disk is full; GSA_EDATA for a malformed record, a reference id
 * outside the header or, when indexing, a record out of coordinate order
 * or beyond what the index format can address).  After an error every
 * later call fails with the same error; free the writer. */
int gsa_bamw_put(gsa_bamw_t *w, const uint8_t *rec, gsa_err_t *err);

/* Write what is left, then the BGZF end-of-file block; save the index (if
 * any) to idx_path with hts_idx_save_as.  Does not fsync or close fd.
 * Frees w in every case.  Returns 0 or -1 with err set. */
int gsa_bamw_finish(gsa_bamw_t *w, const char *idx_path, gsa_err_t *err);

/* Free without finishing (after an error); waits for jobs still in the
 * pool.  NULL is a no-op. */
void gsa_bamw_free(gsa_bamw_t *w);

#endif
