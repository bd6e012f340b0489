#include "si_sort.h"
#include "io.h"
#include "clock.h"
#include "alloc.h"
#include "cleanup.h"
#include "path.h"
#include "stale.h"
#include "strbuf.h"
#include "bgzf_bamr.h"
#include "si_batch.h"
#include "si_merge.h"
#include "pool.h"
#include "si_run.h"

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <htslib/bgzf.h>
#include <htslib/hfile.h>
#include <htslib/kstring.h>
#include <htslib/sam.h>

#define SI_RUN_RBUF ((size_t)256 << 10)

void si_opts_init(si_opts_t *o)
{
	memset(o, 0, sizeof *o);
	o->order = SI_ORDER_COORD;
	o->mem_per_thread = (uint64_t)768 << 20;
	o->level = 6;
	o->index = SI_IDX_AUTO;
	o->csi_min_shift = 14;
	o->max_runs = 64;
	o->pg_version = "unknown";
}

/* Everything one sort holds, so every exit path can release it. */
typedef struct sorter {
	const si_opts_t *o;
	const gsa_log_t *log;
	si_stats_t st;
	gsa_pool_t *pool;       /* BGZF reading and writing (-@ threads) */
	gsa_bamr_t *bamr;       /* BGZF BAM input */
	samFile *in;           /* any other input, read by htslib */
	sam_hdr_t *hdr, *out_hdr;
	si_batch_t batch;
	char *spill_dir;       /* created on the first spill */
	int spill_dir_id;
	int spill_lock;        /* holds spill_dir while we live (stale.h), or -1 */
	si_run_t *runs;
	int n_runs, m_runs, run_seq;
	si_output_t out;
} sorter_t;

static const char *in_name(const si_opts_t *o)
{
	return strcmp(o->in, "-") ? o->in : "stdin";
}

static int make_spill_dir(sorter_t *s, gsa_err_t *err)
{
	char *base, *tmpl;
	if (s->spill_dir) return 0;
	base = s->o->tmpdir ? gsa_xstrdup(s->o->tmpdir) : gsa_path_dirname(s->o->out);
	tmpl = gsa_path_join(base, ".sort-index.XXXXXX");
	free(base);
	if (!mkdtemp(tmpl)) {
		gsa_err_errno(err, errno, "%s: cannot create a temp folder", tmpl);
		free(tmpl);
		return -1;
	}
	s->spill_lock = gsa_stale_hold(tmpl, 0);
	s->spill_dir_id = gsa_cleanup_add(tmpl, 1);
	s->spill_dir = tmpl;
	if (s->spill_dir_id < 0) return gsa_err_set(err, GSA_EINTERNAL, "%s: too many temp files", tmpl);
	return 0;
}

static int emit_run(void *ctx, const si_rec_t *r, gsa_err_t *err)
{
	return si_run_put(ctx, r, err);
}

static si_run_t *new_run(sorter_t *s)
{
	if (s->n_runs == s->m_runs) {
		size_t m = (size_t)s->m_runs;
		s->runs = gsa_xgrow(s->runs, &m, (size_t)s->n_runs + 1, sizeof *s->runs);
		s->m_runs = (int)m;
	}
	memset(&s->runs[s->n_runs], 0, sizeof *s->runs);
	s->runs[s->n_runs].cleanup_id = -1;
	return &s->runs[s->n_runs++];
}

/* Set up merge sources: runs [r0, r1) first (they hold earlier input),
 * then the sorted ranges of the batch.  Returns the count. */
static int open_sources(sorter_t *s, int r0, int r1, int with_batch, si_source_t **src_out,
			si_run_reader_t **rd_out, gsa_err_t *err)
{
	int n = (r1 - r0) + (with_batch ? s->batch.n_chunks : 0), k = 0, i;
	si_source_t *src = gsa_xcalloc((size_t)(n > 0 ? n : 1), sizeof *src);
	si_run_reader_t *rd = gsa_xcalloc((size_t)(r1 - r0 > 0 ? r1 - r0 : 1), sizeof *rd);
	for (i = r0; i < r1; i++) rd[i - r0].fd = -1;
	*src_out = src;
	*rd_out = rd;
	for (i = r0; i < r1; i++) {
		if (si_run_open(&rd[i - r0], s->runs[i].path, SI_RUN_RBUF, err) < 0) return -1;
		si_source_run(&src[k++], &rd[i - r0]);
	}
	if (with_batch)
		for (i = 0; i < s->batch.n_chunks; i++)
			si_source_mem(&src[k++], s->batch.ent + s->batch.chunk_lo[i],
				      s->batch.chunk_hi[i] - s->batch.chunk_lo[i]);
	return k;
}

static void close_sources(si_source_t *src, si_run_reader_t *rd, int n_rd)
{
	int i;
	for (i = 0; i < n_rd; i++) si_run_close(&rd[i]);
	free(rd);
	free(src);
}

/* Merge runs [r0, r1) (and the batch when with_batch) into a new run. */
static int merge_to_run(sorter_t *s, int r0, int r1, int with_batch, gsa_err_t *err)
{
	si_source_t *src;
	si_run_reader_t *rd;
	si_run_writer_t w;
	si_run_t *run;
	int n, rc;
	if (make_spill_dir(s, err) < 0) return -1;
	n = open_sources(s, r0, r1, with_batch, &src, &rd, err);
	if (n < 0) {
		close_sources(src, rd, r1 - r0);
		return -1;
	}
	run = new_run(s);
	if (si_run_create(run, &w, s->spill_dir, s->run_seq++, err) < 0) {
		s->n_runs--;
		close_sources(src, rd, r1 - r0);
		return -1;
	}
	rc = si_merge(src, n, s->o->order, emit_run, &w, err);
	if (si_run_finish(&w, rc < 0 ? NULL : err) < 0) rc = -1;
	close_sources(src, rd, r1 - r0);
	s->st.n_runs++;
	s->st.spill_bytes += run->bytes;
	if (rc < 0) return -1;
	gsa_debug(s->log, "spilled run %d: %llu records, %llu bytes", s->run_seq - 1,
		  (unsigned long long)run->n_recs, (unsigned long long)run->bytes);
	return 0;
}

/* The batch is full: sort it and write it out as a run; fold the runs
 * into one when there are too many to merge at once. */
static int spill_batch(sorter_t *s, gsa_err_t *err)
{
	int nthr = s->o->threads > 1 ? s->o->threads : 1;
	si_batch_sort(&s->batch, nthr);
	if (merge_to_run(s, 0, 0, 1, err) < 0) return -1;
	si_batch_reset(&s->batch);
	if (s->n_runs >= s->o->max_runs) {
		int i, old = s->n_runs;
		si_run_t last;
		if (merge_to_run(s, 0, old, 0, err) < 0) return -1;
		for (i = 0; i < old; i++) si_run_remove(&s->runs[i]);
		gsa_debug(s->log, "merged %d runs into one", old);
		last = s->runs[old];
		s->runs[0] = last;
		s->n_runs = 1;
	}
	return 0;
}

/* A record must start inside its contig (the readers check the rest). */
static int check_record(sorter_t *s, const si_rec_t *r, gsa_err_t *err)
{
	int32_t tid = gsa_bamrec_tid(r);
	int64_t pos = gsa_bamrec_pos(r), len;
	if (tid >= 0 && pos >= 0 && (len = sam_hdr_tid2len(s->hdr, tid)) > 0 && pos >= len)
		return gsa_err_set(err, GSA_EDATA,
				   "%s: record %llu (%s) starts at %lld, past the end of %s (length %lld in the header)",
				   in_name(s->o), (unsigned long long)s->st.n_records + 1, gsa_bamrec_qname(r),
				   (long long)pos + 1, sam_hdr_tid2name(s->hdr, tid), (long long)len);
	return 0;
}

/* Put one record in the batch, spilling the batch first when it is full. */
static int add_record(sorter_t *s, const si_rec_t *r, gsa_err_t *err)
{
	if (check_record(s, r, err) < 0) return -1;
	if (!si_batch_fits(&s->batch, gsa_bamrec_size(r)) && spill_batch(s, err) < 0) return -1;
	si_batch_add(&s->batch, r);
	s->st.n_records++;
	return 0;
}

/* A SAM line's RNAME (3rd field) and RNEXT (7th) must be "*", "=" (RNEXT)
 * or a contig of the header: htslib would turn an unknown one into an
 * unmapped record or mate without a word.  Returns 0, or -1 with err set. */
static int check_sam_contigs(sorter_t *s, const kstring_t *line, gsa_err_t *err)
{
	const char *f = line->s, *end = line->s + line->l;
	int field = 1;
	while (f < end) {
		const char *t = memchr(f, '\t', (size_t)(end - f));
		size_t n = t ? (size_t)(t - f) : (size_t)(end - f);
		if ((field == 3 || field == 7) && !(n == 1 && (f[0] == '*' || (field == 7 && f[0] == '=')))) {
			char *name = gsa_xstrndup(f, n);
			int tid = sam_hdr_name2tid(s->hdr, name);
			if (tid < 0) {
				size_t qn = strcspn(line->s, "\t");
				gsa_err_set(err, GSA_EDATA, "%s: record %llu (%.*s): %s '%s' is not a contig of the header (@SQ)",
					    in_name(s->o), (unsigned long long)s->st.n_records + 1, (int)(qn > 200 ? 200 : qn),
					    line->s, field == 3 ? "RNAME" : "RNEXT", name);
				free(name);
				return -1;
			}
			free(name);
		}
		if (field == 7 || !t) break;
		f = t + 1;
		field++;
	}
	return 0;
}

/* Pack one parsed record into the batch. */
static int add_parsed(sorter_t *s, bam1_t *b, gsa_err_t *err)
{
	size_t size = gsa_bamrec_packed_size(b);
	uint8_t *p;
	if (!si_batch_fits(&s->batch, size) && spill_batch(s, err) < 0) return -1;
	p = si_batch_reserve(&s->batch, size);
	if (gsa_bamrec_pack(b, p, err) < 0) {
		gsa_err_prefix(err, "%s", in_name(s->o));
		return -1;
	}
	if (check_record(s, p, err) < 0) return -1;
	si_batch_commit(&s->batch, p);
	s->st.n_records++;
	return 0;
}

/* SAM text (plain or compressed): each line checked (contigs), parsed by
 * htslib's sam_parse1 and packed into BAM file form in the arena.  The
 * first record line may already be in s->in->line (sam_hdr_read reads
 * one line ahead). */
static int read_input_sam(sorter_t *s, gsa_err_t *err)
{
	bam1_t *b = bam_init1();
	kstring_t *line = &s->in->line;
	int r = 0, rc = 0;
	if (!b) gsa_oom(sizeof *b);
	for (;;) {
		if (line->l == 0 && (r = hts_getline(s->in, '\n', line)) < 0) break;
		if (check_sam_contigs(s, line, err) < 0) { rc = -1; break; }
		if (sam_parse1(line, s->hdr, b) < 0) {
			rc = gsa_err_set(err, GSA_EDATA, "%s: malformed SAM record %llu", in_name(s->o),
					 (unsigned long long)s->st.n_records + 1);
			break;
		}
		line->l = 0;
		if (add_parsed(s, b, err) < 0) { rc = -1; break; }
	}
	if (rc == 0 && r < -1)
		rc = gsa_err_set(err, GSA_EDATA, "%s: truncated or corrupt input after record %llu", in_name(s->o),
				 (unsigned long long)s->st.n_records);
	bam_destroy1(b);
	return rc;
}

/* Anything else htslib reads (CRAM): each record parsed by htslib and
 * packed into BAM file form in the arena. */
static int read_input_hts(sorter_t *s, gsa_err_t *err)
{
	bam1_t *b = bam_init1();
	int r, rc = 0;
	if (!b) gsa_oom(sizeof *b);
	if (s->in->format.format == sam) {
		bam_destroy1(b);
		return read_input_sam(s, err);
	}
	while ((r = sam_read1(s->in, s->hdr, b)) >= 0)
		if (add_parsed(s, b, err) < 0) { rc = -1; break; }
	if (rc == 0 && r == -3)
		rc = gsa_err_set(err, GSA_EDATA, "%s: record %llu refers to a contig the header does not list",
				 in_name(s->o), (unsigned long long)s->st.n_records + 1);
	else if (rc == 0 && r < -1)
		rc = gsa_err_set(err, GSA_EDATA, "%s: truncated or corrupt input after record %llu",
				 in_name(s->o), (unsigned long long)s->st.n_records);
	bam_destroy1(b);
	return rc;
}

/* BGZF BAM: records handed over in BAM file form, copied into the batch. */
static int read_input_bam(sorter_t *s, gsa_err_t *err)
{
	const uint8_t *r;
	int rc;
	while ((rc = gsa_bamr_next(s->bamr, &r, err)) > 0)
		if (add_record(s, r, err) < 0) return -1;
	return rc;
}

static int read_input(sorter_t *s, gsa_err_t *err)
{
	return s->bamr ? read_input_bam(s, err) : read_input_hts(s, err);
}

/* Header for the output: sort order and our @PG line. */
static int make_out_header(sorter_t *s, gsa_err_t *err)
{
	const char *so = s->o->order == SI_ORDER_COORD ? "coordinate" : "queryname";
	s->out_hdr = sam_hdr_dup(s->hdr);
	if (!s->out_hdr) return gsa_err_set(err, GSA_EINTERNAL, "%s: cannot copy the header", in_name(s->o));
	if (sam_hdr_count_lines(s->out_hdr, "HD") > 0) {
		if (sam_hdr_update_hd(s->out_hdr, "SO", so) < 0)
			return gsa_err_set(err, GSA_EDATA, "%s: cannot update the @HD line", in_name(s->o));
	} else if (sam_hdr_add_line(s->out_hdr, "HD", "VN", SAM_FORMAT_VERSION, "SO", so, NULL) < 0) {
		return gsa_err_set(err, GSA_EDATA, "%s: cannot add an @HD line", in_name(s->o));
	}
	if (sam_hdr_add_pg(s->out_hdr, "sort-index", "VN", s->o->pg_version,
			   s->o->pg_cmdline ? "CL" : NULL, s->o->pg_cmdline, NULL) < 0)
		return gsa_err_set(err, GSA_EDATA, "%s: cannot add the @PG line", in_name(s->o));
	return 0;
}

static gsa_index_kind_t choose_index(const sorter_t *s)
{
	int i, nt = sam_hdr_nref(s->hdr);
	if (s->o->order != SI_ORDER_COORD || s->o->index == SI_IDX_NONE) return GSA_INDEX_NONE;
	if (s->o->index == SI_IDX_CSI) return GSA_INDEX_CSI;
	for (i = 0; i < nt; i++)
		if (sam_hdr_tid2len(s->hdr, i) > SI_BAI_MAX_LEN) return GSA_INDEX_CSI;
	return GSA_INDEX_BAI;
}

static int write_output(sorter_t *s, gsa_err_t *err)
{
	int nthr = s->o->threads > 1 ? s->o->threads : 1;
	si_source_t *src;
	si_run_reader_t *rd;
	int n, rc;
	s->st.index = choose_index(s);
	if (s->o->index == SI_IDX_BAI && s->st.index == GSA_INDEX_CSI)
		return gsa_err_set(err, GSA_EUSAGE, "%s: a contig is longer than BAI can index (2^29-1); use --csi",
				   in_name(s->o));
	{
		double t0 = gsa_monotonic_seconds();
		si_batch_sort(&s->batch, nthr);
		gsa_debug(s->log, "sorted the last batch (%zu records) in %.2f s", s->batch.n, gsa_monotonic_seconds() - t0);
	}
	if (make_out_header(s, err) < 0) return -1;
	if (si_output_open(&s->out, s->o->out, s->out_hdr, s->o->level, s->st.index, s->o->csi_min_shift,
			   s->pool, err) < 0)
		return -1;
	n = open_sources(s, 0, s->n_runs, 1, &src, &rd, err);
	rc = n < 0 ? -1 : si_merge(src, n, s->o->order, si_output_write, &s->out, err);
	close_sources(src, rd, s->n_runs);
	if (rc < 0) return -1;
	return si_output_close(&s->out, err);
}

/* 1 if the regular file at path ends with the BGZF end-of-file block, 0
 * if it does not, -1 if that cannot be told here (a pipe, a read error). */
static int file_has_bgzf_eof(const char *path)
{
	uint8_t tail[28];
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = -1;
	if (fd < 0) return -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		rc = 0;
		if (st.st_size >= 28 && pread(fd, tail, 28, st.st_size - 28) == 28)
			rc = memcmp(tail, gsa_bgzf_eof_block, 28) == 0;
	}
	close(fd);
	return rc;
}

/* Input through htslib: SAM text (plain or compressed), CRAM. */
static int open_input_hts(sorter_t *s, hFILE *hf, const htsFormat *fmt, gsa_err_t *err)
{
	s->in = hts_hopen(hf, s->o->in, "r");
	if (!s->in) {
		if (hclose(hf) < 0) {}
		return gsa_err_set(err, GSA_EDATA, "%s: cannot read as SAM", in_name(s->o));
	}
	/* SAM text is read line by line here (read_input_sam), so no htslib
	 * thread pool parses it ahead */
	(void)fmt;
	s->hdr = sam_hdr_read(s->in);
	if (!s->hdr) return gsa_err_set(err, GSA_EDATA, "%s: cannot read the header (truncated or corrupt)", in_name(s->o));
	return 0;
}

static int open_input(sorter_t *s, gsa_err_t *err)
{
	htsFormat fmt;
	if (gsa_input_check(s->o->in, err) < 0) return -1;
	hFILE *hf = hopen(s->o->in, "r");
	if (!hf) return gsa_err_errno(err, errno ? errno : ENOENT, "%s: cannot open", in_name(s->o));
	if (hts_detect_format2(hf, s->o->in, &fmt) < 0) {
		int e = errno;
		if (hclose(hf) < 0) {}
		return gsa_err_errno(err, e ? e : EIO, "%s: cannot read", in_name(s->o));
	}
	if (fmt.category != sequence_data || (fmt.format != bam && fmt.format != sam && fmt.format != cram)) {
		if (hclose(hf) < 0) {}
		return gsa_err_set(err, GSA_EDATA, "%s: not a SAM or BAM file", in_name(s->o));
	}
	if (fmt.format != bam || fmt.compression != bgzf) return open_input_hts(s, hf, &fmt, err);
	/* a file cut at a block boundary is refused before any work; a pipe's
	 * end is checked by the reader when it gets there */
	if (strcmp(s->o->in, "-") != 0 && file_has_bgzf_eof(s->o->in) == 0) {
		if (hclose(hf) < 0) {}
		return gsa_err_set(err, GSA_EDATA, "%s: truncated BAM (no end-of-file marker)", in_name(s->o));
	}
	s->bamr = gsa_bamr_open(hf, in_name(s->o), s->pool, err);
	if (!s->bamr) return -1;
	s->hdr = gsa_bamr_take_header(s->bamr);
	return 0;
}

/* Fail before reading any input when the output or temp folder cannot
 * be written. */
static int check_folders(const si_opts_t *o, gsa_err_t *err)
{
	char *dir = gsa_path_dirname(o->out);
	int rc = 0;
	if (access(dir, W_OK | X_OK) < 0)
		rc = gsa_err_errno(err, errno, "%s: cannot write in the output folder %s", o->out, dir);
	free(dir);
	if (rc == 0 && o->tmpdir && access(o->tmpdir, W_OK | X_OK) < 0)
		rc = gsa_err_errno(err, errno, "%s: cannot write in the temp folder", o->tmpdir);
	return rc;
}

static void sorter_release(sorter_t *s)
{
	int i;
	si_output_abort(&s->out);
	for (i = 0; i < s->n_runs; i++) si_run_remove(&s->runs[i]);
	free(s->runs);
	if (s->spill_dir) {
		rmdir(s->spill_dir);
		gsa_cleanup_forget(s->spill_dir_id);
		free(s->spill_dir);
	}
	if (s->spill_lock >= 0) close(s->spill_lock);
	si_batch_free(&s->batch);
	if (s->out_hdr) sam_hdr_destroy(s->out_hdr);
	if (s->hdr) sam_hdr_destroy(s->hdr);
	if (s->in) sam_close(s->in);
	gsa_bamr_close(s->bamr);
	gsa_pool_free(s->pool);
}

int si_sort_run(const si_opts_t *o, const gsa_log_t *log, si_stats_t *st, gsa_err_t *err)
{
	sorter_t s;
	int rc = -1;
	memset(&s, 0, sizeof s);
	s.o = o;
	s.log = log;
	s.spill_dir_id = -1;
	s.spill_lock = -1;
	s.out.bam.cleanup_id = s.out.idx.cleanup_id = -1;
	s.out.bam.fd = s.out.idx.fd = -1;
	s.st.mem_limit = o->mem_per_thread * (uint64_t)(o->threads > 1 ? o->threads : 1);
	if (o->threads > 0) {
		s.pool = gsa_pool_new(o->threads);
		if (!s.pool) {
			gsa_err_set(err, GSA_EINTERNAL, "cannot start %d threads", o->threads);
			goto done;
		}
	}
	if (check_folders(o, err) < 0) goto done;
	{ /* spill folders a killed run left in the same place (stale.h) */
		char *base = o->tmpdir ? gsa_xstrdup(o->tmpdir) : gsa_path_dirname(o->out);
		gsa_stale_sweep(base, ".sort-index.", 6, NULL);
		free(base);
	}
	si_batch_init(&s.batch, o->order, (size_t)s.st.mem_limit);
	if (open_input(&s, err) < 0) goto done;
	{
		double t0 = gsa_monotonic_seconds(), t1;
		if (read_input(&s, err) < 0) goto done;
		t1 = gsa_monotonic_seconds();
		gsa_debug(log, "read %llu records in %.2f s (%llu runs spilled)",
			  (unsigned long long)s.st.n_records, t1 - t0, (unsigned long long)s.st.n_runs);
		if (write_output(&s, err) < 0) goto done;
		gsa_debug(log, "sorted, merged and wrote in %.2f s", gsa_monotonic_seconds() - t1);
	}
	rc = 0;
done:
	if (st) *st = s.st;
	sorter_release(&s);
	return rc;
}
