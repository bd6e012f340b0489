#include "bamrec.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

int64_t gsa_bamrec_endpos(const uint8_t *r)
{
	int64_t pos = gsa_bamrec_pos(r), len = 0;
	uint32_t n_cigar = gsa_le16(r + 16), i;
	const uint8_t *cig = r + 36 + r[12];
	if ((gsa_bamrec_flag(r) & BAM_FUNMAP) || n_cigar == 0) return pos + 1;
	for (i = 0; i < n_cigar; i++) {
		uint32_t c = gsa_le32(cig + 4 * i);
		if (bam_cigar_type(c & 0xf) & 2) len += c >> 4; /* consumes the reference */
	}
	return pos + (len > 0 ? len : 1);
}

int gsa_bamrec_check(const uint8_t *r, int32_t n_targets, char *what, size_t len)
{
	uint32_t bs = gsa_le32(r), l_name, n_cigar, l_seq;
	int32_t tid, pos, mtid, mpos;
	if (bs < GSA_BAMREC_MIN_BLOCK) {
		snprintf(what, len, "block_size %" PRIu32 " < 32", bs);
		return -1;
	}
	tid = gsa_bamrec_tid(r);
	pos = gsa_bamrec_pos(r);
	l_name = r[12];
	n_cigar = gsa_le16(r + 16);
	l_seq = gsa_le32(r + 20);
	mtid = gsa_bamrec_mtid(r);
	mpos = (int32_t)gsa_le32(r + 28);
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

size_t gsa_bamrec_packed_size(const bam1_t *b)
{
	size_t n = 36 + name_len(b) + ((size_t)b->l_data - (size_t)b->core.l_qname);
	if (b->core.n_cigar > 0xffff) n = n - 4 * (size_t)b->core.n_cigar + 8 + cg_tag_size(b);
	return n;
}

int gsa_bamrec_pack(const bam1_t *b, uint8_t *dst, gsa_err_t *err)
{
	const bam1_core_t *c = &b->core;
	size_t size = gsa_bamrec_packed_size(b), cig_bytes = 4 * (size_t)c->n_cigar;
	uint32_t l_name = name_len(b), i;
	int long_cigar = c->n_cigar > 0xffff;
	const uint8_t *after_cigar = b->data + c->l_qname + cig_bytes;
	size_t rest = (size_t)b->l_data - c->l_qname - cig_bytes;
	uint8_t *p;
	if (size - 4 > UINT32_MAX || l_name > 255 || l_name == 0)
		return gsa_err_set(err, GSA_EDATA, "record %s: read name or record too long for BAM", bam_get_qname(b));
	if (c->pos > INT32_MAX || c->mpos > INT32_MAX || c->isize > INT32_MAX || c->isize < INT32_MIN)
		return gsa_err_set(err, GSA_EDATA, "record %s: position too large for BAM", bam_get_qname(b));
	gsa_put32(dst, (uint32_t)(size - 4));
	gsa_put32(dst + 4, (uint32_t)c->tid);
	gsa_put32(dst + 8, (uint32_t)c->pos);
	dst[12] = (uint8_t)l_name;
	dst[13] = c->qual;
	gsa_put16(dst + 14, c->bin);
	gsa_put16(dst + 16, long_cigar ? 2 : (uint16_t)c->n_cigar);
	gsa_put16(dst + 18, c->flag);
	gsa_put32(dst + 20, (uint32_t)c->l_qseq);
	gsa_put32(dst + 24, (uint32_t)c->mtid);
	gsa_put32(dst + 28, (uint32_t)c->mpos);
	gsa_put32(dst + 32, (uint32_t)c->isize);
	p = dst + 36;
	memcpy(p, b->data, l_name);
	p += l_name;
	if (long_cigar) {
		/* placeholder <l_seq>S<rlen>N, the real CIGAR in a CG:B,I tag */
		gsa_put32(p, (uint32_t)c->l_qseq << 4 | BAM_CSOFT_CLIP);
		gsa_put32(p + 4, (uint32_t)bam_cigar2rlen((int)c->n_cigar, bam_get_cigar(b)) << 4 | BAM_CREF_SKIP);
		p += 8;
	} else {
		memcpy(p, b->data + c->l_qname, cig_bytes);
		p += cig_bytes;
	}
	memcpy(p, after_cigar, rest);
	p += rest;
	if (long_cigar) {
		memcpy(p, "CGBI", 4);
		gsa_put32(p + 4, c->n_cigar);
		for (i = 0; i < c->n_cigar; i++) gsa_put32(p + 8 + 4 * i, bam_get_cigar(b)[i]);
	}
	return 0;
}
