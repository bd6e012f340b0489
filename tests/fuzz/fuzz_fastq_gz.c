/* fuzz_fastq_gz.c — align's FASTQ reader through its gzip path: the bytes
 * are gzip-compressed first, so every input reaches the record parser
 * behind zlib (fuzz_fastq covers damaged gzip streams themselves). */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "align/al_fastq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	z_stream z;
	uLong cap = compressBound((uLong)size) + 64;
	uint8_t *gz = malloc(cap);
	char path[64];
	int fd;
	al_fastq_reader_t f;
	al_read_t r;
	gsa_err_t err = { 0 };
	if (!gz) return 0;
	memset(&z, 0, sizeof z);
	/* windowBits 15 + 16: a gzip member, as gzip(1) writes */
	if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(gz);
		return 0;
	}
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)size;
	z.next_out = gz;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(gz);
		return 0;
	}
	fd = fuzz_memfile(gz, z.total_out, path);
	deflateEnd(&z);
	free(gz);
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
