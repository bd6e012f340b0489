/* fuzz_gvcf_bands.c — call-variants --gvcf-bands (cv_gvcf_parse_bands):
 * the input is the option's value.  Accepted bands start at 0, ascend
 * strictly within 0..99 and fit CV_MAX_BANDS; a refused value leaves the
 * defaults as they were. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "call-variants/cv_gvcf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *spec = fuzz_strndup(data, size);
	cv_opts_t o, def;
	cv_opts_init(&o);
	cv_opts_init(&def);
	if (cv_gvcf_parse_bands(&o, spec) == 0) {
		if (o.ngvcf_bands < 1 || o.ngvcf_bands > CV_MAX_BANDS || o.gvcf_bands[0] != 0) abort();
		for (int i = 1; i < o.ngvcf_bands; i++)
			if (o.gvcf_bands[i] <= o.gvcf_bands[i - 1] || o.gvcf_bands[i] > 99) abort();
	} else if (o.ngvcf_bands != def.ngvcf_bands ||
		   memcmp(o.gvcf_bands, def.gvcf_bands, sizeof o.gvcf_bands) != 0) {
		abort();
	}
	free(spec);
	return 0;
}
