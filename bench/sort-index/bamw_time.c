/* bench/sort-index/bamw_time.c — time si_bamw alone.
 *
 *     bamw_time IN.bam OUT.bam LEVEL THREADS [--bai]
 *
 * Reads every record of IN.bam in BAM file form (htslib bgzf_read) into
 * memory, then writes them with si_bamw (libdeflate LEVEL, a pool of
 * THREADS, 0 = no pool; with --bai also OUT.bam.bai).  Prints one line on
 * stderr: records, raw size, and wall / CPU seconds of each phase.  Built
 * and run by bench/sort-index/bamw_run.sh; not part of the tool. */
#include "si_bamw.h"
#include "si_pool.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <htslib/bgzf.h>

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_now(void)
{
	struct rusage r;
	getrusage(RUSAGE_SELF, &r);
	return (double)(r.ru_utime.tv_sec + r.ru_stime.tv_sec) + (double)(r.ru_utime.tv_usec + r.ru_stime.tv_usec) * 1e-6;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int main(int argc, char **argv)
{
	int level, threads, bai, fd;
	double t0, c0, t1, c1, t2, c2;
	samFile *in;
	sam_hdr_t *h;
	uint8_t *buf;
	size_t cap = (size_t)64 << 20, len = 0, at, n_rec = 0;
	si_pool_t *pool;
	si_bamw_t *w;
	gsa_err_t e;
	char idx[4096];
	if (argc < 5) {
		fprintf(stderr, "usage: bamw_time IN.bam OUT.bam LEVEL THREADS [--bai]\n");
		return 1;
	}
	level = atoi(argv[3]);
	threads = atoi(argv[4]);
	bai = argc > 5 && strcmp(argv[5], "--bai") == 0;
	t0 = wall_now();
	c0 = cpu_now();
	if (!(in = sam_open(argv[1], "r")) || !(h = sam_hdr_read(in)) || in->format.format != bam) {
		fprintf(stderr, "%s: cannot read as BAM\n", argv[1]);
		return 2;
	}
	buf = malloc(cap);
	for (;;) {
		uint8_t bs4[4];
		ssize_t n = bgzf_read(in->fp.bgzf, bs4, 4);
		uint32_t bs;
		if (n == 0) break;
		if (n != 4) return 2;
		bs = le32(bs4);
		while (len + 4 + bs > cap) buf = realloc(buf, cap *= 2);
		if (!buf) return 2;
		memcpy(buf + len, bs4, 4);
		if (bgzf_read(in->fp.bgzf, buf + len + 4, bs) != (ssize_t)bs) return 2;
		len += 4 + (size_t)bs;
		n_rec++;
	}
	t1 = wall_now();
	c1 = cpu_now();
	pool = threads > 0 ? si_pool_new(threads) : NULL;
	fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	w = fd < 0 ? NULL : si_bamw_open(fd, argv[2], h, level, pool, bai ? SI_BAMW_INDEX_BAI : SI_BAMW_INDEX_NONE, 0, &e);
	if (!w) {
		fprintf(stderr, "%s\n", fd < 0 ? argv[2] : e.msg);
		return 3;
	}
	for (at = 0; at < len; at += 4 + (size_t)le32(buf + at)) {
		if (si_bamw_put(w, buf + at, &e) < 0) {
			fprintf(stderr, "%s\n", e.msg);
			si_bamw_free(w);
			return 3;
		}
	}
	snprintf(idx, sizeof idx, "%s.bai", argv[2]);
	if (si_bamw_finish(w, idx, &e) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		return 3;
	}
	close(fd);
	t2 = wall_now();
	c2 = cpu_now();
	si_pool_free(pool);
	fprintf(stderr, "records %zu (%.1f MiB); read: wall %.2f cpu %.2f; write -l %d -@%d%s: wall %.2f cpu %.2f\n",
		n_rec, (double)len / 1048576.0, t1 - t0, c1 - c0, level, threads, bai ? " +bai" : "", t2 - t1, c2 - c1);
	sam_hdr_destroy(h);
	sam_close(in);
	free(buf);
	return 0;
}
