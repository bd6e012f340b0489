/* fuzz_bai.c — the BAI/CSI index walker (common/idxcheck.c) that runs
 * before htslib loads an index: any bytes as an uncompressed index of a
 * 4-reference, 16 MB data file.  An index it accepts is then loaded by
 * htslib from the same bytes, which must not crash either. */
#include "fuzz.h"

#include <stdlib.h>
#include <unistd.h>

#include <htslib/hts.h>
#include <htslib/hts_log.h>

#include "idxcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gsa_err_t err = { 0 };
	char path[64];
	int fd;
	hts_set_log_level(HTS_LOG_OFF);
	if (gsa_idx_check_buf(data, size, 4, 1 << 24, "fuzz.bai", &err) < 0 || size < 4 || data[0] != 'B') return 0;
	fd = fuzz_memfile(data, size, path);
	if (fd < 0) return 0;
	hts_idx_t *idx = hts_idx_load2("fuzz.bam", path);
	if (idx) hts_idx_destroy(idx);
	close(fd);
	return 0;
}
