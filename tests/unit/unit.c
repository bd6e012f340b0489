#include "unit.h"
#include "path.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

void unit_init(unit_t *t, const char *group)
{
	memset(t, 0, sizeof *t);
	t->group = group;
}

void unit_fail(unit_t *t, const char *file, int line, const char *what)
{
	t->cur_failed++;
	printf("#   %s:%d: check failed: %s\n", file, line, what);
}

void unit_run(unit_t *t, const char *name, void (*fn)(unit_t *))
{
	const char *base = getenv("TMPDIR");
	snprintf(t->tmpdir, sizeof t->tmpdir, "%s/gsa-unit-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(t->tmpdir)) {
		printf("not ok %s/%s: cannot create temp folder\n", t->group, name);
		t->failed++;
		return;
	}
	t->cur_failed = 0;
	fn(t);
	gsa_rm_rf(t->tmpdir, NULL);
	if (t->cur_failed) {
		printf("not ok %s/%s\n", t->group, name);
		t->failed++;
	} else {
		printf("ok %s/%s\n", t->group, name);
		t->passed++;
	}
	fflush(stdout);
}

int unit_finish(unit_t *t)
{
	printf("unit %s: %d passed, %d failed\n", t->group, t->passed, t->failed);
	return t->failed ? 1 : 0;
}

uint64_t unit_rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

int unit_system(const char *cmd)
{
	int st;
	fflush(stdout);
	st = system(cmd);
	if (st < 0 || !WIFEXITED(st)) return -1;
	return WEXITSTATUS(st);
}

void unit_check_int(unit_t *t, const char *file, int line, const char *what, long long a, long long b)
{
	if (a == b) return;
	t->cur_failed++;
	printf("#   %s:%d: check failed: %s (%lld != %lld)\n", file, line, what, a, b);
}

void unit_check_str(unit_t *t, const char *file, int line, const char *what, const char *a, const char *b)
{
	if (a && b && strcmp(a, b) == 0) return;
	t->cur_failed++;
	printf("#   %s:%d: check failed: %s (\"%s\" != \"%s\")\n", file, line, what,
	       a ? a : "(null)", b ? b : "(null)");
}

int unit_count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	if (!d) return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
	closedir(d);
	return n;
}
