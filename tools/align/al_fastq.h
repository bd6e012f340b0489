/* fastq.h — FASTQ records from plain or gzip files, or stdin ("-"); a
 * comma-separated list of files (several lanes) reads as their concatenation. */
#ifndef ALIGN_AL_FASTQ_H
#define ALIGN_AL_FASTQ_H

#include <stdint.h>
#include <zlib.h>

#include "err.h"
#include "al_samout.h"

typedef struct al_fastq_reader {
	gzFile gz;
	char *path;       /* the file being read, for messages; owned */
	char **paths;     /* every file of the list, in order; owned */
	size_t n_paths, cur;
	char *line;
	size_t m_line;
	uint64_t n_rec;   /* records read so far from the current file */
} al_fastq_reader_t;

/* Open `path` ("-" for stdin).  A path holding ',' that names no file is a
 * list "L1.fq.gz,L2.fq.gz,...": the files are read one after the other (each
 * opened when the previous one ends).  Returns 0, or -1 with err set
 * (GSA_EIO, naming the file). */
int al_fastq_open(al_fastq_reader_t *f, const char *path, gsa_err_t *err);

/* Read the next record into r (buffers reused; name cut at the first
 * blank, a trailing "/1" or "/2" removed; codes filled).  Returns 1 for a
 * record, 0 at a clean end of file, -1 with err set (GSA_EDATA) for a
 * malformed or truncated record or a corrupt gzip stream. */
int al_fastq_read(al_fastq_reader_t *f, al_read_t *r, gsa_err_t *err);

void al_fastq_close(al_fastq_reader_t *f);

/* Release the buffers of a read record. */
void al_read_free(al_read_t *r);

#endif
