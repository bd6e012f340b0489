/* gr_svg.h — plots as inline SVG (no script): bars or a line over
 * numeric x, or bars over category labels, with axes, ticks and titles.
 * Every bar is a <rect class="bar"> and every line a <polyline
 * class="line">, each with a <title> for a hover tooltip. */
#ifndef GR_SVG_H
#define GR_SVG_H

#include <stddef.h>

#include "strbuf.h"

typedef enum { GR_BARS = 0, GR_LINE } gr_plot_kind_t;

typedef struct gr_plot {
	const char *id;            /* element id (letters, digits, '-') */
	const char *title;
	const char *xlabel, *ylabel;
	gr_plot_kind_t kind;
	const double *x;           /* n x values; NULL: 0, 1, ..., n-1 */
	const double *y;           /* n y values */
	const char *const *labels; /* categorical bars: n labels (x is ignored); may be NULL */
	size_t n;
	double ymax;               /* 0: from the data */
} gr_plot_t;

/* Append the <svg> element of p to out (a note instead when p has no
 * points). */
void gr_svg_plot(gsa_strbuf_t *out, const gr_plot_t *p);

/* Append s with &, <, >, " and ' escaped for HTML text and attributes. */
void gr_html_escape(gsa_strbuf_t *out, const char *s);

/* Format v for people: thousands separators for integers ("1,234,567"),
 * else %.4g.  Writes into buf[n]; returns buf. */
char *gr_fmt_num(char *buf, size_t n, double v);

#endif
