/* fuzz_gvcf.c — gVCF record reading in call-variants joint (cv_joint_run):
 * the input is one gVCF, or two split at its first NUL byte; read whole, or,
 * when the input starts with "-r REGION\n", bgzipped and tabix-indexed in a
 * temp folder and read over that region.  A cohort VCF it writes (to the
 * temp folder, removed after) must be readable by htslib to its end, with
 * one sample column per input; after an error nothing is under its name. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <htslib/bgzf.h>
#include <htslib/hts_log.h>
#include <htslib/tbx.h>
#include <htslib/vcf.h>

#include "call-variants/cv_joint.h"
#include "path.h"

/* The cohort VCF at path holds n samples and only records htslib reads. */
static void check_output(const char *path, int n)
{
	htsFile *fp = hts_open(path, "r");
	bcf_hdr_t *h = fp ? bcf_hdr_read(fp) : NULL;
	bcf1_t *b = bcf_init();
	int r;
	if (!h || !b || bcf_hdr_nsamples(h) != n) abort();
	while ((r = bcf_read(fp, h, b)) == 0)
		if (b->errcode || bcf_unpack(b, BCF_UN_ALL) < 0 || b->n_sample != (uint32_t)n) abort();
	if (r != -1) abort();
	bcf_destroy(b);
	bcf_hdr_destroy(h);
	hts_close(fp);
}

/* data[0..size) bgzipped to path with a tabix index; 0, or -1 when
 * htslib cannot index it. */
static int write_indexed(const char *path, const uint8_t *data, size_t size)
{
	BGZF *z = bgzf_open(path, "w");
	if (!z) return -1;
	int ok = bgzf_write(z, data, size) == (ssize_t)size;
	if (bgzf_close(z) < 0 || !ok) return -1;
	return tbx_index_build(path, 0, &tbx_conf_vcf) == 0 ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char tmpl[] = "/tmp/gsa-fuzz-gvcf-XXXXXX", path[2][64], out[64], *parts[2], *region = NULL;
	int fd[2] = { -1, -1 }, ok = 1;
	cv_opts_t o;
	cv_joint_stats_t st;
	gsa_err_t err = { 0 };
	hts_set_log_level(HTS_LOG_OFF);
	if (size > 3 && memcmp(data, "-r ", 3) == 0) {
		const uint8_t *nl = memchr(data, '\n', size);
		if (!nl) return 0;
		region = fuzz_strndup(data + 3, (size_t)(nl - data) - 3);
		size -= (size_t)(nl + 1 - data);
		data = nl + 1;
	}
	const uint8_t *nul = memchr(data, 0, size);
	size_t len[2] = { nul ? (size_t)(nul - data) : size, nul ? size - (size_t)(nul - data) - 1 : 0 };
	const uint8_t *beg[2] = { data, nul ? nul + 1 : NULL };
	int n = nul ? 2 : 1;
	if (!mkdtemp(tmpl)) { free(region); return 0; }
	cv_opts_init(&o);
	for (int i = 0; i < n && ok; i++) {
		if (region) {
			snprintf(path[i], sizeof path[i], "%s/s%d.g.vcf.gz", tmpl, i);
			ok = write_indexed(path[i], beg[i], len[i]) == 0;
		} else {
			fd[i] = fuzz_memfile(beg[i], len[i], path[i]);
			ok = fd[i] >= 0;
		}
		parts[i] = path[i];
	}
	if (ok) {
		snprintf(out, sizeof out, "%s/j.vcf.gz", tmpl);
		if (cv_joint_run(parts, n, region, &o, out, "fuzz", &st, &err) == 0) check_output(out, n);
		else if (gsa_path_exists(out)) abort(); /* nothing under the final name after an error */
	}
	for (int i = 0; i < 2; i++)
		if (fd[i] >= 0) close(fd[i]);
	gsa_rm_rf(tmpl, NULL);
	free(region);
	return 0;
}
