/* Unit tests for gsa_pool: jobs come back in submission order whatever
 * order they finish in, and the pending bound holds. */
#include "unit.h"
#include "pool.h"

#include <stdatomic.h>
#include <time.h>

typedef struct job {
	int id, result;
	atomic_int *running, *max_running;
} job_t;

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
	nanosleep(&ts, NULL);
}

/* Later ids sleep less, so they tend to finish first. */
static void work(void *arg)
{
	job_t *j = arg;
	int now = atomic_fetch_add(j->running, 1) + 1, prev = atomic_load(j->max_running);
	while (now > prev && !atomic_compare_exchange_weak(j->max_running, &prev, now)) {}
	sleep_us(200 * (8 - j->id % 8));
	j->result = j->id * 3 + 1;
	atomic_fetch_sub(j->running, 1);
}

static void test_order_kept(unit_t *t)
{
	atomic_int running = 0, max_running = 0;
	job_t jobs[64];
	gsa_pool_t *p = gsa_pool_new(3);
	gsa_queue_t *q;
	int i, next = 0, bad = 0;
	UNIT_CHECK(t, p != NULL);
	UNIT_CHECK_INT(t, gsa_pool_size(p), 3);
	q = gsa_queue_new(p, work, 6);
	for (i = 0; i < 64; i++) {
		jobs[i] = (job_t){ i, 0, &running, &max_running };
		if (gsa_queue_pending(q) == 6) {
			job_t *j = gsa_queue_take(q);
			if (j->id != next++ || j->result != j->id * 3 + 1) bad++;
		}
		gsa_queue_submit(q, &jobs[i]);
		UNIT_CHECK(t, gsa_queue_pending(q) <= 6);
	}
	for (;;) {
		job_t *j = gsa_queue_take(q);
		if (!j) break;
		if (j->id != next++ || j->result != j->id * 3 + 1) bad++;
	}
	UNIT_CHECK_INT(t, bad, 0);
	UNIT_CHECK_INT(t, next, 64);
	UNIT_CHECK(t, atomic_load(&max_running) >= 2); /* jobs did overlap */
	UNIT_CHECK(t, atomic_load(&max_running) <= 3);
	UNIT_CHECK(t, gsa_queue_take(q) == NULL);
	gsa_queue_free(q);
	gsa_pool_free(p);
}

static void test_two_queues_and_try_take(unit_t *t)
{
	atomic_int running = 0, max_running = 0;
	job_t a[10], b[10];
	gsa_pool_t *p = gsa_pool_new(2);
	gsa_queue_t *qa = gsa_queue_new(p, work, 10), *qb = gsa_queue_new(p, work, 10);
	int i, na = 0, nb = 0, bad = 0, spins = 0;
	for (i = 0; i < 10; i++) {
		a[i] = (job_t){ i, 0, &running, &max_running };
		b[i] = (job_t){ 100 + i, 0, &running, &max_running };
		gsa_queue_submit(qa, &a[i]);
		gsa_queue_submit(qb, &b[i]);
	}
	/* poll both without waiting; bounded (each job sleeps <= 1.6 ms) */
	while ((na < 10 || nb < 10) && spins++ < 200000) {
		job_t *j;
		while ((j = gsa_queue_try_take(qa))) if (j->id != na++) bad++;
		while ((j = gsa_queue_try_take(qb))) if (j->id != 100 + nb++) bad++;
		sleep_us(50);
	}
	UNIT_CHECK_INT(t, na, 10);
	UNIT_CHECK_INT(t, nb, 10);
	UNIT_CHECK_INT(t, bad, 0);
	/* freeing a queue with jobs still pending waits for them */
	for (i = 0; i < 4; i++) gsa_queue_submit(qa, &a[i]);
	gsa_queue_free(qa);
	gsa_queue_free(qb);
	gsa_pool_free(p);
	UNIT_CHECK_INT(t, atomic_load(&running), 0);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "gsa_pool");
	UNIT_RUN(&t, test_order_kept);
	UNIT_RUN(&t, test_two_queues_and_try_take);
	return unit_finish(&t);
}
