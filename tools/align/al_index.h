/* al_index.h — the aligner's on-disk index: packed reference + minimizer table.
 *
 * One file, REF + ".gsai" (or PREFIX + ".gsai"), laid out to be mmap()ed and
 * used in place: a fixed header (magic, version, k, w, size and hash of the
 * FASTA it was built from, widths, counts, and offset, length and CRC32C of
 * every section), then the sections: contigs, names, N runs, the 2-bit packed
 * reference, and the minimizer table.
 *
 * The table is keyed by al_sketch_key() of the canonical k-mer (2k bits).
 * Its top `bucket_bits` bits pick a bucket of the directory (pairs of uint32:
 * first key, first position slot); the keys of a bucket are stored in key
 * order as bit-packed entries of key_bits = 2k - bucket_bits + 4 bits: the
 * remaining bits of the key and a 4-bit count (1..15; 0 means the count is in
 * the key's first position slot).  Position slots are bit-packed too,
 * pos_bits wide, each global position << 1 | strand, in genome order per key.
 * Little-endian, 8-byte aligned sections, 8 zero bytes after each bit array.
 */
#ifndef ALIGN_AL_INDEX_H
#define ALIGN_AL_INDEX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "al_refseq.h"
#include "al_sketch.h"

#define ALIGN_INDEX_SUFFIX ".gsai"
#define ALIGN_INDEX_VERSION 2
/* beside the index: the stat of the file when its big sections were last
 * checked in full (see al_index_load) */
#define ALIGN_INDEX_STAMP_SUFFIX ".verified"

typedef struct al_contig {
	uint64_t offset;   /* global start */
	uint64_t len;
	uint64_t name_off; /* into the names blob */
} al_contig_t;

enum { AL_SEC_CONTIGS, AL_SEC_NAMES, AL_SEC_NRUNS, AL_SEC_PAC, AL_SEC_POS, AL_SEC_KEYS, AL_SEC_DIR, AL_SEC_N };

typedef struct al_index_section {
	uint64_t off, len;
	uint32_t crc, pad;
} al_index_section_t;

typedef struct al_index_header {
	char magic[8];
	uint32_t version, header_crc; /* CRC32C of the header with header_crc = 0 */
	uint32_t k, w, bucket_bits, key_bits, pos_bits, pad;
	uint64_t file_size;
	uint64_t fasta_size, fasta_hash;
	uint64_t total, n_contigs, n_nruns, n_keys, n_slots, n_pos;
	al_index_section_t sec[AL_SEC_N];
} al_index_header_t;

typedef struct al_index {
	const al_index_header_t *h; /* points at hdr below */
	al_index_header_t hdr;      /* a copy: valid without the mapping */
	const al_contig_t *contigs;
	const char *names;
	const uint64_t *nruns;   /* pairs [start, end) in global coordinates */
	const uint8_t *pac;      /* 4 bases per byte, low bits first */
	const uint32_t *dir;     /* ((1 << bucket_bits) + 1) pairs: first key, first slot */
	const uint8_t *keys;     /* n_keys entries of key_bits */
	const uint8_t *pos;      /* n_slots entries of pos_bits */
	uint64_t key_mask, pos_mask, rem_mask;
	int key_bits, pos_bits, rem_bits;
	void *map;               /* mmap()ed file */
	size_t map_len;
	int k, w;
	int verified;            /* 1 when this load checked the big sections' CRCs */
	double load_seconds, verify_seconds;
} al_index_t;

typedef struct al_index_build_stats {
	uint64_t n_minimizers, n_keys;
	int passes;              /* partitions of the table (each one re-sketches the genome) */
	double seconds;
} al_index_build_stats_t;

/* Build the index of `r` with (w,k)-minimizers and write it atomically to
 * `out_path` (and its ALIGN_INDEX_STAMP_SUFFIX stamp).  The table is built in
 * partitions of key space of at most about `part_entries` minimizers each
 * (16 bytes each, twice: entries + sort buffer); every partition sketches
 * the reference again.  0 = the default: 1.25 bytes per reference base, at
 * least 2^20 entries.  The file is the same for every partitioning.
 * Returns 0, or -1 with err set (GSA_EIO, GSA_EDATA when the reference is
 * too large for 32-bit table offsets). */
int al_index_build(const al_refseq_t *r, int k, int w, uint64_t part_entries, const char *out_path,
		al_index_build_stats_t *st, gsa_err_t *err);

/* Write `fasta_path`.fai (samtools' FASTA index: name, length, offset, line
 * bases, line bytes) through a temp name + rename, for the tools that read
 * the reference by region.  Plain FASTA only (a .gz is GSA_EDATA).  Returns
 * 0, or -1 with err set. */
int al_index_write_fai(const char *fasta_path, gsa_err_t *err);

enum {
	AL_INDEX_VERIFY = 1,   /* check every section's CRC at this load */
	AL_INDEX_NO_STAMP = 2, /* no stamp file: big sections checked only with AL_INDEX_VERIFY (fuzzing) */
};

/* Map an index file (MAP_POPULATE: the pages are read now, not during
 * mapping).  Every header field is checked against the file size and the
 * others, and the CRCs of the header and the small sections (contigs, names,
 * N runs) at every load; the big ones (reference, table) when `flags` has
 * AL_INDEX_VERIFY or the file's size/mtime/inode differ from its stamp file
 * (then the stamp is rewritten, best effort).  When fasta_path is not NULL,
 * check that the FASTA still has the size (and, if modified since, the
 * content hash) the index was built from.  Returns 0, or -1 with err set:
 * GSA_EDATA for a missing, corrupt, other-version or stale index, GSA_EIO for
 * unreadable files. */
int al_index_load(al_index_t *ix, const char *idx_path, const char *fasta_path, int flags, gsa_err_t *err);

/* Unmap (safe on a zeroed or closed ix). */
void al_index_close(al_index_t *ix);

/* Bits [i*width, i*width + width) of a bit-packed array (width <= 57). */
static inline uint64_t al_index_bits(const uint8_t *a, uint64_t i, int width, uint64_t mask)
{
	uint64_t bit = i * (uint64_t)width, v;
	memcpy(&v, a + (bit >> 3), 8);
	return (v >> (bit & 7)) & mask;
}

/* Reference hits of minimizer hash `hash` (al_minimizer_t.hash): returns the
 * count and sets *first to the first position slot (read them with
 * al_index_pos), or 0 when absent.  Safe on a damaged table (never reads
 * outside the mapping). */
static inline uint32_t al_index_lookup(const al_index_t *ix, uint64_t hash, uint64_t *first)
{
	uint64_t key = al_sketch_key(al_sketch_unhash(hash), ix->k);
	uint64_t b = key >> ix->rem_bits, rem = key & ix->rem_mask;
	const uint32_t *d = ix->dir + 2 * b;
	uint64_t i = d[0], e = d[2], slot = d[1], n_slots = ix->h->n_slots;
	if (e > ix->h->n_keys) return 0;
	for (; i < e; i++) {
		uint64_t v = al_index_bits(ix->keys, i, ix->key_bits, ix->key_mask), c = v & 15, r = v >> 4;
		if (c == 0) {
			if (slot >= n_slots) return 0;
			c = al_index_bits(ix->pos, slot, ix->pos_bits, ix->pos_mask);
			slot++;
		}
		if (r >= rem) {
			if (r > rem || slot > n_slots || c > n_slots - slot) return 0;
			*first = slot;
			return (uint32_t)c;
		}
		slot += c;
	}
	return 0;
}

/* Hit in position slot `slot`: global position << 1 | strand. */
static inline uint64_t al_index_pos(const al_index_t *ix, uint64_t slot)
{
	return al_index_bits(ix->pos, slot, ix->pos_bits, ix->pos_mask);
}

/* Contig holding global position g (binary search). */
int al_index_contig_of(const al_index_t *ix, uint64_t g);

/* Name of contig i. */
static inline const char *al_index_contig_name(const al_index_t *ix, int i)
{
	return ix->names + ix->contigs[i].name_off;
}

/* Copy bases [start, end) (global) into out as codes 0..4 (N runs applied;
 * past the end of the reference: 4). */
void al_index_get_seq(const al_index_t *ix, uint64_t start, uint64_t end, uint8_t *out);

/* Check every section of an index in full (`align index --check`): the same
 * as al_index_load with AL_INDEX_VERIFY, then close.  Returns 0 or -1. */
int al_index_check(const char *idx_path, double *seconds, uint64_t *bytes, gsa_err_t *err);

#endif
