#include "stale.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "path.h"

int gsa_stale_hold(const char *path, int inherit)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | (inherit ? 0 : O_CLOEXEC));
	if (fd < 0) return -1;
	if (flock(fd, LOCK_SH | LOCK_NB) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int name_matches(const char *name, const char *prefix, int n_random)
{
	size_t pl = strlen(prefix);
	if (strncmp(name, prefix, pl) != 0 || strlen(name) != pl + (size_t)n_random) return 0;
	for (const char *p = name + pl; *p; p++)
		if (!isalnum((unsigned char)*p)) return 0;
	return 1;
}

/* remove one candidate if nobody holds it; 1 when removed */
static int sweep_one(const char *path)
{
	struct stat ls, fs;
	int fd, removed = 0;
	if (lstat(path, &ls) < 0 || !(S_ISREG(ls.st_mode) || S_ISDIR(ls.st_mode))) return 0;
	if (time(NULL) - ls.st_mtime < GSA_STALE_MIN_AGE) return 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) return 0;
	/* the same entry that was looked at, and nobody holds it */
	if (fstat(fd, &fs) == 0 && fs.st_ino == ls.st_ino && fs.st_dev == ls.st_dev &&
	    flock(fd, LOCK_EX | LOCK_NB) == 0) {
		if (S_ISDIR(ls.st_mode)) removed = gsa_rm_rf(path, NULL) == 0;
		else removed = unlink(path) == 0;
	}
	close(fd);
	return removed;
}

int gsa_stale_sweep(const char *dir, const char *prefix, int n_random, const char *keep)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	if (!d) return 0;
	while ((e = readdir(d)) != NULL) {
		if (!name_matches(e->d_name, prefix, n_random) || (keep && strcmp(e->d_name, keep) == 0)) continue;
		char *p = gsa_path_join(dir, e->d_name);
		n += sweep_one(p);
		free(p);
	}
	closedir(d);
	return n;
}
