/* si_pool.h — worker threads and ordered job queues.
 *
 * A pool runs jobs on a fixed set of threads.  A queue feeds one stream of
 * jobs through the pool and hands them back in the order they were
 * submitted, whatever order they finish in: the shape of parallel BGZF
 * compression or decompression, where blocks are worked on together but
 * must be written (or parsed) in sequence.  The caller owns the job
 * objects; the pool only calls fn(job) once per submitted job.
 *
 *     si_pool_t *p = si_pool_new(2);
 *     si_queue_t *q = si_queue_new(p, compress_job, 8);
 *     si_queue_submit(q, job);           // blocks while 8 jobs are not taken back
 *     job = si_queue_take(q);            // oldest job, once fn(job) has returned
 */
#ifndef SI_POOL_H
#define SI_POOL_H

typedef struct si_pool si_pool_t;
typedef struct si_queue si_queue_t;

/* Work on one job; runs on a pool thread. */
typedef void (*si_job_fn)(void *job);

/* Start n_threads (>= 1) worker threads.  Returns NULL if no thread can be
 * started (errno set). */
si_pool_t *si_pool_new(int n_threads);
/* Number of worker threads. */
int si_pool_size(const si_pool_t *p);
/* Stop and join the workers.  Every queue must have been freed first.
 * NULL is a no-op. */
void si_pool_free(si_pool_t *p);

/* A queue running fn on its jobs in p, with at most max_pending (>= 1)
 * jobs submitted and not yet taken back. */
si_queue_t *si_queue_new(si_pool_t *p, si_job_fn fn, int max_pending);
/* Hand a job to the pool; waits while max_pending jobs are not taken back. */
void si_queue_submit(si_queue_t *q, void *job);
/* Number of jobs submitted and not yet taken back. */
int si_queue_pending(const si_queue_t *q);
/* The oldest job not yet taken, after fn(job) returned (waits for it);
 * NULL when no job is pending. */
void *si_queue_take(si_queue_t *q);
/* Like si_queue_take, but NULL instead of waiting when the oldest job is
 * not finished. */
void *si_queue_try_take(si_queue_t *q);
/* Wait for and drop every pending job's result (the caller still owns the
 * jobs, e.g. through its own list), then free the queue.  NULL is a no-op. */
void si_queue_free(si_queue_t *q);

#endif
