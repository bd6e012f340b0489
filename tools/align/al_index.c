#include "al_index.h"
#include "alloc.h"
#include "io.h"
#include "strbuf.h"
#include "al_sketch.h"
#include "aws/crc32c.h"

#include <errno.h>
#include <htslib/faidx.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char MAGIC[8] = { 'G', 'S', 'A', 'A', 'L', 'I', 'X', '1' };
static const char *const SEC_NAME[AL_SEC_N] = { "contigs", "names", "N runs", "reference", "positions", "keys", "directory" };

enum {
	PART_BITS = 12,         /* key-space partitions are unions of 2^12 key prefixes */
	PIECE = 1 << 20,        /* bases decoded and sketched at a time */
	COUNT_BITS = 4,         /* per-key count field; 0 = count in the first slot */
};

static uint64_t pad8(uint64_t x) { return (x + 7) & ~7ULL; }

static double elapsed(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0->tv_nsec);
}

/* Bits needed to hold every value below n (at least 1). */
static int bits_below(uint64_t n)
{
	int b = 1;
	while (b < 63 && (n - 1) >> b) b++;
	return b;
}

/* ---- building ---------------------------------------------------------- */

typedef struct idx_entry {
	uint64_t key; /* al_sketch_key of the canonical k-mer */
	uint64_t pos; /* global << 1 | strand */
} idx_entry_t;

/* Growable little-endian bit array written width bits at a time. */
typedef struct idx_bitbuf {
	uint8_t *b;
	size_t n, cap;
	uint64_t acc;
	int nacc; /* bits in acc, < 8 between calls */
} idx_bitbuf_t;

static void bitbuf_put(idx_bitbuf_t *bb, uint64_t v, int width)
{
	bb->acc |= v << bb->nacc;
	bb->nacc += width;
	if (bb->n + 8 > bb->cap) bb->b = gsa_xgrow(bb->b, &bb->cap, bb->n + 8, 1);
	while (bb->nacc >= 8) {
		bb->b[bb->n++] = (uint8_t)bb->acc;
		bb->acc >>= 8;
		bb->nacc -= 8;
	}
}

/* Flush the partial byte and append the 8 zero bytes readers may overrun into. */
static void bitbuf_finish(idx_bitbuf_t *bb)
{
	int i;
	if (bb->nacc > 0) bitbuf_put(bb, 0, 8 - bb->nacc);
	for (i = 0; i < 8; i++) bitbuf_put(bb, 0, 8);
}

/* The build's state: the plan (widths, partitions), the table parts kept in
 * memory (directory, keys) and the output file. */
typedef struct idx_build {
	const al_refseq_t *r;
	int k, w;
	al_index_header_t h;
	uint64_t hist[1 << PART_BITS]; /* minimizers per key prefix */
	int part_shift;                /* key >> part_shift = prefix */
	uint32_t *dir;
	uint64_t next_bucket;
	idx_bitbuf_t keys, pos;
	uint32_t pos_crc;
	uint64_t pos_bytes;
	idx_entry_t *ent, *tmp;
	size_t n_ent, cap_ent, cap_tmp;
	uint64_t lo, hi;               /* prefixes [lo, hi) of the partition being collected */
	gsa_atomic_file_t f;
	uint64_t at;                   /* bytes written to f */
} idx_build_t;

/* Call fn(b, key, global << 1 | strand) for every minimizer of the reference,
 * in genome order.  Pieces of PIECE bases overlapping by w + k - 2 give the
 * same minimizers as whole contigs (al_sketch_minimizers_part). */
static void idx_sketch_genome(idx_build_t *b, void (*fn)(idx_build_t *, uint64_t, uint64_t))
{
	const al_refseq_t *r = b->r;
	const uint64_t ov = (uint64_t)(b->w + b->k - 2);
	uint8_t *buf = gsa_xmalloc(PIECE + ov);
	al_minimizer_t *mins = NULL;
	size_t cap = 0, n, i;
	int c;
	for (c = 0; c < r->n_contigs; c++) {
		uint64_t cs = r->offset[c], len = r->len[c], done = 0;
		int64_t last = -1;
		while (done < len) {
			uint64_t from = done > ov ? done - ov : 0;
			uint64_t to = done + PIECE < len ? done + PIECE : len;
			al_refseq_unpack(r->pac, r->total, r->nruns, r->n_nruns, cs + from, cs + to, buf);
			n = 0;
			al_sketch_minimizers_part(buf, (size_t)(to - from), b->k, b->w, to == len, &mins, &n, &cap);
			for (i = 0; i < n; i++) {
				uint64_t p = from + mins[i].pos;
				if ((int64_t)p <= last) continue;
				last = (int64_t)p;
				fn(b, al_sketch_key(al_sketch_unhash(mins[i].hash), b->k), ((cs + p) << 1) | mins[i].strand);
			}
			done = to;
		}
	}
	free(mins);
	free(buf);
}

static void idx_count_one(idx_build_t *b, uint64_t key, uint64_t pos)
{
	(void)pos;
	b->hist[key >> b->part_shift]++;
}

/* Step 1: count minimizers per key prefix; choose the bucket and entry widths. */
static int idx_plan(idx_build_t *b, gsa_err_t *err)
{
	al_index_header_t *h = &b->h;
	uint64_t n = 0, i;
	int kb = 2 * b->k, pb = kb < PART_BITS ? kb : PART_BITS;
	b->part_shift = kb - pb;
	idx_sketch_genome(b, idx_count_one);
	for (i = 0; i < (1ULL << PART_BITS); i++) n += b->hist[i];
	if (n >= UINT32_MAX / 2)
		return gsa_err_set(err, GSA_EDATA, "reference has too many minimizers (%llu) for this index version",
				   (unsigned long long)n);
	h->n_pos = n;
	/* 5 to 10 minimizers (4 to 8 keys) per bucket: a short scan, a small directory */
	h->bucket_bits = 1;
	while (h->bucket_bits < 40 && (int)h->bucket_bits < kb && (n / 5) >> (h->bucket_bits + 1)) h->bucket_bits++;
	if (kb - (int)h->bucket_bits + COUNT_BITS > 57) h->bucket_bits = (uint32_t)(kb + COUNT_BITS - 57);
	h->key_bits = (uint32_t)(kb - (int)h->bucket_bits + COUNT_BITS);
	h->pos_bits = (uint32_t)bits_below(2 * b->r->total);
	if (h->pos_bits > 57) return gsa_err_set(err, GSA_EDATA, "reference too large");
	b->dir = gsa_xmalloc((((size_t)1 << h->bucket_bits) + 1) * 2 * sizeof *b->dir);
	return 0;
}

static void idx_collect_one(idx_build_t *b, uint64_t key, uint64_t pos)
{
	uint64_t p = key >> b->part_shift;
	if (p < b->lo || p >= b->hi) return;
	if (b->n_ent == b->cap_ent) b->ent = gsa_xgrow(b->ent, &b->cap_ent, b->n_ent + 1, sizeof *b->ent);
	b->ent[b->n_ent].key = key;
	b->ent[b->n_ent].pos = pos;
	b->n_ent++;
}

/* Step 2: the minimizers whose key prefix is in [lo, hi), in genome order. */
static void idx_collect_partition(idx_build_t *b, uint64_t lo, uint64_t hi)
{
	b->lo = lo;
	b->hi = hi;
	b->n_ent = 0;
	idx_sketch_genome(b, idx_collect_one);
}

/* Step 3: stable LSD radix sort of the partition on the key, 16 bits per
 * pass (positions stay in genome order within a key).  Returns the array
 * holding the result (b->ent or b->tmp). */
static idx_entry_t *idx_sort_partition(idx_build_t *b)
{
	idx_entry_t *a = b->ent, *t = b->tmp;
	size_t *cnt = gsa_xmalloc(65536 * sizeof *cnt), i, n = b->n_ent;
	int sh;
	if (b->cap_tmp < n) {
		b->tmp = t = gsa_xreallocarray(b->tmp, n, sizeof *t);
		b->cap_tmp = n;
	}
	for (sh = 0; sh < 2 * b->k; sh += 16) {
		size_t sum = 0;
		memset(cnt, 0, 65536 * sizeof *cnt);
		for (i = 0; i < n; i++) cnt[(a[i].key >> sh) & 0xffff]++;
		for (i = 0; i < 65536; i++) { size_t c = cnt[i]; cnt[i] = sum; sum += c; }
		for (i = 0; i < n; i++) t[cnt[(a[i].key >> sh) & 0xffff]++] = a[i];
		idx_entry_t *x = a; a = t; t = x;
	}
	free(cnt);
	return a;
}

/* Write n bytes at the end of the output, then zeros up to a multiple of 8. */
static int idx_write(idx_build_t *b, const void *p, uint64_t n, gsa_err_t *err)
{
	static const char zeros[8] = { 0 };
	if (n && gsa_atomic_write(&b->f, p, n, err) < 0) return -1;
	b->at += n;
	if (pad8(b->at) != b->at) {
		uint64_t z = pad8(b->at) - b->at;
		if (gsa_atomic_write(&b->f, zeros, z, err) < 0) return -1;
		b->at += z;
	}
	return 0;
}

/* A whole section from memory: offset, length and CRC into the header. */
static int idx_write_section(idx_build_t *b, int sec, const void *p, uint64_t n, gsa_err_t *err)
{
	b->h.sec[sec].off = b->at;
	b->h.sec[sec].len = n;
	b->h.sec[sec].crc = gsa_crc32c_update(0, p, n);
	return idx_write(b, p, n, err);
}

/* Position bytes produced so far go to the file (the position section is
 * written piece by piece, one partition at a time). */
static int idx_flush_pos(idx_build_t *b, gsa_err_t *err)
{
	if (b->pos.n && gsa_atomic_write(&b->f, b->pos.b, b->pos.n, err) < 0) return -1;
	b->pos_crc = gsa_crc32c_update(b->pos_crc, b->pos.b, b->pos.n);
	b->pos_bytes += b->pos.n;
	b->at += b->pos.n;
	b->pos.n = 0;
	return 0;
}

/* Step 4: keys, counts, directory entries and position slots of a sorted
 * partition. */
static int idx_emit_partition(idx_build_t *b, const idx_entry_t *e, gsa_err_t *err)
{
	al_index_header_t *h = &b->h;
	const int rem_bits = 2 * b->k - (int)h->bucket_bits;
	const uint64_t rem_mask = (1ULL << rem_bits) - 1;
	size_t i = 0, j, n = b->n_ent;
	while (i < n) {
		uint64_t key = e[i].key, bucket = key >> rem_bits, c;
		for (j = i + 1; j < n && e[j].key == key; j++) {}
		c = j - i;
		if (h->n_slots + c + 1 >= UINT32_MAX || h->n_keys + 1 >= UINT32_MAX)
			return gsa_err_set(err, GSA_EDATA, "reference has too many minimizers for this index version");
		while (b->next_bucket <= bucket) {
			b->dir[2 * b->next_bucket] = (uint32_t)h->n_keys;
			b->dir[2 * b->next_bucket + 1] = (uint32_t)h->n_slots;
			b->next_bucket++;
		}
		bitbuf_put(&b->keys, ((key & rem_mask) << COUNT_BITS) | (c < 16 ? c : 0), (int)h->key_bits);
		if (c >= 16) {
			bitbuf_put(&b->pos, c, (int)h->pos_bits);
			h->n_slots++;
		}
		for (; i < j; i++) bitbuf_put(&b->pos, e[i].pos, (int)h->pos_bits);
		h->n_slots += c;
		h->n_keys++;
	}
	return idx_flush_pos(b, err);
}

/* Step 0: header placeholder, contigs, names, N runs and packed reference. */
static int idx_write_reference(idx_build_t *b, gsa_err_t *err)
{
	const al_refseq_t *r = b->r;
	al_contig_t *ct = gsa_xcalloc((size_t)r->n_contigs, sizeof *ct);
	char *names;
	uint64_t names_len = 0;
	int c, rc;
	for (c = 0; c < r->n_contigs; c++) {
		ct[c].offset = r->offset[c];
		ct[c].len = r->len[c];
		ct[c].name_off = names_len;
		names_len += strlen(r->names[c]) + 1;
	}
	names = gsa_xmalloc(names_len);
	for (c = 0; c < r->n_contigs; c++) memcpy(names + ct[c].name_off, r->names[c], strlen(r->names[c]) + 1);
	rc = idx_write(b, &b->h, sizeof b->h, err) == 0
		&& idx_write_section(b, AL_SEC_CONTIGS, ct, (uint64_t)r->n_contigs * sizeof *ct, err) == 0
		&& idx_write_section(b, AL_SEC_NAMES, names, names_len, err) == 0
		&& idx_write_section(b, AL_SEC_NRUNS, r->nruns, r->n_nruns * 2 * sizeof(uint64_t), err) == 0
		&& idx_write_section(b, AL_SEC_PAC, r->pac, (r->total + 3) / 4, err) == 0 ? 0 : -1;
	free(ct);
	free(names);
	return rc;
}

/* Step 5: the partitions in key order: collect, sort, emit. */
static int idx_write_table(idx_build_t *b, uint64_t budget, int *passes, gsa_err_t *err)
{
	const uint64_t n_prefix = 1ULL << (2 * b->k - b->part_shift);
	uint64_t lo = 0, biggest = 0;
	b->h.sec[AL_SEC_POS].off = b->at;
	/* partitions: runs of prefixes holding at most `budget` entries */
	while (lo < n_prefix) {
		uint64_t hi = lo, m = 0;
		while (hi < n_prefix && (hi == lo || m + b->hist[hi] <= budget)) m += b->hist[hi++];
		if (m > biggest) {
			biggest = m;
			free(b->ent);
			free(b->tmp);
			b->cap_ent = b->cap_tmp = (size_t)m;
			b->ent = gsa_xmalloc((m ? m : 1) * sizeof *b->ent);
			b->tmp = gsa_xmalloc((m ? m : 1) * sizeof *b->tmp);
		}
		idx_collect_partition(b, lo, hi);
		if (idx_emit_partition(b, idx_sort_partition(b), err) < 0) return -1;
		(*passes)++;
		lo = hi;
	}
	free(b->ent);
	free(b->tmp);
	b->ent = b->tmp = NULL;
	b->cap_ent = b->cap_tmp = 0;
	while (b->next_bucket <= (1ULL << b->h.bucket_bits)) {
		b->dir[2 * b->next_bucket] = (uint32_t)b->h.n_keys;
		b->dir[2 * b->next_bucket + 1] = (uint32_t)b->h.n_slots;
		b->next_bucket++;
	}
	bitbuf_finish(&b->pos);
	if (idx_flush_pos(b, err) < 0) return -1;
	b->h.sec[AL_SEC_POS].len = b->pos_bytes;
	b->h.sec[AL_SEC_POS].crc = b->pos_crc;
	if (idx_write(b, NULL, 0, err) < 0) return -1;
	bitbuf_finish(&b->keys);
	if (idx_write_section(b, AL_SEC_KEYS, b->keys.b, b->keys.n, err) < 0) return -1;
	return idx_write_section(b, AL_SEC_DIR, b->dir, ((1ULL << b->h.bucket_bits) + 1) * 2 * sizeof *b->dir, err);
}

static uint32_t header_crc(const al_index_header_t *h)
{
	al_index_header_t c = *h;
	c.header_crc = 0;
	return gsa_crc32c_update(0, &c, sizeof c);
}

/* Write the stamp saying the index at idx_path was checked in full as it is
 * now (best effort: an unwritable folder only means the next load checks). */
static void idx_write_stamp(const char *idx_path, uint32_t hcrc)
{
	struct stat st;
	gsa_atomic_file_t f;
	gsa_err_t err;
	char *sp, line[160];
	int n;
	if (stat(idx_path, &st) < 0) return;
	sp = gsa_strdup_printf("%s%s", idx_path, ALIGN_INDEX_STAMP_SUFFIX);
	n = snprintf(line, sizeof line, "gsai-verified %llu %lld %ld %llu %u\n", (unsigned long long)st.st_size,
		     (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec, (unsigned long long)st.st_ino, hcrc);
	if (gsa_atomic_open(&f, sp, &err) == 0) {
		if (gsa_atomic_write(&f, line, (size_t)n, &err) == 0) gsa_atomic_commit(&f, &err);
		else gsa_atomic_abort(&f);
	}
	free(sp);
}

/* 1 when the stamp beside idx_path matches the file as it is now. */
static int idx_stamp_matches(const char *idx_path, const struct stat *st, uint32_t hcrc)
{
	char *sp = gsa_strdup_printf("%s%s", idx_path, ALIGN_INDEX_STAMP_SUFFIX), *data = NULL, want[160];
	size_t len = 0;
	gsa_err_t err;
	int ok = 0;
	snprintf(want, sizeof want, "gsai-verified %llu %lld %ld %llu %u\n", (unsigned long long)st->st_size,
		 (long long)st->st_mtim.tv_sec, (long)st->st_mtim.tv_nsec, (unsigned long long)st->st_ino, hcrc);
	if (gsa_read_file(sp, &data, &len, &err) == 0) ok = len == strlen(want) && memcmp(data, want, len) == 0;
	free(data);
	free(sp);
	return ok;
}

int al_index_build(const al_refseq_t *r, int k, int w, uint64_t part_entries, const char *out_path,
		al_index_build_stats_t *st, gsa_err_t *err)
{
	struct timespec t0;
	idx_build_t *b;
	int rc = -1, passes = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (r->total >= (1ULL << 55)) return gsa_err_set(err, GSA_EDATA, "reference too large");
	if (part_entries == 0) {
		/* 1.25 bytes per reference base for the partition and its sort buffer */
		part_entries = (uint64_t)(1.25 * (double)r->total / (2 * sizeof(idx_entry_t)));
		if (part_entries < (1u << 20)) part_entries = 1u << 20;
	}
	b = gsa_xcalloc(1, sizeof *b);
	b->r = r;
	b->k = k;
	b->w = w;
	memcpy(b->h.magic, MAGIC, 8);
	b->h.version = ALIGN_INDEX_VERSION;
	b->h.k = (uint32_t)k;
	b->h.w = (uint32_t)w;
	b->h.fasta_size = r->file_size;
	b->h.fasta_hash = r->file_hash;
	b->h.total = r->total;
	b->h.n_contigs = (uint64_t)r->n_contigs;
	b->h.n_nruns = r->n_nruns;
	if (idx_plan(b, err) == 0 && gsa_atomic_open(&b->f, out_path, err) == 0) {
		if (idx_write_reference(b, err) == 0 && idx_write_table(b, part_entries, &passes, err) == 0) {
			b->h.file_size = b->at;
			b->h.header_crc = header_crc(&b->h);
			unsigned char hb[sizeof b->h];
			memcpy(hb, &b->h, sizeof hb);
			if (pwrite(b->f.fd, hb, sizeof hb, 0) != (ssize_t)sizeof hb)
				gsa_err_errno(err, errno ? errno : EIO, "%s: write failed", out_path);
			else
				rc = gsa_atomic_commit(&b->f, err);
		}
		if (rc < 0) gsa_atomic_abort(&b->f);
	}
	if (rc == 0) idx_write_stamp(out_path, b->h.header_crc);
	if (st) {
		st->n_minimizers = b->h.n_pos;
		st->n_keys = b->h.n_keys;
		st->passes = passes;
		st->seconds = elapsed(&t0);
	}
	free(b->dir);
	free(b->keys.b);
	free(b->pos.b);
	free(b->ent);
	free(b->tmp);
	free(b);
	return rc;
}

/* ---- loading ----------------------------------------------------------- */

/* Every header field against the file size and the others. */
static int idx_check_header(const al_index_header_t *h, uint64_t size, const char *path, gsa_err_t *err)
{
	const uint64_t hdr_end = pad8(sizeof *h);
	uint64_t want[AL_SEC_N], prev_end = hdr_end, nb;
	int i, kb;
#define BAD(...) gsa_err_set(err, GSA_EDATA, "%s: corrupt index: " __VA_ARGS__)
	if (h->k < 3 || h->k > 31 || h->k % 2 == 0) return BAD("k = %u (expected an odd number in 3..31)", path, h->k);
	if (h->w < 1 || h->w > 64) return BAD("w = %u (expected 1..64)", path, h->w);
	kb = 2 * (int)h->k;
	if (h->total == 0 || h->total >= (1ULL << 55)) return BAD("reference length %llu", path, (unsigned long long)h->total);
	if (h->n_contigs == 0 || h->n_contigs > h->total || h->n_contigs >= INT32_MAX || h->n_contigs > size / sizeof(al_contig_t))
		return BAD("contig count %llu", path, (unsigned long long)h->n_contigs);
	if (h->n_nruns > h->total || h->n_nruns > size / 16) return BAD("N run count %llu", path, (unsigned long long)h->n_nruns);
	if (h->bucket_bits < 1 || (int)h->bucket_bits > kb || h->bucket_bits > 40)
		return BAD("bucket bits %u (k = %u)", path, h->bucket_bits, h->k);
	if ((int)h->key_bits != kb - (int)h->bucket_bits + COUNT_BITS || h->key_bits > 57)
		return BAD("key width %u (k = %u, bucket bits %u)", path, h->key_bits, h->k, h->bucket_bits);
	if ((int)h->pos_bits != bits_below(2 * h->total)) return BAD("position width %u", path, h->pos_bits);
	if (h->n_slots >= UINT32_MAX || h->n_pos > h->n_slots || h->n_keys > h->n_pos || h->n_slots - h->n_pos > h->n_keys)
		return BAD("table counts (keys %llu, minimizers %llu, slots %llu)", path, (unsigned long long)h->n_keys,
			   (unsigned long long)h->n_pos, (unsigned long long)h->n_slots);
	nb = 1ULL << h->bucket_bits;
	want[AL_SEC_CONTIGS] = h->n_contigs * sizeof(al_contig_t);
	want[AL_SEC_NAMES] = 0; /* any length >= n_contigs, checked below */
	want[AL_SEC_NRUNS] = h->n_nruns * 16;
	want[AL_SEC_PAC] = (h->total + 3) / 4;
	want[AL_SEC_POS] = (h->n_slots * h->pos_bits + 7) / 8 + 8;
	want[AL_SEC_KEYS] = (h->n_keys * h->key_bits + 7) / 8 + 8;
	want[AL_SEC_DIR] = (nb + 1) * 2 * sizeof(uint32_t);
	for (i = 0; i < AL_SEC_N; i++) {
		const al_index_section_t *s = &h->sec[i];
		if (s->off % 8 != 0 || s->off < prev_end || s->off > size || s->len > size - s->off)
			return BAD("%s section at %llu + %llu outside the file (%llu bytes) or overlapping", path, SEC_NAME[i],
				   (unsigned long long)s->off, (unsigned long long)s->len, (unsigned long long)size);
		if (i == AL_SEC_NAMES ? s->len < h->n_contigs : s->len != want[i])
			return BAD("%s section is %llu bytes, the header's counts say %llu", path, SEC_NAME[i],
				   (unsigned long long)s->len, (unsigned long long)want[i]);
		prev_end = s->off + s->len;
	}
	if (pad8(prev_end) != size) return BAD("%llu bytes after the last section", path, (unsigned long long)(size - prev_end));
	return 0;
#undef BAD
}

/* Contents of the small sections (after their CRCs): contigs tile the
 * reference, names are terminated, N runs sorted and inside it, and the
 * directory's ends match the counts. */
static int idx_check_small(const al_index_t *ix, const char *path, gsa_err_t *err)
{
	const al_index_header_t *h = ix->h;
	uint64_t i, at = 0, names_len = h->sec[AL_SEC_NAMES].len, nb = 1ULL << h->bucket_bits;
	if (ix->names[names_len - 1] != 0) return gsa_err_set(err, GSA_EDATA, "%s: corrupt index: names not terminated", path);
	for (i = 0; i < h->n_contigs; i++) {
		const al_contig_t *c = &ix->contigs[i];
		if (c->offset != at || c->len == 0 || c->len > h->total - at || c->name_off >= names_len)
			return gsa_err_set(err, GSA_EDATA, "%s: corrupt index: contig %llu", path, (unsigned long long)i + 1);
		at += c->len;
	}
	if (at != h->total) return gsa_err_set(err, GSA_EDATA, "%s: corrupt index: contigs do not add up to the reference length", path);
	for (i = 0, at = 0; i < h->n_nruns; i++) {
		if (ix->nruns[2 * i] < at || ix->nruns[2 * i + 1] <= ix->nruns[2 * i] || ix->nruns[2 * i + 1] > h->total)
			return gsa_err_set(err, GSA_EDATA, "%s: corrupt index: N run %llu", path, (unsigned long long)i + 1);
		at = ix->nruns[2 * i + 1];
	}
	if (ix->dir[0] != 0 || ix->dir[1] != 0 || ix->dir[2 * nb] != h->n_keys || ix->dir[2 * nb + 1] != h->n_slots)
		return gsa_err_set(err, GSA_EDATA, "%s: corrupt index: directory does not match the table counts", path);
	return 0;
}

static int idx_check_crc(const al_index_t *ix, int sec, const char *path, gsa_err_t *err)
{
	const al_index_section_t *s = &ix->h->sec[sec];
	uint32_t c = gsa_crc32c_update(0, (const char *)ix->map + s->off, s->len);
	if (c != s->crc)
		return gsa_err_set(err, GSA_EDATA, "%s: corrupt index: %s section checksum mismatch (rebuild with `align index`)",
				   path, SEC_NAME[sec]);
	return 0;
}

static int idx_fail(al_index_t *ix)
{
	al_index_close(ix);
	return -1;
}

int al_index_load(al_index_t *ix, const char *idx_path, const char *fasta_path, int flags, gsa_err_t *err)
{
	struct stat sti, stf;
	struct timespec t0;
	al_index_header_t *h;
	const char *m;
	uint32_t version;
	int fd, mflags = MAP_PRIVATE, i;
	memset(ix, 0, sizeof *ix);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fd = open(idx_path, O_RDONLY);
	if (fd < 0) {
		if (errno == ENOENT)
			return gsa_err_set(err, GSA_EDATA, "%s: index not found (run 'align index' on the reference first)", idx_path);
		return gsa_err_errno(err, errno, "%s", idx_path);
	}
	if (fstat(fd, &sti) < 0) {
		int e = errno;
		close(fd);
		return gsa_err_errno(err, e, "%s", idx_path);
	}
	if (!S_ISREG(sti.st_mode)) {
		close(fd);
		return gsa_err_set(err, GSA_EIO, "%s: not a regular file", idx_path);
	}
	if (sti.st_size < 12) {
		close(fd);
		return gsa_err_set(err, GSA_EDATA, "%s: not an align index (too short)", idx_path);
	}
#ifdef MAP_POPULATE
	mflags |= MAP_POPULATE;
#endif
	m = mmap(NULL, (size_t)sti.st_size, PROT_READ, mflags, fd, 0);
	close(fd);
	if (m == MAP_FAILED) return gsa_err_errno(err, errno, "%s: cannot map", idx_path);
	ix->map = (void *)m;
	ix->map_len = (size_t)sti.st_size;
	h = &ix->hdr;
	ix->h = h;
	if (memcmp(m, MAGIC, 8) != 0) {
		idx_fail(ix);
		return gsa_err_set(err, GSA_EDATA, "%s: not an align index (bad magic)", idx_path);
	}
	memcpy(&version, m + 8, 4);
	if (version != ALIGN_INDEX_VERSION) {
		idx_fail(ix);
		return gsa_err_set(err, GSA_EDATA, "%s: index version %u, this build reads version %d: rebuild with `align index`",
				   idx_path, version, ALIGN_INDEX_VERSION);
	}
	if ((uint64_t)sti.st_size < pad8(sizeof *h)) {
		idx_fail(ix);
		return gsa_err_set(err, GSA_EDATA, "%s: truncated index (%lld bytes, shorter than its header)", idx_path, (long long)sti.st_size);
	}
	memcpy(h, m, sizeof *h);
	if (h->file_size != (uint64_t)sti.st_size) {
		idx_fail(ix);
		return gsa_err_set(err, GSA_EDATA, "%s: truncated or corrupt index (%lld bytes, header says %llu; rebuild with `align index`)",
				   idx_path, (long long)sti.st_size, (unsigned long long)h->file_size);
	}
	if (header_crc(h) != h->header_crc) {
		idx_fail(ix);
		return gsa_err_set(err, GSA_EDATA, "%s: corrupt index: header checksum mismatch (rebuild with `align index`)", idx_path);
	}
	if (idx_check_header(h, (uint64_t)sti.st_size, idx_path, err) < 0) return idx_fail(ix);
	ix->contigs = (const al_contig_t *)(m + h->sec[AL_SEC_CONTIGS].off);
	ix->names = m + h->sec[AL_SEC_NAMES].off;
	ix->nruns = (const uint64_t *)(m + h->sec[AL_SEC_NRUNS].off);
	ix->pac = (const uint8_t *)m + h->sec[AL_SEC_PAC].off;
	ix->pos = (const uint8_t *)m + h->sec[AL_SEC_POS].off;
	ix->keys = (const uint8_t *)m + h->sec[AL_SEC_KEYS].off;
	ix->dir = (const uint32_t *)(m + h->sec[AL_SEC_DIR].off);
	ix->k = (int)h->k;
	ix->w = (int)h->w;
	ix->key_bits = (int)h->key_bits;
	ix->pos_bits = (int)h->pos_bits;
	ix->rem_bits = 2 * ix->k - (int)h->bucket_bits;
	ix->key_mask = (1ULL << ix->key_bits) - 1;
	ix->pos_mask = (1ULL << ix->pos_bits) - 1;
	ix->rem_mask = (1ULL << ix->rem_bits) - 1;
	for (i = AL_SEC_CONTIGS; i <= AL_SEC_NRUNS; i++)
		if (idx_check_crc(ix, i, idx_path, err) < 0) return idx_fail(ix);
	if (idx_check_small(ix, idx_path, err) < 0) return idx_fail(ix);
	ix->load_seconds = elapsed(&t0);
	if ((flags & AL_INDEX_VERIFY) || (!(flags & AL_INDEX_NO_STAMP) && !idx_stamp_matches(idx_path, &sti, h->header_crc))) {
		struct timespec t1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		for (i = AL_SEC_PAC; i < AL_SEC_N; i++)
			if (idx_check_crc(ix, i, idx_path, err) < 0) return idx_fail(ix);
		ix->verified = 1;
		ix->verify_seconds = elapsed(&t1);
		if (!(flags & AL_INDEX_NO_STAMP)) idx_write_stamp(idx_path, h->header_crc);
	}
	if (fasta_path && stat(fasta_path, &stf) == 0) {
		int stale = (uint64_t)stf.st_size != h->fasta_size;
		if (!stale && (stf.st_mtim.tv_sec > sti.st_mtim.tv_sec ||
			       (stf.st_mtim.tv_sec == sti.st_mtim.tv_sec && stf.st_mtim.tv_nsec > sti.st_mtim.tv_nsec))) {
			uint64_t hh, sz;
			if (al_refseq_hash_file(fasta_path, &hh, &sz, err) < 0) return idx_fail(ix);
			stale = hh != h->fasta_hash || sz != h->fasta_size;
		}
		if (stale) {
			idx_fail(ix);
			return gsa_err_set(err, GSA_EDATA, "%s: stale index: %s changed since it was built (rerun 'align index')",
					   idx_path, fasta_path);
		}
	}
	return 0;
}

int al_index_check(const char *idx_path, double *seconds, uint64_t *bytes, gsa_err_t *err)
{
	al_index_t ix;
	if (al_index_load(&ix, idx_path, NULL, AL_INDEX_VERIFY, err) < 0) return -1;
	if (seconds) *seconds = ix.verify_seconds;
	if (bytes) *bytes = ix.map_len;
	al_index_close(&ix);
	return 0;
}

void al_index_close(al_index_t *ix)
{
	if (ix->map) munmap(ix->map, ix->map_len);
	memset(ix, 0, sizeof *ix);
}

int al_index_contig_of(const al_index_t *ix, uint64_t g)
{
	int lo = 0, hi = (int)ix->h->n_contigs - 1;
	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;
		if (ix->contigs[mid].offset <= g) lo = mid;
		else hi = mid - 1;
	}
	return lo;
}

void al_index_get_seq(const al_index_t *ix, uint64_t start, uint64_t end, uint8_t *out)
{
	al_refseq_unpack(ix->pac, ix->h->total, ix->nruns, ix->h->n_nruns, start, end, out);
}

int al_index_write_fai(const char *fasta_path, gsa_err_t *err)
{
	size_t n = strlen(fasta_path);
	if (n > 3 && strcmp(fasta_path + n - 3, ".gz") == 0)
		return gsa_err_set(err, GSA_EDATA, "%s: --fai needs an uncompressed FASTA", fasta_path);
	/* htslib writes the .fai to our temp (common/io: removed on a signal,
	 * swept after a SIGKILL, renamed into place only when whole) */
	char *final = gsa_strdup_printf("%s.fai", fasta_path);
	gsa_atomic_file_t f;
	int rc = gsa_atomic_open(&f, final, err);
	free(final);
	if (rc < 0) return -1;
	close(f.fd);
	f.fd = -1;
	if (fai_build3(fasta_path, f.tmp, NULL) != 0) {
		gsa_atomic_abort(&f);
		return gsa_err_set(err, GSA_EDATA, "%s: cannot build its .fai (not a FASTA, or unreadable)", fasta_path);
	}
	return gsa_atomic_commit(&f, err);
}
