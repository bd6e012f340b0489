/* alloc.h — checked allocation.
 *
 * The x* functions never return NULL: on exhaustion (or a size overflow)
 * they remove registered temp files (cleanup.h), write one line to stderr
 * and end the process with GSA_EINTERNAL.  This is the one place below
 * main() that exits, because nothing useful can be done without memory.
 */
#ifndef GSA_ALLOC_H
#define GSA_ALLOC_H

#include <stddef.h>

void *gsa_xmalloc(size_t size);
void *gsa_xcalloc(size_t n, size_t size);
/* Resize to n * size bytes, checking the multiplication. */
void *gsa_xreallocarray(void *p, size_t n, size_t size);
char *gsa_xstrdup(const char *s);
char *gsa_xstrndup(const char *s, size_t n);

/* Grow *p (capacity *cap elements of `size` bytes) to hold at least `need`
 * elements, at least doubling.  Returns the (possibly moved) buffer. */
void *gsa_xgrow(void *p, size_t *cap, size_t need, size_t size);

/* Report exhaustion and exit (see above). */
void gsa_oom(size_t size) __attribute__((noreturn));

#endif
