/* fuzz_fastq.c — align's FASTQ reader (tools/align/al_fastq.c) on any bytes:
 * plain text, or a gzip stream when the bytes start like one. */
#include "fuzz.h"

#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfile(data, size, path);
	if (fd < 0) return 0;
	fuzz_fastq_drain(path);
	close(fd);
	return 0;
}
