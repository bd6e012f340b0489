#include "al_index.h"
#include "alloc.h"
#include "io.h"
#include "strbuf.h"
#include "al_sketch.h"

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

typedef struct al_mm_entry {
	uint64_t hash;
	uint64_t pos; /* global << 1 | strand */
} al_mm_entry_t;

/* LSD radix sort on the hash, 16 bits per pass (stable, so positions stay
 * in increasing order within a key). */
static void sort_entries(al_mm_entry_t *a, size_t n)
{
	al_mm_entry_t *tmp = gsa_xmalloc((n ? n : 1) * sizeof *tmp);
	size_t *cnt = gsa_xmalloc(65536 * sizeof *cnt);
	int pass;
	for (pass = 0; pass < 4; pass++) {
		int sh = pass * 16;
		size_t i, sum = 0;
		memset(cnt, 0, 65536 * sizeof *cnt);
		for (i = 0; i < n; i++) cnt[(a[i].hash >> sh) & 0xffff]++;
		for (i = 0; i < 65536; i++) { size_t c = cnt[i]; cnt[i] = sum; sum += c; }
		for (i = 0; i < n; i++) tmp[cnt[(a[i].hash >> sh) & 0xffff]++] = a[i];
		al_mm_entry_t *t = a; a = tmp; tmp = t;
	}
	/* four passes: the sorted data is back in the caller's array */
	free(tmp);
	free(cnt);
}

static uint64_t pad8(uint64_t x) { return (x + 7) & ~7ULL; }

static int write_section(gsa_atomic_file_t *f, const void *p, uint64_t n, uint64_t *at, gsa_err_t *err)
{
	static const char zeros[8] = { 0 };
	if (n && gsa_atomic_write(f, p, n, err) < 0) return -1;
	*at += n;
	if (pad8(*at) != *at) {
		uint64_t z = pad8(*at) - *at;
		if (gsa_atomic_write(f, zeros, z, err) < 0) return -1;
		*at += z;
	}
	return 0;
}

int al_index_build(al_refseq_t *r, int k, int w, const char *out_path,
		al_index_build_stats_t *st, gsa_err_t *err)
{
	struct timespec t0, t1;
	al_minimizer_t *mins = NULL;
	size_t n_mins = 0, cap_mins = 0, n = 0, i;
	al_mm_entry_t *ent = NULL;
	size_t cap_ent = 0;
	al_index_header_t h;
	al_contig_t *ct;
	uint64_t names_len = 0, n_nruns = 0, *nruns = NULL, pac_len, n_keys = 0, at;
	size_t cap_nruns = 0;
	uint8_t *pac;
	uint32_t *bucket, *koff;
	uint64_t *keys, *pos;
	int c, rc = -1;
	gsa_atomic_file_t f;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (r->total >= (1ULL << 62)) return gsa_err_set(err, GSA_EDATA, "reference too large");
	/* minimizers of every contig, in global coordinates */
	for (c = 0; c < r->n_contigs; c++) {
		n_mins = 0;
		al_sketch_minimizers(r->seq + r->offset[c], r->len[c], k, w, &mins, &n_mins, &cap_mins);
		ent = gsa_xgrow(ent, &cap_ent, n + n_mins, sizeof *ent);
		for (i = 0; i < n_mins; i++) {
			ent[n].hash = mins[i].hash;
			ent[n].pos = ((r->offset[c] + mins[i].pos) << 1) | mins[i].strand;
			n++;
		}
	}
	free(mins);
	if (n >= UINT32_MAX) {
		free(ent);
		return gsa_err_set(err, GSA_EDATA, "reference has too many minimizers for this index version");
	}

	memset(&h, 0, sizeof h);
	memcpy(h.magic, MAGIC, 8);
	h.version = ALIGN_INDEX_VERSION;
	h.k = (uint32_t)k;
	h.w = (uint32_t)w;
	h.fasta_size = r->file_size;
	h.fasta_hash = r->file_hash;
	h.total = r->total;
	h.n_contigs = (uint64_t)r->n_contigs;
	h.n_pos = n;

	/* contig table and names */
	ct = gsa_xcalloc((size_t)r->n_contigs, sizeof *ct);
	for (c = 0; c < r->n_contigs; c++) {
		ct[c].offset = r->offset[c];
		ct[c].len = r->len[c];
		ct[c].name_off = names_len;
		names_len += strlen(r->names[c]) + 1;
	}
	/* N runs and packed bases */
	pac_len = (r->total + 3) / 4;
	pac = gsa_xcalloc(pac_len ? pac_len : 1, 1);
	for (i = 0; i < r->total; i++) {
		uint8_t b = r->seq[i];
		if (b > 3) {
			if (n_nruns > 0 && nruns[2 * n_nruns - 1] == i) nruns[2 * n_nruns - 1] = i + 1;
			else {
				nruns = gsa_xgrow(nruns, &cap_nruns, 2 * n_nruns + 2, sizeof *nruns);
				nruns[2 * n_nruns] = i;
				nruns[2 * n_nruns + 1] = i + 1;
				n_nruns++;
			}
			b = 0;
		}
		pac[i >> 2] |= (uint8_t)(b << ((i & 3) * 2));
	}
	h.n_nruns = n_nruns;
	/* the byte-per-base sequence is no longer needed: free it before the
	 * sort, which is the memory peak */
	free(r->seq);
	r->seq = NULL;
	sort_entries(ent, n);
	for (i = 0; i < n; i++)
		if (i == 0 || ent[i].hash != ent[i - 1].hash) n_keys++;
	h.n_keys = n_keys;
	h.bucket_bits = 4;
	while ((1ULL << h.bucket_bits) < n_keys && h.bucket_bits < 40) h.bucket_bits++;
	/* the table */
	keys = gsa_xmalloc((n_keys ? n_keys : 1) * sizeof *keys);
	koff = gsa_xmalloc((n_keys + 1) * sizeof *koff);
	pos = gsa_xmalloc((n ? n : 1) * sizeof *pos);
	bucket = gsa_xcalloc((1ULL << h.bucket_bits) + 1, sizeof *bucket);
	{
		uint64_t kk = 0;
		for (i = 0; i < n; i++) {
			if (i == 0 || ent[i].hash != ent[i - 1].hash) {
				keys[kk] = ent[i].hash;
				koff[kk] = (uint32_t)i;
				kk++;
			}
			pos[i] = ent[i].pos;
		}
		koff[n_keys] = (uint32_t)n;
		/* bucket[b] = first key whose top bits are >= b */
		uint64_t b, j = 0, nb = 1ULL << h.bucket_bits;
		for (b = 0; b <= nb; b++) {
			while (j < n_keys && (keys[j] >> (64 - h.bucket_bits)) < b) j++;
			bucket[b] = (uint32_t)j;
		}
	}
	free(ent);

	/* layout */
	at = pad8(sizeof h);
	h.off_contigs = at; at = pad8(at + h.n_contigs * sizeof *ct);
	h.off_names = at; at = pad8(at + names_len);
	h.off_nruns = at; at = pad8(at + n_nruns * 2 * sizeof(uint64_t));
	h.off_pac = at; at = pad8(at + pac_len);
	h.off_bucket = at; at = pad8(at + ((1ULL << h.bucket_bits) + 1) * sizeof(uint32_t));
	h.off_keys = at; at = pad8(at + n_keys * sizeof(uint64_t));
	h.off_koff = at; at = pad8(at + (n_keys + 1) * sizeof(uint32_t));
	h.off_pos = at; at = pad8(at + n * sizeof(uint64_t));
	h.file_size = at;

	if (gsa_atomic_open(&f, out_path, err) == 0) {
		uint64_t w_at = 0;
		int ok = write_section(&f, &h, sizeof h, &w_at, err) == 0
			&& write_section(&f, ct, h.n_contigs * sizeof *ct, &w_at, err) == 0;
		for (c = 0; ok && c < r->n_contigs; c++) {
			if (gsa_atomic_write(&f, r->names[c], strlen(r->names[c]) + 1, err) < 0) ok = 0;
			w_at += strlen(r->names[c]) + 1;
		}
		ok = ok && write_section(&f, NULL, 0, &w_at, err) == 0
			&& write_section(&f, nruns, n_nruns * 2 * sizeof(uint64_t), &w_at, err) == 0
			&& write_section(&f, pac, pac_len, &w_at, err) == 0
			&& write_section(&f, bucket, ((1ULL << h.bucket_bits) + 1) * sizeof(uint32_t), &w_at, err) == 0
			&& write_section(&f, keys, n_keys * sizeof(uint64_t), &w_at, err) == 0
			&& write_section(&f, koff, (n_keys + 1) * sizeof(uint32_t), &w_at, err) == 0
			&& write_section(&f, pos, n * sizeof(uint64_t), &w_at, err) == 0;
		if (ok && w_at != h.file_size) {
			gsa_err_set(err, GSA_EINTERNAL, "%s: index layout mismatch", out_path);
			ok = 0;
		}
		if (ok) rc = gsa_atomic_commit(&f, err);
		else gsa_atomic_abort(&f);
	}
	free(ct);
	free(nruns);
	free(pac);
	free(keys);
	free(koff);
	free(pos);
	free(bucket);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (st) {
		st->n_minimizers = n;
		st->n_keys = n_keys;
		st->seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
	}
	return rc;
}

int al_index_load(al_index_t *ix, const char *idx_path, const char *fasta_path, gsa_err_t *err)
{
	struct stat sti, stf;
	const al_index_header_t *h;
	int fd;
	void *m;
	memset(ix, 0, sizeof *ix);
	fd = open(idx_path, O_RDONLY);
	if (fd < 0) {
		if (errno == ENOENT)
			return gsa_err_set(err, GSA_EDATA, "%s: index not found (run 'align index' on the reference first)", idx_path);
		return gsa_err_errno(err, errno, "%s", idx_path);
	}
	if (fstat(fd, &sti) < 0 || sti.st_size < (off_t)sizeof(al_index_header_t)) {
		close(fd);
		return gsa_err_set(err, GSA_EDATA, "%s: not an align index (too short)", idx_path);
	}
	m = mmap(NULL, (size_t)sti.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED) return gsa_err_errno(err, errno, "%s: cannot map", idx_path);
	h = m;
	ix->map = m;
	ix->map_len = (size_t)sti.st_size;
	if (memcmp(h->magic, MAGIC, 8) != 0) {
		al_index_close(ix);
		return gsa_err_set(err, GSA_EDATA, "%s: not an align index (bad magic)", idx_path);
	}
	if (h->version != ALIGN_INDEX_VERSION) {
		al_index_close(ix);
		return gsa_err_set(err, GSA_EDATA, "%s: index version %u, this build reads %d: rebuild it with 'align index'",
				   idx_path, h->version, ALIGN_INDEX_VERSION);
	}
	if (h->file_size != (uint64_t)sti.st_size || h->off_pos + h->n_pos * 8 > h->file_size) {
		al_index_close(ix);
		return gsa_err_set(err, GSA_EDATA, "%s: truncated or corrupt index (size %lld, header says %llu)",
				   idx_path, (long long)sti.st_size, (unsigned long long)h->file_size);
	}
	if (fasta_path && stat(fasta_path, &stf) == 0) {
		int stale = (uint64_t)stf.st_size != h->fasta_size;
		if (!stale && (stf.st_mtim.tv_sec > sti.st_mtim.tv_sec ||
			       (stf.st_mtim.tv_sec == sti.st_mtim.tv_sec && stf.st_mtim.tv_nsec > sti.st_mtim.tv_nsec))) {
			uint64_t hh, sz;
			if (al_refseq_hash_file(fasta_path, &hh, &sz, err) < 0) { al_index_close(ix); return -1; }
			stale = hh != h->fasta_hash || sz != h->fasta_size;
		}
		if (stale) {
			al_index_close(ix);
			return gsa_err_set(err, GSA_EDATA, "%s: stale index: %s changed since it was built (rerun 'align index')",
					   idx_path, fasta_path);
		}
	}
	ix->h = h;
	ix->contigs = (const al_contig_t *)((const char *)m + h->off_contigs);
	ix->names = (const char *)m + h->off_names;
	ix->nruns = (const uint64_t *)((const char *)m + h->off_nruns);
	ix->pac = (const uint8_t *)m + h->off_pac;
	ix->bucket = (const uint32_t *)((const char *)m + h->off_bucket);
	ix->keys = (const uint64_t *)((const char *)m + h->off_keys);
	ix->koff = (const uint32_t *)((const char *)m + h->off_koff);
	ix->pos = (const uint64_t *)((const char *)m + h->off_pos);
	ix->k = (int)h->k;
	ix->w = (int)h->w;
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
	uint64_t i;
	size_t lo = 0, hi = ix->h->n_nruns;
	for (i = start; i < end; i++) out[i - start] = (ix->pac[i >> 2] >> ((i & 3) * 2)) & 3;
	/* first N run ending after start */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ix->nruns[2 * mid + 1] <= start) lo = mid + 1;
		else hi = mid;
	}
	for (; lo < ix->h->n_nruns && ix->nruns[2 * lo] < end; lo++) {
		uint64_t a = ix->nruns[2 * lo] > start ? ix->nruns[2 * lo] : start;
		uint64_t b = ix->nruns[2 * lo + 1] < end ? ix->nruns[2 * lo + 1] : end;
		for (i = a; i < b; i++) out[i - start] = 4;
	}
}

int al_index_write_fai(const char *fasta_path, gsa_err_t *err)
{
	size_t n = strlen(fasta_path);
	if (n > 3 && strcmp(fasta_path + n - 3, ".gz") == 0)
		return gsa_err_set(err, GSA_EDATA, "%s: --fai needs an uncompressed FASTA", fasta_path);
	char *final = gsa_strdup_printf("%s.fai", fasta_path);
	char *tmp = gsa_strdup_printf("%s.%ld.tmp", final, (long)getpid());
	int rc = 0;
	if (fai_build3(fasta_path, tmp, NULL) != 0) {
		rc = gsa_err_set(err, GSA_EDATA, "%s: cannot build its .fai (not a FASTA, or unreadable)", fasta_path);
	} else if (rename(tmp, final) != 0) {
		rc = gsa_err_errno(err, errno, "%s", final);
	} else {
		rc = gsa_fsync_parent(final, err);
	}
	if (rc < 0) unlink(tmp);
	free(tmp);
	free(final);
	return rc < 0 ? -1 : 0;
}
