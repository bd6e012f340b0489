/* fuzz_fastq.c — align's FASTQ reader (tools/align/al_fastq.c) on any bytes:
 * plain text, or a gzip stream when the bytes start like one. */
#include "fuzz.h"

#include <string.h>
#include <unistd.h>

#include "align/al_fastq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfile(data, size, path);
	al_fastq_reader_t f;
	al_read_t r;
	gsa_err_t err = { 0 };
	if (fd < 0) return 0;
	memset(&r, 0, sizeof r);
	if (al_fastq_open(&f, path, &err) == 0) {
		int n = 0;
		while (n++ < 100000 && al_fastq_read(&f, &r, &err) > 0) {}
		al_fastq_close(&f);
	}
	al_read_free(&r);
	close(fd);
	return 0;
}
