/* fuzz_glob.c — job's S3 glob (tools/job/remote.c): pattern and key are
 * the input split at its first NUL.  A key that matches must start with
 * the listing prefix, else the listing would miss it. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "job/remote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size);
	const char *pattern = s, *key;
	size_t plen = strlen(s);
	char *prefix;
	key = plen < size ? s + plen + 1 : "";
	prefix = job_glob_prefix(pattern);
	if (strncmp(prefix, pattern, strlen(prefix))) abort();
	if (job_glob_match(pattern, key) && strncmp(prefix, key, strlen(prefix))) abort();
	free(prefix);
	free(s);
	return 0;
}
