/* Unit tests for gsa_vcfw: the bgzipped VCF and its TBI/CSI are byte for
 * byte what htslib's bgzf_write + tbx_index_build2 make from the same text
 * (levels 1 and htslib's default), whatever the pool and however the text
 * is cut into puts; tabix's interval rules (REF length, INFO END=, POS 0,
 * header lines); out-of-order input and a full disk are refused. */
#include "unit.h"
#include "bgzf_vcfw.h"
#include "pool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <htslib/bgzf.h>
#include <htslib/hts_log.h>
#include <htslib/tbx.h>

/* Synthetic VCF: a header with ##contig lines, then n records over three
 * contigs in order, with REFs of 1..12 bases, some END= tags (at the
 * start of INFO, after a ';', '.', smaller than POS), POS 0 first, and
 * long INFO values so that lines straddle BGZF blocks. */
static char *vcf_make(uint64_t seed, int n, size_t *len)
{
	static const char *ctg[3] = { "chrA", "chrB", "chrC_long" };
	size_t cap = 1 << 20, at = 0;
	char *s = malloc(cap);
	int i, c = 0;
	int64_t pos = 0;
	at += (size_t)snprintf(s + at, cap - at,
			       "##fileformat=VCFv4.2\n##contig=<ID=chrA,length=5000000>\n"
			       "##contig=<ID=chrB,length=300000000>\n##contig=<ID=chrC_long,length=900000000>\n"
			       "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n");
	for (i = 0; i < n; i++) {
		char ref[16], info[2048];
		int rl = 1 + (int)(unit_rng_next(&seed) % 12), k, pad = (int)(unit_rng_next(&seed) % 1500);
		int kind = (int)(unit_rng_next(&seed) % 7);
		if (i == n / 3 || i == 2 * n / 3) { c++; pos = 0; }
		pos += (int64_t)(unit_rng_next(&seed) % 5000);
		for (k = 0; k < rl; k++) ref[k] = "ACGT"[unit_rng_next(&seed) % 4];
		ref[rl] = 0;
		switch (kind) {
		case 0: snprintf(info, sizeof info, "END=%lld;DP=3", (long long)(pos + 700)); break;
		case 1: snprintf(info, sizeof info, "DP=4;END=%lld", (long long)(pos + 70000)); break;
		case 2: snprintf(info, sizeof info, "END=.;DP=1"); break;
		case 3: snprintf(info, sizeof info, "DP=2;END=%lld", (long long)(pos > 5 ? pos - 5 : 0)); break;
		case 4: snprintf(info, sizeof info, "XEND=%lld", (long long)(pos + 99999)); break;
		default: snprintf(info, sizeof info, "DP=%d;AF=%.*s", pad, pad, "");
		}
		if (kind >= 5) { /* a long INFO value: lines of up to ~1.5 kB */
			size_t l = strlen(info);
			memset(info + l, 'x', (size_t)pad);
			info[l + (size_t)pad] = 0;
		}
		if (at + 4096 > cap) s = realloc(s, cap *= 2);
		at += (size_t)snprintf(s + at, cap - at, "%s\t%lld\t.\t%s\tT\t50\tPASS\t%s\tGT\t0/1\n", ctg[c],
				       (long long)(i == 0 ? 0 : pos), ref, info);
	}
	*len = at;
	return s;
}

static int file_same(const char *a, const char *b)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
	return unit_system(cmd) == 0;
}

/* htslib's reference: bgzf_write at `mode`, then tbx_index_build2. */
static int write_htslib(const char *path, const char *mode, const char *text, size_t len, int min_shift)
{
	BGZF *bg = bgzf_open(path, mode);
	if (!bg || bgzf_write(bg, text, len) != (ssize_t)len || bgzf_close(bg) < 0) return -1;
	return tbx_index_build2(path, NULL, min_shift, &tbx_conf_vcf);
}

/* Ours, cutting the text into puts of 1..max_piece bytes. */
static int write_ours(const char *path, int level, int n_threads, const char *text, size_t len, size_t max_piece,
		      gsa_index_kind_t kind, gsa_err_t *err)
{
	char idx[600];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644), rc = 0;
	uint64_t seed = 77;
	gsa_pool_t *pool = n_threads > 0 ? gsa_pool_new(n_threads) : NULL;
	gsa_vcfw_t *w = gsa_vcfw_open(fd, path, level, pool, kind, 0, err);
	size_t at = 0;
	snprintf(idx, sizeof idx, "%s.%s", path, kind == GSA_INDEX_CSI ? "csi" : "tbi");
	if (!w) rc = -1;
	while (rc == 0 && at < len) {
		size_t k = 1 + (size_t)(unit_rng_next(&seed) % max_piece);
		if (k > len - at) k = len - at;
		rc = gsa_vcfw_put(w, text + at, k, err);
		at += k;
	}
	if (w && rc == 0) rc = gsa_vcfw_finish(w, idx, err);
	else gsa_vcfw_free(w);
	gsa_pool_free(pool);
	close(fd);
	return rc;
}

/* Ours (level, pool threads, puts of at most max_piece bytes, index kind)
 * equals the reference file and its index (ext "tbi" or "csi"). */
static void check_same(unit_t *t, const char *name, int level, int th, const char *text, size_t len,
		       size_t max_piece, gsa_index_kind_t kind, const char *ref, const char *ext)
{
	char out[512], a[600], b[600];
	gsa_err_t e;
	snprintf(out, sizeof out, "%s/%s.vcf.gz", t->tmpdir, name);
	UNIT_CHECK_INT(t, write_ours(out, level, th, text, len, max_piece, kind, &e), 0);
	UNIT_CHECK(t, file_same(out, ref));
	snprintf(a, sizeof a, "%s.%s", out, ext);
	snprintf(b, sizeof b, "%s.%s", ref, ext);
	UNIT_CHECK(t, file_same(a, b));
}

static void test_same_as_htslib(unit_t *t)
{
	size_t len;
	char *text = vcf_make(5, 3000, &len);
	char ref7[512], ref1[512], refc[512], name[64];
	static const size_t pieces[3] = { 1 << 20, 200, 7 };
	UNIT_CHECK(t, len > 4 * 0xff00); /* several blocks */
	snprintf(ref7, sizeof ref7, "%s/ref7.vcf.gz", t->tmpdir);
	snprintf(ref1, sizeof ref1, "%s/ref1.vcf.gz", t->tmpdir);
	snprintf(refc, sizeof refc, "%s/refc.vcf.gz", t->tmpdir);
	UNIT_CHECK_INT(t, write_htslib(ref7, "w", text, len, 0), 0);
	UNIT_CHECK_INT(t, write_htslib(ref1, "w1", text, len, 0), 0);
	UNIT_CHECK_INT(t, write_htslib(refc, "w", text, len, 14), 0);
	for (int th = 0; th <= 3; th += 3)
		for (int p = 0; p < 3; p++) {
			snprintf(name, sizeof name, "o%d_%d", th, p);
			check_same(t, name, 7, th, text, len, pieces[p], GSA_INDEX_TBI, ref7, "tbi");
		}
	check_same(t, "l1", 1, 2, text, len, 5000, GSA_INDEX_TBI, ref1, "tbi");
	check_same(t, "c", 7, 2, text, len, 5000, GSA_INDEX_CSI, refc, "csi");
	free(text);
}

static void test_header_only_and_empty(unit_t *t)
{
	static const char hdr[] = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n";
	char ref[512], out[512], a[600], b[600];
	gsa_err_t e;
	snprintf(ref, sizeof ref, "%s/ref.vcf.gz", t->tmpdir);
	snprintf(out, sizeof out, "%s/out.vcf.gz", t->tmpdir);
	UNIT_CHECK_INT(t, write_htslib(ref, "w", hdr, sizeof hdr - 1, 0), 0);
	UNIT_CHECK_INT(t, write_ours(out, 7, 1, hdr, sizeof hdr - 1, 9, GSA_INDEX_TBI, &e), 0);
	UNIT_CHECK(t, file_same(out, ref));
	snprintf(a, sizeof a, "%s.tbi", out);
	snprintf(b, sizeof b, "%s.tbi", ref);
	UNIT_CHECK(t, file_same(a, b));
	/* no bytes at all: just the EOF block */
	UNIT_CHECK_INT(t, write_ours(out, 7, 0, "", 0, 1, GSA_INDEX_NONE, &e), 0);
	snprintf(a, sizeof a, "[ $(wc -c <'%s') -eq 28 ]", out);
	UNIT_CHECK(t, unit_system(a) == 0);
}

static int put_all(const char *path, const char *text, gsa_err_t *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644), rc;
	char idx[600];
	gsa_vcfw_t *w = gsa_vcfw_open(fd, path, 6, NULL, GSA_INDEX_TBI, 0, err);
	snprintf(idx, sizeof idx, "%s.tbi", path);
	rc = w ? gsa_vcfw_put(w, text, strlen(text), err) : -1;
	if (rc == 0) rc = gsa_vcfw_finish(w, idx, err);
	else gsa_vcfw_free(w);
	close(fd);
	return rc;
}

static void test_refuses_bad_records(unit_t *t)
{
	char out[512];
	gsa_err_t e;
	snprintf(out, sizeof out, "%s/bad.vcf.gz", t->tmpdir);
	UNIT_CHECK_INT(t, put_all(out, "#h\nc1\t5\t.\tA\tT\nc2\t5\t.\tA\tT\nc1\t9\t.\tA\tT\n", &e), -1);
	UNIT_CHECK_INT(t, e.code, GSA_EDATA);
	UNIT_CHECK(t, strstr(e.msg, "line 4") && strstr(e.msg, "c1"));
	UNIT_CHECK_INT(t, put_all(out, "#h\nc1\tfive\t.\tA\tT\n", &e), -1);
	UNIT_CHECK_INT(t, e.code, GSA_EDATA);
	UNIT_CHECK(t, strstr(e.msg, out) && strstr(e.msg, "line 2"));
	UNIT_CHECK_INT(t, put_all(out, "#h\nc1\t50\t.\tA\tT\nc1\t9\t.\tA\tT\n", &e), -1);
	UNIT_CHECK_INT(t, e.code, GSA_EDATA);
	UNIT_CHECK(t, strstr(e.msg, out) != NULL);
	UNIT_CHECK_INT(t, put_all(out, "#h\nc1\t5\t.\tA\tT\n\nc1\t9\t.\tA\tT", &e), 0); /* empty line, no last '\n' */
}

static void test_disk_full(unit_t *t)
{
	size_t len;
	char *text = vcf_make(9, 2000, &len);
	int full = open("/dev/full", O_WRONLY), rc;
	gsa_err_t e;
	gsa_pool_t *pool = gsa_pool_new(2);
	gsa_vcfw_t *w = gsa_vcfw_open(full, "/dev/full", 1, pool, GSA_INDEX_TBI, 0, &e);
	UNIT_CHECK(t, w != NULL);
	rc = gsa_vcfw_put(w, text, len, &e);
	if (rc == 0) rc = gsa_vcfw_finish(w, "/dev/null", &e);
	else gsa_vcfw_free(w);
	UNIT_CHECK_INT(t, rc, -1);
	UNIT_CHECK_INT(t, e.code, GSA_EIO);
	UNIT_CHECK(t, strstr(e.msg, "/dev/full") != NULL && strstr(e.msg, "No space left on device") != NULL);
	gsa_pool_free(pool);
	close(full);
	free(text);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "gsa_vcfw");
	hts_set_log_level(HTS_LOG_OFF);
	UNIT_RUN(&t, test_same_as_htslib);
	UNIT_RUN(&t, test_header_only_and_empty);
	UNIT_RUN(&t, test_refuses_bad_records);
	UNIT_RUN(&t, test_disk_full);
	return unit_finish(&t);
}
