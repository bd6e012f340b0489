/* index.h — the aligner's on-disk index: packed reference + minimizer table.
 *
 * One file, REF + ".gsai" (or PREFIX + ".gsai"), laid out to be mmap()ed and
 * used in place: a fixed header (magic, version, k, w, size and hash of the
 * FASTA it was built from), the contig table, N runs, the 2-bit packed
 * reference, and the minimizer table: sorted unique keys with a bucket
 * directory on their top bits, each key pointing to its reference positions
 * (global position << 1 | strand).
 */
#ifndef ALIGN_AL_INDEX_H
#define ALIGN_AL_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "al_refseq.h"

#define ALIGN_INDEX_SUFFIX ".gsai"
#define ALIGN_INDEX_VERSION 1

typedef struct al_contig {
	uint64_t offset;   /* global start */
	uint64_t len;
	uint64_t name_off; /* into the names blob */
} al_contig_t;

typedef struct al_index_header {
	char magic[8];
	uint32_t version, k, w, bucket_bits;
	uint64_t file_size;
	uint64_t fasta_size, fasta_hash;
	uint64_t total, n_contigs, n_nruns, n_keys, n_pos;
	uint64_t off_contigs, off_names, off_nruns, off_pac, off_bucket, off_keys, off_koff, off_pos;
} al_index_header_t;

typedef struct al_index {
	const al_index_header_t *h;
	const al_contig_t *contigs;
	const char *names;
	const uint64_t *nruns;   /* pairs [start, end) in global coordinates */
	const uint8_t *pac;      /* 4 bases per byte, low bits first */
	const uint32_t *bucket;  /* (1 << bucket_bits) + 1 entries */
	const uint64_t *keys;
	const uint32_t *koff;    /* n_keys + 1 */
	const uint64_t *pos;
	void *map;               /* mmap()ed file, or malloc()ed in tests */
	size_t map_len;
	int k, w;
} al_index_t;

typedef struct al_index_build_stats {
	uint64_t n_minimizers, n_keys;
	double seconds;
} al_index_build_stats_t;

/* Build the index of `r` with (w,k)-minimizers and write it atomically to
 * `out_path`.  r->seq is freed (set to NULL) once packed, to lower the peak
 * memory; the rest of r is left alone.  Returns 0, or -1 with err set
 * (GSA_EIO, GSA_EDATA when the reference is too large for 32-bit table
 * offsets). */
int al_index_build(al_refseq_t *r, int k, int w, const char *out_path,
		al_index_build_stats_t *st, gsa_err_t *err);

/* Write `fasta_path`.fai (samtools' FASTA index: name, length, offset, line
 * bases, line bytes) through a temp name + rename, for the tools that read
 * the reference by region.  Plain FASTA only (a .gz is GSA_EDATA).  Returns
 * 0, or -1 with err set. */
int al_index_write_fai(const char *fasta_path, gsa_err_t *err);

/* Map an index file.  When fasta_path is not NULL, check that the FASTA still
 * has the size (and, if modified since, the content hash) the index was built
 * from.  Returns 0, or -1 with err set: GSA_EDATA for a missing, corrupt or
 * stale index, GSA_EIO for unreadable files. */
int al_index_load(al_index_t *ix, const char *idx_path, const char *fasta_path, gsa_err_t *err);

/* Unmap. */
void al_index_close(al_index_t *ix);

/* Reference positions of minimizer key `hash`: returns the count and sets
 * *pos (global << 1 | strand), or 0 when absent. */
static inline uint32_t al_index_lookup(const al_index_t *ix, uint64_t hash, const uint64_t **pos)
{
	uint64_t b = hash >> (64 - ix->h->bucket_bits);
	uint32_t i = ix->bucket[b], e = ix->bucket[b + 1];
	for (; i < e; i++) {
		if (ix->keys[i] == hash) {
			*pos = ix->pos + ix->koff[i];
			return ix->koff[i + 1] - ix->koff[i];
		}
		if (ix->keys[i] > hash) break;
	}
	return 0;
}

/* Contig holding global position g (binary search). */
int al_index_contig_of(const al_index_t *ix, uint64_t g);

/* Name of contig i. */
static inline const char *al_index_contig_name(const al_index_t *ix, int i)
{
	return ix->names + ix->contigs[i].name_off;
}

/* Copy bases [start, end) (global) into out as codes 0..4 (N runs applied). */
void al_index_get_seq(const al_index_t *ix, uint64_t start, uint64_t end, uint8_t *out);

#endif
