#include "al_metrics.h"
#include "alloc.h"
#include "al_fastq.h"
#include "jsonw.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void al_metrics_init(al_metrics_t *m)
{
	memset(m, 0, sizeof *m);
}

void al_metrics_free(al_metrics_t *m)
{
	if (!m) return;
	free(m->cycle_bases);
	free(m->cycle_mismatches);
	m->cycle_bases = m->cycle_mismatches = NULL;
	m->n_cycles = 0;
}

static void grow_cycles(al_metrics_t *m, int len)
{
	int n = m->n_cycles ? m->n_cycles : 64;
	if (len <= m->n_cycles) return;
	while (n < len) n *= 2;
	m->cycle_bases = gsa_xreallocarray(m->cycle_bases, (size_t)n, sizeof *m->cycle_bases);
	m->cycle_mismatches = gsa_xreallocarray(m->cycle_mismatches, (size_t)n, sizeof *m->cycle_mismatches);
	memset(m->cycle_bases + m->n_cycles, 0, (size_t)(n - m->n_cycles) * sizeof *m->cycle_bases);
	memset(m->cycle_mismatches + m->n_cycles, 0, (size_t)(n - m->n_cycles) * sizeof *m->cycle_mismatches);
	m->n_cycles = n;
}

/* Walk CIGAR and MD together: every aligned base adds to its cycle's
 * bases, every MD mismatch to its cycle's mismatches.  A malformed MD stops
 * the walk (what was counted stays). */
static void count_cycles(al_metrics_t *m, const bam1_t *b)
{
	const uint32_t *cig = bam_get_cigar(b);
	const uint8_t *md_tag = bam_aux_get(b, "MD");
	const char *md = md_tag ? bam_aux2Z(md_tag) : NULL;
	int len = b->core.l_qseq, rev = (b->core.flag & BAM_FREVERSE) != 0;
	int qpos = 0, run = 0;
	uint32_t k;
	if (len <= 0) return;
	grow_cycles(m, len);
	for (k = 0; k < b->core.n_cigar; k++) {
		int op = bam_cigar_op(cig[k]), ol = (int)bam_cigar_oplen(cig[k]), i;
		if (op == BAM_CMATCH || op == BAM_CEQUAL || op == BAM_CDIFF) {
			for (i = 0; i < ol && qpos < len; i++, qpos++) {
				int cyc = rev ? len - 1 - qpos : qpos;
				m->cycle_bases[cyc]++;
				if (!md) continue;
				if (run > 0) { run--; continue; }
				/* next MD token: a number (matches) or a mismatched base */
				while (md && isdigit((unsigned char)*md)) {
					run = run * 10 + (*md++ - '0');
				}
				if (run > 0) { run--; continue; }
				if (md && isalpha((unsigned char)*md)) {
					m->cycle_mismatches[cyc]++;
					md++;
				} else {
					md = NULL; /* MD ends early or holds '^' inside a match */
				}
			}
		} else if (op == BAM_CINS || op == BAM_CSOFT_CLIP) {
			qpos += ol;
		} else if (op == BAM_CDEL && md) {
			/* MD: optional "0"s, then ^ and the deleted bases */
			while (*md == '0') md++;
			if (*md == '^') {
				md++;
				while (isalpha((unsigned char)*md)) md++;
			}
		}
	}
}

void al_metrics_add(al_metrics_t *m, const bam1_t *b)
{
	uint16_t f;
	int primary;
	if (!m) return;
	f = b->core.flag;
	m->total++;
	if (f & BAM_FSECONDARY) m->secondary++;
	if (f & BAM_FSUPPLEMENTARY) m->supplementary++;
	primary = !(f & (BAM_FSECONDARY | BAM_FSUPPLEMENTARY));
	if (f & BAM_FDUP) {
		m->duplicates++;
		if (primary) m->primary_duplicates++;
	}
	if (!(f & BAM_FUNMAP)) m->mapped++;
	if (!primary) return;
	m->primary++;
	m->bases_total += (uint64_t)b->core.l_qseq;
	if (!(f & BAM_FUNMAP)) {
		const uint32_t *cig = bam_get_cigar(b);
		const uint8_t *nm = bam_aux_get(b, "NM");
		uint32_t k;
		m->primary_mapped++;
		m->mapq[b->core.qual]++;
		for (k = 0; k < b->core.n_cigar; k++) {
			int op = bam_cigar_op(cig[k]);
			if (op == BAM_CMATCH || op == BAM_CINS || op == BAM_CEQUAL || op == BAM_CDIFF)
				m->bases_mapped_cigar += bam_cigar_oplen(cig[k]);
		}
		if (nm) m->mismatches += (uint64_t)bam_aux2i(nm);
		count_cycles(m, b);
	}
	if (!(f & BAM_FPAIRED)) return;
	m->paired++;
	if (f & BAM_FREAD1) m->read1++;
	if (f & BAM_FREAD2) m->read2++;
	if ((f & BAM_FPROPER_PAIR) && !(f & BAM_FUNMAP)) m->proper++;
	if (!(f & BAM_FUNMAP) && !(f & BAM_FMUNMAP)) {
		m->both_mapped++;
		if (b->core.mtid != b->core.tid) {
			m->mate_other_chr++;
			if (b->core.qual >= 5) m->mate_other_chr_q5++;
		}
	}
	if (!(f & BAM_FUNMAP) && (f & BAM_FMUNMAP)) m->singletons++;
	if ((f & BAM_FPROPER_PAIR) && (f & BAM_FREAD1) && !(f & BAM_FUNMAP) && b->core.isize != 0) {
		int64_t is = b->core.isize < 0 ? -b->core.isize : b->core.isize;
		m->insert[is > AL_METRICS_MAX_INSERT ? AL_METRICS_MAX_INSERT : is]++;
	}
}


int al_metrics_write(const al_metrics_t *m, const char *path, const char *sample,
		     double ins_mean, double ins_sd, gsa_err_t *err)
{
	gsa_jsonw_t w;
	uint64_t n = 0;
	double sum = 0, sq = 0;
	size_t i, nc;
	int rc;
	for (i = 1; i <= AL_METRICS_MAX_INSERT; i++) {
		n += m->insert[i];
		sum += (double)i * (double)m->insert[i];
		sq += (double)i * (double)i * (double)m->insert[i];
	}
	gsa_jsonw_init(&w);
	gsa_jsonw_begin_object(&w, NULL);
	gsa_jsonw_str(&w, "tool", "align");
	gsa_jsonw_str(&w, "kind", "gsa-align-metrics");
	gsa_jsonw_u64(&w, "version", 1);
	if (sample) gsa_jsonw_str(&w, "sample", sample);
	gsa_jsonw_begin_object(&w, "flagstat");
	gsa_jsonw_u64(&w, "total", m->total);
	gsa_jsonw_u64(&w, "primary", m->primary);
	gsa_jsonw_u64(&w, "secondary", m->secondary);
	gsa_jsonw_u64(&w, "supplementary", m->supplementary);
	gsa_jsonw_u64(&w, "duplicates", m->duplicates);
	gsa_jsonw_u64(&w, "primary_duplicates", m->primary_duplicates);
	gsa_jsonw_u64(&w, "mapped", m->mapped);
	gsa_jsonw_u64(&w, "primary_mapped", m->primary_mapped);
	gsa_jsonw_u64(&w, "paired", m->paired);
	gsa_jsonw_u64(&w, "read1", m->read1);
	gsa_jsonw_u64(&w, "read2", m->read2);
	gsa_jsonw_u64(&w, "properly_paired", m->proper);
	gsa_jsonw_u64(&w, "with_mate_mapped", m->both_mapped);
	gsa_jsonw_u64(&w, "singletons", m->singletons);
	gsa_jsonw_u64(&w, "mate_other_chr", m->mate_other_chr);
	gsa_jsonw_u64(&w, "mate_other_chr_mapq5", m->mate_other_chr_q5);
	gsa_jsonw_end(&w);
	gsa_jsonw_begin_object(&w, "summary");
	gsa_jsonw_u64(&w, "reads", m->primary);
	gsa_jsonw_u64(&w, "mapped", m->primary_mapped);
	gsa_jsonw_u64(&w, "properly_paired", m->proper);
	gsa_jsonw_num(&w, "mapped_pct", m->primary ? 100.0 * (double)m->primary_mapped / (double)m->primary : 0, 6);
	gsa_jsonw_num(&w, "properly_paired_pct", m->primary ? 100.0 * (double)m->proper / (double)m->primary : 0, 6);
	gsa_jsonw_u64(&w, "bases_total", m->bases_total);
	gsa_jsonw_u64(&w, "bases_mapped_cigar", m->bases_mapped_cigar);
	gsa_jsonw_u64(&w, "mismatches", m->mismatches);
	gsa_jsonw_num(&w, "error_rate", m->bases_mapped_cigar ? (double)m->mismatches / (double)m->bases_mapped_cigar : 0, 6);
	gsa_jsonw_u64(&w, "insert_pairs", n);
	gsa_jsonw_num(&w, "insert_mean", n ? sum / (double)n : 0, 6);
	gsa_jsonw_num(&w, "insert_sd", n > 1 ? sqrt((sq - sum * sum / (double)n) / (double)n) : 0, 6);
	gsa_jsonw_num(&w, "insert_model_mean", ins_mean, 6);
	gsa_jsonw_num(&w, "insert_model_sd", ins_sd, 6);
	gsa_jsonw_end(&w);
	gsa_jsonw_u64_hist(&w, "mapq_hist", m->mapq, 256);
	gsa_jsonw_u64_hist(&w, "insert_hist", m->insert, AL_METRICS_MAX_INSERT + 1);
	gsa_jsonw_u64(&w, "insert_hist_max", AL_METRICS_MAX_INSERT);
	nc = 0;
	for (i = 0; i < (size_t)m->n_cycles; i++)
		if (m->cycle_bases[i]) nc = i + 1;
	gsa_jsonw_begin_array(&w, "mismatch_rate_by_cycle");
	for (i = 0; i < nc; i++)
		gsa_jsonw_num(&w, NULL, m->cycle_bases[i] ? (double)m->cycle_mismatches[i] / (double)m->cycle_bases[i] : 0, 5);
	gsa_jsonw_end(&w);
	gsa_jsonw_u64_array(&w, "cycle_bases", m->cycle_bases, nc);
	gsa_jsonw_u64_array(&w, "cycle_mismatches", m->cycle_mismatches, nc);
	gsa_jsonw_end(&w);
	rc = gsa_jsonw_write_file(&w, path, err);
	gsa_jsonw_free(&w);
	return rc;
}

void al_progress_batch(gsa_progress_t *p, uint64_t reads, const struct al_fastq_reader *f1)
{
	int64_t size, off;
	if (!p || p->mode == GSA_PROGRESS_OFF) return;
	size = al_fastq_input_size(f1);
	off = al_fastq_input_offset(f1);
	p->done += reads;
	if (size > 0 && off > 0)
		p->total = off >= size ? p->done : (uint64_t)((double)p->done * (double)size / (double)off);
	gsa_progress_poll(p);
}
