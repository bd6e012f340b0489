#include "cv_gvcf.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cv_base.h"


void cv_refconf_init(cv_refconf_t *rc, const double pmatch[][61], const double pmis[][61])
{
	memset(rc, 0, sizeof *rc);
	for (int q = 0; q < CV_GVCF_MAXQ; q++)
		for (int m = 0; m <= 60; m++)
			for (int match = 0; match < 2; match++) {
				double pr = match ? pmatch[q][m] : pmis[q][m];
				double pa = match ? pmis[q][m] : (pmatch[q][m] + 2 * pmis[q][m]) / 3;
				rc->lg[match][q][m][0] = log10(pr);
				rc->lg[match][q][m][1] = log10(0.5 * (pr + pa));
				rc->lg[match][q][m][2] = log10(pa);
			}
}

void cv_refconf_free(cv_refconf_t *rc)
{
	if (!rc) return;
	free(rc->gl);
	free(rc->dp);
	rc->gl = NULL;
	rc->dp = NULL;
	rc->cap = 0;
}

void cv_refconf_compute(cv_refconf_t *rc, const cv_readbuf_t *rb, const char *ref, int64_t roff,
			int64_t beg, int64_t end, int min_bq, int cap_bq, int indel_q)
{
	size_t n = (size_t)(end - beg);
	if (n > rc->cap) {
		free(rc->gl); free(rc->dp);
		rc->gl = gsa_xmalloc(3 * n * sizeof *rc->gl);
		rc->dp = gsa_xmalloc(n * sizeof *rc->dp);
		rc->cap = n;
	}
	memset(rc->gl, 0, 3 * n * sizeof *rc->gl);
	memset(rc->dp, 0, n * sizeof *rc->dp);
	rc->beg = beg;
	rc->end = end;
	for (int ir = 0; ir < rb->n; ir++) {
		const cv_read_t *cr = &rb->r[ir];
		const bam1_t *b = cr->b;
		if (b->core.pos >= end || cr->end <= beg) continue;
		const uint32_t *cig = bam_get_cigar(b);
		const uint8_t *seq = bam_get_seq(b), *qual = bam_get_qual(b);
		int64_t pos = b->core.pos;
		int qi = 0, mq = cr->mq > 60 ? 60 : cr->mq;
		/* the last base counted: where, its evidence, its quality */
		int64_t lastp = -1;
		const double *lastl = NULL;
		int lastq = 0;
		for (uint32_t k = 0; k < b->core.n_cigar; k++) {
			int op = bam_cigar_op(cig[k]), len = (int)bam_cigar_oplen(cig[k]);
			if (op == BAM_CMATCH || op == BAM_CEQUAL || op == BAM_CDIFF) {
				for (int i = 0; i < len; i++) {
					int64_t p = pos + i;
					if (p < beg || p >= end || p < cr->mate_end) continue;
					int q = qual[qi + i];
					if (q < min_bq) continue;
					int c = cv_nt16_code(bam_seqi(seq, qi + i)), r = cv_base_code(ref[p - roff]);
					if (c > 3 || r > 3) continue;
					if (q > cap_bq) q = cap_bq;
					if (q >= CV_GVCF_MAXQ) q = CV_GVCF_MAXQ - 1;
					const double *l = rc->lg[c == r][q][mq];
					double *g = &rc->gl[3 * (size_t)(p - beg)];
					g[0] += l[0]; g[1] += l[1]; g[2] += l[2];
					rc->dp[p - beg]++;
					lastp = p; lastl = l; lastq = q;
				}
				pos += len; qi += len;
				continue;
			}
			/* an indel after base lastp: that base's read shows a non-REF
			 * allele there (the record of an indel is at the base before it) */
			if ((op == BAM_CINS || op == BAM_CDEL) && lastp == pos - 1 && lastl && k + 1 < b->core.n_cigar) {
				int q = lastq < indel_q ? lastq : indel_q < 0 ? 0 : indel_q;
				const double *m = rc->lg[0][q][mq];
				double *g = &rc->gl[3 * (size_t)(lastp - beg)];
				for (int x = 0; x < 3; x++) g[x] += m[x] - lastl[x];
				lastl = NULL;
			}
			if (op == BAM_CINS || op == BAM_CSOFT_CLIP) {
				qi += len;
			} else if (op == BAM_CDEL || op == BAM_CREF_SKIP) {
				pos += len;
			}
		}
	}
}

/* PL of position i (diploid: 3 values; haploid: 0 and <*>) and its GQ. */
static int pos_pl(const cv_refconf_t *rc, int64_t p, int ploidy, int *pl)
{
	const double *g = &rc->gl[3 * (size_t)(p - rc->beg)];
	double v[3] = { g[0], ploidy == 1 ? g[2] : g[1], g[2] };
	int ng = ploidy == 1 ? 2 : 3;
	double mx = v[0];
	for (int i = 1; i < ng; i++) if (v[i] > mx) mx = v[i];
	for (int i = 0; i < ng; i++) {
		double x = -10.0 * (v[i] - mx);
		pl[i] = x > 99999 ? 99999 : (int)(x + 0.5);
	}
	if (pl[0] != 0) return 0;
	int gq = pl[1];
	if (ng == 3 && pl[2] < gq) gq = pl[2];
	return gq > 99 ? 99 : gq;
}

static int band_of(const cv_opts_t *o, int gq, int dp)
{
	if (dp == 0) return -1;
	int b = 0;
	for (int i = 0; i < o->ngvcf_bands; i++)
		if (gq >= o->gvcf_bands[i]) b = i;
	return b;
}

typedef struct block {
	int64_t beg, end;
	int band, ploidy, gq, mindp, pl[3];
	double sumdp;
} block_t;

static void block_write(const block_t *bl, const char *contig, const char *ref, int64_t roff, gsa_strbuf_t *out)
{
	gsa_strbuf_appendf(out, "%s\t%lld\t.\t%c\t<*>\t.\t.\tEND=%lld\tGT:GQ:DP:MIN_DP:PL\t", contig,
			   (long long)bl->beg + 1, ref[bl->beg - roff], (long long)bl->end);
	int len = (int)(bl->end - bl->beg);
	int dp = (int)(bl->sumdp / len + 0.5);
	if (bl->band < 0 || bl->ploidy == 0) {
		gsa_strbuf_append(out, bl->ploidy == 2 ? "./.:0:0:0:0,0,0\n" : ".:0:0:0:0,0\n");
		return;
	}
	if (bl->ploidy == 1)
		gsa_strbuf_appendf(out, "0:%d:%d:%d:%d,%d\n", bl->gq, dp, bl->mindp, bl->pl[0], bl->pl[1]);
	else
		gsa_strbuf_appendf(out, "0/0:%d:%d:%d:%d,%d,%d\n", bl->gq, dp, bl->mindp, bl->pl[0], bl->pl[1], bl->pl[2]);
}

void cv_gvcf_blocks(const cv_refconf_t *rc, const cv_opts_t *o, const char *contig, const char *ref,
		    int64_t roff, int64_t from, int64_t to, gsa_strbuf_t *out)
{
	block_t bl;
	int open = 0;
	int64_t ploidy_until = -1;
	int ploidy = 2;
	for (int64_t p = from; p < to; p++) {
		if (p >= ploidy_until) ploidy = cv_ploidy_at(o->ploidy, contig, p, 0, &ploidy_until);
		int pl[3] = { 0, 0, 0 };
		int dp = rc->dp[p - rc->beg];
		int gq = ploidy > 0 ? pos_pl(rc, p, ploidy, pl) : 0;
		int band = ploidy > 0 ? band_of(o, gq, dp) : -1;
		if (open && (band != bl.band || ploidy != bl.ploidy)) {
			block_write(&bl, contig, ref, roff, out);
			open = 0;
		}
		if (!open) {
			memset(&bl, 0, sizeof bl);
			bl.beg = p;
			bl.band = band;
			bl.ploidy = ploidy;
			bl.gq = gq;
			bl.mindp = dp;
			memcpy(bl.pl, pl, sizeof pl);
			open = 1;
		}
		bl.end = p + 1;
		bl.sumdp += dp;
		if (dp < bl.mindp) bl.mindp = dp;
		if (gq < bl.gq) { bl.gq = gq; memcpy(bl.pl, pl, sizeof pl); }
	}
	if (open) block_write(&bl, contig, ref, roff, out);
}

void cv_gvcf_header(gsa_strbuf_t *out, const cv_opts_t *o)
{
	gsa_strbuf_append(out,
		"##ALT=<ID=*,Description=\"Any allele other than those listed (gVCF)\">\n"
		"##INFO=<ID=END,Number=1,Type=Integer,Description=\"End position of the reference block\">\n"
		"##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description=\"Lowest depth of the reference block\">\n");
	gsa_strbuf_append(out, "##GVCFBlocks=GQ bands from");
	for (int i = 0; i < o->ngvcf_bands; i++) gsa_strbuf_appendf(out, "%c%d", i ? ',' : ' ', o->gvcf_bands[i]);
	gsa_strbuf_appendc(out, '\n');
}

int cv_gvcf_parse_bands(cv_opts_t *o, const char *spec)
{
	int n = 0, v[CV_MAX_BANDS];
	const char *p = spec;
	for (;;) {
		char *end;
		if (!isdigit((unsigned char)*p)) return -1; /* an empty item, a sign or a blank */
		long x = strtol(p, &end, 10);
		if (x > 99 || (n > 0 && x <= v[n - 1]) || n >= CV_MAX_BANDS - 1) return -1;
		v[n++] = (int)x;
		p = end;
		if (!*p) break;
		if (*p++ != ',') return -1;
	}
	int k = 0;
	if (v[0] != 0) o->gvcf_bands[k++] = 0;
	for (int i = 0; i < n; i++) o->gvcf_bands[k++] = v[i];
	o->ngvcf_bands = k;
	return 0;
}
