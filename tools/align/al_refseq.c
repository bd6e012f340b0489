#include "al_refseq.h"
#include "io.h"
#include "alloc.h"
#include "al_nt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* 64-bit FNV-1a style mix over 8-byte words, with the tail folded in. */
static uint64_t hash_update(uint64_t h, const unsigned char *p, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

int al_refseq_hash_file(const char *path, uint64_t *hash, uint64_t *size, gsa_err_t *err)
{
	enum { BUF = 1 << 20 };
	unsigned char *buf;
	uint64_t h = 0xcbf29ce484222325ULL, n = 0;
	if (gsa_input_check(path, err) < 0) return -1;
	int fd = open(path, O_RDONLY);
	if (fd < 0) return gsa_err_errno(err, errno, "%s", path);
	buf = gsa_xmalloc(BUF);
	for (;;) {
		ssize_t r = read(fd, buf, BUF);
		if (r < 0) {
			if (errno == EINTR) continue;
			int e = errno;
			free(buf);
			close(fd);
			return gsa_err_errno(err, e, "%s: read failed", path);
		}
		if (r == 0) break;
		h = hash_update(h, buf, (size_t)r);
		n += (uint64_t)r;
	}
	free(buf);
	close(fd);
	*hash = h;
	*size = n;
	return 0;
}

void al_refseq_free(al_refseq_t *r)
{
	int i;
	for (i = 0; i < r->n_contigs; i++) free(r->names[i]);
	free(r->names);
	free(r->offset);
	free(r->len);
	free(r->pac);
	free(r->nruns);
	memset(r, 0, sizeof *r);
}

void al_refseq_unpack(const uint8_t *pac, uint64_t total, const uint64_t *nruns, uint64_t n_nruns,
		      uint64_t start, uint64_t end, uint8_t *out)
{
	uint64_t i, stop = end < total ? end : total;
	size_t lo = 0, hi = n_nruns;
	for (i = start; i < stop; i++) out[i - start] = (pac[i >> 2] >> ((i & 3) * 2)) & 3;
	for (; i < end; i++) out[i - start] = 4;
	/* first N run ending after start */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (nruns[2 * mid + 1] <= start) lo = mid + 1;
		else hi = mid;
	}
	for (; lo < n_nruns && nruns[2 * lo] < end; lo++) {
		uint64_t a = nruns[2 * lo] > start ? nruns[2 * lo] : start;
		uint64_t b = nruns[2 * lo + 1] < end ? nruns[2 * lo + 1] : end;
		for (i = a; i < b; i++) out[i - start] = 4;
	}
}

/* Contig names seen so far: open addressing on a 64-bit FNV-1a hash, table
 * of contig index + 1 (0 = empty), kept at most half full. */
typedef struct name_set {
	int *slot;
	size_t cap;
} name_set_t;

static uint64_t name_hash(const char *s, size_t n)
{
	return hash_update(0xcbf29ce484222325ULL, (const unsigned char *)s, n);
}

/* 1 when the name (s, n) is already among r's contigs, else records it as
 * contig r->n_contigs (the caller then adds it) and returns 0. */
static int name_set_add(name_set_t *ns, const al_refseq_t *r, const char *s, size_t n)
{
	size_t i, mask;
	if ((size_t)(r->n_contigs + 1) * 2 > ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 1024, j;
		int *t = gsa_xcalloc(cap, sizeof *t);
		for (j = 0; j < ns->cap; j++) {
			int c = ns->slot[j];
			if (!c) continue;
			const char *nm = r->names[c - 1];
			size_t h = (size_t)name_hash(nm, strlen(nm)) & (cap - 1);
			while (t[h]) h = (h + 1) & (cap - 1);
			t[h] = c;
		}
		free(ns->slot);
		ns->slot = t;
		ns->cap = cap;
	}
	mask = ns->cap - 1;
	for (i = (size_t)name_hash(s, n) & mask; ns->slot[i]; i = (i + 1) & mask) {
		const char *nm = r->names[ns->slot[i] - 1];
		if (strlen(nm) == n && memcmp(nm, s, n) == 0) return 1;
	}
	ns->slot[i] = r->n_contigs + 1;
	return 0;
}

/* Start a new contig named by the header line `line` (after '>'). */
static int add_contig(al_refseq_t *r, size_t *cap, name_set_t *ns, const char *line, const char *path, gsa_err_t *err)
{
	size_t n = strcspn(line, " \t\r\n");
	if (n == 0) return gsa_err_set(err, GSA_EDATA, "%s: contig %d has an empty name", path, r->n_contigs + 1);
	if (r->n_contigs == INT32_MAX - 1) return gsa_err_set(err, GSA_EDATA, "%s: too many contigs", path);
	if ((size_t)r->n_contigs == *cap) {
		size_t c = *cap;
		r->names = gsa_xgrow(r->names, &c, c + 1, sizeof *r->names);
		c = *cap;
		r->offset = gsa_xgrow(r->offset, &c, c + 1, sizeof *r->offset);
		r->len = gsa_xgrow(r->len, cap, *cap + 1, sizeof *r->len);
	}
	if (name_set_add(ns, r, line, n))
		return gsa_err_set(err, GSA_EDATA, "%s: duplicate contig name '%.*s'", path, (int)n, line);
	r->names[r->n_contigs] = gsa_xstrndup(line, n);
	r->offset[r->n_contigs] = r->total;
	r->len[r->n_contigs] = 0;
	r->n_contigs++;
	return 0;
}

/* Append one base code to the packed sequence (and the N runs). */
static void push_base(al_refseq_t *r, size_t *pac_cap, size_t *nrun_cap, uint8_t b)
{
	uint64_t i = r->total++;
	if ((i & 3) == 0) {
		r->pac = gsa_xgrow(r->pac, pac_cap, (size_t)(i >> 2) + 1, 1);
		r->pac[i >> 2] = 0;
	}
	if (b > 3) {
		if (r->n_nruns > 0 && r->nruns[2 * r->n_nruns - 1] == i) r->nruns[2 * r->n_nruns - 1] = i + 1;
		else {
			r->nruns = gsa_xgrow(r->nruns, nrun_cap, (size_t)(2 * r->n_nruns + 2), sizeof *r->nruns);
			r->nruns[2 * r->n_nruns] = i;
			r->nruns[2 * r->n_nruns + 1] = i + 1;
			r->n_nruns++;
		}
		b = 0;
	}
	r->pac[i >> 2] |= (uint8_t)(b << ((i & 3) * 2));
}

int al_refseq_load(al_refseq_t *r, const char *path, gsa_err_t *err)
{
	gzFile gz;
	char *line = NULL;
	size_t line_cap = 0, contig_cap = 0, pac_cap = 0, nrun_cap = 0;
	name_set_t ns = { NULL, 0 };
	int rc = 0, errnum;
	char buf[1 << 16];
	memset(r, 0, sizeof *r);
	if (al_refseq_hash_file(path, &r->file_hash, &r->file_size, err) < 0) return -1;
	gz = gzopen(path, "rb");
	if (!gz) return gsa_err_errno(err, errno ? errno : ENOMEM, "%s", path);
	gzbuffer(gz, 1 << 18);
	/* read line by line; lines may be longer than buf */
	for (;;) {
		size_t len = 0;
		int eof = 0;
		for (;;) {
			if (!gzgets(gz, buf, sizeof buf)) { eof = 1; break; }
			size_t n = strlen(buf);
			line = gsa_xgrow(line, &line_cap, len + n + 1, 1);
			memcpy(line + len, buf, n + 1);
			len += n;
			if (n > 0 && buf[n - 1] == '\n') break;
		}
		if (eof && len == 0) break;
		if (line[0] == '>') {
			if (r->n_contigs > 0 && r->len[r->n_contigs - 1] == 0) {
				rc = gsa_err_set(err, GSA_EDATA, "%s: contig '%s' has no bases", path, r->names[r->n_contigs - 1]);
				break;
			}
			if ((rc = add_contig(r, &contig_cap, &ns, line + 1, path, err)) < 0) break;
			continue;
		}
		size_t i, n = 0;
		for (i = 0; i < len; i++) {
			char c = line[i];
			if (c == '\n' || c == '\r' || c == ' ' || c == '\t') continue;
			if (r->n_contigs == 0) break;
			push_base(r, &pac_cap, &nrun_cap, al_nt_code(c));
			n++;
		}
		if (i < len) {
			rc = gsa_err_set(err, GSA_EDATA, "%s: sequence before the first '>' header (not a FASTA file?)", path);
			break;
		}
		if (n > 0) r->len[r->n_contigs - 1] += n;
		if (eof) break;
	}
	if (rc == 0) {
		const char *msg = gzerror(gz, &errnum);
		if (errnum != Z_OK && errnum != Z_STREAM_END)
			rc = gsa_err_set(err, GSA_EDATA, "%s: corrupt or truncated gzip data (%s)", path, msg);
	}
	gzclose(gz);
	free(line);
	free(ns.slot);
	if (rc == 0 && r->n_contigs == 0) rc = gsa_err_set(err, GSA_EDATA, "%s: no FASTA records", path);
	if (rc == 0 && r->len[r->n_contigs - 1] == 0)
		rc = gsa_err_set(err, GSA_EDATA, "%s: contig '%s' has no bases", path, r->names[r->n_contigs - 1]);
	if (rc < 0) al_refseq_free(r);
	return rc;
}
