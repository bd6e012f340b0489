/* fuzz_region.c — call-variants' region strings (-r, cv_regions_parse)
 * against a header with a few contigs, then normalised; every region kept
 * must lie inside its contig and not be empty. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "call-variants/cv_call.h"

static const char hdr_text[] = "@HD\tVN:1.6\n@SQ\tSN:chr1\tLN:1000\n@SQ\tSN:chr2\tLN:50\n"
			       "@SQ\tSN:chr1:10-20\tLN:30\n@SQ\tSN:x\tLN:1\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sam_hdr_t *h = sam_hdr_parse(sizeof hdr_text - 1, hdr_text);
	char *spec = fuzz_strndup(data, size);
	cv_region_t *reg = NULL;
	int n = 0, i;
	gsa_err_t err = { 0 };
	if (!h) abort();
	if (cv_regions_parse(h, spec, &reg, &n, &err) == 0) {
		cv_regions_normalise(reg, &n);
		for (i = 0; i < n; i++)
			if (reg[i].tid < 0 || reg[i].tid >= sam_hdr_nref(h) || reg[i].beg < 0 || reg[i].beg >= reg[i].end ||
			    reg[i].end > sam_hdr_tid2len(h, reg[i].tid))
				abort();
	}
	free(reg);
	free(spec);
	sam_hdr_destroy(h);
	return 0;
}
