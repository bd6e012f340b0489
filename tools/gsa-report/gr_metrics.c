#include "gr_metrics.h"
#include "alloc.h"
#include "io.h"

#include <stdlib.h>
#include <string.h>

void gr_sample_init(gr_sample_t *s)
{
	memset(s, 0, sizeof *s);
}

void gr_sample_free(gr_sample_t *s)
{
	if (!s) return;
	free(s->name);
	gsa_json_free(s->align);
	gsa_json_free(s->sort);
	gsa_json_free(s->calls);
	free(s->align_path);
	free(s->sort_path);
	free(s->calls_path);
	memset(s, 0, sizeof *s);
}

int gr_sample_load(gr_sample_t *s, const char *path, gsa_err_t *err)
{
	char *text = NULL;
	size_t len = 0;
	gsa_json_t *doc = NULL, **slot;
	char **where;
	const gsa_json_t *kind;
	if (gsa_read_file(path, &text, &len, err) < 0) return -1;
	if (gsa_json_parse(text, len, &doc, err) < 0) {
		free(text);
		gsa_err_prefix(err, "%s", path);
		return -1;
	}
	free(text);
	kind = gsa_json_member(doc, "kind");
	if (!kind || kind->type != GSA_JSON_STR) {
		gsa_json_free(doc);
		return gsa_err_set(err, GSA_EDATA, "%s: not a gsa metrics file (no \"kind\")", path);
	}
	if (strcmp(kind->str, "gsa-align-metrics") == 0) { slot = &s->align; where = &s->align_path; }
	else if (strcmp(kind->str, "gsa-sort-index-metrics") == 0) { slot = &s->sort; where = &s->sort_path; }
	else if (strcmp(kind->str, "gsa-call-variants-metrics") == 0) { slot = &s->calls; where = &s->calls_path; }
	else {
		gsa_err_set(err, GSA_EDATA, "%s: unknown metrics kind '%s'", path, kind->str);
		gsa_json_free(doc);
		return -1;
	}
	if (*slot) {
		gsa_err_set(err, GSA_EDATA, "%s: a second %s file (the first is %s)", path, kind->str, *where);
		gsa_json_free(doc);
		return -1;
	}
	*slot = doc;
	*where = gsa_xstrdup(path);
	return 0;
}

const gsa_json_t *gr_get(const gsa_json_t *doc, const char *dotted)
{
	char key[128];
	const char *p = dotted;
	while (doc && *p) {
		size_t n = strcspn(p, ".");
		if (n >= sizeof key) return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		doc = gsa_json_member(doc, key);
		p += n;
		if (*p == '.') p++;
	}
	return doc;
}

double gr_num(const gsa_json_t *doc, const char *dotted, double dflt)
{
	const gsa_json_t *v = gr_get(doc, dotted);
	if (v && v->type == GSA_JSON_NUM) return v->num;
	if (v && v->type == GSA_JSON_BOOL) return v->boolean;
	return dflt;
}

double *gr_array(const gsa_json_t *doc, const char *dotted, size_t *n)
{
	const gsa_json_t *v = gr_get(doc, dotted);
	double *out;
	size_t i;
	*n = 0;
	if (!v || v->type != GSA_JSON_ARR || v->n == 0) return NULL;
	out = gsa_xcalloc(v->n, sizeof *out);
	for (i = 0; i < v->n; i++) out[i] = v->kids[i].type == GSA_JSON_NUM ? v->kids[i].num : 0;
	*n = v->n;
	return out;
}
