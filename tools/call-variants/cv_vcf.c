#include "cv_vcf.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "cli.h"
#include "cv_annot.h"
#include "cv_gvcf.h"

void cv_vcf_header(gsa_strbuf_t *out, const sam_hdr_t *hdr, const char *ref_path, char *const *samples,
		   int ns, const char *cmdline, const cv_opts_t *o)
{
	gsa_strbuf_append(out, "##fileformat=VCFv4.2\n");
	gsa_strbuf_append(out, "##FILTER=<ID=PASS,Description=\"All filters passed\">\n");
	gsa_strbuf_appendf(out, "##FILTER=<ID=LowQual,Description=\"QUAL below %g\">\n", o->lowqual);
	gsa_strbuf_appendf(out, "##source=gsa call-variants %s\n", gsa_version());
	if (cmdline) gsa_strbuf_appendf(out, "##call-variantsCommand=%s\n", cmdline);
	if (ref_path) {
		char *abs = realpath(ref_path, NULL);
		gsa_strbuf_appendf(out, "##reference=file://%s\n", abs ? abs : ref_path);
		free(abs);
	}
	for (int i = 0; i < sam_hdr_nref(hdr); i++)
		gsa_strbuf_appendf(out, "##contig=<ID=%s,length=%lld>\n", sam_hdr_tid2name(hdr, i),
				   (long long)sam_hdr_tid2len(hdr, i));
	gsa_strbuf_append(out,
		"##INFO=<ID=DP,Number=1,Type=Integer,Description=\"Reads used at the site, all samples\">\n"
		"##INFO=<ID=INDEL,Number=0,Type=Flag,Description=\"The site is an indel\">\n");
	cv_annot_header(out, o->hard_filters);
	if (o->gvcf) cv_gvcf_header(out, o);
	gsa_strbuf_append(out,
		"##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n"
		"##FORMAT=<ID=GQ,Number=1,Type=Integer,Description=\"Genotype quality (phred)\">\n"
		"##FORMAT=<ID=DP,Number=1,Type=Integer,Description=\"Reads used for the sample\">\n"
		"##FORMAT=<ID=AD,Number=R,Type=Integer,Description=\"Reads supporting each allele\">\n"
		"##FORMAT=<ID=PL,Number=G,Type=Integer,Description=\"Phred-scaled genotype likelihoods\">\n");
	gsa_strbuf_append(out, "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT");
	for (int i = 0; i < ns; i++) gsa_strbuf_appendf(out, "\t%s", samples[i]);
	gsa_strbuf_appendc(out, '\n');
}

int64_t cv_vcf_longest_contig(const bcf_hdr_t *h)
{
	int64_t m = 0;
	for (int i = 0; i < h->n[BCF_DT_CTG]; i++) {
		const bcf_idinfo_t *v = h->id[BCF_DT_CTG][i].val;
		if (v && (int64_t)v->info[0] > m) m = (int64_t)v->info[0];
	}
	return m;
}

int cv_vcf_writer_open(cv_vcf_writer_t *w, const char *path, int level, gsa_pool_t *pool, int64_t longest,
		       gsa_err_t *err)
{
	memset(w, 0, sizeof *w);
	w->data.fd = w->idx.fd = -1;
	w->data.cleanup_id = w->idx.cleanup_id = -1;
	/* a TBI holds positions below 2^29 only (tabix -p vcf refuses more) */
	int csi = longest > CV_VCF_TBI_MAX_LEN;
	if (gsa_atomic_open(&w->data, path, err) < 0) return -1;
	char *ip = gsa_strdup_printf("%s.%s", path, csi ? "csi" : "tbi");
	int rc = gsa_atomic_open(&w->idx, ip, err);
	free(ip);
	if (rc < 0) { gsa_atomic_abort(&w->data); return -1; }
	close(w->idx.fd); /* hts_idx_save_as writes it by name */
	w->idx.fd = -1;
	w->vw = gsa_vcfw_open(w->data.fd, path, level, pool, csi ? GSA_INDEX_CSI : GSA_INDEX_TBI, 0, err);
	if (!w->vw) {
		cv_vcf_writer_abort(w);
		return -1;
	}
	return 0;
}

int cv_vcf_writer_put(cv_vcf_writer_t *w, const char *s, size_t n, gsa_err_t *err)
{
	return gsa_vcfw_put(w->vw, s, n, err);
}

int cv_vcf_writer_commit(cv_vcf_writer_t *w, gsa_err_t *err)
{
	int rc = gsa_vcfw_finish(w->vw, w->idx.tmp, err);
	w->vw = NULL;
	if (rc < 0 || gsa_atomic_commit(&w->data, err) < 0 || gsa_atomic_commit(&w->idx, err) < 0) {
		cv_vcf_writer_abort(w);
		return -1;
	}
	return 0;
}

void cv_vcf_writer_abort(cv_vcf_writer_t *w)
{
	gsa_vcfw_free(w->vw);
	w->vw = NULL;
	gsa_atomic_abort(&w->data);
	gsa_atomic_abort(&w->idx);
}
