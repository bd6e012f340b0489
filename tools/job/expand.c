#include "expand.h"
#include "alloc.h"
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

static const char *env_lookup(const char *name, void *ctx)
{
	(void)ctx;
	return getenv(name);
}

static int is_name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

int job_expand(const char *in, job_lookup_fn lookup, void *ctx, char **out, gsa_err_t *err)
{
	gsa_strbuf_t b;
	const char *p = in;
	*out = NULL;
	if (!lookup) lookup = env_lookup;
	gsa_strbuf_init(&b);
	while (*p) {
		const char *dollar = strchr(p, '$');
		if (!dollar) {
			gsa_strbuf_append(&b, p);
			break;
		}
		gsa_strbuf_append_len(&b, p, (size_t)(dollar - p));
		if (dollar[1] == '$') {
			gsa_strbuf_appendc(&b, '$');
			p = dollar + 2;
		} else if (dollar[1] == '{') {
			const char *name = dollar + 2, *end = name, *val;
			char *key;
			while (is_name_char(*end)) end++;
			if (*end != '}' || end == name || !is_name_start(*name)) {
				gsa_strbuf_free(&b);
				return gsa_err_set(err, GSA_EUSAGE,
						   "'%s': bad variable reference at '%.*s' (expected ${NAME}, NAME of letters, digits and _)",
						   in, (int)strcspn(dollar, "}") + (strchr(dollar, '}') ? 1 : 0), dollar);
			}
			key = gsa_xstrndup(name, (size_t)(end - name));
			val = lookup(key, ctx);
			if (!val) {
				gsa_err_set(err, GSA_EUSAGE, "'%s': variable %s is not set", in, key);
				free(key);
				gsa_strbuf_free(&b);
				return -1;
			}
			free(key);
			gsa_strbuf_append(&b, val);
			p = end + 1;
		} else {
			gsa_strbuf_appendc(&b, '$');
			p = dollar + 1;
		}
	}
	*out = gsa_strbuf_detach(&b);
	return 0;
}
