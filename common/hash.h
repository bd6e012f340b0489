/* hash.h — the string hash shared by the tools (FNV-1a, 64-bit).
 *
 * Used where a read's name must key the same value in every run, thread
 * and chunk: align's per-read seed for random choices among repeat copies,
 * call-variants' fragment key (both mates of a pair) for phase evidence. */
#ifndef GSA_HASH_H
#define GSA_HASH_H

#include <stdint.h>

/* 64-bit FNV-1a of the NUL-terminated string s. */
static inline uint64_t gsa_hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++) h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
	return h;
}

#endif
