/* bamrec.h — one alignment record in its BAM file form, and little-endian
 * byte helpers.
 *
 * A record in BAM file form is a 4-byte little-endian block_size, then
 * block_size bytes: refID, pos, l_read_name, mapq, bin, n_cigar_op, flag,
 * l_seq, next_refID, next_pos, tlen, read name, CIGAR, sequence, qualities,
 * tags (SAM spec 4.2).  This is what the BGZF BAM reader hands out
 * (bgzf_bamr.h) and the writer takes (bgzf_bamw.h); records need no
 * alignment and nothing here owns them.
 */
#ifndef GSA_BAMREC_H
#define GSA_BAMREC_H

#include <stddef.h>
#include <stdint.h>

#include <htslib/sam.h>

#include "err.h"

/* Smallest block_size of a record: the fixed fields (a valid record also
 * has a name of at least 1 byte). */
#define GSA_BAMREC_MIN_BLOCK 32u

/* Little-endian loads and stores at any alignment. */
static inline uint32_t gsa_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint16_t gsa_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline void gsa_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void gsa_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* Bytes the record takes, its 4-byte length included. */
static inline size_t gsa_bamrec_size(const uint8_t *r)
{
	return 4 + (size_t)gsa_le32(r);
}

/* Fixed fields of a record (r points at its block_size). */
static inline int32_t gsa_bamrec_tid(const uint8_t *r) { return (int32_t)gsa_le32(r + 4); }
static inline int32_t gsa_bamrec_pos(const uint8_t *r) { return (int32_t)gsa_le32(r + 8); }
static inline uint16_t gsa_bamrec_flag(const uint8_t *r) { return gsa_le16(r + 18); }
static inline int32_t gsa_bamrec_mtid(const uint8_t *r) { return (int32_t)gsa_le32(r + 24); }
static inline const char *gsa_bamrec_qname(const uint8_t *r) { return (const char *)(r + 36); }

/* End of the record on the reference, 0-based exclusive, like htslib's
 * bam_endpos: pos + reference length of the CIGAR for a mapped record
 * with a CIGAR (at least 1), else pos + 1.  The name and CIGAR must lie
 * within the record (gsa_bamrec_check). */
int64_t gsa_bamrec_endpos(const uint8_t *r);

/* Check a record's fixed fields: block_size >= 32, a NUL-terminated name,
 * field lengths within block_size, contig ids in [-1, n_targets), positions
 * >= -1.  Reads only the record's first 4 + block_size bytes.  Returns 0,
 * or -1 with what is wrong written to what[0..len). */
int gsa_bamrec_check(const uint8_t *r, int32_t n_targets, char *what, size_t len);

/* Bytes gsa_bamrec_pack needs for b (BAM file form; a CIGAR of more than
 * 65535 operations moves into a CG tag, as the SAM spec says). */
size_t gsa_bamrec_packed_size(const bam1_t *b);

/* Write b in BAM file form to dst (gsa_bamrec_packed_size(b) bytes).
 * Returns 0, or -1 with err set (GSA_EDATA: a field BAM cannot hold). */
int gsa_bamrec_pack(const bam1_t *b, uint8_t *dst, gsa_err_t *err);

#endif
