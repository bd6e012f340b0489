#include "strbuf.h"
#include "alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gsa_strbuf_init(gsa_strbuf_t *b)
{
	b->s = NULL;
	b->len = b->cap = 0;
}

void gsa_strbuf_free(gsa_strbuf_t *b)
{
	free(b->s);
	gsa_strbuf_init(b);
}

void gsa_strbuf_reset(gsa_strbuf_t *b)
{
	b->len = 0;
	if (b->s) b->s[0] = '\0';
}

char *gsa_strbuf_detach(gsa_strbuf_t *b)
{
	char *s = b->s ? b->s : gsa_xstrdup("");
	gsa_strbuf_init(b);
	return s;
}

static void reserve(gsa_strbuf_t *b, size_t extra)
{
	b->s = gsa_xgrow(b->s, &b->cap, b->len + extra + 1, 1);
}

void gsa_strbuf_append_len(gsa_strbuf_t *b, const char *s, size_t n)
{
	reserve(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void gsa_strbuf_append(gsa_strbuf_t *b, const char *s)
{
	gsa_strbuf_append_len(b, s, strlen(s));
}

void gsa_strbuf_appendc(gsa_strbuf_t *b, char c)
{
	gsa_strbuf_append_len(b, &c, 1);
}

static void append_va(gsa_strbuf_t *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) return;
	reserve(b, (size_t)n);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void gsa_strbuf_appendf(gsa_strbuf_t *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	append_va(b, fmt, ap);
	va_end(ap);
}

void gsa_strbuf_append_json_string(gsa_strbuf_t *b, const char *s)
{
	const unsigned char *p;
	gsa_strbuf_appendc(b, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': gsa_strbuf_append(b, "\\\""); break;
		case '\\': gsa_strbuf_append(b, "\\\\"); break;
		case '\n': gsa_strbuf_append(b, "\\n"); break;
		case '\r': gsa_strbuf_append(b, "\\r"); break;
		case '\t': gsa_strbuf_append(b, "\\t"); break;
		default:
			if (*p < 0x20) gsa_strbuf_appendf(b, "\\u%04x", *p);
			else gsa_strbuf_appendc(b, (char)*p);
		}
	}
	gsa_strbuf_appendc(b, '"');
}

char *gsa_strdup_printf(const char *fmt, ...)
{
	gsa_strbuf_t b;
	va_list ap;
	gsa_strbuf_init(&b);
	va_start(ap, fmt);
	append_va(&b, fmt, ap);
	va_end(ap);
	return gsa_strbuf_detach(&b);
}

int gsa_str_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int gsa_str_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

void gsa_strbuf_append_utf8(gsa_strbuf_t *b, unsigned long cp)
{
	if (cp >= 0x110000 || (cp >= 0xD800 && cp < 0xE000)) cp = 0xFFFD; /* not a character */
	if (cp < 0x80) {
		gsa_strbuf_appendc(b, (char)cp);
	} else if (cp < 0x800) {
		gsa_strbuf_appendc(b, (char)(0xC0 | (cp >> 6)));
		gsa_strbuf_appendc(b, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		gsa_strbuf_appendc(b, (char)(0xE0 | (cp >> 12)));
		gsa_strbuf_appendc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		gsa_strbuf_appendc(b, (char)(0x80 | (cp & 0x3F)));
	} else {
		gsa_strbuf_appendc(b, (char)(0xF0 | (cp >> 18)));
		gsa_strbuf_appendc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
		gsa_strbuf_appendc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		gsa_strbuf_appendc(b, (char)(0x80 | (cp & 0x3F)));
	}
}
