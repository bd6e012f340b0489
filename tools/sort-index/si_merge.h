/* si_merge.h — k-way merge of sorted sources into one ordered stream.
 *
 * A source is a sorted range of an in-memory batch or a run file being
 * read back.  Sources are given in input order; equal records come out in
 * source order, so a stable sort per source gives a stable result.
 */
#ifndef SI_MERGE_H
#define SI_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "si_batch.h"
#include "si_rec.h"
#include "si_run.h"

typedef struct si_source {
	const si_entry_t *ent;   /* in-memory range, or NULL for a run */
	size_t i, n;
	si_run_reader_t *run;    /* run reader (not owned), or NULL */
	const si_rec_t *cur;     /* current record */
	uint64_t key;            /* its coordinate key */
} si_source_t;

/* Receives each record in order; returns 0 or -1 with err set. */
typedef int (*si_emit_fn)(void *ctx, const si_rec_t *r, gsa_err_t *err);

/* A source over sorted entries ent[0..n). */
void si_source_mem(si_source_t *s, const si_entry_t *ent, size_t n);
/* A source over an open run reader. */
void si_source_run(si_source_t *s, si_run_reader_t *rd);

/* Merge n sources (in input order) into emit.  Returns 0, or -1 with err
 * set by a source or by emit. */
int si_merge(si_source_t *src, int n, si_order_t order, si_emit_fn emit, void *ctx, gsa_err_t *err);

#endif
