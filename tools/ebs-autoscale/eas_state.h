/* eas_state.h — the daemon's book of the volumes it created and of its
 * health, kept in STATE_DIR/state.json (written atomically on every
 * change) and read back by `ebs-autoscale status`.
 *
 * The book is a report, not the source of truth: after a crash the daemon
 * rebuilds what it needs from EC2 (volumes tagged with its instance id), so
 * a lost or stale file never leaks a volume.
 */
#ifndef EAS_STATE_H
#define EAS_STATE_H

#include "err.h"

#define EAS_MAX_VOLUMES 128

typedef struct eas_volume {
	char id[32];            /* vol-... */
	long size_gib;
	char attach_name[32];   /* /dev/xvdba */
	char device[256];       /* local block device, "" until found */
	char state[24];         /* creating, available, attached, protected, in-filesystem, deleted, failed */
} eas_volume_t;

typedef struct eas_state {
	char instance_id[32];
	char mountpoint[256];
	char fs[16];
	char phase[16];                 /* starting, idle, growing, failing, limit, stopped */
	char last_error[GSA_ERR_MSG_MAX];
	char last_error_time[32];       /* ISO 8601 UTC, "" when none */
	char updated[32];
	long pid;
	long growths;                   /* volumes added to the filesystem */
	double last_growth_s;           /* detection -> usable of the last growth */
	double last_rate_bps;           /* write rate seen when it was decided */
	long api_requests, throttled;
	eas_volume_t vols[EAS_MAX_VOLUMES];
	int nvols;
} eas_state_t;

/* Start an empty book. */
void eas_state_init(eas_state_t *st);

/* The entry for volume id; with create, a new one when absent (NULL when
 * the book is full). */
eas_volume_t *eas_state_volume(eas_state_t *st, const char *id, int create);

/* Record an error (message and time). */
void eas_state_set_error(eas_state_t *st, const char *msg);

/* Write st to path as JSON (temp + fsync + rename).  Returns 0 or -1. */
int eas_state_save(eas_state_t *st, const char *path, gsa_err_t *err);

/* Read a book written by eas_state_save.  Returns 0, or -1 with err
 * (GSA_EIO missing, GSA_EDATA malformed). */
int eas_state_load(eas_state_t *st, const char *path, gsa_err_t *err);

/* Number of entries in state `state`. */
int eas_state_count(const eas_state_t *st, const char *state);

#endif
