/* fuzz_vcf_merge.c — VCF part reading in call-variants merge
 * (cv_merge_run): the input is one part, or two parts split at its first
 * NUL byte; the merged VCF + index go to a temp folder, removed after. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgzf.h"
#include "call-variants/cv_merge.h"
#include "path.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char tmpl[] = "/tmp/gsa-fuzz-merge-XXXXXX", path[2][64], out[64], *parts[2];
	const uint8_t *nul = memchr(data, 0, size);
	size_t len0 = nul ? (size_t)(nul - data) : size;
	int fd[2] = { -1, -1 }, n = nul ? 2 : 1;
	long nrec = 0;
	gsa_err_t err = { 0 };
	if (!mkdtemp(tmpl)) return 0;
	fd[0] = fuzz_memfile(data, len0, path[0]);
	if (nul) fd[1] = fuzz_memfile(nul + 1, size - len0 - 1, path[1]);
	if (fd[0] >= 0 && (!nul || fd[1] >= 0)) {
		parts[0] = path[0];
		parts[1] = path[1];
		snprintf(out, sizeof out, "%s/m.vcf.gz", tmpl);
		cv_merge_run(parts, n, out, "fuzz", GSA_BGZF_LEVEL_HTSLIB, 1, &nrec, NULL, &err);
	}
	if (fd[0] >= 0) close(fd[0]);
	if (fd[1] >= 0) close(fd[1]);
	gsa_rm_rf(tmpl, NULL);
	return 0;
}
