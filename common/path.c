#define _XOPEN_SOURCE 700
#include "path.h"
#include "alloc.h"
#include "strbuf.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *gsa_path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash) return gsa_xstrdup(".");
	while (slash > path && slash[-1] == '/') slash--;
	if (slash == path) return gsa_xstrdup("/");
	return gsa_xstrndup(path, (size_t)(slash - path));
}

const char *gsa_path_basename(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

char *gsa_path_join(const char *a, const char *b)
{
	size_t n = strlen(a);
	if (b[0] == '/' || n == 0) return gsa_xstrdup(b);
	return gsa_strdup_printf("%s%s%s", a, a[n - 1] == '/' ? "" : "/", b);
}

int gsa_mkdir_p(const char *path, mode_t mode, gsa_err_t *err)
{
	char *p = gsa_xstrdup(path), *s;
	int rc = 0;
	for (s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, mode) < 0 && errno != EEXIST) {
				rc = gsa_err_errno(err, errno, "%s: cannot create folder", p);
				break;
			}
			*s = c;
			if (c == '\0') break;
		}
	}
	if (rc == 0) {
		struct stat st;
		if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
			rc = gsa_err_set(err, GSA_EIO, "%s: exists and is not a folder", path);
	}
	free(p);
	return rc;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP ? rmdir(path) : unlink(path)) return errno == ENOENT ? 0 : -1;
	return 0;
}

int gsa_rm_rf(const char *path, gsa_err_t *err)
{
	struct stat st;
	if (lstat(path, &st) < 0) return errno == ENOENT ? 0 : gsa_err_errno(err, errno, "%s: cannot remove", path);
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) < 0 && errno != ENOENT) return gsa_err_errno(err, errno, "%s: cannot remove", path);
		return 0;
	}
	if (nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS) != 0)
		return gsa_err_errno(err, errno, "%s: cannot remove folder", path);
	return 0;
}

int gsa_path_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

int64_t gsa_file_size(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0) return -1;
	if (!S_ISREG(st.st_mode)) {
		errno = EISDIR;
		return -1;
	}
	return (int64_t)st.st_size;
}
