/* fuzz_call.c — call-variants' pileup and calling (cv_call_run) on hostile
 * alignment records: the input is SAM record lines after a fixed header of
 * four contigs; they are written as a BAM with htslib (records htslib
 * refuses, and records out of coordinate order, are skipped), then
 * calibrated (cv_bqcal) and called against a fixed reference, one thread.
 * Everything lives in a fresh temp folder, removed after each input. */
#include "fuzz.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/hts_log.h>
#include <htslib/sam.h>

#include "call-variants/cv_bqcal.h"
#include "call-variants/cv_call.h"
#include "call-variants/cv_input.h"
#include "call-variants/cv_opts.h"
#include "path.h"

static const char hdr_text[] = "@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:c1\tLN:240\n@SQ\tSN:c2\tLN:60\n"
			       "@SQ\tSN:c3\tLN:1\n@SQ\tSN:c4\tLN:120\n@RG\tID:g\tSM:s\n";

static void write_ref(const char *dir)
{
	static const char *const names[] = { "c1", "c2", "c3", "c4" };
	static const int lens[] = { 240, 60, 1, 120 };
	char p[256];
	FILE *f;
	snprintf(p, sizeof p, "%s/ref.fa", dir);
	f = fopen(p, "w");
	if (!f) abort();
	for (int i = 0; i < 4; i++) {
		fprintf(f, ">%s\n", names[i]);
		for (int j = 0; j < lens[i]; j++) {
			fputc("ACGTTGCAAC"[(j * 7 + i) % 10], f);
			if (j % 60 == 59 || j == lens[i] - 1) fputc('\n', f);
		}
	}
	fclose(f);
}

/* the input's lines as records of a BAM at bam; 0 when it could be indexed */
static int write_bam(const char *bam, const uint8_t *data, size_t size)
{
	sam_hdr_t *h = sam_hdr_parse(sizeof hdr_text - 1, hdr_text);
	samFile *out = sam_open(bam, "wb");
	bam1_t *b = bam_init1();
	kstring_t line = KS_INITIALIZE;
	int rc = -1, n = 0;
	int64_t last_tid = -1, last_pos = -1;
	if (!h || !out || !b || sam_hdr_write(out, h) < 0) goto done;
	for (size_t i = 0; i < size && n < 2000;) {
		const uint8_t *nl = memchr(data + i, '\n', size - i);
		size_t len = nl ? (size_t)(nl - data - i) : size - i;
		line.l = 0;
		kputsn((const char *)data + i, len, &line);
		i += len + 1;
		if (sam_parse1(&line, h, b) < 0) continue;
		/* only records in coordinate order (unplaced ones last): htslib's
		 * sam_index_build leaks its header when it meets an unsorted file */
		int64_t tid = b->core.tid < 0 ? INT32_MAX : b->core.tid, pos = b->core.tid < 0 ? 0 : b->core.pos;
		if (pos < 0 || tid < last_tid || (tid == last_tid && pos < last_pos)) continue;
		last_tid = tid;
		last_pos = pos;
		if (sam_write1(out, h, b) >= 0) n++;
	}
	rc = 0;
done:
	if (out && sam_close(out) < 0) rc = -1;
	ks_free(&line);
	bam_destroy1(b);
	sam_hdr_destroy(h);
	return rc == 0 && sam_index_build(bam, 0) == 0 ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dir[] = "/tmp/gsa-fuzz-call-XXXXXX", bam[64], ref[64], out[64];
	char *paths[1];
	cv_input_t in;
	cv_opts_t o;
	long nsites = 0;
	gsa_err_t err = { 0 };
	hts_set_log_level(HTS_LOG_OFF);
	if (!mkdtemp(dir)) return 0;
	write_ref(dir);
	snprintf(bam, sizeof bam, "%s/a.bam", dir);
	snprintf(ref, sizeof ref, "%s/ref.fa", dir);
	snprintf(out, sizeof out, "%s/v.vcf.gz", dir);
	if (write_bam(bam, data, size) == 0) {
		paths[0] = bam;
		cv_opts_init(&o);
		cv_bqcal_t cal;
		memset(&cal, 0, sizeof cal);
		if (cv_input_open(&in, paths, 1, ref, &err) == 0 && cv_bqcal_estimate(&cal, &in, &o, &err) == 0) {
			o.bqcal = &cal;
			cv_call_run(&in, &o, NULL, 0, out, "fuzz", NULL, &nsites, &err);
		}
		cv_bqcal_free(&cal);
		cv_input_close(&in);
	}
	gsa_rm_rf(dir, NULL);
	return 0;
}
