/* fuzz_expand.c — job's strict ${NAME} expander (tools/job/expand.c).
 * Values may hold '$', '{' and '}': the result is checked to be exactly
 * the input with each reference replaced once (a value is never expanded
 * again). */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "job/expand.h"
#include "strbuf.h"

static const char *lookup(const char *name, void *ctx)
{
	(void)ctx;
	if (!strcmp(name, "A")) return "${A}$$(touch x)";
	if (!strcmp(name, "EMPTY")) return "";
	if (!strcmp(name, "SAMPLE_ID")) return "S1";
	return NULL;
}

/* the expected result, by a second, independent reading of the rules */
static int expect(const char *in, gsa_strbuf_t *b)
{
	const char *p = in;
	while (*p) {
		if (p[0] == '$' && p[1] == '$') {
			gsa_strbuf_appendc(b, '$');
			p += 2;
		} else if (p[0] == '$' && p[1] == '{') {
			const char *e = strchr(p, '}'), *v;
			char name[64];
			size_t n = e ? (size_t)(e - p - 2) : 0;
			if (!e || n == 0 || n >= sizeof name) return -1;
			memcpy(name, p + 2, n);
			name[n] = '\0';
			if (!(v = lookup(name, NULL))) return -1;
			gsa_strbuf_append(b, v);
			p = e + 1;
		} else {
			gsa_strbuf_appendc(b, *p++);
		}
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_strndup(data, size), *out = NULL;
	gsa_err_t err = { 0 };
	gsa_strbuf_t want;
	gsa_strbuf_init(&want);
	if (job_expand(in, lookup, NULL, &out, &err) == 0) {
		if (strlen(in) == size && (expect(in, &want) < 0 || strcmp(want.s ? want.s : "", out))) abort();
	} else if (out || err.code != GSA_EUSAGE) {
		abort();
	}
	free(out);
	gsa_strbuf_free(&want);
	free(in);
	return 0;
}
