#include "si_merge.h"
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

void si_source_mem(si_source_t *s, const si_entry_t *ent, size_t n)
{
	memset(s, 0, sizeof *s);
	s->ent = ent;
	s->n = n;
}

void si_source_run(si_source_t *s, si_run_reader_t *rd)
{
	memset(s, 0, sizeof *s);
	s->run = rd;
}

/* Load the next record of s: 1 loaded, 0 exhausted, -1 error. */
static int source_next(si_source_t *s, gsa_err_t *err)
{
	if (s->run) {
		int rc = si_run_next(s->run, err);
		if (rc <= 0) return rc;
		s->cur = s->run->cur;
		s->key = si_key_coord(s->cur);
		return 1;
	}
	if (s->i >= s->n) return 0;
	if (s->i + 8 < s->n) __builtin_prefetch(s->ent[s->i + 8].rec);
	s->cur = s->ent[s->i].rec;
	s->key = s->ent[s->i].key;
	s->i++;
	return 1;
}

typedef struct {
	si_source_t *src;
	int *heap; /* source indices */
	int n;
	si_order_t order;
} heap_t;

/* a before b: record order, then source order (stability). */
static int heap_less(const heap_t *h, int a, int b)
{
	const si_source_t *sa = &h->src[a], *sb = &h->src[b];
	int c;
	if (h->order == SI_ORDER_COORD) {
		if (sa->key != sb->key) return sa->key < sb->key;
		return a < b;
	}
	c = si_rec_cmp_name(sa->cur, sb->cur);
	return c ? c < 0 : a < b;
}

static void heap_down(heap_t *h, int i)
{
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i, t;
		if (l < h->n && heap_less(h, h->heap[l], h->heap[m])) m = l;
		if (r < h->n && heap_less(h, h->heap[r], h->heap[m])) m = r;
		if (m == i) return;
		t = h->heap[i];
		h->heap[i] = h->heap[m];
		h->heap[m] = t;
		i = m;
	}
}

int si_merge(si_source_t *src, int n, si_order_t order, si_emit_fn emit, void *ctx, gsa_err_t *err)
{
	heap_t h;
	int i, rc = 0;
	h.src = src;
	h.order = order;
	h.n = 0;
	h.heap = gsa_xcalloc((size_t)(n > 0 ? n : 1), sizeof *h.heap);
	for (i = 0; i < n; i++) {
		int r = source_next(&src[i], err);
		if (r < 0) { rc = -1; goto done; }
		if (r > 0) h.heap[h.n++] = i;
	}
	for (i = h.n / 2 - 1; i >= 0; i--) heap_down(&h, i);
	while (h.n > 0) {
		si_source_t *s = &src[h.heap[0]];
		int r;
		if (emit(ctx, s->cur, err) < 0) { rc = -1; goto done; }
		r = source_next(s, err);
		if (r < 0) { rc = -1; goto done; }
		if (r == 0) h.heap[0] = h.heap[--h.n];
		if (h.n > 0) heap_down(&h, 0);
	}
done:
	free(h.heap);
	return rc;
}
