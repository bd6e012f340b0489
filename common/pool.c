#include "pool.h"
#include "alloc.h"

#include <pthread.h>
#include <stdlib.h>

/* A queue's jobs sit in a ring in submission order: [head, head+n) are
 * pending; of those, [head+started_to ...) are not started yet. */
typedef struct slot {
	void *job;
	int done;
} slot_t;

struct gsa_queue {
	gsa_pool_t *pool;
	gsa_job_fn fn;
	slot_t *ring;
	int cap, head, n, n_started;
	gsa_queue_t *next;       /* pool's list of queues with unstarted jobs */
	int listed;
	pthread_cond_t taken;   /* a slot was freed */
	pthread_cond_t done;    /* a job finished */
};

struct gsa_pool {
	pthread_mutex_t mu;
	pthread_cond_t work;    /* a job is waiting to start, or stop */
	pthread_t *th;
	int n_th, stop;
	gsa_queue_t *ready;      /* queues with unstarted jobs, FIFO */
	gsa_queue_t *ready_tail;
};

/* Take the next unstarted job of the first ready queue (pool lock held). */
static int next_job(gsa_pool_t *p, gsa_queue_t **qo, int *slot)
{
	gsa_queue_t *q = p->ready;
	if (!q) return 0;
	*qo = q;
	*slot = (q->head + q->n_started) % q->cap;
	q->n_started++;
	if (q->n_started == q->n) {
		p->ready = q->next;
		if (!p->ready) p->ready_tail = NULL;
		q->next = NULL;
		q->listed = 0;
	}
	return 1;
}

static void *worker(void *arg)
{
	gsa_pool_t *p = arg;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		gsa_queue_t *q;
		int slot;
		while (!p->stop && !p->ready) pthread_cond_wait(&p->work, &p->mu);
		if (!next_job(p, &q, &slot)) break; /* stop and nothing left */
		pthread_mutex_unlock(&p->mu);
		q->fn(q->ring[slot].job);
		pthread_mutex_lock(&p->mu);
		q->ring[slot].done = 1;
		if (slot == q->head) pthread_cond_signal(&q->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

gsa_pool_t *gsa_pool_new(int n_threads)
{
	gsa_pool_t *p = gsa_xcalloc(1, sizeof *p);
	int i;
	if (n_threads < 1) n_threads = 1;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	p->th = gsa_xcalloc((size_t)n_threads, sizeof *p->th);
	for (i = 0; i < n_threads; i++) {
		if (pthread_create(&p->th[i], NULL, worker, p) != 0) break;
		p->n_th++;
	}
	if (p->n_th == 0) {
		gsa_pool_free(p);
		return NULL;
	}
	return p;
}

int gsa_pool_size(const gsa_pool_t *p)
{
	return p->n_th;
}

void gsa_pool_free(gsa_pool_t *p)
{
	int i;
	if (!p) return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->n_th; i++) pthread_join(p->th[i], NULL);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->mu);
	free(p->th);
	free(p);
}

gsa_queue_t *gsa_queue_new(gsa_pool_t *p, gsa_job_fn fn, int max_pending)
{
	gsa_queue_t *q = gsa_xcalloc(1, sizeof *q);
	q->pool = p;
	q->fn = fn;
	q->cap = max_pending > 0 ? max_pending : 1;
	q->ring = gsa_xcalloc((size_t)q->cap, sizeof *q->ring);
	pthread_cond_init(&q->taken, NULL);
	pthread_cond_init(&q->done, NULL);
	return q;
}

void gsa_queue_submit(gsa_queue_t *q, void *job)
{
	gsa_pool_t *p = q->pool;
	int slot;
	pthread_mutex_lock(&p->mu);
	while (q->n == q->cap) pthread_cond_wait(&q->taken, &p->mu);
	slot = (q->head + q->n) % q->cap;
	q->ring[slot].job = job;
	q->ring[slot].done = 0;
	q->n++;
	if (!q->listed) {
		q->listed = 1;
		q->next = NULL;
		if (p->ready_tail) p->ready_tail->next = q;
		else p->ready = q;
		p->ready_tail = q;
	}
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
}

int gsa_queue_pending(const gsa_queue_t *q)
{
	return q->n;
}

/* Pop the head slot (lock held, head done). */
static void *pop_head(gsa_queue_t *q)
{
	void *job = q->ring[q->head].job;
	q->ring[q->head].job = NULL;
	q->head = (q->head + 1) % q->cap;
	q->n--;
	q->n_started--;
	pthread_cond_signal(&q->taken);
	return job;
}

/* The oldest pending job once done (waiting for it, or NULL if not done
 * and !wait); NULL when none is pending. */
static void *take(gsa_queue_t *q, int wait)
{
	gsa_pool_t *p = q->pool;
	void *job = NULL;
	pthread_mutex_lock(&p->mu);
	if (q->n > 0) {
		while (wait && !q->ring[q->head].done) pthread_cond_wait(&q->done, &p->mu);
		if (q->ring[q->head].done) job = pop_head(q);
	}
	pthread_mutex_unlock(&p->mu);
	return job;
}

void *gsa_queue_take(gsa_queue_t *q)
{
	return take(q, 1);
}

void *gsa_queue_try_take(gsa_queue_t *q)
{
	return take(q, 0);
}

void gsa_queue_free(gsa_queue_t *q)
{
	if (!q) return;
	while (gsa_queue_take(q)) {}
	pthread_cond_destroy(&q->taken);
	pthread_cond_destroy(&q->done);
	free(q->ring);
	free(q);
}
