/* cv_base.h — call-variants' base codes: A, C, G, T = 0..3, anything else
 * (N, IUPAC codes, lower case) = 4. */
#ifndef CV_BASE_H
#define CV_BASE_H

#include <stdint.h>

/* Code of a 4-bit BAM base (bam_seqi). */
static inline int cv_nt16_code(int nt16)
{
	static const int8_t code[16] = { 4, 0, 1, 4, 2, 4, 4, 4, 3, 4, 4, 4, 4, 4, 4, 4 };
	return code[nt16 & 15];
}

/* Code of a reference character. */
static inline int cv_base_code(char c)
{
	switch (c) { case 'A': return 0; case 'C': return 1; case 'G': return 2; case 'T': return 3; }
	return 4;
}

#endif
