/* jsonw.h — a small JSON writer for the metrics files (and anything else
 * that writes JSON): objects, arrays, strings, numbers, appended to a
 * growable buffer, then written atomically.
 *
 *     gsa_jsonw_t w;
 *     gsa_jsonw_init(&w);
 *     gsa_jsonw_begin_object(&w, NULL);
 *     gsa_jsonw_u64(&w, "reads", 12);
 *     gsa_jsonw_u64_array(&w, "mapq", hist, 61);
 *     gsa_jsonw_end(&w);
 *     rc = gsa_jsonw_write_file(&w, "out.json", &err);
 *     gsa_jsonw_free(&w);
 *
 * Keys are NULL inside arrays and at the top level.  Nesting is limited to
 * GSA_JSONW_DEPTH levels (deeper calls are ignored: a programming error).
 * Non-finite numbers are written as null.
 */
#ifndef GSA_JSONW_H
#define GSA_JSONW_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "strbuf.h"

#define GSA_JSONW_DEPTH 32

typedef struct gsa_jsonw {
	gsa_strbuf_t buf;                 /* the text so far; owned */
	int depth;
	unsigned char count[GSA_JSONW_DEPTH]; /* members written at each level (0, 1 = "some") */
	char close[GSA_JSONW_DEPTH];      /* '}' or ']' */
} gsa_jsonw_t;

/* Start an empty document.  Free with gsa_jsonw_free. */
void gsa_jsonw_init(gsa_jsonw_t *w);
/* Release the buffer.  Safe on a zeroed writer. */
void gsa_jsonw_free(gsa_jsonw_t *w);

/* Open an object / array as member `key` (NULL in arrays / at the top). */
void gsa_jsonw_begin_object(gsa_jsonw_t *w, const char *key);
void gsa_jsonw_begin_array(gsa_jsonw_t *w, const char *key);
/* Close the innermost object or array. */
void gsa_jsonw_end(gsa_jsonw_t *w);

/* Scalars as member `key` (NULL in arrays). */
void gsa_jsonw_str(gsa_jsonw_t *w, const char *key, const char *s);
void gsa_jsonw_u64(gsa_jsonw_t *w, const char *key, uint64_t v);
void gsa_jsonw_i64(gsa_jsonw_t *w, const char *key, int64_t v);
/* A double with up to `digits` significant digits (%.*g); 6 if digits <= 0. */
void gsa_jsonw_num(gsa_jsonw_t *w, const char *key, double v, int digits);
void gsa_jsonw_bool(gsa_jsonw_t *w, const char *key, int v);

/* An array of counts v[0..n). */
void gsa_jsonw_u64_array(gsa_jsonw_t *w, const char *key, const uint64_t *v, size_t n);

/* A histogram v[0..n) without its trailing zero bins (at least one bin). */
void gsa_jsonw_u64_hist(gsa_jsonw_t *w, const char *key, const uint64_t *v, size_t n);

/* Write the text (and a newline) to path through gsa_atomic_* (temp,
 * fsync, rename).  Returns 0, or -1 with err set (GSA_EIO naming path). */
int gsa_jsonw_write_file(const gsa_jsonw_t *w, const char *path, gsa_err_t *err);

#endif
