/* Unit tests for gsa_bamr: every record and the header equal what htslib's
 * own BGZF reader gives, with and without a pool, from a file or a pipe;
 * truncated, corrupt and malformed input is refused with a clear message. */
#include "unit.h"
#include "io.h"
#include "bgzf_bamr.h"
#include "pool.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <htslib/bgzf.h>
#include <htslib/hfile.h>
#include <htslib/sam.h>
#include <zlib.h>

/* ---- test data ------------------------------------------------------ */

static int write_bytes(const char *path, const void *data, size_t len);

typedef struct gen_opt {
	int level;        /* BGZF level 0..9 */
	int n_contigs;
	int n_recs;
	int big_every;    /* every Nth record has a 70 kb read (> 64 KiB); 0: none */
	uint64_t seed;
} gen_opt_t;

/* Write a BAM with htslib: random mapped/unmapped reads with aux tags. */
static int make_bam(const char *path, const gen_opt_t *o)
{
	char mode[8], *text, qname[64];
	size_t cap = 256 + (size_t)o->n_contigs * 48, len;
	samFile *fp;
	sam_hdr_t *h;
	bam1_t *b = bam_init1();
	char *seq = malloc(70001), *qual = malloc(70001);
	uint64_t s = o->seed | 1;
	int i, rc = 0;
	snprintf(mode, sizeof mode, "wb%d", o->level);
	text = malloc(cap);
	len = (size_t)snprintf(text, cap, "@HD\tVN:1.6\tSO:unsorted\n");
	for (i = 0; i < o->n_contigs; i++)
		len += (size_t)snprintf(text + len, cap - len, "@SQ\tSN:chr%d_%s\tLN:%d\n", i + 1,
			i % 3 ? "alt" : "main", 100000 + i * 7919);
	len += (size_t)snprintf(text + len, cap - len, "@RG\tID:rg1\tSM:s1\n@PG\tID:gen\tPN:test_si_bamr\n");
	h = sam_hdr_parse(len, text);
	fp = sam_open(path, mode);
	if (!h || !fp || sam_hdr_write(fp, h) < 0) rc = -1;
	for (i = 0; rc == 0 && i < o->n_recs; i++) {
		int big = o->big_every && i % o->big_every == o->big_every - 1;
		int l_seq = big ? 70000 : 50 + (int)(unit_rng_next(&s) % 200), k;
		int unmapped = o->n_contigs == 0 || unit_rng_next(&s) % 10 == 0;
		int32_t tid = unmapped ? -1 : (int32_t)(unit_rng_next(&s) % (uint64_t)o->n_contigs);
		int64_t pos = unmapped ? -1 : (int64_t)(unit_rng_next(&s) % 90000);
		uint32_t cig[2] = { (uint32_t)5 << 4 | BAM_CSOFT_CLIP, (uint32_t)(l_seq - 5) << 4 | BAM_CMATCH };
		int32_t nm = (int32_t)(unit_rng_next(&s) % 7);
		for (k = 0; k < l_seq; k++) {
			seq[k] = "ACGTN"[unit_rng_next(&s) % 5];
			qual[k] = (char)(2 + unit_rng_next(&s) % 39);
		}
		snprintf(qname, sizeof qname, "read_%d:%u", i, (unsigned)(unit_rng_next(&s) % 100000));
		if (bam_set1(b, strlen(qname), qname, unmapped ? BAM_FUNMAP : (uint16_t)(unit_rng_next(&s) % 2 ? 0 : BAM_FREVERSE),
				tid, pos, unmapped ? 0 : (uint8_t)(unit_rng_next(&s) % 61), unmapped ? 0 : 2, cig,
				tid, pos, 0, (size_t)l_seq, seq, qual, 16) < 0
			|| bam_aux_append(b, "RG", 'Z', 4, (const uint8_t *)"rg1") < 0
			|| bam_aux_append(b, "NM", 'i', 4, (const uint8_t *)&nm) < 0
			|| sam_write1(fp, h, b) < 0)
			rc = -1;
	}
	if (fp && sam_close(fp) < 0) rc = -1;
	sam_hdr_destroy(h);
	bam_destroy1(b);
	free(text);
	free(seq);
	free(qual);
	return rc;
}

/* The decompressed stream after the header, as htslib's BGZF reader gives
 * it, and the header htslib reads. */
typedef struct raw {
	sam_hdr_t *h;
	uint8_t *data;
	size_t len;
	uint64_t n_recs;
} raw_t;

static int read_raw(const char *path, raw_t *raw)
{
	BGZF *fp = bgzf_open(path, "r");
	size_t cap = 1 << 16, off;
	ssize_t n;
	memset(raw, 0, sizeof *raw);
	if (!fp) return -1;
	raw->h = bam_hdr_read(fp);
	raw->data = malloc(cap);
	while (raw->h && (n = bgzf_read(fp, raw->data + raw->len, cap - raw->len)) > 0) {
		raw->len += (size_t)n;
		if (raw->len == cap) raw->data = realloc(raw->data, cap *= 2);
	}
	for (off = 0; off + 4 <= raw->len; raw->n_recs++) off += 4 + gsa_le32(raw->data + off);
	bgzf_close(fp);
	return raw->h && off == raw->len ? 0 : -1;
}

static void raw_free(raw_t *raw)
{
	sam_hdr_destroy(raw->h);
	free(raw->data);
}

static int same_header(const sam_hdr_t *a, const sam_hdr_t *b)
{
	int i;
	if (a->n_targets != b->n_targets || a->l_text != b->l_text) return 0;
	if (memcmp(a->text, b->text, a->l_text) != 0 || a->text[a->l_text] != 0) return 0;
	for (i = 0; i < a->n_targets; i++)
		if (strcmp(a->target_name[i], b->target_name[i]) != 0 || a->target_len[i] != b->target_len[i]) return 0;
	return 1;
}

/* Read hf through gsa_bamr and compare header and records with raw.
 * Returns the number of mismatches (0 if all the same). */
static int compare_with_raw(unit_t *t, hFILE *hf, const char *name, gsa_pool_t *pool, const raw_t *raw,
	uint64_t expect_bytes)
{
	gsa_err_t err = { 0, "" };
	gsa_bamr_t *r = gsa_bamr_open(hf, name, pool, &err);
	const uint8_t *rec;
	size_t off = 0;
	int rc, bad = 0;
	if (!r) {
		UNIT_CHECK_STR(t, err.msg, "");
		return 1;
	}
	if (!same_header(gsa_bamr_header(r), raw->h)) bad++;
	while ((rc = gsa_bamr_next(r, &rec, &err)) > 0) {
		uint32_t bs = gsa_le32(rec);
		if (off + 4 + bs > raw->len || memcmp(rec, raw->data + off, 4 + (size_t)bs) != 0) {
			bad++;
			break;
		}
		off += 4 + (size_t)bs;
	}
	if (rc != 0) UNIT_CHECK_STR(t, err.msg, "");
	UNIT_CHECK_INT(t, rc, 0);
	UNIT_CHECK_INT(t, off, raw->len);
	UNIT_CHECK_INT(t, gsa_bamr_count(r), raw->n_recs);
	UNIT_CHECK_INT(t, gsa_bamr_next(r, &rec, &err), 0); /* stays at the end */
	if (expect_bytes) UNIT_CHECK_INT(t, gsa_bamr_bytes_in(r), expect_bytes);
	gsa_bamr_close(r);
	return bad;
}

static int compare_file(unit_t *t, const char *path, gsa_pool_t *pool, const raw_t *raw)
{
	hFILE *hf = hopen(path, "r");
	struct stat st;
	UNIT_CHECK(t, hf != NULL);
	UNIT_CHECK_INT(t, stat(path, &st), 0);
	return hf ? compare_with_raw(t, hf, path, pool, raw, (uint64_t)st.st_size) : 1;
}

/* ---- same records as htslib ---------------------------------------- */

static void check_levels(unit_t *t, const gen_opt_t *base)
{
	static const int levels[3] = { 0, 1, 6 };
	gsa_pool_t *p1 = gsa_pool_new(1), *p3 = gsa_pool_new(3);
	int li;
	for (li = 0; li < 3; li++) {
		char path[512];
		gen_opt_t o = *base;
		raw_t raw;
		o.level = levels[li];
		o.seed += (uint64_t)li;
		snprintf(path, sizeof path, "%s/l%d.bam", t->tmpdir, o.level);
		UNIT_CHECK_INT(t, make_bam(path, &o), 0);
		UNIT_CHECK_INT(t, read_raw(path, &raw), 0);
		UNIT_CHECK_INT(t, raw.n_recs, o.n_recs);
		UNIT_CHECK_INT(t, compare_file(t, path, NULL, &raw), 0);
		UNIT_CHECK_INT(t, compare_file(t, path, p1, &raw), 0);
		UNIT_CHECK_INT(t, compare_file(t, path, p3, &raw), 0);
		raw_free(&raw);
	}
	gsa_pool_free(p1);
	gsa_pool_free(p3);
}

/* Several MiB per file at level 0, so records cross job boundaries, and
 * records over 64 KiB that span BGZF blocks. */
static void test_same_as_htslib_levels_pools(unit_t *t)
{
	gen_opt_t o = { 0, 300, 12000, 1500, 42 };
	check_levels(t, &o);
}

static void test_zero_records(unit_t *t)
{
	gen_opt_t with_refs = { 0, 25, 0, 0, 7 }, no_refs = { 0, 0, 0, 0, 8 };
	check_levels(t, &with_refs);
	check_levels(t, &no_refs);
}

/* Unmapped reads only, with no @SQ: refID -1 everywhere is valid. */
static void test_unmapped_without_refs(unit_t *t)
{
	gen_opt_t o = { 0, 0, 500, 0, 9 };
	check_levels(t, &o);
}

/* Write data[0..len) as BGZF in pieces of uneven size, each flushed to its
 * own block(s), so block boundaries fall anywhere inside records. */
static int write_pieces(const char *path, const uint8_t *data, size_t len, uint64_t seed)
{
	BGZF *fp = bgzf_open(path, "w1");
	size_t off = 0;
	int rc = 0;
	if (!fp) return -1;
	while (off < len && rc == 0) {
		size_t n = 1 + (size_t)(unit_rng_next(&seed) % 90000);
		if (n > len - off) n = len - off;
		if (bgzf_write(fp, data + off, n) < 0 || bgzf_flush(fp) < 0) rc = -1;
		off += n;
	}
	if (bgzf_close(fp) < 0) rc = -1;
	return rc;
}

/* Other writers fill blocks to the brim: records then span blocks (and
 * jobs) anywhere.  Two BGZF files concatenated are one valid stream with
 * an empty block in the middle. */
static void test_records_split_anywhere(unit_t *t)
{
	char path[512], a[512], b[512], both[512];
	gen_opt_t o = { 1, 30, 6000, 2500, 17 };
	raw_t raw;
	BGZF *fp;
	uint8_t *whole = NULL;
	size_t len = 0, cap = 1 << 20, half;
	ssize_t n;
	char *da = NULL, *db = NULL, *cat;
	size_t la = 0, lb = 0;
	gsa_err_t err;
	gsa_pool_t *p1 = gsa_pool_new(1), *p3 = gsa_pool_new(3);
	snprintf(path, sizeof path, "%s/s.bam", t->tmpdir);
	snprintf(a, sizeof a, "%s/a.part", t->tmpdir);
	snprintf(b, sizeof b, "%s/b.part", t->tmpdir);
	snprintf(both, sizeof both, "%s/split.bam", t->tmpdir);
	UNIT_CHECK_INT(t, make_bam(path, &o), 0);
	UNIT_CHECK_INT(t, read_raw(path, &raw), 0);
	/* the whole decompressed stream: header bytes, then raw.data */
	fp = bgzf_open(path, "r");
	UNIT_CHECK(t, fp != NULL);
	whole = malloc(cap);
	while ((n = bgzf_read(fp, whole + len, cap - len)) > 0)
		if ((len += (size_t)n) == cap) whole = realloc(whole, cap *= 2);
	bgzf_close(fp);
	UNIT_CHECK(t, len > raw.len && memcmp(whole + len - raw.len, raw.data, raw.len) == 0);
	half = len - raw.len + raw.len / 2 + 3; /* inside some record */
	UNIT_CHECK_INT(t, write_pieces(a, whole, half, 1), 0);
	UNIT_CHECK_INT(t, write_pieces(b, whole + half, len - half, 2), 0);
	UNIT_CHECK_INT(t, gsa_read_file(a, &da, &la, &err), 0);
	UNIT_CHECK_INT(t, gsa_read_file(b, &db, &lb, &err), 0);
	cat = malloc(la + lb);
	memcpy(cat, da, la);
	memcpy(cat + la, db, lb);
	UNIT_CHECK_INT(t, write_bytes(both, cat, la + lb), 0);
	UNIT_CHECK_INT(t, compare_file(t, both, NULL, &raw), 0);
	UNIT_CHECK_INT(t, compare_file(t, both, p1, &raw), 0);
	UNIT_CHECK_INT(t, compare_file(t, both, p3, &raw), 0);
	free(cat);
	free(da);
	free(db);
	free(whole);
	raw_free(&raw);
	gsa_pool_free(p1);
	gsa_pool_free(p3);
}

/* The header is a proper sam_hdr_t: htslib's header API works on it. */
static void test_header_api(unit_t *t)
{
	char path[512];
	gen_opt_t o = { 6, 40, 10, 0, 5 };
	gsa_err_t err;
	gsa_bamr_t *r;
	sam_hdr_t *h, *d;
	snprintf(path, sizeof path, "%s/h.bam", t->tmpdir);
	UNIT_CHECK_INT(t, make_bam(path, &o), 0);
	r = gsa_bamr_open(hopen(path, "r"), path, NULL, &err);
	UNIT_CHECK(t, r != NULL);
	if (!r) return;
	h = gsa_bamr_take_header(r);
	UNIT_CHECK(t, gsa_bamr_header(r) == NULL);
	gsa_bamr_close(r); /* the header outlives the reader */
	UNIT_CHECK_INT(t, sam_hdr_nref(h), 40);
	UNIT_CHECK_INT(t, sam_hdr_tid2len(h, 3), 100000 + 3 * 7919);
	UNIT_CHECK_STR(t, sam_hdr_tid2name(h, 3), "chr4_main");
	UNIT_CHECK_INT(t, sam_hdr_name2tid(h, "chr40_main"), 39);
	UNIT_CHECK_INT(t, sam_hdr_name2tid(h, "chr41_main"), -1);
	d = sam_hdr_dup(h);
	UNIT_CHECK(t, d != NULL);
	UNIT_CHECK_INT(t, sam_hdr_update_hd(d, "SO", "coordinate"), 0);
	UNIT_CHECK_INT(t, sam_hdr_add_pg(d, "gsa", "VN", "test", NULL), 0);
	UNIT_CHECK(t, strstr(sam_hdr_str(d), "@HD\tVN:1.6\tSO:coordinate\n") == sam_hdr_str(d));
	UNIT_CHECK(t, strstr(sam_hdr_str(d), "@PG\tID:gsa\t") != NULL);
	UNIT_CHECK(t, strstr(sam_hdr_str(d), "\tPP:gen") != NULL);
	UNIT_CHECK_INT(t, sam_hdr_nref(d), 40);
	UNIT_CHECK_INT(t, sam_hdr_tid2len(d, 39), 100000 + 39 * 7919);
	UNIT_CHECK_INT(t, sam_hdr_update_hd(h, "SO", "queryname"), 0);
	UNIT_CHECK(t, strstr(sam_hdr_str(h), "SO:queryname") != NULL);
	sam_hdr_destroy(d);
	sam_hdr_destroy(h);
}

/* ---- a pipe -------------------------------------------------------- */

typedef struct feeder {
	int fd;
	const char *data;
	size_t len;
} feeder_t;

/* Write data to the pipe in uneven pieces, then close it. */
static void *feed(void *arg)
{
	feeder_t *f = arg;
	size_t off = 0, piece = 1;
	while (off < f->len) {
		size_t n = f->len - off < piece ? f->len - off : piece;
		ssize_t w = write(f->fd, f->data + off, n);
		if (w < 0 && errno == EINTR) continue;
		if (w <= 0) break; /* reader gone */
		off += (size_t)w;
		piece = piece * 7 % 100003 + 1;
	}
	close(f->fd);
	return NULL;
}

static void test_pipe(unit_t *t)
{
	char path[512];
	gen_opt_t o = { 1, 50, 4000, 700, 11 };
	raw_t raw;
	char *data = NULL;
	size_t len = 0;
	int fds[2], round;
	gsa_err_t err;
	gsa_pool_t *p = gsa_pool_new(2);
	snprintf(path, sizeof path, "%s/p.bam", t->tmpdir);
	UNIT_CHECK_INT(t, make_bam(path, &o), 0);
	UNIT_CHECK_INT(t, read_raw(path, &raw), 0);
	UNIT_CHECK_INT(t, gsa_read_file(path, &data, &len, &err), 0);
	for (round = 0; round < 2; round++) {
		feeder_t f;
		pthread_t th;
		hFILE *hf;
		UNIT_CHECK_INT(t, pipe(fds), 0);
		f = (feeder_t){ fds[1], data, len };
		UNIT_CHECK_INT(t, pthread_create(&th, NULL, feed, &f), 0);
		hf = hdopen(fds[0], "r");
		UNIT_CHECK(t, hf != NULL);
		UNIT_CHECK_INT(t, compare_with_raw(t, hf, "stdin", round ? p : NULL, &raw, len), 0);
		pthread_join(th, NULL);
	}
	free(data);
	raw_free(&raw);
	gsa_pool_free(p);
}

/* ---- bad input ----------------------------------------------------- */

/* Read path to the end; returns the last gsa_bamr result (1 never: -1 or 0)
 * and the error, and the records returned in *n. */
static int read_all(const char *path, gsa_pool_t *pool, gsa_err_t *err, uint64_t *n)
{
	gsa_bamr_t *r;
	const uint8_t *rec;
	int rc;
	*n = 0;
	err->code = 0;
	err->msg[0] = 0;
	r = gsa_bamr_open(hopen(path, "r"), path, pool, err);
	if (!r) return -1;
	while ((rc = gsa_bamr_next(r, &rec, err)) > 0) {}
	*n = gsa_bamr_count(r);
	if (rc < 0 && gsa_bamr_next(r, &rec, err) != -1) rc = 99; /* errors stick */
	gsa_bamr_close(r);
	return rc;
}

static int write_bytes(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int rc = 0;
	if (!f) return -1;
	if (len && fwrite(data, 1, len, f) != len) rc = -1;
	if (fclose(f) != 0) rc = -1;
	return rc;
}

/* Offsets where BGZF blocks start (htslib writes BC as the only subfield). */
static size_t block_starts(const uint8_t *d, size_t len, size_t *starts, size_t max)
{
	size_t off = 0, n = 0;
	while (off + 18 <= len && n < max) {
		starts[n++] = off;
		off += (size_t)gsa_le16(d + off + 16) + 1;
	}
	return n;
}

static void test_every_cut_is_an_error(unit_t *t)
{
	char path[512], cut[512];
	gen_opt_t o = { 1, 20, 120, 60, 13 }; /* two records over 64 KiB */
	char *data = NULL;
	size_t len = 0, starts[64], n_starts, i, off;
	gsa_err_t err;
	uint64_t n;
	int bad = 0, tried = 0;
	gsa_pool_t *p = gsa_pool_new(1);
	raw_t raw;
	snprintf(path, sizeof path, "%s/c.bam", t->tmpdir);
	snprintf(cut, sizeof cut, "%s/cut.bam", t->tmpdir);
	UNIT_CHECK_INT(t, make_bam(path, &o), 0);
	UNIT_CHECK_INT(t, read_raw(path, &raw), 0);
	UNIT_CHECK_INT(t, gsa_read_file(path, &data, &len, &err), 0);
	n_starts = block_starts((const uint8_t *)data, len, starts, 64);
	UNIT_CHECK(t, n_starts >= 5);
	UNIT_CHECK_INT(t, starts[n_starts - 1], len - 28); /* the EOF block */

	/* the whole file reads to the end */
	UNIT_CHECK_INT(t, read_all(path, NULL, &err, &n), 0);
	UNIT_CHECK_INT(t, n, raw.n_recs);

	/* right before the EOF block: every record, then the marker is missing */
	UNIT_CHECK_INT(t, write_bytes(cut, data, len - 28), 0);
	UNIT_CHECK_INT(t, read_all(cut, p, &err, &n), -1);
	UNIT_CHECK_INT(t, err.code, GSA_EDATA);
	UNIT_CHECK_INT(t, n, raw.n_recs);
	{
		char want[600];
		snprintf(want, sizeof want, "%s: truncated BAM (no end-of-file marker after record %llu)",
			cut, (unsigned long long)raw.n_recs);
		UNIT_CHECK_STR(t, err.msg, want);
	}

	/* every offset in the first 300 bytes, around every block start, in
	 * the last 100 bytes, and every 251st elsewhere */
	for (off = 0; off < len; off++) {
		int near = off < 300 || off + 100 > len;
		for (i = 0; i < n_starts && !near; i++) near = off + 2 >= starts[i] && off <= starts[i] + 20;
		if (!near && off % 251 != 0) continue;
		tried++;
		if (write_bytes(cut, data, off) != 0) { bad++; continue; }
		if (read_all(cut, off % 2 ? p : NULL, &err, &n) != -1 || err.code != GSA_EDATA
			|| strncmp(err.msg, cut, strlen(cut)) != 0 || n > raw.n_recs
			|| (!strstr(err.msg, "truncated") && !strstr(err.msg, "empty"))) {
			if (bad++ < 3) fprintf(stderr, "# cut at %zu: code %d: %s\n", off, err.code, err.msg);
		}
	}
	UNIT_CHECK(t, tried > 500);
	fprintf(stderr, "# %d cuts of %zu bytes\n", tried, len);
	UNIT_CHECK_INT(t, bad, 0);
	free(data);
	raw_free(&raw);
	gsa_pool_free(p);
}

/* A byte flipped inside a block's data: the CRC (stored blocks) or the
 * inflate step (compressed blocks) catches it, naming the block. */
static void test_flipped_byte(unit_t *t)
{
	static const int levels[2] = { 0, 6 };
	int li;
	for (li = 0; li < 2; li++) {
		char path[512], bad_path[512], want[600];
		gen_opt_t o = { levels[li], 10, 2000, 0, 21 };
		char *data = NULL;
		size_t len = 0, starts[4096], n_starts, at;
		gsa_err_t err;
		uint64_t n, n_ok;
		raw_t raw;
		snprintf(path, sizeof path, "%s/f%d.bam", t->tmpdir, o.level);
		snprintf(bad_path, sizeof bad_path, "%s/flip%d.bam", t->tmpdir, o.level);
		UNIT_CHECK_INT(t, make_bam(path, &o), 0);
		UNIT_CHECK_INT(t, read_raw(path, &raw), 0);
		UNIT_CHECK_INT(t, gsa_read_file(path, &data, &len, &err), 0);
		n_starts = block_starts((const uint8_t *)data, len, starts, 4096);
		UNIT_CHECK(t, n_starts >= 4);
		/* the middle of the third block's data */
		at = starts[2] + (starts[3] - starts[2]) / 2;
		data[at] ^= 0x5a;
		UNIT_CHECK_INT(t, write_bytes(bad_path, data, len), 0);
		UNIT_CHECK_INT(t, read_all(bad_path, NULL, &err, &n_ok), -1);
		UNIT_CHECK_INT(t, err.code, GSA_EDATA);
		snprintf(want, sizeof want, "%s: corrupt BGZF block at byte %zu (", bad_path, starts[2]);
		UNIT_CHECK(t, strncmp(err.msg, want, strlen(want)) == 0);
		if (o.level == 0) UNIT_CHECK(t, strstr(err.msg, "(CRC mismatch)") != NULL);
		UNIT_CHECK(t, n_ok > 0 && n_ok < raw.n_recs); /* records before the block came out */
		/* the same with a pool */
		{
			gsa_pool_t *p = gsa_pool_new(3);
			gsa_err_t err2;
			UNIT_CHECK_INT(t, read_all(bad_path, p, &err2, &n), -1);
			UNIT_CHECK_STR(t, err2.msg, err.msg);
			UNIT_CHECK_INT(t, n, n_ok);
			gsa_pool_free(p);
		}
		/* a broken gzip magic in the fourth block */
		data[at] ^= 0x5a;
		data[starts[3] + 1] = 0x00;
		UNIT_CHECK_INT(t, write_bytes(bad_path, data, len), 0);
		UNIT_CHECK_INT(t, read_all(bad_path, NULL, &err, &n), -1);
		snprintf(want, sizeof want, "%s: corrupt BGZF block at byte %zu (no BGZF/gzip header)",
			bad_path, starts[3]);
		UNIT_CHECK_STR(t, err.msg, want);
		/* a BSIZE pointing past the file */
		data[starts[3] + 1] = (char)0x8b;
		data[starts[n_starts - 2] + 16] = (char)0xff;
		data[starts[n_starts - 2] + 17] = (char)0xff;
		UNIT_CHECK_INT(t, write_bytes(bad_path, data, len), 0);
		UNIT_CHECK_INT(t, read_all(bad_path, NULL, &err, &n), -1);
		UNIT_CHECK_INT(t, err.code, GSA_EDATA);
		free(data);
		raw_free(&raw);
	}
}

/* A hand-made BAM: header with two references, then the given records. */
static int write_handmade(const char *path, const uint8_t *recs, size_t len)
{
	static const char text[] = "@SQ\tSN:c1\tLN:1000\n@SQ\tSN:c2\tLN:2000\n";
	uint8_t h[128];
	size_t n = 0;
	BGZF *fp = bgzf_open(path, "w1");
	int rc = 0;
	if (!fp) return -1;
#define PUT32(v) do { uint32_t v_ = (uint32_t)(v); h[n++] = (uint8_t)v_; h[n++] = (uint8_t)(v_ >> 8); \
		h[n++] = (uint8_t)(v_ >> 16); h[n++] = (uint8_t)(v_ >> 24); } while (0)
	memcpy(h, "BAM\1", 4);
	n = 4;
	PUT32(sizeof text - 1);
	if (bgzf_write(fp, h, n) < 0 || bgzf_write(fp, text, sizeof text - 1) < 0) rc = -1;
	n = 0;
	PUT32(2);
	PUT32(3); memcpy(h + n, "c1", 3); n += 3; PUT32(1000);
	PUT32(3); memcpy(h + n, "c2", 3); n += 3; PUT32(2000);
	if (bgzf_write(fp, h, n) < 0 || (len && bgzf_write(fp, recs, len) < 0)) rc = -1;
	if (bgzf_close(fp) < 0) rc = -1;
	return rc;
#undef PUT32
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

/* One raw record: name "q", one 4M cigar op, 4 bases: 48 bytes in all
 * (block_size 44 = 32 fixed + 2 name + 4 cigar + 2 seq + 4 qual). */
#define RAW_LEN 48
static size_t raw_record(uint8_t *p, int32_t tid, int32_t pos)
{
	memset(p, 0, RAW_LEN);
	put32(p, RAW_LEN - 4);
	put32(p + 4, (uint32_t)tid);
	put32(p + 8, (uint32_t)pos);
	p[12] = 2;                 /* l_read_name: "q\0" */
	p[13] = 30;
	p[16] = 1;                 /* n_cigar_op */
	put32(p + 20, 4);          /* l_seq */
	put32(p + 24, (uint32_t)-1);
	put32(p + 28, (uint32_t)-1);
	p[36] = 'q';
	put32(p + 38, 4u << 4);    /* 4M */
	p[42] = 0x12; p[43] = 0x48; /* ACGT */
	memset(p + 44, 30, 4);
	return RAW_LEN;
}

static void test_malformed_records(unit_t *t)
{
	struct { const char *what; int field; uint32_t value; } cases[] = {
		{ "empty read name", 12, 0 },
		{ "refID 2 not in [-1, 2): a contig the header does not list", 4, 2 },
		{ "refID -2 not in [-1, 2): a contig the header does not list", 4, (uint32_t)-2 },
		{ "next_refID 7 not in [-1, 2): a contig the header does not list", 24, 7 },
		{ "pos -3 < -1", 8, (uint32_t)-3 },
		{ "next_pos -2 < -1", 28, (uint32_t)-2 },
		{ "fields longer than block_size 44", 20, 1000 },
		{ "read name not NUL-terminated", 37, 'x' },
		{ "block_size 20 < 32", 0, 20 },
	};
	char path[512], want[700];
	uint8_t recs[RAW_LEN * 3 + 64];
	gsa_pool_t *p = gsa_pool_new(2);
	size_t i, len;
	gsa_err_t err;
	uint64_t n;
	snprintf(path, sizeof path, "%s/m.bam", t->tmpdir);
	/* three good records first: all come out */
	len = raw_record(recs, 0, 5);
	len += raw_record(recs + len, 1, 1999);
	len += raw_record(recs + len, -1, -1);
	UNIT_CHECK_INT(t, write_handmade(path, recs, len), 0);
	UNIT_CHECK_INT(t, read_all(path, NULL, &err, &n), 0);
	UNIT_CHECK_INT(t, n, 3);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint8_t *second = recs + RAW_LEN;
		len = raw_record(recs, 0, 5);
		len += raw_record(second, 1, 100);
		if (cases[i].field == 12) second[12] = (uint8_t)cases[i].value;
		else if (cases[i].field == 37) second[37] = (uint8_t)cases[i].value;
		else put32(second + cases[i].field, cases[i].value);
		if (cases[i].field == 0) len = RAW_LEN + 4 + 20; /* a short record at the end */
		UNIT_CHECK_INT(t, write_handmade(path, recs, len), 0);
		UNIT_CHECK_INT(t, read_all(path, i % 2 ? p : NULL, &err, &n), -1);
		UNIT_CHECK_INT(t, err.code, GSA_EDATA);
		UNIT_CHECK_INT(t, n, 1);
		snprintf(want, sizeof want, "%s: malformed record 2 (%s)", path, cases[i].what);
		UNIT_CHECK_STR(t, err.msg, want);
	}
	/* a record cut short by the end of the data */
	len = raw_record(recs, 0, 5) + 30;
	raw_record(recs + RAW_LEN, 0, 6);
	UNIT_CHECK_INT(t, write_handmade(path, recs, len), 0);
	UNIT_CHECK_INT(t, read_all(path, NULL, &err, &n), -1);
	snprintf(want, sizeof want, "%s: truncated BAM (end-of-file marker inside record 2)", path);
	UNIT_CHECK_STR(t, err.msg, want);
	gsa_pool_free(p);
}

static void test_not_bam(unit_t *t)
{
	char path[512], want[700];
	gsa_err_t err;
	uint64_t n;
	BGZF *bg;
	gzFile gz;
	snprintf(path, sizeof path, "%s/x", t->tmpdir);

	UNIT_CHECK_INT(t, write_bytes(path, "", 0), 0);
	UNIT_CHECK_INT(t, read_all(path, NULL, &err, &n), -1);
	snprintf(want, sizeof want, "%s: not a BAM file (empty)", path);
	UNIT_CHECK_STR(t, err.msg, want);

	bg = bgzf_open(path, "w"); /* nothing but the end-of-file marker */
	UNIT_CHECK(t, bg != NULL);
	UNIT_CHECK_INT(t, bgzf_close(bg), 0);
	UNIT_CHECK_INT(t, read_all(path, NULL, &err, &n), -1);
	snprintf(want, sizeof want, "%s: not a BAM file (no data before the end-of-file marker)", path);
	UNIT_CHECK_STR(t, err.msg, want);

	UNIT_CHECK_INT(t, write_bytes(path, "@HD\tVN:1.6\n", 11), 0);
	UNIT_CHECK_INT(t, read_all(path, NULL, &err, &n), -1);
	UNIT_CHECK_INT(t, err.code, GSA_EDATA);
	snprintf(want, sizeof want, "%s: not a BAM file (no BGZF/gzip header)", path);
	UNIT_CHECK_STR(t, err.msg, want);

	gz = gzopen(path, "wb");
	UNIT_CHECK(t, gz != NULL);
	gzputs(gz, "BAM\1 and more");
	gzclose(gz);
	UNIT_CHECK_INT(t, read_all(path, NULL, &err, &n), -1);
	snprintf(want, sizeof want, "%s: not a BAM file (gzip without the BGZF extra field)", path);
	UNIT_CHECK_STR(t, err.msg, want);

	bg = bgzf_open(path, "w");
	UNIT_CHECK(t, bg != NULL);
	UNIT_CHECK_INT(t, bgzf_write(bg, "##fileformat=VCFv4.2\n", 21), 21);
	UNIT_CHECK_INT(t, bgzf_close(bg), 0);
	UNIT_CHECK_INT(t, read_all(path, NULL, &err, &n), -1);
	snprintf(want, sizeof want, "%s: not a BAM file (BGZF-compressed, but no BAM magic)", path);
	UNIT_CHECK_STR(t, err.msg, want);

	/* a header whose reference name lacks its NUL */
	bg = bgzf_open(path, "w");
	UNIT_CHECK_INT(t, bgzf_write(bg, "BAM\1\0\0\0\0\1\0\0\0\2\0\0\0c1\5\0\0\0", 22), 22);
	UNIT_CHECK_INT(t, bgzf_close(bg), 0);
	UNIT_CHECK_INT(t, read_all(path, NULL, &err, &n), -1);
	snprintf(want, sizeof want, "%s: malformed BAM header (reference 1 name not NUL-terminated)", path);
	UNIT_CHECK_STR(t, err.msg, want);

	/* a header cut short before the EOF block */
	bg = bgzf_open(path, "w");
	UNIT_CHECK_INT(t, bgzf_write(bg, "BAM\1\20\0\0\0@HD", 11), 11);
	UNIT_CHECK_INT(t, bgzf_close(bg), 0);
	UNIT_CHECK_INT(t, read_all(path, NULL, &err, &n), -1);
	snprintf(want, sizeof want, "%s: truncated BAM (end-of-file marker inside the header)", path);
	UNIT_CHECK_STR(t, err.msg, want);
}

/* A read error (here: the fd is a directory) is GSA_EIO, not bad data. */
static void test_read_error(unit_t *t)
{
	int fd = open(t->tmpdir, O_RDONLY);
	hFILE *hf;
	gsa_err_t err;
	UNIT_CHECK(t, fd >= 0);
	hf = hdopen(fd, "r");
	UNIT_CHECK(t, hf != NULL);
	UNIT_CHECK(t, gsa_bamr_open(hf, "dir.bam", NULL, &err) == NULL);
	UNIT_CHECK_INT(t, err.code, GSA_EIO);
	UNIT_CHECK(t, strncmp(err.msg, "dir.bam: read error", 19) == 0);
}

/* A file that cannot be opened: hopen gives NULL, the reader says why. */
static void test_missing_file(unit_t *t)
{
	char path[512], want[600];
	gsa_err_t err;
	snprintf(path, sizeof path, "%s/none.bam", t->tmpdir);
	UNIT_CHECK(t, gsa_bamr_open(hopen(path, "r"), path, NULL, &err) == NULL);
	UNIT_CHECK_INT(t, err.code, GSA_EIO);
	char why[GSA_STRERROR_MAX];
	snprintf(want, sizeof want, "%s: %s", path, gsa_strerror(ENOENT, why, sizeof why));
	UNIT_CHECK_STR(t, err.msg, want);
}

int main(void)
{
	unit_t t;
	signal(SIGPIPE, SIG_IGN);
	unit_init(&t, "gsa_bamr");
	UNIT_RUN(&t, test_same_as_htslib_levels_pools);
	UNIT_RUN(&t, test_zero_records);
	UNIT_RUN(&t, test_unmapped_without_refs);
	UNIT_RUN(&t, test_records_split_anywhere);
	UNIT_RUN(&t, test_header_api);
	UNIT_RUN(&t, test_pipe);
	UNIT_RUN(&t, test_every_cut_is_an_error);
	UNIT_RUN(&t, test_flipped_byte);
	UNIT_RUN(&t, test_malformed_records);
	UNIT_RUN(&t, test_not_bam);
	UNIT_RUN(&t, test_read_error);
	UNIT_RUN(&t, test_missing_file);
	return unit_finish(&t);
}
