/* Unit tests: the SIMD fills of al_extend_banded (SSE4.1, AVX2) give the
 * scalar kernel's results — score, end points and CIGAR — on random
 * sequence and on reads drawn from real chr20 sequence (demo/data/ref.fa)
 * with substitutions, indels and Ns, over many band shapes. */
#include "unit.h"
#include "al_extend.h"
#include "al_nt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const al_scoring_t SC = { 1, 4, 1, 6, 1, 5 };

typedef struct kcase {
	int n_checked, n_diff, n_aligned, n_gapped;
} kcase_t;

/* Align with every kernel this CPU runs; count cases whose results differ
 * from the scalar kernel's. */
static void compare_kernels(unit_t *t, const uint8_t *q, int ql, const uint8_t *r, int tl, int dlo, int dhi,
			    const al_scoring_t *sc, kcase_t *kc)
{
	static const al_kernel_t ks[] = { AL_KERNEL_SSE41, AL_KERNEL_AVX2 };
	al_dp_buf_t b0 = { 0 };
	al_alignment_t r0 = { 0 };
	size_t k;
	int s0;
	b0.kernel = AL_KERNEL_SCALAR;
	s0 = al_extend_banded(q, ql, r, tl, dlo, dhi, sc, &b0, &r0);
	if (s0 > 0) {
		int c;
		kc->n_aligned++;
		for (c = 0; c < r0.n_cigar; c++)
			if ((r0.cigar[c] & 0xf) == 1 || (r0.cigar[c] & 0xf) == 2) { kc->n_gapped++; break; }
	}
	for (k = 0; k < sizeof ks / sizeof ks[0]; k++) {
		al_dp_buf_t b1 = { 0 };
		al_alignment_t r1 = { 0 };
		int s1, same;
		if (!al_extend_kernel_supported(ks[k])) continue;
		b1.kernel = ks[k];
		s1 = al_extend_banded(q, ql, r, tl, dlo, dhi, sc, &b1, &r1);
		same = s1 == s0 && r1.score == r0.score && r1.qb == r0.qb && r1.qe == r0.qe && r1.tb == r0.tb &&
		       r1.te == r0.te && r1.n_cigar == r0.n_cigar &&
		       (r0.n_cigar == 0 || memcmp(r0.cigar, r1.cigar, (size_t)r0.n_cigar * sizeof *r0.cigar) == 0);
		kc->n_checked++;
		if (!same) {
			if (kc->n_diff < 5) {
				char what[160];
				snprintf(what, sizeof what, "%s differs: ql=%d tl=%d band [%d,%d] score %d vs %d",
					 al_extend_kernel_name(ks[k]), ql, tl, dlo, dhi, s1, s0);
				unit_fail(t, __FILE__, __LINE__, what);
			}
			kc->n_diff++;
		}
		al_alignment_free(&r1);
		al_dp_buf_free(&b1);
	}
	al_alignment_free(&r0);
	al_dp_buf_free(&b0);
}

/* A read from r[at..): substitutions, indels up to 12 bases and Ns at the
 * given per-base rates (percent); returns its length. */
static int mutate(const uint8_t *r, int rl, int at, int len, int sub_pct, int indel_pct, int n_pct, uint64_t *rng, uint8_t *q)
{
	int n = 0, p = at;
	while (n < len && p < rl) {
		unsigned x = (unsigned)(unit_rng_next(rng) % 1000);
		if ((int)x < indel_pct * 10) {
			int l = 1 + (int)(unit_rng_next(rng) % 12);
			if (unit_rng_next(rng) & 1) p += l; /* deletion */
			else while (l-- > 0 && n < len) q[n++] = (uint8_t)(unit_rng_next(rng) & 3);
			continue;
		}
		x = (unsigned)(unit_rng_next(rng) % 1000);
		if ((int)x < n_pct * 10) q[n++] = 4;
		else if ((int)x < (n_pct + sub_pct) * 10) q[n++] = (uint8_t)((r[p] + 1 + unit_rng_next(rng) % 3) & 3);
		else q[n++] = r[p];
		p++;
	}
	return n;
}

static void random_cases(unit_t *t, const uint8_t *ref, int rl, int n_cases, uint64_t seed, kcase_t *kc)
{
	uint8_t q[600];
	uint64_t rng = seed;
	int c;
	for (c = 0; c < n_cases; c++) {
		int len = 20 + (int)(unit_rng_next(&rng) % 281); /* 20..300 */
		int kind = (int)(unit_rng_next(&rng) % 4), tl, at, ql, dlo, dhi, pad;
		const uint8_t *win;
		al_scoring_t sc = SC;
		pad = (int)(unit_rng_next(&rng) % 120);
		tl = len + 2 * pad + (int)(unit_rng_next(&rng) % 40);
		if (tl > rl) tl = rl;
		win = ref + unit_rng_next(&rng) % (uint64_t)(rl - tl + 1);
		at = pad < tl ? pad : 0;
		if (kind == 0) { /* unrelated sequence */
			for (ql = 0; ql < len; ql++) q[ql] = (uint8_t)(unit_rng_next(&rng) % 5 == 0 ? 4 : unit_rng_next(&rng) & 3);
		} else {
			int sub = kind == 1 ? 1 : kind == 2 ? 5 : 15, indel = kind == 1 ? 0 : kind == 2 ? 1 : 4;
			ql = mutate(win, tl, at, len, sub, indel, kind == 3 ? 2 : 0, &rng, q);
			if (ql < 1) continue;
		}
		switch (unit_rng_next(&rng) % 4) {
		case 0: dlo = -ql; dhi = tl; break;                       /* full matrix */
		case 1: dlo = at - 24; dhi = at + 24; break;              /* cluster band */
		case 2: dlo = at - 1 - (int)(unit_rng_next(&rng) % 70); dhi = at + (int)(unit_rng_next(&rng) % 70); break;
		default: dlo = -(int)(unit_rng_next(&rng) % 400); dhi = dlo + (int)(unit_rng_next(&rng) % 400); break;
		}
		if (unit_rng_next(&rng) % 8 == 0) { /* other scores */
			sc.a = 1 + (int)(unit_rng_next(&rng) % 3);
			sc.b = 1 + (int)(unit_rng_next(&rng) % 6);
			sc.o = (int)(unit_rng_next(&rng) % 8);
			sc.e = 1 + (int)(unit_rng_next(&rng) % 3);
			sc.clip = (int)(unit_rng_next(&rng) % 10);
		}
		compare_kernels(t, q, ql, win, tl, dlo, dhi, &sc, kc);
	}
}

static void test_random_sequence(unit_t *t)
{
	uint8_t ref[4000];
	uint64_t rng = 0x9e3779b97f4a7c15ULL;
	kcase_t kc = { 0 };
	int i;
	for (i = 0; i < (int)sizeof ref; i++) ref[i] = (uint8_t)(unit_rng_next(&rng) & 3);
	random_cases(t, ref, (int)sizeof ref, 3000, 12345, &kc);
	UNIT_CHECK_INT(t, kc.n_diff, 0);
	if (al_extend_kernel_supported(AL_KERNEL_SSE41)) UNIT_CHECK(t, kc.n_checked >= 3000);
	UNIT_CHECK(t, kc.n_aligned > 1500);
	UNIT_CHECK(t, kc.n_gapped > 300);
}

/* Real sequence: chr20 slices of the demo reference (repeats, low complexity). */
static void test_real_sequence(unit_t *t)
{
	FILE *f = fopen("demo/data/ref.fa", "r");
	uint8_t *ref = malloc(400000);
	int rl = 0, ch;
	kcase_t kc = { 0 };
	UNIT_CHECK(t, f != NULL && ref != NULL);
	if (!f || !ref) { free(ref); if (f) fclose(f); return; }
	while ((ch = fgetc(f)) != EOF && rl < 400000) {
		if (ch == '>') { while ((ch = fgetc(f)) != EOF && ch != '\n') {} continue; }
		if (ch == '\n') continue;
		ref[rl++] = al_nt_code((char)ch);
	}
	fclose(f);
	UNIT_CHECK(t, rl > 300000);
	random_cases(t, ref, rl, 4000, 777, &kc);
	UNIT_CHECK_INT(t, kc.n_diff, 0);
	UNIT_CHECK(t, kc.n_aligned > 2000);
	free(ref);
}

/* Edge shapes: bands entirely left/right of the window, one-column windows,
 * one-base reads, band widths around the vector widths. */
static void test_edge_shapes(unit_t *t)
{
	uint8_t ref[300], q[300];
	uint64_t rng = 42;
	kcase_t kc = { 0 };
	int i, w, ql, tl;
	for (i = 0; i < 300; i++) ref[i] = (uint8_t)(unit_rng_next(&rng) & 3);
	for (ql = 1; ql <= 40; ql += 13)
		for (tl = 1; tl <= 70; tl += 23) {
			memcpy(q, ref + 3, (size_t)ql);
			for (w = 1; w <= 34; w++) {
				compare_kernels(t, q, ql, ref, tl, -ql - 5, -ql - 5 + w - 1, &SC, &kc);
				compare_kernels(t, q, ql, ref, tl, 3 - w / 2, 3 - w / 2 + w - 1, &SC, &kc);
				compare_kernels(t, q, ql, ref, tl, tl - 2, tl - 2 + w - 1, &SC, &kc);
			}
		}
	UNIT_CHECK_INT(t, kc.n_diff, 0);
}

static void test_kernel_names(unit_t *t)
{
	al_kernel_t k;
	UNIT_CHECK_INT(t, al_extend_kernel_parse("scalar", &k), 0);
	UNIT_CHECK_INT(t, k, AL_KERNEL_SCALAR);
	UNIT_CHECK_INT(t, al_extend_kernel_parse("avx2", &k), 0);
	UNIT_CHECK_INT(t, k, AL_KERNEL_AVX2);
	UNIT_CHECK_INT(t, al_extend_kernel_parse("sse4.1", &k), 0);
	UNIT_CHECK_INT(t, k, AL_KERNEL_SSE41);
	UNIT_CHECK_INT(t, al_extend_kernel_parse("auto", &k), 0);
	UNIT_CHECK(t, al_extend_kernel_supported(k));
	UNIT_CHECK(t, al_extend_kernel_parse("avx512", &k) < 0);
	UNIT_CHECK_STR(t, al_extend_kernel_name(AL_KERNEL_AVX2), "avx2");
	UNIT_CHECK(t, al_extend_kernel_supported(AL_KERNEL_SCALAR));
}

int main(void)
{
	unit_t t;
	unit_init(&t, "align/extend_kernels");
	UNIT_RUN(&t, test_random_sequence);
	UNIT_RUN(&t, test_real_sequence);
	UNIT_RUN(&t, test_edge_shapes);
	UNIT_RUN(&t, test_kernel_names);
	return unit_finish(&t);
}
