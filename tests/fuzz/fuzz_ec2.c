/* fuzz_ec2.c — ebs-autoscale's DescribeVolumes response parser
 * (eas_grow_parse_volumes, on common/aws/xml.c): a parsed volume always
 * has a well-formed id and a size in range. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "ebs-autoscale/eas_grow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *xml = fuzz_strndup(data, size);
	eas_vdesc_t *v = NULL;
	int n = 0, i;
	if (eas_grow_parse_volumes(xml, &v, &n) == 0) {
		for (i = 0; i < n; i++)
			if (strncmp(v[i].id, "vol-", 4) || v[i].size < 1 || v[i].size > (1L << 20)) abort();
	} else if (v || n) {
		abort();
	}
	free(v);
	free(xml);
	return 0;
}
