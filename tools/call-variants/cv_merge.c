#include "cv_merge.h"
#include "cv_metrics.h"
#include "io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <htslib/bgzf.h>
#include <htslib/kstring.h>
#include <htslib/vcf.h>

#include "alloc.h"
#include "cv_vcf.h"
#include "path.h"

typedef struct part {
	const char *path;
	htsFile *fp;
	bcf_hdr_t *hdr;
	bcf1_t *rec;
	int has;       /* rec holds the next record */
	int rid;
	int64_t pos;
	int n_contigs; /* contigs of the header as read (htslib adds one for an unknown CHROM) */
} part_t;

static int part_open(part_t *p, const char *path, gsa_err_t *err)
{
	memset(p, 0, sizeof *p);
	p->path = path;
	if (!gsa_path_exists(path)) return gsa_err_errno(err, ENOENT, "%s: cannot open", path);
	if (gsa_input_check(path, err) < 0) return -1;
	p->fp = hts_open(path, "r");
	if (!p->fp) return gsa_err_errno(err, errno ? errno : EIO, "%s: cannot open", path);
	const htsFormat *f = hts_get_format(p->fp);
	if (f->format != vcf) return gsa_err_set(err, GSA_EDATA, "%s: not a VCF file", path);
	if (f->compression == bgzf && bgzf_check_EOF(p->fp->fp.bgzf) == 0)
		return gsa_err_set(err, GSA_EDATA, "%s: truncated (no BGZF end-of-file block)", path);
	p->hdr = bcf_hdr_read(p->fp);
	if (!p->hdr) return gsa_err_set(err, GSA_EDATA, "%s: cannot read the VCF header", path);
	p->n_contigs = p->hdr->n[BCF_DT_CTG];
	p->rec = bcf_init();
	if (!p->rec) gsa_oom(sizeof(bcf1_t));
	return 0;
}

static void part_close(part_t *p)
{
	if (p->rec) bcf_destroy(p->rec);
	if (p->hdr) bcf_hdr_destroy(p->hdr);
	if (p->fp) hts_close(p->fp);
	memset(p, 0, sizeof *p);
}

/* Read the next record; checks the part stays sorted. */
static int part_next(part_t *p, gsa_err_t *err)
{
	int r = bcf_read(p->fp, p->hdr, p->rec);
	if (r == -1) { p->has = 0; return 0; }
	if (r >= 0 && (p->rec->errcode & BCF_ERR_CTG_UNDEF || p->rec->rid < 0 || p->rec->rid >= p->n_contigs))
		return gsa_err_set(err, GSA_EDATA, "%s: a record's CHROM '%s' is not a contig of the header", p->path,
				   p->rec->rid >= 0 ? bcf_hdr_id2name(p->hdr, p->rec->rid) : "?");
	if (r < -1 || p->rec->errcode)
		return gsa_err_set(err, GSA_EDATA, "%s: malformed or truncated record", p->path);
	if (p->has && (p->rec->rid < p->rid || (p->rec->rid == p->rid && p->rec->pos < p->pos)))
		return gsa_err_set(err, GSA_EDATA, "%s: records are not sorted (at %s:%lld)", p->path,
				   bcf_hdr_id2name(p->hdr, p->rec->rid), (long long)p->rec->pos + 1);
	p->has = 1;
	p->rid = p->rec->rid;
	p->pos = p->rec->pos;
	return 0;
}

static int same_header(const part_t *a, const part_t *b, gsa_err_t *err)
{
	int na = 0, nb = 0;
	const char **sa = bcf_hdr_seqnames(a->hdr, &na), **sb = bcf_hdr_seqnames(b->hdr, &nb);
	int ok = na == nb;
	for (int i = 0; ok && i < na; i++) ok = strcmp(sa[i], sb[i]) == 0;
	free(sa);
	free(sb);
	if (!ok) return gsa_err_set(err, GSA_EDATA, "%s: contigs differ from those of %s", b->path, a->path);
	ok = bcf_hdr_nsamples(a->hdr) == bcf_hdr_nsamples(b->hdr);
	for (int i = 0; ok && i < bcf_hdr_nsamples(a->hdr); i++)
		ok = strcmp(a->hdr->samples[i], b->hdr->samples[i]) == 0;
	if (!ok) return gsa_err_set(err, GSA_EDATA, "%s: samples differ from those of %s", b->path, a->path);
	return 0;
}

/* The same file given twice (by one name or two) would double its records. */
static int distinct_parts(char *const *parts, int nparts, gsa_err_t *err)
{
	struct stat *st = gsa_xcalloc((size_t)nparts, sizeof *st);
	char *ok = gsa_xcalloc((size_t)nparts, 1);
	int rc = 0;
	for (int i = 0; i < nparts && rc == 0; i++) {
		if (stat(parts[i], &st[i]) < 0) continue; /* part_open says what is wrong */
		ok[i] = 1;
		for (int j = 0; j < i && rc == 0; j++)
			if (ok[j] && st[j].st_ino == st[i].st_ino && st[j].st_dev == st[i].st_dev)
				rc = gsa_err_set(err, GSA_EDATA, "%s: the same part as %s (a part given twice)", parts[i],
						 parts[j]);
	}
	free(st);
	free(ok);
	return rc;
}

int cv_merge_run(char *const *parts, int nparts, const char *out_path, const char *cmdline, int level,
		 int nthreads, long *nrec, cv_metrics_t *metrics, gsa_err_t *err)
{
	if (distinct_parts(parts, nparts, err) < 0) return -1;
	part_t *p = gsa_xcalloc((size_t)nparts, sizeof *p);
	int rc = 0;
	*nrec = 0;
	for (int i = 0; i < nparts && rc == 0; i++) {
		rc = part_open(&p[i], parts[i], err);
		if (rc == 0 && i > 0) rc = same_header(&p[0], &p[i], err);
		if (rc == 0) rc = part_next(&p[i], err);
	}
	cv_vcf_writer_t vw;
	memset(&vw, 0, sizeof vw);
	int opened = 0;
	kstring_t ks = KS_INITIALIZE;
	gsa_pool_t *pool = NULL;
	if (rc == 0 && nthreads > 1 && !(pool = gsa_pool_new(nthreads)))
		rc = gsa_err_set(err, GSA_EINTERNAL, "cannot start %d threads", nthreads);
	if (rc == 0) {
		rc = cv_vcf_writer_open(&vw, out_path, level, pool, cv_vcf_longest_contig(p[0].hdr), err);
		opened = rc == 0;
	}
	if (rc == 0) {
		bcf_hdr_t *h = bcf_hdr_dup(p[0].hdr);
		if (!h) gsa_oom(0);
		if (cmdline) {
			char *line = gsa_strdup_printf("##call-variants_mergeCommand=%s", cmdline);
			bcf_hdr_append(h, line);
			free(line);
		}
		if (bcf_hdr_format(h, 0, &ks) < 0) rc = gsa_err_set(err, GSA_EINTERNAL, "cannot format the VCF header");
		bcf_hdr_destroy(h);
		if (rc == 0) rc = cv_vcf_writer_put(&vw, ks.s, ks.l, err);
	}
	while (rc == 0) {
		int best = -1;
		for (int i = 0; i < nparts; i++) {
			if (!p[i].has) continue;
			if (best < 0 || p[i].rid < p[best].rid || (p[i].rid == p[best].rid && p[i].pos < p[best].pos))
				best = i;
		}
		if (best < 0) break;
		ks.l = 0;
		if (vcf_format(p[best].hdr, p[best].rec, &ks) < 0) {
			rc = gsa_err_set(err, GSA_EDATA, "%s: cannot format a record", p[best].path);
			break;
		}
		rc = cv_vcf_writer_put(&vw, ks.s, ks.l, err);
		cv_metrics_add_text(metrics, ks.s, ks.l);
		(*nrec)++;
		if (rc == 0) rc = part_next(&p[best], err);
	}
	ks_free(&ks);
	for (int i = 0; i < nparts; i++) part_close(&p[i]);
	free(p);
	if (opened && rc == 0) rc = cv_vcf_writer_commit(&vw, err);
	else if (opened) cv_vcf_writer_abort(&vw);
	gsa_pool_free(pool);
	return rc < 0 ? -1 : 0;
}
