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
	free(r->seq);
	memset(r, 0, sizeof *r);
}

/* Start a new contig named by the header line `line` (after '>'). */
static int add_contig(al_refseq_t *r, size_t *cap, const char *line, const char *path, gsa_err_t *err)
{
	size_t n = strcspn(line, " \t\r\n");
	int i;
	if (n == 0) return gsa_err_set(err, GSA_EDATA, "%s: contig %d has an empty name", path, r->n_contigs + 1);
	if ((size_t)r->n_contigs == *cap) {
		size_t c = *cap;
		r->names = gsa_xgrow(r->names, &c, c + 1, sizeof *r->names);
		c = *cap;
		r->offset = gsa_xgrow(r->offset, &c, c + 1, sizeof *r->offset);
		r->len = gsa_xgrow(r->len, cap, *cap + 1, sizeof *r->len);
	}
	/* duplicate names are rare and contig counts small: a linear check on the
	 * last few thousand is enough for typical genomes, a full check otherwise */
	for (i = 0; i < r->n_contigs; i++)
		if (strlen(r->names[i]) == n && memcmp(r->names[i], line, n) == 0)
			return gsa_err_set(err, GSA_EDATA, "%s: duplicate contig name '%.*s'", path, (int)n, line);
	r->names[r->n_contigs] = gsa_xstrndup(line, n);
	r->offset[r->n_contigs] = r->total;
	r->len[r->n_contigs] = 0;
	r->n_contigs++;
	return 0;
}

int al_refseq_load(al_refseq_t *r, const char *path, gsa_err_t *err)
{
	gzFile gz;
	char *line = NULL;
	size_t line_cap = 0, contig_cap = 0, seq_cap = 0;
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
			if ((rc = add_contig(r, &contig_cap, line + 1, path, err)) < 0) break;
			continue;
		}
		size_t i, n = 0;
		for (i = 0; i < len; i++)
			if (line[i] != '\n' && line[i] != '\r' && line[i] != ' ' && line[i] != '\t') n++;
		if (n == 0) continue;
		if (r->n_contigs == 0) {
			rc = gsa_err_set(err, GSA_EDATA, "%s: sequence before the first '>' header (not a FASTA file?)", path);
			break;
		}
		r->seq = gsa_xgrow(r->seq, &seq_cap, r->total + n, 1);
		for (i = 0; i < len; i++) {
			char c = line[i];
			if (c == '\n' || c == '\r' || c == ' ' || c == '\t') continue;
			r->seq[r->total++] = al_nt_code(c);
		}
		r->len[r->n_contigs - 1] += n;
		if (eof) break;
	}
	if (rc == 0) {
		const char *msg = gzerror(gz, &errnum);
		if (errnum != Z_OK && errnum != Z_STREAM_END)
			rc = gsa_err_set(err, GSA_EDATA, "%s: corrupt or truncated gzip data (%s)", path, msg);
	}
	gzclose(gz);
	free(line);
	if (rc == 0 && r->n_contigs == 0) rc = gsa_err_set(err, GSA_EDATA, "%s: no FASTA records", path);
	if (rc == 0 && r->len[r->n_contigs - 1] == 0)
		rc = gsa_err_set(err, GSA_EDATA, "%s: contig '%s' has no bases", path, r->names[r->n_contigs - 1]);
	if (rc < 0) al_refseq_free(r);
	return rc;
}
