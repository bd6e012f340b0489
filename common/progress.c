#include "progress.h"
#include "clock.h"
#include "io.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

gsa_progress_mode_t gsa_progress_mode_for(const gsa_log_t *lg)
{
	if (!lg || lg->level < GSA_LOG_INFO) return GSA_PROGRESS_OFF;
	if (lg->format == GSA_LOG_TEXT && isatty(lg->fd)) return GSA_PROGRESS_LINE;
	return GSA_PROGRESS_LOG;
}

void gsa_progress_init(gsa_progress_t *p, const gsa_log_t *lg, const char *unit, uint64_t total)
{
	memset(p, 0, sizeof *p);
	p->log = lg;
	p->unit = unit;
	p->total = total;
	p->mode = gsa_progress_mode_for(lg);
	p->interval = p->mode == GSA_PROGRESS_LINE ? 0.5 : 30.0;
	p->t0 = p->t_phase = p->last = gsa_monotonic_seconds();
}

void gsa_progress_phase(gsa_progress_t *p, const char *phase, const char *unit, uint64_t total)
{
	if (!p) return;
	p->phase = phase;
	if (unit) p->unit = unit;
	p->total = total;
	p->done = 0;
	p->done_phase = 0;
	p->t_phase = gsa_monotonic_seconds();
}

/* 1234567 -> "1.2M"; below 10000 the number itself. */
static void human(char *out, size_t n, double v, int bytes)
{
	static const char *const dec[] = { "", "k", "M", "G", "T", "P" };
	static const char *const bin[] = { " B", " KiB", " MiB", " GiB", " TiB", " PiB" };
	double base = bytes ? 1024.0 : 1000.0;
	int i = 0;
	if (!bytes && v < 10000) {
		snprintf(out, n, "%.0f", v);
		return;
	}
	while (v >= base && i < 5) {
		v /= base;
		i++;
	}
	snprintf(out, n, i ? "%.1f%s" : "%.0f%s", v, bytes ? bin[i] : dec[i]);
}

static double rate_of(const gsa_progress_t *p, double now)
{
	double dt = now - p->t_phase;
	return dt > 0 ? (double)(p->done - p->done_phase) / dt : 0.0;
}

static double eta_of(const gsa_progress_t *p, double rate)
{
	if (!p->total || rate <= 0 || p->done >= p->total) return p->total && p->done >= p->total ? 0.0 : -1.0;
	return (double)(p->total - p->done) / rate;
}

void gsa_progress_format(const gsa_progress_t *p, double now, char *out, unsigned n)
{
	int bytes = p->unit && strcmp(p->unit, "bytes") == 0;
	const char *u = bytes ? "" : p->unit ? p->unit : "";
	char d[32], t[32], r[32];
	double rate = rate_of(p, now), eta = eta_of(p, rate);
	size_t len;
	human(d, sizeof d, (double)p->done, bytes);
	human(r, sizeof r, rate, bytes);
	snprintf(out, n, "%s%s%s%s%s", p->phase ? p->phase : "", p->phase ? ": " : "", d, *u ? " " : "", u);
	len = strlen(out);
	if (p->total && len < n) {
		human(t, sizeof t, (double)p->total, bytes);
		snprintf(out + len, n - len, " / %s (%.0f%%)", t,
			 100.0 * (double)(p->done < p->total ? p->done : p->total) / (double)p->total);
		len = strlen(out);
	}
	if (len < n) {
		snprintf(out + len, n - len, "  %s%s%s/s", r, *u ? " " : "", u);
		len = strlen(out);
	}
	if (eta >= 0 && len < n) {
		long s = (long)(eta + 0.5);
		snprintf(out + len, n - len, "  ETA %ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	}
}

static void show(gsa_progress_t *p, double now, int final)
{
	if (p->mode == GSA_PROGRESS_LINE) {
		char text[200], line[240];
		int k;
		gsa_progress_format(p, now, text, sizeof text);
		/* \r, the text, clear to end of line */
		k = snprintf(line, sizeof line, "\r%s: %s\033[K%s", p->log->tool ? p->log->tool : "", text,
			     final ? "\n" : "");
		if (k > 0) gsa_write_all(p->log->fd, line, (size_t)k < sizeof line ? (size_t)k : sizeof line - 1);
		p->line_open = !final;
	} else if (p->mode == GSA_PROGRESS_LOG) {
		double rate = rate_of(p, now), eta = eta_of(p, rate);
		gsa_kv_t kv[7];
		int n = 0;
		if (p->phase) kv[n++] = GSA_KV_STR("phase", p->phase);
		kv[n++] = GSA_KV_STR("unit", p->unit ? p->unit : "");
		kv[n++] = GSA_KV_NUM("done", (double)p->done);
		if (p->total) kv[n++] = GSA_KV_NUM("total", (double)p->total);
		kv[n++] = GSA_KV_NUM("rate", (double)(long long)(rate * 10 + 0.5) / 10);
		if (eta >= 0) kv[n++] = GSA_KV_NUM("eta_s", (double)(long long)(eta + 0.5));
		kv[n++] = GSA_KV_NUM("elapsed_s", (double)(long long)((now - p->t0) * 10 + 0.5) / 10);
		gsa_log_kv(p->log, GSA_LOG_INFO, final ? "progress done" : "progress", kv, n);
	}
}

void gsa_progress_poll(gsa_progress_t *p)
{
	double now;
	if (!p || p->mode == GSA_PROGRESS_OFF) return;
	now = gsa_monotonic_seconds();
	if (now - p->last < p->interval) return;
	p->last = now;
	show(p, now, 0);
}

void gsa_progress_set(gsa_progress_t *p, uint64_t done)
{
	if (!p || p->mode == GSA_PROGRESS_OFF) return;
	p->done = done;
	gsa_progress_poll(p);
}

void gsa_progress_finish(gsa_progress_t *p)
{
	if (!p || p->mode == GSA_PROGRESS_OFF) return;
	show(p, gsa_monotonic_seconds(), 1);
	p->mode = GSA_PROGRESS_OFF;
}

void gsa_progress_stop(gsa_progress_t *p)
{
	if (!p) return;
	if (p->mode == GSA_PROGRESS_LINE && p->line_open) gsa_write_all(p->log->fd, "\n", 1);
	p->line_open = 0;
	p->mode = GSA_PROGRESS_OFF;
}
