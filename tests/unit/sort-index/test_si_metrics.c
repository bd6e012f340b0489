#include "unit.h"
#include "si_metrics.h"
#include "si_rec.h"

#include <stdlib.h>
#include <string.h>

static sam_hdr_t *header(void)
{
	static const char txt[] = "@SQ\tSN:a\tLN:100\n@SQ\tSN:b\tLN:50\n@SQ\tSN:c\tLN:5000\n";
	return sam_hdr_parse(sizeof txt - 1, txt);
}

/* A SAM line packed into BAM file form (malloc'd). */
static si_rec_t *rec(sam_hdr_t *h, const char *line)
{
	bam1_t *b = bam_init1();
	kstring_t ks = KS_INITIALIZE;
	gsa_err_t err;
	si_rec_t *r;
	kputs(line, &ks);
	if (sam_parse1(&ks, h, b) < 0) abort();
	r = malloc(gsa_bamrec_packed_size(b));
	if (gsa_bamrec_pack(b, r, &err) < 0) abort();
	bam_destroy1(b);
	free(ks.s);
	return r;
}

static void add(si_metrics_t *m, sam_hdr_t *h, const char *line)
{
	si_rec_t *r = rec(h, line);
	si_metrics_add(m, r);
	free(r);
}

/* Depth by hand: a: 10M at 1 (pos 0-9), 5M2D5M at 6 (5-9, 12-16: the
 * deletion is not covered), a duplicate and a secondary (not counted); b
 * nothing; c: one 3000-base read (longer than the first ring) at 101. */
static void test_coverage_by_hand(unit_t *t)
{
	sam_hdr_t *h = header();
	si_metrics_t m;
	char *seq = malloc(3001), line[4000];
	si_metrics_init(&m);
	si_metrics_start(&m, h, 1);
	add(&m, h, "r1\t0\ta\t1\t60\t10M\t*\t0\t0\tAAAAAAAAAA\t*");
	add(&m, h, "r2\t16\ta\t6\t60\t5M2D5M\t*\t0\t0\tAAAAAAAAAA\t*");
	add(&m, h, "r3\t1024\ta\t6\t60\t10M\t*\t0\t0\tAAAAAAAAAA\t*");
	add(&m, h, "r4\t256\ta\t6\t60\t10M\t*\t0\t0\tAAAAAAAAAA\t*");
	add(&m, h, "r5\t4\ta\t7\t0\t*\t*\t0\t0\tAAAA\t*");
	memset(seq, 'C', 3000);
	seq[3000] = '\0';
	snprintf(line, sizeof line, "r6\t0\tc\t101\t60\t3000M\t*\t0\t0\t%s\t*", seq);
	add(&m, h, line);
	add(&m, h, "r7\t4\t*\t0\t0\t*\t*\t0\t0\tAAAA\t*");
	si_metrics_finish(&m);
	UNIT_CHECK_INT(t, m.records, 7);
	UNIT_CHECK_INT(t, m.primary, 6);
	UNIT_CHECK_INT(t, m.mapped, 5); /* secondary and duplicate count as mapped (flagstat) */
	UNIT_CHECK_INT(t, m.duplicates, 1);
	/* a: depth 1 at 0-4, 2 at 5-9, 1 at 12-16 -> 15 covered, sum 20 */
	UNIT_CHECK_INT(t, m.covered[0], 15);
	UNIT_CHECK_INT(t, m.depth_sum[0], 20);
	UNIT_CHECK_INT(t, m.hist[0 * (SI_COV_MAX + 1) + 0], 85);
	UNIT_CHECK_INT(t, m.hist[0 * (SI_COV_MAX + 1) + 1], 10);
	UNIT_CHECK_INT(t, m.hist[0 * (SI_COV_MAX + 1) + 2], 5);
	UNIT_CHECK_INT(t, m.covered[1], 0);
	UNIT_CHECK_INT(t, m.hist[1 * (SI_COV_MAX + 1) + 0], 50);
	UNIT_CHECK_INT(t, m.covered[2], 3000);
	UNIT_CHECK_INT(t, m.depth_sum[2], 3000);
	UNIT_CHECK_INT(t, m.global[0], 85 + 50 + 2000);
	UNIT_CHECK_INT(t, m.global[1], 10 + 3000);
	UNIT_CHECK_INT(t, m.global[2], 5);
	si_metrics_free(&m);
	free(seq);
	sam_hdr_destroy(h);
}

/* Reads running past the contig's end are cut there; a random pile of
 * reads matches a depth array computed position by position. */
static void test_coverage_matches_array(unit_t *t)
{
	sam_hdr_t *h = header();
	si_metrics_t m;
	int depth[5000], i, k, pos[400];
	uint64_t seed = 7, sum = 0, cov = 0;
	char line[600], seq[301];
	memset(depth, 0, sizeof depth);
	for (i = 0; i < 400; i++) pos[i] = (int)(unit_rng_next(&seed) % 4990);
	for (i = 0; i < 400; i++) /* sorted */
		for (k = i + 1; k < 400; k++)
			if (pos[k] < pos[i]) { int x = pos[i]; pos[i] = pos[k]; pos[k] = x; }
	si_metrics_init(&m);
	si_metrics_start(&m, h, 1);
	memset(seq, 'G', 300);
	for (i = 0; i < 400; i++) {
		int len = 20 + (int)(unit_rng_next(&seed) % 280);
		seq[len] = '\0';
		snprintf(line, sizeof line, "x%d\t0\tc\t%d\t60\t%dM\t*\t0\t0\t%s\t*", i, pos[i] + 1, len, seq);
		seq[len] = 'G';
		add(&m, h, line);
		for (k = pos[i]; k < pos[i] + len && k < 5000; k++) depth[k]++;
	}
	si_metrics_finish(&m);
	for (k = 0; k < 5000; k++) {
		sum += (uint64_t)depth[k];
		cov += depth[k] > 0;
	}
	UNIT_CHECK_INT(t, m.depth_sum[2], sum);
	UNIT_CHECK_INT(t, m.covered[2], cov);
	{
		uint64_t hist[SI_COV_MAX + 1];
		memset(hist, 0, sizeof hist);
		for (k = 0; k < 5000; k++) hist[depth[k]]++;
		for (k = 0; k <= SI_COV_MAX; k++)
			if (hist[k] != m.hist[2 * (SI_COV_MAX + 1) + k]) UNIT_CHECK_INT(t, m.hist[2 * (SI_COV_MAX + 1) + k], hist[k]);
	}
	si_metrics_free(&m);
	sam_hdr_destroy(h);
}

/* Name order: counts only; the JSON holds no coverage. */
static void test_name_order_counts_only(unit_t *t)
{
	sam_hdr_t *h = header();
	si_metrics_t m;
	char path[512], buf[4096];
	FILE *fp;
	size_t n;
	gsa_err_t err;
	si_metrics_init(&m);
	si_metrics_start(&m, h, 0);
	add(&m, h, "r1\t1107\ta\t50\t60\t10M\t=\t1\t0\tAAAAAAAAAA\t*");
	add(&m, h, "r1\t1187\ta\t1\t60\t10M\t=\t50\t0\tAAAAAAAAAA\t*");
	si_metrics_finish(&m);
	snprintf(path, sizeof path, "%s/m.json", t->tmpdir);
	UNIT_CHECK_INT(t, si_metrics_write(&m, path, &err), 0);
	fp = fopen(path, "r");
	n = fp ? fread(buf, 1, sizeof buf - 1, fp) : 0;
	if (fp) fclose(fp);
	buf[n] = '\0';
	UNIT_CHECK(t, strstr(buf, "\"coverage\"") == NULL);
	UNIT_CHECK(t, strstr(buf, "\"duplicates_marked\":true") != NULL);
	UNIT_CHECK(t, strstr(buf, "\"duplicate_rate\":1") != NULL);
	UNIT_CHECK(t, strstr(buf, "\"properly_paired\":2") != NULL);
	si_metrics_free(&m);
	sam_hdr_destroy(h);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "si_metrics");
	UNIT_RUN(&t, test_coverage_by_hand);
	UNIT_RUN(&t, test_coverage_matches_array);
	UNIT_RUN(&t, test_name_order_counts_only);
	return unit_finish(&t);
}
