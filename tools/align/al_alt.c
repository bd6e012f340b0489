#include "al_alt.h"
#include "alloc.h"
#include "io.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest name kept; a longer first column cannot be a contig of ours
 * (names are checked whole, so it is reported, cut, as unknown). */
#define NAME_MAX_LEN 4096

typedef struct name_ref {
	const char *name;
	int i;
} name_ref_t;

static int cmp_name(const void *pa, const void *pb)
{
	return strcmp(((const name_ref_t *)pa)->name, ((const name_ref_t *)pb)->name);
}

/* Read one line's first column into buf (at most NAME_MAX_LEN bytes kept,
 * *cut set when longer) and skip the rest of the line.  Returns 1 for a
 * line, 0 at the end of the file; *nul is set when the line holds a NUL
 * byte, *skip when it is a comment ('@' or '#' first). */
static int read_line(FILE *f, char *buf, size_t *len, int *cut, int *nul, int *skip)
{
	int c, col = 0, first = 1; /* col: 0 before the name, 1 in it, 2 after */
	*len = 0;
	*cut = *nul = *skip = 0;
	c = getc(f);
	if (c == EOF) return 0;
	for (; c != EOF && c != '\n'; c = getc(f)) {
		if (c == 0) *nul = 1;
		if (first && (c == '@' || c == '#')) *skip = 1;
		first = 0;
		if (*skip || col == 2) continue;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f') {
			if (col == 1) col = 2;
			continue;
		}
		col = 1;
		if (*len < NAME_MAX_LEN) buf[(*len)++] = (char)c;
		else *cut = 1;
	}
	buf[*len] = '\0';
	return 1;
}

int al_alt_load(const char *path, const char *const *names, int n, uint8_t **is_alt, int *n_alt, gsa_err_t *err)
{
	FILE *f;
	name_ref_t *ref, key, *hit;
	char *buf;
	size_t len;
	unsigned long long line = 0;
	int i, cut, nul, skip, rc = 0;
	*is_alt = NULL;
	*n_alt = 0;
	if (gsa_input_check(path, err) < 0) return -1; /* a FIFO would block, a device never end */
	if (!(f = fopen(path, "r"))) return gsa_err_errno(err, errno, "%s: cannot open the ALT list", path);
	ref = gsa_xmalloc(((size_t)n + 1) * sizeof *ref);
	for (i = 0; i < n; i++) { ref[i].name = names[i]; ref[i].i = i; }
	qsort(ref, (size_t)n, sizeof *ref, cmp_name);
	buf = gsa_xmalloc(NAME_MAX_LEN + 1);
	*is_alt = gsa_xcalloc((size_t)n + 1, 1);
	while (read_line(f, buf, &len, &cut, &nul, &skip)) {
		line++;
		if (nul) { rc = gsa_err_set(err, GSA_EDATA, "%s: line %llu: NUL byte in the ALT list", path, line); break; }
		if (skip || len == 0) continue;
		key.name = buf;
		hit = cut ? NULL : bsearch(&key, ref, (size_t)n, sizeof *ref, cmp_name);
		if (!hit) {
			if (len > 64) memcpy(buf + 61, "...", 4);
			for (char *q = buf; *q; q++) /* no control bytes on the user's terminal */
				if ((unsigned char)*q < 0x20 || *q == 0x7f) *q = '?';
			rc = gsa_err_set(err, GSA_EDATA, "%s: line %llu: '%s' is not a contig of the index", path, line, buf);
			break;
		}
		if (!(*is_alt)[hit->i]) (*n_alt)++;
		(*is_alt)[hit->i] = 1;
	}
	if (rc == 0 && ferror(f)) rc = gsa_err_errno(err, errno ? errno : EIO, "%s: cannot read the ALT list", path);
	fclose(f);
	free(buf);
	free(ref);
	if (rc < 0) {
		free(*is_alt);
		*is_alt = NULL;
		*n_alt = 0;
	}
	return rc;
}
