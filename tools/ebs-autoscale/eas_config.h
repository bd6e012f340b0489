/* eas_config.h — ebs-autoscale's configuration: defaults modelled on
 * amazon-ebs-autoscale's config/ebs-autoscale.json, read from a JSON file
 * (/etc/gsa/ebs-autoscale.json or --config).  Every key is documented in
 * tools/ebs-autoscale/README.md.
 */
#ifndef EAS_CONFIG_H
#define EAS_CONFIG_H

#include "err.h"

#define EAS_CONFIG_DEFAULT_PATH "/etc/gsa/ebs-autoscale.json"
#define EAS_MAX_STEPS 16

typedef enum { EAS_FS_BTRFS = 0, EAS_FS_XFS_LVM } eas_fs_kind_t;

/* A step of a table keyed by the number of devices in the filesystem: from
 * `devices` devices on, use `value` (a percent or a size in GiB). */
typedef struct eas_step {
	long devices;
	long value;
} eas_step_t;

typedef struct eas_config {
	char mountpoint[256];
	eas_fs_kind_t fs;
	char vg[128], lv[128];            /* lvm.volume_group / lvm.logical_volume */
	char volume_type[16];             /* volume.type */
	long iops, throughput;            /* volume.iops / volume.throughput (0: not sent) */
	int encrypted;                    /* volume.encrypted */
	char kms_key_id[256];             /* volume.kms_key_id ("" = the account's default key) */
	double detection_interval;        /* seconds between statvfs samples */
	long min_volume_gib, max_volume_gib;  /* limits.min/max_ebs_volume_size */
	long max_total_gib;               /* limits.max_logical_volume_size */
	long max_volumes;                 /* limits.max_ebs_volume_count (created volumes attached at once) */
	eas_step_t thresholds[EAS_MAX_STEPS]; /* used-percent that triggers growth, by device count */
	int nthresholds;
	eas_step_t sizes[EAS_MAX_STEPS];  /* new volume size (GiB), by device count */
	int nsizes;
	int predict;                      /* prediction.enabled */
	double lead_time_s;               /* prediction.initial_lead_time: decision -> usable, until measured */
	double safety_factor;             /* prediction.safety_factor */
	double available_timeout_s;       /* timeouts.volume_available */
	double attach_timeout_s;          /* timeouts.volume_attached */
	double device_timeout_s;          /* timeouts.device_visible */
	long api_max_attempts;            /* api.max_attempts */
	long api_backoff_base_ms, api_backoff_cap_ms;
	char ec2_endpoint[256];           /* api.ec2_endpoint ("" = default chain) */
	long imds_token_ttl;              /* imds.token_ttl_seconds */
	char state_dir[256];              /* state_dir */
	double log_interval_s;            /* logging.log_interval */
	char by_id_dir[256];              /* devices.by_id_dir */
	char sys_block_dir[256];          /* devices.sys_block_dir */
	char dev_dir[256];                /* devices.dev_dir */
} eas_config_t;

/* Fill cfg with the defaults. */
void eas_config_defaults(eas_config_t *cfg);

/* Defaults, then the keys of the JSON file at path.  Returns 0, or -1 with
 * err: GSA_EIO when the file cannot be read, GSA_EDATA naming the file, the
 * key and what is wrong otherwise (unknown key, wrong type, out of range). */
int eas_config_load(eas_config_t *cfg, const char *path, gsa_err_t *err);

/* Defaults, then the JSON text (for tests).  `name` is used in messages. */
int eas_config_parse(eas_config_t *cfg, const char *name, const char *text, gsa_err_t *err);

/* Used-percent threshold / new volume size (GiB) for ndev devices. */
long eas_config_threshold(const eas_config_t *cfg, long ndev);
long eas_config_volume_size(const eas_config_t *cfg, long ndev);

/* "btrfs" or "xfs-lvm". */
const char *eas_config_fs_name(eas_fs_kind_t fs);
/* Parse "btrfs" / "xfs-lvm" (also "lvm.xfs").  Returns 0 or -1. */
int eas_config_parse_fs(const char *s, eas_fs_kind_t *fs);

#endif
