/* fuzz_bed.c — call-variants' BED reader (--regions-file, cv_regions_bed):
 * every region kept lies inside its contig and is not empty. */
#include "fuzz.h"

#include <stdlib.h>
#include <unistd.h>

#include "call-variants/cv_call.h"

static const char hdr_text[] = "@HD\tVN:1.6\n@SQ\tSN:chr1\tLN:1000\n@SQ\tSN:chr2\tLN:50\n@SQ\tSN:x\tLN:1\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sam_hdr_t *h = sam_hdr_parse(sizeof hdr_text - 1, hdr_text);
	char path[64];
	int fd = fuzz_memfile(data, size, path), n = 0, i;
	cv_region_t *reg = NULL;
	gsa_err_t err = { 0 };
	if (!h) abort();
	if (fd >= 0 && cv_regions_bed(h, path, &reg, &n, &err) == 0) {
		cv_regions_normalise(reg, &n);
		for (i = 0; i < n; i++)
			if (reg[i].tid < 0 || reg[i].tid >= sam_hdr_nref(h) || reg[i].beg < 0 || reg[i].beg >= reg[i].end ||
			    reg[i].end > sam_hdr_tid2len(h, reg[i].tid))
				abort();
	}
	if (fd >= 0) close(fd);
	free(reg);
	sam_hdr_destroy(h);
	return 0;
}
