/* pool.h — worker threads and ordered job queues.
 *
 * A pool runs jobs on a fixed set of threads.  A queue feeds one stream of
 * jobs through the pool and hands them back in the order they were
 * submitted, whatever order they finish in: the shape of parallel BGZF
 * compression or decompression, where blocks are worked on together but
 * must be written (or parsed) in sequence.  The caller owns the job
 * objects; the pool only calls fn(job) once per submitted job.
 *
 *     gsa_pool_t *p = gsa_pool_new(2);
 *     gsa_queue_t *q = gsa_queue_new(p, compress_job, 8);
 *     gsa_queue_submit(q, job);           // blocks while 8 jobs are not taken back
 *     job = gsa_queue_take(q);            // oldest job, once fn(job) has returned
 */
#ifndef GSA_POOL_H
#define GSA_POOL_H

typedef struct gsa_pool gsa_pool_t;
typedef struct gsa_queue gsa_queue_t;

/* Work on one job; runs on a pool thread. */
typedef void (*gsa_job_fn)(void *job);

/* Start n_threads (>= 1) worker threads.  Returns NULL if no thread can be
 * started (errno set). */
gsa_pool_t *gsa_pool_new(int n_threads);
/* Number of worker threads. */
int gsa_pool_size(const gsa_pool_t *p);
/* Stop and join the workers.  Every queue must have been freed first.
 * NULL is a no-op. */
void gsa_pool_free(gsa_pool_t *p);

/* A queue running fn on its jobs in p, with at most max_pending (>= 1)
 * jobs submitted and not yet taken back. */
gsa_queue_t *gsa_queue_new(gsa_pool_t *p, gsa_job_fn fn, int max_pending);
/* Hand a job to the pool; waits while max_pending jobs are not taken back. */
void gsa_queue_submit(gsa_queue_t *q, void *job);
/* Number of jobs submitted and not yet taken back. */
int gsa_queue_pending(const gsa_queue_t *q);
/* The oldest job not yet taken, after fn(job) returned (waits for it);
 * NULL when no job is pending. */
void *gsa_queue_take(gsa_queue_t *q);
/* Like gsa_queue_take, but NULL instead of waiting when the oldest job is
 * not finished. */
void *gsa_queue_try_take(gsa_queue_t *q);
/* Wait for and drop every pending job's result (the caller still owns the
 * jobs, e.g. through its own list), then free the queue.  NULL is a no-op. */
void gsa_queue_free(gsa_queue_t *q);

#endif
