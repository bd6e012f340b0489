/* replay.c — a main for the fuzz targets without libFuzzer: every file of
 * the target's corpus (tests/fuzz/corpus/NAME, or the folders/files given
 * as arguments) is passed once to LLVMFuzzerTestOneInput.  Built under
 * ASan+UBSan as build/asan/tests/fuzz/test_fuzz_NAME, it is one of the unit
 * tests: "ok fuzz/NAME: N inputs replayed"; a sanitizer finding aborts it. */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef FUZZ_NAME
#error "FUZZ_NAME must name the target"
#endif

static int replay_file(const char *path, long *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, r;
	if (!f) {
		fprintf(stderr, "%s: cannot open\n", path);
		return -1;
	}
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 4096;
			buf = realloc(buf, cap);
			if (!buf) abort();
		}
		r = fread(buf + len, 1, cap - len, f);
		len += r;
	} while (r > 0);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	(*n)++;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* every regular file of dir, in name order (so a run is repeatable) */
static int replay_dir(const char *dir, long *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t nn = 0, i;
	int rc = 0;
	if (!d) {
		fprintf(stderr, "%s: cannot open the corpus folder\n", dir);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.') continue;
		names = realloc(names, (nn + 1) * sizeof *names);
		if (!names) abort();
		names[nn] = malloc(strlen(dir) + strlen(e->d_name) + 2);
		if (!names[nn]) abort();
		sprintf(names[nn++], "%s/%s", dir, e->d_name);
	}
	closedir(d);
	qsort(names, nn, sizeof *names, name_cmp);
	for (i = 0; i < nn; i++) {
		if (rc == 0 && replay_file(names[i], n) < 0) rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	long n = 0;
	int i, rc = 0;
	if (argc < 2) {
		rc = replay_dir("tests/fuzz/corpus/" FUZZ_NAME, &n);
	} else {
		for (i = 1; i < argc && rc == 0; i++) {
			struct stat sb;
			rc = stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode) ? replay_dir(argv[i], &n) : replay_file(argv[i], &n);
		}
	}
	if (rc == 0 && n == 0) {
		fprintf(stderr, "fuzz/%s: empty corpus\n", FUZZ_NAME);
		rc = -1;
	}
	printf("%s fuzz/%s: %ld inputs replayed\n", rc == 0 ? "ok" : "not ok", FUZZ_NAME, n);
	return rc == 0 ? 0 : 1;
}
