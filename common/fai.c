#include "fai.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "io.h"

#define BAD(...) gsa_err_set(err, GSA_EDATA, __VA_ARGS__)

/* a whole decimal field of s[0..n) in [0, 2^62] */
static int field_num(const char *s, size_t n, long long *v)
{
	long long x = 0;
	if (n == 0 || n > 19) return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') return -1;
		if (x > ((1LL << 62) - (s[i] - '0')) / 10) return -1; /* above 2^62: refused before it overflows */
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 0;
}

/* the header line of a contig must end right before its first base:
 * "...\n>NAME[ \t...]\n" with the '\n' (or "\r\n") at off-1 */
static int header_matches(int fd, long long off, const char *name, size_t nlen)
{
	char buf[4096];
	long long start = off - (long long)sizeof buf;
	if (start < 0) start = 0;
	size_t want = (size_t)(off - start);
	if (want < nlen + 2 || pread(fd, buf, want, start) != (ssize_t)want) return 0;
	size_t end = want - 1; /* the '\n' */
	if (buf[end] != '\n') return 0;
	if (end > 0 && buf[end - 1] == '\r') end--;
	size_t ls = end; /* start of the header line */
	while (ls > 0 && buf[ls - 1] != '\n') ls--;
	if (ls == 0 && start > 0) return 1; /* a header longer than the window: not checked */
	return end - ls >= nlen + 1 && buf[ls] == '>' && memcmp(buf + ls + 1, name, nlen) == 0 &&
	       (end - ls == nlen + 1 || buf[ls + 1 + nlen] == ' ' || buf[ls + 1 + nlen] == '\t');
}

/* the last base must be a sequence character, not a line end or header */
static int last_base_ok(int fd, long long pos)
{
	char c;
	if (pread(fd, &c, 1, pos) != 1) return 0;
	return c != '\n' && c != '\r' && c != '>' && c != ' ';
}

int gsa_fai_check_buf(const char *fai, size_t n, int fasta_fd, long long fasta_size, const char *name,
		      gsa_err_t *err)
{
	const char *p = fai, *z = fai + n;
	long ln = 0;
	if (n == 0) return BAD("%s: empty FASTA index", name);
	while (p < z) {
		const char *e = memchr(p, '\n', (size_t)(z - p)), *f[6];
		size_t fl[6];
		int nf = 0;
		long long len, off, lb, lw;
		if (!e) e = z;
		ln++;
		const char *q = p;
		while (nf < 6) {
			const char *t = memchr(q, '\t', (size_t)(e - q));
			f[nf] = q;
			fl[nf] = (size_t)((t ? t : e) - q);
			nf++;
			if (!t) break;
			q = t + 1;
		}
		if (nf < 5 || fl[0] == 0 || memchr(f[0], '\0', fl[0]) || field_num(f[1], fl[1], &len) < 0 ||
		    field_num(f[2], fl[2], &off) < 0 || field_num(f[3], fl[3], &lb) < 0 || field_num(f[4], fl[4], &lw) < 0)
			return BAD("%s: line %ld: expected NAME LENGTH OFFSET LINEBASES LINEWIDTH", name, ln);
		if (len > 0 && (lb < 1 || lw < lb + 1 || lw > lb + 2))
			return BAD("%s: line %ld (%.*s): line width %lld does not fit %lld bases per line", name, ln,
				   (int)fl[0], f[0], lw, lb);
		if (fasta_fd >= 0 && len > 0) {
			long long last = off + ((len - 1) / lb) * lw + (len - 1) % lb;
			if (last >= fasta_size || !header_matches(fasta_fd, off, f[0], fl[0]) ||
			    !last_base_ok(fasta_fd, last))
				return BAD("%s: stale or damaged: contig %.*s is not where the index says; delete it or run 'samtools faidx'",
					   name, (int)fl[0], f[0]);
		}
		p = e + 1;
	}
	return 0;
}

int gsa_fai_check(const char *fasta_path, const char *fai_path, gsa_err_t *err)
{
	char *fai = NULL, magic[2] = { 0 };
	size_t n = 0;
	struct stat sb;
	int fd, rc;
	if (gsa_read_file(fai_path, &fai, &n, err) < 0) return -1;
	fd = open(fasta_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) < 0) {
		free(fai);
		if (fd >= 0) close(fd);
		return gsa_err_errno(err, errno, "%s: cannot open", fasta_path);
	}
	/* bgzip-compressed: offsets are in the uncompressed text, not checked here */
	if (pread(fd, magic, 2, 0) == 2 && (unsigned char)magic[0] == 0x1f && (unsigned char)magic[1] == 0x8b) {
		close(fd);
		fd = -1;
	}
	rc = gsa_fai_check_buf(fai, n, fd, (long long)sb.st_size, fai_path, err);
	if (fd >= 0) close(fd);
	free(fai);
	return rc;
}
