/* fuzz_fastq_gz.c — align's FASTQ reader through its gzip path: the bytes
 * are gzip-compressed first, so every input reaches the record parser
 * behind zlib (fuzz_fastq covers damaged gzip streams themselves). */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	z_stream z;
	uLong cap = compressBound((uLong)size) + 64;
	uint8_t *gz = malloc(cap);
	char path[64];
	int fd;
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
	fuzz_fastq_drain(path);
	close(fd);
	return 0;
}
