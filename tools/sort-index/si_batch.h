/* si_batch.h — a memory-bounded batch of records and its stable sort.
 *
 * Records (BAM file form, si_rec.h) are copied into an arena of large
 * blocks (no allocation per record); an entry array (key, record pointer)
 * is what gets sorted.  The batch counts arena bytes plus 32 bytes per
 * record (the entry and its
 * sort scratch) against `limit`, so the caller can spill before the bound
 * is passed.  Sorting splits the batch into `nchunks` input-order ranges
 * sorted in parallel; each range is then a merge source (si_merge.h), and
 * ties between ranges go to the earlier one, so the whole sort is stable.
 */
#ifndef SI_BATCH_H
#define SI_BATCH_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "si_rec.h"

typedef struct si_entry {
	uint64_t key;        /* coordinate key (si_key_coord); unused for name order */
	const si_rec_t *rec; /* record in the arena */
} si_entry_t;

typedef struct si_batch {
	si_order_t order;
	size_t limit;        /* bytes the batch may account for */
	size_t used;         /* accounted bytes: arena payload + 32 per record */
	uint8_t **blocks;    /* arena blocks (kept across resets) */
	size_t *block_cap;
	size_t n_blocks, m_blocks, cur_block, cur_off;
	size_t block_size;   /* default block size */
	size_t mapped;       /* bytes of arena blocks mapped */
	void *spare;         /* next block, pre-faulted by spare_th */
	pthread_t spare_th;
	int spare_busy;
	si_entry_t *ent;     /* entries in input order until sorted */
	size_t n, m;
	si_entry_t *tmp;     /* sort scratch, n entries */
	size_t m_tmp;
	size_t chunk_lo[64], chunk_hi[64]; /* sorted ranges after si_batch_sort */
	int n_chunks;
} si_batch_t;

/* Set up an empty batch bounded by `limit` bytes. */
void si_batch_init(si_batch_t *bt, si_order_t order, size_t limit);
/* Free everything. */
void si_batch_free(si_batch_t *bt);
/* Forget the records, keeping the memory for the next batch. */
void si_batch_reset(si_batch_t *bt);

/* 1 if a record of `size` bytes (gsa_bamrec_size) fits without passing the
 * limit (an empty batch always accepts one record, however large). */
int si_batch_fits(const si_batch_t *bt, size_t size);

/* Copy record r into the batch.  Never fails (allocation failure exits,
 * alloc.h). */
void si_batch_add(si_batch_t *bt, const si_rec_t *r);

/* Two-step add for a record built in place: si_batch_reserve returns room
 * for `size` bytes in the arena; fill it with one record of that size and
 * si_batch_commit it before the next reserve. */
uint8_t *si_batch_reserve(si_batch_t *bt, size_t size);
void si_batch_commit(si_batch_t *bt, const si_rec_t *r);

/* Sort stably in up to nchunks (1..64) ranges, in parallel threads (a
 * range whose thread cannot start is sorted by the caller). */
void si_batch_sort(si_batch_t *bt, int nchunks);

/* Stable sort of n entries (scratch tmp holds n), in place; exported for
 * tests.  Coordinate order sorts on key (radix), name order on the
 * records (merge sort). */
void si_entries_sort(si_order_t order, si_entry_t *ent, si_entry_t *tmp, size_t n);

#endif
