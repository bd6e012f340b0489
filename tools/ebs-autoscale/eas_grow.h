/* eas_grow.h — the growth state machine: EC2 volumes for the filesystem,
 * created and attached so that none is ever left behind.
 *
 * One growth:  CreateVolume (tags + encryption, idempotent ClientToken)
 *   -> wait "available" -> AttachVolume -> wait "attached"
 *   -> ModifyInstanceAttribute DeleteOnTermination=true
 *   -> find the device locally (no API call) -> add it to the filesystem.
 * Only then is the volume used, so a volume in the filesystem always has
 * DeleteOnTermination.  Every call goes through gsa_ec2_call (retries with
 * capped exponential backoff and jitter); every wait polls DescribeVolumes
 * with its own growing interval.
 *
 * Every volume carries the tag EAS_TAG_CREATOR = instance id, so a restart
 * finds what an interrupted run left (eas_grow_reconcile): unused volumes
 * ("creating", "available") are deleted; volumes attached here get
 * DeleteOnTermination and join the filesystem.
 */
#ifndef EAS_GROW_H
#define EAS_GROW_H

#include <stdint.h>

#include "aws/ec2.h"
#include "eas_config.h"
#include "eas_state.h"
#include "err.h"
#include "log.h"

#define EAS_TAG_CREATOR "gsa:ebs-autoscale:creator"
#define EAS_TAG_MOUNTPOINT "gsa:ebs-autoscale:mountpoint"
#define EAS_MAX_TAGS 50

/* One volume as DescribeVolumes tells it. */
typedef struct eas_vdesc {
	char id[32];
	char status[16];      /* creating available in-use deleting deleted error */
	long size;            /* GiB */
	int has_att;
	char att_instance[32];
	char att_device[32];
	char att_state[16];   /* attaching attached detaching detached */
	int dot;              /* deleteOnTermination */
	int tagged;           /* carries EAS_TAG_CREATOR */
} eas_vdesc_t;

/* Parse a DescribeVolumes response into *out (caller frees), *n volumes.
 * Returns 0, or -1 (nothing allocated) when the document has no volumeSet
 * or a volume lacks a well-formed volumeId ("vol-" + hex) or a size of
 * 1..2^20 GiB. */
int eas_grow_parse_volumes(const char *xml, eas_vdesc_t **out, int *n);

typedef struct eas_grow {
	const eas_config_t *cfg;          /* not owned */
	const gsa_log_t *log;             /* not owned */
	gsa_ec2_client_t *ec2;            /* not owned */
	eas_state_t *st;                  /* not owned: the book */
	char state_path[512];             /* where the book is saved ("" = nowhere) */
	char instance_id[32];
	char az[64];
	int ntags;                        /* the instance's tags (aws:* removed) */
	char tag_key[EAS_MAX_TAGS][129];  /* EC2 limits: key 128, value 256 characters */
	char tag_val[EAS_MAX_TAGS][257];
	uint64_t rng;                     /* jitter of the waits, client tokens */
	int (*should_stop)(void *ctx);    /* may be NULL */
	void *stop_ctx;
} eas_grow_t;

/* Set up g (the instance id and AZ must be filled in afterwards). */
void eas_grow_init(eas_grow_t *g, const eas_config_t *cfg, const gsa_log_t *log, gsa_ec2_client_t *ec2,
		   eas_state_t *st, const char *state_path);

/* ec2:DescribeTags of the instance: keep its tags (minus aws:*) to copy
 * onto new volumes.  Returns 0 or -1 with err. */
int eas_grow_load_instance_tags(eas_grow_t *g, gsa_err_t *err);

/* ec2:CreateVolume with DryRun: fails with err (GSA_EREMOTE,
 * "...UnauthorizedOperation...") when the role may not create volumes. */
int eas_grow_check_permissions(eas_grow_t *g, gsa_err_t *err);

/* Sweep after a (re)start: see above.  Returns 0, or -1 with err (the
 * first failure; the sweep goes on with the other volumes). */
int eas_grow_reconcile(eas_grow_t *g, gsa_err_t *err);

/* One growth by a new volume of size_gib GiB.  Undoes what it can on
 * failure (detach, delete).  Returns 0, or -1 with err. */
int eas_grow_add_volume(eas_grow_t *g, long size_gib, gsa_err_t *err);

/* Detach and delete every volume this instance created (the filesystem
 * must be unmounted first).  Returns 0 or -1 with err. */
int eas_grow_cleanup(eas_grow_t *g, gsa_err_t *err);

/* Save the book (errors are logged, not returned). */
void eas_grow_save(eas_grow_t *g);

#endif
