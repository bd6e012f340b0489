/* gr_html.h — the report page: one self-contained HTML file (inline CSS
 * and SVG, no script, no external resource) with a sample's alignment,
 * coverage and variant sections, each present when its metrics are. */
#ifndef GR_HTML_H
#define GR_HTML_H

#include "gr_metrics.h"
#include "strbuf.h"

/* Append the whole page for s to out.  version is shown in the footer. */
void gr_html_report(gsa_strbuf_t *out, const gr_sample_t *s, const char *version);

#endif
