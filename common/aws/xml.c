/* xml.c — find elements in AWS response documents and decode their text. */
#include "aws/xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


void gsa_xml_unescape(gsa_strbuf_t *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '&') {
			gsa_strbuf_appendc(b, s[i]);
			continue;
		}
		const char *e = memchr(s + i, ';', n - i);
		if (!e) {
			gsa_strbuf_appendc(b, '&');
			continue;
		}
		const char *ent = s + i + 1;
		size_t el = (size_t)(e - ent); /* entity name length, without '&' and ';' */
		if (el == 3 && !strncmp(ent, "amp", 3)) gsa_strbuf_appendc(b, '&');
		else if (el == 2 && !strncmp(ent, "lt", 2)) gsa_strbuf_appendc(b, '<');
		else if (el == 2 && !strncmp(ent, "gt", 2)) gsa_strbuf_appendc(b, '>');
		else if (el == 4 && !strncmp(ent, "quot", 4)) gsa_strbuf_appendc(b, '"');
		else if (el == 4 && !strncmp(ent, "apos", 4)) gsa_strbuf_appendc(b, '\'');
		else if (el > 1 && ent[0] == '#') {
			unsigned long cp = ent[1] == 'x' ? strtoul(ent + 2, NULL, 16) : strtoul(ent + 1, NULL, 10);
			gsa_strbuf_append_utf8(b, cp);
		} else {
			gsa_strbuf_append_len(b, s + i, el + 2);
		}
		i += el + 1;
	}
}

char *gsa_xml_next(const char *xml, const char *tag, const char **pos)
{
	char open[96], close[96];
	snprintf(open, sizeof open, "<%s>", tag);
	snprintf(close, sizeof close, "</%s>", tag);
	const char *from = pos && *pos ? *pos : xml;
	const char *a = strstr(from, open);
	if (!a) return NULL;
	a += strlen(open);
	const char *z = strstr(a, close);
	if (!z) return NULL;
	gsa_strbuf_t b;
	gsa_strbuf_init(&b);
	gsa_xml_unescape(&b, a, (size_t)(z - a));
	if (pos) *pos = z + strlen(close);
	return gsa_strbuf_detach(&b);
}

gsa_xml_span_t gsa_xml_doc(const char *xml)
{
	gsa_xml_span_t s = { xml, xml + strlen(xml) };
	return s;
}

/* p at '<' of a start tag: its name [*n, *n + *nl), pointer after '>' and
 * whether it closes itself.  NULL when cut short. */
static const char *open_tag(const char *p, const char *z, const char **n, size_t *nl, int *selfclose)
{
	const char *q = p + 1;
	*n = q;
	while (q < z && *q != '>' && *q != '/' && *q != ' ' && *q != '\t' && *q != '\n' && *q != '\r') q++;
	*nl = (size_t)(q - *n);
	const char *gt = memchr(q, '>', (size_t)(z - q));
	if (!gt) return NULL;
	*selfclose = gt[-1] == '/';
	return gt + 1;
}

/* skip <? ... ?> and <! ... > (declarations, comments); NULL when cut short */
static const char *skip_decl(const char *p, const char *z)
{
	if (p[1] == '!' && z - p >= 4 && !memcmp(p, "<!--", 4)) {
		for (const char *q = p + 4; q + 3 <= z; q++)
			if (!memcmp(q, "-->", 3)) return q + 3;
		return NULL;
	}
	const char *gt = memchr(p, '>', (size_t)(z - p));
	return gt ? gt + 1 : NULL;
}

/* p just after a start tag: the content end (at its "</") and the pointer
 * after the end tag.  Returns 0, or -1 when cut short. */
static int find_end(const char *p, const char *z, const char **cend, const char **after)
{
	int depth = 0;
	while (p < z) {
		const char *lt = memchr(p, '<', (size_t)(z - p));
		if (!lt || lt + 1 >= z) return -1;
		if (lt[1] == '/') {
			const char *gt = memchr(lt, '>', (size_t)(z - lt));
			if (!gt) return -1;
			if (depth == 0) {
				*cend = lt;
				*after = gt + 1;
				return 0;
			}
			depth--;
			p = gt + 1;
		} else if (lt[1] == '?' || lt[1] == '!') {
			if (!(p = skip_decl(lt, z))) return -1;
		} else {
			const char *n;
			size_t nl;
			int sc;
			if (!(p = open_tag(lt, z, &n, &nl, &sc))) return -1;
			if (!sc) depth++;
		}
	}
	return -1;
}

/* The next element at *p before z, skipping declarations and comments: its
 * name and inner span; *p moves past it.  0 at the parent's end tag, the
 * end of the input, or malformed markup. */
static int next_element(const char **p, const char *z, const char **name, size_t *nl, gsa_xml_span_t *inner)
{
	while (*p < z) {
		const char *lt = memchr(*p, '<', (size_t)(z - *p));
		if (!lt || lt + 1 >= z || lt[1] == '/') return 0;
		if (lt[1] == '?' || lt[1] == '!') {
			if (!(*p = skip_decl(lt, z))) return 0;
			continue;
		}
		const char *cend, *after;
		int sc;
		const char *body = open_tag(lt, z, name, nl, &sc);
		if (!body) return 0;
		if (sc) {
			cend = after = body;
		} else if (find_end(body, z, &cend, &after)) {
			return 0;
		}
		inner->a = body;
		inner->z = cend;
		*p = after;
		return 1;
	}
	return 0;
}

int gsa_xml_child(gsa_xml_span_t in, const char **from, const char *tag, gsa_xml_span_t *inner)
{
	size_t tl = strlen(tag);
	const char *p = from && *from ? *from : in.a;
	const char *n;
	size_t nl;
	gsa_xml_span_t el;
	while (next_element(&p, in.z, &n, &nl, &el)) {
		if (nl == tl && !memcmp(n, tag, tl)) {
			*inner = el;
			if (from) *from = p;
			return 1;
		}
	}
	return 0;
}

char *gsa_xml_text(gsa_xml_span_t in, const char *tag)
{
	gsa_xml_span_t t;
	const char *from = in.a;
	if (!gsa_xml_child(in, &from, tag, &t)) return NULL;
	gsa_strbuf_t b;
	gsa_strbuf_init(&b);
	gsa_xml_unescape(&b, t.a, (size_t)(t.z - t.a));
	return gsa_strbuf_detach(&b);
}

int gsa_xml_root(const char *xml, gsa_xml_span_t *inner)
{
	gsa_xml_span_t doc = gsa_xml_doc(xml);
	const char *p = doc.a, *n;
	size_t nl;
	return next_element(&p, doc.z, &n, &nl, inner);
}

char *gsa_xml_root_text(const char *xml, const char *tag)
{
	gsa_xml_span_t r;
	return gsa_xml_root(xml, &r) ? gsa_xml_text(r, tag) : NULL;
}
