#include "cv_call.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cv_chunk.h"
#include "cv_vcf.h"
#include "strbuf.h"

static void region_add(cv_region_t **reg, int *n, int tid, int64_t beg, int64_t end)
{
	*reg = gsa_xreallocarray(*reg, (size_t)*n + 1, sizeof **reg);
	(*reg)[*n].tid = tid;
	(*reg)[*n].beg = beg;
	(*reg)[*n].end = end;
	(*n)++;
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
			return gsa_err_set(err, GSA_EDATA, "region '%.*s': unknown contig or bad coordinates", len, p);
		}
		int64_t clen = sam_hdr_tid2len(h, tid);
		if (end > clen) end = clen;
		if (beg >= end)
			return gsa_err_set(err, GSA_EDATA, "region '%s': empty or beyond the end of %s", p,
					   sam_hdr_tid2name(h, tid));
		region_add(reg, n, tid, beg, end);
		p = q;
		if (*p == ',') p++;
	}
	return 0;
}

int cv_regions_bed(const sam_hdr_t *h, const char *path, cv_region_t **reg, int *n, gsa_err_t *err)
{
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

/* ---- the work list and the threads -------------------------------------- */

typedef struct job {
	int tid;
	int64_t beg, end;
	gsa_strbuf_t out;
	int done, rc;
	gsa_err_t err;
} job_t;

typedef struct pool {
	const cv_input_t *in;
	const cv_opts_t *o;
	job_t *jobs;
	int njobs, next, stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	gsa_err_t init_err;
	int init_failed;
} pool_t;

static void *worker_main(void *arg)
{
	pool_t *p = arg;
	gsa_err_t err;
	gsa_err_clear(&err);
	cv_worker_t *w = cv_worker_new(p->in, p->o, &err);
	if (!w) {
		pthread_mutex_lock(&p->mu);
		if (!p->init_failed) { p->init_failed = 1; p->init_err = err; }
		p->stop = 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		return NULL;
	}
	for (;;) {
		pthread_mutex_lock(&p->mu);
		int i = p->stop ? p->njobs : p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->njobs) break;
		job_t *j = &p->jobs[i];
		gsa_err_clear(&j->err);
		j->rc = cv_chunk_call(w, j->tid, j->beg, j->end, &j->out, &j->err);
		pthread_mutex_lock(&p->mu);
		j->done = 1;
		if (j->rc < 0) p->stop = 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	cv_worker_free(w);
	return NULL;
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

	cv_vcf_writer_t vw;
	int rc = 0;
	*nsites = 0;
	if (cv_vcf_writer_open(&vw, out_path, err) < 0) {
		free(jobs);
		return -1;
	}
	gsa_strbuf_t hdr;
	gsa_strbuf_init(&hdr);
	cv_vcf_header(&hdr, in->hdr, in->ref_path, in->samples, in->nsamples, cmdline, o);
	rc = cv_vcf_writer_put(&vw, hdr.s, hdr.len, err);
	gsa_strbuf_free(&hdr);
	gsa_debug(log, "%d chunks, %d threads", njobs, o->nthreads);

	if (rc == 0 && o->nthreads <= 1) {
		cv_worker_t *w = cv_worker_new(in, o, err);
		if (!w) rc = -1;
		for (int i = 0; rc == 0 && i < njobs; i++) {
			rc = cv_chunk_call(w, jobs[i].tid, jobs[i].beg, jobs[i].end, &jobs[i].out, err);
			if (rc == 0) rc = cv_vcf_writer_put(&vw, jobs[i].out.s, jobs[i].out.len, err);
			*nsites += count_lines(&jobs[i].out);
			gsa_strbuf_free(&jobs[i].out);
		}
		cv_worker_free(w);
	} else if (rc == 0) {
		pool_t p;
		memset(&p, 0, sizeof p);
		p.in = in; p.o = o; p.jobs = jobs; p.njobs = njobs;
		pthread_mutex_init(&p.mu, NULL);
		pthread_cond_init(&p.cv, NULL);
		int nt = o->nthreads < njobs ? o->nthreads : njobs, started = 0;
		pthread_t *th = gsa_xcalloc((size_t)(nt > 0 ? nt : 1), sizeof *th);
		for (int t = 0; t < nt; t++)
			if (pthread_create(&th[started], NULL, worker_main, &p) == 0) started++;
		if (started == 0 && njobs > 0) rc = gsa_err_set(err, GSA_EINTERNAL, "cannot start threads");
		for (int i = 0; rc == 0 && i < njobs; i++) {
			pthread_mutex_lock(&p.mu);
			while (!jobs[i].done && !p.init_failed) pthread_cond_wait(&p.cv, &p.mu);
			int done = jobs[i].done;
			pthread_mutex_unlock(&p.mu);
			if (!done) { *err = p.init_err; rc = -1; break; }
			if (jobs[i].rc < 0) { *err = jobs[i].err; rc = -1; break; }
			rc = cv_vcf_writer_put(&vw, jobs[i].out.s, jobs[i].out.len, err);
			*nsites += count_lines(&jobs[i].out);
			gsa_strbuf_free(&jobs[i].out);
		}
		pthread_mutex_lock(&p.mu);
		p.stop = 1;
		pthread_mutex_unlock(&p.mu);
		for (int t = 0; t < started; t++) pthread_join(th[t], NULL);
		free(th);
		pthread_mutex_destroy(&p.mu);
		pthread_cond_destroy(&p.cv);
	}
	for (int i = 0; i < njobs; i++) gsa_strbuf_free(&jobs[i].out);
	free(jobs);
	if (rc == 0) return cv_vcf_writer_commit(&vw, err);
	cv_vcf_writer_abort(&vw);
	return -1;
}
