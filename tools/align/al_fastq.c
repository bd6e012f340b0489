#include "al_fastq.h"
#include "io.h"
#include "alloc.h"
#include "al_nt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Open file f->paths[i] as the current one. */
static int open_file(al_fastq_reader_t *f, size_t i, gsa_err_t *err)
{
	const char *path = f->paths[i];
	if (gsa_input_check(path, err) < 0) return -1;
	errno = 0;
	if (strcmp(path, "-") == 0) f->gz = gzdopen(dup(STDIN_FILENO), "rb");
	else f->gz = gzopen(path, "rb");
	if (!f->gz) return gsa_err_errno(err, errno ? errno : ENOMEM, "%s", path);
	gzbuffer(f->gz, 1 << 17);
	free(f->path);
	f->path = gsa_xstrdup(strcmp(path, "-") == 0 ? "stdin" : path);
	f->cur = i;
	f->n_rec = 0;
	return 0;
}

int al_fastq_open(al_fastq_reader_t *f, const char *path, gsa_err_t *err)
{
	memset(f, 0, sizeof *f);
	size_t cap = 2;
	f->paths = gsa_xcalloc(cap, sizeof *f->paths);
	if (strchr(path, ',') && access(path, F_OK) != 0) {
		for (const char *p = path;;) {
			size_t n = strcspn(p, ",");
			f->paths = gsa_xgrow(f->paths, &cap, f->n_paths + 1, sizeof *f->paths);
			f->paths[f->n_paths++] = gsa_xstrndup(p, n);
			if (n == 0) {
				al_fastq_close(f);
				return gsa_err_set(err, GSA_EUSAGE, "%s: empty file name in the list", path);
			}
			if (!p[n]) break;
			p += n + 1;
		}
	} else {
		f->paths[f->n_paths++] = gsa_xstrdup(path);
	}
	if (open_file(f, 0, err) < 0) {
		al_fastq_close(f);
		return -1;
	}
	return 0;
}

void al_fastq_close(al_fastq_reader_t *f)
{
	if (f->gz) gzclose(f->gz);
	free(f->path);
	free(f->line);
	for (size_t i = 0; i < f->n_paths; i++) free(f->paths[i]);
	free(f->paths);
	memset(f, 0, sizeof *f);
}

void al_read_free(al_read_t *r)
{
	free(r->name);
	free(r->seq);
	free(r->qual);
	free(r->code[0]);
	free(r->code[1]);
	memset(r, 0, sizeof *r);
}

/* Next line without its newline; returns length, or -1 at end of file. */
static long get_line(al_fastq_reader_t *f)
{
	size_t len = 0;
	for (;;) {
		if (f->m_line < len + 4096) f->line = gsa_xgrow(f->line, &f->m_line, len + 4096, 1);
		if (!gzgets(f->gz, f->line + len, (int)(f->m_line - len))) break;
		len += strlen(f->line + len);
		if (len > 0 && f->line[len - 1] == '\n') {
			f->line[--len] = 0;
			if (len > 0 && f->line[len - 1] == '\r') f->line[--len] = 0;
			return (long)len;
		}
	}
	if (len == 0) return -1;
	f->line[len] = 0;
	return (long)len;
}

static int stream_error(al_fastq_reader_t *f, gsa_err_t *err)
{
	int e;
	const char *msg = gzerror(f->gz, &e);
	if (e != Z_OK && e != Z_STREAM_END)
		return gsa_err_set(err, GSA_EDATA, "%s: corrupt or truncated gzip data after %llu records (%s)",
				   f->path, (unsigned long long)f->n_rec, msg);
	return 0;
}

static void store(char **dst, size_t *cap, const char *src, size_t n)
{
	if (*cap < n + 1) {
		*cap = n + 1;
		*dst = gsa_xreallocarray(*dst, *cap, 1);
	}
	memcpy(*dst, src, n);
	(*dst)[n] = 0;
}

static int parse_record(al_fastq_reader_t *f, al_read_t *r, gsa_err_t *err)
{
	long n;
	size_t nl, i;
	unsigned long long rec = (unsigned long long)f->n_rec + 1;
	n = get_line(f);
	while (n == 0) n = get_line(f); /* blank lines between records */
	if (n < 0) {
		if (stream_error(f, err) < 0) return -1;
		return 0;
	}
	if (f->line[0] != '@')
		return gsa_err_set(err, GSA_EDATA, "%s: record %llu does not start with '@' (not FASTQ?)", f->path, rec);
	nl = strcspn(f->line + 1, " \t");
	if (nl >= 2 && f->line[nl - 1] == '/' && (f->line[nl] == '1' || f->line[nl] == '2')) nl -= 2;
	if (nl == 0) return gsa_err_set(err, GSA_EDATA, "%s: record %llu has an empty name", f->path, rec);
	store(&r->name, &r->m_name, f->line + 1, nl);
	n = get_line(f);
	if (n < 0) goto truncated;
	if (r->m_seq < (size_t)n + 1) {
		r->m_seq = (size_t)n + 1;
		r->seq = gsa_xreallocarray(r->seq, r->m_seq, 1);
		r->qual = gsa_xreallocarray(r->qual, r->m_seq, 1);
		r->code[0] = gsa_xreallocarray(r->code[0], r->m_seq, 1);
		r->code[1] = gsa_xreallocarray(r->code[1], r->m_seq, 1);
	}
	memcpy(r->seq, f->line, (size_t)n + 1);
	r->len = (int)n;
	n = get_line(f);
	if (n < 0) goto truncated;
	if (f->line[0] != '+')
		return gsa_err_set(err, GSA_EDATA, "%s: record %llu (%s): expected a '+' line", f->path, rec, r->name);
	n = get_line(f);
	if (n < 0) goto truncated;
	if (n != r->len)
		return gsa_err_set(err, GSA_EDATA, "%s: record %llu (%s): sequence has %d bases but quality has %ld",
				   f->path, rec, r->name, r->len, n);
	memcpy(r->qual, f->line, (size_t)n + 1);
	for (i = 0; i < (size_t)r->len; i++) {
		uint8_t c = al_nt_code(r->seq[i]);
		if (r->qual[i] < 33 || r->qual[i] > 126)
			return gsa_err_set(err, GSA_EDATA, "%s: record %llu (%s): quality character out of range",
					   f->path, rec, r->name);
		r->code[0][i] = c;
		r->code[1][r->len - 1 - i] = al_nt_comp(c);
	}
	f->n_rec++;
	return 1;
truncated:
	if (stream_error(f, err) < 0) return -1;
	return gsa_err_set(err, GSA_EDATA, "%s: record %llu (%s) is truncated", f->path, rec, r->name);
}

int al_fastq_read(al_fastq_reader_t *f, al_read_t *r, gsa_err_t *err)
{
	for (;;) {
		int rc = parse_record(f, r, err);
		/* a damaged gzip stream explains a malformed last record better */
		if (rc < 0 && stream_error(f, err) < 0) return -1;
		if (rc != 0 || f->cur + 1 >= f->n_paths) return rc;
		/* this file ended: the next one of the list */
		gzclose(f->gz);
		f->gz = NULL;
		if (open_file(f, f->cur + 1, err) < 0) return -1;
	}
}
