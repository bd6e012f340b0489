/* eas_fs.h — the filesystem that grows: btrfs (devices added online with
 * the BTRFS_IOC_ADD_DEV ioctl, then BTRFS_IOC_RESIZE "DEVID:max"), or
 * xfs-lvm (an LVM volume group + logical volume + XFS, grown with
 * pvcreate/vgextend/lvextend/xfs_growfs run with an argv, no shell).
 */
#ifndef EAS_FS_H
#define EAS_FS_H

#include <stdint.h>

#include "eas_config.h"
#include "err.h"
#include "log.h"

#define EAS_FS_MAX_DEVS 128

typedef struct eas_fs_dev {
	char path[1024];
	uint64_t total;   /* bytes (btrfs: size given to the filesystem) */
	uint64_t used;    /* bytes allocated to chunks (btrfs) */
} eas_fs_dev_t;

typedef enum {
	EAS_FS_INIT_MOUNTED = 0,  /* an existing filesystem on device was mounted */
	EAS_FS_INIT_CREATED,      /* a new filesystem was made and mounted */
	EAS_FS_INIT_ALREADY       /* it was mounted already: nothing done */
} eas_fs_init_result_t;

/* Create the filesystem on device and mount it at cfg->mountpoint; each
 * step is skipped when already done (idempotent); *res (may be NULL) says
 * what happened.  btrfs: mkfs.btrfs beside the daemon's own executable,
 * else in PATH.  Returns 0 or -1 with err. */
int eas_fs_init(const eas_config_t *cfg, const char *device, const gsa_log_t *log, eas_fs_init_result_t *res,
		gsa_err_t *err);

/* Check that cfg->mountpoint is a mount of the configured kind.  Returns 0,
 * or -1 with err (GSA_EIO, "MOUNTPOINT: not a mounted btrfs filesystem"). */
int eas_fs_check(const eas_config_t *cfg, gsa_err_t *err);

/* The devices of the filesystem (btrfs: from the kernel; xfs-lvm: the
 * physical volumes of the volume group).  *n of at most max.  Returns 0 or
 * -1 with err. */
int eas_fs_list(const eas_config_t *cfg, eas_fs_dev_t *devs, int max, int *n, gsa_err_t *err);

/* 1 when device (any path to the same block device) is part of the
 * filesystem, 0 when not, -1 on error. */
int eas_fs_has_device(const eas_config_t *cfg, const char *device, gsa_err_t *err);

/* Add a blank device and grow the filesystem onto it.  Refuses a device
 * with data on it (GSA_EIO).  Returns 0 or -1 with err. */
int eas_fs_add_device(const eas_config_t *cfg, const char *device, const gsa_log_t *log, gsa_err_t *err);

#endif
