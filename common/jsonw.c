#include "jsonw.h"
#include "io.h"

#include <inttypes.h>
#include <math.h>

void gsa_jsonw_init(gsa_jsonw_t *w)
{
	gsa_strbuf_init(&w->buf);
	w->depth = 0;
	w->count[0] = 0;
}

void gsa_jsonw_free(gsa_jsonw_t *w)
{
	gsa_strbuf_free(&w->buf);
}

/* Comma and key before a value at the current level. */
static void member(gsa_jsonw_t *w, const char *key)
{
	if (w->count[w->depth]) gsa_strbuf_appendc(&w->buf, ',');
	w->count[w->depth] = 1;
	if (key && w->depth > 0 && w->close[w->depth] == '}') {
		gsa_strbuf_append_json_string(&w->buf, key);
		gsa_strbuf_appendc(&w->buf, ':');
	}
}

static void begin(gsa_jsonw_t *w, const char *key, char open, char close)
{
	if (w->depth + 1 >= GSA_JSONW_DEPTH) return;
	member(w, key);
	gsa_strbuf_appendc(&w->buf, open);
	w->depth++;
	w->count[w->depth] = 0;
	w->close[w->depth] = close;
}

void gsa_jsonw_begin_object(gsa_jsonw_t *w, const char *key) { begin(w, key, '{', '}'); }
void gsa_jsonw_begin_array(gsa_jsonw_t *w, const char *key) { begin(w, key, '[', ']'); }

void gsa_jsonw_end(gsa_jsonw_t *w)
{
	if (w->depth == 0) return;
	gsa_strbuf_appendc(&w->buf, w->close[w->depth]);
	w->depth--;
}

void gsa_jsonw_str(gsa_jsonw_t *w, const char *key, const char *s)
{
	member(w, key);
	if (s) gsa_strbuf_append_json_string(&w->buf, s);
	else gsa_strbuf_append(&w->buf, "null");
}

void gsa_jsonw_u64(gsa_jsonw_t *w, const char *key, uint64_t v)
{
	member(w, key);
	gsa_strbuf_appendf(&w->buf, "%" PRIu64, v);
}

void gsa_jsonw_i64(gsa_jsonw_t *w, const char *key, int64_t v)
{
	member(w, key);
	gsa_strbuf_appendf(&w->buf, "%" PRId64, v);
}

void gsa_jsonw_num(gsa_jsonw_t *w, const char *key, double v, int digits)
{
	member(w, key);
	if (!isfinite(v)) gsa_strbuf_append(&w->buf, "null");
	else gsa_strbuf_appendf(&w->buf, "%.*g", digits > 0 ? digits : 6, v);
}

void gsa_jsonw_bool(gsa_jsonw_t *w, const char *key, int v)
{
	member(w, key);
	gsa_strbuf_append(&w->buf, v ? "true" : "false");
}

void gsa_jsonw_u64_array(gsa_jsonw_t *w, const char *key, const uint64_t *v, size_t n)
{
	size_t i;
	gsa_jsonw_begin_array(w, key);
	for (i = 0; i < n; i++) gsa_jsonw_u64(w, NULL, v[i]);
	gsa_jsonw_end(w);
}

void gsa_jsonw_u64_hist(gsa_jsonw_t *w, const char *key, const uint64_t *v, size_t n)
{
	while (n > 1 && v[n - 1] == 0) n--;
	gsa_jsonw_u64_array(w, key, v, n);
}

int gsa_jsonw_write_file(const gsa_jsonw_t *w, const char *path, gsa_err_t *err)
{
	gsa_atomic_file_t f;
	if (gsa_atomic_open(&f, path, err) < 0) return -1;
	if (gsa_atomic_write(&f, w->buf.s ? w->buf.s : "", w->buf.len, err) < 0 ||
	    gsa_atomic_write(&f, "\n", 1, err) < 0) {
		gsa_atomic_abort(&f);
		return -1;
	}
	return gsa_atomic_commit(&f, err);
}
