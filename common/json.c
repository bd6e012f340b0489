/* json.c — recursive-descent JSON reader. */
#include "json.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "strbuf.h"

typedef struct {
	const char *p, *end;
	int line;
	gsa_err_t *err;
} rd_t;

static int fail(rd_t *r, const char *what)
{
	return gsa_err_set(r->err, GSA_EDATA, "line %d: %s", r->line, what);
}

static void skip_ws(rd_t *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')) {
		if (*r->p == '\n') r->line++;
		r->p++;
	}
}

static void free_kids(gsa_json_t *v)
{
	for (size_t i = 0; i < v->n; i++) {
		free_kids(&v->kids[i]);
		if (v->keys) free(v->keys[i]);
	}
	free(v->kids);
	free(v->keys);
	free(v->str);
}

void gsa_json_free(gsa_json_t *v)
{
	if (!v) return;
	free_kids(v);
	free(v);
}

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
		else return -1;
	}
	*out = v;
	return 0;
}

static void put_utf8(gsa_strbuf_t *b, unsigned cp)
{
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

/* at the opening quote; *out a new string */
static int parse_string(rd_t *r, char **out)
{
	gsa_strbuf_t b;
	gsa_strbuf_init(&b);
	r->p++;
	while (r->p < r->end && *r->p != '"') {
		unsigned char c = (unsigned char)*r->p;
		if (c < 0x20) {
			gsa_strbuf_free(&b);
			return fail(r, "control character inside a string");
		}
		if (c != '\\') {
			gsa_strbuf_appendc(&b, (char)c);
			r->p++;
			continue;
		}
		if (r->end - r->p < 2) break;
		char e = r->p[1];
		r->p += 2;
		switch (e) {
		case '"': gsa_strbuf_appendc(&b, '"'); break;
		case '\\': gsa_strbuf_appendc(&b, '\\'); break;
		case '/': gsa_strbuf_appendc(&b, '/'); break;
		case 'b': gsa_strbuf_appendc(&b, '\b'); break;
		case 'f': gsa_strbuf_appendc(&b, '\f'); break;
		case 'n': gsa_strbuf_appendc(&b, '\n'); break;
		case 'r': gsa_strbuf_appendc(&b, '\r'); break;
		case 't': gsa_strbuf_appendc(&b, '\t'); break;
		case 'u': {
			unsigned cp, lo;
			if (r->end - r->p < 4 || hex4(r->p, &cp)) goto bad_escape;
			r->p += 4;
			if (cp >= 0xD800 && cp < 0xDC00) {
				if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u' || hex4(r->p + 2, &lo) ||
				    lo < 0xDC00 || lo > 0xDFFF)
					goto bad_escape;
				r->p += 6;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			} else if (cp >= 0xDC00 && cp < 0xE000) {
				goto bad_escape;
			}
			put_utf8(&b, cp);
			break;
		}
		default:
			goto bad_escape;
		}
	}
	if (r->p >= r->end) {
		gsa_strbuf_free(&b);
		return fail(r, "unterminated string");
	}
	r->p++;
	*out = gsa_strbuf_detach(&b);
	return 0;
bad_escape:
	gsa_strbuf_free(&b);
	return fail(r, "bad escape in a string");
}

static int parse_value(rd_t *r, gsa_json_t *v, int depth);

static void push(gsa_json_t *v, size_t *cap, const gsa_json_t *kid, char *key)
{
	if (v->n == *cap) {
		size_t c = *cap;
		v->kids = gsa_xgrow(v->kids, &c, v->n + 1, sizeof *v->kids);
		if (v->type == GSA_JSON_OBJ) v->keys = gsa_xreallocarray(v->keys, c, sizeof *v->keys);
		*cap = c;
	}
	v->kids[v->n] = *kid;
	if (v->type == GSA_JSON_OBJ) v->keys[v->n] = key;
	v->n++;
}

static int parse_container(rd_t *r, gsa_json_t *v, int depth)
{
	int obj = *r->p == '{';
	char close = obj ? '}' : ']';
	size_t cap = 0;
	v->type = obj ? GSA_JSON_OBJ : GSA_JSON_ARR;
	if (depth >= GSA_JSON_MAX_DEPTH) return fail(r, "nesting too deep");
	r->p++;
	skip_ws(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		return 0;
	}
	for (;;) {
		char *key = NULL;
		skip_ws(r);
		if (obj) {
			if (r->p >= r->end || *r->p != '"') return fail(r, "expected a member name in quotes");
			if (parse_string(r, &key)) return -1;
			if (gsa_json_member(v, key)) {
				gsa_err_set(r->err, GSA_EDATA, "line %d: duplicate member \"%s\"", r->line, key);
				free(key);
				return -1;
			}
			skip_ws(r);
			if (r->p >= r->end || *r->p != ':') {
				free(key);
				return fail(r, "expected ':' after a member name");
			}
			r->p++;
		}
		gsa_json_t kid;
		memset(&kid, 0, sizeof kid);
		if (parse_value(r, &kid, depth + 1)) {
			free_kids(&kid);
			free(key);
			return -1;
		}
		push(v, &cap, &kid, key);
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == close) {
			r->p++;
			return 0;
		}
		return fail(r, obj ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int parse_number(rd_t *r, gsa_json_t *v)
{
	const char *s = r->p;
	if (s < r->end && *s == '-') s++;
	if (s >= r->end || *s < '0' || *s > '9') return fail(r, "unexpected character");
	if (*s == '0' && s + 1 < r->end && s[1] >= '0' && s[1] <= '9') return fail(r, "number with a leading zero");
	while (s < r->end && ((*s >= '0' && *s <= '9') || *s == '.' || *s == 'e' || *s == 'E' || *s == '+' ||
			      *s == '-'))
		s++;
	char buf[64];
	size_t n = (size_t)(s - r->p);
	if (n >= sizeof buf) return fail(r, "number too long");
	memcpy(buf, r->p, n);
	buf[n] = 0;
	char *e;
	errno = 0;
	double d = strtod(buf, &e);
	if (*e || errno || !isfinite(d)) return fail(r, "malformed number");
	v->type = GSA_JSON_NUM;
	v->num = d;
	r->p = s;
	return 0;
}

static int word(rd_t *r, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n)) return 0;
	r->p += n;
	return 1;
}

static int parse_value(rd_t *r, gsa_json_t *v, int depth)
{
	skip_ws(r);
	v->line = r->line;
	if (r->p >= r->end) return fail(r, "unexpected end of input");
	switch (*r->p) {
	case '{': case '[': return parse_container(r, v, depth);
	case '"':
		v->type = GSA_JSON_STR;
		return parse_string(r, &v->str);
	case 't': case 'f': case 'n':
		if (word(r, "true")) v->type = GSA_JSON_BOOL, v->boolean = 1;
		else if (word(r, "false")) v->type = GSA_JSON_BOOL, v->boolean = 0;
		else if (word(r, "null")) v->type = GSA_JSON_NULL;
		else return fail(r, "unexpected word (not true, false or null)");
		return 0;
	default:
		return parse_number(r, v);
	}
}

int gsa_json_parse(const char *text, size_t len, gsa_json_t **out, gsa_err_t *err)
{
	rd_t r = { text, text + len, 1, err };
	gsa_json_t *v = gsa_xcalloc(1, sizeof *v);
	if (parse_value(&r, v, 0)) {
		gsa_json_free(v);
		return -1;
	}
	skip_ws(&r);
	if (r.p != r.end) {
		gsa_json_free(v);
		return fail(&r, "trailing characters after the value");
	}
	*out = v;
	return 0;
}

const gsa_json_t *gsa_json_member(const gsa_json_t *obj, const char *key)
{
	if (!obj || obj->type != GSA_JSON_OBJ) return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i], key)) return &obj->kids[i];
	return NULL;
}

const char *gsa_json_type_name(gsa_json_type_t t)
{
	static const char *const names[] = { "null", "boolean", "number", "string", "array", "object" };
	return (unsigned)t < 6 ? names[t] : "unknown";
}
