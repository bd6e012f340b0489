#include "unit.h"
#include "si_batch.h"
#include "si_merge.h"
#include "si_rec.h"
#include "si_run.h"

#include <stdint.h>
#include <string.h>

#include <htslib/bgzf.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* A record with the given name, placement and strand, in BAM file form
 * (malloc'd). */
static si_rec_t *mk(const char *name, int tid, int64_t pos, int rev, int flag_extra)
{
	bam1_t *b = bam_init1();
	uint32_t cig = bam_cigar_gen(4, BAM_CMATCH);
	uint16_t flag = (uint16_t)((rev ? BAM_FREVERSE : 0) | (tid < 0 ? BAM_FUNMAP : 0) | flag_extra);
	uint8_t *r;
	gsa_err_t err;
	bam_set1(b, strlen(name), name, flag, tid, pos, 60, tid < 0 ? 0 : 1, &cig, -1, -1, 0, 4, "ACGT", NULL, 0);
	r = malloc(gsa_bamrec_packed_size(b));
	if (gsa_bamrec_pack(b, r, &err) < 0) abort();
	bam_destroy1(b);
	return r;
}

static uint64_t key_of(int tid, int64_t pos, int rev)
{
	si_rec_t *r = mk("x", tid, pos, rev, 0);
	uint64_t k = si_key_coord(r);
	free(r);
	return k;
}

static void test_name_cmp_natural(unit_t *t)
{
	UNIT_CHECK(t, si_name_cmp("r9", "r10") < 0);
	UNIT_CHECK(t, si_name_cmp("r10", "r9") > 0);
	UNIT_CHECK(t, si_name_cmp("r007", "r7") == 0);     /* leading zeros ignored */
	UNIT_CHECK(t, si_name_cmp("r007x", "r7y") < 0);    /* ... then the rest decides */
	UNIT_CHECK(t, si_name_cmp("a1b2", "a1b10") < 0);
	UNIT_CHECK(t, si_name_cmp("abc", "abd") < 0);
	UNIT_CHECK(t, si_name_cmp("r1", "r1a") < 0);       /* prefix first */
	UNIT_CHECK(t, si_name_cmp("r1a", "r1") > 0);
	UNIT_CHECK(t, si_name_cmp("r1", "r_") < 0);        /* digit vs other: bytes */
	UNIT_CHECK(t, si_name_cmp("A:1:99", "A:1:100") < 0);
	UNIT_CHECK(t, si_name_cmp("r0", "r") > 0);
	UNIT_CHECK(t, si_name_cmp("", "") == 0);
	UNIT_CHECK(t, si_name_cmp("99999999999999999999", "100000000000000000000") < 0); /* no overflow */
}

static void test_coord_key_order(unit_t *t)
{
	UNIT_CHECK(t, key_of(0, 100, 0) < key_of(0, 100, 1));   /* forward before reverse */
	UNIT_CHECK(t, key_of(0, 100, 1) < key_of(0, 101, 0));
	UNIT_CHECK(t, key_of(0, -1, 0) < key_of(0, 0, 0));      /* no position first in a contig */
	UNIT_CHECK(t, key_of(0, 200000000, 1) < key_of(1, 0, 0));
	UNIT_CHECK(t, key_of(5, 100000000, 0) < key_of(-1, -1, 0)); /* unplaced last */
	UNIT_CHECK(t, key_of(-1, -1, 0) < key_of(-1, 10, 0));
	UNIT_CHECK(t, key_of(2, (1LL << 30), 0) < key_of(2, (1LL << 30) + 1, 0)); /* CSI-range positions */
}

/* Entries whose rec pointer encodes the input index, so order can be checked. */
static void test_radix_sort_is_stable(unit_t *t)
{
	enum { N = 20000 };
	si_entry_t *e = malloc(N * sizeof *e), *tmp = malloc(N * sizeof *tmp);
	size_t i;
	int ok = 1;
	srand(7);
	for (i = 0; i < N; i++) {
		int tid = rand() % 4 - 1;
		e[i].key = key_of(tid, tid < 0 ? -1 : rand() % 50, rand() % 2);
		e[i].rec = (const si_rec_t *)(uintptr_t)(i + 1);
	}
	si_entries_sort(SI_ORDER_COORD, e, tmp, N);
	for (i = 1; i < N; i++) {
		if (e[i - 1].key > e[i].key) ok = 0;
		if (e[i - 1].key == e[i].key && (uintptr_t)e[i - 1].rec > (uintptr_t)e[i].rec) ok = 0;
	}
	UNIT_CHECK(t, ok);
	free(e);
	free(tmp);
}

typedef struct {
	int n, cap;
	int *idx;          /* input index of each emitted record (from its name) */
	si_order_t order;
} collect_t;

/* Input index of a record: its name suffix in coordinate tests; its
 * position in name tests (where names repeat so ties happen). */
static int idx_of(si_order_t order, const si_rec_t *r)
{
	const char *q = gsa_bamrec_qname(r), *us = strrchr(q, '_');
	if (order == SI_ORDER_NAME) return (int)gsa_bamrec_pos(r);
	return atoi(us ? us + 1 : q);
}

static int collect(void *ctx, const si_rec_t *r, gsa_err_t *err)
{
	collect_t *c = ctx;
	(void)err;
	if (c->n == c->cap) return gsa_err_set(err, GSA_EINTERNAL, "too many records");
	c->idx[c->n++] = idx_of(c->order, r);
	return 0;
}

static int emit_run(void *ctx, const si_rec_t *r, gsa_err_t *err)
{
	return si_run_put(ctx, r, err);
}

/* Reference: stable insertion order, by comparator then input index. */
static si_order_t g_order;
static si_rec_t **g_recs;
static int ref_cmp(const void *pa, const void *pb)
{
	int a = *(const int *)pa, b = *(const int *)pb, c;
	const si_rec_t *x = g_recs[a], *y = g_recs[b];
	if (g_order == SI_ORDER_COORD) {
		uint64_t ka = si_key_coord(x), kb = si_key_coord(y);
		c = ka < kb ? -1 : ka > kb;
	} else {
		c = si_name_cmp(gsa_bamrec_qname(x), gsa_bamrec_qname(y));
		if (!c) c = (int)(gsa_bamrec_flag(x) & 0xc0) - (int)(gsa_bamrec_flag(y) & 0xc0);
	}
	return c ? c : (a > b) - (a < b);
}

/* Spill batches under a tiny bound as runs, then merge runs + last batch:
 * the result must equal a stable sort of the whole input. */
static void spill_and_merge(unit_t *t, si_order_t order)
{
	enum { N = 3000, MAXRUNS = 64 };
	si_rec_t **recs = calloc(N, sizeof *recs);
	int *ref = calloc(N, sizeof *ref);
	si_run_t runs[MAXRUNS];
	si_run_reader_t rd[MAXRUNS];
	si_source_t src[MAXRUNS + 64];
	si_batch_t bt;
	collect_t col;
	gsa_err_t err;
	int i, n_runs = 0, n_src = 0, same = 1;
	srand(11);
	for (i = 0; i < N; i++) {
		char name[64];
		int tid = rand() % 5 - 1;
		if (order == SI_ORDER_COORD) { /* ties on the key; the name carries the input index */
			snprintf(name, sizeof name, "q%d_%d", rand() % 40, i);
			recs[i] = mk(name, tid, tid < 0 ? -1 : rand() % 30, rand() % 2, 0);
		} else { /* names repeat (ties); the position carries the input index */
			snprintf(name, sizeof name, "q%02d", rand() % 40);
			recs[i] = mk(name, 0, i, 0, rand() % 2 ? BAM_FREAD1 : BAM_FREAD2);
		}
		ref[i] = i;
	}
	si_batch_init(&bt, order, 48 << 10);
	for (i = 0; i < N; i++) {
		if (!si_batch_fits(&bt, gsa_bamrec_size(recs[i]))) {
			si_run_writer_t w;
			si_batch_sort(&bt, 3);
			UNIT_CHECK(t, bt.n_chunks >= 1);
			n_src = 0;
			for (int c = 0; c < bt.n_chunks; c++)
				si_source_mem(&src[n_src++], bt.ent + bt.chunk_lo[c], bt.chunk_hi[c] - bt.chunk_lo[c]);
			if (n_runs >= MAXRUNS) break;
			UNIT_CHECK_INT(t, si_run_create(&runs[n_runs], &w, t->tmpdir, n_runs, &err), 0);
			UNIT_CHECK_INT(t, si_merge(src, n_src, order, emit_run, &w, &err), 0);
			UNIT_CHECK_INT(t, si_run_finish(&w, &err), 0);
			n_runs++;
			si_batch_reset(&bt);
		}
		si_batch_add(&bt, recs[i]);
	}
	UNIT_CHECK(t, n_runs >= 3); /* the bound really forced spills */
	si_batch_sort(&bt, 2);
	n_src = 0;
	for (i = 0; i < n_runs; i++) {
		UNIT_CHECK_INT(t, si_run_open(&rd[i], runs[i].path, 4096, &err), 0);
		si_source_run(&src[n_src++], &rd[i]);
	}
	for (i = 0; i < bt.n_chunks; i++)
		si_source_mem(&src[n_src++], bt.ent + bt.chunk_lo[i], bt.chunk_hi[i] - bt.chunk_lo[i]);
	memset(&col, 0, sizeof col);
	col.cap = N;
	col.idx = calloc(N, sizeof *col.idx);
	col.order = order;
	UNIT_CHECK_INT(t, si_merge(src, n_src, order, collect, &col, &err), 0);
	UNIT_CHECK_INT(t, col.n, N);
	g_order = order;
	g_recs = recs;
	qsort(ref, N, sizeof *ref, ref_cmp);
	for (i = 0; i < N && i < col.n; i++)
		if (col.idx[i] != ref[i]) same = 0;
	UNIT_CHECK(t, same);
	for (i = 0; i < n_runs; i++) {
		struct stat st;
		si_run_close(&rd[i]);
		UNIT_CHECK_INT(t, stat(runs[i].path, &st), 0);
		UNIT_CHECK_INT(t, (long long)st.st_size, (long long)runs[i].bytes);
		si_run_remove(&runs[i]);
	}
	si_batch_free(&bt);
	for (i = 0; i < N; i++) free(recs[i]);
	free(recs);
	free(ref);
	free(col.idx);
}

static void test_spill_merge_coordinate(unit_t *t) { spill_and_merge(t, SI_ORDER_COORD); }
static void test_spill_merge_name(unit_t *t) { spill_and_merge(t, SI_ORDER_NAME); }

static void test_run_cut_short_is_error(unit_t *t)
{
	si_run_t run;
	si_run_writer_t w;
	si_run_reader_t rd;
	gsa_err_t err;
	si_rec_t *b = mk("r1", 0, 10, 0, 0);
	si_batch_t bt;
	int i, rc, got = 0;
	si_batch_init(&bt, SI_ORDER_COORD, 1 << 20);
	si_batch_add(&bt, b);
	UNIT_CHECK_INT(t, si_run_create(&run, &w, t->tmpdir, 0, &err), 0);
	for (i = 0; i < 3; i++) UNIT_CHECK_INT(t, si_run_put(&w, bt.ent[0].rec, &err), 0);
	UNIT_CHECK_INT(t, si_run_finish(&w, &err), 0);
	UNIT_CHECK_INT(t, truncate(run.path, (off_t)run.bytes - 5), 0);
	UNIT_CHECK_INT(t, si_run_open(&rd, run.path, 4096, &err), 0);
	while ((rc = si_run_next(&rd, &err)) == 1) {
		UNIT_CHECK_STR(t, gsa_bamrec_qname(rd.cur), "r1");
		got++;
	}
	UNIT_CHECK_INT(t, rc, -1);
	UNIT_CHECK_INT(t, got, 2);
	UNIT_CHECK_INT(t, err.code, GSA_EIO);
	si_run_close(&rd);
	si_run_remove(&run);
	UNIT_CHECK(t, access(run.path ? run.path : "", F_OK) != 0);
	si_batch_free(&bt);
	free(b);
}

static void test_batch_bound(unit_t *t)
{
	si_batch_t bt;
	si_rec_t *b = mk("read", 1, 5, 0, 0);
	size_t n = 0;
	si_batch_init(&bt, SI_ORDER_COORD, 64 << 10);
	while (si_batch_fits(&bt, gsa_bamrec_size(b))) {
		si_batch_add(&bt, b);
		n++;
	}
	UNIT_CHECK(t, n > 100);
	UNIT_CHECK(t, bt.used <= bt.limit);
	UNIT_CHECK(t, bt.used + gsa_bamrec_size(b) + 32 > bt.limit);
	si_batch_reset(&bt);
	UNIT_CHECK(t, si_batch_fits(&bt, 1u << 30)); /* an empty batch takes any record */
	si_batch_free(&bt);
	free(b);
}

/* Records htslib writes (bam_write1) must be byte for byte what
 * gsa_bamrec_pack makes: padded names, tags, a CIGAR long enough for a CG tag. */
static void test_pack_matches_htslib(unit_t *t)
{
	enum { N = 5, LONG = 70000 };
	char path[300];
	sam_hdr_t *h = sam_hdr_parse(30, "@SQ\tSN:c1\tLN:100000000\n");
	bam1_t *b[N];
	uint32_t *cig = malloc(LONG * sizeof *cig);
	char *seq = malloc(2 * LONG + 1);
	samFile *fp;
	BGZF *bg;
	uint8_t head[12], *mine = NULL, *theirs = NULL;
	int i, same = 1;
	gsa_err_t err;
	for (i = 0; i < LONG; i++) cig[i] = bam_cigar_gen(1, i % 2 ? BAM_CDEL : BAM_CMATCH);
	memset(seq, 'A', LONG);
	seq[LONG] = 0;
	for (i = 0; i < N; i++) {
		const char *names[N] = { "a", "ab", "abc", "abcd", "long_cigar" };
		uint32_t c2[2] = { bam_cigar_gen(3, BAM_CSOFT_CLIP), bam_cigar_gen(5, BAM_CMATCH) };
		b[i] = bam_init1();
		if (i < 4)
			bam_set1(b[i], strlen(names[i]), names[i], (uint16_t)(i ? 0 : BAM_FREVERSE), 0, 1000 * i, 30, 2, c2,
				 0, 5000, -4000, 8, "ACGTACGT", "IIIIIIII", 16);
		else
			bam_set1(b[i], strlen(names[i]), names[i], 0, 0, 77, 60, LONG, cig, -1, -1, 0,
				 LONG / 2, seq, NULL, 0);
		bam_aux_update_int(b[i], "NM", i * 1000);
		bam_aux_update_str(b[i], "RG", 3, "g1");
	}
	snprintf(path, sizeof path, "%s/p.bam", t->tmpdir);
	fp = sam_open(path, "wb1");
	UNIT_CHECK(t, fp && sam_hdr_write(fp, h) == 0);
	for (i = 0; i < N; i++) UNIT_CHECK(t, sam_write1(fp, h, b[i]) >= 0);
	UNIT_CHECK_INT(t, sam_close(fp), 0);
	bg = bgzf_open(path, "r");
	/* skip the header: magic, l_text, text, n_ref, refs */
	UNIT_CHECK_INT(t, bgzf_read(bg, head, 8), 8);
	{
		uint32_t l_text = gsa_le32(head + 4), n_ref, k;
		char *skip = malloc(l_text + 1);
		UNIT_CHECK_INT(t, bgzf_read(bg, skip, l_text), (long long)l_text);
		UNIT_CHECK_INT(t, bgzf_read(bg, head, 4), 4);
		n_ref = gsa_le32(head);
		for (k = 0; k < n_ref; k++) {
			uint32_t l_name;
			UNIT_CHECK_INT(t, bgzf_read(bg, head, 4), 4);
			l_name = gsa_le32(head);
			skip = realloc(skip, l_name + 4);
			UNIT_CHECK_INT(t, bgzf_read(bg, skip, l_name + 4), (long long)l_name + 4);
		}
		free(skip);
	}
	for (i = 0; i < N; i++) {
		size_t n = gsa_bamrec_packed_size(b[i]);
		char what[128];
		mine = realloc(mine, n);
		theirs = realloc(theirs, n);
		UNIT_CHECK_INT(t, gsa_bamrec_pack(b[i], mine, &err), 0);
		UNIT_CHECK_INT(t, bgzf_read(bg, theirs, n), (long long)n);
		if (memcmp(mine, theirs, n) != 0) same = 0;
		UNIT_CHECK_INT(t, gsa_bamrec_size(mine), (long long)n);
		UNIT_CHECK_INT(t, gsa_bamrec_endpos(mine), (long long)bam_endpos(b[i]));
		UNIT_CHECK_INT(t, gsa_bamrec_check(mine, 1, what, sizeof what), 0);
	}
	UNIT_CHECK(t, same);
	UNIT_CHECK_INT(t, bgzf_read(bg, head, 1), 0); /* nothing more */
	bgzf_close(bg);
	/* packed records pass the reader's checks (test_si_bamr checks each
	 * malformed case); one more: the contig must be in the header */
	{
		char what[128];
		UNIT_CHECK_INT(t, gsa_bamrec_pack(b[1], mine, &err), 0);
		UNIT_CHECK_INT(t, gsa_bamrec_check(mine, 0, what, sizeof what), -1);
		UNIT_CHECK_STR(t, what, "refID 0 not in [-1, 0): a contig the header does not list");
	}
	for (i = 0; i < N; i++) bam_destroy1(b[i]);
	sam_hdr_destroy(h);
	free(mine);
	free(theirs);
	free(cig);
	free(seq);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "sort-index");
	UNIT_RUN(&t, test_name_cmp_natural);
	UNIT_RUN(&t, test_coord_key_order);
	UNIT_RUN(&t, test_radix_sort_is_stable);
	UNIT_RUN(&t, test_spill_merge_coordinate);
	UNIT_RUN(&t, test_spill_merge_name);
	UNIT_RUN(&t, test_run_cut_short_is_error);
	UNIT_RUN(&t, test_batch_bound);
	UNIT_RUN(&t, test_pack_matches_htslib);
	return unit_finish(&t);
}
