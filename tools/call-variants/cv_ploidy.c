#include "cv_ploidy.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cli.h"
#include "io.h"
#include "path.h"

/* GRCh37 (b37 / hg19 coordinates) and GRCh38: PAR1 and PAR2 stay diploid. */
static const char PRESET_GRCH37[] =
	"X 1 60000 M 1\n"
	"X 2699521 154931043 M 1\n"
	"Y 1 59373566 M 1\n"
	"Y 1 59373566 F 0\n"
	"MT 1 16569 M 1\n"
	"MT 1 16569 F 1\n";
static const char PRESET_GRCH38[] =
	"X 1 10000 M 1\n"
	"X 2781480 155701382 M 1\n"
	"Y 1 57227415 M 1\n"
	"Y 1 57227415 F 0\n"
	"M 1 16569 M 1\n"
	"M 1 16569 F 1\n";

static void rule_add(cv_ploidy_t *p, const char *contig, int64_t beg, int64_t end, char sex, int ploidy)
{
	p->rule = gsa_xreallocarray(p->rule, (size_t)p->nrule + 1, sizeof *p->rule);
	cv_ploidy_rule_t *r = &p->rule[p->nrule++];
	r->contig = gsa_xstrdup(contig);
	r->beg = beg;
	r->end = end;
	r->sex = sex;
	r->ploidy = ploidy;
}

/* Split line in place into its whitespace-separated fields: up to max in
 * f[], returns how many there are (max + 1 for more); 0 for a blank line
 * or a comment ('#' first). */
static int split_fields(char *line, char **f, int max)
{
	int n = 0;
	for (char *q = line;;) {
		q += strspn(q, " \t\r\n\v\f");
		if (!*q || (n == 0 && *q == '#')) return n;
		if (n == max) return max + 1;
		f[n++] = q;
		q += strcspn(q, " \t\r\n\v\f");
		if (*q) *q++ = '\0';
	}
}

static int is_sex(const char *s)
{
	return strcmp(s, "M") == 0 || strcmp(s, "F") == 0;
}

/* One rule line; a preset adds the chr-prefixed spelling too. */
static int parse_line(cv_ploidy_t *p, char *line, int preset, const char *what, long ln, gsa_err_t *err)
{
	char *f[5];
	long b, e, pl;
	int n = split_fields(line, f, 5);
	if (n == 0) return 0;
	if (n != 5 || gsa_parse_long(f[1], 1, LONG_MAX, &b) < 0 || gsa_parse_long(f[2], b, LONG_MAX, &e) < 0 ||
	    !is_sex(f[3]) || gsa_parse_long(f[4], 0, 2, &pl) < 0)
		return gsa_err_set(err, GSA_EDATA, "%s: line %ld: expected CHROM FROM TO M|F 0|1|2 (1 <= FROM <= TO)", what,
				   ln);
	const char *name = f[0];
	char sex = f[3][0];
	rule_add(p, name, b - 1, e, sex, (int)pl);
	if (preset) {
		char alt[64];
		snprintf(alt, sizeof alt, "chr%s", strcmp(name, "MT") == 0 ? "M" : name);
		rule_add(p, alt, b - 1, e, sex, (int)pl);
		if (strcmp(name, "M") == 0) rule_add(p, "MT", b - 1, e, sex, (int)pl);
	}
	return 0;
}

/* Call fn on every line of path (1-based numbers; fn may change the line).
 * Returns 0 or -1 with err. */
static int read_lines(const char *path, int (*fn)(void *ctx, char *line, long ln, gsa_err_t *err), void *ctx,
		      gsa_err_t *err)
{
	if (gsa_input_check(path, err) < 0) return -1; /* a FIFO would block, a device never end */
	FILE *f = fopen(path, "r");
	if (!f) return gsa_err_errno(err, errno, "%s: cannot open", path);
	char *line = NULL;
	size_t cap = 0;
	long ln = 0;
	ssize_t len;
	int rc = 0;
	while (rc == 0 && (len = getline(&line, &cap, f)) > 0) {
		if (strlen(line) != (size_t)len) rc = gsa_err_set(err, GSA_EDATA, "%s: line %ld: NUL byte", path, ln + 1);
		else rc = fn(ctx, line, ++ln, err);
	}
	if (rc == 0 && ferror(f)) rc = gsa_err_errno(err, errno, "%s: read failed", path);
	free(line);
	fclose(f);
	return rc;
}

typedef struct line_ctx { cv_ploidy_t *p; char *const *samples; int ns; const char *path; } line_ctx_t;

static int rule_line(void *ctx, char *line, long ln, gsa_err_t *err)
{
	line_ctx_t *c = ctx;
	return parse_line(c->p, line, 0, c->path, ln, err);
}

int cv_ploidy_load(cv_ploidy_t *p, const char *spec, gsa_err_t *err)
{
	const char *preset = strcmp(spec, "GRCh37") == 0 ? PRESET_GRCH37 : strcmp(spec, "GRCh38") == 0 ? PRESET_GRCH38 : NULL;
	if (preset) {
		long ln = 0;
		for (const char *s = preset; *s;) {
			const char *nl = strchr(s, '\n');
			char line[128];
			size_t n = (size_t)(nl - s);
			memcpy(line, s, n);
			line[n] = '\0';
			if (parse_line(p, line, 1, spec, ++ln, err) < 0) return -1;
			s = nl + 1;
		}
		return 0;
	}
	if (!gsa_path_exists(spec)) return gsa_err_errno(err, ENOENT, "%s: cannot open (not a file, nor GRCh37 / GRCh38)", spec);
	line_ctx_t c = { p, NULL, 0, spec };
	return read_lines(spec, rule_line, &c, err);
}

/* Sex of sample name; p->sex[i] is '\0' until given. */
static int sex_one(cv_ploidy_t *p, char *const *samples, int ns, const char *name, const char *sex,
		   const char *what, gsa_err_t *err)
{
	if (!is_sex(sex)) return gsa_err_set(err, GSA_EDATA, "%s: sex of %s must be M or F, not '%s'", what, name, sex);
	for (int i = 0; i < ns; i++)
		if (strcmp(samples[i], name) == 0) {
			if (p->sex[i] && p->sex[i] != sex[0])
				return gsa_err_set(err, GSA_EDATA, "%s: %s is given as both M and F", what, name);
			p->sex[i] = sex[0];
			return 0;
		}
	return gsa_err_set(err, GSA_EDATA, "%s: '%s' is not a sample of the input", what, name);
}

static int sex_line(void *ctx, char *line, long ln, gsa_err_t *err)
{
	line_ctx_t *c = ctx;
	char *f[2];
	int n = split_fields(line, f, 2);
	if (n == 0) return 0;
	if (n != 2) return gsa_err_set(err, GSA_EDATA, "%s: line %ld: expected NAME M|F", c->path, ln);
	return sex_one(c->p, c->samples, c->ns, f[0], f[1], c->path, err);
}

int cv_ploidy_set_sex(cv_ploidy_t *p, char *const *samples, int ns, const char *spec, gsa_err_t *err)
{
	free(p->sex);
	p->ns = ns;
	p->sex = gsa_xcalloc((size_t)ns + 1, 1);
	int rc = 0;
	if (spec && gsa_path_exists(spec)) {
		line_ctx_t c = { p, samples, ns, spec };
		rc = read_lines(spec, sex_line, &c, err);
	} else if (spec) {
		char *copy = gsa_xstrdup(spec), *save = NULL;
		for (char *tok = strtok_r(copy, ",", &save); rc == 0 && tok; tok = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(tok, '=');
			if (!eq) { rc = gsa_err_set(err, GSA_EDATA, "--sample-sex: '%s' is not NAME=M or NAME=F", tok); break; }
			*eq = '\0';
			rc = sex_one(p, samples, ns, tok, eq + 1, "--sample-sex", err);
		}
		free(copy);
	}
	for (int i = 0; i < ns; i++)
		if (!p->sex[i]) p->sex[i] = 'F';
	return rc;
}

int cv_ploidy_at(const cv_ploidy_t *p, const char *contig, int64_t pos, int s, int64_t *until)
{
	char sex = p && p->sex && s >= 0 && s < p->ns ? p->sex[s] : 'F';
	int ploidy = 2;
	int64_t next = INT64_MAX;
	for (int i = 0; p && i < p->nrule; i++) {
		const cv_ploidy_rule_t *r = &p->rule[i];
		if (r->sex != sex || strcmp(r->contig, contig) != 0) continue;
		if (pos >= r->beg && pos < r->end) {
			ploidy = r->ploidy;
			if (r->end < next) next = r->end;
		} else if (r->beg > pos && r->beg < next) {
			next = r->beg;
		}
	}
	if (until) *until = next;
	return ploidy;
}

void cv_ploidy_free(cv_ploidy_t *p)
{
	for (int i = 0; p && i < p->nrule; i++) free(p->rule[i].contig);
	if (p) { free(p->rule); free(p->sex); memset(p, 0, sizeof *p); }
}
