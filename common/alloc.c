#include "alloc.h"
#include "cleanup.h"
#include "err.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void gsa_oom(size_t size)
{
	char msg[96];
	int n = snprintf(msg, sizeof msg, "error: out of memory (allocating %zu bytes)\n", size);
	gsa_cleanup_run();
	if (n > 0 && write(STDERR_FILENO, msg, (size_t)n) < 0) { /* nothing else to do */ }
	_exit(GSA_EINTERNAL);
}

void *gsa_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p) gsa_oom(size);
	return p;
}

void *gsa_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p) gsa_oom(n * size);
	return p;
}

void *gsa_xreallocarray(void *p, size_t n, size_t size)
{
	void *q;
	size_t bytes;
	if (size && n > SIZE_MAX / size) gsa_oom(SIZE_MAX);
	bytes = n * size;
	q = realloc(p, bytes > 0 ? bytes : 1);
	if (!q) gsa_oom(bytes);
	return q;
}

char *gsa_xstrdup(const char *s)
{
	return gsa_xstrndup(s, strlen(s));
}

char *gsa_xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = gsa_xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void *gsa_xgrow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap;
	if (need <= c) return p;
	if (c < 16) c = 16;
	while (c < need) {
		if (c > SIZE_MAX / 2) gsa_oom(SIZE_MAX);
		c *= 2;
	}
	p = gsa_xreallocarray(p, c, size);
	*cap = c;
	return p;
}
