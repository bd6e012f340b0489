/* fuzz_alt.c — align's ALT-contig list (al_alt_load, --alt FILE or
 * REF.alt) against a fixed set of contig names: a list it accepts flags
 * only those contigs, n_alt of them; a refused one leaves nothing. */
#include "fuzz.h"

#include <stdlib.h>
#include <unistd.h>

#include "align/al_alt.h"

static const char *const names[] = { "chr1", "chr2", "chr6_GL000250v2_alt", "chrUn_KI270302v1", "HLA-A*01:01:01:01", "x" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const int n = (int)(sizeof names / sizeof names[0]);
	char path[64];
	int fd = fuzz_memfile(data, size, path), n_alt = -1, count = 0;
	uint8_t *is_alt = NULL;
	gsa_err_t err = { 0 };
	if (fd < 0) return 0;
	if (al_alt_load(path, names, n, &is_alt, &n_alt, &err) == 0) {
		if (!is_alt) abort();
		for (int i = 0; i < n; i++) {
			if (is_alt[i] > 1) abort();
			count += is_alt[i];
		}
		if (count != n_alt) abort();
	} else if (is_alt || n_alt != 0) {
		abort();
	}
	free(is_alt);
	close(fd);
	return 0;
}
