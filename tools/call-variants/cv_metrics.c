#include "cv_metrics.h"
#include "jsonw.h"

#include <stdlib.h>
#include <string.h>

void cv_metrics_init(cv_metrics_t *m)
{
	memset(m, 0, sizeof *m);
}

enum { T_SNP = 1, T_MNP = 2, T_INDEL = 4, T_OTHER = 8 };

static int is_base(char c)
{
	return c == 'A' || c == 'C' || c == 'G' || c == 'T' || c == 'N' ||
	       c == 'a' || c == 'c' || c == 'g' || c == 't' || c == 'n';
}

static int upper(char c) { return c >= 'a' && c <= 'z' ? c - 32 : c; }

/* Type of one ALT allele against REF (bcftools: equal lengths are a SNP
 * when one base differs, else an MNP; different lengths an indel;
 * symbolic, '*' and breakends other). */
static int allele_type(const char *ref, size_t rl, const char *alt, size_t al, int *ti)
{
	size_t i, diff = 0, at = 0;
	*ti = 0;
	for (i = 0; i < al; i++)
		if (!is_base(alt[i])) return T_OTHER;
	if (al == 0 || rl == 0) return T_OTHER;
	if (al != rl) return T_INDEL;
	for (i = 0; i < al; i++)
		if (upper(ref[i]) != upper(alt[i])) {
			diff++;
			at = i;
		}
	if (diff == 0) return T_OTHER;
	if (diff == 1) {
		int a = upper(ref[at]), b = upper(alt[at]);
		*ti = (a == 'A' && b == 'G') || (a == 'G' && b == 'A') || (a == 'C' && b == 'T') || (a == 'T' && b == 'C');
		return T_SNP;
	}
	return T_MNP;
}

/* Start and length of tab-separated field k of line[0..n). */
static int field(const char *line, size_t n, int k, const char **f, size_t *fl)
{
	size_t i = 0, s = 0;
	int cur = 0;
	for (;; i++) {
		if (i == n || line[i] == '\t') {
			if (cur == k) {
				*f = line + s;
				*fl = i - s;
				return 0;
			}
			if (i == n) return -1;
			cur++;
			s = i + 1;
		}
	}
}

static void count_genotypes(cv_metrics_t *m, const char *line, size_t n, int snp)
{
	const char *f;
	size_t fl;
	int k;
	for (k = 9; field(line, n, k, &f, &fl) == 0; k++) {
		/* GT is the first FORMAT key (VCF 4.2, and what we write) */
		int a = -1, b = -1, nal = 0, missing = 0;
		size_t i = 0;
		while (i < fl && f[i] != ':') {
			if (f[i] == '.') { missing = 1; i++; continue; }
			if (f[i] >= '0' && f[i] <= '9') {
				int v = 0;
				while (i < fl && f[i] >= '0' && f[i] <= '9') v = v * 10 + (f[i++] - '0');
				if (nal == 0) a = v; else b = v;
				nal++;
				continue;
			}
			i++;
		}
		if (nal == 1) b = a;
		if (missing || nal == 0) m->missing++;
		else if (a != b) { m->het++; m->snp_het += snp; }
		else if (a == 0) { m->hom_ref++; m->snp_hom_ref += snp; }
		else { m->hom_alt++; m->snp_hom_alt += snp; }
	}
}

static void add_line(cv_metrics_t *m, const char *line, size_t n)
{
	const char *ref, *alt, *qual, *filt;
	size_t rl, al, ql, fl;
	int types = 0, n_alt = 0, all_snp = 1;
	if (n == 0 || line[0] == '#') return;
	if (field(line, n, 3, &ref, &rl) < 0 || field(line, n, 4, &alt, &al) < 0 ||
	    field(line, n, 5, &qual, &ql) < 0 || field(line, n, 6, &filt, &fl) < 0)
		return;
	m->records++;
	if (fl == 4 && memcmp(filt, "PASS", 4) == 0) m->pass++;
	while (al > 0) {
		const char *c = memchr(alt, ',', al);
		size_t len = c ? (size_t)(c - alt) : al;
		int ti, t = allele_type(ref, rl, alt, len, &ti);
		n_alt++;
		types |= t;
		if (t != T_SNP) all_snp = 0;
		if (t == T_SNP) { if (ti) m->ts++; else m->tv++; }
		if (t == T_INDEL) {
			long d = (long)len - (long)rl;
			if (d > CV_INDEL_MAX) d = CV_INDEL_MAX;
			if (d < -CV_INDEL_MAX) d = -CV_INDEL_MAX;
			m->indel_len[d + CV_INDEL_MAX]++;
		}
		if (!c) break;
		al -= len + 1;
		alt = c + 1;
	}
	if (types & T_SNP) m->snps++;
	if (types & T_MNP) m->mnps++;
	if (types & T_INDEL) m->indels++;
	if (types & T_OTHER) m->others++;
	if (n_alt > 1) {
		m->multiallelic++;
		if (all_snp) m->multiallelic_snps++;
	}
	if (ql > 0 && !(ql == 1 && qual[0] == '.')) {
		char buf[64];
		double q;
		size_t k = ql < sizeof buf - 1 ? ql : sizeof buf - 1;
		memcpy(buf, qual, k);
		buf[k] = '\0';
		q = strtod(buf, NULL);
		if (q >= 0) m->qual[q >= CV_QUAL_MAX ? CV_QUAL_MAX : (int)q]++;
	}
	count_genotypes(m, line, n, (types & T_SNP) != 0);
}

void cv_metrics_add_text(cv_metrics_t *m, const char *s, size_t n)
{
	size_t i = 0;
	if (!m || !s) return;
	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (s + i)) : n - i;
		add_line(m, s + i, len);
		i += len + 1;
	}
}


int cv_metrics_write(const cv_metrics_t *m, const char *path, char *const *samples, int ns, gsa_err_t *err)
{
	gsa_jsonw_t w;
	int i, rc;
	gsa_jsonw_init(&w);
	gsa_jsonw_begin_object(&w, NULL);
	gsa_jsonw_str(&w, "tool", "call-variants");
	gsa_jsonw_str(&w, "kind", "gsa-call-variants-metrics");
	gsa_jsonw_u64(&w, "version", 1);
	gsa_jsonw_begin_array(&w, "samples");
	for (i = 0; i < ns; i++) gsa_jsonw_str(&w, NULL, samples[i]);
	gsa_jsonw_end(&w);
	gsa_jsonw_begin_object(&w, "summary");
	gsa_jsonw_u64(&w, "records", m->records);
	gsa_jsonw_u64(&w, "pass", m->pass);
	gsa_jsonw_u64(&w, "snps", m->snps);
	gsa_jsonw_u64(&w, "mnps", m->mnps);
	gsa_jsonw_u64(&w, "indels", m->indels);
	gsa_jsonw_u64(&w, "others", m->others);
	gsa_jsonw_u64(&w, "multiallelic", m->multiallelic);
	gsa_jsonw_u64(&w, "multiallelic_snps", m->multiallelic_snps);
	gsa_jsonw_u64(&w, "transitions", m->ts);
	gsa_jsonw_u64(&w, "transversions", m->tv);
	gsa_jsonw_num(&w, "ts_tv", m->tv ? (double)m->ts / (double)m->tv : 0, 6);
	gsa_jsonw_u64(&w, "het", m->het);
	gsa_jsonw_u64(&w, "hom_alt", m->hom_alt);
	gsa_jsonw_u64(&w, "hom_ref", m->hom_ref);
	gsa_jsonw_u64(&w, "missing", m->missing);
	gsa_jsonw_u64(&w, "snp_het", m->snp_het);
	gsa_jsonw_u64(&w, "snp_hom_alt", m->snp_hom_alt);
	gsa_jsonw_u64(&w, "snp_hom_ref", m->snp_hom_ref);
	gsa_jsonw_num(&w, "het_hom_ratio", m->hom_alt ? (double)m->het / (double)m->hom_alt : 0, 6);
	gsa_jsonw_end(&w);
	gsa_jsonw_i64(&w, "indel_len_min", -CV_INDEL_MAX);
	gsa_jsonw_u64_array(&w, "indel_len_hist", m->indel_len, 2 * CV_INDEL_MAX + 1);
	gsa_jsonw_u64(&w, "qual_hist_max", CV_QUAL_MAX);
	gsa_jsonw_u64_hist(&w, "qual_hist", m->qual, CV_QUAL_MAX + 1);
	gsa_jsonw_end(&w);
	rc = gsa_jsonw_write_file(&w, path, err);
	gsa_jsonw_free(&w);
	return rc;
}
