/* crc32c.c — CRC-32C, slice-by-8 in software, SSE4.2 when available. */
#include "aws/crc32c.h"

#include <pthread.h>
#include <string.h>

#define POLY 0x82f63b78u /* reflected Castagnoli polynomial */

typedef struct {
	uint32_t t[8][256];
	uint32_t x2n[32]; /* x^(2^k) mod P, for combine */
	int hw;
} crc_tables_t;

static crc_tables_t g_tab; /* written once under pthread_once, read-only after */
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static uint32_t multmodp(uint32_t a, uint32_t b)
{
	uint32_t m = 1u << 31, p = 0;
	for (;;) {
		if (a & m) {
			p ^= b;
			if ((a & (m - 1)) == 0) break;
		}
		m >>= 1;
		b = b & 1 ? (b >> 1) ^ POLY : b >> 1;
	}
	return p;
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
	while (n >= 3 * 256) {
		uint64_t c1 = 0, c2 = 0;
		const unsigned char *p1 = p + 256, *p2 = p + 512;
		for (int i = 0; i < 256; i += 8) {
			uint64_t v0, v1, v2;
			memcpy(&v0, p + i, 8); memcpy(&v1, p1 + i, 8); memcpy(&v2, p2 + i, 8);
			c = __builtin_ia32_crc32di(c, v0);
			c1 = __builtin_ia32_crc32di(c1, v1);
			c2 = __builtin_ia32_crc32di(c2, v2);
		}
		/* shift c over 512 bytes and c1 over 256 bytes, then merge */
		c = multmodp(g_tab.x2n[12], (uint32_t)c) ^ multmodp(g_tab.x2n[11], (uint32_t)c1) ^ c2;
		p += 3 * 256; n -= 3 * 256;
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
	uint32_t p = 1u << 30; /* x^1 */
	g_tab.x2n[0] = p;
	for (int k = 1; k < 32; k++) g_tab.x2n[k] = p = multmodp(p, p);
	g_tab.hw = cpu_has_sse42();
}

/* x^(n * 2^k) mod P */
static uint32_t x2nmodp(uint64_t n, unsigned k)
{
	uint32_t p = 1u << 31; /* x^0 */
	while (n) {
		if (n & 1) p = multmodp(g_tab.x2n[k & 31], p);
		n >>= 1;
		k++;
	}
	return p;
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
	return multmodp(x2nmodp(len_b, 3), crc_a) ^ crc_b;
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
