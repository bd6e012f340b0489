/* al_refseq.h — a reference FASTA loaded for indexing, 2 bits per base.
 *
 * Contigs are concatenated into one coordinate space ("global" positions).
 * Bases are packed 4 per byte (codes of al_nt.h, low bits first); anything
 * but ACGT is stored as A and listed in the N runs, so the whole reference
 * costs 0.25 byte per base while it is indexed.  Names are the first word
 * of the header line.  Plain or gzip-compressed FASTA.
 */
#ifndef ALIGN_AL_REFSEQ_H
#define ALIGN_AL_REFSEQ_H

#include <stdint.h>

#include "err.h"

typedef struct al_refseq {
	int n_contigs;
	char **names;       /* owned */
	uint64_t *offset;   /* global start of each contig */
	uint64_t *len;      /* contig lengths */
	uint8_t *pac;       /* (total + 3) / 4 bytes, 2 bits per base; owned */
	uint64_t *nruns;    /* n_nruns pairs [start, end) of non-ACGT bases, global, sorted; owned */
	uint64_t n_nruns;
	uint64_t total;     /* sum of len */
	uint64_t file_size; /* bytes of the FASTA file as stored */
	uint64_t file_hash; /* hash of those bytes (al_refseq_hash_file) */
} al_refseq_t;

/* Load `path`.  Returns 0, or -1 with err set: GSA_EIO when it cannot be
 * read, GSA_EDATA for no contigs, an empty/duplicate name, sequence before a
 * header, a contig without bases or a truncated gzip stream. */
int al_refseq_load(al_refseq_t *r, const char *path, gsa_err_t *err);

/* Release everything owned by r (safe on a zeroed r). */
void al_refseq_free(al_refseq_t *r);

/* Hash the bytes of a file (64-bit, order-sensitive) and report its size.
 * Returns 0, or -1 with err set (GSA_EIO). */
int al_refseq_hash_file(const char *path, uint64_t *hash, uint64_t *size, gsa_err_t *err);

/* Decode bases [start, end) of a packed reference into out as codes 0..4
 * (N runs applied).  Positions at or past `total` come out as 4. */
void al_refseq_unpack(const uint8_t *pac, uint64_t total, const uint64_t *nruns, uint64_t n_nruns,
		      uint64_t start, uint64_t end, uint8_t *out);

#endif
