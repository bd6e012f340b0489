/* eas_daemon.c — detection loop, growth decisions, loud failures. */
#include "eas_daemon.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "eas_detect.h"
#include "eas_fs.h"
#include "eas_grow.h"
#include "eas_state.h"
#include "path.h"
#include "strbuf.h"

#define GIB (1024.0 * 1024.0 * 1024.0)

char *eas_daemon_state_path(const eas_config_t *cfg) { return gsa_path_join(cfg->state_dir, "state.json"); }

static int imds_string(eas_aws_t *a, const char *path, char *out, size_t n, gsa_err_t *err)
{
	char *v = NULL;
	if (gsa_imds_read(&a->imds, path, &v, err)) return -1;
	if (!*v || strlen(v) >= n) {
		free(v);
		return gsa_err_set(err, GSA_EREMOTE, "instance metadata %s: unexpected value", path);
	}
	snprintf(out, n, "%s", v);
	free(v);
	return 0;
}

int eas_aws_connect(eas_aws_t *a, const eas_config_t *cfg, const gsa_log_t *log, gsa_err_t *err)
{
	memset(a, 0, sizeof *a);
	gsa_imds_init(&a->imds, (int)cfg->imds_token_ttl);
	if (imds_string(a, "/latest/meta-data/instance-id", a->instance_id, sizeof a->instance_id, err) ||
	    imds_string(a, "/latest/meta-data/placement/availability-zone", a->az, sizeof a->az, err) ||
	    imds_string(a, "/latest/meta-data/placement/region", a->region, sizeof a->region, err))
		return -1;
	if (gsa_http_global_init(err)) return -1;
	if (gsa_aws_creds_init(&a->creds, NULL, err)) return -1;
	a->have_creds = 1;
	if (gsa_ec2_init(&a->ec2, a->region, cfg->ec2_endpoint[0] ? cfg->ec2_endpoint : NULL, &a->creds, log, err))
		return -1;
	a->have_ec2 = 1;
	a->ec2.max_attempts = (int)cfg->api_max_attempts;
	a->ec2.base_ms = cfg->api_backoff_base_ms;
	a->ec2.cap_ms = cfg->api_backoff_cap_ms;
	gsa_info(log, "instance %s in %s (%s), EC2 endpoint %s, credentials from %s", a->instance_id, a->az, a->region,
		 a->ec2.endpoint, gsa_aws_creds_source_name(a->creds.source));
	return 0;
}

void eas_aws_close(eas_aws_t *a)
{
	if (a->have_ec2) gsa_ec2_free(&a->ec2);
	if (a->have_creds) gsa_aws_creds_free(&a->creds);
	a->have_ec2 = a->have_creds = 0;
}

/* devices in the filesystem (-1 when they cannot be listed) */
static long count_devices(const eas_config_t *cfg, const gsa_log_t *log)
{
	eas_fs_dev_t *devs = calloc(EAS_FS_MAX_DEVS, sizeof *devs);
	int n = 0;
	gsa_err_t e;
	long rc = -1;
	if (devs && eas_fs_list(cfg, devs, EAS_FS_MAX_DEVS, &n, &e) == 0) rc = n;
	else if (devs) gsa_warn(log, "%s", e.msg);
	free(devs);
	return rc;
}

typedef struct {
	const eas_config_t *cfg;
	const gsa_log_t *log;
	eas_state_t *st;
	eas_grow_t *g;
	double lead_s;
	int measured;
	int failures;
	double retry_at;
	double last_loud;
	double last_report;
} loop_t;

static void loud(loop_t *L, double now, const eas_usage_t *u, const char *why)
{
	if (now - L->last_loud < 10) return;
	L->last_loud = now;
	gsa_error(L->log, "LOW DISK: %s is %.1f%% full (%.2f GiB free) and cannot grow: %s", L->cfg->mountpoint, u->pct,
		  (double)u->avail / GIB, why);
}

/* one growth decided at time t0; returns 1 when it was attempted, 0 when a
 * limit stopped it */
static int grow(loop_t *L, double t0, const eas_usage_t *u, const eas_predictor_t *p, long ndev,
		 eas_grow_reason_t why)
{
	const eas_config_t *cfg = L->cfg;
	long size = eas_config_volume_size(cfg, ndev);
	double total_gib = (double)u->total / GIB;
	if (total_gib + (double)size > (double)cfg->max_total_gib) size = (long)floor((double)cfg->max_total_gib - total_gib);
	int in_fs = eas_state_count(L->st, "in-filesystem");
	const char *limit = NULL;
	char why_buf[256];
	if (in_fs >= cfg->max_volumes) {
		snprintf(why_buf, sizeof why_buf, "limits.max_ebs_volume_count (%ld) reached", cfg->max_volumes);
		limit = why_buf;
	} else if (size < 1 || size < cfg->min_volume_gib) {
		snprintf(why_buf, sizeof why_buf, "limits.max_logical_volume_size (%ld GiB) reached", cfg->max_total_gib);
		limit = why_buf;
	}
	if (limit) {
		if (strcmp(L->st->phase, "limit")) {
			snprintf(L->st->phase, sizeof L->st->phase, "limit");
			eas_state_set_error(L->st, limit);
			eas_grow_save(L->g);
		}
		loud(L, t0, u, limit);
		return 0;
	}
	gsa_kv_t kv[] = { GSA_KV_STR("reason", eas_detect_reason_name(why)), GSA_KV_NUM("used_pct", u->pct),
			  GSA_KV_NUM("devices", ndev), GSA_KV_NUM("write_mb_per_s", p->rate / 1e6),
			  GSA_KV_NUM("size_gib", size) };
	gsa_log_kv(L->log, GSA_LOG_INFO, "growing", kv, 5);
	snprintf(L->st->phase, sizeof L->st->phase, "growing");
	L->st->last_rate_bps = p->rate;
	gsa_err_t e;
	if (eas_grow_add_volume(L->g, size, &e) == 0) {
		double dt = gsa_monotonic_seconds() - t0;
		L->st->last_growth_s = dt;
		L->lead_s = L->measured ? fmax(dt, 0.5 * L->lead_s + 0.5 * dt) : dt;
		L->measured = 1;
		L->failures = 0;
		snprintf(L->st->phase, sizeof L->st->phase, "idle");
		eas_grow_save(L->g);
		gsa_kv_t k2[] = { GSA_KV_NUM("detection_to_usable_s", dt), GSA_KV_NUM("api_requests", L->g->ec2->requests),
				  GSA_KV_NUM("api_throttled", L->g->ec2->throttled) };
		gsa_log_kv(L->log, GSA_LOG_INFO, "growth done", k2, 3);
		return 1;
	}
	L->failures++;
	double backoff = fmin(5.0 * pow(2, L->failures - 1), 300);
	L->retry_at = gsa_monotonic_seconds() + backoff;
	snprintf(L->st->phase, sizeof L->st->phase, "failing");
	eas_state_set_error(L->st, e.msg);
	eas_grow_save(L->g);
	gsa_error(L->log, "growth of %s failed (attempt %d, next in %.0f s): %s", cfg->mountpoint, L->failures, backoff,
		  e.msg);
	return 1;
}

int eas_daemon_run(const eas_config_t *cfg, const gsa_log_t *log, const eas_daemon_hooks_t *hooks, int *stop_sig,
		   gsa_err_t *err)
{
	*stop_sig = 0;
	if (eas_fs_check(cfg, err)) return -1;
	if (gsa_mkdir_p(cfg->state_dir, 0755, err)) return -1;
	char *state_path = eas_daemon_state_path(cfg);
	eas_state_t *st = calloc(1, sizeof *st);
	eas_aws_t *aws = calloc(1, sizeof *aws);
	eas_grow_t *g = calloc(1, sizeof *g);
	int rc = -1;
	if (!st || !aws || !g) {
		gsa_err_set(err, GSA_EINTERNAL, "out of memory");
		goto out;
	}
	eas_state_init(st);
	gsa_err_t ignore;
	eas_state_t old;
	if (eas_state_load(&old, state_path, &ignore) == 0) { /* keep the book of volumes across restarts */
		memcpy(st->vols, old.vols, sizeof st->vols);
		st->nvols = old.nvols;
		st->growths = old.growths;
		st->last_growth_s = old.last_growth_s;
	}
	st->pid = (long)getpid();
	snprintf(st->mountpoint, sizeof st->mountpoint, "%s", cfg->mountpoint);
	snprintf(st->fs, sizeof st->fs, "%s", eas_config_fs_name(cfg->fs));
	if (eas_aws_connect(aws, cfg, log, err)) goto out;
	aws->ec2.should_stop = hooks->should_stop;
	aws->ec2.stop_ctx = hooks->ctx;
	snprintf(st->instance_id, sizeof st->instance_id, "%s", aws->instance_id);
	eas_grow_init(g, cfg, log, &aws->ec2, st, state_path);
	g->should_stop = hooks->should_stop;
	g->stop_ctx = hooks->ctx;
	snprintf(g->instance_id, sizeof g->instance_id, "%s", aws->instance_id);
	snprintf(g->az, sizeof g->az, "%s", aws->az);
	if (eas_grow_load_instance_tags(g, err) || eas_grow_check_permissions(g, err)) {
		snprintf(st->phase, sizeof st->phase, "stopped");
		eas_state_set_error(st, err->msg);
		eas_grow_save(g);
		goto out;
	}
	gsa_err_t e;
	if (eas_grow_reconcile(g, &e)) {
		eas_state_set_error(st, e.msg);
		gsa_error(log, "start-up sweep incomplete (retried at the next start): %s", e.msg);
	}
	snprintf(st->phase, sizeof st->phase, "idle");
	eas_grow_save(g);

	loop_t L = { cfg, log, st, g, cfg->lead_time_s, 0, 0, 0, -1e9, -1e9 };
	eas_predictor_t pred;
	eas_predictor_init(&pred, 3.0);
	long ndev = count_devices(cfg, log);
	double ndev_at = gsa_monotonic_seconds();
	gsa_info(log, "watching %s (%s, %ld device%s) every %.2f s", cfg->mountpoint, eas_config_fs_name(cfg->fs), ndev,
		 ndev == 1 ? "" : "s", cfg->detection_interval);
	double statvfs_fail_at = -1e9;
	while (!(*stop_sig = hooks->should_stop(hooks->ctx))) {
		double now = gsa_monotonic_seconds();
		eas_usage_t u;
		if (eas_usage_read(cfg->mountpoint, &u, &e)) {
			if (now - statvfs_fail_at > 10) {
				gsa_error(log, "%s", e.msg);
				eas_state_set_error(st, e.msg);
				eas_grow_save(g);
				statvfs_fail_at = now;
			}
		} else {
			eas_predictor_update(&pred, now, u.written);
			if (now - ndev_at > 60) {
				long n = count_devices(cfg, log);
				if (n > 0) ndev = n;
				ndev_at = now;
			}
			eas_grow_reason_t why = eas_detect_decide(cfg, &u, &pred, ndev, L.lead_s);
			if (why != EAS_GROW_NO && now < L.retry_at) {
				loud(&L, now, &u, st->last_error);
			} else if (why != EAS_GROW_NO) {
				if (grow(&L, now, &u, &pred, ndev, why)) eas_predictor_rebase(&pred);
				long n = count_devices(cfg, log);
				if (n > 0) ndev = n;
				ndev_at = gsa_monotonic_seconds();
				if (!strcmp(st->phase, "idle")) continue; /* look again at once: a fast writer may need more */
			} else if (!strcmp(st->phase, "limit") || !strcmp(st->phase, "failing")) {
				snprintf(st->phase, sizeof st->phase, "idle");
				eas_grow_save(g);
			}
			if (now - L.last_report >= cfg->log_interval_s) {
				L.last_report = now;
				gsa_kv_t kv[] = { GSA_KV_NUM("devices", ndev), GSA_KV_NUM("size_gib", (double)u.total / GIB),
						  GSA_KV_NUM("free_gib", (double)u.avail / GIB), GSA_KV_NUM("used_pct", u.pct),
						  GSA_KV_NUM("threshold_pct", eas_config_threshold(cfg, ndev)),
						  GSA_KV_NUM("write_mb_per_s", pred.rate / 1e6) };
				gsa_log_kv(log, GSA_LOG_INFO, cfg->mountpoint, kv, 6);
			}
		}
		if ((*stop_sig = hooks->wait(hooks->ctx, cfg->detection_interval))) break;
	}
	snprintf(st->phase, sizeof st->phase, "stopped");
	eas_grow_save(g);
	gsa_info(log, "stopping on signal %d after %ld EC2 requests", *stop_sig, aws->ec2.requests);
	rc = 0;
out:
	if (aws) eas_aws_close(aws);
	free(g);
	free(aws);
	free(st);
	free(state_path);
	return rc;
}
