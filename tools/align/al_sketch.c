#include "al_sketch.h"
#include "alloc.h"

uint64_t al_sketch_hash(uint64_t x)
{
	/* xor-shifts and odd multipliers are each invertible mod 2^64 */
	x ^= x >> 31;
	x *= 0x7fb5d329728ea185ULL;
	x ^= x >> 27;
	x *= 0x81dadef4bc2dd44dULL;
	x ^= x >> 33;
	return x;
}

#define SKETCH_WMAX 64

size_t al_sketch_minimizers(const uint8_t *seq, size_t len, int k, int w,
			 al_minimizer_t **out, size_t *n, size_t *cap)
{
	return al_sketch_minimizers_part(seq, len, k, w, 1, out, n, cap);
}

size_t al_sketch_minimizers_part(const uint8_t *seq, size_t len, int k, int w, int is_end,
			      al_minimizer_t **out, size_t *n, size_t *cap)
{
	const uint64_t mask = (k >= 32) ? ~0ULL : ((1ULL << (2 * k)) - 1);
	const int shift = 2 * (k - 1);
	uint64_t fwd = 0, rev = 0;
	al_minimizer_t win[SKETCH_WMAX];
	size_t start = *n, i;
	int valid = 0;      /* consecutive non-N bases */
	int filled = 0;     /* k-mers in the current window run */
	int head = 0;       /* ring position of the next k-mer */
	int min_at = -1;    /* ring index of the current minimum */
	uint32_t last_pos = UINT32_MAX;
	if (w > SKETCH_WMAX) w = SKETCH_WMAX;
	for (i = 0; i < len; i++) {
		uint8_t c = seq[i];
		if (c > 3) {
			valid = 0;
			filled = 0;
			min_at = -1;
			continue;
		}
		fwd = ((fwd << 2) | c) & mask;
		rev = (rev >> 2) | ((uint64_t)(3 - c) << shift);
		if (++valid < k) continue;
		al_minimizer_t h;
		h.pos = (uint32_t)(i + 1 - (size_t)k);
		if (fwd < rev) { h.hash = al_sketch_hash(fwd); h.strand = 0; }
		else { h.hash = al_sketch_hash(rev); h.strand = 1; }
		int slot = head;
		int leaving = (filled == w && min_at == slot);
		win[slot] = h;
		if (++head == w) head = 0; /* no division: this runs once per base */
		if (filled < w) filled++;
		if (leaving) {
			/* the minimum just left the window: rescan, oldest first */
			int j, best = -1;
			for (j = 0; j < w; j++) {
				int s = head + j < w ? head + j : head + j - w;
				if (best < 0 || win[s].hash < win[best].hash) best = s;
			}
			min_at = best;
		} else if (min_at < 0 || h.hash < win[min_at].hash) {
			min_at = slot;
		}
		if (filled == w && win[min_at].pos != last_pos) {
			*out = gsa_xgrow(*out, cap, *n + 1, sizeof **out);
			(*out)[(*n)++] = win[min_at];
			last_pos = win[min_at].pos;
		}
	}
	/* a sequence shorter than one window: keep its smallest k-mer */
	if (is_end && filled > 0 && filled < w && min_at >= 0 && win[min_at].pos != last_pos) {
		*out = gsa_xgrow(*out, cap, *n + 1, sizeof **out);
		(*out)[(*n)++] = win[min_at];
	}
	return *n - start;
}
