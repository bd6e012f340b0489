/* fuzz_fasta.c — align's reference FASTA loader (tools/align/al_refseq.c),
 * plain or gzip. */
#include "fuzz.h"

#include <unistd.h>

#include "align/al_refseq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfile(data, size, path);
	al_refseq_t r;
	gsa_err_t err = { 0 };
	if (fd < 0) return 0;
	if (al_refseq_load(&r, path, &err) == 0) al_refseq_free(&r);
	close(fd);
	return 0;
}
