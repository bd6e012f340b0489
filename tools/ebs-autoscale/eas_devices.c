/* eas_devices.c — volume id -> block device; attachment names. */
#include "eas_devices.h"

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int is_block(const char *p)
{
	struct stat st;
	return !stat(p, &st) && S_ISBLK(st.st_mode);
}

/* "vol-0abc" -> "vol0abc" */
static void serial_of(const char *vol, char *out, size_t n)
{
	size_t j = 0;
	for (size_t i = 0; vol[i] && j + 1 < n; i++)
		if (vol[i] != '-') out[j++] = vol[i];
	out[j] = 0;
}

static int by_serial(const eas_config_t *cfg, const char *serial, char *out, size_t n)
{
	DIR *d = opendir(cfg->sys_block_dir);
	if (!d) return 0;
	struct dirent *e;
	int found = 0;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.') continue;
		char p[PATH_MAX], buf[128];
		snprintf(p, sizeof p, "%s/%s/device/serial", cfg->sys_block_dir, e->d_name);
		FILE *f = fopen(p, "r");
		if (!f) continue;
		size_t k = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[k] = 0;
		while (k && isspace((unsigned char)buf[k - 1])) buf[--k] = 0;
		char *s = buf;
		while (isspace((unsigned char)*s)) s++;
		if (strcmp(s, serial)) continue;
		snprintf(p, sizeof p, "%s/%s", cfg->dev_dir, e->d_name);
		if (is_block(p)) {
			snprintf(out, n, "%s", p);
			found = 1;
		}
	}
	closedir(d);
	return found;
}

static int by_id(const eas_config_t *cfg, const char *serial, char *out, size_t n)
{
	char p[PATH_MAX], r[PATH_MAX];
	snprintf(p, sizeof p, "%s/nvme-Amazon_Elastic_Block_Store_%s", cfg->by_id_dir, serial);
	if (!realpath(p, r) || !is_block(r)) return 0;
	snprintf(out, n, "%s", r);
	return 1;
}

static int by_xen_name(const eas_config_t *cfg, const char *attach_name, char *out, size_t n)
{
	if (!attach_name) return 0;
	const char *b = strrchr(attach_name, '/');
	b = b ? b + 1 : attach_name;
	char p[PATH_MAX];
	if (!strncmp(b, "sd", 2)) snprintf(p, sizeof p, "%s/xvd%s", cfg->dev_dir, b + 2);
	else snprintf(p, sizeof p, "%s/%s", cfg->dev_dir, b);
	if (!is_block(p)) return 0;
	snprintf(out, n, "%s", p);
	return 1;
}

int eas_device_find(const eas_config_t *cfg, const char *volume_id, const char *attach_name, char *out, size_t n)
{
	char serial[64];
	serial_of(volume_id, serial, sizeof serial);
	return by_serial(cfg, serial, out, n) || by_id(cfg, serial, out, n) || by_xen_name(cfg, attach_name, out, n);
}

static int taken(char *const used[], size_t nused, const char *name)
{
	for (size_t i = 0; i < nused; i++) {
		const char *u = used[i];
		if (!strcmp(u, name)) return 1;
		/* /dev/sdba and /dev/xvdba are the same slot */
		if (!strncmp(u, "/dev/sd", 7) && !strcmp(u + 7, name + 8)) return 1;
	}
	return 0;
}

int eas_device_next_name(char *const used[], size_t nused, char *out, size_t n)
{
	for (char a = 'b'; a <= 'c'; a++)
		for (char b = 'a'; b <= 'z'; b++) {
			char name[32];
			snprintf(name, sizeof name, "/dev/xvd%c%c", a, b);
			if (!taken(used, nused, name)) {
				snprintf(out, n, "%s", name);
				return 0;
			}
		}
	return -1;
}
