#include "al_samout.h"
#include "alloc.h"
#include "cli.h"
#include "al_nt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void al_samout_buf_free(al_samout_buf_t *b)
{
	free(b->ref);
	free(b->seq);
	free(b->qual);
	free(b->md.s);
	free(b->sa.s);
	free(b->cig.s);
	free(b->xa.s);
	memset(b, 0, sizeof *b);
}

int al_samout_parse_rg(const char *arg, char **line, char **id, gsa_err_t *err)
{
	size_t n = strlen(arg), i, o = 0;
	char *s = gsa_xmalloc(n + 1), *p;
	for (i = 0; i < n; i++) {
		if (arg[i] == '\\' && i + 1 < n && arg[i + 1] == 't') { s[o++] = '\t'; i++; }
		else if (arg[i] == '\\' && i + 1 < n && arg[i + 1] == 'n') {
			free(s);
			return gsa_err_set(err, GSA_EUSAGE, "-R: the read group must be one line");
		} else s[o++] = arg[i];
	}
	s[o] = 0;
	if (strncmp(s, "@RG\t", 4) != 0) {
		free(s);
		return gsa_err_set(err, GSA_EUSAGE, "-R: the read group line must start with '@RG\\t'");
	}
	if (strchr(s, '\n')) {
		free(s);
		return gsa_err_set(err, GSA_EUSAGE, "-R: the read group must be one line");
	}
	p = strstr(s, "\tID:");
	if (!p || p[4] == 0 || p[4] == '\t') {
		free(s);
		return gsa_err_set(err, GSA_EUSAGE, "-R: the read group line has no ID");
	}
	*id = gsa_xstrndup(p + 4, strcspn(p + 4, "\t"));
	*line = s;
	return 0;
}

sam_hdr_t *al_samout_header(const al_index_t *ix, const char *rg_line, const char *cmdline)
{
	kstring_t t = { 0, 0, NULL };
	sam_hdr_t *h;
	uint64_t i;
	ksprintf(&t, "@HD\tVN:1.6\tSO:unsorted\tGO:query\n");
	for (i = 0; i < ix->h->n_contigs; i++)
		ksprintf(&t, "@SQ\tSN:%s\tLN:%llu\n", al_index_contig_name(ix, (int)i),
			 (unsigned long long)ix->contigs[i].len);
	if (rg_line) ksprintf(&t, "%s\n", rg_line);
	ksprintf(&t, "@PG\tID:align\tPN:align\tVN:%s\tCL:%s\n", gsa_version(), cmdline);
	h = sam_hdr_parse(t.l, t.s);
	free(t.s);
	return h;
}

static void cigar_to_string(const uint32_t *c, int n, kstring_t *s)
{
	int i;
	s->l = 0;
	for (i = 0; i < n; i++) ksprintf(s, "%u%c", c[i] >> 4, BAM_CIGAR_STR[c[i] & 0xf]);
	if (n == 0) kputc('*', s);
}

/* NM and MD of a hit against the reference. */
static int hit_nm_md(const al_index_t *ix, const al_placement_t *h, const uint8_t *q, al_samout_buf_t *b)
{
	int64_t g = (int64_t)ix->contigs[h->tid].offset + h->pos, len = h->end - h->pos;
	int i, qi = 0, ri = 0, run = 0, nm = 0;
	if (b->m_ref < (size_t)len + 1) {
		b->m_ref = (size_t)len + 1;
		b->ref = gsa_xreallocarray(b->ref, b->m_ref, 1);
	}
	al_index_get_seq(ix, (uint64_t)g, (uint64_t)(g + len), b->ref);
	b->md.l = 0;
	for (i = 0; i < h->n_cigar; i++) {
		int op = (int)(h->cigar[i] & 0xf), l = (int)(h->cigar[i] >> 4), k;
		switch (op) {
		case BAM_CMATCH:
			for (k = 0; k < l; k++, qi++, ri++) {
				if (q[qi] == b->ref[ri] && q[qi] < 4) run++;
				else {
					ksprintf(&b->md, "%d%c", run, al_nt_char(b->ref[ri]));
					run = 0;
					nm++;
				}
			}
			break;
		case BAM_CINS: qi += l; nm += l; break;
		case BAM_CSOFT_CLIP: qi += l; break;
		case BAM_CDEL:
			ksprintf(&b->md, "%d^", run);
			for (k = 0; k < l; k++, ri++) kputc(al_nt_char(b->ref[ri]), &b->md);
			run = 0;
			nm += l;
			break;
		default: break;
		}
	}
	ksprintf(&b->md, "%d", run);
	return nm;
}

/* The XA tag of a primary record: its ALT placements, bwa's format
 * "contig,(+|-)pos,CIGAR,NM;" each.  Uses b->md (NM), so it comes before
 * the primary's own NM/MD. */
static void xa_build(const al_index_t *ix, const al_read_t *r, const al_end_result_t *e, al_samout_buf_t *b, kstring_t *xa)
{
	int i;
	xa->l = 0;
	for (i = 0; i < e->n_xa; i++) {
		const al_placement_t *g = e->xa[i];
		int nm = hit_nm_md(ix, g, r->code[g->rev], b);
		cigar_to_string(g->cigar, g->n_cigar, &b->cig);
		ksprintf(xa, "%s,%c%lld,%s,%d;", al_index_contig_name(ix, g->tid), g->rev ? '-' : '+', (long long)g->pos + 1,
			 b->cig.s, nm);
	}
}

/* The SA tag entry of a hit. */
static void sa_append(const al_index_t *ix, const al_placement_t *h, int mapq, int nm, al_samout_buf_t *b)
{
	cigar_to_string(h->cigar, h->n_cigar, &b->cig);
	ksprintf(&b->sa, "%s,%lld,%c,%s,%d,%d;", al_index_contig_name(ix, h->tid), (long long)h->pos + 1,
		 h->rev ? '-' : '+', b->cig.s, mapq, nm);
}

static void set_seq_qual(const al_read_t *r, int rev, al_samout_buf_t *b)
{
	int i, n = r->len;
	if (b->m_seq < (size_t)n + 1) {
		b->m_seq = (size_t)n + 1;
		b->seq = gsa_xreallocarray(b->seq, b->m_seq, 1);
		b->qual = gsa_xreallocarray(b->qual, b->m_seq, 1);
	}
	for (i = 0; i < n; i++) {
		int j = rev ? n - 1 - i : i;
		b->seq[i] = al_nt_char(r->code[rev][i]);
		b->qual[i] = (char)(r->qual[j] - 33);
	}
}

typedef struct al_placed {
	int tid;
	int64_t pos;
	int rev, mapped, mapq;
	const al_placement_t *h;
} al_placed_t;

static int64_t tlen_of(const al_placed_t *me, const al_placed_t *mate, int is_first)
{
	int64_t l, r;
	if (!me->mapped || !mate->mapped || me->tid != mate->tid) return 0;
	l = me->h->pos < mate->h->pos ? me->h->pos : mate->h->pos;
	r = me->h->end > mate->h->end ? me->h->end : mate->h->end;
	if (me->h->pos < mate->h->pos || (me->h->pos == mate->h->pos && is_first)) return r - l;
	return -(r - l);
}

static int build_one(const al_read_t *r, const al_end_result_t *e, const al_placement_t *h,
		     int mapq, int supp, const al_placed_t *me, const al_placed_t *mate, int paired, int idx,
		     const char *rg_id, const char *sa, const char *xa, int nm, al_samout_buf_t *b, bam1_t *rec)
{
	uint16_t flag = 0;
	int rev = h ? h->rev : 0;
	int64_t tl = 0;
	set_seq_qual(r, rev, b);
	if (paired) {
		flag |= BAM_FPAIRED | (idx == 0 ? BAM_FREAD1 : BAM_FREAD2);
		if (e->proper && h) flag |= BAM_FPROPER_PAIR;
		if (!mate->mapped) flag |= BAM_FMUNMAP;
		else if (mate->rev) flag |= BAM_FMREVERSE;
	}
	if (!h) flag |= BAM_FUNMAP;
	if (rev) flag |= BAM_FREVERSE;
	if (supp) flag |= BAM_FSUPPLEMENTARY;
	{
		int32_t tid = h ? h->tid : -1, mtid = -1;
		int64_t pos = h ? h->pos : -1, mpos = -1;
		if (paired) {
			if (!h && mate->mapped) { tid = mate->tid; pos = mate->pos; }
			if (mate->mapped) { mtid = mate->tid; mpos = mate->pos; }
			else if (h) { mtid = tid; mpos = pos; }
			if (h && mate->mapped) {
				al_placed_t self = *me;
				self.h = h;
				self.tid = h->tid;
				tl = tlen_of(&self, mate, idx == 0);
			}
		}
		if (bam_set1(rec, strlen(r->name), r->name, flag, tid, pos, (uint8_t)(h ? mapq : 0),
			     h ? (size_t)h->n_cigar : 0, h ? h->cigar : NULL, mtid, mpos, tl,
			     (size_t)r->len, b->seq, b->qual, 64) < 0)
			return -1;
	}
	if (h) {
		int32_t v;
		v = nm;
		if (bam_aux_append(rec, "NM", 'i', 4, (uint8_t *)&v) < 0) return -1;
		if (bam_aux_append(rec, "MD", 'Z', (int)b->md.l + 1, (uint8_t *)b->md.s) < 0) return -1;
		v = h->score;
		if (bam_aux_append(rec, "AS", 'i', 4, (uint8_t *)&v) < 0) return -1;
		v = supp ? 0 : e->xs;
		if (bam_aux_append(rec, "XS", 'i', 4, (uint8_t *)&v) < 0) return -1;
	}
	if (paired && mate->mapped) {
		int32_t v = mate->mapq;
		cigar_to_string(mate->h->cigar, mate->h->n_cigar, &b->cig);
		if (bam_aux_append(rec, "MC", 'Z', (int)b->cig.l + 1, (uint8_t *)b->cig.s) < 0) return -1;
		if (bam_aux_append(rec, "MQ", 'i', 4, (uint8_t *)&v) < 0) return -1;
	}
	if (sa && *sa && bam_aux_append(rec, "SA", 'Z', (int)strlen(sa) + 1, (const uint8_t *)sa) < 0) return -1;
	if (xa && *xa && bam_aux_append(rec, "XA", 'Z', (int)strlen(xa) + 1, (const uint8_t *)xa) < 0) return -1;
	if (rg_id && bam_aux_append(rec, "RG", 'Z', (int)strlen(rg_id) + 1, (const uint8_t *)rg_id) < 0) return -1;
	return 0;
}

int al_samout_template(const al_index_t *ix, const al_read_t *r, const al_end_result_t *e, int n_reads,
		    const char *rg_id, al_samout_buf_t *b, bam1_t **recs, int *n)
{
	al_placed_t pl[2];
	int k;
	memset(pl, 0, sizeof pl);
	for (k = 0; k < n_reads; k++) {
		if (e[k].hit) {
			pl[k].mapped = 1;
			pl[k].tid = e[k].hit->tid;
			pl[k].pos = e[k].hit->pos;
			pl[k].rev = e[k].hit->rev;
			pl[k].mapq = e[k].mapq;
			pl[k].h = e[k].hit;
		}
	}
	for (k = 0; k < n_reads; k++) {
		const al_placed_t *mate = n_reads == 2 ? &pl[!k] : &pl[k];
		const al_placement_t *h = e[k].hit;
		int nm = 0, nm_s = 0;
		char *sa_p = NULL, *sa_s = NULL;
		if (h && e[k].supp) {
			/* SA of the primary names the supplementary, and vice versa */
			nm_s = hit_nm_md(ix, e[k].supp, r[k].code[e[k].supp->rev], b);
			b->sa.l = 0;
			sa_append(ix, e[k].supp, e[k].supp_mapq, nm_s, b);
			sa_p = gsa_xstrdup(b->sa.s);
			nm = hit_nm_md(ix, h, r[k].code[h->rev], b);
			b->sa.l = 0;
			sa_append(ix, h, e[k].mapq, nm, b);
			sa_s = gsa_xstrdup(b->sa.s);
		}
		if (h && e[k].n_xa) xa_build(ix, &r[k], &e[k], b, &b->xa);
		if (h) nm = hit_nm_md(ix, h, r[k].code[h->rev], b);
		if (build_one(&r[k], &e[k], h, e[k].mapq, 0, &pl[k], mate, n_reads == 2, k, rg_id, sa_p,
			      h && e[k].n_xa ? b->xa.s : NULL, nm, b,
			      recs[(*n)++]) < 0) {
			free(sa_p);
			free(sa_s);
			return -1;
		}
		if (sa_s) {
			nm_s = hit_nm_md(ix, e[k].supp, r[k].code[e[k].supp->rev], b);
			if (build_one(&r[k], &e[k], e[k].supp, e[k].supp_mapq, 1, &pl[k], mate, n_reads == 2, k,
				      rg_id, sa_s, NULL, nm_s, b, recs[(*n)++]) < 0) {
				free(sa_p);
				free(sa_s);
				return -1;
			}
		}
		free(sa_p);
		free(sa_s);
	}
	return 0;
}
