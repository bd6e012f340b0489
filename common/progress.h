/* progress.h — how far a long run got: one live line on a terminal, or a
 * log line at most every 30 s (and one at the end) elsewhere.
 *
 * Owned by main() (or whoever runs the work) and driven from ONE thread:
 * the thread that writes the output calls gsa_progress_add() per record or
 * gsa_progress_set() per batch.  The clock is read at most every 256 adds,
 * so a call per record costs an increment and a branch.  The mode follows
 * the log: nothing with --quiet (level below INFO); the live line when the
 * log is text on a terminal; otherwise gsa_log_kv() lines ("progress", with
 * done, total, unit, rate, eta_s) for CloudWatch.  Progress writes to the
 * log's fd only, never to an output.
 *
 *     gsa_progress_t p;
 *     gsa_progress_init(&p, log, "reads", 0);
 *     for (...) gsa_progress_add(&p, 1);
 *     gsa_progress_finish(&p);
 */
#ifndef GSA_PROGRESS_H
#define GSA_PROGRESS_H

#include <stdint.h>

#include "log.h"

typedef enum { GSA_PROGRESS_OFF = 0, GSA_PROGRESS_LINE, GSA_PROGRESS_LOG } gsa_progress_mode_t;

typedef struct gsa_progress {
	const gsa_log_t *log;     /* not owned */
	const char *unit;         /* "reads", "records", "bases", "bytes"; not owned */
	const char *phase;        /* optional label ("reading", "writing"); not owned */
	gsa_progress_mode_t mode;
	uint64_t done, total;     /* total 0: unknown (no percentage, no ETA) */
	double t0, t_phase, last; /* monotonic seconds */
	uint64_t done_phase;      /* done when the phase started (for its rate) */
	double interval;          /* seconds between lines: 0.5 live, 30 as log lines */
	unsigned tick;
	int line_open;            /* a live line is on screen without its newline */
} gsa_progress_t;

/* Start counting `unit` towards total (0: unknown) for log lg (may be NULL:
 * mode OFF).  Never fails. */
void gsa_progress_init(gsa_progress_t *p, const gsa_log_t *lg, const char *unit, uint64_t total);

/* Which mode lg leads to (OFF / LINE / LOG), as gsa_progress_init picks it. */
gsa_progress_mode_t gsa_progress_mode_for(const gsa_log_t *lg);

/* Start a new phase: label, unit and total (0: unknown); done restarts at
 * 0 and the rate and ETA are the phase's.  p may be NULL. */
void gsa_progress_phase(gsa_progress_t *p, const char *phase, const char *unit, uint64_t total);

/* Show a line now if one is due (called by add/set; public for callers
 * that only wait, e.g. a transfer's main thread). */
void gsa_progress_poll(gsa_progress_t *p);

/* Count n more units.  p may be NULL. */
static inline void gsa_progress_add(gsa_progress_t *p, uint64_t n)
{
	if (!p || p->mode == GSA_PROGRESS_OFF) return;
	p->done += n;
	if ((++p->tick & 255u) == 0) gsa_progress_poll(p);
}

/* Set the count (absolute) and show a line if one is due.  p may be NULL. */
void gsa_progress_set(gsa_progress_t *p, uint64_t done);

/* The last line: the live line completed with a newline, or a "done" log
 * line.  p may be NULL; safe to repeat (prints once). */
void gsa_progress_finish(gsa_progress_t *p);

/* After a failure: end an open live line (newline) and print nothing more.
 * p may be NULL; safe to repeat. */
void gsa_progress_stop(gsa_progress_t *p);

/* Format the status text ("1.2M reads  34.5k reads/s  42%  ETA 0:01:10")
 * into out[n].  Exposed for tests. */
void gsa_progress_format(const gsa_progress_t *p, double now, char *out, unsigned n);

#endif
