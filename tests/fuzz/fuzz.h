/* fuzz.h — helpers shared by the fuzz targets (tests/fuzz/fuzz_*.c).
 *
 * Each target defines LLVMFuzzerTestOneInput.  Built with clang
 * -fsanitize=fuzzer it is a libFuzzer binary (make fuzz); built with
 * replay.c it replays its corpus under gcc's ASan+UBSan (make test).
 */
#ifndef GSA_FUZZ_H
#define GSA_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An in-memory file (memfd) holding data[0..size): returns its descriptor
 * and puts a path naming it ("/proc/self/fd/N") in path; -1 on failure.
 * The caller closes the descriptor. */
int fuzz_memfile(const void *data, size_t size, char path[64]);

/* data[0..size) as a NUL-terminated string (caller frees). */
char *fuzz_strndup(const uint8_t *data, size_t size);

#endif
