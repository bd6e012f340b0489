#include "cv_indel.h"

#define BIG 0x20000000

void cv_indel_left_align(const char *ref, int64_t rlen, int64_t *pos, int del_len,
			 char *ins, int ins_len)
{
	int64_t p = *pos;
	if (del_len > 0) {
		while (p > 0 && p + del_len < rlen && ref[p] == ref[p + del_len]) p--;
	} else if (ins_len > 0) {
		while (p > 0 && p < rlen && ref[p] == ins[ins_len - 1]) {
			char c = ins[ins_len - 1];
			for (int i = ins_len - 1; i > 0; i--) ins[i] = ins[i - 1];
			ins[0] = c;
			p--;
		}
	}
	*pos = p;
}

static inline int min2(int a, int b) { return a < b ? a : b; }

int cv_align_cost(const char *r, const uint8_t *q, int n, const char *h, int m,
		  int off, int band, int gap_open, int gap_ext, int *work)
{
	int W = 2 * band + 1;
	int *pM = work, *pI = work + W, *pD = work + 2 * W;
	int *cM = work + 3 * W, *cI = work + 4 * W, *cD = work + 5 * W;
	for (int k = 0; k < W; k++) {
		int j = off + k - band;
		pM[k] = (j >= 0 && j <= m) ? 0 : BIG;
		pI[k] = pD[k] = BIG;
	}
	for (int i = 1; i <= n; i++) {
		char rb = r[i - 1];
		int mis = rb == 'N' ? 2 : q[i - 1] < 2 ? 2 : q[i - 1] > 40 ? 40 : q[i - 1];
		for (int k = 0; k < W; k++) {
			int j = i + off + k - band;
			if (j < 0 || j > m) { cM[k] = cI[k] = cD[k] = BIG; continue; }
			int vm = BIG, vi = BIG, vd = BIG;
			if (j >= 1) {
				int best = min2(pM[k], min2(pI[k], pD[k]));
				if (best < BIG) vm = best + (rb == h[j - 1] && rb != 'N' ? 0 : mis);
			}
			if (k + 1 < W) vi = min2(pM[k + 1] + gap_open, pI[k + 1] + gap_ext);
			if (k >= 1) vd = min2(min2(cM[k - 1], cI[k - 1]) + gap_open, cD[k - 1] + gap_ext);
			cM[k] = min2(vm, BIG); cI[k] = min2(vi, BIG); cD[k] = min2(vd, BIG);
		}
		int *t;
		t = pM; pM = cM; cM = t;
		t = pI; pI = cI; cI = t;
		t = pD; pD = cD; cD = t;
	}
	int best = BIG;
	for (int k = 0; k < W; k++) {
		int j = n + off + k - band;
		if (j < 0 || j > m) continue;
		best = min2(best, min2(pM[k], pI[k]));
	}
	return best;
}
