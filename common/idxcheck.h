/* idxcheck.h — BAI and CSI coordinate indexes checked before htslib uses them.
 *
 * htslib trusts an index's counts: a truncated or damaged .bai can crash it
 * (a 40-byte .bai makes hts_idx_destroy free garbage).  These functions walk
 * the whole index (SAM spec 5.2 BAI, CSIv1 spec) and check every count
 * against the bytes that follow, every bin number against the binning
 * scheme, the number of references against the BAM header, and every file
 * offset against the size of the data file (an index of a longer, older
 * file points past the end).
 */
#ifndef GSA_IDXCHECK_H
#define GSA_IDXCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Check an index held in memory: buf[0..n) is the file's content,
 * uncompressed (a CSI is BGZF-compressed on disk: pass what it
 * decompresses to).  The kind is told by the magic ("BAI\1" or "CSI\1").
 * n_ref: the references of the data file's header; data_size: its size in
 * bytes (0: offsets not checked).  `name` is used in messages.  Returns
 * 0, or -1 with err set (GSA_EDATA, one line naming `name`). */
int gsa_idx_check_buf(const uint8_t *buf, size_t n, int n_ref, uint64_t data_size, const char *name,
		      gsa_err_t *err);

/* Read the index file at idx_path (BAI as it is, CSI through BGZF) and
 * check it as gsa_idx_check_buf does.  Returns 0, or -1 with err set:
 * GSA_EIO when it cannot be read, GSA_EDATA when it is damaged. */
int gsa_idx_check_file(const char *idx_path, int n_ref, uint64_t data_size, gsa_err_t *err);

/* The index of a BAM/CRAM file as htslib would look for it: PATH.csi,
 * PATH.bai, then PATH without its extension plus .csi / .bai.  Returns a
 * new string (caller frees), or NULL when there is none. */
char *gsa_idx_find(const char *data_path);

#endif
