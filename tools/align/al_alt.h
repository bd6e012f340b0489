/* al_alt.h — ALT contigs (alternate haplotypes such as GRCh38's
 * chr6_GL000250v2_alt) from a `.alt`-style list.
 *
 * A list names one contig per line in its first whitespace-separated
 * column; lines starting with '@' or '#' are ignored, so bwa's SAM-style
 * `.alt` files work as they are.  An ALT hit does not lower the MAPQ or XS
 * of a placement on a primary contig and is reported in XA (al_pair.c,
 * al_samout.c; tools/align/README.md, "ALT contigs").
 */
#ifndef ALIGN_AL_ALT_H
#define ALIGN_AL_ALT_H

#include <stdint.h>

#include "err.h"

/* Read the list at path against the contig names names[0..n).  Sets
 * *is_alt (newly allocated, n flags, 1 for an ALT contig) and *n_alt.
 * Returns 0, or -1 with err set: GSA_EIO when the file cannot be read (or
 * is not a regular file or pipe, gsa_input_check),
 * GSA_EDATA naming the file and line when a name is not a contig or a line
 * holds a NUL byte.  An empty list gives no ALT contig. */
int al_alt_load(const char *path, const char *const *names, int n, uint8_t **is_alt, int *n_alt, gsa_err_t *err);

#endif
