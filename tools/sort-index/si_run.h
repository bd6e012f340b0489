/* si_run.h — sorted runs spilled to temp files, and reading them back.
 *
 * A run file is the records of one sorted batch one after another, in
 * BAM file form (si_rec.h), uncompressed: written once, read once by the
 * same process, so no compression CPU.  Run
 * files are registered with cleanup.h when created and unregistered when
 * removed, so an interrupted process leaves none behind.
 */
#ifndef SI_RUN_H
#define SI_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "si_rec.h"

/* A run file on disk. */
typedef struct si_run {
	char *path;      /* owned */
	int cleanup_id;  /* cleanup.h registration */
	uint64_t n_recs;
	uint64_t bytes;
} si_run_t;

/* Writing one run: create, put records in order, finish. */
typedef struct si_run_writer {
	si_run_t *run;   /* the run being written (not owned) */
	int fd;
	uint8_t *buf;
	size_t len, cap;
} si_run_writer_t;

/* Create run file `dir`/run.SEQ and start writing it.  Returns 0, or -1
 * with err set (GSA_EIO naming the file). */
int si_run_create(si_run_t *run, si_run_writer_t *w, const char *dir, int seq, gsa_err_t *err);
/* Append one record.  Returns 0, or -1 (GSA_EIO; ENOSPC says the temp
 * folder is full). */
int si_run_put(si_run_writer_t *w, const si_rec_t *r, gsa_err_t *err);
/* Flush and close.  Returns 0 or -1; the run file stays registered either way. */
int si_run_finish(si_run_writer_t *w, gsa_err_t *err);
/* Delete the run file (if any) and free run's strings.  Safe to repeat. */
void si_run_remove(si_run_t *run);

/* Reading one run back, one record at a time. */
typedef struct si_run_reader {
	const char *path; /* not owned */
	int fd;
	uint8_t *buf;
	size_t cap, beg, end;
	const si_rec_t *cur; /* current record, valid until the next si_run_next */
} si_run_reader_t;

/* Open a run for reading with a buffer of about bufsize bytes.  Returns 0
 * or -1 with err set. */
int si_run_open(si_run_reader_t *rd, const char *path, size_t bufsize, gsa_err_t *err);
/* Advance: 1 when rd->cur is the next record, 0 at the end, -1 on error. */
int si_run_next(si_run_reader_t *rd, gsa_err_t *err);
/* Close and free the buffer.  Safe on a zeroed reader. */
void si_run_close(si_run_reader_t *rd);

#endif
