#include "cv_annot.h"

#include <math.h>

void cv_annot_add(cv_annot_acc_t *a, int allele, int reverse, int mapq, int bq, int readpos)
{
	/* MAPQ 255 is "not available" (SAM spec): not a mapping quality of 255 */
	int has_mq = mapq != 255;
	if (has_mq) {
		a->mq2 += (double)mapq * mapq;
		a->nmq++;
	}
	if (allele < 0) return;
	a->sb[2 * allele + (reverse ? 1 : 0)]++;
	if (has_mq) a->mq[allele][mapq < CV_ANNOT_QBINS ? mapq : CV_ANNOT_QBINS - 1]++;
	if (bq >= 0) a->bq[allele][bq < CV_ANNOT_QBINS ? bq : CV_ANNOT_QBINS - 1]++;
	if (readpos < 0) readpos = 0;
	a->rp[allele][readpos < CV_ANNOT_PBINS ? readpos : CV_ANNOT_PBINS - 1]++;
}

/* log of n!; lgamma_r, not lgamma: lgamma sets the global signgam, a data
 * race between the calling threads */
static double lfact(double n)
{
	int sign;
	return lgamma_r(n + 1.0, &sign);
}

double cv_annot_fisher(const uint32_t t[4])
{
	double a = t[0], b = t[1], c = t[2], d = t[3];
	double r1 = a + b, r2 = c + d, c1 = a + c, c2 = b + d, n = r1 + r2;
	if (r1 == 0 || r2 == 0 || c1 == 0 || c2 == 0) return 1.0;
	double base = lfact(r1) + lfact(r2) + lfact(c1) + lfact(c2) - lfact(n);
	double lobs = base - lfact(a) - lfact(b) - lfact(c) - lfact(d);
	double lo = c1 - r2 > 0 ? c1 - r2 : 0, hi = r1 < c1 ? r1 : c1, p = 0;
	for (double x = lo; x <= hi; x++) {
		double l = base - lfact(x) - lfact(r1 - x) - lfact(c1 - x) - lfact(r2 - c1 + x);
		if (l <= lobs + 1e-7) p += exp(l);
	}
	return p > 1.0 ? 1.0 : p;
}

double cv_annot_ranksum(const uint32_t *h0, const uint32_t *h1, int nbins, int *ok)
{
	double n0 = 0, n1 = 0, ties = 0, r1 = 0, seen = 0;
	for (int i = 0; i < nbins; i++) { n0 += h0[i]; n1 += h1[i]; }
	*ok = n0 > 0 && n1 > 0;
	if (!*ok) return 0;
	double n = n0 + n1;
	for (int i = 0; i < nbins; i++) {
		double t = (double)h0[i] + h1[i];
		if (t == 0) continue;
		double mid = seen + (t + 1) / 2; /* mid-rank of the tied block */
		r1 += mid * h1[i];
		ties += t * t * t - t;
		seen += t;
	}
	double u = r1 - n1 * (n1 + 1) / 2, mean = n0 * n1 / 2;
	double var = n0 * n1 / 12.0 * ((n + 1) - ties / (n * (n - 1)));
	if (var <= 0) return 0;
	return (u - mean) / sqrt(var);
}

void cv_annot_finish(const cv_annot_acc_t *a, double qual, int var_dp, cv_annot_t *out)
{
	out->has_mq = a->nmq > 0;
	out->mq = a->nmq ? sqrt(a->mq2 / a->nmq) : 0;
	/* FS: GATK scales a table of more than 200 reads down to 200 */
	uint32_t t[4] = { a->sb[0], a->sb[1], a->sb[2], a->sb[3] };
	double tot = (double)t[0] + t[1] + t[2] + t[3];
	if (tot > 200)
		for (int i = 0; i < 4; i++) t[i] = (uint32_t)(t[i] * 200.0 / tot);
	double p = cv_annot_fisher(t);
	out->fs = p >= 1.0 ? 0.0 : p < 1e-320 ? 3200 : -10.0 * log10(p);
	if (out->fs < 0) out->fs = 0;
	/* SOR: GATK's symmetric odds ratio with +1 pseudocounts */
	double rf = a->sb[0] + 1.0, rr = a->sb[1] + 1.0, af = a->sb[2] + 1.0, ar = a->sb[3] + 1.0;
	double r = (rf * ar) / (af * rr);
	double refr = (rf < rr ? rf : rr) / (rf > rr ? rf : rr), altr = (af < ar ? af : ar) / (af > ar ? af : ar);
	out->sor = log(r + 1.0 / r) + log(refr) - log(altr);
	out->has_qd = var_dp > 0;
	out->qd = var_dp > 0 ? qual / var_dp : 0;
	out->mqrs = cv_annot_ranksum(a->mq[0], a->mq[1], CV_ANNOT_QBINS, &out->has_mqrs);
	out->bqrs = cv_annot_ranksum(a->bq[0], a->bq[1], CV_ANNOT_QBINS, &out->has_bqrs);
	out->rprs = cv_annot_ranksum(a->rp[0], a->rp[1], CV_ANNOT_PBINS, &out->has_rprs);
}

/* ";KEY=value" rounded to dec decimals and written as htslib writes a
 * float, so a merged (re-written) file holds the same text. */
static void put(gsa_strbuf_t *out, const char *key, double v, int dec)
{
	double sc = pow(10.0, dec);
	double r = round(v * sc) / sc;
	if (r == 0) r = 0; /* no -0 */
	gsa_strbuf_appendf(out, ";%s=%.6g", key, (double)(float)r);
}

void cv_annot_info(const cv_annot_t *an, gsa_strbuf_t *out)
{
	if (an->has_mq) put(out, "MQ", an->mq, 2);
	put(out, "FS", an->fs, 3);
	put(out, "SOR", an->sor, 3);
	if (an->has_qd) put(out, "QD", an->qd, 2);
	if (an->has_mqrs) put(out, "MQRankSum", an->mqrs, 3);
	if (an->has_rprs) put(out, "ReadPosRankSum", an->rprs, 3);
	if (an->has_bqrs) put(out, "BaseQRankSum", an->bqrs, 3);
}

static void flt(gsa_strbuf_t *out, int *n, const char *name)
{
	if ((*n)++) gsa_strbuf_appendc(out, ';');
	gsa_strbuf_append(out, name);
}

void cv_annot_filter(const cv_annot_t *an, int is_indel, double qual, double lowqual, int hard, gsa_strbuf_t *out)
{
	int n = 0;
	if (qual < lowqual) flt(out, &n, "LowQual");
	if (hard && an) {
		if (an->has_qd && an->qd < 2.0) flt(out, &n, "QD2");
		if (!is_indel) {
			if (an->fs > 60.0) flt(out, &n, "FS60");
			if (an->sor > 3.0) flt(out, &n, "SOR3");
			if (an->has_mq && an->mq < 40.0) flt(out, &n, "MQ40");
			if (an->has_mqrs && an->mqrs < -12.5) flt(out, &n, "MQRankSum-12.5");
			if (an->has_rprs && an->rprs < -8.0) flt(out, &n, "ReadPosRankSum-8");
		} else {
			if (an->fs > 200.0) flt(out, &n, "FS200");
			if (an->sor > 10.0) flt(out, &n, "SOR10");
			if (an->has_rprs && an->rprs < -20.0) flt(out, &n, "ReadPosRankSum-20");
		}
	}
	if (n == 0) gsa_strbuf_append(out, "PASS");
}

void cv_annot_header(gsa_strbuf_t *out, int hard)
{
	if (hard)
		gsa_strbuf_append(out,
			"##FILTER=<ID=QD2,Description=\"QUAL / depth of ALT carriers (QD) below 2\">\n"
			"##FILTER=<ID=FS60,Description=\"SNP: Fisher strand bias (FS) above 60\">\n"
			"##FILTER=<ID=SOR3,Description=\"SNP: strand odds ratio (SOR) above 3\">\n"
			"##FILTER=<ID=MQ40,Description=\"SNP: RMS mapping quality (MQ) below 40\">\n"
			"##FILTER=<ID=MQRankSum-12.5,Description=\"SNP: MQRankSum below -12.5\">\n"
			"##FILTER=<ID=ReadPosRankSum-8,Description=\"SNP: ReadPosRankSum below -8\">\n"
			"##FILTER=<ID=FS200,Description=\"Indel: Fisher strand bias (FS) above 200\">\n"
			"##FILTER=<ID=SOR10,Description=\"Indel: strand odds ratio (SOR) above 10\">\n"
			"##FILTER=<ID=ReadPosRankSum-20,Description=\"Indel: ReadPosRankSum below -20\">\n");
	gsa_strbuf_append(out,
		"##INFO=<ID=MQ,Number=1,Type=Float,Description=\"Root mean square mapping quality of the reads used\">\n"
		"##INFO=<ID=FS,Number=1,Type=Float,Description=\"Phred-scaled p-value of Fisher's exact test for strand bias (REF vs ALT reads, forward vs reverse)\">\n"
		"##INFO=<ID=SOR,Number=1,Type=Float,Description=\"Symmetric odds ratio of the strand table (strand bias)\">\n"
		"##INFO=<ID=QD,Number=1,Type=Float,Description=\"QUAL divided by the depth of the samples with an ALT genotype\">\n"
		"##INFO=<ID=MQRankSum,Number=1,Type=Float,Description=\"Z-score of the Mann-Whitney rank-sum test of ALT vs REF read mapping qualities\">\n"
		"##INFO=<ID=ReadPosRankSum,Number=1,Type=Float,Description=\"Z-score of the Mann-Whitney rank-sum test of ALT vs REF positions in the read (distance to the nearer end)\">\n"
		"##INFO=<ID=BaseQRankSum,Number=1,Type=Float,Description=\"Z-score of the Mann-Whitney rank-sum test of ALT vs REF base qualities (SNPs)\">\n");
}
