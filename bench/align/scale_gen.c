/* scale_gen — a large test genome and simulated read pairs for bench/align/scale.sh.
 *
 *   scale_gen genome SRC.fa[.gz] BASES SEED OUT.fa
 *       copies of SRC's first contig, each with its own divergence (1-15 %
 *       substitutions, a tenth of that as 1-5 bp indels), its blocks
 *       (50 kb - 1 Mb) shuffled and some reverse-complemented, until 95 % of
 *       BASES; then random sequence in 10 Mb contigs up to BASES.
 *   scale_gen reads GENOME.fa PAIRS SEED R1.fq R2.fq TRUTH.tsv
 *       2 x 150 bp FR pairs, fragment 350 +- 50, 0.2 % substitution errors,
 *       from uniform positions without N; TRUTH as make_sim.sh writes it
 *       (name, mate, contig, 1-based leftmost, strand, CIGAR).
 *
 * Bench helper only (not part of the tools); deterministic for a seed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <zlib.h>

static uint64_t rng_state;
static uint64_t rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}
static double rnd01(void) { return (double)(rnd() >> 11) / 9007199254740992.0; }
static uint64_t rndn(uint64_t n) { return rnd() % n; }

static char comp(char c)
{
	switch (c) { case 'A': return 'T'; case 'C': return 'G'; case 'G': return 'C'; case 'T': return 'A'; default: return 'N'; }
}

typedef struct { char *name; char *seq; uint64_t len; } contig_t;

/* Read every contig of a FASTA (plain or gzip), upper-case. */
static contig_t *read_fasta(const char *path, int *n_out)
{
	gzFile gz = gzopen(path, "rb");
	char line[1 << 16];
	contig_t *c = NULL;
	int n = 0;
	uint64_t cap = 0;
	if (!gz) { perror(path); exit(1); }
	gzbuffer(gz, 1 << 20);
	while (gzgets(gz, line, sizeof line)) {
		size_t l = strlen(line);
		while (l && (line[l - 1] == '\n' || line[l - 1] == '\r')) line[--l] = 0;
		if (line[0] == '>') {
			c = realloc(c, (size_t)(n + 1) * sizeof *c);
			c[n].name = strdup(strtok(line + 1, " \t"));
			c[n].seq = NULL;
			c[n].len = 0;
			cap = 0;
			n++;
			continue;
		}
		if (!n) continue;
		if (c[n - 1].len + l + 1 > cap) {
			cap = (c[n - 1].len + l + 1) * 2;
			c[n - 1].seq = realloc(c[n - 1].seq, cap);
		}
		for (size_t i = 0; i < l; i++) {
			char b = line[i] & ~32;
			c[n - 1].seq[c[n - 1].len++] = (b == 'A' || b == 'C' || b == 'G' || b == 'T') ? b : 'N';
		}
	}
	gzclose(gz);
	*n_out = n;
	return c;
}

static void put_line_wrapped(FILE *f, const char *s, uint64_t n)
{
	for (uint64_t i = 0; i < n; i += 60) {
		fwrite(s + i, 1, n - i < 60 ? n - i : 60, f);
		fputc('\n', f);
	}
}

static int cmd_genome(const char *src, uint64_t bases, uint64_t seed, const char *out)
{
	int n_src;
	contig_t *s = read_fasta(src, &n_src);
	FILE *f = fopen(out, "w");
	uint64_t total = 0, L = s[0].len;
	char *buf = malloc(L * 2 + 1024);
	int copy = 0;
	rng_state = seed;
	if (!f) { perror(out); return 1; }
	while (total + L <= bases * 95 / 100 || copy == 0) {
		double d = 0.01 + 0.14 * rnd01(), sub = d, indel = d / 10;
		/* shuffled blocks */
		uint64_t nb = 0, at = 0, *bs = NULL, *bl = NULL, n = 0;
		while (at < L) {
			uint64_t len = 50000 + rndn(950000);
			if (at + len > L) len = L - at;
			bs = realloc(bs, (nb + 1) * 8); bl = realloc(bl, (nb + 1) * 8);
			bs[nb] = at; bl[nb] = len; nb++; at += len;
		}
		for (uint64_t i = nb; i > 1; i--) {
			uint64_t j = rndn(i), t;
			t = bs[i - 1]; bs[i - 1] = bs[j]; bs[j] = t;
			t = bl[i - 1]; bl[i - 1] = bl[j]; bl[j] = t;
		}
		for (uint64_t b = 0; b < nb; b++) {
			int rc = rnd01() < 0.3;
			for (uint64_t i = 0; i < bl[b]; i++) {
				char c = rc ? comp(s[0].seq[bs[b] + bl[b] - 1 - i]) : s[0].seq[bs[b] + i];
				if (c != 'N') {
					double u = rnd01();
					if (u < sub) c = "ACGT"[(strchr("ACGT", c) - "ACGT" + 1 + rndn(3)) & 3];
					else if (u < sub + indel / 2) { int k = 1 + (int)rndn(5); i += (uint64_t)k; continue; }
					else if (u < sub + indel) { int k = 1 + (int)rndn(5); while (k--) buf[n++] = "ACGT"[rndn(4)]; }
				}
				buf[n++] = c;
			}
		}
		fprintf(f, ">copy%d divergence=%.3f\n", copy, d);
		put_line_wrapped(f, buf, n);
		total += n;
		copy++;
		free(bs); free(bl);
	}
	for (int r = 0; total < bases; r++) {
		uint64_t n = bases - total < 10000000 ? bases - total : 10000000;
		for (uint64_t i = 0; i < n; i++) buf[i] = "ACGT"[rnd() & 3];
		fprintf(f, ">random%d\n", r);
		put_line_wrapped(f, buf, n);
		total += n;
	}
	fclose(f);
	fprintf(stderr, "scale_gen: %d copies + random, %llu bases\n", copy, (unsigned long long)total);
	return 0;
}

static void revcomp(char *d, const char *s, int n)
{
	for (int i = 0; i < n; i++) d[i] = comp(s[n - 1 - i]);
}

static void mutate(char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (rnd01() < 0.002) s[i] = "ACGT"[(strchr("ACGT", s[i]) - "ACGT" + 1 + rndn(3)) & 3];
}

static int cmd_reads(const char *genome, uint64_t pairs, uint64_t seed, const char *o1, const char *o2, const char *ot)
{
	int n, RL = 150;
	contig_t *c = read_fasta(genome, &n);
	uint64_t total = 0, *cum = malloc((size_t)n * 8);
	FILE *f1 = fopen(o1, "w"), *f2 = fopen(o2, "w"), *ft = fopen(ot, "w");
	char a[151], b[151], q[151];
	rng_state = seed;
	if (!f1 || !f2 || !ft) { perror("open"); return 1; }
	for (int i = 0; i < n; i++) { total += c[i].len; cum[i] = total; }
	memset(q, 'I', 150); q[150] = 0; a[150] = b[150] = 0;
	for (uint64_t p = 0; p < pairs; ) {
		uint64_t g = rndn(total);
		int ci = 0;
		while (cum[ci] <= g) ci++;
		uint64_t off = g - (cum[ci] - c[ci].len);
		double u1 = rnd01() + 1e-12, u2 = rnd01();
		int frag = (int)(350 + 50 * sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2));
		if (frag < RL) frag = RL;
		if (off + (uint64_t)frag > c[ci].len) continue;
		if (memchr(c[ci].seq + off, 'N', (size_t)frag)) continue;
		int fwd_first = (int)(rnd() & 1);
		/* mate on the forward strand at off, the other reverse at off + frag - RL */
		memcpy(a, c[ci].seq + off, (size_t)RL);
		revcomp(b, c[ci].seq + off + frag - RL, RL);
		mutate(a, RL);
		mutate(b, RL);
		const char *r1 = fwd_first ? a : b, *r2 = fwd_first ? b : a;
		uint64_t p1 = fwd_first ? off : off + (uint64_t)frag - (uint64_t)RL, p2 = fwd_first ? off + (uint64_t)frag - (uint64_t)RL : off;
		fprintf(f1, "@sim.%llu/1\n%s\n+\n%s\n", (unsigned long long)p, r1, q);
		fprintf(f2, "@sim.%llu/2\n%s\n+\n%s\n", (unsigned long long)p, r2, q);
		fprintf(ft, "sim.%llu\t1\t%s\t%llu\t%c\t150M\n", (unsigned long long)p, c[ci].name, (unsigned long long)p1 + 1, fwd_first ? '+' : '-');
		fprintf(ft, "sim.%llu\t2\t%s\t%llu\t%c\t150M\n", (unsigned long long)p, c[ci].name, (unsigned long long)p2 + 1, fwd_first ? '-' : '+');
		p++;
	}
	fclose(f1); fclose(f2); fclose(ft);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "genome") == 0)
		return cmd_genome(argv[2], strtoull(argv[3], NULL, 10), strtoull(argv[4], NULL, 10), argv[5]);
	if (argc == 8 && strcmp(argv[1], "reads") == 0)
		return cmd_reads(argv[2], strtoull(argv[3], NULL, 10), strtoull(argv[4], NULL, 10), argv[5], argv[6], argv[7]);
	fprintf(stderr, "usage: scale_gen genome SRC.fa[.gz] BASES SEED OUT.fa | reads GENOME.fa PAIRS SEED R1.fq R2.fq TRUTH.tsv\n");
	return 1;
}
