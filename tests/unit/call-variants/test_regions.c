/* Region lists: samtools-style strings, BED files, sort and merge. */
#include <stdlib.h>

#include <htslib/sam.h>

#include "cv_call.h"
#include "unit.h"

static sam_hdr_t *hdr(void)
{
	static const char txt[] = "@SQ\tSN:chrA\tLN:1000\n@SQ\tSN:chrB\tLN:500\n";
	return sam_hdr_parse(sizeof txt - 1, txt);
}

static void test_parse_list(unit_t *t)
{
	sam_hdr_t *h = hdr();
	cv_region_t *r = NULL;
	int n = 0;
	gsa_err_t err;
	UNIT_CHECK_INT(t, cv_regions_parse(h, "chrB,chrA:101-200", &r, &n, &err), 0);
	UNIT_CHECK_INT(t, n, 2);
	UNIT_CHECK(t, r[0].tid == 1 && r[0].beg == 0 && r[0].end == 500);
	UNIT_CHECK(t, r[1].tid == 0 && r[1].beg == 100 && r[1].end == 200);
	cv_regions_normalise(r, &n);
	UNIT_CHECK(t, n == 2 && r[0].tid == 0 && r[1].tid == 1);
	/* an end past the contig is clipped */
	UNIT_CHECK_INT(t, cv_regions_parse(h, "chrB:400-9999", &r, &n, &err), 0);
	UNIT_CHECK(t, r[n - 1].end == 500);
	free(r);
	sam_hdr_destroy(h);
}

static void test_unknown_contig(unit_t *t)
{
	sam_hdr_t *h = hdr();
	cv_region_t *r = NULL;
	int n = 0;
	gsa_err_t err;
	gsa_err_clear(&err);
	UNIT_CHECK_INT(t, cv_regions_parse(h, "chrZ:1-10", &r, &n, &err), -1);
	UNIT_CHECK_INT(t, err.code, GSA_EDATA);
	UNIT_CHECK(t, strstr(err.msg, "chrZ") != NULL);
	free(r);
	sam_hdr_destroy(h);
}

static void test_bed_and_merge(unit_t *t)
{
	sam_hdr_t *h = hdr();
	char path[512];
	snprintf(path, sizeof path, "%s/r.bed", t->tmpdir);
	FILE *f = fopen(path, "w");
	fputs("track name=x\nchrA\t500\t600\nchrA\t0\t100\nchrA\t550\t700\n# note\nchrB\t10\t20\n", f);
	fclose(f);
	cv_region_t *r = NULL;
	int n = 0;
	gsa_err_t err;
	UNIT_CHECK_INT(t, cv_regions_bed(h, path, &r, &n, &err), 0);
	UNIT_CHECK_INT(t, n, 4);
	cv_regions_normalise(r, &n);
	UNIT_CHECK_INT(t, n, 3);
	UNIT_CHECK(t, r[0].tid == 0 && r[0].beg == 0 && r[0].end == 100);
	UNIT_CHECK(t, r[1].tid == 0 && r[1].beg == 500 && r[1].end == 700);
	UNIT_CHECK(t, r[2].tid == 1 && r[2].beg == 10 && r[2].end == 20);
	free(r);
	/* a BED line naming an unknown contig is an error with its line number */
	f = fopen(path, "w");
	fputs("chrA\t1\t2\nchrQ\t1\t2\n", f);
	fclose(f);
	r = NULL; n = 0;
	UNIT_CHECK_INT(t, cv_regions_bed(h, path, &r, &n, &err), -1);
	UNIT_CHECK(t, err.code == GSA_EDATA && strstr(err.msg, "line 2") != NULL);
	free(r);
	sam_hdr_destroy(h);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "call-variants regions");
	UNIT_RUN(&t, test_parse_list);
	UNIT_RUN(&t, test_unknown_contig);
	UNIT_RUN(&t, test_bed_and_merge);
	return unit_finish(&t);
}
