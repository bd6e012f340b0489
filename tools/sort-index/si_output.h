/* si_output.h — the sorted BAM and its index, written in one pass and
 * committed atomically.
 *
 * Both files are written under temp names beside their final names
 * (io.h) and registered for cleanup.  The BAM goes through gsa_bamw (BGZF
 * blocks compressed by the pool, index built from the blocks' offsets).
 * si_output_close() finishes the index, then renames the BAM into place
 * first and the index second, so an index never sits beside a BAM it does
 * not describe.
 */
#ifndef SI_OUTPUT_H
#define SI_OUTPUT_H

#include <stdint.h>

#include <htslib/sam.h>

#include "err.h"
#include "io.h"
#include "bgzf_bamw.h"
#include "pool.h"
#include "si_rec.h"

typedef struct si_output {
	gsa_atomic_file_t bam, idx;
	gsa_bamw_t *w;
	gsa_index_kind_t index;
} si_output_t;

/* Largest contig length a BAI index can address (2^29 - 1). */
#define SI_BAI_MAX_LEN ((int64_t)(1 << 29) - 1)

/* Open `path` for a BAM written at libdeflate `level` (0-12) with
 * the pool (may be NULL), write hdr, and start an index of kind `index`
 * (CSI uses min_shift) named path + ".bai" / ".csi".  Returns 0, or -1
 * with err set; nothing is left on disk on failure. */
int si_output_open(si_output_t *o, const char *path, sam_hdr_t *hdr, int level,
		   gsa_index_kind_t index, int min_shift, gsa_pool_t *pool, gsa_err_t *err);

/* Append one record (an si_emit_fn; ctx is the si_output_t).  Returns 0 or -1. */
int si_output_write(void *ctx, const si_rec_t *r, gsa_err_t *err);

/* Save the index, close, commit BAM then index.  Returns 0, or -1 with err
 * set (GSA_EIO; nothing is left under the final names written here). */
int si_output_close(si_output_t *o, gsa_err_t *err);

/* Drop everything written so far.  Safe after close or on a zeroed o. */
void si_output_abort(si_output_t *o);

#endif
