/* eas_fs.c — btrfs through its ioctls, xfs-lvm through the LVM tools. */
#include "eas_fs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "eas_exec.h"
#include "path.h"
#include "strbuf.h"

/* Linux UAPI (include/uapi/linux/btrfs.h), declared here so the daemon
 * builds against any libc's headers (musl ships none of linux/). */
#define EAS_BTRFS_IOCTL_MAGIC 0x94
#define EAS_BTRFS_PATH_NAME_MAX 4087
#define EAS_BTRFS_DEVICE_PATH_NAME_MAX 1024
#define EAS_BTRFS_SUPER_MAGIC 0x9123683EL
#define EAS_XFS_SUPER_MAGIC 0x58465342L

struct eas_btrfs_vol_args {
	int64_t fd;
	char name[EAS_BTRFS_PATH_NAME_MAX + 1];
};

struct eas_btrfs_fs_info_args {
	uint64_t max_id;
	uint64_t num_devices;
	uint8_t rest[1008]; /* fsid, nodesize, ... to 1 KiB */
};

struct eas_btrfs_dev_info_args {
	uint64_t devid;
	uint8_t uuid[16];
	uint64_t bytes_used;
	uint64_t total_bytes;
	uint64_t unused[379];
	uint8_t path[EAS_BTRFS_DEVICE_PATH_NAME_MAX];
};

#define EAS_BTRFS_IOC_RESIZE _IOW(EAS_BTRFS_IOCTL_MAGIC, 3, struct eas_btrfs_vol_args)
#define EAS_BTRFS_IOC_ADD_DEV _IOW(EAS_BTRFS_IOCTL_MAGIC, 10, struct eas_btrfs_vol_args)
#define EAS_BTRFS_IOC_DEV_INFO _IOWR(EAS_BTRFS_IOCTL_MAGIC, 30, struct eas_btrfs_dev_info_args)
#define EAS_BTRFS_IOC_FS_INFO _IOR(EAS_BTRFS_IOCTL_MAGIC, 31, struct eas_btrfs_fs_info_args)

_Static_assert(sizeof(struct eas_btrfs_vol_args) == 4096, "btrfs_ioctl_vol_args is 4 KiB");
_Static_assert(sizeof(struct eas_btrfs_fs_info_args) == 1024, "btrfs_ioctl_fs_info_args is 1 KiB");
_Static_assert(sizeof(struct eas_btrfs_dev_info_args) == 4096, "btrfs_ioctl_dev_info_args is 4 KiB");

/* ---- helpers ------------------------------------------------------------ */

static int same_dev(const char *a, const char *b)
{
	struct stat sa, sb;
	if (stat(a, &sa) || stat(b, &sb)) return !strcmp(a, b);
	if (S_ISBLK(sa.st_mode) && S_ISBLK(sb.st_mode)) return sa.st_rdev == sb.st_rdev;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* read n bytes at off; 0 or -1 */
static int read_at(const char *dev, uint64_t off, void *buf, size_t n, gsa_err_t *err)
{
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0) return gsa_err_errno(err, errno, "%s: open", dev);
	ssize_t got = pread(fd, buf, n, (off_t)off);
	int e = errno;
	close(fd);
	if (got != (ssize_t)n) return gsa_err_errno(err, got < 0 ? e : EIO, "%s: read", dev);
	return 0;
}

static int has_btrfs_magic(const char *dev)
{
	char m[8];
	gsa_err_t e;
	return read_at(dev, 65536 + 64, m, 8, &e) == 0 && !memcmp(m, "_BHRfS_M", 8);
}

/* 1 blank (first 1 MiB and the btrfs superblock zero), 0 data, -1 error */
static int is_blank(const char *dev, gsa_err_t *err)
{
	static const size_t n = 1 << 20;
	char *buf = malloc(n);
	if (!buf) return gsa_err_set(err, GSA_EINTERNAL, "out of memory");
	int rc = read_at(dev, 0, buf, n, err);
	if (rc == 0) {
		rc = 1;
		for (size_t i = 0; i < n; i++)
			if (buf[i]) {
				rc = 0;
				break;
			}
	}
	free(buf);
	return rc;
}

static int check_block(const char *dev, gsa_err_t *err)
{
	struct stat st;
	if (stat(dev, &st)) return gsa_err_errno(err, errno, "%s", dev);
	if (!S_ISBLK(st.st_mode)) return gsa_err_set(err, GSA_EIO, "%s: not a block device", dev);
	return 0;
}

static long want_magic(const eas_config_t *cfg)
{
	return cfg->fs == EAS_FS_BTRFS ? EAS_BTRFS_SUPER_MAGIC : EAS_XFS_SUPER_MAGIC;
}

/* 1 when mountpoint is the root of a mount of the configured type */
static int is_mounted(const eas_config_t *cfg)
{
	struct statfs sf;
	struct stat a, b;
	if (statfs(cfg->mountpoint, &sf) || (long)sf.f_type != want_magic(cfg)) return 0;
	char *parent = gsa_strdup_printf("%s/..", cfg->mountpoint);
	int rc = stat(cfg->mountpoint, &a) == 0 && stat(parent, &b) == 0 && (a.st_dev != b.st_dev || a.st_ino == b.st_ino);
	free(parent);
	return rc;
}

void eas_fs_resolve_kind(eas_config_t *cfg, int for_init)
{
	if (cfg->fs != EAS_FS_AUTO) return;
	struct statfs sf;
	cfg->fs = EAS_FS_BTRFS;
	if (!for_init && statfs(cfg->mountpoint, &sf) == 0 && (long)sf.f_type == EAS_XFS_SUPER_MAGIC)
		cfg->fs = EAS_FS_XFS_LVM;
}

int eas_fs_check(const eas_config_t *cfg, gsa_err_t *err)
{
	if (!is_mounted(cfg))
		return gsa_err_set(err, GSA_EIO, "%s: not a mounted %s filesystem (run 'ebs-autoscale init' first)",
				   cfg->mountpoint, cfg->fs == EAS_FS_BTRFS ? "btrfs" : "xfs");
	return 0;
}

static char *lv_path(const eas_config_t *cfg) { return gsa_strdup_printf("/dev/%s/%s", cfg->vg, cfg->lv); }

/* ---- btrfs ---------------------------------------------------------------- */

static int btrfs_open(const eas_config_t *cfg, gsa_err_t *err)
{
	int fd = open(cfg->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) return gsa_err_errno(err, errno, "%s: open", cfg->mountpoint);
	return fd;
}

static int btrfs_list(const eas_config_t *cfg, eas_fs_dev_t *devs, int max, int *n, uint64_t *devids, gsa_err_t *err)
{
	int fd = btrfs_open(cfg, err);
	if (fd < 0) return -1;
	struct eas_btrfs_fs_info_args fi;
	memset(&fi, 0, sizeof fi);
	if (ioctl(fd, EAS_BTRFS_IOC_FS_INFO, &fi)) {
		int e = errno;
		close(fd);
		return gsa_err_errno(err, e, "%s: BTRFS_IOC_FS_INFO", cfg->mountpoint);
	}
	*n = 0;
	for (uint64_t id = 1; id <= fi.max_id && *n < max; id++) {
		struct eas_btrfs_dev_info_args di;
		memset(&di, 0, sizeof di);
		di.devid = id;
		if (ioctl(fd, EAS_BTRFS_IOC_DEV_INFO, &di)) {
			if (errno == ENODEV) continue; /* a removed device id */
			int e = errno;
			close(fd);
			return gsa_err_errno(err, e, "%s: BTRFS_IOC_DEV_INFO %llu", cfg->mountpoint, (unsigned long long)id);
		}
		eas_fs_dev_t *d = &devs[*n];
		di.path[sizeof di.path - 1] = 0;
		snprintf(d->path, sizeof d->path, "%s", (char *)di.path);
		d->total = di.total_bytes;
		d->used = di.bytes_used;
		if (devids) devids[*n] = id;
		(*n)++;
	}
	close(fd);
	return 0;
}

static int btrfs_add(const eas_config_t *cfg, const char *device, const gsa_log_t *log, gsa_err_t *err)
{
	int fd = btrfs_open(cfg, err);
	if (fd < 0) return -1;
	struct eas_btrfs_vol_args va;
	memset(&va, 0, sizeof va);
	snprintf(va.name, sizeof va.name, "%s", device);
	if (ioctl(fd, EAS_BTRFS_IOC_ADD_DEV, &va)) {
		int e = errno;
		close(fd);
		return gsa_err_errno(err, e, "%s: BTRFS_IOC_ADD_DEV %s", cfg->mountpoint, device);
	}
	/* resize the new device to its whole size (a no-op unless the volume
	 * was grown since, but it keeps the one code path for both) */
	eas_fs_dev_t devs[EAS_FS_MAX_DEVS];
	uint64_t ids[EAS_FS_MAX_DEVS];
	int n = 0;
	close(fd);
	gsa_err_t le;
	if (btrfs_list(cfg, devs, EAS_FS_MAX_DEVS, &n, ids, &le)) { /* added: only warn */
		gsa_warn(log, "%s", le.msg);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		if (!same_dev(devs[i].path, device)) continue;
		if ((fd = btrfs_open(cfg, err)) < 0) return -1;
		memset(&va, 0, sizeof va);
		snprintf(va.name, sizeof va.name, "%llu:max", (unsigned long long)ids[i]);
		if (ioctl(fd, EAS_BTRFS_IOC_RESIZE, &va)) { /* the device is in and usable: only warn */
			char why[GSA_STRERROR_MAX];
			gsa_warn(log, "%s: BTRFS_IOC_RESIZE %s: %s", cfg->mountpoint, va.name,
				 gsa_strerror(errno, why, sizeof why));
		}
		close(fd);
		gsa_debug(log, "%s: device %s is btrfs devid %llu", cfg->mountpoint, device, (unsigned long long)ids[i]);
		return 0;
	}
	gsa_warn(log, "%s: %s was added but is not listed by the filesystem", cfg->mountpoint, device);
	return 0;
}

/* mkfs.btrfs beside our executable (shipped with the static daemon), else PATH */
static char *find_mkfs_btrfs(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = 0;
		char *dir = gsa_path_dirname(self);
		char *p = gsa_path_join(dir, "mkfs.btrfs");
		free(dir);
		if (access(p, X_OK) == 0) return p;
		free(p);
	}
	return gsa_strdup_printf("mkfs.btrfs");
}

static int do_mount(const char *dev, const char *mp, const char *type, gsa_err_t *err)
{
	if (gsa_mkdir_p(mp, 0755, err)) return -1;
	if (mount(dev, mp, type, 0, NULL)) return gsa_err_errno(err, errno, "mount %s on %s (%s)", dev, mp, type);
	return 0;
}

/* ---- xfs-lvm -------------------------------------------------------------- */

static int run(const char *const *argv, char **out, gsa_err_t *err)
{
	return eas_exec_run((char *const *)argv, out, err);
}

static int lvm_list(const eas_config_t *cfg, eas_fs_dev_t *devs, int max, int *n, gsa_err_t *err)
{
	char *out = NULL;
	const char *argv[] = { "pvs", "--noheadings", "--units", "b", "--nosuffix", "-o", "pv_name,pv_size,vg_name",
			       NULL };
	if (run(argv, &out, err)) return -1;
	*n = 0;
	char *save = NULL;
	for (char *line = strtok_r(out, "\n", &save); line && *n < max; line = strtok_r(NULL, "\n", &save)) {
		char name[256], vg[256];
		unsigned long long size;
		if (sscanf(line, "%255s %llu %255s", name, &size, vg) != 3 || strcmp(vg, cfg->vg)) continue;
		snprintf(devs[*n].path, sizeof devs[*n].path, "%s", name);
		devs[*n].total = size;
		devs[*n].used = 0;
		(*n)++;
	}
	free(out);
	return 0;
}

static int has_lvm_label(const char *dev)
{
	char m[8];
	gsa_err_t e;
	return read_at(dev, 512, m, 8, &e) == 0 && !memcmp(m, "LABELONE", 8);
}

static int lvm_init(const eas_config_t *cfg, const char *device, const gsa_log_t *log, int *created, gsa_err_t *err)
{
	const char *vgs[] = { "vgs", cfg->vg, NULL };
	gsa_err_t ignore;
	if (run(vgs, NULL, &ignore)) {
		const char *pv[] = { "pvcreate", "-y", device, NULL };
		const char *vg[] = { "vgcreate", cfg->vg, device, NULL };
		if (!has_lvm_label(device) && run(pv, NULL, err)) return -1;
		if (run(vg, NULL, err)) return -1;
		gsa_info(log, "created LVM volume group %s on %s", cfg->vg, device);
	}
	char *lvname = gsa_strdup_printf("%s/%s", cfg->vg, cfg->lv);
	const char *lvs[] = { "lvs", lvname, NULL };
	const char *lvc[] = { "lvcreate", "-y", "-l", "100%FREE", "-n", cfg->lv, cfg->vg, NULL };
	int rc = 0;
	if (run(lvs, NULL, &ignore)) rc = run(lvc, NULL, err);
	free(lvname);
	if (rc) return -1;
	char *lv = lv_path(cfg);
	char m[4];
	gsa_err_t e;
	if (read_at(lv, 0, m, 4, &e) || memcmp(m, "XFSB", 4)) {
		const char *mk[] = { "mkfs.xfs", "-q", lv, NULL };
		if (run(mk, NULL, err)) {
			free(lv);
			return -1;
		}
		*created = 1;
	}
	rc = do_mount(lv, cfg->mountpoint, "xfs", err);
	free(lv);
	return rc;
}

static int lvm_add(const eas_config_t *cfg, const char *device, gsa_err_t *err)
{
	char *lvname = gsa_strdup_printf("%s/%s", cfg->vg, cfg->lv);
	const char *pv[] = { "pvcreate", "-y", device, NULL };
	const char *vge[] = { "vgextend", cfg->vg, device, NULL };
	const char *lve[] = { "lvextend", "-l", "+100%FREE", lvname, NULL };
	const char *grow[] = { "xfs_growfs", cfg->mountpoint, NULL };
	int rc = (has_lvm_label(device) ? 0 : run(pv, NULL, err));
	if (!rc) rc = run(vge, NULL, err);
	if (!rc) rc = run(lve, NULL, err);
	if (!rc) rc = run(grow, NULL, err);
	free(lvname);
	return rc;
}

/* ---- interface ------------------------------------------------------------ */

int eas_fs_list(const eas_config_t *cfg, eas_fs_dev_t *devs, int max, int *n, gsa_err_t *err)
{
	return cfg->fs == EAS_FS_BTRFS ? btrfs_list(cfg, devs, max, n, NULL, err) : lvm_list(cfg, devs, max, n, err);
}

int eas_fs_has_device(const eas_config_t *cfg, const char *device, gsa_err_t *err)
{
	eas_fs_dev_t devs[EAS_FS_MAX_DEVS];
	int n = 0;
	if (eas_fs_list(cfg, devs, EAS_FS_MAX_DEVS, &n, err)) return -1;
	for (int i = 0; i < n; i++)
		if (same_dev(devs[i].path, device)) return 1;
	return 0;
}

int eas_fs_init(const eas_config_t *cfg, const char *device, const gsa_log_t *log, eas_fs_init_result_t *res,
		gsa_err_t *err)
{
	int created_v = 0, *created = &created_v;
	if (res) *res = EAS_FS_INIT_MOUNTED;
	if (check_block(device, err)) return -1;
	if (is_mounted(cfg)) {
		int has = eas_fs_has_device(cfg, device, err);
		if (has < 0) return -1;
		if (!has)
			return gsa_err_set(err, GSA_EIO, "%s: already a mounted %s filesystem without %s",
					   cfg->mountpoint, eas_config_fs_name(cfg->fs), device);
		if (res) *res = EAS_FS_INIT_ALREADY;
		return 0;
	}
	if (cfg->fs == EAS_FS_XFS_LVM) {
		int rc = lvm_init(cfg, device, log, created, err);
		if (res && created_v) *res = EAS_FS_INIT_CREATED;
		return rc;
	}
	if (!has_btrfs_magic(device)) {
		char *mkfs = find_mkfs_btrfs();
		const char *argv[] = { mkfs, "-q", device, NULL };
		int rc = run(argv, NULL, err);
		free(mkfs);
		if (rc) return -1;
		*created = 1;
		if (res) *res = EAS_FS_INIT_CREATED;
	}
	return do_mount(device, cfg->mountpoint, "btrfs", err);
}

int eas_fs_add_device(const eas_config_t *cfg, const char *device, const gsa_log_t *log, gsa_err_t *err)
{
	if (check_block(device, err)) return -1;
	int has = eas_fs_has_device(cfg, device, err);
	if (has < 0) return -1;
	if (has) return 0;
	if (!(cfg->fs == EAS_FS_XFS_LVM && has_lvm_label(device))) {
		int b = is_blank(device, err);
		if (b < 0) return -1;
		if (!b) return gsa_err_set(err, GSA_EIO, "%s: not blank (has data): refusing to add it to %s", device,
					   cfg->mountpoint);
	}
	return cfg->fs == EAS_FS_BTRFS ? btrfs_add(cfg, device, log, err) : lvm_add(cfg, device, err);
}
