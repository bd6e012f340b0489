/* samout.h — BAM records and header for the aligner's output.
 *
 * Records carry FLAG, MAPQ, CIGAR (soft clips), mate fields and TLEN, and the
 * tags NM, MD, AS, XS, MC, MQ, SA and RG, and with an ALT list (al_alt.h)
 * XA on a primary record: its placements on ALT contigs in bwa's format,
 * "contig,(+|-)pos,CIGAR,NM;" per placement (1-based pos, sign = strand),
 * at most AL_XA_MAX, best first.
 */
#ifndef ALIGN_AL_SAMOUT_H
#define ALIGN_AL_SAMOUT_H

#include <htslib/sam.h>

#include "err.h"
#include "al_index.h"
#include "al_pair.h"

/* One read as read from FASTQ. */
typedef struct al_read {
	char *name;        /* without "/1", "/2" and comment */
	char *seq, *qual;  /* ASCII as in the file (qual Phred+33) */
	int len;
	uint8_t *code[2];  /* codes: [0] as read, [1] reverse complement */
	size_t m_name, m_seq; /* allocated sizes (buffers reused across batches) */
} al_read_t;

/* Parse a bwa-style read-group line ("@RG\tID:x\tSM:y", literal "\t"
 * accepted).  Sets *line (newly allocated, real tabs) and *id (newly
 * allocated).  Returns 0, or -1 with err set (GSA_EUSAGE). */
int al_samout_parse_rg(const char *arg, char **line, char **id, gsa_err_t *err);

/* A header with the index's contigs, the read group (may be NULL) and a
 * @PG line with the command line. */
sam_hdr_t *al_samout_header(const al_index_t *ix, const char *rg_line, const char *cmdline);

/* Scratch space for record building. */
typedef struct al_samout_buf {
	uint8_t *ref;
	size_t m_ref;
	char *seq, *qual;
	size_t m_seq;
	kstring_t md, sa, cig, xa;
} al_samout_buf_t;

void al_samout_buf_free(al_samout_buf_t *b);

/* Append the records of a template (n_reads 1 or 2) to recs[*n ..]; recs
 * must have room for 2 * n_reads records.  rg_id may be NULL.  Returns 0,
 * or -1 on allocation failure inside htslib. */
int al_samout_template(const al_index_t *ix, const al_read_t *r, const al_end_result_t *e, int n_reads,
		    const char *rg_id, al_samout_buf_t *b, bam1_t **recs, int *n);

#endif
