/* path.h — path strings and folder helpers. */
#ifndef GSA_PATH_H
#define GSA_PATH_H

#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* Folder part of path ("." when none); newly allocated. */
char *gsa_path_dirname(const char *path);
/* Last component of path (pointer into path; "" when path ends with '/'). */
const char *gsa_path_basename(const char *path);
/* a + "/" + b (b absolute -> copy of b); newly allocated. */
char *gsa_path_join(const char *a, const char *b);
/* mkdir -p with the given mode.  Returns 0 or -1 with err set. */
int gsa_mkdir_p(const char *path, mode_t mode, gsa_err_t *err);
/* rm -rf without following symlinks.  Missing path is not an error. */
int gsa_rm_rf(const char *path, gsa_err_t *err);
/* 1 if path exists (any type), 0 if not. */
int gsa_path_exists(const char *path);
/* Size of a regular file, or -1 with errno. */
int64_t gsa_file_size(const char *path);

#endif
