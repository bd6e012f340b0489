/* si_rec.h — one alignment record as sort-index keeps it, and the two
 * sort orders.
 *
 * A record is kept in its BAM file form from input to output: a 4-byte
 * little-endian block_size, then block_size bytes (refID, pos, ..., read
 * name, CIGAR, sequence, qualities, tags; SAM spec 4.2).  BAM input is
 * copied through untouched and the writer copies the bytes out again;
 * SAM input is packed into this form once (si_rec_pack).  Records live in
 * an arena (si_batch.h) or a run-file buffer (si_run.h), unaligned;
 * nothing owns them one by one.
 */
#ifndef SI_REC_H
#define SI_REC_H

#include <stddef.h>
#include <stdint.h>

#include <htslib/sam.h>

#include "err.h"

typedef uint8_t si_rec_t;

typedef enum { SI_ORDER_COORD = 0, SI_ORDER_NAME = 1 } si_order_t;

/* Smallest block_size of a record: the fixed fields (a valid record also
 * has a name of at least 1 byte). */
#define SI_REC_MIN_BLOCK 32u

static inline uint32_t si_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint16_t si_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline void si_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void si_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* Bytes the record takes, its 4-byte length included. */
static inline size_t si_rec_size(const si_rec_t *r)
{
	return 4 + (size_t)si_le32(r);
}

static inline int32_t si_rec_tid(const si_rec_t *r) { return (int32_t)si_le32(r + 4); }
static inline int32_t si_rec_pos(const si_rec_t *r) { return (int32_t)si_le32(r + 8); }
static inline uint16_t si_rec_flag(const si_rec_t *r) { return si_le16(r + 18); }
static inline int32_t si_rec_mtid(const si_rec_t *r) { return (int32_t)si_le32(r + 24); }
static inline const char *si_rec_qname(const si_rec_t *r) { return (const char *)(r + 36); }

/* Coordinate key, ordered like samtools sort: contig id as unsigned (so
 * unplaced records, tid -1, come last), then 1-based start (so pos -1
 * comes first within a contig), then the reverse-strand flag.  Equal keys
 * keep input order (every sort and merge here is stable). */
static inline uint64_t si_key_coord(const si_rec_t *r)
{
	return (uint64_t)(uint32_t)si_rec_tid(r) << 32
		| (uint64_t)(((uint32_t)si_rec_pos(r) + 1) & 0x7fffffffu) << 1
		| (uint64_t)((si_rec_flag(r) & BAM_FREVERSE) != 0);
}

/* Natural ("alphanumeric") comparison of read names as samtools sort -n
 * orders them: runs of digits compare by numeric value (leading zeros
 * ignored), everything else bytewise.  Returns <0, 0, >0. */
int si_name_cmp(const char *a, const char *b);

/* Name order of two records: si_name_cmp, then READ1 before READ2 (flag
 * bits 0x40/0x80).  Returns <0, 0, >0; 0 means "keep input order". */
int si_rec_cmp_name(const si_rec_t *a, const si_rec_t *b);

/* Order of two records under `order` (ties: 0). */
static inline int si_rec_cmp(si_order_t order, const si_rec_t *a, const si_rec_t *b)
{
	if (order == SI_ORDER_COORD) {
		uint64_t ka = si_key_coord(a), kb = si_key_coord(b);
		return ka < kb ? -1 : ka > kb;
	}
	return si_rec_cmp_name(a, b);
}

/* End of the record on the reference, 0-based exclusive, like htslib's
 * bam_endpos: pos + reference length of the CIGAR for a mapped record
 * with a CIGAR (at least 1), else pos + 1.  The name and CIGAR must lie
 * within the record (si_rec_check). */
int64_t si_rec_endpos(const si_rec_t *r);

/* Check a record's fixed fields: block_size >= 32, a NUL-terminated name,
 * field lengths within block_size, contig ids in [-1, n_targets), positions
 * >= -1.  Reads only the record's first 4 + block_size bytes.  Returns 0,
 * or -1 with what is wrong written to what[0..len). */
int si_rec_check(const si_rec_t *r, int32_t n_targets, char *what, size_t len);

/* Bytes si_rec_pack needs for b (BAM file form; a CIGAR of more than
 * 65535 operations moves into a CG tag, as the SAM spec says). */
size_t si_rec_packed_size(const bam1_t *b);

/* Write b in BAM file form to dst (si_rec_packed_size(b) bytes).
 * Returns 0, or -1 with err set (GSA_EDATA: a field BAM cannot hold). */
int si_rec_pack(const bam1_t *b, uint8_t *dst, gsa_err_t *err);

#endif
