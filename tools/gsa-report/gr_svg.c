#include "gr_svg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define W 640.0
#define H 300.0
#define ML 70.0
#define MR 20.0
#define MT 30.0
#define MB 48.0

void gr_html_escape(gsa_strbuf_t *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': gsa_strbuf_append(out, "&amp;"); break;
		case '<': gsa_strbuf_append(out, "&lt;"); break;
		case '>': gsa_strbuf_append(out, "&gt;"); break;
		case '"': gsa_strbuf_append(out, "&quot;"); break;
		case '\'': gsa_strbuf_append(out, "&#39;"); break;
		default: gsa_strbuf_appendc(out, *s);
		}
	}
}

char *gr_fmt_num(char *buf, size_t n, double v)
{
	if (!isfinite(v)) {
		snprintf(buf, n, "n/a");
	} else if (v == floor(v) && fabs(v) < 1e15) {
		char digits[32], *o = buf;
		int len, i, neg = v < 0;
		len = snprintf(digits, sizeof digits, "%.0f", fabs(v));
		if ((size_t)(len + len / 3 + 2) > n) {
			snprintf(buf, n, "%.0f", v);
			return buf;
		}
		if (neg) *o++ = '-';
		for (i = 0; i < len; i++) {
			if (i > 0 && (len - i) % 3 == 0) *o++ = ',';
			*o++ = digits[i];
		}
		*o = '\0';
	} else {
		snprintf(buf, n, "%.4g", v);
	}
	return buf;
}

/* A "nice" tick step (1, 2 or 5 times a power of ten) for a span. */
static double nice_step(double span, int ticks)
{
	double raw = span / (ticks > 0 ? ticks : 1), mag, f;
	if (!(raw > 0)) return 1;
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

static void tick_label(char *buf, size_t n, double v)
{
	double a = fabs(v);
	if (a < 1e-9) v = a = 0; /* no "-0" */
	if (a >= 1e9) snprintf(buf, n, "%gG", v / 1e9);
	else if (a >= 1e6) snprintf(buf, n, "%gM", v / 1e6);
	else if (a >= 1e4) snprintf(buf, n, "%gk", v / 1e3);
	else snprintf(buf, n, "%g", v);
}

void gr_svg_plot(gsa_strbuf_t *out, const gr_plot_t *p)
{
	double xmin, xmax, ymax = p->ymax, step, t, pw = W - ML - MR, ph = H - MT - MB;
	size_t i, shown = 0;
	char a[64], b[64];
	gsa_strbuf_append(out, "<figure class=\"plot\"><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" id=\"");
	gr_html_escape(out, p->id);
	gsa_strbuf_appendf(out, "\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\">", W, H, W, H);
	gsa_strbuf_append(out, "<text class=\"title\" x=\"320\" y=\"18\" text-anchor=\"middle\">");
	gr_html_escape(out, p->title);
	gsa_strbuf_append(out, "</text>");
	if (p->n == 0 || !p->y) {
		gsa_strbuf_append(out, "<text class=\"empty\" x=\"320\" y=\"150\" text-anchor=\"middle\">no data</text></svg></figure>\n");
		return;
	}
	/* ranges */
	if (p->labels || !p->x) {
		xmin = -0.5;
		xmax = (double)p->n - 0.5;
	} else {
		xmin = xmax = p->x[0];
		for (i = 1; i < p->n; i++) {
			if (p->x[i] < xmin) xmin = p->x[i];
			if (p->x[i] > xmax) xmax = p->x[i];
		}
		if (p->kind == GR_BARS) { xmin -= 0.5; xmax += 0.5; }
		if (xmax <= xmin) xmax = xmin + 1;
	}
	if (!(ymax > 0)) {
		for (i = 0; i < p->n; i++)
			if (p->y[i] > ymax) ymax = p->y[i];
		if (!(ymax > 0)) ymax = 1;
		ymax *= 1.05;
	}
#define SX(v) (ML + ((v) - xmin) / (xmax - xmin) * pw)
#define SY(v) (MT + ph - ((v) > ymax ? ymax : (v)) / ymax * ph)
	/* y grid and ticks */
	step = nice_step(ymax, 5);
	for (t = 0; t <= ymax + step * 1e-9; t += step) {
		tick_label(a, sizeof a, t);
		gsa_strbuf_appendf(out, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
				   "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
				   ML, W - MR, SY(t), SY(t), ML - 6, SY(t) + 4, a);
	}
	/* x ticks */
	if (p->labels) {
		size_t every = p->n > 12 ? (p->n + 11) / 12 : 1;
		for (i = 0; i < p->n; i += every) {
			gsa_strbuf_appendf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
					   SX((double)i), MT + ph + 16);
			gr_html_escape(out, p->labels[i]);
			gsa_strbuf_append(out, "</text>");
		}
	} else {
		double lo = p->x ? xmin : 0, s2 = nice_step(xmax - xmin, 8);
		for (t = ceil(lo / s2) * s2; t <= xmax; t += s2) {
			tick_label(a, sizeof a, t);
			gsa_strbuf_appendf(out, "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
					   "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>",
					   SX(t), SX(t), MT + ph, MT + ph + 4, SX(t), MT + ph + 16, a);
		}
	}
	gsa_strbuf_appendf(out, "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>", ML, W - MR,
			   MT + ph, MT + ph);
	gsa_strbuf_appendf(out, "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>", ML, ML, MT,
			   MT + ph);
	/* data */
	if (p->kind == GR_BARS) {
		double bw = pw / (xmax - xmin);
		for (i = 0; i < p->n; i++) {
			double xv = p->labels || !p->x ? (double)i : p->x[i];
			if (!(p->y[i] > 0)) continue;
			gsa_strbuf_appendf(out, "<rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"><title>",
					   SX(xv) - bw * 0.45, SY(p->y[i]), bw * 0.9 > 0.5 ? bw * 0.9 : 0.5,
					   MT + ph - SY(p->y[i]));
			if (p->labels) gr_html_escape(out, p->labels[i]);
			else gsa_strbuf_append(out, gr_fmt_num(a, sizeof a, xv));
			gsa_strbuf_appendf(out, ": %s</title></rect>", gr_fmt_num(b, sizeof b, p->y[i]));
			shown++;
		}
	} else {
		gsa_strbuf_append(out, "<polyline class=\"line\" points=\"");
		for (i = 0; i < p->n; i++) {
			double xv = p->x ? p->x[i] : (double)i;
			if (!isfinite(p->y[i])) continue;
			gsa_strbuf_appendf(out, "%s%.2f,%.2f", shown ? " " : "", SX(xv), SY(p->y[i]));
			shown++;
		}
		gsa_strbuf_append(out, "\"><title>");
		gr_html_escape(out, p->title);
		gsa_strbuf_append(out, "</title></polyline>");
	}
#undef SX
#undef SY
	gsa_strbuf_appendf(out, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", ML + pw / 2, H - 8);
	gr_html_escape(out, p->xlabel);
	gsa_strbuf_appendf(out, "</text><text class=\"label\" transform=\"translate(14 %.1f) rotate(-90)\" text-anchor=\"middle\">",
			   MT + ph / 2);
	gr_html_escape(out, p->ylabel);
	gsa_strbuf_appendf(out, "</text></svg><figcaption>%zu points</figcaption></figure>\n", shown);
}
