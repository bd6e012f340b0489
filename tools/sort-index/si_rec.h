/* si_rec.h — one alignment record as sort-index keeps it in memory and in
 * spill runs, and the two sort orders.
 *
 * A record is an si_rec_t header followed by l_data bytes of bam1_t data
 * (qname, cigar, seq, qual, aux), padded to 8 bytes.  Records live in an
 * arena (si_batch.h) or a run-file buffer (si_run.h); nothing owns them
 * one by one.
 */
#ifndef SI_REC_H
#define SI_REC_H

#include <stddef.h>
#include <stdint.h>

#include <htslib/sam.h>

typedef struct si_rec {
	bam1_core_t core;
	uint32_t l_data;  /* bytes of data following this header */
	uint32_t pad;
} si_rec_t;

typedef enum { SI_ORDER_COORD = 0, SI_ORDER_NAME = 1 } si_order_t;

/* Bytes a record with l_data bytes of data takes in an arena or a run. */
static inline size_t si_rec_size(uint32_t l_data)
{
	return (sizeof(si_rec_t) + (size_t)l_data + 7) & ~(size_t)7;
}

static inline const uint8_t *si_rec_data(const si_rec_t *r)
{
	return (const uint8_t *)(r + 1);
}

static inline const char *si_rec_qname(const si_rec_t *r)
{
	return (const char *)(r + 1);
}

/* Coordinate key, ordered like samtools sort: contig id as unsigned (so
 * unplaced records, tid -1, come last), then 1-based start (so pos -1
 * comes first within a contig), then the reverse-strand flag.  Equal keys
 * keep input order (every sort and merge here is stable). */
static inline uint64_t si_key_coord(const bam1_core_t *c)
{
	return (uint64_t)(uint32_t)c->tid << 32
		| (uint64_t)((uint32_t)(c->pos + 1) & 0x7fffffffu) << 1
		| (uint64_t)((c->flag & BAM_FREVERSE) != 0);
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
		uint64_t ka = si_key_coord(&a->core), kb = si_key_coord(&b->core);
		return ka < kb ? -1 : ka > kb;
	}
	return si_rec_cmp_name(a, b);
}

/* A read-only bam1_t that points at r's data (no allocation); for
 * htslib calls that only read the record.  Never pass it to bam_destroy1. */
void si_rec_view(const si_rec_t *r, bam1_t *b);

#endif
