/* eas_detect.c — usage sampling and fill prediction. */
#include "eas_detect.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/statvfs.h>

int eas_usage_read(const char *mountpoint, eas_usage_t *u, gsa_err_t *err)
{
	struct statvfs s;
	if (statvfs(mountpoint, &s)) return gsa_err_errno(err, errno, "%s: statvfs", mountpoint);
	u->total = (uint64_t)s.f_blocks * s.f_frsize;
	u->avail = (uint64_t)s.f_bavail * s.f_frsize;
	if (u->avail > u->total) u->avail = u->total;
	u->used = u->total - u->avail;
	u->pct = u->total ? 100.0 * (double)u->used / (double)u->total : 100.0;
	uint64_t free_b = (uint64_t)s.f_bfree * s.f_frsize;
	u->written = u->total > free_b ? u->total - free_b : 0;
	return 0;
}

void eas_predictor_init(eas_predictor_t *p, double window)
{
	memset(p, 0, sizeof *p);
	p->window = window > 0 ? window : 3;
}

void eas_predictor_update(eas_predictor_t *p, double t, uint64_t used)
{
	p->head = (p->head + 1) % EAS_PRED_RING;
	p->t[p->head] = t;
	p->w[p->head] = used;
	if (p->n < EAS_PRED_RING) p->n++;
	/* the oldest sample still inside the window (at least the previous one) */
	int old = -1;
	for (int k = 1; k < p->n; k++) {
		int i = (p->head - k + EAS_PRED_RING) % EAS_PRED_RING;
		if (old >= 0 && t - p->t[i] > p->window) break;
		old = i;
	}
	if (old < 0 || t <= p->t[old]) return;
	p->rate = used > p->w[old] ? (double)(used - p->w[old]) / (t - p->t[old]) : 0.0;
}

void eas_predictor_rebase(eas_predictor_t *p) { p->n = 0; }

double eas_predictor_time_to_full(const eas_predictor_t *p, uint64_t avail)
{
	return p->rate > 0 ? (double)avail / p->rate : INFINITY;
}

eas_grow_reason_t eas_detect_decide(const eas_config_t *cfg, const eas_usage_t *u, const eas_predictor_t *p,
				    long ndev, double lead_s)
{
	if (u->pct >= (double)eas_config_threshold(cfg, ndev)) return EAS_GROW_THRESHOLD;
	if (cfg->predict && eas_predictor_time_to_full(p, u->avail) < lead_s * cfg->safety_factor)
		return EAS_GROW_PREDICTED;
	return EAS_GROW_NO;
}

const char *eas_detect_reason_name(eas_grow_reason_t r)
{
	return r == EAS_GROW_THRESHOLD ? "threshold" : r == EAS_GROW_PREDICTED ? "predicted" : "no";
}
