/* fuzz_gsai.c — align's .gsai index loader (tools/align/al_index.c).
 *
 * The input's checksums are recomputed first (header, then every section
 * that lies inside the input), so mutations reach the field checks and the
 * lookups instead of stopping at a CRC; the big sections are then used
 * without a full check, as `align map` does once an index is stamped: the
 * lookups and sequence reads must stay inside the mapping whatever the
 * tables hold. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "align/al_index.h"
#include "aws/crc32c.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	uint8_t *d = malloc(size ? size : 1);
	al_index_t ix;
	gsa_err_t err = { 0 };
	int fd, i;
	memcpy(d, data, size);
	if (size >= sizeof(al_index_header_t)) {
		al_index_header_t h;
		memcpy(&h, d, sizeof h);
		for (i = 0; i < AL_SEC_N; i++)
			if (h.sec[i].off <= size && h.sec[i].len <= size - h.sec[i].off)
				h.sec[i].crc = gsa_crc32c_update(0, d + h.sec[i].off, h.sec[i].len);
		h.header_crc = 0;
		h.header_crc = gsa_crc32c_update(0, &h, sizeof h);
		memcpy(d, &h, sizeof h);
	}
	fd = fuzz_memfile(d, size, path);
	free(d);
	if (fd < 0) return 0;
	if (al_index_load(&ix, path, NULL, AL_INDEX_NO_STAMP, &err) == 0) {
		uint8_t seq[64];
		uint64_t first, h = 0x9e3779b97f4a7c15ULL;
		for (i = 0; i < 256; i++) {
			uint32_t n = al_index_lookup(&ix, h, &first), j;
			for (j = 0; j < n && j < 8; j++) (void)al_index_pos(&ix, first + j);
			h = h * 6364136223846793005ULL + 1442695040888963407ULL;
		}
		al_index_get_seq(&ix, 0, ix.h->total < 64 ? ix.h->total : 64, seq);
		al_index_get_seq(&ix, ix.h->total - 1, ix.h->total + 8, seq);
		(void)al_index_contig_name(&ix, al_index_contig_of(&ix, ix.h->total - 1));
		al_index_close(&ix);
	}
	close(fd);
	return 0;
}
