/* cv_input.h — the input BAMs, their samples and the reference.
 *
 * cv_input_open() checks everything once, up front: each BAM opens, has an
 * index and an EOF block, all BAMs share one contig list, and the
 * reference's .fai has every contig with the same length.  Samples are the
 * SM of @RG lines (the file name when a BAM has none).  Readers
 * (cv_reader_t) are per thread: htslib handles are not shared.
 */
#ifndef CV_INPUT_H
#define CV_INPUT_H

#include <htslib/faidx.h>
#include <htslib/sam.h>

#include "cv_opts.h"
#include "err.h"

typedef struct cv_rg_map {
	char *id;   /* read group ID */
	int sample; /* index into cv_input_t.samples */
} cv_rg_map_t;

typedef struct cv_input {
	int nbam;
	char **bam_paths;     /* not owned */
	const char *ref_path; /* not owned */
	sam_hdr_t *hdr;       /* header of the first BAM: contigs */
	int nsamples;
	char **samples;       /* owned */
	int *nrg;             /* per BAM: read groups */
	cv_rg_map_t **rg;     /* per BAM: read group -> sample */
	int *default_sample;  /* per BAM: sample of reads without a known RG */
} cv_input_t;

/* Open and check the inputs (see above).  Returns 0, or -1 with err set:
 * GSA_EIO for a missing/unreadable file, GSA_EDATA for bad content. */
int cv_input_open(cv_input_t *in, char **bam_paths, int nbam, const char *ref_path, gsa_err_t *err);

/* Release what cv_input_open allocated. */
void cv_input_close(cv_input_t *in);

/* Sample index of read b from BAM number ibam; -1 when its RG tag is
 * missing or not in the header and the read groups name several samples. */
int cv_input_sample_of(const cv_input_t *in, int ibam, const bam1_t *b);

/* One thread's open handles. */
typedef struct cv_reader {
	int nbam;
	htsFile **fp;
	sam_hdr_t **hdr;
	hts_idx_t **idx;
	faidx_t *fai;
	int64_t *ends;    /* min-heap of read ends, for the depth limit */
	size_t nends, cap_ends;
} cv_reader_t;

/* Open per-thread handles.  Returns 0, or -1 with err set. */
int cv_reader_open(cv_reader_t *r, const cv_input_t *in, gsa_err_t *err);
void cv_reader_close(cv_reader_t *r);

/* A read kept for one chunk. */
typedef struct cv_read {
	bam1_t *b;
	int sample;
	int mq;          /* MAPQ, capped */
	int64_t end;     /* end of the alignment on the reference (exclusive) */
	int ord;         /* load order: ties of position keep BAM then file order */
	int64_t mate_end; /* for the right mate of an overlapping pair: where the left
	                     mate ends (its bases up to there are not counted again); else -1 */
} cv_read_t;

typedef struct cv_readbuf {
	cv_read_t *r;
	int n, cap;      /* r[0..cap) hold allocated bam1_t, r[0..n) are in use */
} cv_readbuf_t;

void cv_readbuf_free(cv_readbuf_t *rb);

/* Load into rb every read overlapping [beg, end) of contig tid that passes
 * the read filters of o, from every BAM, sorted by position (ties by BAM
 * then file order).  With o->max_depth > 0, a read is dropped when that
 * many reads of its BAM already cover its start (as samtools' -d).  Returns 0, or -1 with err set (GSA_EDATA for a
 * truncated or corrupt BAM). */
int cv_reader_fetch(cv_reader_t *r, const cv_input_t *in, const cv_opts_t *o, int tid,
		    int64_t beg, int64_t end, cv_readbuf_t *rb, gsa_err_t *err);

/* Upper-case reference sequence of [beg, end) of contig tid (clipped to the
 * contig); *got is its length.  Returns a malloc'ed string or NULL with err. */
char *cv_reader_ref(cv_reader_t *r, const cv_input_t *in, int tid, int64_t beg, int64_t end,
		    int64_t *got, gsa_err_t *err);

#endif
