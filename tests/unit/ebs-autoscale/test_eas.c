/* test_eas.c — ebs-autoscale's configuration, detection, device discovery
 * and state book. */
/* paths here are short temp folders; the checks fail if one is cut */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "eas_config.h"
#include "eas_detect.h"
#include "eas_devices.h"
#include "eas_state.h"
#include "unit.h"

static void test_config_defaults(unit_t *t)
{
	eas_config_t c;
	gsa_err_t e;
	UNIT_CHECK_INT(t, eas_config_parse(&c, "x.json", "{}", &e), 0);
	UNIT_CHECK_STR(t, c.mountpoint, "/scratch");
	UNIT_CHECK_INT(t, c.fs, EAS_FS_AUTO);
	UNIT_CHECK_STR(t, c.volume_type, "gp3");
	UNIT_CHECK_INT(t, c.encrypted, 1);
	UNIT_CHECK_INT(t, c.max_volumes, 16);
	/* amazon-ebs-autoscale's steps */
	UNIT_CHECK_INT(t, eas_config_threshold(&c, 1), 50);
	UNIT_CHECK_INT(t, eas_config_threshold(&c, 3), 50);
	UNIT_CHECK_INT(t, eas_config_threshold(&c, 4), 80);
	UNIT_CHECK_INT(t, eas_config_threshold(&c, 7), 90);
	UNIT_CHECK_INT(t, eas_config_threshold(&c, 20), 90);
	UNIT_CHECK_INT(t, eas_config_volume_size(&c, 1), 150);
	UNIT_CHECK_INT(t, eas_config_volume_size(&c, 5), 300);
	UNIT_CHECK_INT(t, eas_config_volume_size(&c, 8), 1000);
	UNIT_CHECK_INT(t, eas_config_volume_size(&c, 11), 1500);
}

/* every key once: catches a key written through the wrong type */
static void test_config_all_keys(unit_t *t)
{
	static const char *doc =
		"{\"mountpoint\": \"/mnt/s\", \"filesystem\": \"xfs-lvm\", \"imdsv2\": \"true\","
		" \"lvm\": {\"volume_group\": \"vg1\", \"logical_volume\": \"lv1\"},"
		" \"volume\": {\"type\": \"io2\", \"iops\": \"4000\", \"throughput\": 250, \"encrypted\": 0, \"kms_key_id\": \"alias/k\"},"
		" \"detection_interval\": 0.5,"
		" \"limits\": {\"min_ebs_volume_size\": 10, \"max_ebs_volume_size\": 20, \"max_logical_volume_size\": 300,"
		"   \"max_ebs_volume_count\": 5, \"initial_utilization_threshold\": 40},"
		" \"volume_sizes\": {\"1\": 5, \"3\": 50},"
		" \"prediction\": {\"enabled\": false, \"initial_lead_time\": 7, \"safety_factor\": 3},"
		" \"timeouts\": {\"volume_available\": 11, \"volume_attached\": 12, \"device_visible\": 13},"
		" \"api\": {\"max_attempts\": 9, \"backoff_base_ms\": 30, \"backoff_cap_ms\": 900, \"ec2_endpoint\": \"http://h:1\"},"
		" \"imds\": {\"token_ttl_seconds\": 60}, \"state_dir\": \"/var/x\","
		" \"logging\": {\"log_interval\": 9, \"log_file\": \"/ignored\"},"
		" \"devices\": {\"by_id_dir\": \"/b\", \"sys_block_dir\": \"/s\", \"dev_dir\": \"/d\"},"
		" \"tags\": {\"project\": \"gsa\", \"cost-center\": \"\"}}";
	eas_config_t c;
	gsa_err_t e;
	UNIT_CHECK_INT(t, eas_config_parse(&c, "x.json", doc, &e), 0);
	UNIT_CHECK_STR(t, c.mountpoint, "/mnt/s");
	UNIT_CHECK_INT(t, c.fs, EAS_FS_XFS_LVM);
	UNIT_CHECK_STR(t, c.vg, "vg1");
	UNIT_CHECK_STR(t, c.lv, "lv1");
	UNIT_CHECK_STR(t, c.volume_type, "io2");
	UNIT_CHECK_INT(t, c.iops, 4000);
	UNIT_CHECK_INT(t, c.throughput, 250);
	UNIT_CHECK_INT(t, c.encrypted, 0);
	UNIT_CHECK_STR(t, c.kms_key_id, "alias/k");
	UNIT_CHECK(t, c.detection_interval == 0.5);
	UNIT_CHECK_INT(t, c.min_volume_gib, 10);
	UNIT_CHECK_INT(t, c.max_volume_gib, 20);
	UNIT_CHECK_INT(t, c.max_total_gib, 300);
	UNIT_CHECK_INT(t, c.max_volumes, 5);
	UNIT_CHECK_INT(t, eas_config_threshold(&c, 1), 40); /* initial_utilization_threshold */
	UNIT_CHECK_INT(t, eas_config_volume_size(&c, 1), 10); /* clamped to the minimum */
	UNIT_CHECK_INT(t, eas_config_volume_size(&c, 3), 20); /* and the maximum */
	UNIT_CHECK_INT(t, c.predict, 0);
	UNIT_CHECK(t, c.lead_time_s == 7 && c.safety_factor == 3);
	UNIT_CHECK(t, c.available_timeout_s == 11 && c.attach_timeout_s == 12 && c.device_timeout_s == 13);
	UNIT_CHECK_INT(t, c.api_max_attempts, 9);
	UNIT_CHECK_INT(t, c.api_backoff_base_ms, 30);
	UNIT_CHECK_INT(t, c.api_backoff_cap_ms, 900);
	UNIT_CHECK_STR(t, c.ec2_endpoint, "http://h:1");
	UNIT_CHECK_INT(t, c.imds_token_ttl, 60);
	UNIT_CHECK_STR(t, c.state_dir, "/var/x");
	UNIT_CHECK(t, c.log_interval_s == 9);
	UNIT_CHECK_STR(t, c.by_id_dir, "/b");
	UNIT_CHECK_STR(t, c.sys_block_dir, "/s");
	UNIT_CHECK_STR(t, c.dev_dir, "/d");
	UNIT_CHECK_INT(t, c.ntags, 2);
	UNIT_CHECK_STR(t, c.tag_key[0], "project");
	UNIT_CHECK_STR(t, c.tag_val[0], "gsa");
	UNIT_CHECK_STR(t, c.tag_key[1], "cost-center");
	UNIT_CHECK_STR(t, c.tag_val[1], "");
}

static void test_config_errors(unit_t *t)
{
	static const struct {
		const char *doc, *want;
	} bad[] = {
		{ "[]", "(top level)" },
		{ "{\"volume\": {\"tpye\": 1}}", "key \"volume.tpye\": unknown key" },
		{ "{\"volume\": 3}", "key \"volume\": expected an object" },
		{ "{\"detection_interval\": 0}", "out of range" },
		{ "{\"volume\": {\"iops\": 1.5}}", "expected a whole number" },
		{ "{\"volume\": {\"iops\": \"lots\"}}", "expected a number" },
		{ "{\"volume\": {\"encrypted\": \"yes\"}}", "expected true or false" },
		{ "{\"mountpoint\": \"scratch\"}", "absolute path" },
		{ "{\"thresholds\": {\"2\": 50}}", "first step must be \"1\"" },
		{ "{\"thresholds\": {\"1\": 50, \"1x\": 60}}", "device counts" },
		{ "{\"thresholds\": {\"4\": 50, \"1\": 60}}", "increasing" },
		{ "{\"limits\": {\"min_ebs_volume_size\": 500, \"max_ebs_volume_size\": 100}}", "larger than" },
		{ "{\"filesystem\": \"zfs\"}", "expected \"btrfs\", \"xfs-lvm\" or \"auto\"" },
		{ "{\n\"a\": }", "x.json: line 2:" },
		{ "{\"tags\": {\"aws:x\": \"1\"}}", "reserved" },
		{ "{\"tags\": {\"gsa:ebs-autoscale:creator\": \"i-1\"}}", "the daemon's own" },
		{ "{\"tags\": {\"n\": 1}}", "must be a string" },
		{ "{\"tags\": [\"n\"]}", "expected an object" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		eas_config_t c;
		gsa_err_t e;
		gsa_err_clear(&e);
		UNIT_CHECK_INT(t, eas_config_parse(&c, "x.json", bad[i].doc, &e), -1);
		UNIT_CHECK_INT(t, e.code, GSA_EDATA);
		if (!strstr(e.msg, bad[i].want)) {
			fprintf(stderr, "message '%s' lacks '%s'\n", e.msg, bad[i].want);
			UNIT_CHECK(t, !"message names the problem");
		}
		UNIT_CHECK(t, strstr(e.msg, "x.json") == e.msg);
	}
	eas_config_t c;
	gsa_err_t e;
	UNIT_CHECK_INT(t, eas_config_load(&c, "/nonexistent/eas.json", &e), -1);
	UNIT_CHECK_INT(t, e.code, GSA_EIO);
}

static void test_detect(unit_t *t)
{
	eas_config_t c;
	eas_config_defaults(&c);
	eas_predictor_t p;
	eas_predictor_init(&p, 3);
	eas_usage_t u = { 1000000000, 600000000, 400000000, 40.0, 400000000 };
	UNIT_CHECK_INT(t, eas_detect_decide(&c, &u, &p, 1, 60), EAS_GROW_NO);
	u.pct = 50;
	UNIT_CHECK_INT(t, eas_detect_decide(&c, &u, &p, 1, 60), EAS_GROW_THRESHOLD);
	UNIT_CHECK_INT(t, eas_detect_decide(&c, &u, &p, 4, 60), EAS_GROW_NO);
	/* 10 MB/s for 5 s: the rate over the 3 s window */
	for (int i = 0; i <= 10; i++) eas_predictor_update(&p, 100 + 0.5 * i, 400000000ull + 5000000ull * (uint64_t)i);
	UNIT_CHECK(t, fabs(p.rate - 1e7) < 1);
	UNIT_CHECK(t, fabs(eas_predictor_time_to_full(&p, 600000000) - 60) < 0.01);
	u.pct = 40;
	UNIT_CHECK_INT(t, eas_detect_decide(&c, &u, &p, 1, 20), EAS_GROW_NO);        /* 60 s > 20 x 2 */
	UNIT_CHECK_INT(t, eas_detect_decide(&c, &u, &p, 1, 31), EAS_GROW_PREDICTED); /* 60 s < 31 x 2 */
	c.predict = 0;
	UNIT_CHECK_INT(t, eas_detect_decide(&c, &u, &p, 1, 31), EAS_GROW_NO);
	/* deletes count as zero; a rebase keeps the rate but not the jump */
	eas_predictor_update(&p, 106, 100);
	UNIT_CHECK(t, p.rate == 0);
	eas_predictor_update(&p, 106.5, 2500000);
	eas_predictor_rebase(&p);
	double r = p.rate;
	eas_predictor_update(&p, 107, 9000000000ull);
	UNIT_CHECK(t, p.rate == r);
	UNIT_CHECK(t, isinf(eas_predictor_time_to_full(&p, 1)) == (r == 0));
	eas_usage_t real;
	gsa_err_t e;
	UNIT_CHECK_INT(t, eas_usage_read(t->tmpdir, &real, &e), 0);
	UNIT_CHECK(t, real.total > 0 && real.used + real.avail == real.total);
	UNIT_CHECK_INT(t, eas_usage_read("/nonexistent/x", &real, &e), -1);
	UNIT_CHECK_INT(t, e.code, GSA_EIO);
}

static void test_next_name(unit_t *t)
{
	char name[32];
	UNIT_CHECK_INT(t, eas_device_next_name(NULL, 0, name, sizeof name), 0);
	UNIT_CHECK_STR(t, name, "/dev/xvdba");
	char *used[] = { "/dev/xvdba", "/dev/sdbb", "/dev/xvda" };
	UNIT_CHECK_INT(t, eas_device_next_name(used, 3, name, sizeof name), 0);
	UNIT_CHECK_STR(t, name, "/dev/xvdbc");
	char buf[52][16], *all[52];
	for (int i = 0; i < 52; i++) {
		snprintf(buf[i], sizeof buf[i], "/dev/xvd%c%c", i < 26 ? 'b' : 'c', 'a' + i % 26);
		all[i] = buf[i];
	}
	UNIT_CHECK_INT(t, eas_device_next_name(all, 52, name, sizeof name), -1);
}

/* any block device node on this machine (the farm only links to it) */
static int some_block_device(char *out, size_t n)
{
	DIR *d = opendir("/dev");
	struct dirent *e;
	int found = 0;
	while (d && !found && (e = readdir(d))) {
		char p[300];
		struct stat st;
		snprintf(p, sizeof p, "/dev/%s", e->d_name);
		if (!stat(p, &st) && S_ISBLK(st.st_mode)) {
			snprintf(out, n, "%s", e->d_name);
			found = 1;
		}
	}
	if (d) closedir(d);
	return found;
}

static void test_find_device(unit_t *t)
{
	char blk[256];
	if (!some_block_device(blk, sizeof blk)) {
		printf("# no block device in /dev: device discovery not tested here\n");
		return;
	}
	eas_config_t c;
	eas_config_defaults(&c);
	snprintf(c.sys_block_dir, sizeof c.sys_block_dir, "%s/sys", t->tmpdir);
	snprintf(c.by_id_dir, sizeof c.by_id_dir, "%s/byid", t->tmpdir);
	snprintf(c.dev_dir, sizeof c.dev_dir, "/dev");
	char p[1024], out[256];
	UNIT_CHECK_INT(t, eas_device_find(&c, "vol-0abc", "/dev/sdf", out, sizeof out), 0);
	/* NVMe serial: the volume id without its dash */
	snprintf(p, sizeof p, "mkdir -p '%s/%s/device' && printf 'vol0abc  \\n' > '%s/%s/device/serial'", c.sys_block_dir,
		 blk, c.sys_block_dir, blk);
	UNIT_CHECK_INT(t, unit_system(p), 0);
	UNIT_CHECK_INT(t, eas_device_find(&c, "vol-0abc", NULL, out, sizeof out), 1);
	snprintf(p, sizeof p, "/dev/%s", blk);
	UNIT_CHECK_STR(t, out, p);
	UNIT_CHECK_INT(t, eas_device_find(&c, "vol-0abd", NULL, out, sizeof out), 0);
	/* by-id link */
	snprintf(c.sys_block_dir, sizeof c.sys_block_dir, "%s/none", t->tmpdir);
	snprintf(p, sizeof p, "mkdir -p '%s' && ln -s /dev/%s '%s/nvme-Amazon_Elastic_Block_Store_vol0def'", c.by_id_dir,
		 blk, c.by_id_dir);
	UNIT_CHECK_INT(t, unit_system(p), 0);
	UNIT_CHECK_INT(t, eas_device_find(&c, "vol-0def", NULL, out, sizeof out), 1);
	/* Xen: /dev/sdX attached, /dev/xvdX seen */
	snprintf(c.dev_dir, sizeof c.dev_dir, "%s/dev", t->tmpdir);
	snprintf(p, sizeof p, "mkdir -p '%s' && ln -s /dev/%s '%s/xvdbq'", c.dev_dir, blk, c.dev_dir);
	UNIT_CHECK_INT(t, unit_system(p), 0);
	UNIT_CHECK_INT(t, eas_device_find(&c, "vol-0123", "/dev/sdbq", out, sizeof out), 1);
	UNIT_CHECK(t, strstr(out, "/xvdbq") != NULL);
}

static void test_state(unit_t *t)
{
	eas_state_t *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
	eas_state_init(a);
	snprintf(a->instance_id, sizeof a->instance_id, "i-1");
	snprintf(a->phase, sizeof a->phase, "failing");
	eas_state_set_error(a, "ec2:AttachVolume: \"Unauthorized\"\n");
	a->growths = 3;
	a->last_growth_s = 1.25;
	eas_volume_t *v = eas_state_volume(a, "vol-1", 1);
	v->size_gib = 150;
	snprintf(v->state, sizeof v->state, "in-filesystem");
	snprintf(v->device, sizeof v->device, "/dev/nvme1n1");
	UNIT_CHECK(t, eas_state_volume(a, "vol-1", 1) == v);
	UNIT_CHECK(t, eas_state_volume(a, "vol-2", 0) == NULL);
	char path[300];
	snprintf(path, sizeof path, "%s/state.json", t->tmpdir);
	gsa_err_t e;
	UNIT_CHECK_INT(t, eas_state_save(a, path, &e), 0);
	UNIT_CHECK_INT(t, eas_state_load(b, path, &e), 0);
	UNIT_CHECK_STR(t, b->instance_id, "i-1");
	UNIT_CHECK_STR(t, b->phase, "failing");
	UNIT_CHECK_STR(t, b->last_error, a->last_error);
	UNIT_CHECK(t, b->last_error_time[0] != 0);
	UNIT_CHECK_INT(t, b->growths, 3);
	UNIT_CHECK(t, b->last_growth_s == 1.25);
	UNIT_CHECK_INT(t, b->nvols, 1);
	UNIT_CHECK_STR(t, b->vols[0].device, "/dev/nvme1n1");
	UNIT_CHECK_INT(t, b->vols[0].size_gib, 150);
	UNIT_CHECK_INT(t, eas_state_count(b, "in-filesystem"), 1);
	UNIT_CHECK_INT(t, eas_state_load(b, "/nonexistent/state.json", &e), -1);
	free(a);
	free(b);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "ebs-autoscale");
	UNIT_RUN(&t, test_config_defaults);
	UNIT_RUN(&t, test_config_all_keys);
	UNIT_RUN(&t, test_config_errors);
	UNIT_RUN(&t, test_detect);
	UNIT_RUN(&t, test_next_name);
	UNIT_RUN(&t, test_find_device);
	UNIT_RUN(&t, test_state);
	return unit_finish(&t);
}
