/* Unit tests for gsa_bamw: BAMs it writes read back through htslib and
 * samtools with the same header and records, hold the same decompressed
 * stream in the same block layout as htslib's own writer, are identical
 * for any pool, and come with an index that answers region queries like
 * one made by `samtools index` on the same file. */
#include "unit.h"
#include "bgzf_bamw.h"
#include "pool.h"
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <htslib/hts.h>
#include <htslib/sam.h>
#include <libdeflate.h>

/* ---- deterministic random numbers ------------------------------------ */

static int64_t rng_below(uint64_t *s, int64_t n)
{
	return (int64_t)(unit_rng_next(s) % (uint64_t)n);
}

/* ---- records ---------------------------------------------------------- */

typedef struct recs {
	bam1_t **b;
	size_t n, m;
} recs_t;

static void recs_add(recs_t *r, bam1_t *b)
{
	if (r->n == r->m) {
		r->m = r->m ? 2 * r->m : 256;
		r->b = realloc(r->b, r->m * sizeof *r->b);
	}
	r->b[r->n++] = b;
}

static void recs_free(recs_t *r)
{
	size_t i;
	for (i = 0; i < r->n; i++) bam_destroy1(r->b[i]);
	free(r->b);
	memset(r, 0, sizeof *r);
}

/* A record: mapped with a random CIGAR of query length l_seq when cig_kind
 * >= 0, otherwise unmapped (placed when tid >= 0).  A few aux fields. */
static bam1_t *rec_make(uint64_t *s, const char *name, int tid, int64_t pos, int l_seq, int cig_kind)
{
	static const char nt[] = "ACGT";
	bam1_t *b = bam_init1();
	uint32_t cig[3];
	size_t n_cig = 0;
	char *seq = malloc((size_t)l_seq + 1), *qual = malloc((size_t)l_seq + 1);
	uint16_t flag = (uint16_t)(rng_below(s, 2) ? BAM_FREVERSE : 0);
	int i, a = l_seq / 3, c = l_seq - 2 * (l_seq / 3);
	int32_t nm = (int32_t)rng_below(s, 5);
	for (i = 0; i < l_seq; i++) {
		seq[i] = nt[rng_below(s, 4)];
		qual[i] = (char)rng_below(s, 41);
	}
	switch (cig_kind) {
	case 0: cig[n_cig++] = bam_cigar_gen((uint32_t)l_seq, BAM_CMATCH); break;
	case 1: /* soft clip, match */
		cig[n_cig++] = bam_cigar_gen((uint32_t)a, BAM_CSOFT_CLIP);
		cig[n_cig++] = bam_cigar_gen((uint32_t)(l_seq - a), BAM_CMATCH);
		break;
	case 2: /* insertion */
		cig[n_cig++] = bam_cigar_gen((uint32_t)a, BAM_CMATCH);
		cig[n_cig++] = bam_cigar_gen((uint32_t)a, BAM_CINS);
		cig[n_cig++] = bam_cigar_gen((uint32_t)c, BAM_CMATCH);
		break;
	case 3: /* deletion */
	case 4: /* intron, long reference span */
		cig[n_cig++] = bam_cigar_gen((uint32_t)(l_seq - c), BAM_CMATCH);
		cig[n_cig++] = bam_cigar_gen(cig_kind == 3 ? 7 : 20000, cig_kind == 3 ? BAM_CDEL : BAM_CREF_SKIP);
		cig[n_cig++] = bam_cigar_gen((uint32_t)c, BAM_CEQUAL);
		break;
	default: flag |= BAM_FUNMAP; break;
	}
	if (tid < 0) flag |= BAM_FUNMAP;
	if (bam_set1(b, strlen(name), name, flag, tid, pos, (uint8_t)(n_cig ? 60 : 0), n_cig, cig,
		     -1, -1, 0, (size_t)l_seq, seq, qual, 64) < 0) abort();
	bam_aux_append(b, "NM", 'i', 4, (const uint8_t *)&nm);
	bam_aux_append(b, "RG", 'Z', 3, (const uint8_t *)"g1");
	free(seq);
	free(qual);
	return b;
}

/* Coordinate order: tid as unsigned (unplaced last), then pos. */
static int rec_cmp(const void *pa, const void *pb)
{
	const bam1_t *a = *(bam1_t *const *)pa, *b = *(bam1_t *const *)pb;
	uint32_t ta = (uint32_t)a->core.tid, tb = (uint32_t)b->core.tid;
	if (ta != tb) return ta < tb ? -1 : 1;
	if (a->core.pos != b->core.pos) return a->core.pos < b->core.pos ? -1 : 1;
	return 0;
}

/* n sorted records over the header's contigs (lens), with mapped reads of
 * every CIGAR kind, placed unmapped mates and a tail of unplaced reads. */
static void recs_gen(recs_t *r, uint64_t seed, const int64_t *lens, int n_ref, size_t n)
{
	uint64_t s = seed;
	size_t i;
	char name[32];
	for (i = 0; i < n; i++) {
		int tid = rng_below(&s, 20) == 0 ? -1 : (int)rng_below(&s, n_ref);
		int l_seq = 50 + (int)rng_below(&s, 200);
		int kind = rng_below(&s, 15) == 0 ? -1 : (int)rng_below(&s, 5);
		int64_t pos = tid < 0 ? -1 : rng_below(&s, lens[tid] - 30000);
		snprintf(name, sizeof name, "read%zu:%d", i, (int)rng_below(&s, 1000));
		recs_add(r, rec_make(&s, name, tid, pos, l_seq, kind));
	}
	qsort(r->b, r->n, sizeof *r->b, rec_cmp);
}

/* A record in BAM file form (block_size + bytes) into buf (room for
 * 36 + l_data: the test CIGARs stay under 65536 operations).  Returns the
 * total size. */
static size_t rec_serialise(const bam1_t *b, uint8_t *buf)
{
	gsa_err_t e;
	if (gsa_bamrec_pack(b, buf, &e) < 0) abort();
	return gsa_bamrec_packed_size(b);
}

/* ---- files ------------------------------------------------------------ */

static sam_hdr_t *hdr_make(const int64_t *lens, int n_ref)
{
	kstring_t ks = { 0, 0, NULL };
	sam_hdr_t *h;
	int i;
	ksprintf(&ks, "@HD\tVN:1.6\tSO:coordinate\n");
	for (i = 0; i < n_ref; i++) ksprintf(&ks, "@SQ\tSN:chr%d\tLN:%" PRId64 "\n", i + 1, lens[i]);
	ksprintf(&ks, "@RG\tID:g1\tSM:s1\n@PG\tID:test\tPN:test_si_bamw\n");
	h = sam_hdr_parse(ks.l, ks.s);
	free(ks.s);
	return h;
}

/* Write recs with gsa_bamw; n_threads 0 = no pool.  Returns put/finish's
 * result, err filled. */
static int write_ours(const char *path, sam_hdr_t *h, const recs_t *r, int level, int n_threads,
		      gsa_index_kind_t idx_kind, int min_shift, const char *idx_path, gsa_err_t *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644), rc = -1;
	gsa_pool_t *pool = n_threads > 0 ? gsa_pool_new(n_threads) : NULL;
	gsa_bamw_t *w;
	uint8_t *buf = NULL;
	size_t cap = 0, i;
	gsa_err_clear(err);
	if (fd < 0) return -1;
	w = gsa_bamw_open(fd, path, h, level, pool, idx_kind, min_shift, err);
	if (!w) goto out;
	for (i = 0; i < r->n; i++) {
		size_t need = 36 + (size_t)r->b[i]->l_data;
		if (need > cap) buf = realloc(buf, cap = need);
		rec_serialise(r->b[i], buf);
		if (gsa_bamw_put(w, buf, err) < 0) {
			gsa_bamw_free(w);
			goto out;
		}
	}
	rc = gsa_bamw_finish(w, idx_path, err);
out:
	free(buf);
	gsa_pool_free(pool);
	close(fd);
	return rc;
}

/* The same records through htslib's own BAM writer (mode e.g. "wb6"). */
static int write_htslib(const char *path, sam_hdr_t *h, const recs_t *r, const char *mode)
{
	samFile *f = sam_open(path, mode);
	size_t i;
	int rc = 0;
	if (!f) return -1;
	if (sam_hdr_write(f, h) < 0) rc = -1;
	for (i = 0; rc == 0 && i < r->n; i++)
		if (sam_write1(f, h, r->b[i]) < 0) rc = -1;
	if (sam_close(f) < 0) rc = -1;
	return rc;
}

static int file_read(const char *path, uint8_t **data, size_t *len)
{
	gsa_err_t e;
	char *d;
	if (gsa_read_file(path, &d, len, &e) < 0) return -1;
	*data = (uint8_t *)d;
	return 0;
}

static int files_equal(const char *a, const char *b)
{
	uint8_t *da = NULL, *db = NULL;
	size_t la = 0, lb = 0;
	int eq = file_read(a, &da, &la) == 0 && file_read(b, &db, &lb) == 0 && la == lb && memcmp(da, db, la) == 0;
	free(da);
	free(db);
	return eq;
}

static int file_copy(const char *from, const char *to)
{
	uint8_t *d = NULL;
	size_t l = 0;
	int fd, rc = -1;
	if (file_read(from, &d, &l) < 0) return -1;
	fd = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0 && gsa_write_all(fd, d, l) == 0) rc = 0;
	if (fd >= 0) close(fd);
	free(d);
	return rc;
}

static long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* The BGZF blocks of a file, parsed and inflated here (CRC checked): the
 * uncompressed size of each block and the whole uncompressed stream.
 * Returns the number of blocks, or -1 if the file is not valid BGZF
 * ending with an empty block. */
typedef struct stream {
	uint8_t *data;
	size_t len;
	uint32_t *isize;
	size_t n_blk;
} stream_t;

static long bgzf_parse(const char *path, stream_t *st)
{
	uint8_t *f = NULL;
	size_t flen = 0, at = 0, cap = 0, bcap = 0;
	struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
	long rc = -1;
	memset(st, 0, sizeof *st);
	if (!d || file_read(path, &f, &flen) < 0) goto out;
	while (at < flen) {
		const uint8_t *p = f + at;
		size_t bsize, clen, got;
		uint32_t isize, crc;
		if (flen - at < 28 || p[0] != 0x1f || p[1] != 0x8b || p[2] != 8 || p[3] != 4) goto out;
		if (p[10] != 6 || p[12] != 'B' || p[13] != 'C' || p[14] != 2) goto out;
		bsize = (size_t)(p[16] | p[17] << 8) + 1;
		if (bsize < 26 || at + bsize > flen) goto out;
		clen = bsize - 26;
		memcpy(&crc, p + bsize - 8, 4);
		memcpy(&isize, p + bsize - 4, 4);
		if (isize > GSA_BGZF_BLOCK) goto out;
		if (st->len + isize > cap) st->data = realloc(st->data, cap = 2 * (st->len + isize) + 1);
		if (libdeflate_deflate_decompress(d, p + 18, clen, st->data + st->len, isize, &got) != LIBDEFLATE_SUCCESS ||
		    got != isize || libdeflate_crc32(0, st->data + st->len, isize) != crc) goto out;
		if (st->n_blk == bcap) st->isize = realloc(st->isize, (bcap = bcap ? 2 * bcap : 64) * sizeof *st->isize);
		st->isize[st->n_blk++] = isize;
		st->len += isize;
		at += bsize;
	}
	/* the last block is the empty EOF block, and only the last */
	if (st->n_blk == 0 || st->isize[st->n_blk - 1] != 0) goto out;
	rc = (long)st->n_blk;
	for (size_t i = 0; i + 1 < st->n_blk; i++) if (st->isize[i] == 0) rc = -1;
out:
	if (d) libdeflate_free_decompressor(d);
	free(f);
	return rc;
}

static void stream_free(stream_t *st)
{
	free(st->data);
	free(st->isize);
}

/* Same uncompressed bytes, cut into blocks at the same places. */
static int streams_match(const char *a, const char *b)
{
	stream_t sa, sb;
	long na = bgzf_parse(a, &sa), nb = bgzf_parse(b, &sb);
	int ok = na > 0 && na == nb && sa.len == sb.len && memcmp(sa.data, sb.data, sa.len) == 0 &&
		 memcmp(sa.isize, sb.isize, sa.n_blk * sizeof *sa.isize) == 0;
	stream_free(&sa);
	stream_free(&sb);
	return ok;
}

/* htslib reads path back with the header text and exactly these records. */
static int reads_back(const char *path, sam_hdr_t *h, const recs_t *r)
{
	samFile *f = sam_open(path, "r");
	sam_hdr_t *h2 = NULL;
	bam1_t *b = bam_init1();
	size_t i = 0;
	int ok = 0, rc;
	if (!f || !(h2 = sam_hdr_read(f))) goto out;
	if (strcmp(sam_hdr_str(h2), sam_hdr_str(h)) != 0 || sam_hdr_nref(h2) != sam_hdr_nref(h)) goto out;
	while ((rc = sam_read1(f, h2, b)) >= 0) {
		const bam1_t *a;
		if (i >= r->n) goto out;
		a = r->b[i++];
		if (memcmp(&a->core, &b->core, sizeof a->core) != 0 || a->l_data != b->l_data ||
		    memcmp(a->data, b->data, (size_t)a->l_data) != 0) goto out;
	}
	ok = rc == -1 && i == r->n;
out:
	bam_destroy1(b);
	if (h2) sam_hdr_destroy(h2);
	if (f) sam_close(f);
	return ok;
}

/* `samtools index` of a copy of bam makes the same index as ours (the
 * same htslib code fed the same entries), and samtools answers every
 * region the same from both; returns the size of our answer (> 0
 * expected) or -1. */
static long regions_agree(unit_t *t, const char *bam, const char *idx_opt, const char *regions)
{
	char cmd[8192 + 1024], copy[512], a[512], b[512], ia[600], ib[600];
	const char *ext = strstr(idx_opt, "-c") ? "csi" : "bai";
	snprintf(copy, sizeof copy, "%s/copy.bam", t->tmpdir);
	snprintf(a, sizeof a, "%s/ours.sam", t->tmpdir);
	snprintf(b, sizeof b, "%s/peer.sam", t->tmpdir);
	if (file_copy(bam, copy) < 0) return -1;
	snprintf(cmd, sizeof cmd, "samtools index %s '%s'", idx_opt, copy);
	if (unit_system(cmd) != 0) return -1;
	snprintf(ia, sizeof ia, "%s.%s", bam, ext);
	snprintf(ib, sizeof ib, "%s.%s", copy, ext);
	if (!files_equal(ia, ib)) {
		printf("#   %s differs from samtools index's %s\n", ia, ib);
		return -1;
	}
	snprintf(cmd, sizeof cmd, "samtools view '%s' %s > '%s' && samtools view '%s' %s > '%s'",
		 bam, regions, a, copy, regions, b);
	if (unit_system(cmd) != 0) return -1;
	if (!files_equal(a, b)) return -1;
	/* per-contig mapped/unmapped counts and the unplaced count, from the index */
	snprintf(cmd, sizeof cmd, "samtools idxstats '%s' > '%s.st' && samtools idxstats '%s' > '%s.st' && cmp -s '%s.st' '%s.st'",
		 bam, a, copy, b, a, b);
	if (unit_system(cmd) != 0) return -1;
	return file_size(a);
}

/* n random regions over the contigs, plus whole contigs and '*'. */
static void regions_make(char *out, size_t cap, uint64_t seed, const int64_t *lens, int n_ref, int n)
{
	uint64_t s = seed;
	size_t at = 0;
	int i;
	at += (size_t)snprintf(out + at, cap - at, "chr1 '*'");
	for (i = 0; i < n && at < cap - 64; i++) {
		int tid = (int)rng_below(&s, n_ref);
		int64_t beg = 1 + rng_below(&s, lens[tid]), len = 1 + rng_below(&s, i % 3 ? 3000 : 300000);
		at += (size_t)snprintf(out + at, cap - at, " chr%d:%" PRId64 "-%" PRId64, tid + 1, beg, beg + len);
	}
}

static int quickcheck(const char *path)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "samtools quickcheck '%s'", path);
	return unit_system(cmd) == 0;
}

/* ---- tests ------------------------------------------------------------ */

/* Same bytes (BAM and index) for no pool, 1 and 3 threads; htslib and
 * samtools read it back; same stream and blocks as htslib's writer. */
static void test_roundtrip_any_pool(unit_t *t)
{
	int64_t lens[3] = { 3000000, 1500000, 800000 };
	sam_hdr_t *h = hdr_make(lens, 3);
	recs_t r = { 0 };
	gsa_err_t e;
	char p0[512], p1[512], p3[512], i0[600], i1[600], i3[600], ref[512];
	recs_gen(&r, 11, lens, 3, 30000);
	snprintf(p0, sizeof p0, "%s/p0.bam", t->tmpdir);
	snprintf(p1, sizeof p1, "%s/p1.bam", t->tmpdir);
	snprintf(p3, sizeof p3, "%s/p3.bam", t->tmpdir);
	snprintf(i0, sizeof i0, "%s.bai", p0);
	snprintf(i1, sizeof i1, "%s.bai", p1);
	snprintf(i3, sizeof i3, "%s.bai", p3);
	snprintf(ref, sizeof ref, "%s/htslib.bam", t->tmpdir);
	UNIT_CHECK_INT(t, write_ours(p0, h, &r, 6, 0, GSA_INDEX_BAI, 0, i0, &e), 0);
	UNIT_CHECK_INT(t, write_ours(p1, h, &r, 6, 1, GSA_INDEX_BAI, 0, i1, &e), 0);
	UNIT_CHECK_INT(t, write_ours(p3, h, &r, 6, 3, GSA_INDEX_BAI, 0, i3, &e), 0);
	UNIT_CHECK(t, files_equal(p0, p1));
	UNIT_CHECK(t, files_equal(p0, p3));
	UNIT_CHECK(t, files_equal(i0, i1));
	UNIT_CHECK(t, files_equal(i0, i3));
	UNIT_CHECK(t, quickcheck(p0));
	UNIT_CHECK(t, reads_back(p0, h, &r));
	UNIT_CHECK_INT(t, write_htslib(ref, h, &r, "wb6"), 0);
	UNIT_CHECK(t, streams_match(p0, ref));
	{
		stream_t st;
		UNIT_CHECK(t, bgzf_parse(p0, &st) > 8 * 3); /* several jobs' worth of blocks */
		stream_free(&st);
	}
	recs_free(&r);
	sam_hdr_destroy(h);
}

/* Level 0 stores, level 12 compresses hardest; both valid and faithful. */
static void test_levels_0_and_12(unit_t *t)
{
	int64_t lens[2] = { 1000000, 500000 };
	sam_hdr_t *h = hdr_make(lens, 2);
	recs_t r = { 0 };
	gsa_err_t e;
	char l0[512], l12[512], ref[512];
	stream_t st;
	long n_blk;
	recs_gen(&r, 12, lens, 2, 4000);
	snprintf(l0, sizeof l0, "%s/l0.bam", t->tmpdir);
	snprintf(l12, sizeof l12, "%s/l12.bam", t->tmpdir);
	snprintf(ref, sizeof ref, "%s/htslib.bam", t->tmpdir);
	UNIT_CHECK_INT(t, write_ours(l0, h, &r, 0, 2, 0, 0, NULL, &e), 0);
	UNIT_CHECK_INT(t, write_ours(l12, h, &r, 12, 2, 0, 0, NULL, &e), 0);
	UNIT_CHECK_INT(t, write_htslib(ref, h, &r, "wb6"), 0);
	UNIT_CHECK(t, streams_match(l0, ref));
	UNIT_CHECK(t, streams_match(l12, ref));
	UNIT_CHECK(t, quickcheck(l0) && quickcheck(l12));
	UNIT_CHECK(t, reads_back(l0, h, &r));
	UNIT_CHECK(t, reads_back(l12, h, &r));
	n_blk = bgzf_parse(l0, &st);
	UNIT_CHECK(t, n_blk > 1);
	/* stored: every byte plus per-block framing (26 + 5 bytes, EOF 28) */
	UNIT_CHECK_INT(t, file_size(l0), (long)st.len + 31 * (n_blk - 1) + 28);
	UNIT_CHECK(t, file_size(l12) < file_size(ref));
	stream_free(&st);
	recs_free(&r);
	sam_hdr_destroy(h);
}

/* Find a name length and l_seq giving a record of exactly `total` bytes
 * in file form; NULL if none. */
static bam1_t *rec_of_size(uint64_t *s, int tid, int64_t pos, size_t total)
{
	char name[16] = "exact";
	int k, l;
	for (k = 1; k <= 8; k++) {
		name[k] = 0;
		for (l = 1; l < 70000; l++) {
			/* 4 + 32 + name + NUL + 1 cigar op + seq + qual + NM:i (7) + RG:Z:g1 (6) */
			size_t sz = 36 + (size_t)k + 1 + 4 + (size_t)(l + 1) / 2 + (size_t)l + 7 + 6;
			if (sz == total) return rec_make(s, name, tid, pos, l, 0);
			if (sz > total) break;
		}
		name[k] = 'x';
	}
	return NULL;
}

/* A record larger than a block, and one ending exactly at a block's end:
 * placed like htslib, read back, indexed like samtools. */
static void test_big_and_block_end_records(unit_t *t)
{
	int64_t lens[1] = { 2000000 };
	sam_hdr_t *h = hdr_make(lens, 1);
	recs_t r = { 0 };
	gsa_err_t e;
	uint64_t s = 5;
	char out[512], idx[600], ref[512], regions[4096];
	size_t i;
	bam1_t *exact = rec_of_size(&s, 0, 10, GSA_BGZF_BLOCK), *big;
	UNIT_CHECK(t, exact != NULL);
	if (!exact) goto done;
	recs_add(&r, exact); /* first record: starts a block, fills it exactly */
	for (i = 0; i < 400; i++) recs_add(&r, rec_make(&s, "small", 0, 20 + (int64_t)i * 50, 100, (int)(i % 5)));
	big = rec_make(&s, "big", 0, 40000, 100000, 2);
	UNIT_CHECK(t, big->l_data > 2 * GSA_BGZF_BLOCK); /* spans three blocks */
	recs_add(&r, big);
	for (i = 0; i < 400; i++) recs_add(&r, rec_make(&s, "after", 0, 40000 + (int64_t)i * 50, 100, (int)(i % 5)));
	recs_add(&r, rec_of_size(&s, 0, 70000, GSA_BGZF_BLOCK - 1000));
	recs_add(&r, rec_make(&s, "last", 0, 70010, 120, 0));
	snprintf(out, sizeof out, "%s/big.bam", t->tmpdir);
	snprintf(idx, sizeof idx, "%s.bai", out);
	snprintf(ref, sizeof ref, "%s/htslib.bam", t->tmpdir);
	UNIT_CHECK_INT(t, write_ours(out, h, &r, 6, 2, GSA_INDEX_BAI, 0, idx, &e), 0);
	UNIT_CHECK_INT(t, write_htslib(ref, h, &r, "wb6"), 0);
	UNIT_CHECK(t, streams_match(out, ref));
	UNIT_CHECK(t, reads_back(out, h, &r));
	snprintf(regions, sizeof regions, "chr1:1-11 chr1:11-12 chr1:12-30 chr1:20-25 chr1:39990-40001 "
		 "chr1:40000-40000 chr1:45000-46000 chr1:60000-70005 chr1:70005-70200 chr1:100000-200000 chr1");
	UNIT_CHECK(t, regions_agree(t, out, "", regions) > 0);
done:
	recs_free(&r);
	sam_hdr_destroy(h);
}

/* A header and no records: valid, empty, indexable. */
static void test_zero_records(unit_t *t)
{
	int64_t lens[2] = { 5000, 7000 };
	sam_hdr_t *h = hdr_make(lens, 2);
	recs_t r = { 0 };
	gsa_err_t e;
	char out[512], idx[600], ref[512];
	snprintf(out, sizeof out, "%s/empty.bam", t->tmpdir);
	snprintf(idx, sizeof idx, "%s.bai", out);
	snprintf(ref, sizeof ref, "%s/htslib.bam", t->tmpdir);
	UNIT_CHECK_INT(t, write_ours(out, h, &r, 6, 1, GSA_INDEX_BAI, 0, idx, &e), 0);
	UNIT_CHECK_INT(t, write_htslib(ref, h, &r, "wb6"), 0);
	UNIT_CHECK(t, quickcheck(out));
	UNIT_CHECK(t, streams_match(out, ref));
	UNIT_CHECK(t, reads_back(out, h, &r));
	UNIT_CHECK_INT(t, regions_agree(t, out, "", "chr1 chr2:1-100"), 0);
	sam_hdr_destroy(h);
}

/* A header larger than a block (thousands of contigs) spans blocks like
 * htslib's; records on the last contigs read back and index right.  An
 * index that cannot be saved is an I/O error naming it. */
static void test_large_header_and_index_path(unit_t *t)
{
	enum { N_REF = 4000 };
	int64_t *lens = malloc(N_REF * sizeof *lens);
	sam_hdr_t *h;
	recs_t r = { 0 };
	uint64_t s = 8;
	gsa_err_t e;
	char out[512], idx[600], ref[512], regions[256];
	stream_t st;
	int i;
	for (i = 0; i < N_REF; i++) lens[i] = 100000 + i;
	h = hdr_make(lens, N_REF);
	for (i = 0; i < 300; i++) recs_add(&r, rec_make(&s, "q", N_REF - 2 + i / 150, 10 + (i % 150) * 300, 80, i % 5));
	snprintf(out, sizeof out, "%s/wide.bam", t->tmpdir);
	snprintf(idx, sizeof idx, "%s.bai", out);
	snprintf(ref, sizeof ref, "%s/htslib.bam", t->tmpdir);
	UNIT_CHECK_INT(t, write_ours(out, h, &r, 6, 2, GSA_INDEX_BAI, 0, idx, &e), 0);
	UNIT_CHECK_INT(t, write_htslib(ref, h, &r, "wb6"), 0);
	UNIT_CHECK(t, streams_match(out, ref));
	UNIT_CHECK(t, bgzf_parse(out, &st) >= 4 && st.isize[0] == GSA_BGZF_BLOCK && st.isize[1] == GSA_BGZF_BLOCK);
	stream_free(&st);
	UNIT_CHECK(t, reads_back(out, h, &r));
	snprintf(regions, sizeof regions, "chr%d:1-20000 chr%d:30000-40000 chr%d", N_REF - 1, N_REF - 1, N_REF);
	UNIT_CHECK(t, regions_agree(t, out, "", regions) > 0);
	snprintf(idx, sizeof idx, "%s/no/such/dir/x.bai", t->tmpdir);
	UNIT_CHECK_INT(t, write_ours(out, h, &r, 6, 0, GSA_INDEX_BAI, 0, idx, &e), -1);
	UNIT_CHECK_INT(t, e.code, GSA_EIO);
	UNIT_CHECK(t, strstr(e.msg, idx) != NULL);
	recs_free(&r);
	sam_hdr_destroy(h);
	free(lens);
}

/* Many random regions: our BAI answers like samtools index's. */
static void test_bai_regions_match_samtools(unit_t *t)
{
	int64_t lens[3] = { 4000000, 2500000, 1000000 };
	sam_hdr_t *h = hdr_make(lens, 3);
	recs_t r = { 0 };
	gsa_err_t e;
	char out[512], idx[600], regions[8192];
	recs_gen(&r, 21, lens, 3, 20000);
	{ /* records with a contig but no position sort first in their contig */
		uint64_t s = 4;
		recs_add(&r, rec_make(&s, "nopos1", 0, -1, 70, -1));
		recs_add(&r, rec_make(&s, "nopos2", 1, -1, 70, -1));
		qsort(r.b, r.n, sizeof *r.b, rec_cmp);
	}
	snprintf(out, sizeof out, "%s/bai.bam", t->tmpdir);
	snprintf(idx, sizeof idx, "%s.bai", out);
	UNIT_CHECK_INT(t, write_ours(out, h, &r, 5, 2, GSA_INDEX_BAI, 0, idx, &e), 0);
	regions_make(regions, sizeof regions, 99, lens, 3, 200);
	UNIT_CHECK(t, regions_agree(t, out, "", regions) > 100000);
	recs_free(&r);
	sam_hdr_destroy(h);
}

/* A contig longer than 2^29: CSI works like `samtools index -c`; BAI
 * refuses the first record it cannot address. */
static void test_csi_long_contig(unit_t *t)
{
	int64_t lens[2] = { ((int64_t)1 << 30) + 5000000, 3000000 };
	sam_hdr_t *h = hdr_make(lens, 2);
	recs_t r = { 0 };
	gsa_err_t e;
	char out[512], idx[600], regions[8192];
	recs_gen(&r, 31, lens, 2, 8000);
	snprintf(out, sizeof out, "%s/csi.bam", t->tmpdir);
	snprintf(idx, sizeof idx, "%s.csi", out);
	UNIT_CHECK_INT(t, write_ours(out, h, &r, 6, 2, GSA_INDEX_CSI, 14, idx, &e), 0);
	UNIT_CHECK(t, reads_back(out, h, &r));
	regions_make(regions, sizeof regions, 77, lens, 2, 200);
	UNIT_CHECK(t, regions_agree(t, out, "-c -m 14", regions) > 100000);
	/* BAI cannot address past 2^29 */
	snprintf(idx, sizeof idx, "%s/bad.bam.bai", t->tmpdir);
	snprintf(out, sizeof out, "%s/bad.bam", t->tmpdir);
	UNIT_CHECK_INT(t, write_ours(out, h, &r, 6, 2, GSA_INDEX_BAI, 0, idx, &e), -1);
	UNIT_CHECK_INT(t, e.code, GSA_EDATA);
	UNIT_CHECK(t, strstr(e.msg, out) != NULL && strstr(e.msg, "BAI") != NULL);
	UNIT_CHECK(t, access(idx, F_OK) != 0);
	recs_free(&r);
	sam_hdr_destroy(h);
}

/* With an index: out of order, placed after unplaced, and a reference id
 * outside the header are data errors, and the error sticks. */
static void test_refuses_bad_order(unit_t *t)
{
	int64_t lens[2] = { 100000, 100000 };
	sam_hdr_t *h = hdr_make(lens, 2);
	uint64_t s = 3;
	uint8_t buf[4][1024];
	bam1_t *b[4];
	gsa_err_t e;
	char out[512];
	int fd, i;
	gsa_bamw_t *w;
	b[0] = rec_make(&s, "a", 1, 500, 60, 0);
	b[1] = rec_make(&s, "b", 0, 900, 60, 0);  /* earlier contig */
	b[2] = rec_make(&s, "c", -1, -1, 60, -1); /* unplaced */
	b[3] = rec_make(&s, "d", 1, 600, 60, 0);
	for (i = 0; i < 4; i++) rec_serialise(b[i], buf[i]);
	snprintf(out, sizeof out, "%s/order.bam", t->tmpdir);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	w = gsa_bamw_open(fd, out, h, 6, NULL, GSA_INDEX_BAI, 0, &e);
	UNIT_CHECK(t, w != NULL);
	if (w) {
		UNIT_CHECK_INT(t, gsa_bamw_put(w, buf[0], &e), 0);
		UNIT_CHECK_INT(t, gsa_bamw_put(w, buf[1], &e), -1);
		UNIT_CHECK_INT(t, e.code, GSA_EDATA);
		UNIT_CHECK(t, strstr(e.msg, out) != NULL && strstr(e.msg, "order") != NULL);
		gsa_err_clear(&e);
		UNIT_CHECK_INT(t, gsa_bamw_put(w, buf[0], &e), -1); /* sticky */
		UNIT_CHECK_INT(t, e.code, GSA_EDATA);
		UNIT_CHECK_INT(t, gsa_bamw_finish(w, NULL, &e), -1);
	}
	w = gsa_bamw_open(fd, out, h, 6, NULL, GSA_INDEX_BAI, 0, &e);
	if (w) {
		UNIT_CHECK_INT(t, gsa_bamw_put(w, buf[2], &e), 0);
		UNIT_CHECK_INT(t, gsa_bamw_put(w, buf[3], &e), -1);
		UNIT_CHECK_INT(t, e.code, GSA_EDATA);
		UNIT_CHECK(t, strstr(e.msg, "unplaced") != NULL);
		gsa_bamw_free(w);
	}
	/* no index: any order is fine, but the reference id must exist */
	w = gsa_bamw_open(fd, out, h, 6, NULL, 0, 0, &e);
	if (w) {
		UNIT_CHECK_INT(t, gsa_bamw_put(w, buf[0], &e), 0);
		UNIT_CHECK_INT(t, gsa_bamw_put(w, buf[1], &e), 0);
		buf[1][4] = 2; /* reference id 2 of 2 */
		UNIT_CHECK_INT(t, gsa_bamw_put(w, buf[1], &e), -1);
		UNIT_CHECK_INT(t, e.code, GSA_EDATA);
		gsa_bamw_free(w);
	}
	close(fd);
	for (i = 0; i < 4; i++) bam_destroy1(b[i]);
	sam_hdr_destroy(h);
}

/* A full disk: for the header alone and while writing records with a pool. */
static void test_disk_full(unit_t *t)
{
	int64_t lens[1] = { 1000000 };
	sam_hdr_t *h = hdr_make(lens, 1);
	recs_t r = { 0 };
	gsa_err_t e;
	char out[512];
	uint8_t *buf = NULL;
	size_t cap = 0, i;
	int full = open("/dev/full", O_WRONLY), fd, rc = 0;
	gsa_pool_t *pool = gsa_pool_new(2);
	gsa_bamw_t *w;
	UNIT_CHECK(t, full >= 0);
	if (full < 0) goto done;
	/* the header goes out with the first job: the error comes at finish */
	w = gsa_bamw_open(full, "/dev/full", h, 6, pool, GSA_INDEX_BAI, 0, &e);
	UNIT_CHECK(t, w != NULL);
	if (w) {
		UNIT_CHECK_INT(t, gsa_bamw_finish(w, "/dev/null", &e), -1);
		UNIT_CHECK_INT(t, e.code, GSA_EIO);
		UNIT_CHECK(t, strstr(e.msg, "/dev/full") != NULL && strstr(e.msg, "No space left on device") != NULL);
	}
	/* header fits, then the disk fills */
	recs_gen(&r, 41, lens, 1, 3000);
	snprintf(out, sizeof out, "%s/full.bam", t->tmpdir);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	w = gsa_bamw_open(fd, out, h, 1, pool, GSA_INDEX_BAI, 0, &e);
	UNIT_CHECK(t, w != NULL);
	if (w) {
		dup2(full, fd);
		for (i = 0; i < r.n && rc == 0; i++) {
			size_t need = 36 + (size_t)r.b[i]->l_data;
			if (need > cap) buf = realloc(buf, cap = need);
			rec_serialise(r.b[i], buf);
			rc = gsa_bamw_put(w, buf, &e);
		}
		if (rc == 0) rc = gsa_bamw_finish(w, NULL, &e);
		else gsa_bamw_free(w);
		UNIT_CHECK_INT(t, rc, -1);
		UNIT_CHECK_INT(t, e.code, GSA_EIO);
		UNIT_CHECK(t, strstr(e.msg, out) != NULL && strstr(e.msg, "No space left on device") != NULL);
	}
	close(fd);
	close(full);
done:
	free(buf);
	gsa_pool_free(pool);
	recs_free(&r);
	sam_hdr_destroy(h);
}

int main(void)
{
	unit_t t;
	/* the checks compare with samtools (index, view, idxstats, quickcheck) */
	if (unit_system("command -v samtools >/dev/null") != 0) {
		printf("skip: samtools not installed (test_bgzf_bamw shells out to samtools index/view/idxstats/quickcheck; scripts/deps.sh test)\n");
		return 77;
	}
	unit_init(&t, "gsa_bamw");
	UNIT_RUN(&t, test_roundtrip_any_pool);
	UNIT_RUN(&t, test_levels_0_and_12);
	UNIT_RUN(&t, test_big_and_block_end_records);
	UNIT_RUN(&t, test_zero_records);
	UNIT_RUN(&t, test_large_header_and_index_path);
	UNIT_RUN(&t, test_bai_regions_match_samtools);
	UNIT_RUN(&t, test_csi_long_contig);
	UNIT_RUN(&t, test_refuses_bad_order);
	UNIT_RUN(&t, test_disk_full);
	return unit_finish(&t);
}
