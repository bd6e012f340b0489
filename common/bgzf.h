/* bgzf.h — the one BGZF writer: bytes -> BGZF blocks compressed in a pool
 * with libdeflate, written in order, with an index built in the same pass.
 *
 * Blocks hold GSA_BGZF_BLOCK uncompressed bytes, as htslib's writer fills
 * them: gsa_bgzf_write fills blocks to the brim (text: VCF), while
 * gsa_bgzf_flush_try first closes the open block when a unit (a BAM
 * record) does not fit its free space.  Closed blocks are grouped into jobs
 * that the pool compresses; finished jobs come back in submission order and
 * are written with one write() each.  Index entries are queued with the
 * position where their unit ends and pushed to the hts_idx_t with their
 * real virtual offsets once their job is written.  Output bytes depend only
 * on the data, the calls and the level, never on the pool.
 *
 * Compression level, the same in every tool: libdeflate's scale 0..12
 * (0 = stored blocks, no compression), default GSA_BGZF_LEVEL_DEFAULT.
 * htslib maps its 0..9 onto this scale (its 6 is our 7).
 *
 * The format layers on top: bgzf_bamw.h (BAM + BAI/CSI), bgzf_vcfw.h
 * (VCF + TBI/CSI).
 *
 *     gsa_bgzf_t *w = gsa_bgzf_open(fd, "out.vcf.gz", 6, pool, &err);
 *     gsa_bgzf_index_init(w, HTS_FMT_TBI, 14, 5, 0);
 *     gsa_bgzf_write(w, line, n, &err); gsa_bgzf_index_push(w, tid, beg, end, 1, &err);
 *     if (gsa_bgzf_finish(w, "out.vcf.gz.tbi", HTS_FMT_TBI, &err) < 0) ...  // data, EOF, index
 *     gsa_bgzf_free(w);
 */
#ifndef GSA_BGZF_H
#define GSA_BGZF_H

#include <stddef.h>
#include <stdint.h>

#include <htslib/hts.h>

#include "err.h"
#include "pool.h"

typedef struct gsa_bgzf gsa_bgzf_t;

/* Uncompressed bytes per BGZF block (htslib's BGZF_BLOCK_SIZE). */
#define GSA_BGZF_BLOCK 0xff00

/* Default compression level (libdeflate scale): sort-index's. */
#define GSA_BGZF_LEVEL_DEFAULT 6
/* htslib's default level on our scale (its 6): the default of the tools
 * that wrote through htslib before (align -o, call-variants), so their
 * default output keeps its bytes. */
#define GSA_BGZF_LEVEL_HTSLIB 7
#define GSA_BGZF_LEVEL_MAX 12

/* Index written beside a file.  (htslib's HTS_FMT_CSI is 0, so htslib's
 * constants cannot also say "no index": the writers take these.) */
typedef enum {
	GSA_INDEX_NONE = 0,
	GSA_INDEX_BAI,   /* BAM */
	GSA_INDEX_CSI,   /* BAM or VCF */
	GSA_INDEX_TBI    /* VCF (tabix) */
} gsa_index_kind_t;

/* The standard empty block that ends a BGZF file (SAM spec 4.1.2). */
extern const uint8_t gsa_bgzf_eof_block[28];

/* Start writing BGZF to fd (open for writing, e.g. the temp file of
 * gsa_atomic_open; never closed here; `name` is used in messages and
 * copied).  level: 0..12.  pool: blocks are compressed in its threads
 * (NULL: in the caller); it must outlive the writer.  Returns NULL with
 * err set (GSA_EINTERNAL: bad level, no compressor). */
gsa_bgzf_t *gsa_bgzf_open(int fd, const char *name, int level, gsa_pool_t *pool, gsa_err_t *err);

/* Build an index in the same pass: hts_idx_init(n_ref, fmt, ..., min_shift,
 * n_lvls) is called when the first entry is pushed (or at close), with the
 * offset of the last gsa_bgzf_index_mark (0 if none) as its first offset.
 * May be called again to change the layout until the first entry is
 * pushed.  Returns 0 or -1 with err set. */
int gsa_bgzf_index_init(gsa_bgzf_t *w, int fmt, int min_shift, int n_lvls, int n_ref, gsa_err_t *err);

/* Append n bytes, filling blocks to GSA_BGZF_BLOCK (htslib's bgzf_write).
 * Returns 0 or -1 with err set (GSA_EIO naming the file, ": No space left
 * on device" when the disk is full).  Errors stick: every later call fails
 * with the same error. */
int gsa_bgzf_write(gsa_bgzf_t *w, const void *p, size_t n, gsa_err_t *err);

/* Close the open block if it holds data and n more bytes would not fit
 * (htslib's bgzf_flush_try).  Returns 0 or -1 with err set. */
int gsa_bgzf_flush_try(gsa_bgzf_t *w, size_t n, gsa_err_t *err);

/* Close the open block if it holds data.  Returns 0 or -1 with err set. */
int gsa_bgzf_flush(gsa_bgzf_t *w, gsa_err_t *err);

/* Queue an index entry for a unit ending at the current position:
 * hts_idx_push(idx, tid, beg, end, its virtual offset, is_mapped) once
 * written.  Returns 0 or -1 with err set (the index refuses it: out of
 * order; reported when a later call or gsa_bgzf_close fails). */
int gsa_bgzf_index_push(gsa_bgzf_t *w, int32_t tid, int64_t beg, int64_t end, int is_mapped, gsa_err_t *err);

/* The index starts here unless an entry was pushed before (tabix: after
 * each header line; BAM: after the header). */
int gsa_bgzf_index_mark(gsa_bgzf_t *w, gsa_err_t *err);

/* Make err the writer's sticky error (a format layer's own, e.g. a
 * malformed record): every later call fails with it.  Returns -1. */
int gsa_bgzf_fail(gsa_bgzf_t *w, const gsa_err_t *err);

/* 0, or -1 with the sticky error copied to err once the writer failed. */
int gsa_bgzf_check(const gsa_bgzf_t *w, gsa_err_t *err);

/* Uncompressed bytes written so far. */
uint64_t gsa_bgzf_tell_raw(const gsa_bgzf_t *w);

/* The index's meta block (tabix: its preset and contig names), copied;
 * stored in the index when it is finished. */
void gsa_bgzf_index_meta(gsa_bgzf_t *w, const uint8_t *meta, size_t len);

/* Write what is left and the EOF block; with an index, finish it (its last
 * chunk ends where the EOF block starts) and save it to idx_path as fmt
 * (HTS_FMT_BAI/CSI/TBI).  Does not fsync or close fd; free the writer
 * after.  Returns 0 or -1 with err set (GSA_EIO naming the file or the
 * index path). */
int gsa_bgzf_finish(gsa_bgzf_t *w, const char *idx_path, int fmt, gsa_err_t *err);

/* Free (waits for jobs still in the pool).  NULL is a no-op. */
void gsa_bgzf_free(gsa_bgzf_t *w);

#endif
