#include "cv_mapq.h"

static int tag_int(const bam1_t *b, const char tag[2], int64_t *v)
{
	const uint8_t *p = bam_aux_get(b, tag);
	if (!p) return 0;
	int64_t x = bam_aux2i(p);
	if (x == 0 && (*p != 'c' && *p != 'C' && *p != 's' && *p != 'S' && *p != 'i' && *p != 'I')) return 0;
	*v = x;
	return 1;
}

int cv_mapq_effective(const bam1_t *b, const cv_opts_t *o)
{
	const bam1_core_t *c = &b->core;
	int mq = c->qual > o->cap_mapq ? o->cap_mapq : c->qual;
	if (!o->mapq_adjust) return mq;
	int64_t as, xs, mmq = 0;
	if (tag_int(b, "AS", &as) && tag_int(b, "XS", &xs) && xs > 0) {
		/* in a proper pair the mate's placement vouches for this one:
		 * its MAPQ (MQ tag) is added; without the tag, no cap */
		int proper = (c->flag & BAM_FPAIRED) && (c->flag & BAM_FPROPER_PAIR);
		if (proper && !tag_int(b, "MQ", &mmq)) mmq = 255;
		int64_t cap = 3 * (as - xs) + (proper ? mmq : 0);
		if (cap < 0) cap = 0;
		if (cap < mq) mq = (int)cap;
	}
	if (c->flag & BAM_FPAIRED) {
		int far = (c->flag & BAM_FMUNMAP) || c->mtid != c->tid ||
			  (o->mate_far > 0 && (c->isize > o->mate_far || c->isize < -o->mate_far));
		if (far && mq > o->mate_cap) mq = o->mate_cap;
	}
	return mq;
}
