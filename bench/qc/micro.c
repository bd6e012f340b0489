/* micro.c — the cost of one gsa_progress_add() call (the per-record hook)
 * in the mode a batch job runs in (log lines to a file), against an empty
 * loop.  Built and run by bench/qc/run.sh:
 *   cc -O2 -Icommon bench/qc/micro.c build/obj/libgsa.a -lm -o micro && ./micro N */
#include "clock.h"
#include "log.h"
#include "progress.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000000L, i;
	volatile uint64_t sink = 0;
	gsa_log_t lg;
	gsa_progress_t p;
	double t0, t1, t2;
	gsa_log_init(&lg, "micro");
	lg.format = GSA_LOG_JSON;
	lg.fd = open("/dev/null", O_WRONLY);
	gsa_progress_init(&p, &lg, "records", (uint64_t)n);
	t0 = gsa_monotonic_seconds();
	for (i = 0; i < n; i++) sink += (uint64_t)i; /* the loop alone */
	t1 = gsa_monotonic_seconds();
	for (i = 0; i < n; i++) {
		sink += (uint64_t)i;
		gsa_progress_add(&p, 1);
	}
	t2 = gsa_monotonic_seconds();
	gsa_progress_finish(&p);
	printf("calls=%ld loop_ns=%.3f with_progress_ns=%.3f progress_ns_per_call=%.3f\n", n, (t1 - t0) * 1e9 / (double)n,
	       (t2 - t1) * 1e9 / (double)n, ((t2 - t1) - (t1 - t0)) * 1e9 / (double)n);
	return sink == 42;
}
