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
			/* UTF-8 encode */
			if (cp < 0x80) gsa_strbuf_appendc(b, (char)cp);
			else if (cp < 0x800) {
				gsa_strbuf_appendc(b, (char)(0xc0 | (cp >> 6)));
				gsa_strbuf_appendc(b, (char)(0x80 | (cp & 0x3f)));
			} else if (cp < 0x10000) {
				gsa_strbuf_appendc(b, (char)(0xe0 | (cp >> 12)));
				gsa_strbuf_appendc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
				gsa_strbuf_appendc(b, (char)(0x80 | (cp & 0x3f)));
			} else {
				gsa_strbuf_appendc(b, (char)(0xf0 | (cp >> 18)));
				gsa_strbuf_appendc(b, (char)(0x80 | ((cp >> 12) & 0x3f)));
				gsa_strbuf_appendc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
				gsa_strbuf_appendc(b, (char)(0x80 | (cp & 0x3f)));
			}
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

/* a start tag "<tag>" or "<tag " at p (not an end tag); 1 when it is */
static int is_open(const char *p, const char *z, const char *tag, size_t tl)
{
	if (z - p < (long)tl + 2 || p[0] != '<' || memcmp(p + 1, tag, tl)) return 0;
	char c = p[1 + tl];
	return c == '>' || c == ' ' || c == '/';
}

static int is_close(const char *p, const char *z, const char *tag, size_t tl)
{
	return z - p >= (long)tl + 3 && p[0] == '<' && p[1] == '/' && !memcmp(p + 2, tag, tl) && p[2 + tl] == '>';
}

int gsa_xml_child(gsa_xml_span_t in, const char **from, const char *tag, gsa_xml_span_t *inner)
{
	size_t tl = strlen(tag);
	const char *p = from && *from ? *from : in.a;
	for (; p < in.z; p++) {
		if (*p != '<' || !is_open(p, in.z, tag, tl)) continue;
		const char *gt = memchr(p, '>', (size_t)(in.z - p));
		if (!gt) return 0;
		if (gt[-1] == '/') { /* <tag/>: empty */
			inner->a = inner->z = gt + 1;
			if (from) *from = gt + 1;
			return 1;
		}
		int depth = 1;
		for (const char *q = gt + 1; q < in.z; q++) {
			if (*q != '<') continue;
			if (is_close(q, in.z, tag, tl)) {
				if (--depth == 0) {
					inner->a = gt + 1;
					inner->z = q;
					if (from) *from = q + tl + 3;
					return 1;
				}
			} else if (is_open(q, in.z, tag, tl)) {
				const char *g2 = memchr(q, '>', (size_t)(in.z - q));
				if (g2 && g2[-1] != '/') depth++;
			}
		}
		return 0;
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
