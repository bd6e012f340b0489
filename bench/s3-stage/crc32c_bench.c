/* crc32c_bench.c — throughput of gsa_crc32c_update and the cost of one
 * gsa_crc32c_combine, for bench/s3-stage/crc32c.sh.  Prints one line:
 * "<crc> update GB/s <x> combine us <y> hw <0|1>". */
#include "aws/crc32c.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double seconds_since(const struct timespec *a)
{
	struct timespec z;
	clock_gettime(CLOCK_MONOTONIC, &z);
	return (double)(z.tv_sec - a->tv_sec) + (double)(z.tv_nsec - a->tv_nsec) / 1e9;
}

int main(void)
{
	const size_t n = 64u << 20;
	const int rounds = 8, combines = 100000;
	unsigned char *b = malloc(n);
	if (!b) return 1;
	for (size_t i = 0; i < n; i++) b[i] = (unsigned char)((i * 2654435761u) >> 13);
	struct timespec t0;
	uint32_t c = 0, x = 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int r = 0; r < rounds; r++) c = gsa_crc32c_update(c, b, n);
	double upd = seconds_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int r = 0; r < combines; r++) x = gsa_crc32c_combine(x, (uint32_t)r, (uint64_t)r * 8191 + 5);
	double comb = seconds_since(&t0);
	printf("%08x update GB/s %.2f combine us %.2f hw %d (%08x)\n", c, (double)rounds * (double)n / upd / 1e9,
	       comb * 1e6 / combines, gsa_crc32c_hw(), x);
	free(b);
	return 0;
}
