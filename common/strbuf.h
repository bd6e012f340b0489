/* strbuf.h — growable NUL-terminated string, and small string helpers. */
#ifndef GSA_STRBUF_H
#define GSA_STRBUF_H

#include <stddef.h>

typedef struct gsa_strbuf {
	char *s;     /* NUL-terminated when non-NULL; owned */
	size_t len;  /* bytes before the NUL */
	size_t cap;
} gsa_strbuf_t;

/* Start empty (no allocation until the first append). */
void gsa_strbuf_init(gsa_strbuf_t *b);
/* Free the buffer; safe on an initialised empty buffer. */
void gsa_strbuf_free(gsa_strbuf_t *b);
/* Truncate to length 0, keeping the allocation. */
void gsa_strbuf_reset(gsa_strbuf_t *b);
/* Take ownership of the string (never NULL: "" when empty); b is reset. */
char *gsa_strbuf_detach(gsa_strbuf_t *b);

void gsa_strbuf_append(gsa_strbuf_t *b, const char *s);
void gsa_strbuf_append_len(gsa_strbuf_t *b, const char *s, size_t n);
void gsa_strbuf_appendc(gsa_strbuf_t *b, char c);
void gsa_strbuf_appendf(gsa_strbuf_t *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append the UTF-8 encoding of code point cp (U+FFFD for a surrogate or
 * anything past U+10FFFF). */
void gsa_strbuf_append_utf8(gsa_strbuf_t *b, unsigned long cp);
/* Append s as a JSON string literal, quotes included. */
void gsa_strbuf_append_json_string(gsa_strbuf_t *b, const char *s);

/* Newly allocated printf result; caller frees. */
char *gsa_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* 1 when s begins / ends with the given string. */
int gsa_str_starts_with(const char *s, const char *prefix);
int gsa_str_ends_with(const char *s, const char *suffix);

#endif
