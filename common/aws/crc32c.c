/* crc32c.c — CRC-32C, slice-by-8 in software, SSE4.2 when available;
 * combining CRCs by GF(2) polynomial arithmetic. */
#include "aws/crc32c.h"

#include <pthread.h>
#include <string.h>

#define POLY 0x82f63b78u /* reflected Castagnoli polynomial, for the byte tables */

/*
 * Shifting a CRC over zero bytes is polynomial arithmetic over GF(2):
 * appending n bytes multiplies the CRC register by x^(8n) modulo the
 * generator P, and CRCs are linear, so crc(A || B) = crc(A) * x^(8|B|)
 * mod P  xor  crc(B)  (the pre/post inversions cancel out).  Here a
 * polynomial of degree < 32 is a uint32_t in natural order (bit i is the
 * coefficient of x^i); CRC values keep the reflected order (bit 31 is x^0)
 * and are bit-reversed on the way in and out.  x^(8n) is assembled from
 * the squares x^(2^k) mod P, one factor per set bit of 8n.  The squares are
 * all kept: for this P they repeat with period 31 (x^(2^31) = x), so
 * reusing those of a 32-bit CRC-32 cycle would be wrong past 2^29 bytes.
 */
#define GEN_LOW 0x1edc6f41u /* P = x^32 + GEN_LOW, natural order */
#define SQUARES 67          /* x^(2^k) for k < 67 covers 8n for any 64-bit n */
#define HW_STREAM 256       /* bytes per stream in the hardware loop */

typedef struct {
	uint32_t t[8][256];           /* slice-by-8 byte tables */
	uint32_t square[SQUARES];     /* x^(2^k) mod P, natural order */
	uint32_t shift[2][4][256];    /* register * x^(8 * 2 * HW_STREAM), x^(8 * HW_STREAM):
				       * one table per register byte, reflected order */
	int hw;
} crc_tables_t;

static crc_tables_t g_tab; /* written once under pthread_once, read-only after */
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static uint32_t bits_reverse(uint32_t v)
{
	uint32_t r = 0;
	for (int i = 0; i < 32; i++, v >>= 1) r = (r << 1) | (v & 1);
	return r;
}

/* a * b mod P, both in natural order: a carry-less product of up to 63
 * bits, then the terms of degree >= 32 folded down with P. */
static uint32_t gf2_mul_mod(uint32_t a, uint32_t b)
{
	const uint64_t gen = (1ull << 32) | GEN_LOW;
	uint64_t prod = 0;
	for (int i = 0; i < 32; i++)
		if ((b >> i) & 1) prod ^= (uint64_t)a << i;
	for (int d = 62; d >= 32; d--)
		if ((prod >> d) & 1) prod ^= gen << (d - 32);
	return (uint32_t)prod;
}

/* x^(8 * nbytes) mod P in natural order, from the table of squares. */
static uint32_t x_pow_bytes(uint64_t nbytes)
{
	uint32_t acc = 1; /* x^0 */
	for (int k = 3; nbytes; k++, nbytes >>= 1) /* 8 * nbytes: bit j of nbytes is 2^(j+3) */
		if (nbytes & 1) acc = gf2_mul_mod(acc, g_tab.square[k]);
	return acc;
}

/* A reflected CRC register times x^(8 * nbytes) mod P. */
static uint32_t crc_shift(uint32_t reg, uint64_t nbytes)
{
	return bits_reverse(gf2_mul_mod(bits_reverse(reg), x_pow_bytes(nbytes)));
}

/* The same for the two fixed distances of the hardware loop: the product
 * is linear in the register, so it is the xor of one table entry per byte. */
static inline uint32_t crc_shift_table(int which, uint32_t reg)
{
	return g_tab.shift[which][0][reg & 0xff] ^ g_tab.shift[which][1][(reg >> 8) & 0xff] ^
	       g_tab.shift[which][2][(reg >> 16) & 0xff] ^ g_tab.shift[which][3][reg >> 24];
}

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
static int cpu_has_sse42(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
	return (c & bit_SSE4_2) != 0;
}

__attribute__((target("sse4.2")))
static uint32_t crc_hw(uint32_t crc, const unsigned char *p, size_t n)
{
	uint64_t c = crc;
	while (n && ((uintptr_t)p & 7)) { c = __builtin_ia32_crc32qi((uint32_t)c, *p++); n--; }
	/* three independent streams hide the instruction's latency */
	while (n >= 3 * HW_STREAM) {
		uint64_t c1 = 0, c2 = 0;
		const unsigned char *p1 = p + HW_STREAM, *p2 = p + 2 * HW_STREAM;
		for (int i = 0; i < HW_STREAM; i += 8) {
			uint64_t v0, v1, v2;
			memcpy(&v0, p + i, 8); memcpy(&v1, p1 + i, 8); memcpy(&v2, p2 + i, 8);
			c = __builtin_ia32_crc32di(c, v0);
			c1 = __builtin_ia32_crc32di(c1, v1);
			c2 = __builtin_ia32_crc32di(c2, v2);
		}
		/* move c past the two later streams and c1 past the last one */
		c = crc_shift_table(0, (uint32_t)c) ^ crc_shift_table(1, (uint32_t)c1) ^ c2;
		p += 3 * HW_STREAM; n -= 3 * HW_STREAM;
	}
	while (n >= 8) { uint64_t v; memcpy(&v, p, 8); c = __builtin_ia32_crc32di(c, v); p += 8; n -= 8; }
	while (n) { c = __builtin_ia32_crc32qi((uint32_t)c, *p++); n--; }
	return (uint32_t)c;
}
#else
static int cpu_has_sse42(void) { return 0; }
static uint32_t crc_hw(uint32_t crc, const unsigned char *p, size_t n) { (void)p; (void)n; return crc; }
#endif

static void init_tables(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ POLY : c >> 1;
		g_tab.t[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int s = 1; s < 8; s++)
			g_tab.t[s][i] = (g_tab.t[s - 1][i] >> 8) ^ g_tab.t[0][g_tab.t[s - 1][i] & 0xff];
	g_tab.square[0] = 2; /* x */
	for (int k = 1; k < SQUARES; k++) g_tab.square[k] = gf2_mul_mod(g_tab.square[k - 1], g_tab.square[k - 1]);
	for (int which = 0; which < 2; which++) {
		uint32_t by = x_pow_bytes(which == 0 ? 2 * HW_STREAM : HW_STREAM);
		for (int byte = 0; byte < 4; byte++)
			for (uint32_t v = 0; v < 256; v++)
				g_tab.shift[which][byte][v] =
					bits_reverse(gf2_mul_mod(bits_reverse(v << (8 * byte)), by));
	}
	g_tab.hw = cpu_has_sse42();
}

static uint32_t crc_sw(uint32_t c, const unsigned char *p, size_t n)
{
	while (n && ((uintptr_t)p & 7)) { c = (c >> 8) ^ g_tab.t[0][(c ^ *p++) & 0xff]; n--; }
	while (n >= 8) {
		uint32_t lo = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
		lo ^= c;
		c = g_tab.t[7][lo & 0xff] ^ g_tab.t[6][(lo >> 8) & 0xff] ^ g_tab.t[5][(lo >> 16) & 0xff] ^
		    g_tab.t[4][lo >> 24] ^ g_tab.t[3][p[4]] ^ g_tab.t[2][p[5]] ^ g_tab.t[1][p[6]] ^ g_tab.t[0][p[7]];
		p += 8; n -= 8;
	}
	while (n) { c = (c >> 8) ^ g_tab.t[0][(c ^ *p++) & 0xff]; n--; }
	return c;
}

uint32_t gsa_crc32c_update(uint32_t crc, const void *buf, size_t n)
{
	pthread_once(&g_once, init_tables);
	uint32_t c = ~crc;
	c = g_tab.hw ? crc_hw(c, buf, n) : crc_sw(c, buf, n);
	return ~c;
}

uint32_t gsa_crc32c_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b)
{
	pthread_once(&g_once, init_tables);
	return crc_shift(crc_a, len_b) ^ crc_b;
}

int gsa_crc32c_hw(void)
{
	pthread_once(&g_once, init_tables);
	return g_tab.hw;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void gsa_crc32c_base64(uint32_t crc, char out[9])
{
	unsigned char b[4] = { crc >> 24, crc >> 16, crc >> 8, crc };
	out[0] = b64[b[0] >> 2];
	out[1] = b64[((b[0] & 3) << 4) | (b[1] >> 4)];
	out[2] = b64[((b[1] & 15) << 2) | (b[2] >> 6)];
	out[3] = b64[b[2] & 63];
	out[4] = b64[b[3] >> 2];
	out[5] = b64[(b[3] & 3) << 4];
	out[6] = '=';
	out[7] = '=';
	out[8] = 0;
}

int gsa_crc32c_from_base64(const char *s, uint32_t *crc)
{
	uint32_t v[6];
	if (strlen(s) != 8 || strcmp(s + 6, "==")) return -1;
	for (int i = 0; i < 6; i++) {
		const char *q = s[i] ? strchr(b64, s[i]) : NULL;
		if (!q) return -1;
		v[i] = (uint32_t)(q - b64);
	}
	if (v[5] & 15) return -1;
	*crc = v[0] << 26 | v[1] << 20 | v[2] << 14 | v[3] << 8 | v[4] << 2 | v[5] >> 4;
	return 0;
}
