/* Unit tests: tools/align/{al_refseq,sketch,index}.c */
#include "unit.h"
#include "al_index.h"
#include "al_nt.h"
#include "al_refseq.h"
#include "al_sketch.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void rand_seq(char *s, int n, unsigned *st)
{
	int i;
	for (i = 0; i < n; i++) {
		*st = *st * 1103515245u + 12345u;
		s[i] = "ACGT"[(*st >> 16) & 3];
	}
	s[n] = 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void test_minimizers_strand_symmetric(unit_t *t)
{
	char s[301];
	uint8_t f[300], r[300];
	unsigned st = 3;
	al_minimizer_t *a = NULL, *b = NULL;
	size_t na = 0, ca = 0, nb = 0, cb = 0, i, j, found = 0;
	rand_seq(s, 300, &st);
	for (i = 0; i < 300; i++) {
		f[i] = al_nt_code(s[i]);
		r[299 - i] = al_nt_comp(f[i]);
	}
	al_sketch_minimizers(f, 300, 15, 8, &a, &na, &ca);
	al_sketch_minimizers(r, 300, 15, 8, &b, &nb, &cb);
	/* density about 2/(w+1) */
	UNIT_CHECK(t, na > 300 / 8 && na < 300 / 2);
	/* every minimizer of the forward strand is one of the reverse strand, at the mirrored position */
	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++)
			if (a[i].hash == b[j].hash && a[i].pos == 300 - 15 - b[j].pos && a[i].strand != b[j].strand) { found++; break; }
	UNIT_CHECK(t, found * 10 >= na * 9);
	/* N breaks k-mers: no minimizer overlaps position 150 */
	f[150] = 4;
	na = 0;
	al_sketch_minimizers(f, 300, 15, 8, &a, &na, &ca);
	for (i = 0; i < na; i++) UNIT_CHECK(t, !(a[i].pos <= 150 && a[i].pos + 15 > 150));
	free(a);
	free(b);
}

static void test_build_lookup_and_sequence(unit_t *t)
{
	char fa[512], idx[512], *text, s1[2001], s2[1001];
	unsigned st = 11;
	al_refseq_t r;
	al_index_t ix;
	gsa_err_t err;
	al_index_build_stats_t bs;
	uint8_t buf[128], q[64];
	int i, found = 0;
	rand_seq(s1, 2000, &st);
	rand_seq(s2, 1000, &st);
	for (i = 500; i < 560; i++) s1[i] = 'N';
	for (i = 100; i < 110; i++) s2[i] = (char)(s2[i] + 32); /* lower case */
	text = malloc(4000);
	snprintf(text, 4000, ">one first contig\n%s\n>two\n%s\n", s1, s2);
	snprintf(fa, sizeof fa, "%s/r.fa", t->tmpdir);
	snprintf(idx, sizeof idx, "%s/r.fa.gsai", t->tmpdir);
	write_file(fa, text);
	UNIT_CHECK_INT(t, al_refseq_load(&r, fa, &err), 0);
	UNIT_CHECK_INT(t, r.n_contigs, 2);
	UNIT_CHECK_STR(t, r.names[0], "one");
	UNIT_CHECK_INT(t, (long long)r.total, 3000);
	UNIT_CHECK_INT(t, al_index_build(&r, 15, 5, idx, &bs, &err), 0);
	UNIT_CHECK(t, bs.n_minimizers > 0);
	al_refseq_free(&r);
	UNIT_CHECK_INT(t, al_index_load(&ix, idx, fa, &err), 0);
	UNIT_CHECK_INT(t, (long long)ix.h->n_contigs, 2);
	UNIT_CHECK_STR(t, al_index_contig_name(&ix, 1), "two");
	UNIT_CHECK_INT(t, al_index_contig_of(&ix, 1999), 0);
	UNIT_CHECK_INT(t, al_index_contig_of(&ix, 2000), 1);
	/* bases back, N run and lower case included */
	al_index_get_seq(&ix, 490, 570, buf);
	UNIT_CHECK_INT(t, buf[0], al_nt_code(s1[490]));
	UNIT_CHECK_INT(t, buf[10], 4);
	UNIT_CHECK_INT(t, buf[69], 4);
	UNIT_CHECK_INT(t, buf[70], al_nt_code(s1[560]));
	al_index_get_seq(&ix, 2100, 2110, buf);
	for (i = 0; i < 10; i++) UNIT_CHECK_INT(t, buf[i], al_nt_code(s2[100 + i]));
	/* a 40-mer from contig two at 300 is found through one of its minimizers */
	{
		al_minimizer_t *m = NULL;
		size_t n = 0, c = 0, j;
		for (i = 0; i < 40; i++) q[i] = al_nt_code(s2[300 + i]);
		al_sketch_minimizers(q, 40, 15, 5, &m, &n, &c);
		for (j = 0; j < n; j++) {
			const uint64_t *p;
			uint32_t k, cnt = al_index_lookup(&ix, m[j].hash, &p);
			for (k = 0; k < cnt; k++)
				if ((p[k] >> 1) == 2000 + 300 + m[j].pos) found = 1;
		}
		free(m);
	}
	UNIT_CHECK(t, found);
	UNIT_CHECK_INT(t, al_index_lookup(&ix, 12345, &(const uint64_t *){ NULL }), 0);
	al_index_close(&ix);
	/* edit the FASTA (same size, newer): stale */
	sleep(1);
	text[20] = text[20] == 'A' ? 'C' : 'A';
	write_file(fa, text);
	UNIT_CHECK(t, al_index_load(&ix, idx, fa, &err) < 0);
	UNIT_CHECK_INT(t, err.code, GSA_EDATA);
	UNIT_CHECK(t, strstr(err.msg, "stale") != NULL);
	/* the index alone still loads */
	UNIT_CHECK_INT(t, al_index_load(&ix, idx, NULL, &err), 0);
	al_index_close(&ix);
	free(text);
}

static void test_bad_fasta(unit_t *t)
{
	char fa[512];
	al_refseq_t r;
	gsa_err_t err;
	snprintf(fa, sizeof fa, "%s/bad.fa", t->tmpdir);
	write_file(fa, ">a\n>b\nACGT\n");
	UNIT_CHECK(t, al_refseq_load(&r, fa, &err) < 0);
	UNIT_CHECK_INT(t, err.code, GSA_EDATA);
	UNIT_CHECK(t, strstr(err.msg, "no bases") != NULL);
	snprintf(fa, sizeof fa, "%s/missing.fa", t->tmpdir);
	UNIT_CHECK(t, al_refseq_load(&r, fa, &err) < 0);
	UNIT_CHECK_INT(t, err.code, GSA_EIO);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "align/index");
	UNIT_RUN(&t, test_minimizers_strand_symmetric);
	UNIT_RUN(&t, test_build_lookup_and_sequence);
	UNIT_RUN(&t, test_bad_fasta);
	return unit_finish(&t);
}
