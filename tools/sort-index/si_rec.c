#include "si_rec.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

int si_name_cmp(const char *sa, const char *sb)
{
	const unsigned char *a = (const unsigned char *)sa, *b = (const unsigned char *)sb;
	while (*a && *b) {
		if (is_digit(*a) && is_digit(*b)) {
			const unsigned char *ea, *eb;
			size_t la, lb, i;
			while (*a == '0') a++;
			while (*b == '0') b++;
			for (ea = a; is_digit(*ea); ea++) {}
			for (eb = b; is_digit(*eb); eb++) {}
			la = (size_t)(ea - a);
			lb = (size_t)(eb - b);
			if (la != lb) return la < lb ? -1 : 1; /* more digits: larger */
			for (i = 0; i < la; i++)
				if (a[i] != b[i]) return (int)a[i] - (int)b[i];
			a = ea;
			b = eb;
			continue;
		}
		if (*a != *b) return (int)*a - (int)*b;
		a++;
		b++;
	}
	return *a ? 1 : (*b ? -1 : 0);
}

int si_rec_cmp_name(const si_rec_t *a, const si_rec_t *b)
{
	int c = si_name_cmp(gsa_bamrec_qname(a), gsa_bamrec_qname(b));
	if (c) return c;
	return (int)(gsa_bamrec_flag(a) & 0xc0) - (int)(gsa_bamrec_flag(b) & 0xc0);
}
