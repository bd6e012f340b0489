/* musl/fastmem.c — memcpy, memmove and memset for the static musl build
 * only (linked by `make static`, never by the glibc build).
 *
 * musl's x86_64 memcpy/memmove/memset are `rep movsq` / `rep stosq` plus
 * single `movsb` for the ragged ends.  On the VMs we run on (no fast short
 * REP MOV) that costs ~150 ns for any copy up to a few hundred bytes, ten to
 * fifteen times glibc: align spent a quarter of its CPU in memcpy (FASTQ
 * lines through zlib's gzgets, read records).  These versions move 16 bytes
 * per load/store with unaligned SSE2 moves (GCC vector extension; plain C),
 * covering short and ragged sizes with two overlapping moves, so no size
 * needs a byte loop.
 *
 * Built with -fno-builtin -fno-tree-loop-distribute-patterns (see the
 * Makefile) so that GCC does not turn these loops back into calls to the
 * very functions they define. */
#include <stddef.h>
#include <stdint.h>

typedef unsigned char v16 __attribute__((vector_size(16), aligned(1), may_alias));
typedef uint64_t u64u __attribute__((aligned(1), may_alias));
typedef uint32_t u32u __attribute__((aligned(1), may_alias));
typedef uint16_t u16u __attribute__((aligned(1), may_alias));

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

/* n <= 32: every load happens before any store, so this is also a correct
 * memmove for overlapping buffers */
static inline void copy_small(unsigned char *d, const unsigned char *s, size_t n)
{
	if (n >= 16) {
		v16 a = *(const v16 *)s, b = *(const v16 *)(s + n - 16);
		*(v16 *)d = a;
		*(v16 *)(d + n - 16) = b;
	} else if (n >= 8) {
		uint64_t a = *(const u64u *)s, b = *(const u64u *)(s + n - 8);
		*(u64u *)d = a;
		*(u64u *)(d + n - 8) = b;
	} else if (n >= 4) {
		uint32_t a = *(const u32u *)s, b = *(const u32u *)(s + n - 4);
		*(u32u *)d = a;
		*(u32u *)(d + n - 4) = b;
	} else if (n >= 2) {
		uint16_t a = *(const u16u *)s, b = *(const u16u *)(s + n - 2);
		*(u16u *)d = a;
		*(u16u *)(d + n - 2) = b;
	} else if (n == 1) {
		*d = *s;
	}
}

/* n > 32, copying front to back: safe when d <= s or the buffers do not
 * overlap (each block is loaded before it is stored; the last 32 source
 * bytes are loaded before anything is stored) */
static inline void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
	v16 t0 = *(const v16 *)(s + n - 32), t1 = *(const v16 *)(s + n - 16);
	size_t i = 0;
	for (; i + 32 <= n - 32; i += 32) {
		v16 a = *(const v16 *)(s + i), b = *(const v16 *)(s + i + 16);
		*(v16 *)(d + i) = a;
		*(v16 *)(d + i + 16) = b;
	}
	/* at most 32 bytes before the tail */
	if (i < n - 32) {
		v16 a = *(const v16 *)(s + i), b = *(const v16 *)(s + i + 16);
		*(v16 *)(d + i) = a;
		*(v16 *)(d + i + 16) = b;
	}
	*(v16 *)(d + n - 32) = t0;
	*(v16 *)(d + n - 16) = t1;
}

/* n > 32, back to front: for overlapping buffers with d > s */
static inline void copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
	v16 h0 = *(const v16 *)s, h1 = *(const v16 *)(s + 16);
	size_t i = n;
	for (; i >= 64; i -= 32) {
		v16 a = *(const v16 *)(s + i - 32), b = *(const v16 *)(s + i - 16);
		*(v16 *)(d + i - 32) = a;
		*(v16 *)(d + i - 16) = b;
	}
	if (i > 32) {
		v16 a = *(const v16 *)(s + i - 32), b = *(const v16 *)(s + i - 16);
		*(v16 *)(d + i - 32) = a;
		*(v16 *)(d + i - 16) = b;
	}
	*(v16 *)d = h0;
	*(v16 *)(d + 16) = h1;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	if (n <= 32) copy_small(dst, src, n);
	else copy_forward(dst, src, n);
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (n <= 32) copy_small(d, s, n);
	else if ((uintptr_t)d - (uintptr_t)s >= n) copy_forward(d, s, n); /* d before s, or no overlap */
	else copy_backward(d, s, n);
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	unsigned char b = (unsigned char)c;
	v16 v = { b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b };
	uint64_t w = 0x0101010101010101ull * b;
	if (n >= 32) {
		size_t i = 0;
		for (; i + 32 <= n; i += 32) {
			*(v16 *)(d + i) = v;
			*(v16 *)(d + i + 16) = v;
		}
		*(v16 *)(d + n - 32) = v;
		*(v16 *)(d + n - 16) = v;
	} else if (n >= 16) {
		*(v16 *)d = v;
		*(v16 *)(d + n - 16) = v;
	} else if (n >= 8) {
		*(u64u *)d = w;
		*(u64u *)(d + n - 8) = w;
	} else if (n >= 4) {
		*(u32u *)d = (uint32_t)w;
		*(u32u *)(d + n - 4) = (uint32_t)w;
	} else if (n >= 2) {
		*(u16u *)d = (uint16_t)w;
		*(u16u *)(d + n - 2) = (uint16_t)w;
	} else if (n == 1) {
		*d = b;
	}
	return dst;
}
