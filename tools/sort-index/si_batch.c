#include "si_batch.h"
#include "alloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define SI_ACCOUNT_PER_REC (2 * sizeof(si_entry_t))
#define SI_HUGE ((size_t)2 << 20)

/* Large zeroed mappings, backed by transparent huge pages where the
 * kernel allows: hundreds of MB filled once pay 512x fewer page faults. */
static void *big_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) gsa_oom(size);
#ifdef MADV_HUGEPAGE
	madvise(p, size, MADV_HUGEPAGE);
#endif
	return p;
}

static void big_free(void *p, size_t size)
{
	if (p) munmap(p, size);
}

/* Background thread: map the next arena block and touch its pages, so the
 * kernel zeroes them on another core while the reader fills this one. */
static void *spare_fill(void *arg)
{
	si_batch_t *bt = arg;
	uint8_t *p = big_alloc(bt->block_size);
	size_t off;
	for (off = 0; off < bt->block_size; off += 4096) p[off] = 0;
	bt->spare = p;
	return NULL;
}

static void spare_start(si_batch_t *bt)
{
	if (bt->spare_busy || bt->spare) return;
	/* never map ahead past the bound */
	if (bt->mapped + bt->block_size > bt->limit) return;
	if (pthread_create(&bt->spare_th, NULL, spare_fill, bt) == 0) bt->spare_busy = 1;
}

/* Take the prepared block, waiting for it if its thread still runs. */
static uint8_t *spare_take(si_batch_t *bt)
{
	uint8_t *p;
	if (bt->spare_busy) {
		pthread_join(bt->spare_th, NULL);
		bt->spare_busy = 0;
	}
	p = bt->spare;
	bt->spare = NULL;
	return p;
}

void si_batch_init(si_batch_t *bt, si_order_t order, size_t limit)
{
	memset(bt, 0, sizeof *bt);
	bt->order = order;
	bt->limit = limit;
	bt->block_size = limit / 8;
	if (bt->block_size < SI_HUGE) bt->block_size = SI_HUGE;
	if (bt->block_size > ((size_t)16 << 20)) bt->block_size = (size_t)16 << 20;
	bt->block_size = (bt->block_size + SI_HUGE - 1) & ~(SI_HUGE - 1);
	/* every record accounts for at least its header and two entries, so
	 * this many entries always suffice; untouched pages cost nothing */
	bt->m = limit / (4 + GSA_BAMREC_MIN_BLOCK + SI_ACCOUNT_PER_REC) + 2;
	bt->ent = big_alloc(bt->m * sizeof *bt->ent);
	bt->tmp = big_alloc(bt->m * sizeof *bt->tmp);
	bt->m_tmp = bt->m;
}

void si_batch_free(si_batch_t *bt)
{
	size_t i;
	for (i = 0; i < bt->n_blocks; i++) big_free(bt->blocks[i], bt->block_cap[i]);
	free(bt->blocks);
	free(bt->block_cap);
	big_free(spare_take(bt), bt->block_size);
	big_free(bt->ent, bt->m * sizeof *bt->ent);
	big_free(bt->tmp, bt->m_tmp * sizeof *bt->tmp);
	memset(bt, 0, sizeof *bt);
}

void si_batch_reset(si_batch_t *bt)
{
	bt->used = 0;
	bt->n = 0;
	bt->cur_block = 0;
	bt->cur_off = 0;
	bt->n_chunks = 0;
}

int si_batch_fits(const si_batch_t *bt, size_t size)
{
	if (bt->n == 0) return 1;
	if (bt->n + 1 >= bt->m) return 0;
	return bt->used + size + SI_ACCOUNT_PER_REC <= bt->limit;
}

/* Room for `need` bytes in the arena: the current block, the next kept
 * block, or a new one. */
static uint8_t *arena_take(si_batch_t *bt, size_t need)
{
	while (bt->cur_block < bt->n_blocks) {
		if (bt->cur_off + need <= bt->block_cap[bt->cur_block]) {
			uint8_t *p = bt->blocks[bt->cur_block] + bt->cur_off;
			bt->cur_off += need;
			return p;
		}
		bt->cur_block++;
		bt->cur_off = 0;
	}
	{
		size_t cap = need > bt->block_size ? (need + SI_HUGE - 1) & ~(SI_HUGE - 1) : bt->block_size;
		if (bt->n_blocks == bt->m_blocks) {
			size_t m = bt->m_blocks;
			bt->blocks = gsa_xgrow(bt->blocks, &m, bt->n_blocks + 1, sizeof *bt->blocks);
			bt->block_cap = gsa_xreallocarray(bt->block_cap, m, sizeof *bt->block_cap);
			bt->m_blocks = m;
		}
		bt->blocks[bt->n_blocks] = cap == bt->block_size ? spare_take(bt) : NULL;
		if (!bt->blocks[bt->n_blocks]) bt->blocks[bt->n_blocks] = big_alloc(cap);
		bt->block_cap[bt->n_blocks] = cap;
		bt->mapped += cap;
		/* map ahead only once the input has proved larger than a block or two */
		if (cap == bt->block_size && bt->n_blocks >= 2) spare_start(bt);
		bt->cur_block = bt->n_blocks++;
		bt->cur_off = need;
		return bt->blocks[bt->cur_block];
	}
}

uint8_t *si_batch_reserve(si_batch_t *bt, size_t size)
{
	return arena_take(bt, size);
}

void si_batch_commit(si_batch_t *bt, const si_rec_t *r)
{
	bt->ent[bt->n].key = bt->order == SI_ORDER_COORD ? si_key_coord(r) : 0;
	bt->ent[bt->n].rec = r;
	bt->n++;
	bt->used += gsa_bamrec_size(r) + SI_ACCOUNT_PER_REC;
}

void si_batch_add(si_batch_t *bt, const si_rec_t *r)
{
	size_t sz = gsa_bamrec_size(r);
	uint8_t *p = arena_take(bt, sz);
	memcpy(p, r, sz);
	si_batch_commit(bt, p);
}

/* LSD radix sort on the 64-bit key, one byte per pass, skipping bytes
 * that are the same in every key.  Stable. */
static void radix_sort(si_entry_t *ent, si_entry_t *tmp, size_t n)
{
	uint64_t all_or = 0, all_and = ~(uint64_t)0, differ;
	size_t i;
	int byte;
	si_entry_t *src = ent, *dst = tmp;
	for (i = 0; i < n; i++) {
		all_or |= ent[i].key;
		all_and &= ent[i].key;
	}
	differ = all_or ^ all_and;
	for (byte = 0; byte < 8; byte++) {
		size_t cnt[256], sum = 0;
		int shift = byte * 8, v;
		if (!((differ >> shift) & 0xff)) continue;
		memset(cnt, 0, sizeof cnt);
		for (i = 0; i < n; i++) cnt[(src[i].key >> shift) & 0xff]++;
		for (v = 0; v < 256; v++) {
			size_t c = cnt[v];
			cnt[v] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++) dst[cnt[(src[i].key >> shift) & 0xff]++] = src[i];
		{ si_entry_t *t = src; src = dst; dst = t; }
	}
	if (src != ent) memcpy(ent, src, n * sizeof *ent);
}

/* Bottom-up stable merge sort by record name order; small runs by
 * insertion sort first. */
static void name_sort(si_entry_t *ent, si_entry_t *tmp, size_t n)
{
	const size_t RUN = 16;
	size_t lo, width;
	si_entry_t *src = ent, *dst = tmp;
	for (lo = 0; lo < n; lo += RUN) {
		size_t hi = lo + RUN < n ? lo + RUN : n, i, j;
		for (i = lo + 1; i < hi; i++) {
			si_entry_t x = ent[i];
			for (j = i; j > lo && si_rec_cmp_name(ent[j - 1].rec, x.rec) > 0; j--) ent[j] = ent[j - 1];
			ent[j] = x;
		}
	}
	for (width = RUN; width < n; width *= 2) {
		for (lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				dst[k++] = si_rec_cmp_name(src[j].rec, src[i].rec) < 0 ? src[j++] : src[i++];
			while (i < mid) dst[k++] = src[i++];
			while (j < hi) dst[k++] = src[j++];
		}
		{ si_entry_t *t = src; src = dst; dst = t; }
	}
	if (src != ent) memcpy(ent, src, n * sizeof *ent);
}

void si_entries_sort(si_order_t order, si_entry_t *ent, si_entry_t *tmp, size_t n)
{
	if (n < 2) return;
	if (order == SI_ORDER_COORD) radix_sort(ent, tmp, n);
	else name_sort(ent, tmp, n);
}

typedef struct {
	si_order_t order;
	si_entry_t *ent, *tmp;
	size_t n;
} sort_job_t;

static void *sort_job_run(void *arg)
{
	sort_job_t *j = arg;
	si_entries_sort(j->order, j->ent, j->tmp, j->n);
	return NULL;
}

void si_batch_sort(si_batch_t *bt, int nchunks)
{
	sort_job_t jobs[64];
	pthread_t th[64];
	int started[64] = { 0 };
	int i;
	if (nchunks < 1) nchunks = 1;
	if (nchunks > 64) nchunks = 64;
	if ((size_t)nchunks > bt->n / 4096 + 1) nchunks = (int)(bt->n / 4096 + 1); /* tiny batches: one range */
	bt->n_chunks = nchunks;
	for (i = 0; i < nchunks; i++) {
		size_t lo = bt->n * (size_t)i / (size_t)nchunks, hi = bt->n * (size_t)(i + 1) / (size_t)nchunks;
		bt->chunk_lo[i] = lo;
		bt->chunk_hi[i] = hi;
		jobs[i] = (sort_job_t){ bt->order, bt->ent + lo, bt->tmp + lo, hi - lo };
	}
	for (i = 1; i < nchunks; i++) {
		if (pthread_create(&th[i], NULL, sort_job_run, &jobs[i]) != 0) {
			sort_job_run(&jobs[i]); /* no thread: do it here */
			continue;
		}
		started[i] = 1;
	}
	sort_job_run(&jobs[0]);
	for (i = 1; i < nchunks; i++)
		if (started[i]) pthread_join(th[i], NULL);
}
