/* xml.h — the small XML reader under the AWS clients (S3 and EC2 responses).
 *
 * Not a general XML parser: AWS response documents are machine-written,
 * have no CDATA or comments where we look, and name their elements without
 * attributes or namespaces prefixes.  Elements are found by name; nesting of
 * the same name (EC2's <item> inside <item>) is followed by depth.
 */
#ifndef GSA_AWS_XML_H
#define GSA_AWS_XML_H

#include <stddef.h>

#include "strbuf.h"

/* A part of a document: [a, z). */
typedef struct gsa_xml_span {
	const char *a;
	const char *z;
} gsa_xml_span_t;

/* Text of the first <tag>...</tag> in xml after *pos, entity-decoded (new
 * string), advancing *pos past it; NULL when absent. */
char *gsa_xml_next(const char *xml, const char *tag, const char **pos);

/* Append the entity-decoded text s[0..n) to b (&amp; &lt; &gt; &quot;
 * &apos; and numeric references). */
void gsa_xml_unescape(gsa_strbuf_t *b, const char *s, size_t n);

/* Find the next element <tag> (or <tag attr...>) that is a direct child of
 * the content in, starting at *from (NULL or in.a: the beginning; *from
 * must be at the top level of in); *inner receives its content.  *from
 * moves past its end tag, so repeated calls walk the siblings.  Returns 1
 * when found, 0 when not (or the document is cut short). */
int gsa_xml_child(gsa_xml_span_t in, const char **from, const char *tag, gsa_xml_span_t *inner);

/* Entity-decoded text of the first direct child <tag> of in (new string),
 * or NULL. */
char *gsa_xml_text(gsa_xml_span_t in, const char *tag);

/* Like gsa_xml_text for the root element's children: the text of
 * <root><tag> in a whole document, or NULL. */
char *gsa_xml_root_text(const char *xml, const char *tag);

/* The content of the document's root element (after any <?xml ...?>). */
int gsa_xml_root(const char *xml, gsa_xml_span_t *inner);

/* The whole of a NUL-terminated document as a span. */
gsa_xml_span_t gsa_xml_doc(const char *xml);

#endif
