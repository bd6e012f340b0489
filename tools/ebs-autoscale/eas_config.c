/* eas_config.c — defaults and the JSON configuration file. */
#include "eas_config.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"
#include "json.h"

void eas_config_defaults(eas_config_t *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->mountpoint, sizeof c->mountpoint, "/scratch");
	c->fs = EAS_FS_BTRFS;
	snprintf(c->vg, sizeof c->vg, "autoscale_vg");
	snprintf(c->lv, sizeof c->lv, "autoscale_lv");
	snprintf(c->volume_type, sizeof c->volume_type, "gp3");
	c->iops = 3000;
	c->throughput = 125;
	c->encrypted = 1;
	c->detection_interval = 1;
	c->min_volume_gib = 150;
	c->max_volume_gib = 1500;
	c->max_total_gib = 8000;
	c->max_volumes = 16;
	/* amazon-ebs-autoscale's calc_threshold / calc_new_size */
	static const eas_step_t th[] = { { 1, 50 }, { 4, 80 }, { 7, 90 } };
	static const eas_step_t sz[] = { { 1, 150 }, { 4, 300 }, { 7, 1000 }, { 11, 1500 } };
	memcpy(c->thresholds, th, sizeof th);
	c->nthresholds = 3;
	memcpy(c->sizes, sz, sizeof sz);
	c->nsizes = 4;
	c->predict = 1;
	c->lead_time_s = 60;
	c->safety_factor = 2;
	c->available_timeout_s = 300;
	c->attach_timeout_s = 300;
	c->device_timeout_s = 120;
	c->api_max_attempts = 16;
	c->api_backoff_base_ms = 200;
	c->api_backoff_cap_ms = 20000;
	c->imds_token_ttl = 21600;
	snprintf(c->state_dir, sizeof c->state_dir, "/var/lib/gsa/ebs-autoscale");
	c->log_interval_s = 300;
	snprintf(c->by_id_dir, sizeof c->by_id_dir, "/dev/disk/by-id");
	snprintf(c->sys_block_dir, sizeof c->sys_block_dir, "/sys/block");
	snprintf(c->dev_dir, sizeof c->dev_dir, "/dev");
}

const char *eas_config_fs_name(eas_fs_kind_t fs) { return fs == EAS_FS_XFS_LVM ? "xfs-lvm" : "btrfs"; }

int eas_config_parse_fs(const char *s, eas_fs_kind_t *fs)
{
	if (!strcmp(s, "btrfs")) *fs = EAS_FS_BTRFS;
	else if (!strcmp(s, "xfs-lvm") || !strcmp(s, "lvm.xfs")) *fs = EAS_FS_XFS_LVM;
	else return -1;
	return 0;
}

static long step_lookup(const eas_step_t *st, int n, long ndev)
{
	long v = n ? st[0].value : 0;
	for (int i = 0; i < n; i++)
		if (ndev >= st[i].devices) v = st[i].value;
	return v;
}

long eas_config_threshold(const eas_config_t *c, long ndev) { return step_lookup(c->thresholds, c->nthresholds, ndev); }

long eas_config_volume_size(const eas_config_t *c, long ndev)
{
	long v = step_lookup(c->sizes, c->nsizes, ndev);
	if (v < c->min_volume_gib) v = c->min_volume_gib;
	if (v > c->max_volume_gib) v = c->max_volume_gib;
	return v;
}

/* ---- typed readers: each names file and key on error ------------------ */

typedef struct {
	const char *file;
	gsa_err_t *err;
} ctx_t;

static int bad(ctx_t *x, const char *key, const gsa_json_t *v, const char *what)
{
	return gsa_err_set(x->err, GSA_EDATA, "%s: line %d: key \"%s\": %s", x->file, v ? v->line : 0, key, what);
}

static int get_str(ctx_t *x, const gsa_json_t *v, const char *key, char *out, size_t n)
{
	if (v->type != GSA_JSON_STR) return bad(x, key, v, "expected a string");
	if (strlen(v->str) >= n) return bad(x, key, v, "too long");
	snprintf(out, n, "%s", v->str);
	return 0;
}

/* numbers, also as strings ("3000": amazon-ebs-autoscale's files quote them) */
static int get_num(ctx_t *x, const gsa_json_t *v, const char *key, double lo, double hi, int integer, double *out)
{
	double d;
	if (v->type == GSA_JSON_NUM) {
		d = v->num;
	} else if (v->type == GSA_JSON_STR && *v->str) {
		char *e;
		d = strtod(v->str, &e);
		if (*e) return bad(x, key, v, "expected a number");
	} else {
		return bad(x, key, v, "expected a number");
	}
	if (integer && d != floor(d)) return bad(x, key, v, "expected a whole number");
	if (d < lo || d > hi) {
		char m[128];
		snprintf(m, sizeof m, "%g is out of range [%g, %g]", d, lo, hi);
		return bad(x, key, v, m);
	}
	*out = d;
	return 0;
}

static int get_long(ctx_t *x, const gsa_json_t *v, const char *key, long lo, long hi, long *out)
{
	double d;
	if (get_num(x, v, key, (double)lo, (double)hi, 1, &d)) return -1;
	*out = (long)d;
	return 0;
}

static int get_bool(ctx_t *x, const gsa_json_t *v, const char *key, int *out)
{
	if (v->type == GSA_JSON_BOOL) *out = v->boolean;
	else if (v->type == GSA_JSON_NUM && (v->num == 0 || v->num == 1)) *out = (int)v->num;
	else if (v->type == GSA_JSON_STR && (!strcmp(v->str, "true") || !strcmp(v->str, "1"))) *out = 1;
	else if (v->type == GSA_JSON_STR && (!strcmp(v->str, "false") || !strcmp(v->str, "0"))) *out = 0;
	else return bad(x, key, v, "expected true or false");
	return 0;
}

/* {"1": 50, "4": 80}: device count -> value */
static int get_steps(ctx_t *x, const gsa_json_t *v, const char *key, long lo, long hi, eas_step_t *st, int *n)
{
	if (v->type != GSA_JSON_OBJ || !v->n) return bad(x, key, v, "expected an object {\"DEVICES\": VALUE, ...}");
	if (v->n > EAS_MAX_STEPS) return bad(x, key, v, "too many steps");
	for (size_t i = 0; i < v->n; i++) {
		char *e;
		long d = strtol(v->keys[i], &e, 10);
		if (*e || !*v->keys[i] || d < 1 || d > 1000) return bad(x, key, v, "step names must be device counts >= 1");
		if (i && d <= st[i - 1].devices) return bad(x, key, v, "steps must be in increasing device count");
		st[i].devices = d;
		if (get_long(x, &v->kids[i], key, lo, hi, &st[i].value)) return -1;
	}
	if (st[0].devices != 1) return bad(x, key, v, "the first step must be \"1\"");
	*n = (int)v->n;
	return 0;
}

typedef enum { T_STR, T_LONG, T_DBL, T_BOOL, T_OBJ, T_STEPS, T_FS, T_IGNORE } ktype_t;

typedef struct {
	const char *key;   /* dotted path */
	ktype_t t;
	size_t off;
	size_t size;       /* for strings */
	double lo, hi;
} key_t_;

#define S(k, f) { k, T_STR, offsetof(eas_config_t, f), sizeof(((eas_config_t *)0)->f), 0, 0 }
#define L(k, f, lo, hi) { k, T_LONG, offsetof(eas_config_t, f), 0, lo, hi }
#define D(k, f, lo, hi) { k, T_DBL, offsetof(eas_config_t, f), 0, lo, hi }
#define B(k, f) { k, T_BOOL, offsetof(eas_config_t, f), 0, 0, 0 }
#define O(k) { k, T_OBJ, 0, 0, 0, 0 }

static const key_t_ KEYS[] = {
	S("mountpoint", mountpoint),
	{ "filesystem", T_FS, 0, 0, 0, 0 },
	{ "imdsv2", T_IGNORE, 0, 0, 0, 0 },
	O("lvm"), S("lvm.volume_group", vg), S("lvm.logical_volume", lv),
	O("volume"), S("volume.type", volume_type), L("volume.iops", iops, 0, 256000),
	L("volume.throughput", throughput, 0, 4000), B("volume.encrypted", encrypted),
	S("volume.kms_key_id", kms_key_id),
	D("detection_interval", detection_interval, 0.05, 3600),
	O("limits"), L("limits.min_ebs_volume_size", min_volume_gib, 1, 65536),
	L("limits.max_ebs_volume_size", max_volume_gib, 1, 65536),
	L("limits.max_logical_volume_size", max_total_gib, 1, 1048576),
	L("limits.max_ebs_volume_count", max_volumes, 1, 100),
	{ "limits.initial_utilization_threshold", T_IGNORE, 0, 0, 0, 0 }, /* handled below */
	{ "thresholds", T_STEPS, offsetof(eas_config_t, thresholds), offsetof(eas_config_t, nthresholds), 1, 100 },
	{ "volume_sizes", T_STEPS, offsetof(eas_config_t, sizes), offsetof(eas_config_t, nsizes), 1, 65536 },
	O("prediction"), B("prediction.enabled", predict),
	D("prediction.initial_lead_time", lead_time_s, 0, 3600),
	D("prediction.safety_factor", safety_factor, 1, 100),
	O("timeouts"), D("timeouts.volume_available", available_timeout_s, 1, 86400),
	D("timeouts.volume_attached", attach_timeout_s, 1, 86400),
	D("timeouts.device_visible", device_timeout_s, 1, 86400),
	O("api"), L("api.max_attempts", api_max_attempts, 1, 100),
	L("api.backoff_base_ms", api_backoff_base_ms, 1, 60000),
	L("api.backoff_cap_ms", api_backoff_cap_ms, 1, 600000),
	S("api.ec2_endpoint", ec2_endpoint),
	O("imds"), L("imds.token_ttl_seconds", imds_token_ttl, 1, 21600),
	S("state_dir", state_dir),
	O("logging"), D("logging.log_interval", log_interval_s, 1, 86400),
	{ "logging.log_file", T_IGNORE, 0, 0, 0, 0 },
	O("devices"), S("devices.by_id_dir", by_id_dir), S("devices.sys_block_dir", sys_block_dir),
	S("devices.dev_dir", dev_dir),
};

static const key_t_ *find_key(const char *path)
{
	for (size_t i = 0; i < sizeof KEYS / sizeof KEYS[0]; i++)
		if (!strcmp(KEYS[i].key, path)) return &KEYS[i];
	return NULL;
}

static int apply(ctx_t *x, eas_config_t *c, const gsa_json_t *obj, const char *prefix)
{
	for (size_t i = 0; i < obj->n; i++) {
		char path[256];
		snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", obj->keys[i]);
		const gsa_json_t *v = &obj->kids[i];
		const key_t_ *k = find_key(path);
		if (!k) return bad(x, path, v, "unknown key (see tools/ebs-autoscale/README.md)");
		char *f = (char *)c + k->off;
		double d;
		switch (k->t) {
		case T_STR:
			if (get_str(x, v, path, f, k->size)) return -1;
			break;
		case T_LONG:
			if (get_long(x, v, path, (long)k->lo, (long)k->hi, (long *)(void *)f)) return -1;
			break;
		case T_DBL:
			if (get_num(x, v, path, k->lo, k->hi, 0, &d)) return -1;
			*(double *)(void *)f = d;
			break;
		case T_BOOL:
			if (get_bool(x, v, path, (int *)(void *)f)) return -1;
			break;
		case T_FS:
			if (v->type != GSA_JSON_STR || eas_config_parse_fs(v->str, &c->fs))
				return bad(x, path, v, "expected \"btrfs\" or \"xfs-lvm\"");
			break;
		case T_STEPS:
			if (get_steps(x, v, path, (long)k->lo, (long)k->hi, (eas_step_t *)(void *)f,
				      (int *)(void *)((char *)c + k->size)))
				return -1;
			break;
		case T_OBJ:
			if (v->type != GSA_JSON_OBJ) return bad(x, path, v, "expected an object");
			if (apply(x, c, v, path)) return -1;
			break;
		case T_IGNORE:
			break;
		}
	}
	return 0;
}

int eas_config_parse(eas_config_t *c, const char *name, const char *text, gsa_err_t *err)
{
	eas_config_defaults(c);
	gsa_json_t *root = NULL;
	if (gsa_json_parse(text, strlen(text), &root, err)) return gsa_err_prefix(err, "%s", name);
	ctx_t x = { name, err };
	int rc = 0;
	if (root->type != GSA_JSON_OBJ) rc = bad(&x, "(top level)", root, "expected an object");
	if (!rc) rc = apply(&x, c, root, "");
	/* amazon-ebs-autoscale's single threshold sets the first step */
	const gsa_json_t *lim = gsa_json_member(root, "limits");
	const gsa_json_t *it = gsa_json_member(lim, "initial_utilization_threshold");
	if (!rc && it && !gsa_json_member(root, "thresholds")) {
		long t;
		rc = get_long(&x, it, "limits.initial_utilization_threshold", 1, 100, &t);
		if (!rc) c->thresholds[0].value = t;
	}
	if (!rc && c->mountpoint[0] != '/') rc = bad(&x, "mountpoint", gsa_json_member(root, "mountpoint"), "must be an absolute path");
	if (!rc && c->min_volume_gib > c->max_volume_gib)
		rc = bad(&x, "limits.min_ebs_volume_size", gsa_json_member(lim, "min_ebs_volume_size"),
			 "is larger than limits.max_ebs_volume_size");
	if (!rc && c->api_backoff_base_ms > c->api_backoff_cap_ms)
		rc = bad(&x, "api.backoff_base_ms", NULL, "is larger than api.backoff_cap_ms");
	gsa_json_free(root);
	return rc;
}

int eas_config_load(eas_config_t *c, const char *path, gsa_err_t *err)
{
	char *text = NULL;
	size_t len = 0;
	if (gsa_read_file(path, &text, &len, err)) {
		eas_config_defaults(c);
		return gsa_err_prefix(err, "config");
	}
	if (strlen(text) != len) {
		free(text);
		return gsa_err_set(err, GSA_EDATA, "%s: NUL byte in the configuration", path);
	}
	int rc = eas_config_parse(c, path, text, err);
	free(text);
	return rc;
}
