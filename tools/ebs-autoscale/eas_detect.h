/* eas_detect.h — how full the filesystem is (statvfs, no API call) and
 * when it will be full (write rate x time to make space usable).
 */
#ifndef EAS_DETECT_H
#define EAS_DETECT_H

#include <stdint.h>

#include "eas_config.h"
#include "err.h"

typedef struct eas_usage {
	uint64_t total;   /* bytes */
	uint64_t avail;   /* bytes an unprivileged writer may still use */
	uint64_t used;    /* total - avail */
	double pct;       /* used / total * 100 */
	uint64_t written; /* (blocks - free blocks) x block size: what writes consume, for the rate */
} eas_usage_t;

/* statvfs of the mounted filesystem at mountpoint.  Returns 0, or -1 with
 * err (GSA_EIO). */
int eas_usage_read(const char *mountpoint, eas_usage_t *u, gsa_err_t *err);

/* Write-rate estimate: the growth of `written` over the last `window`
 * seconds (shrinking counts as zero), from a ring of recent samples.  A
 * window of a few seconds smooths the bursts of page-cache flushes. */
#define EAS_PRED_RING 64

typedef struct eas_predictor {
	double t[EAS_PRED_RING];
	uint64_t w[EAS_PRED_RING];
	int head, n;
	double window;    /* seconds */
	double rate;      /* bytes/s */
} eas_predictor_t;

/* Start empty, averaging over window seconds (> 0). */
void eas_predictor_init(eas_predictor_t *p, double window);
/* Feed one sample taken at monotonic time t (used: eas_usage_t.written). */
void eas_predictor_update(eas_predictor_t *p, double t, uint64_t used);
/* Forget the samples, keeping the rate (after the filesystem changed size,
 * when the byte counts jump). */
void eas_predictor_rebase(eas_predictor_t *p);
/* Seconds until avail is gone at the current rate (inf when not growing). */
double eas_predictor_time_to_full(const eas_predictor_t *p, uint64_t avail);

typedef enum { EAS_GROW_NO = 0, EAS_GROW_THRESHOLD, EAS_GROW_PREDICTED } eas_grow_reason_t;

/* Decide: grow when the used percent reaches the threshold for ndev
 * devices, or (prediction on) when the time to full is under lead_s x the
 * safety factor.  lead_s is the measured (or configured) time from a
 * decision to usable space. */
eas_grow_reason_t eas_detect_decide(const eas_config_t *cfg, const eas_usage_t *u, const eas_predictor_t *p,
				    long ndev, double lead_s);

/* "threshold", "predicted" or "no". */
const char *eas_detect_reason_name(eas_grow_reason_t r);

#endif
