#include "al_pipeline.h"
#include "alloc.h"
#include "al_fastq.h"
#include "bgzf_bamw.h"
#include "io.h"
#include "al_samout.h"
#include "pool.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Templates a mapping thread takes at a time, and at most per pool job
 * (then the job ends, so compression jobs get their turn). */
#define CHUNK 16
#define SLICE 256

/* One batch: its reads, their placements and results, its records. */
typedef struct al_batch {
	int n;           /* templates */
	int per;         /* reads per template: 1 or 2 */
	int cap;
	al_read_t *r;   /* cap * 2 */
	al_read_placements_t *h;  /* cap * 2 */
	al_end_result_t *e; /* cap * 2 */
	bam1_t **recs;   /* cap * 4 */
	int *n_recs;     /* cap */
} al_batch_t;

/* Scratch of one mapping thread (kept across batches). */
typedef struct al_worker {
	al_map_buf_t mb;
	al_samout_buf_t sb;
} al_worker_t;

/* One phase over a batch: phase 0 maps every read, phase 1 pairs them and
 * builds the records.  Templates are handed out CHUNK at a time. */
typedef struct al_map_job {
	const al_index_t *ix;
	const al_run_opts_t *o;
	const al_insert_model_t *ins;
	al_batch_t *b;
	int phase;
	atomic_int next;
	atomic_int failed;
} al_map_job_t;

/* Idle scratch for pool jobs (a job takes one and gives it back). */
typedef struct al_scratch {
	pthread_mutex_t mu;
	al_worker_t **idle;
	int n_idle;
} al_scratch_t;

/* The pool job of a phase: take chunks, up to SLICE templates. */
typedef struct al_token {
	al_map_job_t *job;
	al_scratch_t *scratch;
} al_token_t;

/* A pool job reading the next batch while the current one is mapped. */
typedef struct al_reader_job {
	const al_run_opts_t *o;
	al_fastq_reader_t *f1, *f2;
	al_batch_t *b;
	int n;
	gsa_err_t err;
} al_reader_job_t;

/* Everything al_run holds: input, output, threads, buffers. */
typedef struct al_pipe {
	const al_index_t *ix;
	const al_run_opts_t *o;
	const gsa_log_t *lg;
	al_fastq_reader_t f1, f2;
	int have_f2;
	const char *out_name;     /* for messages: the path or "stdout" */
	gsa_atomic_file_t af;
	int have_af;
	sam_hdr_t *hdr;
	gsa_bamw_t *bw;
	gsa_pool_t *pool;         /* o->threads threads, for the whole run */
	gsa_queue_t *q_map, *q_read;
	int n_tokens;             /* tokens of the phase running */
	al_worker_t *w;           /* o->threads + 1: [0] is the calling thread's */
	al_scratch_t scratch;     /* the others, for pool jobs */
	al_token_t token;
	al_map_job_t job;
	al_reader_job_t rj;
	al_batch_t bufs[3];       /* being written, being mapped, being read */
	al_insert_model_t ins;
	uint8_t *pack;            /* one record in BAM file form */
	size_t m_pack;
} al_pipe_t;

static void batch_grow(al_batch_t *b, int cap)
{
	int i;
	if (cap <= b->cap) return;
	b->r = gsa_xreallocarray(b->r, (size_t)cap * 2, sizeof *b->r);
	b->h = gsa_xreallocarray(b->h, (size_t)cap * 2, sizeof *b->h);
	b->e = gsa_xreallocarray(b->e, (size_t)cap * 2, sizeof *b->e);
	b->recs = gsa_xreallocarray(b->recs, (size_t)cap * 4, sizeof *b->recs);
	b->n_recs = gsa_xreallocarray(b->n_recs, (size_t)cap, sizeof *b->n_recs);
	memset(b->r + b->cap * 2, 0, (size_t)(cap - b->cap) * 2 * sizeof *b->r);
	memset(b->h + b->cap * 2, 0, (size_t)(cap - b->cap) * 2 * sizeof *b->h);
	for (i = b->cap * 4; i < cap * 4; i++) {
		b->recs[i] = bam_init1();
		if (!b->recs[i]) gsa_oom(sizeof(bam1_t));
	}
	b->cap = cap;
}

static void batch_free(al_batch_t *b)
{
	int i;
	for (i = 0; i < b->cap * 2; i++) {
		al_read_free(&b->r[i]);
		al_read_placements_free(&b->h[i]);
	}
	for (i = 0; i < b->cap * 4; i++) bam_destroy1(b->recs[i]);
	free(b->r);
	free(b->h);
	free(b->e);
	free(b->recs);
	free(b->n_recs);
	memset(b, 0, sizeof *b);
}

/* Phase 0: map the reads of template i; phase 1: pair them, build records. */
static void do_item(al_map_job_t *j, al_worker_t *w, int i)
{
	al_batch_t *b = j->b;
	const al_map_opts_t *mo = &j->o->mo;
	int k;
	if (j->phase == 0) {
		for (k = 0; k < b->per; k++) {
			al_read_t *r = &b->r[2 * i + k];
			al_map_read(j->ix, mo, r->code[0], r->code[1], r->len, al_map_read_seed(r->name, k), &w->mb, &b->h[2 * i + k]);
		}
		return;
	}
	{
		al_read_t *r = &b->r[2 * i];
		al_end_result_t *e = &b->e[2 * i];
		b->n_recs[i] = 0;
		if (b->per == 2) {
			const uint8_t *const q[2][2] = { { r[0].code[0], r[0].code[1] }, { r[1].code[0], r[1].code[1] } };
			const int len[2] = { r[0].len, r[1].len };
			al_pair_resolve(j->ix, mo, j->ins, q, len, &b->h[2 * i], &b->h[2 * i + 1], &w->mb, e);
		} else {
			al_pair_resolve_single(mo, &b->h[2 * i], r[0].len, &e[0]);
		}
		if (al_samout_template(j->ix, r, e, b->per, j->o->rg_id, &w->sb, &b->recs[4 * i], &b->n_recs[i]) < 0)
			atomic_store(&j->failed, 1);
	}
}

/* Read up to o->batch templates.  Returns the count, or -1 with err set. */
static int read_batch(const al_run_opts_t *o, al_fastq_reader_t *f1, al_fastq_reader_t *f2, al_batch_t *b, gsa_err_t *err)
{
	int n = 0, rc;
	batch_grow(b, o->batch);
	while (n < o->batch) {
		al_read_t *a = &b->r[2 * n], *c = &b->r[2 * n + 1];
		rc = al_fastq_read(f1, a, err);
		if (rc < 0) return -1;
		if (b->per == 1) {
			if (rc == 0) break;
			n++;
			continue;
		}
		if (o->interleaved) {
			if (rc == 0) break;
			rc = al_fastq_read(f1, c, err);
			if (rc < 0) return -1;
			if (rc == 0)
				return gsa_err_set(err, GSA_EDATA, "%s: odd number of records in interleaved input (%s has no mate)",
						   f1->path, a->name);
		} else {
			int rc2 = al_fastq_read(f2, c, err);
			if (rc2 < 0) return -1;
			if (rc == 0 && rc2 == 0) break;
			if (rc == 0 || rc2 == 0)
				return gsa_err_set(err, GSA_EDATA, "%s and %s have different numbers of reads (%s ends first after %llu)",
						   f1->path, f2->path, rc == 0 ? f1->path : f2->path,
						   (unsigned long long)(rc == 0 ? f1->n_rec : f2->n_rec));
		}
		if (strcmp(a->name, c->name) != 0)
			return gsa_err_set(err, GSA_EDATA, "%s: read %llu is named '%s' but its mate is '%s' (mates out of order?)",
					   f2 && !o->interleaved ? f2->path : f1->path, (unsigned long long)f1->n_rec, a->name, c->name);
		n++;
	}
	b->n = n;
	return n;
}


/* After the first batch is mapped: estimate the insert size model. */
static void estimate_insert(al_pipe_t *p, const al_batch_t *b)
{
	al_insert_model_t *ins = &p->ins;
	al_read_placements_t *h1, *h2;
	int i;
	if (b->per != 2) return;
	/* al_read_placements of read 1 and 2 are interleaved: gather them */
	h1 = gsa_xmalloc((size_t)b->n * sizeof *h1);
	h2 = gsa_xmalloc((size_t)b->n * sizeof *h2);
	for (i = 0; i < b->n; i++) { h1[i] = b->h[2 * i]; h2[i] = b->h[2 * i + 1]; }
	al_insert_model_estimate(h1, h2, b->n, ins);
	free(h1);
	free(h2);
	if (ins->n == 0) {
		gsa_warn(p->lg, "too few unique pairs to estimate the insert size; using mean %.0f, sd %.0f",
			 ins->mean, ins->sd);
	} else {
		gsa_kv_t kv[] = { GSA_KV_NUM("pairs", ins->n), GSA_KV_NUM("mean", ins->mean),
				  GSA_KV_NUM("sd", ins->sd), GSA_KV_NUM("proper_lo", ins->lo),
				  GSA_KV_NUM("proper_hi", ins->hi) };
		gsa_log_kv(p->lg, GSA_LOG_INFO, "insert size", kv, 5);
	}
}

/* Take chunks of the current phase until none is left or `limit`
 * templates are done. */
static void phase_work(al_map_job_t *j, al_worker_t *w, int limit)
{
	for (int done = 0; done < limit;) {
		int s = atomic_fetch_add(&j->next, CHUNK), e, i;
		if (s >= j->b->n) break;
		e = s + CHUNK < j->b->n ? s + CHUNK : j->b->n;
		for (i = s; i < e; i++) do_item(j, w, i);
		done += e - s;
	}
}

static void token_main(void *arg)
{
	al_token_t *t = arg;
	al_worker_t *w;
	pthread_mutex_lock(&t->scratch->mu);
	w = t->scratch->idle[--t->scratch->n_idle];
	pthread_mutex_unlock(&t->scratch->mu);
	phase_work(t->job, w, SLICE);
	pthread_mutex_lock(&t->scratch->mu);
	t->scratch->idle[t->scratch->n_idle++] = w;
	pthread_mutex_unlock(&t->scratch->mu);
}

static void reader_main(void *arg)
{
	al_reader_job_t *r = arg;
	gsa_err_clear(&r->err);
	r->n = read_batch(r->o, r->f1, r->f2, r->b, &r->err);
}

/* Start a phase over b in the pool: one token per SLICE templates. */
static void phase_start(al_pipe_t *p, al_batch_t *b, int phase)
{
	p->job.b = b;
	p->job.phase = phase;
	atomic_store(&p->job.next, 0);
	p->n_tokens = (b->n + SLICE - 1) / SLICE;
	for (int t = 0; t < p->n_tokens; t++) gsa_queue_submit(p->q_map, &p->token);
}

/* The calling thread takes chunks too, then waits for the phase's end. */
static void phase_finish(al_pipe_t *p)
{
	phase_work(&p->job, &p->w[0], INT_MAX);
	for (; p->n_tokens > 0; p->n_tokens--) gsa_queue_take(p->q_map);
}

/* Map batch b: both phases (phase 0 already started when `started`), and
 * the insert size model after the first batch's phase 0.  Returns 0 or -1
 * with err set. */
static int map_batch(al_pipe_t *p, al_batch_t *b, int first, int started, gsa_err_t *err)
{
	if (!started) phase_start(p, b, 0);
	phase_finish(p);
	if (first) estimate_insert(p, b);
	phase_start(p, b, 1);
	phase_finish(p);
	if (atomic_load(&p->job.failed)) return gsa_err_set(err, GSA_EINTERNAL, "out of memory building BAM records");
	return 0;
}

/* Start reading the next batch into b in the pool. */
static void read_start(al_pipe_t *p, al_batch_t *b)
{
	p->rj = (al_reader_job_t){ .o = p->o, .f1 = &p->f1, .f2 = p->have_f2 ? &p->f2 : NULL, .b = b };
	gsa_queue_submit(p->q_read, &p->rj);
}

/* Its templates (0 at the end), or -1 with err set. */
static int read_finish(al_pipe_t *p, gsa_err_t *err)
{
	gsa_queue_take(p->q_read);
	if (p->rj.n < 0) *err = p->rj.err;
	return p->rj.n;
}

/* Write the batch's records in input order (the pool compresses) and
 * count them. */
static int write_batch(al_pipe_t *p, const al_batch_t *b, al_run_stats_t *st, gsa_err_t *err)
{
	int i, k;
	for (i = 0; i < b->n; i++) {
		for (k = 0; k < b->n_recs[i]; k++) {
			const bam1_t *r = b->recs[4 * i + k];
			size_t need = gsa_bamrec_packed_size(r);
			if (need > p->m_pack) p->pack = gsa_xgrow(p->pack, &p->m_pack, need, 1);
			if (gsa_bamrec_pack(r, p->pack, err) < 0 || gsa_bamw_put(p->bw, p->pack, err) < 0) return -1;
			al_metrics_add(p->o->metrics, r);
			if (r->core.flag & BAM_FSUPPLEMENTARY) { st->n_supp++; continue; }
			st->n_reads++;
			if (!(r->core.flag & BAM_FUNMAP)) st->n_mapped++;
			if (r->core.flag & BAM_FPROPER_PAIR) st->n_proper++;
		}
	}
	return 0;
}

/* Open the inputs, the output (a temp file beside out_path, or stdout)
 * and start the pool.  Returns 0 or -1 with err set. */
static int pipe_open(al_pipe_t *p, const char *r1, const char *r2, gsa_err_t *err)
{
	const al_run_opts_t *o = p->o;
	int level = o->level >= 0 ? o->level : (o->out_path ? GSA_BGZF_LEVEL_HTSLIB : 0), fd = STDOUT_FILENO, t;
	p->bufs[0].per = p->bufs[1].per = p->bufs[2].per = (r2 || o->interleaved) ? 2 : 1;
	p->out_name = o->out_path ? o->out_path : "stdout";
	if (al_fastq_open(&p->f1, r1, err) < 0) return -1;
	if (r2) {
		if (al_fastq_open(&p->f2, r2, err) < 0) return -1;
		p->have_f2 = 1;
	}
	if (!(p->hdr = al_samout_header(p->ix, o->rg_line, o->cmdline)))
		return gsa_err_set(err, GSA_EINTERNAL, "cannot build the BAM header");
	if (!(p->pool = gsa_pool_new(o->threads)))
		return gsa_err_set(err, GSA_EINTERNAL, "cannot start %d threads", o->threads);
	p->q_map = gsa_queue_new(p->pool, token_main, o->batch / SLICE + 1);
	p->q_read = gsa_queue_new(p->pool, reader_main, 1);
	/* scratch: [0] the calling thread's, one per pool thread for tokens */
	p->w = gsa_xcalloc((size_t)o->threads + 1, sizeof *p->w);
	pthread_mutex_init(&p->scratch.mu, NULL);
	p->scratch.idle = gsa_xcalloc((size_t)o->threads, sizeof *p->scratch.idle);
	for (t = 0; t < gsa_pool_size(p->pool); t++) p->scratch.idle[p->scratch.n_idle++] = &p->w[t + 1];
	p->token = (al_token_t){ .job = &p->job, .scratch = &p->scratch };
	p->job.ix = p->ix;
	p->job.o = o;
	p->job.ins = &p->ins;
	if (o->out_path) {
		if (gsa_atomic_open(&p->af, o->out_path, err) < 0) return -1;
		p->have_af = 1;
		fd = p->af.fd;
	}
	p->bw = gsa_bamw_open(fd, p->out_name, p->hdr, level, p->pool, GSA_INDEX_NONE, 0, err);
	return p->bw ? 0 : -1;
}

/* Finish the output (rc 0) or drop it, and free everything.  Returns rc,
 * or -1 with err set when finishing fails. */
static int pipe_close(al_pipe_t *p, int rc, gsa_err_t *err)
{
	int t;
	if (p->bw) {
		if (rc == 0) rc = gsa_bamw_finish(p->bw, NULL, err);
		else gsa_bamw_free(p->bw);
	}
	if (p->have_af) {
		if (rc == 0) rc = gsa_atomic_commit(&p->af, err);
		else gsa_atomic_abort(&p->af);
	}
	gsa_queue_free(p->q_read); /* waits for a read still running */
	gsa_queue_free(p->q_map);
	gsa_pool_free(p->pool);
	if (p->w) {
		for (t = 0; t <= p->o->threads; t++) {
			al_map_buf_free(&p->w[t].mb);
			al_samout_buf_free(&p->w[t].sb);
		}
	}
	free(p->w);
	if (p->scratch.idle) pthread_mutex_destroy(&p->scratch.mu);
	free(p->scratch.idle);
	free(p->pack);
	if (p->hdr) sam_hdr_destroy(p->hdr);
	for (t = 0; t < 3; t++) batch_free(&p->bufs[t]);
	al_fastq_close(&p->f1);
	if (p->have_f2) al_fastq_close(&p->f2);
	return rc;
}

int al_run(const al_index_t *ix, const al_run_opts_t *o, const char *r1, const char *r2,
	    const gsa_log_t *lg, al_run_stats_t *st, gsa_err_t *err)
{
	al_pipe_t p;
	int n, n_next, rc = -1;
	memset(&p, 0, sizeof p);
	memset(st, 0, sizeof *st);
	p.ix = ix;
	p.o = o;
	p.lg = lg;
	if (pipe_open(&p, r1, r2, err) < 0) return pipe_close(&p, -1, err);
	n = read_batch(o, &p.f1, p.have_f2 ? &p.f2 : NULL, &p.bufs[0], err);
	if (n > 0) {
		read_start(&p, &p.bufs[1]);
		if (map_batch(&p, &p.bufs[0], 1, 0, err) < 0) return pipe_close(&p, -1, err);
	}
	/* batch k is written while k + 1 is mapped and k + 2 is read */
	for (int k = 0; n > 0; k++, n = n_next) {
		al_batch_t *b = &p.bufs[k % 3], *next = &p.bufs[(k + 1) % 3];
		if ((n_next = read_finish(&p, err)) < 0) break;
		/* the reader is idle until read_start: its file position is stable */
		al_progress_batch(o->progress, (uint64_t)b->n * (uint64_t)b->per, &p.f1);
		if (n_next > 0) {
			read_start(&p, &p.bufs[(k + 2) % 3]);
			phase_start(&p, next, 0);
		}
		if (write_batch(&p, b, st, err) < 0 || (n_next > 0 && map_batch(&p, next, 0, 1, err) < 0)) {
			n_next = -1;
			break;
		}
	}
	if (n == 0 && st->n_reads == 0) gsa_err_set(err, GSA_EDATA, "%s: no reads", r1);
	else if (n == 0) rc = 0;
	st->ins = p.ins;
	return pipe_close(&p, rc, err);
}
