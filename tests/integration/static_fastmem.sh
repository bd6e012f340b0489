#!/usr/bin/env bash
# musl/fastmem.c (memcpy, memmove, memset of the static build) against byte
# loops: every size 0..300 and 4096+-1, every source/destination alignment
# 0..15, memmove with every overlap in both directions, memset with several
# values; the bytes around each destination must stay untouched.
. "$(dirname "$0")/lib.sh"
OBJ=$GSA_ROOT/build/static/obj/musl/fastmem.o
[ -f "$OBJ" ] || skip "no static build (make static)"
command -v musl-gcc >/dev/null || skip "musl-gcc missing (make static)"
cat >"$TMP/check.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#define CAP 16384
static unsigned char a[CAP], b[CAP], ref[CAP];
static unsigned seed = 1;
static void fill(unsigned char *p, size_t n) { for (size_t i = 0; i < n; i++) { seed = seed * 1103515245u + 12345u; p[i] = (unsigned char)(seed >> 16); } }
static int sizes[400], nsizes;
int main(void)
{
	for (int n = 0; n <= 300; n++) sizes[nsizes++] = n;
	sizes[nsizes++] = 4095; sizes[nsizes++] = 4096; sizes[nsizes++] = 4097;
	long bad = 0, cases = 0;
	for (int k = 0; k < nsizes; k++) {
		size_t n = (size_t)sizes[k];
		for (size_t so = 0; so < 16; so++) for (size_t d0 = 0; d0 < 16; d0++) {
			size_t doff = 64 + d0;
			/* memcpy, separate buffers */
			fill(a, CAP); fill(b, CAP); memcpy(ref, b, CAP);
			for (size_t i = 0; i < n; i++) ref[doff + i] = a[so + i];
			if (memcpy(b + doff, a + so, n) != b + doff || memcmp(b, ref, CAP)) { bad++; if (bad < 5) printf("memcpy n=%zu so=%zu do=%zu\n", n, so, doff); }
			/* memset */
			int v = (int)((n + so + d0) % 256);
			fill(b, CAP); memcpy(ref, b, CAP);
			for (size_t i = 0; i < n; i++) ref[doff + i] = (unsigned char)v;
			if (memset(b + doff, v, n) != b + doff || memcmp(b, ref, CAP)) { bad++; if (bad < 5) printf("memset n=%zu do=%zu\n", n, doff); }
			cases += 2;
		}
		/* memmove within one buffer: every shift -40..40 and a far one */
		for (long shift = -40; shift <= 41; shift++) {
			long sh = shift == 41 ? (long)n + 3 : shift;
			size_t s = 2048, d = (size_t)((long)s + sh);
			fill(b, CAP); memcpy(ref, b, CAP);
			static unsigned char tmp[CAP];
			for (size_t i = 0; i < n; i++) tmp[i] = b[s + i];
			for (size_t i = 0; i < n; i++) ref[d + i] = tmp[i];
			if (memmove(b + d, b + s, n) != b + d || memcmp(b, ref, CAP)) { bad++; if (bad < 5) printf("memmove n=%zu shift=%ld\n", n, sh); }
			cases++;
		}
	}
	printf("%ld cases, %ld bad\n", cases, bad);
	return bad != 0;
}
C
check "fastmem: compiles against the static build's object" \
	musl-gcc -std=c11 -O1 -fno-builtin -static -o "$TMP/check" "$TMP/check.c" "$OBJ"
check "fastmem: memcpy, memmove, memset equal byte loops (all sizes 0..300, 4096+-1, alignments, overlaps)" "$TMP/check"
finish
