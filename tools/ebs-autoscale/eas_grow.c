/* eas_grow.c — create, attach, protect and add EBS volumes; sweep and
 * clean up what this instance created. */
#include "eas_grow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aws/http.h"
#include "aws/xml.h"
#include "cli.h"
#include "clock.h"
#include "eas_devices.h"
#include "eas_fs.h"

typedef eas_vdesc_t vdesc_t;

void eas_grow_init(eas_grow_t *g, const eas_config_t *cfg, const gsa_log_t *log, gsa_ec2_client_t *ec2,
		   eas_state_t *st, const char *state_path)
{
	memset(g, 0, sizeof *g);
	g->cfg = cfg;
	g->log = log;
	g->ec2 = ec2;
	g->st = st;
	snprintf(g->state_path, sizeof g->state_path, "%s", state_path ? state_path : "");
	g->rng = ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid() ^ 0x2545F4914F6CDD1Dull;
}

void eas_grow_save(eas_grow_t *g)
{
	if (!g->state_path[0]) return;
	g->st->api_requests = g->ec2->requests;
	g->st->throttled = g->ec2->throttled;
	gsa_err_t e;
	if (eas_state_save(g->st, g->state_path, &e)) gsa_warn(g->log, "state file: %s", e.msg);
}

static uint64_t next_rand(eas_grow_t *g)
{
	uint64_t x = g->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return g->rng = x;
}

static int stopping(eas_grow_t *g) { return g->should_stop && g->should_stop(g->stop_ctx); }

/* sleep s seconds +-20 % unless stopping; 1 when cut short */
static int nap(eas_grow_t *g, double s)
{
	double f = 0.8 + 0.4 * (double)(next_rand(g) % 1000) / 1000.0;
	return gsa_sleep_ms_unless((long)(s * f * 1000), g->should_stop, g->stop_ctx);
}

static void mark(eas_grow_t *g, const char *id, const char *state)
{
	eas_volume_t *v = eas_state_volume(g->st, id, 1);
	if (v) snprintf(v->state, sizeof v->state, "%s", state);
	eas_grow_save(g);
}

/* ---- EC2 requests (each names its IAM action) ------------------------- */

static void copy_text(gsa_xml_span_t in, const char *tag, char *out, size_t n)
{
	char *t = gsa_xml_text(in, tag);
	snprintf(out, n, "%s", t ? t : "");
	free(t);
}

/* "PREFIX" followed by 1..21 lower-case hex digits, as EC2 ids are */
static int valid_id(const char *s, const char *prefix)
{
	size_t n = strlen(prefix), i;
	if (strncmp(s, prefix, n)) return 0;
	for (i = n; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
	return i > n && i - n <= 21;
}

int eas_grow_parse_volumes(const char *xml, eas_vdesc_t **out, int *n)
{
	gsa_xml_span_t root, set, item;
	*out = NULL;
	*n = 0;
	if (!gsa_xml_root(xml, &root)) return -1;
	const char *from = NULL;
	if (!gsa_xml_child(root, &from, "volumeSet", &set)) return -1;
	int cap = 0;
	from = NULL;
	while (gsa_xml_child(set, &from, "item", &item)) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			vdesc_t *nv = realloc(*out, (size_t)cap * sizeof **out);
			if (!nv) goto bad;
			*out = nv;
		}
		vdesc_t *v = &(*out)[(*n)++];
		memset(v, 0, sizeof *v);
		char size[32];
		copy_text(item, "volumeId", v->id, sizeof v->id);
		copy_text(item, "status", v->status, sizeof v->status);
		copy_text(item, "size", size, sizeof size);
		if (gsa_parse_long(size, 1, 1L << 20, &v->size) < 0 || !valid_id(v->id, "vol-")) goto bad;
		gsa_xml_span_t atts, att, tags, tag;
		const char *f2 = NULL;
		if (gsa_xml_child(item, &f2, "attachmentSet", &atts)) {
			const char *f3 = NULL;
			if (gsa_xml_child(atts, &f3, "item", &att)) {
				char dot[16];
				v->has_att = 1;
				copy_text(att, "instanceId", v->att_instance, sizeof v->att_instance);
				copy_text(att, "device", v->att_device, sizeof v->att_device);
				copy_text(att, "status", v->att_state, sizeof v->att_state);
				copy_text(att, "deleteOnTermination", dot, sizeof dot);
				v->dot = !strcmp(dot, "true");
			}
		}
		f2 = NULL;
		if (gsa_xml_child(item, &f2, "tagSet", &tags)) {
			const char *f3 = NULL;
			while (gsa_xml_child(tags, &f3, "item", &tag)) {
				char k[128];
				copy_text(tag, "key", k, sizeof k);
				if (!strcmp(k, EAS_TAG_CREATOR)) v->tagged = 1;
			}
		}
	}
	return 0;
bad:
	free(*out);
	*out = NULL;
	*n = 0;
	return -1;
}

/* DescribeVolumes of one volume (vol_id) or by one filter.  A volume id
 * that does not exist gives *n == 0. */
static int describe(eas_grow_t *g, const char *vol_id, const char *fname, const char *fval, vdesc_t **out, int *n,
		    gsa_err_t *err)
{
	gsa_ec2_params_t p;
	gsa_ec2_params_init(&p);
	if (vol_id) gsa_ec2_params_add(&p, "VolumeId.1", vol_id);
	if (fname) {
		gsa_ec2_params_add(&p, "Filter.1.Name", fname);
		gsa_ec2_params_add(&p, "Filter.1.Value.1", fval);
	}
	char *xml = NULL;
	int rc = gsa_ec2_call(g->ec2, "ec2:DescribeVolumes", &p, &xml, err);
	gsa_ec2_params_free(&p);
	*out = NULL;
	*n = 0;
	if (rc) {
		if (vol_id && !strcmp(g->ec2->last_code, "InvalidVolume.NotFound")) return 0;
		return -1;
	}
	rc = eas_grow_parse_volumes(xml, out, n);
	free(xml);
	if (rc) {
		return gsa_err_set(err, GSA_EREMOTE,
				   "ec2:DescribeVolumes: unexpected response (no volumeSet, or a volume without a valid id or size)");
	}
	return 0;
}

static int api_delete(eas_grow_t *g, const char *id, gsa_err_t *err)
{
	gsa_ec2_params_t p;
	gsa_ec2_params_init(&p);
	gsa_ec2_params_add(&p, "VolumeId", id);
	int rc = gsa_ec2_call(g->ec2, "ec2:DeleteVolume", &p, NULL, err);
	gsa_ec2_params_free(&p);
	if (rc && !strcmp(g->ec2->last_code, "InvalidVolume.NotFound")) rc = 0;
	if (rc == 0) {
		gsa_info(g->log, "deleted volume %s", id);
		mark(g, id, "deleted");
	}
	return rc;
}

static int api_detach(eas_grow_t *g, const char *id, gsa_err_t *err)
{
	gsa_ec2_params_t p;
	gsa_ec2_params_init(&p);
	gsa_ec2_params_add(&p, "VolumeId", id);
	gsa_ec2_params_add(&p, "InstanceId", g->instance_id);
	int rc = gsa_ec2_call(g->ec2, "ec2:DetachVolume", &p, NULL, err);
	gsa_ec2_params_free(&p);
	if (rc && !strcmp(g->ec2->last_code, "IncorrectState")) rc = 0; /* already detached */
	if (rc == 0) gsa_info(g->log, "detaching volume %s", id);
	return rc;
}

static int api_protect(eas_grow_t *g, const char *id, const char *attach_name, gsa_err_t *err)
{
	gsa_ec2_params_t p;
	gsa_ec2_params_init(&p);
	gsa_ec2_params_add(&p, "InstanceId", g->instance_id);
	gsa_ec2_params_add(&p, "BlockDeviceMapping.1.DeviceName", attach_name);
	gsa_ec2_params_add(&p, "BlockDeviceMapping.1.Ebs.DeleteOnTermination", "true");
	int rc = gsa_ec2_call(g->ec2, "ec2:ModifyInstanceAttribute", &p, NULL, err);
	gsa_ec2_params_free(&p);
	if (rc == 0) {
		gsa_info(g->log, "volume %s (%s) is deleted on termination", id, attach_name);
		mark(g, id, "protected");
	}
	return rc;
}

static int api_attach(eas_grow_t *g, const char *id, const char *name, gsa_err_t *err)
{
	gsa_ec2_params_t p;
	gsa_ec2_params_init(&p);
	gsa_ec2_params_add(&p, "VolumeId", id);
	gsa_ec2_params_add(&p, "InstanceId", g->instance_id);
	gsa_ec2_params_add(&p, "Device", name);
	int rc = gsa_ec2_call(g->ec2, "ec2:AttachVolume", &p, NULL, err);
	gsa_ec2_params_free(&p);
	return rc;
}

/* TagSpecification.1.Tag.N.Key/Value */
static void add_tag(gsa_ec2_params_t *p, int n, const char *key, const char *val)
{
	char k[64];
	snprintf(k, sizeof k, "TagSpecification.1.Tag.%d.Key", n);
	gsa_ec2_params_add(p, k, key);
	snprintf(k, sizeof k, "TagSpecification.1.Tag.%d.Value", n);
	gsa_ec2_params_add(p, k, val);
}

static int api_create(eas_grow_t *g, long size, const char *token, int dry_run, char *id, size_t idn, gsa_err_t *err)
{
	const eas_config_t *c = g->cfg;
	gsa_ec2_params_t p;
	gsa_ec2_params_init(&p);
	gsa_ec2_params_add(&p, "AvailabilityZone", g->az);
	gsa_ec2_params_addf(&p, "Size", "%ld", size);
	gsa_ec2_params_add(&p, "VolumeType", c->volume_type);
	int provisioned = !strcmp(c->volume_type, "gp3") || !strcmp(c->volume_type, "io1") ||
			  !strcmp(c->volume_type, "io2");
	if (provisioned && c->iops > 0) gsa_ec2_params_addf(&p, "Iops", "%ld", c->iops);
	if (!strcmp(c->volume_type, "gp3") && c->throughput > 0) gsa_ec2_params_addf(&p, "Throughput", "%ld", c->throughput);
	if (c->encrypted) {
		gsa_ec2_params_add(&p, "Encrypted", "true");
		if (c->kms_key_id[0]) gsa_ec2_params_add(&p, "KmsKeyId", c->kms_key_id);
	}
	if (token) gsa_ec2_params_add(&p, "ClientToken", token);
	if (dry_run) gsa_ec2_params_add(&p, "DryRun", "true");
	gsa_ec2_params_add(&p, "TagSpecification.1.ResourceType", "volume");
	int nt = 0;
	/* the instance's tags (not those the config or the daemon set), then the config's, then ours */
	for (int i = 0; i < g->ntags && nt < EAS_MAX_TAGS - 2 - c->ntags; i++) {
		if (!strcmp(g->tag_key[i], EAS_TAG_CREATOR) || !strcmp(g->tag_key[i], EAS_TAG_MOUNTPOINT)) continue;
		int over = 0;
		for (int j = 0; j < c->ntags; j++) over |= !strcmp(g->tag_key[i], c->tag_key[j]);
		if (!over) add_tag(&p, ++nt, g->tag_key[i], g->tag_val[i]);
	}
	for (int i = 0; i < c->ntags; i++) add_tag(&p, ++nt, c->tag_key[i], c->tag_val[i]);
	add_tag(&p, ++nt, EAS_TAG_CREATOR, g->instance_id);
	add_tag(&p, ++nt, EAS_TAG_MOUNTPOINT, c->mountpoint);
	char *xml = NULL;
	int rc = gsa_ec2_call(g->ec2, "ec2:CreateVolume", &p, &xml, err);
	gsa_ec2_params_free(&p);
	if (dry_run) {
		free(xml);
		if (rc && !strcmp(g->ec2->last_code, "DryRunOperation")) return 0;
		if (rc == 0) return 0;
		return -1;
	}
	if (rc) return -1;
	char *vid = gsa_xml_root_text(xml, "volumeId");
	free(xml);
	if (!vid || strncmp(vid, "vol-", 4) || strlen(vid) >= idn) {
		free(vid);
		return gsa_err_set(err, GSA_EREMOTE, "ec2:CreateVolume: no volumeId in the response");
	}
	snprintf(id, idn, "%s", vid);
	free(vid);
	return 0;
}

int eas_grow_check_permissions(eas_grow_t *g, gsa_err_t *err)
{
	char id[32];
	if (api_create(g, g->cfg->min_volume_gib, NULL, 1, id, sizeof id, err)) {
		if (!strcmp(g->ec2->last_code, "UnauthorizedOperation"))
			gsa_err_prefix(err, "missing IAM permission (see tools/ebs-autoscale/README.md)");
		return -1;
	}
	return 0;
}

int eas_grow_load_instance_tags(eas_grow_t *g, gsa_err_t *err)
{
	gsa_ec2_params_t p;
	gsa_ec2_params_init(&p);
	gsa_ec2_params_add(&p, "Filter.1.Name", "resource-id");
	gsa_ec2_params_add(&p, "Filter.1.Value.1", g->instance_id);
	char *xml = NULL;
	int rc = gsa_ec2_call(g->ec2, "ec2:DescribeTags", &p, &xml, err);
	gsa_ec2_params_free(&p);
	if (rc) return -1;
	gsa_xml_span_t root, set, item;
	g->ntags = 0;
	const char *from = NULL;
	if (gsa_xml_root(xml, &root) && gsa_xml_child(root, &from, "tagSet", &set)) {
		from = NULL;
		while (g->ntags < EAS_MAX_TAGS - 2 && gsa_xml_child(set, &from, "item", &item)) {
			char k[129], v[257];
			copy_text(item, "key", k, sizeof k);
			copy_text(item, "value", v, sizeof v);
			if (!k[0] || !strncmp(k, "aws:", 4)) continue; /* reserved: cannot be set */
			snprintf(g->tag_key[g->ntags], sizeof g->tag_key[0], "%s", k);
			snprintf(g->tag_val[g->ntags], sizeof g->tag_val[0], "%s", v);
			g->ntags++;
		}
	}
	free(xml);
	return 0;
}

/* ---- waits ---------------------------------------------------------------- */

enum { WANT_AVAILABLE, WANT_ATTACHED };

/* Poll DescribeVolumes until the volume is available / attached here. */
static int wait_volume(eas_grow_t *g, const char *id, int want, double timeout, vdesc_t *last, gsa_err_t *err)
{
	double t0 = gsa_monotonic_seconds(), delay = 0.25;
	for (;;) {
		vdesc_t *v = NULL;
		int n = 0;
		if (describe(g, id, NULL, NULL, &v, &n, err)) return -1;
		if (n == 0) {
			free(v);
			return gsa_err_set(err, GSA_EREMOTE, "volume %s: gone (InvalidVolume.NotFound)", id);
		}
		if (last) *last = v[0];
		int done = want == WANT_AVAILABLE ? !strcmp(v[0].status, "available")
						  : v[0].has_att && !strcmp(v[0].att_state, "attached") &&
							    !strcmp(v[0].att_instance, g->instance_id);
		char status[16];
		snprintf(status, sizeof status, "%s", v[0].status);
		free(v);
		if (done) return 0;
		if (!strcmp(status, "error") || !strcmp(status, "deleting") || !strcmp(status, "deleted"))
			return gsa_err_set(err, GSA_EREMOTE, "volume %s: state %s", id, status);
		if (gsa_monotonic_seconds() - t0 > timeout)
			return gsa_err_set(err, GSA_EREMOTE, "volume %s: not %s after %.0f s (state %s)", id,
					   want == WANT_AVAILABLE ? "available" : "attached", timeout, status);
		if (nap(g, delay)) return gsa_err_set(err, GSA_EREMOTE, "volume %s: stopped while waiting", id);
		delay = delay * 1.6 > 5 ? 5 : delay * 1.6;
	}
}

/* Wait for the block device of an attached volume (local, no API call). */
static int wait_device(eas_grow_t *g, const char *id, const char *attach_name, char *dev, size_t n, gsa_err_t *err)
{
	double t0 = gsa_monotonic_seconds(), delay = 0.05;
	while (!eas_device_find(g->cfg, id, attach_name, dev, n)) {
		if (gsa_monotonic_seconds() - t0 > g->cfg->device_timeout_s)
			return gsa_err_set(err, GSA_EIO, "volume %s (%s): no block device after %.0f s (looked in %s, %s, %s)",
					   id, attach_name, g->cfg->device_timeout_s, g->cfg->sys_block_dir,
					   g->cfg->by_id_dir, g->cfg->dev_dir);
		if (nap(g, delay)) return gsa_err_set(err, GSA_EIO, "volume %s: stopped while waiting", id);
		delay = delay * 2 > 1 ? 1 : delay * 2;
	}
	return 0;
}

/* ---- steps ------------------------------------------------------------------ */

/* An attached volume: DeleteOnTermination first, then into the filesystem. */
static int finish_attached(eas_grow_t *g, const char *id, const char *attach_name, int dot, long size, gsa_err_t *err)
{
	eas_volume_t *bv = eas_state_volume(g->st, id, 1);
	if (bv) {
		snprintf(bv->attach_name, sizeof bv->attach_name, "%s", attach_name);
		if (size) bv->size_gib = size;
	}
	if (!dot && api_protect(g, id, attach_name, err)) return -1;
	if (dot) mark(g, id, "protected");
	char dev[256];
	if (wait_device(g, id, attach_name, dev, sizeof dev, err)) return -1;
	if (bv) snprintf(bv->device, sizeof bv->device, "%s", dev);
	int has = eas_fs_has_device(g->cfg, dev, err);
	if (has < 0) return -1;
	if (!has) {
		if (eas_fs_add_device(g->cfg, dev, g->log, err)) return gsa_err_prefix(err, "volume %s", id);
		g->st->growths++;
		gsa_info(g->log, "added %s (volume %s) to %s", dev, id, g->cfg->mountpoint);
	}
	mark(g, id, "in-filesystem");
	return 0;
}

/* Delete a volume that is not attached (waiting out "creating"). */
static int remove_unattached(eas_grow_t *g, const char *id, gsa_err_t *err)
{
	if (wait_volume(g, id, WANT_AVAILABLE, g->cfg->available_timeout_s, NULL, err)) {
		if (!strstr(err->msg, "gone")) return -1;
		mark(g, id, "deleted");
		return 0;
	}
	return api_delete(g, id, err);
}

static int remove_attached(eas_grow_t *g, const char *id, gsa_err_t *err)
{
	if (api_detach(g, id, err)) return -1;
	mark(g, id, "detaching");
	return remove_unattached(g, id, err);
}

/* after a failed growth: leave nothing behind (unless stopping: the next
 * start sweeps) */
static void undo(eas_grow_t *g, const char *id, int attached)
{
	if (stopping(g)) return;
	gsa_err_t e;
	char dev[256];
	eas_volume_t *bv = eas_state_volume(g->st, id, 0);
	if (attached && eas_device_find(g->cfg, id, bv ? bv->attach_name : NULL, dev, sizeof dev) &&
	    eas_fs_has_device(g->cfg, dev, &e) != 0) {
		/* never pull a device out from under the filesystem (or when unsure) */
		gsa_error(g->log, "volume %s (%s) is part of %s or cannot be checked: left attached", id, dev,
			  g->cfg->mountpoint);
		mark(g, id, "in-filesystem");
		return;
	}
	int rc = attached ? remove_attached(g, id, &e) : remove_unattached(g, id, &e);
	if (rc) {
		gsa_error(g->log, "could not remove volume %s after a failed growth: %s", id, e.msg);
		mark(g, id, "failed");
	}
}

int eas_grow_add_volume(eas_grow_t *g, long size_gib, gsa_err_t *err)
{
	char token[80], id[32];
	snprintf(token, sizeof token, "eas-%s-%016llx", g->instance_id, (unsigned long long)next_rand(g));
	if (api_create(g, size_gib, token, 0, id, sizeof id, err)) return -1;
	eas_volume_t *bv = eas_state_volume(g->st, id, 1);
	if (bv) bv->size_gib = size_gib;
	gsa_info(g->log, "created volume %s (%ld GiB %s%s)", id, size_gib, g->cfg->volume_type,
		 g->cfg->encrypted ? ", encrypted" : "");
	mark(g, id, "creating");
	if (wait_volume(g, id, WANT_AVAILABLE, g->cfg->available_timeout_s, NULL, err)) {
		undo(g, id, 0);
		return -1;
	}
	mark(g, id, "available");

	/* an attachment name nobody uses on this instance */
	char name[32];
	int attached = 0;
	for (int tries = 0; tries < 3 && !attached; tries++) {
		vdesc_t *v = NULL;
		int n = 0;
		if (describe(g, NULL, "attachment.instance-id", g->instance_id, &v, &n, err)) {
			undo(g, id, 0);
			return -1;
		}
		char *used[64];
		size_t nu = 0;
		for (int i = 0; i < n && nu < 64; i++)
			if (v[i].has_att) used[nu++] = v[i].att_device;
		int full = eas_device_next_name(used, nu, name, sizeof name);
		free(v);
		if (full) {
			gsa_err_set(err, GSA_EREMOTE, "no free attachment name /dev/xvdba../dev/xvdcz on %s", g->instance_id);
			undo(g, id, 0);
			return -1;
		}
		if (api_attach(g, id, name, err) == 0) {
			attached = 1;
		} else if (strcmp(g->ec2->last_code, "InvalidParameterValue") || !strstr(err->msg, "in use")) {
			undo(g, id, 0);
			return -1;
		}
	}
	if (!attached) {
		undo(g, id, 0);
		return -1;
	}
	if (bv) snprintf(bv->attach_name, sizeof bv->attach_name, "%s", name);
	mark(g, id, "attaching");
	vdesc_t last;
	if (wait_volume(g, id, WANT_ATTACHED, g->cfg->attach_timeout_s, &last, err)) {
		undo(g, id, 1);
		return -1;
	}
	mark(g, id, "attached");
	if (finish_attached(g, id, name, 0, size_gib, err)) {
		undo(g, id, 1);
		return -1;
	}
	return 0;
}

/* Log a failure on one volume of a sweep and keep going; the first one is
 * what the sweep returns (*err, *rc = -1). */
static void keep_first_failure(eas_grow_t *g, const char *what, const gsa_err_t *e, gsa_err_t *err, int *rc)
{
	gsa_error(g->log, "%s: %s", what, e->msg);
	if (!*rc) {
		*err = *e;
		*rc = -1;
	}
}

/* The volumes that carry this instance's creator tag, whatever their state
 * (*out: caller frees). */
static int describe_own(eas_grow_t *g, vdesc_t **out, int *n, gsa_err_t *err)
{
	char tagf[96];
	snprintf(tagf, sizeof tagf, "tag:%s", EAS_TAG_CREATOR);
	return describe(g, NULL, tagf, g->instance_id, out, n, err);
}

int eas_grow_reconcile(eas_grow_t *g, gsa_err_t *err)
{
	vdesc_t *v = NULL;
	int n = 0;
	if (describe_own(g, &v, &n, err)) return -1;
	int rc = 0;
	gsa_err_t e;
	for (int i = 0; i < n && !stopping(g); i++) {
		vdesc_t *x = &v[i];
		int r = 0;
		int here = x->has_att && !strcmp(x->att_instance, g->instance_id);
		if (!strcmp(x->status, "deleting") || !strcmp(x->status, "deleted")) {
			mark(g, x->id, "deleted");
			continue;
		}
		if (x->has_att && !here) {
			gsa_warn(g->log, "volume %s carries this instance's tag but is attached to %s: left alone", x->id,
				 x->att_instance);
			continue;
		}
		if (here && (!strcmp(x->att_state, "attaching") || !strcmp(x->att_state, "attached"))) {
			/* in use already: no API call, a local check that it is in the filesystem */
			eas_volume_t *bv = eas_state_volume(g->st, x->id, 1);
			if (!(bv && !strcmp(bv->state, "in-filesystem") && x->dot))
				gsa_info(g->log, "volume %s is attached as %s%s: finishing its growth", x->id,
					 x->att_device, x->dot ? "" : " without DeleteOnTermination");
			if (!strcmp(x->att_state, "attaching"))
				r = wait_volume(g, x->id, WANT_ATTACHED, g->cfg->attach_timeout_s, NULL, &e);
			if (!r) r = finish_attached(g, x->id, x->att_device, x->dot, x->size, &e);
		} else if (here) { /* detaching */
			gsa_info(g->log, "volume %s is detaching: deleting it", x->id);
			r = remove_unattached(g, x->id, &e);
		} else {
			gsa_info(g->log, "volume %s (%s) was created by an earlier run and never used: deleting it", x->id,
				 x->status);
			r = remove_unattached(g, x->id, &e);
		}
		if (r) keep_first_failure(g, "sweep", &e, err, &rc);
	}
	free(v);
	eas_grow_save(g);
	return rc;
}

int eas_grow_cleanup(eas_grow_t *g, gsa_err_t *err)
{
	vdesc_t *v = NULL;
	int n = 0;
	if (describe_own(g, &v, &n, err)) return -1;
	int rc = 0;
	gsa_err_t e;
	for (int i = 0; i < n && !stopping(g); i++) {
		vdesc_t *x = &v[i];
		int r = 0;
		if (!strcmp(x->status, "deleting") || !strcmp(x->status, "deleted")) continue;
		if (x->has_att && strcmp(x->att_instance, g->instance_id)) continue;
		if (x->has_att && strcmp(x->att_state, "detached")) r = remove_attached(g, x->id, &e);
		else r = remove_unattached(g, x->id, &e);
		if (r) keep_first_failure(g, "cleanup", &e, err, &rc);
	}
	free(v);
	eas_grow_save(g);
	return rc;
}
