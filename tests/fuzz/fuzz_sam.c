/* fuzz_sam.c — sort-index's SAM text path (si_sort_run on SAM input:
 * htslib's parser, the contig checks, packing into BAM form), single
 * threaded with a small memory bound so runs spill and merge too.  Output
 * to a temp folder, removed after. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <htslib/hts_log.h>

#include "path.h"
#include "sort-index/si_sort.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char tmpl[] = "/tmp/gsa-fuzz-sam-XXXXXX", in[64], out[80];
	int fd;
	si_opts_t o;
	gsa_err_t err = { 0 };
	hts_set_log_level(HTS_LOG_OFF);
	if (!mkdtemp(tmpl)) return 0;
	fd = fuzz_memfile(data, size, in);
	if (fd >= 0) {
		snprintf(out, sizeof out, "%s/o.bam", tmpl);
		si_opts_init(&o);
		o.in = in;
		o.out = out;
		o.mem_per_thread = 64 << 10;
		o.level = 1;
		o.pg_version = "fuzz";
		si_sort_run(&o, NULL, NULL, &err);
		close(fd);
	}
	gsa_rm_rf(tmpl, NULL);
	return 0;
}
