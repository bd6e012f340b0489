/* cv_gvcf: the --gvcf-bands list. */
#include <stdio.h>
#include <string.h>

#include "cv_gvcf.h"
#include "unit.h"

static void test_bands(unit_t *t)
{
	cv_opts_t o, def;
	cv_opts_init(&o);
	cv_opts_init(&def);
	UNIT_CHECK_INT(t, cv_gvcf_parse_bands(&o, "20,40"), 0);
	UNIT_CHECK(t, o.ngvcf_bands == 3 && o.gvcf_bands[0] == 0 && o.gvcf_bands[1] == 20 && o.gvcf_bands[2] == 40);
	UNIT_CHECK_INT(t, cv_gvcf_parse_bands(&o, "0"), 0);
	UNIT_CHECK(t, o.ngvcf_bands == 1 && o.gvcf_bands[0] == 0);
	/* 31 values fit, 32 do not */
	char list[128] = "", item[8];
	for (int i = 0; i < 31; i++) {
		snprintf(item, sizeof item, i ? ",%d" : "%d", i);
		strcat(list, item);
	}
	UNIT_CHECK_INT(t, cv_gvcf_parse_bands(&o, list), 0);
	UNIT_CHECK_INT(t, o.ngvcf_bands, 31);
	strcat(list, ",31");
	/* refused values leave o as it was */
	static const char *const bad[] = { "", "1,", ",1", "5,,6", " 5", "+5", "-5", "10,10", "20,10", "100", "0x10", "1 2" };
	cv_opts_init(&o);
	UNIT_CHECK(t, cv_gvcf_parse_bands(&o, list) < 0);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) UNIT_CHECK(t, cv_gvcf_parse_bands(&o, bad[i]) < 0);
	UNIT_CHECK(t, o.ngvcf_bands == def.ngvcf_bands && memcmp(o.gvcf_bands, def.gvcf_bands, sizeof o.gvcf_bands) == 0);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "call-variants gvcf");
	UNIT_RUN(&t, test_bands);
	return unit_finish(&t);
}
