/* eas_state.c — state.json: write and read. */
#include "eas_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io.h"
#include "json.h"
#include "strbuf.h"

static void now_iso(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void eas_state_init(eas_state_t *st)
{
	memset(st, 0, sizeof *st);
	snprintf(st->phase, sizeof st->phase, "starting");
}

eas_volume_t *eas_state_volume(eas_state_t *st, const char *id, int create)
{
	for (int i = 0; i < st->nvols; i++)
		if (!strcmp(st->vols[i].id, id)) return &st->vols[i];
	if (!create || st->nvols >= EAS_MAX_VOLUMES) return NULL;
	eas_volume_t *v = &st->vols[st->nvols++];
	memset(v, 0, sizeof *v);
	snprintf(v->id, sizeof v->id, "%s", id);
	return v;
}

void eas_state_set_error(eas_state_t *st, const char *msg)
{
	snprintf(st->last_error, sizeof st->last_error, "%s", msg);
	now_iso(st->last_error_time);
}

int eas_state_count(const eas_state_t *st, const char *state)
{
	int n = 0;
	for (int i = 0; i < st->nvols; i++) n += !strcmp(st->vols[i].state, state);
	return n;
}

static void kv_str(gsa_strbuf_t *b, const char *k, const char *v, int comma)
{
	gsa_strbuf_appendf(b, "  \"%s\": ", k);
	gsa_strbuf_append_json_string(b, v);
	gsa_strbuf_append(b, comma ? ",\n" : "\n");
}

int eas_state_save(eas_state_t *st, const char *path, gsa_err_t *err)
{
	now_iso(st->updated);
	gsa_strbuf_t b;
	gsa_strbuf_init(&b);
	gsa_strbuf_append(&b, "{\n");
	kv_str(&b, "instance_id", st->instance_id, 1);
	kv_str(&b, "mountpoint", st->mountpoint, 1);
	kv_str(&b, "filesystem", st->fs, 1);
	kv_str(&b, "phase", st->phase, 1);
	kv_str(&b, "last_error", st->last_error, 1);
	kv_str(&b, "last_error_time", st->last_error_time, 1);
	kv_str(&b, "updated", st->updated, 1);
	gsa_strbuf_appendf(&b, "  \"pid\": %ld,\n  \"growths\": %ld,\n  \"last_growth_seconds\": %.3f,\n"
			   "  \"last_write_rate_bytes_per_second\": %.0f,\n"
			   "  \"api_requests\": %ld,\n  \"api_throttled\": %ld,\n  \"volumes\": [",
			   st->pid, st->growths, st->last_growth_s, st->last_rate_bps, st->api_requests, st->throttled);
	for (int i = 0; i < st->nvols; i++) {
		const eas_volume_t *v = &st->vols[i];
		gsa_strbuf_append(&b, i ? ",\n    {" : "\n    {");
		gsa_strbuf_append(&b, "\"id\": ");
		gsa_strbuf_append_json_string(&b, v->id);
		gsa_strbuf_appendf(&b, ", \"size_gib\": %ld, \"attach_name\": ", v->size_gib);
		gsa_strbuf_append_json_string(&b, v->attach_name);
		gsa_strbuf_append(&b, ", \"device\": ");
		gsa_strbuf_append_json_string(&b, v->device);
		gsa_strbuf_append(&b, ", \"state\": ");
		gsa_strbuf_append_json_string(&b, v->state);
		gsa_strbuf_append(&b, "}");
	}
	gsa_strbuf_append(&b, st->nvols ? "\n  ]\n}\n" : "]\n}\n");
	gsa_atomic_file_t f;
	int rc = gsa_atomic_open(&f, path, err);
	if (rc == 0) rc = gsa_atomic_write(&f, b.s, b.len, err);
	if (rc == 0) rc = gsa_atomic_commit(&f, err);
	else gsa_atomic_abort(&f);
	gsa_strbuf_free(&b);
	return rc;
}

static void get_s(const gsa_json_t *o, const char *k, char *out, size_t n)
{
	const gsa_json_t *v = gsa_json_member(o, k);
	if (v && v->type == GSA_JSON_STR) snprintf(out, n, "%s", v->str);
}

static double get_n(const gsa_json_t *o, const char *k)
{
	const gsa_json_t *v = gsa_json_member(o, k);
	return v && v->type == GSA_JSON_NUM ? v->num : 0;
}

int eas_state_load(eas_state_t *st, const char *path, gsa_err_t *err)
{
	eas_state_init(st);
	char *text = NULL;
	size_t len;
	if (gsa_read_file(path, &text, &len, err)) return -1;
	gsa_json_t *root = NULL;
	int rc = gsa_json_parse(text, len, &root, err);
	free(text);
	if (rc) return gsa_err_prefix(err, "%s", path);
	if (root->type != GSA_JSON_OBJ) {
		gsa_json_free(root);
		return gsa_err_set(err, GSA_EDATA, "%s: not a state file", path);
	}
	get_s(root, "instance_id", st->instance_id, sizeof st->instance_id);
	get_s(root, "mountpoint", st->mountpoint, sizeof st->mountpoint);
	get_s(root, "filesystem", st->fs, sizeof st->fs);
	get_s(root, "phase", st->phase, sizeof st->phase);
	get_s(root, "last_error", st->last_error, sizeof st->last_error);
	get_s(root, "last_error_time", st->last_error_time, sizeof st->last_error_time);
	get_s(root, "updated", st->updated, sizeof st->updated);
	st->pid = (long)get_n(root, "pid");
	st->growths = (long)get_n(root, "growths");
	st->last_growth_s = get_n(root, "last_growth_seconds");
	st->last_rate_bps = get_n(root, "last_write_rate_bytes_per_second");
	st->api_requests = (long)get_n(root, "api_requests");
	st->throttled = (long)get_n(root, "api_throttled");
	const gsa_json_t *vols = gsa_json_member(root, "volumes");
	for (size_t i = 0; vols && vols->type == GSA_JSON_ARR && i < vols->n && st->nvols < EAS_MAX_VOLUMES; i++) {
		const gsa_json_t *o = &vols->kids[i];
		eas_volume_t *v = &st->vols[st->nvols++];
		memset(v, 0, sizeof *v);
		get_s(o, "id", v->id, sizeof v->id);
		v->size_gib = (long)get_n(o, "size_gib");
		get_s(o, "attach_name", v->attach_name, sizeof v->attach_name);
		get_s(o, "device", v->device, sizeof v->device);
		get_s(o, "state", v->state, sizeof v->state);
	}
	gsa_json_free(root);
	return 0;
}
