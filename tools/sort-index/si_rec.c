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
	int c = si_name_cmp(si_rec_qname(a), si_rec_qname(b));
	if (c) return c;
	return (int)(si_rec_flag(a) & 0xc0) - (int)(si_rec_flag(b) & 0xc0);
}

int64_t si_rec_endpos(const si_rec_t *r)
{
	int64_t pos = si_rec_pos(r), len = 0;
	uint32_t n_cigar = si_le16(r + 16), i;
	const uint8_t *cig = r + 36 + r[12];
	if ((si_rec_flag(r) & BAM_FUNMAP) || n_cigar == 0) return pos + 1;
	for (i = 0; i < n_cigar; i++) {
		uint32_t c = si_le32(cig + 4 * i);
		if (bam_cigar_type(c & 0xf) & 2) len += c >> 4; /* consumes the reference */
	}
	return pos + (len > 0 ? len : 1);
}

int si_rec_check(const si_rec_t *r, int32_t n_targets, char *what, size_t len)
{
	uint32_t bs = si_le32(r), l_name, n_cigar, l_seq;
	int32_t tid, pos, mtid, mpos;
	if (bs < SI_REC_MIN_BLOCK) {
		snprintf(what, len, "block_size %" PRIu32 " < 32", bs);
		return -1;
	}
	tid = si_rec_tid(r);
	pos = si_rec_pos(r);
	l_name = r[12];
	n_cigar = si_le16(r + 16);
	l_seq = si_le32(r + 20);
	mtid = si_rec_mtid(r);
	mpos = (int32_t)si_le32(r + 28);
	if (l_name < 1) {
		snprintf(what, len, "empty read name");
		return -1;
	}
	if (32 + (uint64_t)l_name + 4 * (uint64_t)n_cigar + ((uint64_t)l_seq + 1) / 2 + l_seq > bs) {
		snprintf(what, len, "fields longer than block_size %" PRIu32, bs);
		return -1;
	}
	if (r[36 + l_name - 1] != 0) {
		snprintf(what, len, "read name not NUL-terminated");
		return -1;
	}
	if (tid < -1 || tid >= n_targets || mtid < -1 || mtid >= n_targets) {
		int own = tid < -1 || tid >= n_targets;
		snprintf(what, len, "%s %" PRId32 " not in [-1, %" PRId32 "): a contig the header does not list",
			 own ? "refID" : "next_refID", own ? tid : mtid, n_targets);
		return -1;
	}
	if (pos < -1 || mpos < -1) {
		snprintf(what, len, "%s %" PRId32 " < -1", pos < -1 ? "pos" : "next_pos", pos < -1 ? pos : mpos);
		return -1;
	}
	return 0;
}

/* Name bytes as stored (htslib may pad the name with extra NULs). */
static uint32_t name_len(const bam1_t *b)
{
	return (uint32_t)(b->core.l_qname - b->core.l_extranul);
}

/* The CG tag of a long CIGAR: "CGBI" + count + the operations. */
static size_t cg_tag_size(const bam1_t *b)
{
	return b->core.n_cigar > 0xffff ? 8 + 4 * (size_t)b->core.n_cigar : 0;
}

size_t si_rec_packed_size(const bam1_t *b)
{
	size_t n = 36 + name_len(b) + ((size_t)b->l_data - (size_t)b->core.l_qname);
	if (b->core.n_cigar > 0xffff) n = n - 4 * (size_t)b->core.n_cigar + 8 + cg_tag_size(b);
	return n;
}

int si_rec_pack(const bam1_t *b, uint8_t *dst, gsa_err_t *err)
{
	const bam1_core_t *c = &b->core;
	size_t size = si_rec_packed_size(b), cig_bytes = 4 * (size_t)c->n_cigar;
	uint32_t l_name = name_len(b), i;
	int long_cigar = c->n_cigar > 0xffff;
	const uint8_t *after_cigar = b->data + c->l_qname + cig_bytes;
	size_t rest = (size_t)b->l_data - c->l_qname - cig_bytes;
	uint8_t *p;
	if (size - 4 > UINT32_MAX || l_name > 255 || l_name == 0)
		return gsa_err_set(err, GSA_EDATA, "record %s: read name or record too long for BAM", bam_get_qname(b));
	if (c->pos > INT32_MAX || c->mpos > INT32_MAX || c->isize > INT32_MAX || c->isize < INT32_MIN)
		return gsa_err_set(err, GSA_EDATA, "record %s: position too large for BAM", bam_get_qname(b));
	si_put32(dst, (uint32_t)(size - 4));
	si_put32(dst + 4, (uint32_t)c->tid);
	si_put32(dst + 8, (uint32_t)c->pos);
	dst[12] = (uint8_t)l_name;
	dst[13] = c->qual;
	si_put16(dst + 14, c->bin);
	si_put16(dst + 16, long_cigar ? 2 : (uint16_t)c->n_cigar);
	si_put16(dst + 18, c->flag);
	si_put32(dst + 20, (uint32_t)c->l_qseq);
	si_put32(dst + 24, (uint32_t)c->mtid);
	si_put32(dst + 28, (uint32_t)c->mpos);
	si_put32(dst + 32, (uint32_t)c->isize);
	p = dst + 36;
	memcpy(p, b->data, l_name);
	p += l_name;
	if (long_cigar) {
		/* placeholder <l_seq>S<rlen>N, the real CIGAR in a CG:B,I tag */
		si_put32(p, (uint32_t)c->l_qseq << 4 | BAM_CSOFT_CLIP);
		si_put32(p + 4, (uint32_t)bam_cigar2rlen((int)c->n_cigar, bam_get_cigar(b)) << 4 | BAM_CREF_SKIP);
		p += 8;
	} else {
		memcpy(p, b->data + c->l_qname, cig_bytes);
		p += cig_bytes;
	}
	memcpy(p, after_cigar, rest);
	p += rest;
	if (long_cigar) {
		memcpy(p, "CGBI", 4);
		si_put32(p + 4, c->n_cigar);
		for (i = 0; i < c->n_cigar; i++) si_put32(p + 8 + 4 * i, bam_get_cigar(b)[i]);
	}
	return 0;
}
