/* fuzz_fai.c — the .fai check (common/fai.c): the input is the .fai text,
 * then a NUL, then the FASTA it claims to index. */
#include "fuzz.h"

#include <string.h>
#include <unistd.h>

#include "fai.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t nfai = nul ? (size_t)(nul - data) : size;
	char path[64];
	int fd = -1;
	gsa_err_t err = { 0 };
	if (nul) fd = fuzz_memfile(nul + 1, size - nfai - 1, path);
	gsa_fai_check_buf((const char *)data, nfai, fd, nul ? (long long)(size - nfai - 1) : 0, "fuzz.fai", &err);
	if (fd >= 0) close(fd);
	return 0;
}
