/* Indel left-alignment and read-to-haplotype alignment costs. */
#include <string.h>

#include "cv_indel.h"
#include "unit.h"

static void test_left_align_deletion_homopolymer(unit_t *t)
{
	/*                0123456789 */
	const char *ref = "GCAAAAAATG";
	/* deleting any one A (anchor 2..7) ends as anchor C at 1 */
	for (int64_t a = 1; a <= 6; a++) {
		int64_t p = a;
		cv_indel_left_align(ref, 10, &p, 1, NULL, 0);
		UNIT_CHECK_INT(t, p, 1);
	}
	/* a deletion that is not in a repeat does not move */
	int64_t p = 7;
	cv_indel_left_align(ref, 10, &p, 1, NULL, 0);
	UNIT_CHECK_INT(t, p, 7);
}

static void test_left_align_insertion_str(unit_t *t)
{
	/*                0123456789 */
	const char *ref = "GTCACACAGT";
	/* CA inserted after the last A (anchor 7) -> after T (anchor 1), as "CA" */
	char ins[3] = "CA";
	int64_t p = 7;
	cv_indel_left_align(ref, 10, &p, 0, ins, 2);
	UNIT_CHECK_INT(t, p, 1);
	UNIT_CHECK_STR(t, ins, "CA");
	/* the same event written as AC after anchor 6 lands in the same place */
	char ins2[3] = "AC";
	p = 6;
	cv_indel_left_align(ref, 10, &p, 0, ins2, 2);
	UNIT_CHECK_INT(t, p, 1);
	UNIT_CHECK_STR(t, ins2, "CA");
	/* a 2-bp deletion of the repeat unit */
	p = 5;
	cv_indel_left_align(ref, 10, &p, 2, NULL, 0);
	UNIT_CHECK_INT(t, p, 1);
}

static void test_align_costs(unit_t *t)
{
	const char *hap = "TTGACCTAGGCATCGATCGGATCCAGTCAGT";
	int m = (int)strlen(hap), work[6 * 41];
	uint8_t q[64];
	memset(q, 30, sizeof q);
	/* exact substring: cost 0 */
	UNIT_CHECK_INT(t, cv_align_cost(hap + 5, q, 20, hap, m, 5, 10, 40, 10, work), 0);
	/* one mismatch costs its quality */
	char r[32];
	memcpy(r, hap + 5, 20);
	r[10] = r[10] == 'A' ? 'C' : 'A';
	UNIT_CHECK_INT(t, cv_align_cost(r, q, 20, hap, m, 5, 10, 40, 10, work), 30);
	/* the read lacks one base in the middle: one gap open (cheaper than the mismatches) */
	char d[32];
	memcpy(d, hap + 3, 10);
	memcpy(d + 10, hap + 14, 12);
	UNIT_CHECK_INT(t, cv_align_cost(d, q, 22, hap, m, 3, 10, 40, 10, work), 40);
	/* a 3-base insertion in the read: open + 2 extensions */
	char in[40];
	memcpy(in, hap + 3, 10);
	memcpy(in + 10, "GGG", 3);
	memcpy(in + 13, hap + 13, 12);
	UNIT_CHECK_INT(t, cv_align_cost(in, q, 25, hap, m, 3, 10, 40, 10, work), 60);
	/* the band limits where the read may go: found at its offset, not far away */
	UNIT_CHECK_INT(t, cv_align_cost(hap + 20, q, 10, hap, m, 20, 2, 40, 10, work), 0);
	UNIT_CHECK(t, cv_align_cost(hap + 20, q, 10, hap, m, 0, 2, 40, 10, work) >= 60);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "call-variants indel");
	UNIT_RUN(&t, test_left_align_deletion_homopolymer);
	UNIT_RUN(&t, test_left_align_insertion_str);
	UNIT_RUN(&t, test_align_costs);
	return unit_finish(&t);
}
