#include "cv_call.h"
#include "cv_metrics.h"
#include "progress.h"
#include "io.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cv_chunk.h"
#include "cv_vcf.h"
#include "pool.h"
#include "strbuf.h"

static void region_add(cv_region_t **reg, int *n, int tid, int64_t beg, int64_t end)
{
	*reg = gsa_xreallocarray(*reg, (size_t)*n + 1, sizeof **reg);
	(*reg)[*n].tid = tid;
	(*reg)[*n].beg = beg;
	(*reg)[*n].end = end;
	(*n)++;
}

/* A decimal position (',' allowed between digits, as samtools does) of
 * 1 .. 2^53 at *p, advancing *p; -1 when there is none or it is out of range. */
static int64_t parse_pos(const char **p, const char *z)
{
	int64_t v = 0;
	int digits = 0;
	while (*p < z && (isdigit((unsigned char)**p) || (**p == ',' && digits))) {
		if (**p != ',') {
			v = v * 10 + (**p - '0');
			digits++;
			if (v > ((int64_t)1 << 53)) return -1;
		}
		(*p)++;
	}
	return digits && v >= 1 ? v : -1;
}

/* The coordinates of one region as written, txt[0..len): the contig name
 * (maybe in braces), then nothing, ":START", ":START-" or ":START-END"
 * with 1 <= START <= END.  htslib reads ":0-5" as starting before the
 * contig and ":1-0" as the whole contig: both are refused here.  Returns
 * 0 or -1. */
static int check_coords(const char *txt, size_t len, const char *name)
{
	size_t n = strlen(name);
	const char *p, *z = txt + len;
	int64_t beg, end;
	if (len >= n + 2 && txt[0] == '{' && strncmp(txt + 1, name, n) == 0 && txt[n + 1] == '}') p = txt + n + 2;
	else if (len >= n && strncmp(txt, name, n) == 0) p = txt + n;
	else return -1;
	if (p == z) return 0;
	if (*p++ != ':' || (beg = parse_pos(&p, z)) < 0) return -1;
	if (p == z) return 0;
	if (*p++ != '-') return -1;
	if (p == z) return 0;
	if ((end = parse_pos(&p, z)) < 0 || p != z || end < beg) return -1;
	return 0;
}

/* When txt[0..len) names a contig and also, up to its last ':', another one
 * (htslib refuses such a region as ambiguous: "chr1:1-5" beside "chr1"):
 * the length of that other name; else 0. */
static size_t region_ambiguous(const sam_hdr_t *h, const char *txt, size_t len)
{
	char *s = gsa_xmalloc(len + 1);
	memcpy(s, txt, len);
	s[len] = '\0';
	char *colon = strrchr(s, ':');
	size_t pre = 0;
	if (colon && sam_hdr_name2tid((sam_hdr_t *)h, s) >= 0) {
		*colon = '\0';
		if (sam_hdr_name2tid((sam_hdr_t *)h, s) >= 0) pre = (size_t)(colon - s);
	}
	free(s);
	return pre;
}

int cv_regions_parse(const sam_hdr_t *h, const char *spec, cv_region_t **reg, int *n, gsa_err_t *err)
{
	const char *p = spec;
	if (!*p) return gsa_err_set(err, GSA_EDATA, "empty region");
	while (*p) {
		int tid = -1;
		hts_pos_t beg = 0, end = 0;
		const char *q = sam_parse_region((sam_hdr_t *)h, p, &tid, &beg, &end, HTS_PARSE_LIST);
		if (!q || tid < 0) {
			const char *c = strchr(p, ',');
			int len = c ? (int)(c - p) : (int)strlen(p);
			int pre = (int)region_ambiguous(h, p, (size_t)len);
			if (pre > 0)
				return gsa_err_set(err, GSA_EDATA,
						   "region '%.*s': ambiguous (a contig of that name and a range of %.*s); "
						   "write {%.*s} or {%.*s}%.*s", len, p, pre, p, len, p, pre, p, len - pre, p + pre);
			return gsa_err_set(err, GSA_EDATA, "region '%.*s': unknown contig or bad coordinates", len, p);
		}
		size_t len = (size_t)(q - p) - (q > p && q[-1] == ',');
		if (check_coords(p, len, sam_hdr_tid2name(h, tid)) < 0)
			return gsa_err_set(err, GSA_EDATA,
					   "region '%.*s': bad coordinates (expected CONTIG, CONTIG:START or CONTIG:START-END, "
					   "positions from 1, START <= END)",
					   (int)len, p);
		int64_t clen = sam_hdr_tid2len(h, tid);
		if (end > clen) end = clen;
		if (beg < 0 || beg >= end)
			return gsa_err_set(err, GSA_EDATA, "region '%.*s': empty or beyond the end of %s", (int)len, p,
					   sam_hdr_tid2name(h, tid));
		region_add(reg, n, tid, beg, end);
		p = q;
		if (*p == ',') p++;
	}
	return 0;
}

int cv_regions_bed(const sam_hdr_t *h, const char *path, cv_region_t **reg, int *n, gsa_err_t *err)
{
	if (gsa_input_check(path, err) < 0) return -1;
	FILE *f = fopen(path, "r");
	if (!f) return gsa_err_errno(err, errno, "%s: cannot open", path);
	char *line = NULL;
	size_t cap = 0;
	long ln = 0;
	int rc = 0;
	while (getline(&line, &cap, f) > 0) {
		ln++;
		if (line[0] == '#' || line[0] == '\n' || line[0] == '\r' || strncmp(line, "track", 5) == 0 ||
		    strncmp(line, "browser", 7) == 0)
			continue;
		char name[1024];
		long long b, e;
		if (sscanf(line, "%1023s %lld %lld", name, &b, &e) != 3 || b < 0 || e < b) {
			rc = gsa_err_set(err, GSA_EDATA, "%s: line %ld: expected CHROM START END", path, ln);
			break;
		}
		int tid = sam_hdr_name2tid((sam_hdr_t *)h, name);
		if (tid < 0) {
			rc = gsa_err_set(err, GSA_EDATA, "%s: line %ld: unknown contig %s", path, ln, name);
			break;
		}
		int64_t clen = sam_hdr_tid2len(h, tid);
		if (e > clen) e = clen;
		if (b < e) region_add(reg, n, tid, b, e);
	}
	if (rc == 0 && ferror(f)) rc = gsa_err_errno(err, errno, "%s: read failed", path);
	free(line);
	fclose(f);
	return rc;
}

static int region_cmp(const void *pa, const void *pb)
{
	const cv_region_t *a = pa, *b = pb;
	if (a->tid != b->tid) return a->tid < b->tid ? -1 : 1;
	if (a->beg != b->beg) return a->beg < b->beg ? -1 : 1;
	return (a->end > b->end) - (a->end < b->end);
}

void cv_regions_normalise(cv_region_t *reg, int *n)
{
	if (*n < 2) return;
	qsort(reg, (size_t)*n, sizeof *reg, region_cmp);
	int k = 0;
	for (int i = 1; i < *n; i++) {
		if (reg[i].tid == reg[k].tid && reg[i].beg <= reg[k].end) {
			if (reg[i].end > reg[k].end) reg[k].end = reg[i].end;
		} else {
			reg[++k] = reg[i];
		}
	}
	*n = k + 1;
}

/* ---- the work list, run in the pool ------------------------------------ */

/* What every chunk job shares: the inputs, the idle per-thread callers
 * (a cv_worker_t holds open BAMs and scratch; a job takes one, or makes
 * one, and gives it back), and the stop flag after an error. */
typedef struct call_ctx {
	const cv_input_t *in;
	const cv_opts_t *o;
	pthread_mutex_t mu;
	cv_worker_t **idle;
	size_t n_idle, m_idle;
	atomic_int stop;
} call_ctx_t;

typedef struct job {
	call_ctx_t *ctx;
	int tid;
	int64_t beg, end;
	gsa_strbuf_t out;
	int rc;
	gsa_err_t err;
} job_t;

/* Pool job: call one chunk into j->out. */
static void job_run(void *arg)
{
	job_t *j = arg;
	call_ctx_t *c = j->ctx;
	cv_worker_t *w = NULL;
	gsa_err_clear(&j->err);
	j->rc = -1;
	if (atomic_load(&c->stop)) { /* an earlier chunk failed: skip */
		gsa_err_set(&j->err, GSA_EINTERNAL, "stopped");
		return;
	}
	pthread_mutex_lock(&c->mu);
	if (c->n_idle > 0) w = c->idle[--c->n_idle];
	pthread_mutex_unlock(&c->mu);
	if (!w && !(w = cv_worker_new(c->in, c->o, &j->err))) return;
	j->rc = cv_chunk_call(w, j->tid, j->beg, j->end, &j->out, &j->err);
	pthread_mutex_lock(&c->mu);
	if (c->n_idle == c->m_idle) c->idle = gsa_xgrow(c->idle, &c->m_idle, c->n_idle + 1, sizeof *c->idle);
	c->idle[c->n_idle++] = w;
	pthread_mutex_unlock(&c->mu);
}

static long count_lines(const gsa_strbuf_t *b)
{
	long n = 0;
	for (size_t i = 0; i < b->len; i++) n += b->s[i] == '\n';
	return n;
}

int cv_call_run(const cv_input_t *in, const cv_opts_t *o, const cv_region_t *reg, int nreg,
		const char *out_path, const char *cmdline, const gsa_log_t *log, long *nsites, gsa_err_t *err)
{
	/* chunks on a fixed grid, so the split never depends on the threads */
	cv_region_t *all = NULL;
	int nall = 0;
	if (nreg == 0) {
		for (int t = 0; t < sam_hdr_nref(in->hdr); t++) region_add(&all, &nall, t, 0, sam_hdr_tid2len(in->hdr, t));
		reg = all;
		nreg = nall;
	}
	job_t *jobs = NULL;
	int njobs = 0;
	int64_t cs = o->chunk_size;
	for (int r = 0; r < nreg; r++)
		for (int64_t b = reg[r].beg; b < reg[r].end;) {
			int64_t e = (b / cs + 1) * cs;
			if (e > reg[r].end) e = reg[r].end;
			jobs = gsa_xreallocarray(jobs, (size_t)njobs + 1, sizeof *jobs);
			memset(&jobs[njobs], 0, sizeof *jobs);
			jobs[njobs].tid = reg[r].tid;
			jobs[njobs].beg = b;
			jobs[njobs].end = e;
			gsa_strbuf_init(&jobs[njobs].out);
			njobs++;
			b = e;
		}
	free(all);

	call_ctx_t ctx = { .in = in, .o = o };
	pthread_mutex_init(&ctx.mu, NULL);
	atomic_init(&ctx.stop, 0);
	for (int i = 0; i < njobs; i++) jobs[i].ctx = &ctx;
	/* one pool for calling and compressing; -@ 1: everything in this thread */
	gsa_pool_t *pool = o->nthreads > 1 ? gsa_pool_new(o->nthreads) : NULL;
	if (o->nthreads > 1 && !pool) {
		free(jobs);
		pthread_mutex_destroy(&ctx.mu);
		return gsa_err_set(err, GSA_EINTERNAL, "cannot start %d threads", o->nthreads);
	}
	cv_vcf_writer_t vw;
	int rc = 0;
	*nsites = 0;
	if (o->progress) {
		uint64_t total = 0;
		for (int i = 0; i < njobs; i++) total += (uint64_t)(jobs[i].end - jobs[i].beg);
		gsa_progress_phase(o->progress, NULL, "bases", total);
	}
	int64_t longest = 0;
	for (int t = 0; t < sam_hdr_nref(in->hdr); t++)
		if (sam_hdr_tid2len(in->hdr, t) > longest) longest = sam_hdr_tid2len(in->hdr, t);
	if (cv_vcf_writer_open(&vw, out_path, o->level, pool, longest, err) < 0) {
		rc = -1;
		goto out;
	}
	gsa_strbuf_t hdr;
	gsa_strbuf_init(&hdr);
	cv_vcf_header(&hdr, in->hdr, in->ref_path, in->samples, in->nsamples, cmdline, o);
	rc = cv_vcf_writer_put(&vw, hdr.s, hdr.len, err);
	gsa_strbuf_free(&hdr);
	gsa_debug(log, "%d chunks, %d threads", njobs, o->nthreads);

	/* chunks are called in the pool (at most 2 per thread ahead of the
	 * writer) and written in their order */
	int max_ahead = 2 * o->nthreads;
	gsa_queue_t *q = pool ? gsa_queue_new(pool, job_run, max_ahead) : NULL;
	for (int i = 0, n_out = 0; rc == 0 && n_out < njobs;) {
		job_t *j;
		if (!q) {
			j = &jobs[i++];
			job_run(j);
		} else if (i < njobs && gsa_queue_pending(q) < max_ahead) {
			gsa_queue_submit(q, &jobs[i++]);
			continue;
		} else {
			j = gsa_queue_take(q);
		}
		n_out++;
		if (j->rc < 0) {
			*err = j->err;
			rc = -1;
			break;
		}
		rc = cv_vcf_writer_put(&vw, j->out.s, j->out.len, err);
		*nsites += count_lines(&j->out);
		cv_metrics_add_text(o->metrics, j->out.s, j->out.len);
		gsa_progress_add(o->progress, (uint64_t)(j->end - j->beg));
		gsa_strbuf_free(&j->out);
	}
	atomic_store(&ctx.stop, 1);
	gsa_queue_free(q); /* waits for the jobs still running */
	if (rc == 0) rc = cv_vcf_writer_commit(&vw, err);
	else cv_vcf_writer_abort(&vw);
out:
	for (int i = 0; i < njobs; i++) gsa_strbuf_free(&jobs[i].out);
	free(jobs);
	for (size_t i = 0; i < ctx.n_idle; i++) cv_worker_free(ctx.idle[i]);
	free(ctx.idle);
	pthread_mutex_destroy(&ctx.mu);
	gsa_pool_free(pool);
	return rc;
}
