/* Unit tests: tools/align/{al_refseq,sketch,index}.c */
#include "unit.h"
#include "al_index.h"
#include "al_nt.h"
#include "al_refseq.h"
#include "al_sketch.h"
#include "alloc.h"
#include "io.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include "aws/crc32c.h"
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void rand_seq(char *s, int n, unsigned *st)
{
	int i;
	for (i = 0; i < n; i++) {
		*st = *st * 1103515245u + 12345u;
		s[i] = "ACGT"[(*st >> 16) & 3];
	}
	s[n] = 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void test_minimizers_strand_symmetric(unit_t *t)
{
	char s[301];
	uint8_t f[300], r[300];
	unsigned st = 3;
	al_minimizer_t *a = NULL, *b = NULL;
	size_t na = 0, ca = 0, nb = 0, cb = 0, i, j, found = 0;
	rand_seq(s, 300, &st);
	for (i = 0; i < 300; i++) {
		f[i] = al_nt_code(s[i]);
		r[299 - i] = al_nt_comp(f[i]);
	}
	al_sketch_minimizers(f, 300, 15, 8, &a, &na, &ca);
	al_sketch_minimizers(r, 300, 15, 8, &b, &nb, &cb);
	/* density about 2/(w+1) */
	UNIT_CHECK(t, na > 300 / 8 && na < 300 / 2);
	/* every minimizer of the forward strand is one of the reverse strand, at the mirrored position */
	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++)
			if (a[i].hash == b[j].hash && a[i].pos == 300 - 15 - b[j].pos && a[i].strand != b[j].strand) { found++; break; }
	UNIT_CHECK(t, found * 10 >= na * 9);
	/* N breaks k-mers: no minimizer overlaps position 150 */
	f[150] = 4;
	na = 0;
	al_sketch_minimizers(f, 300, 15, 8, &a, &na, &ca);
	for (i = 0; i < na; i++) UNIT_CHECK(t, !(a[i].pos <= 150 && a[i].pos + 15 > 150));
	free(a);
	free(b);
}

static void test_build_lookup_and_sequence(unit_t *t)
{
	char fa[512], idx[512], *text, s1[2001], s2[1001];
	unsigned st = 11;
	al_refseq_t r;
	al_index_t ix;
	gsa_err_t err;
	al_index_build_stats_t bs;
	uint8_t buf[128], q[64];
	int i, found = 0;
	rand_seq(s1, 2000, &st);
	rand_seq(s2, 1000, &st);
	for (i = 500; i < 560; i++) s1[i] = 'N';
	for (i = 100; i < 110; i++) s2[i] = (char)(s2[i] + 32); /* lower case */
	text = malloc(4000);
	snprintf(text, 4000, ">one first contig\n%s\n>two\n%s\n", s1, s2);
	snprintf(fa, sizeof fa, "%s/r.fa", t->tmpdir);
	snprintf(idx, sizeof idx, "%s/r.fa.gsai", t->tmpdir);
	write_file(fa, text);
	UNIT_CHECK_INT(t, al_refseq_load(&r, fa, &err), 0);
	UNIT_CHECK_INT(t, r.n_contigs, 2);
	UNIT_CHECK_STR(t, r.names[0], "one");
	UNIT_CHECK_INT(t, (long long)r.total, 3000);
	UNIT_CHECK_INT(t, al_index_build(&r, 15, 5, 0, idx, &bs, &err), 0);
	UNIT_CHECK(t, bs.n_minimizers > 0);
	al_refseq_free(&r);
	UNIT_CHECK_INT(t, al_index_load(&ix, idx, fa, 0, &err), 0);
	UNIT_CHECK_INT(t, (long long)ix.h->n_contigs, 2);
	UNIT_CHECK_STR(t, al_index_contig_name(&ix, 1), "two");
	UNIT_CHECK_INT(t, al_index_contig_of(&ix, 1999), 0);
	UNIT_CHECK_INT(t, al_index_contig_of(&ix, 2000), 1);
	/* bases back, N run and lower case included */
	al_index_get_seq(&ix, 490, 570, buf);
	UNIT_CHECK_INT(t, buf[0], al_nt_code(s1[490]));
	UNIT_CHECK_INT(t, buf[10], 4);
	UNIT_CHECK_INT(t, buf[69], 4);
	UNIT_CHECK_INT(t, buf[70], al_nt_code(s1[560]));
	al_index_get_seq(&ix, 2100, 2110, buf);
	for (i = 0; i < 10; i++) UNIT_CHECK_INT(t, buf[i], al_nt_code(s2[100 + i]));
	/* a 40-mer from contig two at 300 is found through one of its minimizers */
	{
		al_minimizer_t *m = NULL;
		size_t n = 0, c = 0, j;
		for (i = 0; i < 40; i++) q[i] = al_nt_code(s2[300 + i]);
		al_sketch_minimizers(q, 40, 15, 5, &m, &n, &c);
		for (j = 0; j < n; j++) {
			uint64_t p;
			uint32_t k, cnt = al_index_lookup(&ix, m[j].hash, &p);
			for (k = 0; k < cnt; k++)
				if ((al_index_pos(&ix, p + k) >> 1) == 2000 + 300 + m[j].pos) found = 1;
		}
		free(m);
	}
	UNIT_CHECK(t, found);
	UNIT_CHECK_INT(t, al_index_lookup(&ix, 12345, &(uint64_t){ 0 }), 0);
	al_index_close(&ix);
	/* edit the FASTA (same size, newer): stale */
	sleep(1);
	text[20] = text[20] == 'A' ? 'C' : 'A';
	write_file(fa, text);
	UNIT_CHECK(t, al_index_load(&ix, idx, fa, 0, &err) < 0);
	UNIT_CHECK_INT(t, err.code, GSA_EDATA);
	UNIT_CHECK(t, strstr(err.msg, "stale") != NULL);
	/* the index alone still loads */
	UNIT_CHECK_INT(t, al_index_load(&ix, idx, NULL, 0, &err), 0);
	al_index_close(&ix);
	free(text);
}


static void test_hash_key_bijections(unit_t *t)
{
	uint64_t x, seen_n = 0;
	uint8_t *seen = calloc(1024, 1);
	for (x = 0; x < 100000; x++) UNIT_CHECK(t, al_sketch_unhash(al_sketch_hash(x * 0x9e3779b97f4a7c15ULL)) == x * 0x9e3779b97f4a7c15ULL);
	/* k = 5: the key is a permutation of the 1024 10-bit k-mers */
	for (x = 0; x < 1024; x++) {
		uint64_t k = al_sketch_key(x, 5);
		UNIT_CHECK(t, k < 1024);
		if (k < 1024 && !seen[k]) { seen[k] = 1; seen_n++; }
	}
	UNIT_CHECK_INT(t, (long long)seen_n, 1024);
	free(seen);
}

/* Sketching in overlapping pieces gives the minimizers of the whole. */
static void test_sketch_pieces(unit_t *t)
{
	enum { N = 20000, K = 19, W = 10, P = 700 };
	char *s = malloc(N + 1);
	uint8_t *q = malloc(N);
	unsigned st = 5;
	al_minimizer_t *a = NULL, *b = NULL;
	size_t na = 0, ca = 0, nb = 0, cb = 0, i, ov = W + K - 2, done = 0;
	int64_t last = -1;
	rand_seq(s, N, &st);
	for (i = 0; i < N; i++) q[i] = al_nt_code(s[i]);
	for (i = 5000; i < 5003; i++) q[i] = 4;
	for (i = N - 25; i < N - 24; i++) q[i] = 4; /* a last stretch shorter than a window */
	al_sketch_minimizers(q, N, K, W, &a, &na, &ca);
	while (done < N) {
		size_t from = done > ov ? done - ov : 0, to = done + P < N ? done + P : N, j;
		al_minimizer_t *m = NULL;
		size_t nm = 0, cm = 0;
		al_sketch_minimizers_part(q + from, to - from, K, W, to == N, &m, &nm, &cm);
		for (j = 0; j < nm; j++) {
			if ((int64_t)(from + m[j].pos) <= last) continue;
			last = (int64_t)(from + m[j].pos);
			b = gsa_xgrow(b, &cb, nb + 1, sizeof *b);
			b[nb] = m[j];
			b[nb++].pos = (uint32_t)(from + m[j].pos);
		}
		free(m);
		done = to;
	}
	UNIT_CHECK_INT(t, (long long)nb, (long long)na);
	for (i = 0; i < na && i < nb; i++) UNIT_CHECK(t, a[i].pos == b[i].pos && a[i].hash == b[i].hash && a[i].strand == b[i].strand);
	free(a);
	free(b);
	free(s);
	free(q);
}

/* Every minimizer of a repetitive multi-contig reference is found with its
 * exact count and positions (counts past 15 included), and a build in many
 * partitions writes the same bytes as a build in one. */
static void test_table_exact_and_partitioned(unit_t *t)
{
	enum { NC = 40, L = 5000 };
	char fa[512], idx1[512], idx2[512], *text = malloc(NC * (L + 32) + 1), *p = text;
	unsigned st = 17;
	char unit[61], seq[L + 1];
	al_refseq_t r;
	al_index_t ix;
	gsa_err_t err;
	al_index_build_stats_t b1, b2;
	int c, i, bad = 0;
	uint8_t *q = malloc(L);
	rand_seq(unit, 60, &st);
	for (c = 0; c < NC; c++) {
		rand_seq(seq, L, &st);
		/* every contig holds the same 60-bp unit 10 times: 400 copies */
		for (i = 0; i < 10; i++) memcpy(seq + 200 + i * 400, unit, 60);
		p += sprintf(p, ">c%d\n%s\n", c, seq);
	}
	snprintf(fa, sizeof fa, "%s/rep.fa", t->tmpdir);
	snprintf(idx1, sizeof idx1, "%s/one.gsai", t->tmpdir);
	snprintf(idx2, sizeof idx2, "%s/many.gsai", t->tmpdir);
	write_file(fa, text);
	UNIT_CHECK_INT(t, al_refseq_load(&r, fa, &err), 0);
	UNIT_CHECK_INT(t, al_index_build(&r, 19, 10, 0, idx1, &b1, &err), 0);
	UNIT_CHECK_INT(t, al_index_build(&r, 19, 10, 5000, idx2, &b2, &err), 0);
	UNIT_CHECK_INT(t, b1.passes, 1);
	UNIT_CHECK(t, b2.passes > 3);
	{
		char *d1 = NULL, *d2 = NULL;
		size_t l1 = 0, l2 = 0;
		UNIT_CHECK_INT(t, gsa_read_file(idx1, &d1, &l1, &err), 0);
		UNIT_CHECK_INT(t, gsa_read_file(idx2, &d2, &l2, &err), 0);
		UNIT_CHECK(t, l1 == l2 && l1 > 0 && memcmp(d1, d2, l1) == 0);
		free(d1);
		free(d2);
	}
	UNIT_CHECK_INT(t, al_index_load(&ix, idx1, fa, AL_INDEX_VERIFY, &err), 0);
	for (c = 0; c < NC; c++) {
		al_minimizer_t *m = NULL;
		size_t n = 0, cap = 0, j;
		al_refseq_unpack(r.pac, r.total, r.nruns, r.n_nruns, r.offset[c], r.offset[c] + r.len[c], q);
		al_sketch_minimizers(q, L, 19, 10, &m, &n, &cap);
		for (j = 0; j < n; j++) {
			uint64_t first, g = ((r.offset[c] + m[j].pos) << 1) | m[j].strand;
			uint32_t cnt = al_index_lookup(&ix, m[j].hash, &first), k, hit = 0;
			for (k = 0; k < cnt; k++) {
				uint64_t v = al_index_pos(&ix, first + k);
				if (v == g) hit = 1;
				if (k > 0 && v <= al_index_pos(&ix, first + k - 1)) bad++;
			}
			if (!hit) bad++;
		}
		free(m);
	}
	UNIT_CHECK_INT(t, bad, 0);
	/* the repeat unit's minimizers have 400 hits */
	{
		al_minimizer_t *m = NULL;
		size_t n = 0, cap = 0;
		uint64_t first;
		for (i = 0; i < 60; i++) q[i] = al_nt_code(unit[i]);
		al_sketch_minimizers(q + 5, 40, 19, 10, &m, &n, &cap);
		UNIT_CHECK(t, n > 0);
		if (n > 0) UNIT_CHECK_INT(t, al_index_lookup(&ix, m[0].hash, &first), NC * 10);
		free(m);
	}
	al_index_close(&ix);
	al_refseq_free(&r);
	free(q);
	free(text);
}

/* Rewrite the header of index `src` into `dst` after `edit`, with a fresh
 * header CRC (so the field checks, not the CRC, must catch it). */
static void write_edited(const char *src, const char *dst, void (*edit)(al_index_header_t *, int), int arg, int fix_crc)
{
	char *d = NULL;
	size_t l = 0;
	gsa_err_t err;
	al_index_header_t h;
	FILE *f;
	if (gsa_read_file(src, &d, &l, &err) < 0) return;
	memcpy(&h, d, sizeof h);
	edit(&h, arg);
	if (fix_crc) {
		h.header_crc = 0;
		h.header_crc = gsa_crc32c_update(0, &h, sizeof h);
	}
	memcpy(d, &h, sizeof h);
	f = fopen(dst, "wb");
	fwrite(d, 1, l, f);
	fclose(f);
	free(d);
}

static void e_k(al_index_header_t *h, int a) { h->k = a == 0 ? 20 : a == 1 ? 0 : 33; }
static void e_w(al_index_header_t *h, int a) { h->w = a ? 65 : 0; }
static void e_bucket(al_index_header_t *h, int a) { h->bucket_bits = a == 0 ? 0 : a == 1 ? 63 : h->bucket_bits + 1; }
static void e_keybits(al_index_header_t *h, int a) { h->key_bits += a ? 1 : -1; }
static void e_posbits(al_index_header_t *h, int a) { h->pos_bits = a ? 60 : h->pos_bits + 1; }
static void e_contigs(al_index_header_t *h, int a) { h->n_contigs = a == 0 ? 0 : a == 1 ? ~0ULL / 2 : h->n_contigs + 1; }
static void e_nruns(al_index_header_t *h, int a) { h->n_nruns = a ? ~0ULL / 4 : h->n_nruns + 1; }
static void e_total(al_index_header_t *h, int a) { h->total = a ? 0 : h->total + 4; }
static void e_keys(al_index_header_t *h, int a) { h->n_keys += a ? 1000 : 1; }
static void e_slots(al_index_header_t *h, int a) { h->n_slots = a ? (1ULL << 40) : h->n_slots + 1; }
static void e_pos(al_index_header_t *h, int a) { h->n_pos = a ? h->n_slots + 1 : 0; }
static void e_size(al_index_header_t *h, int a) { h->file_size += a ? 8 : 1; }
static void e_version(al_index_header_t *h, int a) { h->version = a ? 1 : 99; }
static void e_secoff(al_index_header_t *h, int a) { h->sec[a / 3].off += (a % 3) == 0 ? 8 : (a % 3) == 1 ? 1 : (1ULL << 50); }
static void e_seclen(al_index_header_t *h, int a) { h->sec[a / 2].len += (a % 2) ? 1 : (1ULL << 50); }
static void e_none(al_index_header_t *h, int a) { (void)h; (void)a; }

static void test_damaged_index(unit_t *t)
{
	char fa[512], idx[512], bad[512];
	al_refseq_t r;
	al_index_t ix;
	gsa_err_t err;
	char *text = malloc(30000), s1[12001];
	unsigned st = 23;
	int a, i;
	struct { void (*edit)(al_index_header_t *, int); int n; const char *what; } cases[] = {
		{ e_k, 3, "k = " }, { e_w, 2, "w = " }, { e_bucket, 3, "bucket bits" }, { e_keybits, 2, "key width" },
		{ e_posbits, 2, "position width" }, { e_contigs, 3, "contig" }, { e_nruns, 2, "N run" },
		{ e_total, 2, "" }, { e_keys, 2, "" }, { e_slots, 2, "" }, { e_pos, 2, "table counts" },
		{ e_secoff, 3 * AL_SEC_N, "section" }, { e_seclen, 2 * AL_SEC_N, "section" },
	};
	rand_seq(s1, 12000, &st);
	for (i = 3000; i < 3100; i++) s1[i] = 'N';
	snprintf(text, 30000, ">a\n%s\n>b\n%s\n", s1, s1 + 6000);
	snprintf(fa, sizeof fa, "%s/d.fa", t->tmpdir);
	snprintf(idx, sizeof idx, "%s/d.fa.gsai", t->tmpdir);
	snprintf(bad, sizeof bad, "%s/bad.gsai", t->tmpdir);
	write_file(fa, text);
	UNIT_CHECK_INT(t, al_refseq_load(&r, fa, &err), 0);
	UNIT_CHECK_INT(t, al_index_build(&r, 19, 10, 0, idx, NULL, &err), 0);
	al_refseq_free(&r);
	/* control: an unedited copy loads */
	write_edited(idx, bad, e_none, 0, 1);
	UNIT_CHECK_INT(t, al_index_load(&ix, bad, NULL, AL_INDEX_VERIFY, &err), 0);
	al_index_close(&ix);
	/* every damaged header field, with a valid header CRC */
	for (i = 0; i < (int)(sizeof cases / sizeof cases[0]); i++)
		for (a = 0; a < cases[i].n; a++) {
			write_edited(idx, bad, cases[i].edit, a, 1);
			int rc = al_index_load(&ix, bad, NULL, AL_INDEX_VERIFY, &err);
			UNIT_CHECK(t, rc < 0);
			if (rc == 0) { printf("# case %d/%d loaded\n", i, a); al_index_close(&ix); continue; }
			UNIT_CHECK_INT(t, err.code, GSA_EDATA);
			UNIT_CHECK(t, strstr(err.msg, "corrupt") != NULL && strstr(err.msg, cases[i].what) != NULL);
			if (!strstr(err.msg, cases[i].what)) printf("# case %d/%d: %s\n", i, a, err.msg);
			UNIT_CHECK(t, strchr(err.msg, '\n') == NULL);
		}
	/* a damaged field without fixing the CRC: the header checksum */
	write_edited(idx, bad, e_w, 0, 0);
	UNIT_CHECK(t, al_index_load(&ix, bad, NULL, 0, &err) < 0 && strstr(err.msg, "header checksum") != NULL);
	/* file size: truncated */
	write_edited(idx, bad, e_size, 0, 1);
	UNIT_CHECK(t, al_index_load(&ix, bad, NULL, 0, &err) < 0 && strstr(err.msg, "truncated") != NULL);
	/* another version */
	for (a = 0; a < 2; a++) {
		write_edited(idx, bad, e_version, a, 0);
		UNIT_CHECK(t, al_index_load(&ix, bad, NULL, 0, &err) < 0 && strstr(err.msg, "rebuild with `align index`") != NULL);
	}
	/* truncated at every section boundary and inside the header */
	{
		char *d = NULL;
		size_t l = 0, cuts[] = { 0, 5, 11, 100, sizeof(al_index_header_t), 2000, 0 };
		gsa_read_file(idx, &d, &l, &err);
		cuts[6] = l - 1;
		for (i = 0; i < 7; i++) {
			FILE *f = fopen(bad, "wb");
			fwrite(d, 1, cuts[i], f);
			fclose(f);
			UNIT_CHECK(t, al_index_load(&ix, bad, NULL, 0, &err) < 0);
			UNIT_CHECK_INT(t, err.code, GSA_EDATA);
		}
		/* a flipped byte in every section: found by the CRC */
		{
			al_index_header_t h;
			memcpy(&h, d, sizeof h);
			for (i = 0; i < AL_SEC_N; i++) {
				FILE *f;
				if (h.sec[i].len == 0) continue;
				d[h.sec[i].off + h.sec[i].len / 2] ^= 0x10;
				f = fopen(bad, "wb");
				fwrite(d, 1, l, f);
				fclose(f);
				d[h.sec[i].off + h.sec[i].len / 2] ^= 0x10;
				UNIT_CHECK(t, al_index_load(&ix, bad, NULL, AL_INDEX_VERIFY, &err) < 0);
				UNIT_CHECK(t, strstr(err.msg, "checksum mismatch") != NULL);
			}
		}
		free(d);
	}
	free(text);
}

/* The stamp: a full check once, then only when the file changes. */
static void test_verify_stamp(unit_t *t)
{
	char fa[512], idx[512], stamp[600], s1[3001];
	al_refseq_t r;
	al_index_t ix;
	gsa_err_t err;
	unsigned st = 29;
	rand_seq(s1, 3000, &st);
	snprintf(fa, sizeof fa, "%s/v.fa", t->tmpdir);
	snprintf(idx, sizeof idx, "%s/v.fa.gsai", t->tmpdir);
	snprintf(stamp, sizeof stamp, "%s%s", idx, ALIGN_INDEX_STAMP_SUFFIX);
	{
		char *text = malloc(3100);
		snprintf(text, 3100, ">v\n%s\n", s1);
		write_file(fa, text);
		free(text);
	}
	UNIT_CHECK_INT(t, al_refseq_load(&r, fa, &err), 0);
	UNIT_CHECK_INT(t, al_index_build(&r, 19, 10, 0, idx, NULL, &err), 0);
	al_refseq_free(&r);
	/* the build stamps it: no full check */
	UNIT_CHECK_INT(t, al_index_load(&ix, idx, NULL, 0, &err), 0);
	UNIT_CHECK_INT(t, ix.verified, 0);
	al_index_close(&ix);
	UNIT_CHECK_INT(t, al_index_load(&ix, idx, NULL, AL_INDEX_VERIFY, &err), 0);
	UNIT_CHECK_INT(t, ix.verified, 1);
	al_index_close(&ix);
	/* no stamp: checked in full, stamped again */
	unlink(stamp);
	UNIT_CHECK_INT(t, al_index_load(&ix, idx, NULL, 0, &err), 0);
	UNIT_CHECK_INT(t, ix.verified, 1);
	al_index_close(&ix);
	UNIT_CHECK(t, access(stamp, F_OK) == 0);
	/* a flipped byte in the table changes the mtime: caught without --verify */
	{
		char *d = NULL;
		size_t l = 0;
		al_index_header_t h;
		FILE *f;
		gsa_read_file(idx, &d, &l, &err);
		memcpy(&h, d, sizeof h);
		d[h.sec[AL_SEC_POS].off + 1] ^= 1;
		sleep(1);
		f = fopen(idx, "r+b");
		fwrite(d, 1, l, f);
		fclose(f);
		free(d);
		UNIT_CHECK(t, al_index_load(&ix, idx, NULL, 0, &err) < 0);
		UNIT_CHECK(t, strstr(err.msg, "positions section checksum") != NULL);
	}
}

/* 20,000 contigs: names, lookups and a duplicate name among them. */
static void test_many_contigs(unit_t *t)
{
	enum { NC = 20000, L = 150 };
	char fa[512], idx[512], *text = malloc((size_t)NC * (L + 16) + 64), *p = text, seq[L + 1];
	unsigned st = 31;
	al_refseq_t r;
	al_index_t ix;
	gsa_err_t err;
	int c;
	for (c = 0; c < NC; c++) {
		rand_seq(seq, L, &st);
		p += sprintf(p, ">ctg%d\n%s\n", c, seq);
	}
	snprintf(fa, sizeof fa, "%s/many.fa", t->tmpdir);
	snprintf(idx, sizeof idx, "%s/many.fa.gsai", t->tmpdir);
	write_file(fa, text);
	UNIT_CHECK_INT(t, al_refseq_load(&r, fa, &err), 0);
	UNIT_CHECK_INT(t, r.n_contigs, NC);
	UNIT_CHECK_INT(t, al_index_build(&r, 19, 10, 0, idx, NULL, &err), 0);
	al_refseq_free(&r);
	UNIT_CHECK_INT(t, al_index_load(&ix, idx, fa, 0, &err), 0);
	UNIT_CHECK_INT(t, (long long)ix.h->n_contigs, NC);
	UNIT_CHECK_STR(t, al_index_contig_name(&ix, 12345), "ctg12345");
	UNIT_CHECK_INT(t, al_index_contig_of(&ix, 12345ULL * L + 7), 12345);
	al_index_close(&ix);
	/* the same name again, far from the first */
	sprintf(p, ">ctg3\nACGT\n");
	write_file(fa, text);
	UNIT_CHECK(t, al_refseq_load(&r, fa, &err) < 0);
	UNIT_CHECK(t, strstr(err.msg, "duplicate contig name 'ctg3'") != NULL);
	free(text);
}

static void test_bad_fasta(unit_t *t)
{
	char fa[512];
	al_refseq_t r;
	gsa_err_t err;
	snprintf(fa, sizeof fa, "%s/bad.fa", t->tmpdir);
	write_file(fa, ">a\n>b\nACGT\n");
	UNIT_CHECK(t, al_refseq_load(&r, fa, &err) < 0);
	UNIT_CHECK_INT(t, err.code, GSA_EDATA);
	UNIT_CHECK(t, strstr(err.msg, "no bases") != NULL);
	snprintf(fa, sizeof fa, "%s/missing.fa", t->tmpdir);
	UNIT_CHECK(t, al_refseq_load(&r, fa, &err) < 0);
	UNIT_CHECK_INT(t, err.code, GSA_EIO);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "align/index");
	UNIT_RUN(&t, test_minimizers_strand_symmetric);
	UNIT_RUN(&t, test_build_lookup_and_sequence);
	UNIT_RUN(&t, test_bad_fasta);
	UNIT_RUN(&t, test_hash_key_bijections);
	UNIT_RUN(&t, test_sketch_pieces);
	UNIT_RUN(&t, test_table_exact_and_partitioned);
	UNIT_RUN(&t, test_damaged_index);
	UNIT_RUN(&t, test_verify_stamp);
	UNIT_RUN(&t, test_many_contigs);
	return unit_finish(&t);
}
