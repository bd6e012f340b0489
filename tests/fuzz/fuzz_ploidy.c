/* fuzz_ploidy.c — call-variants' ploidy rules and sample sexes
 * (cv_ploidy_load, cv_ploidy_set_sex): the input is a ploidy file, then
 * optionally a NUL and a --sample-sex value for samples S1 and S2 (a file
 * when the ploidy file's length is odd, else the NAME=SEX,... string).
 * Every rule kept is a non-empty span with ploidy 0..2 and sex M or F;
 * cv_ploidy_at answers 0..2 and a next change after the position asked. */
#include "fuzz.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "call-variants/cv_ploidy.h"

static void check_rules(const cv_ploidy_t *p)
{
	for (int i = 0; i < p->nrule; i++) {
		const cv_ploidy_rule_t *r = &p->rule[i];
		if (r->beg < 0 || r->beg >= r->end || r->ploidy < 0 || r->ploidy > 2 || (r->sex != 'M' && r->sex != 'F'))
			abort();
		for (int s = 0; s < 2; s++) {
			int64_t pos[3] = { r->beg, r->end - 1, r->end }, until = 0;
			for (int k = 0; k < 3; k++) {
				int pl = cv_ploidy_at(p, r->contig, pos[k], s, &until);
				if (pl < 0 || pl > 2 || (until <= pos[k] && pos[k] < INT64_MAX)) abort();
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *const samples[2] = { "S1", "S2" };
	const uint8_t *nul = memchr(data, 0, size);
	size_t len0 = nul ? (size_t)(nul - data) : size;
	char path[64], spath[64], *spec = NULL;
	int fd = fuzz_memfile(data, len0, path), sfd = -1;
	cv_ploidy_t p;
	gsa_err_t err = { 0 };
	memset(&p, 0, sizeof p);
	if (fd >= 0 && cv_ploidy_load(&p, path, &err) == 0) {
		check_rules(&p);
		if (nul && len0 % 2) {
			sfd = fuzz_memfile(nul + 1, size - len0 - 1, spath);
			if (sfd >= 0) spec = strdup(spath);
		} else if (nul) {
			spec = fuzz_strndup(nul + 1, size - len0 - 1);
		}
		if (!nul || spec) {
			if (cv_ploidy_set_sex(&p, samples, 2, spec, &err) == 0)
				for (int s = 0; s < 2; s++)
					if (p.sex[s] != 'M' && p.sex[s] != 'F') abort();
			check_rules(&p);
		}
	}
	cv_ploidy_free(&p);
	free(spec);
	if (sfd >= 0) close(sfd);
	if (fd >= 0) close(fd);
	return 0;
}
