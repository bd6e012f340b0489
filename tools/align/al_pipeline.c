#include "al_pipeline.h"
#include "alloc.h"
#include "al_fastq.h"
#include "io.h"
#include "al_samout.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK 16

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

typedef struct al_worker {
	al_map_buf_t mb;
	al_samout_buf_t sb;
} al_worker_t;

typedef struct al_map_job {
	const al_index_t *ix;
	const al_run_opts_t *o;
	const al_insert_model_t *ins;
	al_batch_t *b;
	al_worker_t *w;
	int phase;
	atomic_int next;
	atomic_int failed;
} al_map_job_t;

typedef struct al_thread_arg {
	al_map_job_t *job;
	int id;
} al_thread_arg_t;

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
			al_pair_resolve_single(&b->h[2 * i], r[0].len, &e[0]);
		}
		if (al_samout_template(j->ix, r, e, b->per, j->o->rg_id, &w->sb, &b->recs[4 * i], &b->n_recs[i]) < 0)
			atomic_store(&j->failed, 1);
	}
}

static void *thread_main(void *p)
{
	al_thread_arg_t *a = p;
	al_map_job_t *j = a->job;
	al_worker_t *w = &j->w[a->id];
	for (;;) {
		int s = atomic_fetch_add(&j->next, CHUNK), e, i;
		if (s >= j->b->n) break;
		e = s + CHUNK < j->b->n ? s + CHUNK : j->b->n;
		for (i = s; i < e; i++) do_item(j, w, i);
	}
	return NULL;
}

/* Run one phase over the batch with every thread (the caller is thread 0). */
static void run_phase(al_map_job_t *j, int phase, int threads)
{
	pthread_t tid[64];
	al_thread_arg_t args[64];
	int t, started = 0;
	j->phase = phase;
	atomic_store(&j->next, 0);
	if (threads > 64) threads = 64;
	for (t = 1; t < threads; t++) {
		args[t].job = j;
		args[t].id = t;
		if (pthread_create(&tid[t], NULL, thread_main, &args[t]) != 0) break;
		started = t;
	}
	args[0].job = j;
	args[0].id = 0;
	thread_main(&args[0]);
	for (t = 1; t <= started; t++) pthread_join(tid[t], NULL);
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

/* The reader thread: fills the next batch while the current one is mapped. */
typedef struct al_reader_job {
	const al_run_opts_t *o;
	al_fastq_reader_t *f1, *f2;
	al_batch_t *b;
	int n;
	gsa_err_t err;
} al_reader_job_t;

static void *reader_main(void *p)
{
	al_reader_job_t *r = p;
	gsa_err_clear(&r->err);
	r->n = read_batch(r->o, r->f1, r->f2, r->b, &r->err);
	return NULL;
}

int al_run(const al_index_t *ix, const al_run_opts_t *o, const char *r1, const char *r2,
	    const gsa_log_t *lg, al_run_stats_t *st, gsa_err_t *err)
{
	al_fastq_reader_t f1, f2;
	gsa_atomic_file_t af;
	htsFile *out = NULL;
	sam_hdr_t *hdr = NULL;
	al_batch_t bufs[2], *bp;
	al_map_job_t job;
	al_reader_job_t rj;
	pthread_t rtid;
	int cur = 0, n;
	al_insert_model_t ins;
	al_worker_t *w;
	int rc = -1, first = 1, t, have_af = 0, have_f2 = 0;
	char mode[8];
	memset(bufs, 0, sizeof bufs);
	memset(st, 0, sizeof *st);
	memset(&f2, 0, sizeof f2);
	bufs[0].per = bufs[1].per = (r2 || o->interleaved) ? 2 : 1;
	if (al_fastq_open(&f1, r1, err) < 0) return -1;
	if (r2) {
		if (al_fastq_open(&f2, r2, err) < 0) { al_fastq_close(&f1); return -1; }
		have_f2 = 1;
	}
	hdr = al_samout_header(ix, o->rg_line, o->cmdline);
	if (!hdr) {
		gsa_err_set(err, GSA_EINTERNAL, "cannot build the BAM header");
		goto done;
	}
	{
		int level = o->level >= 0 ? o->level : (o->out_path ? 6 : 0);
		if (level == 0) snprintf(mode, sizeof mode, "wb0");
		else snprintf(mode, sizeof mode, "wb%d", level > 9 ? 9 : level);
	}
	if (o->out_path) {
		if (gsa_atomic_open(&af, o->out_path, err) < 0) goto done;
		have_af = 1;
		close(af.fd);
		af.fd = -1;
		out = hts_open(af.tmp, mode);
	} else {
		out = hts_open("-", mode);
	}
	if (!out) {
		gsa_err_errno(err, errno ? errno : EIO, "%s: cannot open for writing", o->out_path ? o->out_path : "stdout");
		goto done;
	}
	if (o->threads > 1 && o->out_path) hts_set_threads(out, o->threads);
	if (sam_hdr_write(out, hdr) < 0) {
		gsa_err_errno(err, errno ? errno : EIO, "%s: cannot write", o->out_path ? o->out_path : "stdout");
		goto done;
	}
	w = gsa_xcalloc((size_t)(o->threads > 0 ? o->threads : 1), sizeof *w);
	memset(&job, 0, sizeof job);
	job.ix = ix;
	job.o = o;
	job.b = NULL;
	job.w = w;
	job.ins = &ins;
	memset(&ins, 0, sizeof ins);
	n = read_batch(o, &f1, have_f2 ? &f2 : NULL, &bufs[0], err);
	while (n > 0) {
		int i, k, reading;
		bp = &bufs[cur];
		job.b = bp;
		/* read the next batch meanwhile */
		rj.o = o;
		rj.f1 = &f1;
		rj.f2 = have_f2 ? &f2 : NULL;
		rj.b = &bufs[!cur];
		reading = pthread_create(&rtid, NULL, reader_main, &rj) == 0;
		run_phase(&job, 0, o->threads);
		if (first) {
			if (bp->per == 2) {
				/* al_read_placements of read 1 and 2 are interleaved: gather them */
				al_read_placements_t *h1 = gsa_xmalloc((size_t)n * sizeof *h1), *h2 = gsa_xmalloc((size_t)n * sizeof *h2);
				for (i = 0; i < n; i++) { h1[i] = bp->h[2 * i]; h2[i] = bp->h[2 * i + 1]; }
				al_insert_model_estimate(h1, h2, n, &ins);
				free(h1);
				free(h2);
				if (ins.n == 0)
					gsa_warn(lg, "too few unique pairs to estimate the insert size; using mean %.0f, sd %.0f",
						 ins.mean, ins.sd);
				else {
					gsa_kv_t kv[] = { GSA_KV_NUM("pairs", ins.n), GSA_KV_NUM("mean", ins.mean),
							  GSA_KV_NUM("sd", ins.sd), GSA_KV_NUM("proper_lo", ins.lo),
							  GSA_KV_NUM("proper_hi", ins.hi) };
					gsa_log_kv(lg, GSA_LOG_INFO, "insert size", kv, 5);
				}
			}
			first = 0;
		}
		run_phase(&job, 1, o->threads);
		if (atomic_load(&job.failed)) {
			gsa_err_set(err, GSA_EINTERNAL, "out of memory building BAM records");
			if (reading) pthread_join(rtid, NULL);
			goto done_w;
		}
		for (i = 0; i < n; i++) {
			for (k = 0; k < bp->n_recs[i]; k++) {
				bam1_t *r = bp->recs[4 * i + k];
				if (sam_write1(out, hdr, r) < 0) {
					gsa_err_errno(err, errno ? errno : EIO, "%s: write failed",
						      o->out_path ? o->out_path : "stdout");
					if (reading) pthread_join(rtid, NULL);
					goto done_w;
				}
				if (r->core.flag & BAM_FSUPPLEMENTARY) { st->n_supp++; continue; }
				st->n_reads++;
				if (!(r->core.flag & BAM_FUNMAP)) st->n_mapped++;
				if (r->core.flag & BAM_FPROPER_PAIR) st->n_proper++;
			}
		}
		if (reading) {
			pthread_join(rtid, NULL);
			n = rj.n;
			if (n < 0) *err = rj.err;
		} else {
			n = read_batch(o, &f1, have_f2 ? &f2 : NULL, &bufs[!cur], err);
		}
		cur = !cur;
	}
	if (n < 0) goto done_w;
	if (st->n_reads == 0) {
		gsa_err_set(err, GSA_EDATA, "%s: no reads", r1);
		goto done_w;
	}
	st->ins = ins;
	rc = 0;
done_w:
	for (t = 0; t < (o->threads > 0 ? o->threads : 1); t++) {
		al_map_buf_free(&w[t].mb);
		al_samout_buf_free(&w[t].sb);
	}
	free(w);
done:
	if (out) {
		if (hts_close(out) < 0 && rc == 0)
			rc = gsa_err_errno(err, errno ? errno : EIO, "%s: write failed", o->out_path ? o->out_path : "stdout");
	}
	if (have_af) {
		if (rc == 0) rc = gsa_atomic_commit(&af, err);
		else gsa_atomic_abort(&af);
	}
	if (hdr) sam_hdr_destroy(hdr);
	batch_free(&bufs[0]);
	batch_free(&bufs[1]);
	al_fastq_close(&f1);
	if (have_f2) al_fastq_close(&f2);
	return rc;
}
