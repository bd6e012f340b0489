#include "cv_input.h"
#include "io.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/bgzf.h>
#include <htslib/kstring.h>

#include "alloc.h"
#include "cv_mapq.h"
#include "fai.h"
#include "idxcheck.h"
#include "path.h"
#include "strbuf.h"

static int sample_add(cv_input_t *in, const char *name)
{
	for (int i = 0; i < in->nsamples; i++)
		if (strcmp(in->samples[i], name) == 0) return i;
	in->samples = gsa_xreallocarray(in->samples, (size_t)in->nsamples + 1, sizeof *in->samples);
	in->samples[in->nsamples] = gsa_xstrdup(name);
	return in->nsamples++;
}

static int open_bam(const char *path, htsFile **fpo, sam_hdr_t **hdro, hts_idx_t **idxo,
		    const char *ref_path, gsa_err_t *err)
{
	*fpo = NULL; *hdro = NULL; if (idxo) *idxo = NULL;
	if (gsa_input_check(path, err) < 0) return -1;
	if (!gsa_path_exists(path)) return gsa_err_errno(err, ENOENT, "%s: cannot open", path);
	htsFile *fp = hts_open(path, "r");
	if (!fp) return gsa_err_errno(err, errno ? errno : EIO, "%s: cannot open", path);
	const htsFormat *fmt = hts_get_format(fp);
	if (fmt->category != sequence_data || (fmt->format != bam && fmt->format != cram)) {
		hts_close(fp);
		return gsa_err_set(err, GSA_EDATA, "%s: not a BAM or CRAM file", path);
	}
	if (fmt->format == cram) hts_set_fai_filename(fp, ref_path);
	if (fmt->format == bam && bgzf_check_EOF(fp->fp.bgzf) == 0) {
		hts_close(fp);
		return gsa_err_set(err, GSA_EDATA, "%s: truncated (no BGZF end-of-file block)", path);
	}
	sam_hdr_t *h = sam_hdr_read(fp);
	if (!h) {
		hts_close(fp);
		return gsa_err_set(err, GSA_EDATA, "%s: cannot read the header (corrupt or truncated)", path);
	}
	if (idxo) {
		/* a BAM's index is checked whole before htslib reads it (idxcheck.h) */
		char *ip = fmt->format == bam ? gsa_idx_find(path) : NULL;
		if (fmt->format == bam && !ip) {
			sam_hdr_destroy(h); hts_close(fp);
			return gsa_err_set(err, GSA_EDATA, "%s: no index (.bai or .csi) found; run 'samtools index %s'", path, path);
		}
		if (ip && gsa_idx_check_file(ip, sam_hdr_nref(h), (uint64_t)gsa_file_size(path), err) < 0) {
			free(ip); sam_hdr_destroy(h); hts_close(fp);
			return -1;
		}
		hts_idx_t *idx = sam_index_load3(fp, path, ip, HTS_IDX_SILENT_FAIL);
		if (!idx) {
			sam_hdr_destroy(h); hts_close(fp);
			if (ip) gsa_err_set(err, GSA_EDATA, "%s: cannot load the index", ip);
			else gsa_err_set(err, GSA_EDATA, "%s: no index found; run 'samtools index %s'", path, path);
			free(ip);
			return -1;
		}
		free(ip);
		*idxo = idx;
	}
	*fpo = fp; *hdro = h;
	return 0;
}

static int check_same_contigs(const sam_hdr_t *a, const sam_hdr_t *b, const char *pa, const char *pb, gsa_err_t *err)
{
	if (sam_hdr_nref(a) != sam_hdr_nref(b))
		return gsa_err_set(err, GSA_EDATA, "%s: %d contigs in the header, but %s has %d", pb,
				   sam_hdr_nref(b), pa, sam_hdr_nref(a));
	for (int i = 0; i < sam_hdr_nref(a); i++)
		if (strcmp(sam_hdr_tid2name(a, i), sam_hdr_tid2name(b, i)) != 0 ||
		    sam_hdr_tid2len(a, i) != sam_hdr_tid2len(b, i))
			return gsa_err_set(err, GSA_EDATA, "%s: contig %d (%s) differs from %s", pb, i + 1,
					   sam_hdr_tid2name(b, i), pa);
	return 0;
}

static int read_groups(cv_input_t *in, int ib, sam_hdr_t *h)
{
	int n = sam_hdr_count_lines(h, "RG");
	kstring_t ks = KS_INITIALIZE;
	in->nrg[ib] = 0;
	in->rg[ib] = n > 0 ? gsa_xcalloc((size_t)n, sizeof **in->rg) : NULL;
	in->default_sample[ib] = -1;
	int first = -1, distinct = 0;
	for (int i = 0; i < n; i++) {
		const char *id = sam_hdr_line_name(h, "RG", i);
		if (!id) continue;
		const char *sm = id;
		ks.l = 0;
		if (sam_hdr_find_tag_pos(h, "RG", i, "SM", &ks) == 0) sm = ks.s;
		int s = sample_add(in, sm);
		if (first < 0) { first = s; distinct = 1; } else if (s != first) distinct = 2;
		in->rg[ib][in->nrg[ib]].id = gsa_xstrdup(id);
		in->rg[ib][in->nrg[ib]].sample = s;
		in->nrg[ib]++;
	}
	ks_free(&ks);
	if (in->nrg[ib] == 0)
		in->default_sample[ib] = sample_add(in, gsa_path_basename(in->bam_paths[ib]));
	else if (distinct == 1)
		in->default_sample[ib] = first;
	return 0;
}

int cv_input_open(cv_input_t *in, char **bam_paths, int nbam, const char *ref_path, gsa_err_t *err)
{
	memset(in, 0, sizeof *in);
	in->nbam = nbam;
	in->bam_paths = bam_paths;
	in->ref_path = ref_path;
	in->nrg = gsa_xcalloc((size_t)nbam, sizeof *in->nrg);
	in->rg = gsa_xcalloc((size_t)nbam, sizeof *in->rg);
	in->default_sample = gsa_xcalloc((size_t)nbam, sizeof *in->default_sample);

	if (!gsa_path_exists(ref_path)) return gsa_err_errno(err, ENOENT, "%s: cannot open reference", ref_path);
	if (gsa_input_check(ref_path, err) < 0) return -1;
	char *fai_path = gsa_strdup_printf("%s.fai", ref_path);
	int fai_rc = gsa_path_exists(fai_path) ? gsa_fai_check(ref_path, fai_path, err) : 0;
	free(fai_path);
	if (fai_rc < 0) return -1;
	faidx_t *fai = fai_load3(ref_path, NULL, NULL, FAI_CREATE);
	if (!fai) return gsa_err_set(err, GSA_EDATA, "%s: cannot load or build the FASTA index (.fai)", ref_path);

	int rc = 0;
	for (int ib = 0; ib < nbam && rc == 0; ib++) {
		htsFile *fp; sam_hdr_t *h; hts_idx_t *idx;
		if (open_bam(bam_paths[ib], &fp, &h, &idx, ref_path, err) < 0) { rc = -1; break; }
		if (sam_hdr_nref(h) == 0)
			rc = gsa_err_set(err, GSA_EDATA, "%s: the header lists no contigs (@SQ)", bam_paths[ib]);
		if (rc == 0 && ib > 0) rc = check_same_contigs(in->hdr, h, bam_paths[0], bam_paths[ib], err);
		for (int t = 0; rc == 0 && t < sam_hdr_nref(h); t++) {
			const char *name = sam_hdr_tid2name(h, t);
			hts_pos_t len = faidx_has_seq(fai, name) ? faidx_seq_len(fai, name) : -1;
			if (len < 0)
				rc = gsa_err_set(err, GSA_EDATA, "%s: contig %s of %s is not in the reference",
						 ref_path, name, bam_paths[ib]);
			else if (len != sam_hdr_tid2len(h, t))
				rc = gsa_err_set(err, GSA_EDATA,
						 "%s: contig %s has length %lld, but %lld in the header of %s",
						 ref_path, name, (long long)len, (long long)sam_hdr_tid2len(h, t), bam_paths[ib]);
		}
		if (rc == 0) read_groups(in, ib, h);
		hts_idx_destroy(idx);
		hts_close(fp);
		if (rc == 0 && ib == 0) in->hdr = h;
		else sam_hdr_destroy(h);
	}
	fai_destroy(fai);
	return rc;
}

void cv_input_close(cv_input_t *in)
{
	if (in->hdr) sam_hdr_destroy(in->hdr);
	for (int i = 0; i < in->nsamples; i++) free(in->samples[i]);
	free(in->samples);
	for (int ib = 0; ib < in->nbam && in->rg; ib++) {
		for (int i = 0; i < in->nrg[ib]; i++) free(in->rg[ib][i].id);
		free(in->rg[ib]);
	}
	free(in->rg);
	free(in->nrg);
	free(in->default_sample);
	memset(in, 0, sizeof *in);
}

int cv_input_sample_of(const cv_input_t *in, int ibam, const bam1_t *b)
{
	if (in->nrg[ibam] > 1) {
		const uint8_t *aux = bam_aux_get(b, "RG");
		const char *id = aux ? bam_aux2Z(aux) : NULL;
		if (id)
			for (int i = 0; i < in->nrg[ibam]; i++)
				if (strcmp(in->rg[ibam][i].id, id) == 0) return in->rg[ibam][i].sample;
	}
	return in->default_sample[ibam];
}

int cv_reader_open(cv_reader_t *r, const cv_input_t *in, gsa_err_t *err)
{
	memset(r, 0, sizeof *r);
	r->nbam = in->nbam;
	r->fp = gsa_xcalloc((size_t)in->nbam, sizeof *r->fp);
	r->hdr = gsa_xcalloc((size_t)in->nbam, sizeof *r->hdr);
	r->idx = gsa_xcalloc((size_t)in->nbam, sizeof *r->idx);
	for (int ib = 0; ib < in->nbam; ib++)
		if (open_bam(in->bam_paths[ib], &r->fp[ib], &r->hdr[ib], &r->idx[ib], in->ref_path, err) < 0) {
			cv_reader_close(r);
			return -1;
		}
	r->fai = fai_load3(in->ref_path, NULL, NULL, 0);
	if (!r->fai) {
		cv_reader_close(r);
		return gsa_err_set(err, GSA_EDATA, "%s: cannot load the FASTA index (.fai)", in->ref_path);
	}
	return 0;
}

void cv_reader_close(cv_reader_t *r)
{
	for (int ib = 0; ib < r->nbam; ib++) {
		if (r->idx && r->idx[ib]) hts_idx_destroy(r->idx[ib]);
		if (r->hdr && r->hdr[ib]) sam_hdr_destroy(r->hdr[ib]);
		if (r->fp && r->fp[ib]) hts_close(r->fp[ib]);
	}
	free(r->fp); free(r->hdr); free(r->idx); free(r->ends);
	if (r->fai) fai_destroy(r->fai);
	memset(r, 0, sizeof *r);
}

void cv_readbuf_free(cv_readbuf_t *rb)
{
	for (int i = 0; i < rb->cap; i++) bam_destroy1(rb->r[i].b);
	free(rb->r);
	memset(rb, 0, sizeof *rb);
}

static void heap_push(cv_reader_t *r, int64_t v)
{
	r->ends = gsa_xgrow(r->ends, &r->cap_ends, r->nends + 1, sizeof *r->ends);
	size_t i = r->nends++;
	while (i > 0 && r->ends[(i - 1) / 2] > v) {
		r->ends[i] = r->ends[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	r->ends[i] = v;
}

static void heap_pop(cv_reader_t *r)
{
	int64_t v = r->ends[--r->nends];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= r->nends) break;
		if (c + 1 < r->nends && r->ends[c + 1] < r->ends[c]) c++;
		if (r->ends[c] >= v) break;
		r->ends[i] = r->ends[c];
		i = c;
	}
	if (r->nends > 0) r->ends[i] = v;
}

static int cmp_read(const void *pa, const void *pb)
{
	const cv_read_t *a = pa, *b = pb;
	if (a->b->core.pos != b->b->core.pos) return a->b->core.pos < b->b->core.pos ? -1 : 1;
	return a->ord < b->ord ? -1 : a->ord > b->ord;
}

/* Whether b's sequence holds '=' (4-bit code 0: "the reference base"). */
static int seq_has_eq(const bam1_t *b)
{
	const uint8_t *s = bam_get_seq(b);
	int n = b->core.l_qseq;
	for (int i = 0; i < n / 2; i++)
		if (!(s[i] & 0xf0) || !(s[i] & 0x0f)) return 1;
	return (n & 1) && !(s[n / 2] & 0xf0);
}

/* Replace every '=' of b's sequence by the reference base it stands for
 * (N in clips and insertions, past the contig's end). */
static int seq_resolve_eq(cv_reader_t *r, const cv_input_t *in, bam1_t *b, gsa_err_t *err)
{
	int64_t got = 0, beg = b->core.pos, pos = beg;
	char *ref = NULL;
	if (beg >= 0 && beg < sam_hdr_tid2len(in->hdr, b->core.tid) &&
	    !(ref = cv_reader_ref(r, in, b->core.tid, beg, bam_endpos(b), &got, err)))
		return -1;
	uint8_t *s = bam_get_seq(b);
	const uint32_t *cig = bam_get_cigar(b);
	int qi = 0;
	for (uint32_t k = 0; k < b->core.n_cigar; k++) {
		int op = bam_cigar_op(cig[k]), len = (int)bam_cigar_oplen(cig[k]);
		int t = bam_cigar_type(op); /* bit 1: query, bit 2: reference */
		for (int i = 0; (t & 1) && i < len && qi + i < b->core.l_qseq; i++) {
			if (bam_seqi(s, qi + i) != 0) continue;
			int64_t p = pos + i;
			char c = (t & 2) && p - beg < got ? ref[p - beg] : 'N';
			bam_set_seqi(s, qi + i, seq_nt16_table[(unsigned char)c]);
		}
		if (t & 1) qi += len;
		if (t & 2) pos += len;
	}
	free(ref);
	return 0;
}

int cv_reader_fetch(cv_reader_t *r, const cv_input_t *in, const cv_opts_t *o, int tid,
		    int64_t beg, int64_t end, cv_readbuf_t *rb, gsa_err_t *err)
{
	rb->n = 0;
	int ord = 0;
	for (int ib = 0; ib < r->nbam; ib++) {
		hts_itr_t *itr = sam_itr_queryi(r->idx[ib], tid, beg, end);
		if (!itr)
			return gsa_err_set(err, GSA_EDATA, "%s: cannot query %s:%lld-%lld (bad index?)",
					   in->bam_paths[ib], sam_hdr_tid2name(in->hdr, tid),
					   (long long)beg + 1, (long long)end);
		int ret;
		r->nends = 0;
		for (;;) {
			if (rb->n == rb->cap) {
				int ncap = rb->cap ? rb->cap * 2 : 1024;
				rb->r = gsa_xreallocarray(rb->r, (size_t)ncap, sizeof *rb->r);
				for (int i = rb->cap; i < ncap; i++) {
					rb->r[i].b = bam_init1();
					if (!rb->r[i].b) gsa_oom(sizeof(bam1_t));
				}
				rb->cap = ncap;
			}
			cv_read_t *cr = &rb->r[rb->n];
			ret = sam_itr_next(r->fp[ib], itr, cr->b);
			if (ret < 0) break;
			const bam1_core_t *c = &cr->b->core;
			if ((c->flag & o->skip_flags) || c->qual < o->min_mapq || c->n_cigar == 0 ||
			    c->l_qseq == 0 || c->tid != tid)
				continue;
			/* no sample: no or an unknown RG where the read groups name several */
			if ((cr->sample = cv_input_sample_of(in, ib, cr->b)) < 0) continue;
			if (seq_has_eq(cr->b) && seq_resolve_eq(r, in, cr->b, err) < 0) {
				hts_itr_destroy(itr);
				return -1;
			}
			if (o->max_depth > 0) {
				while (r->nends > 0 && r->ends[0] <= c->pos) heap_pop(r);
				if (r->nends >= (size_t)o->max_depth) continue;
				heap_push(r, bam_endpos(cr->b));
			}
			cr->mq = cv_mapq_effective(cr->b, o);
			cr->end = bam_endpos(cr->b);
			cr->mate_end = -1;
			cr->ord = ord++;
			rb->n++;
		}
		hts_itr_destroy(itr);
		if (ret < -1)
			return gsa_err_set(err, GSA_EDATA, "%s: truncated or corrupt BAM record near %s:%lld",
					   in->bam_paths[ib], sam_hdr_tid2name(in->hdr, tid), (long long)beg + 1);
	}
	if (r->nbam > 1) qsort(rb->r, (size_t)rb->n, sizeof *rb->r, cmp_read);
	return 0;
}

char *cv_reader_ref(cv_reader_t *r, const cv_input_t *in, int tid, int64_t beg, int64_t end,
		    int64_t *got, gsa_err_t *err)
{
	const char *name = sam_hdr_tid2name(in->hdr, tid);
	int64_t len = sam_hdr_tid2len(in->hdr, tid);
	if (beg < 0) beg = 0;
	if (end > len) end = len;
	hts_pos_t n = 0;
	char *s = faidx_fetch_seq64(r->fai, name, beg, end - 1, &n);
	if (!s || n != end - beg) {
		free(s);
		gsa_err_set(err, GSA_EDATA, "%s: cannot read %s:%lld-%lld", in->ref_path, name,
			    (long long)beg + 1, (long long)end);
		return NULL;
	}
	for (hts_pos_t i = 0; i < n; i++) s[i] = (char)toupper((unsigned char)s[i]);
	*got = n;
	return s;
}
