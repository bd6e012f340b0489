/* fuzz_bam.c — the BGZF BAM reader (common/bgzf_bamr.c): header and every
 * record of any bytes, single-threaded (no pool), as sort-index reads its
 * input; every record handed out must fit the block_size it declares. */
#include "fuzz.h"

#include <stdlib.h>
#include <unistd.h>

#include <htslib/hfile.h>
#include <htslib/hts_log.h>

#include "bgzf_bamr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfile(data, size, path);
	gsa_err_t err = { 0 };
	const uint8_t *rec;
	gsa_bamr_t *r;
	hts_set_log_level(HTS_LOG_OFF);
	if (fd < 0) return 0;
	r = gsa_bamr_open(hopen(path, "r"), "fuzz.bam", NULL, &err);
	if (r) {
		int n = 0;
		while (n++ < 1000000 && gsa_bamr_next(r, &rec, &err) > 0) {
			uint32_t bs = (uint32_t)rec[0] | (uint32_t)rec[1] << 8 | (uint32_t)rec[2] << 16 | (uint32_t)rec[3] << 24;
			if (bs < 32) abort(); /* the fixed part of a record */
			volatile uint8_t last = rec[3 + bs]; /* ASan: the whole record is readable */
			(void)last;
		}
		gsa_bamr_close(r);
	}
	close(fd);
	return 0;
}
