/* si_rec.h — one alignment record as sort-index keeps it, and the two
 * sort orders.
 *
 * A record is kept in its BAM file form from input to output: a 4-byte
 * little-endian block_size, then block_size bytes (refID, pos, ..., read
 * name, CIGAR, sequence, qualities, tags; SAM spec 4.2).  BAM input is
 * copied through untouched and the writer copies the bytes out again;
 * SAM input is packed into this form once (gsa_bamrec_pack).  Records live in
 * an arena (si_batch.h) or a run-file buffer (si_run.h), unaligned;
 * nothing owns them one by one.
 */
#ifndef SI_REC_H
#define SI_REC_H

#include <stddef.h>
#include <stdint.h>

#include <htslib/sam.h>

#include "bamrec.h"
#include "err.h"

typedef uint8_t si_rec_t;

typedef enum { SI_ORDER_COORD = 0, SI_ORDER_NAME = 1 } si_order_t;

/* Coordinate key, ordered like samtools sort: contig id as unsigned (so
 * unplaced records, tid -1, come last), then 1-based start (so pos -1
 * comes first within a contig), then the reverse-strand flag.  Equal keys
 * keep input order (every sort and merge here is stable). */
static inline uint64_t si_key_coord(const si_rec_t *r)
{
	return (uint64_t)(uint32_t)gsa_bamrec_tid(r) << 32
		| (uint64_t)(((uint32_t)gsa_bamrec_pos(r) + 1) & 0x7fffffffu) << 1
		| (uint64_t)((gsa_bamrec_flag(r) & BAM_FREVERSE) != 0);
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

#endif
