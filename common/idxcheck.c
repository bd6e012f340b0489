#include "idxcheck.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <htslib/bgzf.h>

#include "alloc.h"
#include "io.h"
#include "strbuf.h"

/* A cursor over the index bytes; every read is bounds-checked. */
typedef struct cur {
	const uint8_t *p, *z;
} cur_t;

static int get_u32(cur_t *c, uint32_t *v)
{
	if (c->z - c->p < 4) return -1;
	*v = (uint32_t)c->p[0] | (uint32_t)c->p[1] << 8 | (uint32_t)c->p[2] << 16 | (uint32_t)c->p[3] << 24;
	c->p += 4;
	return 0;
}

static int get_i32(cur_t *c, int32_t *v)
{
	uint32_t u;
	if (get_u32(c, &u) < 0) return -1;
	*v = (int32_t)u;
	return 0;
}

static int get_u64(cur_t *c, uint64_t *v)
{
	uint32_t lo, hi;
	if (get_u32(c, &lo) < 0 || get_u32(c, &hi) < 0) return -1;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

/* a virtual file offset must point into the data file (its compressed part
 * at most to the end: the end-of-file block starts there) */
static int voff_ok(uint64_t voff, uint64_t data_size)
{
	return data_size == 0 || (voff >> 16) <= data_size;
}

/* count in [0, max] and count*each bytes left */
static int count_ok(const cur_t *c, int32_t count, int32_t max, size_t each)
{
	return count >= 0 && count <= max && (size_t)(c->z - c->p) / each >= (size_t)count;
}

#define BAD(...) gsa_err_set(err, GSA_EDATA, __VA_ARGS__)

/* the chunks of one bin: n_chunk then (beg, end) virtual offsets */
static int check_chunks(cur_t *c, int pseudo, uint64_t data_size, const char *name, int ref, uint32_t bin,
			gsa_err_t *err)
{
	int32_t n_chunk;
	if (get_i32(c, &n_chunk) < 0 || !count_ok(c, n_chunk, INT32_MAX, 16))
		return BAD("%s: damaged index (reference %d, bin %u: bad chunk count)", name, ref, bin);
	if (pseudo && n_chunk != 2) return BAD("%s: damaged index (reference %d: bad metadata bin)", name, ref);
	for (int32_t k = 0; k < n_chunk; k++) {
		uint64_t beg, end;
		get_u64(c, &beg);
		get_u64(c, &end);
		if (pseudo) continue; /* unmapped range and counts, not chunks */
		if (beg > end || !voff_ok(end, data_size))
			return BAD("%s: index points past the end of the data file (reference %d, bin %u): a stale or damaged index; re-index",
				   name, ref, bin);
	}
	return 0;
}

static int check_bai(cur_t *c, int n_ref, uint64_t data_size, const char *name, gsa_err_t *err)
{
	const uint32_t pseudo_bin = 37450; /* 37449 bins for 2^29 bp, then the metadata bin */
	int32_t nr;
	if (get_i32(c, &nr) < 0 || nr < 0) return BAD("%s: damaged index (bad reference count)", name);
	if (n_ref >= 0 && nr != n_ref)
		return BAD("%s: index of %d references, but the data file has %d: not its index; re-index", name, nr, n_ref);
	for (int32_t r = 0; r < nr; r++) {
		int32_t n_bin, n_intv;
		if (get_i32(c, &n_bin) < 0 || !count_ok(c, n_bin, (int32_t)pseudo_bin + 1, 8))
			return BAD("%s: damaged or truncated index (reference %d: bad bin count)", name, r);
		for (int32_t b = 0; b < n_bin; b++) {
			uint32_t bin;
			if (get_u32(c, &bin) < 0 || bin > pseudo_bin)
				return BAD("%s: damaged or truncated index (reference %d: bad bin number)", name, r);
			if (check_chunks(c, bin == pseudo_bin, data_size, name, r, bin, err) < 0) return -1;
		}
		if (get_i32(c, &n_intv) < 0 || !count_ok(c, n_intv, 1 << 15, 8))
			return BAD("%s: damaged or truncated index (reference %d: bad interval count)", name, r);
		for (int32_t i = 0; i < n_intv; i++) {
			uint64_t off;
			get_u64(c, &off);
			if (!voff_ok(off, data_size))
				return BAD("%s: index points past the end of the data file (reference %d): a stale or damaged index; re-index",
					   name, r);
		}
	}
	return 0;
}

static int check_csi(cur_t *c, int n_ref, uint64_t data_size, const char *name, gsa_err_t *err)
{
	int32_t min_shift, depth, l_aux, nr;
	if (get_i32(c, &min_shift) < 0 || get_i32(c, &depth) < 0 || get_i32(c, &l_aux) < 0)
		return BAD("%s: truncated index header", name);
	if (min_shift < 1 || depth < 0 || min_shift + 3 * (int64_t)depth > 62 || depth > 20)
		return BAD("%s: damaged index (min_shift %d, depth %d)", name, min_shift, depth);
	if (l_aux < 0 || c->z - c->p < l_aux) return BAD("%s: damaged index (bad auxiliary length)", name);
	c->p += l_aux;
	uint32_t pseudo_bin = (uint32_t)((((uint64_t)1 << 3 * (depth + 1)) - 1) / 7 + 1);
	if (get_i32(c, &nr) < 0 || nr < 0) return BAD("%s: damaged index (bad reference count)", name);
	if (n_ref >= 0 && nr != n_ref)
		return BAD("%s: index of %d references, but the data file has %d: not its index; re-index", name, nr, n_ref);
	for (int32_t r = 0; r < nr; r++) {
		int32_t n_bin;
		if (get_i32(c, &n_bin) < 0 || !count_ok(c, n_bin, INT32_MAX, 16))
			return BAD("%s: damaged or truncated index (reference %d: bad bin count)", name, r);
		for (int32_t b = 0; b < n_bin; b++) {
			uint32_t bin;
			uint64_t loff;
			if (get_u32(c, &bin) < 0 || bin > pseudo_bin || get_u64(c, &loff) < 0)
				return BAD("%s: damaged or truncated index (reference %d: bad bin number)", name, r);
			if (bin != pseudo_bin && !voff_ok(loff, data_size))
				return BAD("%s: index points past the end of the data file (reference %d): a stale or damaged index; re-index",
					   name, r);
			if (check_chunks(c, bin == pseudo_bin, data_size, name, r, bin, err) < 0) return -1;
		}
	}
	return 0;
}

int gsa_idx_check_buf(const uint8_t *buf, size_t n, int n_ref, uint64_t data_size, const char *name,
		      gsa_err_t *err)
{
	cur_t c = { buf, buf + n };
	int rc;
	if (n < 4) return BAD("%s: truncated index (%zu bytes)", name, n);
	c.p += 4;
	if (memcmp(buf, "BAI\1", 4) == 0) rc = check_bai(&c, n_ref, data_size, name, err);
	else if (memcmp(buf, "CSI\1", 4) == 0) rc = check_csi(&c, n_ref, data_size, name, err);
	else return BAD("%s: not a BAI or CSI index", name);
	if (rc < 0) return -1;
	/* optional: the number of reads without coordinates; nothing after it */
	if (c.z - c.p == 8) c.p += 8;
	if (c.p != c.z) return BAD("%s: damaged index (%zu unexpected bytes at the end)", name, (size_t)(c.z - c.p));
	return 0;
}

/* a CSI's content through htslib's BGZF reader (checks each block's CRC) */
static int read_bgzf(const char *path, uint8_t **data, size_t *len, gsa_err_t *err)
{
	BGZF *fp = bgzf_open(path, "r");
	gsa_strbuf_t b;
	char chunk[65536];
	ssize_t r;
	*data = NULL;
	*len = 0;
	if (!fp) return gsa_err_errno(err, errno ? errno : EIO, "%s: cannot open", path);
	gsa_strbuf_init(&b);
	gsa_strbuf_append_len(&b, "", 0);
	while ((r = bgzf_read(fp, chunk, sizeof chunk)) > 0) gsa_strbuf_append_len(&b, chunk, (size_t)r);
	bgzf_close(fp);
	if (r < 0) {
		gsa_strbuf_free(&b);
		return BAD("%s: damaged or truncated index (BGZF)", path);
	}
	*len = b.len;
	*data = (uint8_t *)gsa_strbuf_detach(&b);
	return 0;
}

int gsa_idx_check_file(const char *idx_path, int n_ref, uint64_t data_size, gsa_err_t *err)
{
	char *raw = NULL, magic[4] = { 0 };
	uint8_t *data = NULL;
	size_t n = 0;
	int rc;
	if (gsa_read_file(idx_path, &raw, &n, err) < 0) return -1;
	if (n >= 4) memcpy(magic, raw, 4);
	if (n >= 4 && memcmp(magic, "BAI\1", 4) == 0) {
		rc = gsa_idx_check_buf((const uint8_t *)raw, n, n_ref, data_size, idx_path, err);
		free(raw);
		return rc;
	}
	free(raw);
	if (read_bgzf(idx_path, &data, &n, err) < 0) return -1;
	rc = gsa_idx_check_buf(data, n, n_ref, data_size, idx_path, err);
	free(data);
	return rc;
}

static int is_file(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

char *gsa_idx_find(const char *data_path)
{
	static const char *const ext[] = { ".csi", ".bai" };
	const char *dot = strrchr(data_path, '.'), *slash = strrchr(data_path, '/');
	for (int i = 0; i < 2; i++) {
		char *p = gsa_strdup_printf("%s%s", data_path, ext[i]);
		if (is_file(p)) return p;
		free(p);
	}
	if (dot && (!slash || dot > slash)) {
		for (int i = 0; i < 2; i++) {
			char *p = gsa_strdup_printf("%.*s%s", (int)(dot - data_path), data_path, ext[i]);
			if (is_file(p)) return p;
			free(p);
		}
	}
	return NULL;
}
