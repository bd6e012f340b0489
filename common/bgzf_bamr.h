/* bgzf_bamr.h — parallel BGZF BAM reader handing out raw records.
 *
 * Reads a BAM strictly sequentially (a file or a pipe), decompresses its
 * BGZF blocks in a pool's threads and returns each alignment record in its
 * BAM file form: the 4-byte little-endian block_size, then block_size bytes
 * (refID, pos, ..., read name, cigar, seq, qual, aux; SAM spec 4.2).
 *
 *     gsa_bamr_t *r = gsa_bamr_open(hf, "x.bam", pool, &err);
 *     const uint8_t *rec;
 *     int rc;
 *     while ((rc = gsa_bamr_next(r, &rec, &err)) > 0) use(rec);
 *     gsa_bamr_close(r);                 // rc < 0: err says what is wrong
 *
 * Every block's gzip header, BSIZE, ISIZE and CRC32 are checked, the stream
 * must end right after an empty (end-of-file) block, and each record gets
 * the cheap consistency checks htslib's bam_read1 makes.  Errors are one
 * line naming the file: GSA_EDATA for bad data (not a BAM, corrupt block,
 * truncated stream, malformed header or record), GSA_EIO for read errors.
 */
#ifndef GSA_BGZF_BAMR_H
#define GSA_BGZF_BAMR_H

#include <stdint.h>

#include <htslib/hfile.h>
#include <htslib/sam.h>

#include "err.h"
#include "pool.h"
#include "bamrec.h"

typedef struct gsa_bamr gsa_bamr_t;

/* Start reading a BGZF-compressed BAM from hf (read strictly sequentially
 * with hread, never seeks); the reader owns hf from now on (closed by
 * gsa_bamr_close, and also here on failure).  Reads and checks the header.
 * pool: blocks are decompressed in its threads (NULL: in the caller).
 * `name` is used in messages ("stdin" for a pipe); it is copied.  Returns
 * NULL with err set: GSA_EDATA (not a BAM, bad header, truncated, corrupt),
 * GSA_EIO (read error; also hf NULL, so that gsa_bamr_open(hopen(path, "r"),
 * path, ...) reports a file that cannot be opened, from errno). */
gsa_bamr_t *gsa_bamr_open(hFILE *hf, const char *name, gsa_pool_t *pool, gsa_err_t *err);

/* The header; owned by the reader, valid until gsa_bamr_close (NULL after
 * gsa_bamr_take_header). */
sam_hdr_t *gsa_bamr_header(const gsa_bamr_t *r);

/* Take the header: the caller now owns it (sam_hdr_destroy);
 * gsa_bamr_header returns NULL after. */
sam_hdr_t *gsa_bamr_take_header(gsa_bamr_t *r);

/* Next record in BAM file form (4-byte block_size, then block_size bytes);
 * *rec stays valid until the next call or gsa_bamr_close.  Returns 1; 0 at
 * the end (the stream ended right after the BGZF end-of-file block); -1
 * with err set (and -1 again on every later call). */
int gsa_bamr_next(gsa_bamr_t *r, const uint8_t **rec, gsa_err_t *err);

/* Records returned so far. */
uint64_t gsa_bamr_count(const gsa_bamr_t *r);

/* Compressed bytes consumed from hf so far (whole blocks read ahead
 * included): for progress reports. */
uint64_t gsa_bamr_bytes_in(const gsa_bamr_t *r);

/* Stop (waits for jobs in flight), close hf, free.  NULL is a no-op. */
void gsa_bamr_close(gsa_bamr_t *r);

#endif
