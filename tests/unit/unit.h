/* unit.h — a minimal unit-test runner.
 *
 *     static void test_parse(unit_t *t) { UNIT_CHECK(t, parse("1") == 1); }
 *     int main(void) { unit_t t; unit_init(&t, "cli");
 *                      UNIT_RUN(&t, test_parse); return unit_finish(&t); }
 *
 * Prints "ok NAME" / "not ok NAME: file:line: expr" per test and a last line
 * "unit GROUP: N passed, N failed"; exits 1 if any test failed.
 */
#ifndef GSA_UNIT_H
#define GSA_UNIT_H

#include <stddef.h>
#include <stdint.h>

typedef struct unit {
	const char *group;
	int passed, failed;
	int cur_failed;           /* failures in the running test */
	char tmpdir[256];         /* fresh empty folder for the running test */
} unit_t;

void unit_init(unit_t *t, const char *group);
/* Run one test function in a fresh temp folder (t->tmpdir), then remove it. */
void unit_run(unit_t *t, const char *name, void (*fn)(unit_t *));
/* Record a failed check (used by the macros). */
void unit_fail(unit_t *t, const char *file, int line, const char *what);
/* Print the summary line; returns the process exit code. */
int unit_finish(unit_t *t);

/* Number of entries in a folder other than "." and "..", or -1 if it cannot be read. */
int unit_count_entries(const char *dir);

/* Next value of a small deterministic generator (xorshift64) seeded by a
 * non-zero *s: the same seed gives the same test data on every host. */
uint64_t unit_rng_next(uint64_t *s);

/* Run `cmd` through the shell and return its exit status (-1 on error). */
int unit_system(const char *cmd);

#define UNIT_RUN(t, fn) unit_run((t), #fn, fn)
#define UNIT_CHECK(t, expr) \
	do { if (!(expr)) unit_fail((t), __FILE__, __LINE__, #expr); } while (0)
#define UNIT_CHECK_INT(t, a, b) \
	unit_check_int((t), __FILE__, __LINE__, #a " == " #b, (long long)(a), (long long)(b))
#define UNIT_CHECK_STR(t, a, b) \
	unit_check_str((t), __FILE__, __LINE__, #a " == " #b, (a), (b))

/* Compare and record a failure showing both values (used by the macros). */
void unit_check_int(unit_t *t, const char *file, int line, const char *what, long long a, long long b);
void unit_check_str(unit_t *t, const char *file, int line, const char *what, const char *a, const char *b);

#include <stdio.h>
#include <string.h>

#endif
