/* nt.h — nucleotide codes shared by the aligner modules.
 *
 * Bases are coded A=0 C=1 G=2 T=3, anything else (N, IUPAC) = 4.
 */
#ifndef ALIGN_AL_NT_H
#define ALIGN_AL_NT_H

#include <stdint.h>

/* Code of an ASCII base (either case); 4 for anything but ACGT. */
static inline uint8_t al_nt_code(int c)
{
	switch (c) {
	case 'A': case 'a': return 0;
	case 'C': case 'c': return 1;
	case 'G': case 'g': return 2;
	case 'T': case 't': return 3;
	default: return 4;
	}
}

/* Complement of a code (4 stays 4). */
static inline uint8_t al_nt_comp(uint8_t c) { return c < 4 ? (uint8_t)(3 - c) : 4; }

/* Upper-case letter of a code. */
static inline char al_nt_char(uint8_t c) { return "ACGTN"[c < 4 ? c : 4]; }

#endif
