/* test_json.c — the JSON reader. */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "unit.h"

static gsa_json_t *parse(const char *s, gsa_err_t *e)
{
	gsa_json_t *v = NULL;
	gsa_err_clear(e);
	if (gsa_json_parse(s, strlen(s), &v, e)) return NULL;
	return v;
}

static void test_values(unit_t *t)
{
	gsa_err_t e;
	gsa_json_t *v = parse("{\"a\": [1, -2.5e1, true, false, null], \"s\": \"x\\\"\\u00e9\\ud83d\\ude00\", \"o\": {}}", &e);
	UNIT_CHECK(t, v != NULL);
	if (!v) return;
	const gsa_json_t *a = gsa_json_member(v, "a");
	UNIT_CHECK(t, a && a->type == GSA_JSON_ARR && a->n == 5);
	UNIT_CHECK(t, a->kids[0].num == 1 && a->kids[1].num == -25);
	UNIT_CHECK(t, a->kids[2].type == GSA_JSON_BOOL && a->kids[2].boolean == 1 && a->kids[3].boolean == 0);
	UNIT_CHECK(t, a->kids[4].type == GSA_JSON_NULL);
	UNIT_CHECK_STR(t, gsa_json_member(v, "s")->str, "x\"\xc3\xa9\xf0\x9f\x98\x80");
	UNIT_CHECK(t, gsa_json_member(v, "o")->type == GSA_JSON_OBJ && gsa_json_member(v, "o")->n == 0);
	UNIT_CHECK(t, gsa_json_member(v, "missing") == NULL);
	UNIT_CHECK(t, gsa_json_member(a, "a") == NULL);
	gsa_json_free(v);
}

static void test_errors(unit_t *t)
{
	static const char *bad[] = { "", "{", "{\"a\" 1}", "{\"a\": 1,}", "[1 2]", "01", "\"\\x\"", "\"a",
				     "{\"a\":1, \"a\":2}", "tru", "1 2", "\"\\ud800\"", "[1e999]", NULL };
	for (int i = 0; bad[i]; i++) {
		gsa_err_t e;
		gsa_json_t *v = parse(bad[i], &e);
		UNIT_CHECK(t, v == NULL);
		UNIT_CHECK_INT(t, e.code, GSA_EDATA);
		UNIT_CHECK(t, strncmp(e.msg, "line ", 5) == 0);
		gsa_json_free(v);
	}
	gsa_err_t e;
	UNIT_CHECK(t, parse("{\n\n  \"a\": ,\n}", &e) == NULL);
	UNIT_CHECK(t, strncmp(e.msg, "line 3:", 7) == 0);
	char deep[200];
	memset(deep, '[', sizeof deep - 1);
	deep[sizeof deep - 1] = 0;
	UNIT_CHECK(t, parse(deep, &e) == NULL);
	UNIT_CHECK(t, strstr(e.msg, "too deep") != NULL);
	/* every truncation of a valid document is an error, never a crash */
	static const char doc[] = "{\"a\": [1, -2.5e3, true, null], \"b\": {\"c\": \"\\u00e9x\\n\"}}";
	char cut[sizeof doc];
	for (size_t n = 0; n + 1 < sizeof doc; n++) {
		memcpy(cut, doc, n);
		cut[n] = 0;
		gsa_json_t *v = parse(cut, &e);
		UNIT_CHECK(t, v == NULL && e.code == GSA_EDATA);
		gsa_json_free(v);
	}
	gsa_json_t *whole = parse(doc, &e);
	UNIT_CHECK(t, whole != NULL);
	gsa_json_free(whole);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "json");
	UNIT_RUN(&t, test_values);
	UNIT_RUN(&t, test_errors);
	return unit_finish(&t);
}
