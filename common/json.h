/* json.h — a small JSON reader (RFC 8259) into a tree, for configuration
 * files and service documents.  Numbers are doubles; strings are UTF-8 with
 * \uXXXX escapes decoded (surrogate pairs joined).  Nesting is limited to
 * GSA_JSON_MAX_DEPTH.
 */
#ifndef GSA_JSON_H
#define GSA_JSON_H

#include <stddef.h>

#include "err.h"

#define GSA_JSON_MAX_DEPTH 64

typedef enum {
	GSA_JSON_NULL = 0,
	GSA_JSON_BOOL,
	GSA_JSON_NUM,
	GSA_JSON_STR,
	GSA_JSON_ARR,
	GSA_JSON_OBJ
} gsa_json_type_t;

typedef struct gsa_json {
	gsa_json_type_t type;
	int boolean;            /* GSA_JSON_BOOL */
	double num;             /* GSA_JSON_NUM */
	char *str;              /* GSA_JSON_STR, owned */
	struct gsa_json *kids;  /* GSA_JSON_ARR / GSA_JSON_OBJ elements, owned */
	char **keys;            /* GSA_JSON_OBJ: keys[i] names kids[i], owned */
	size_t n;
	int line;               /* line where the value starts (1-based), for messages */
} gsa_json_t;

/* Parse text[0..len) (one value, surrounded by optional white space) into a
 * new tree *out (free with gsa_json_free).  Returns 0, or -1 with err
 * (GSA_EDATA, "line L: what is wrong"; callers prefix the file name). */
int gsa_json_parse(const char *text, size_t len, gsa_json_t **out, gsa_err_t *err);

/* Free a tree from gsa_json_parse (NULL is fine). */
void gsa_json_free(gsa_json_t *v);

/* Member `key` of object obj, or NULL (also when obj is not an object). */
const gsa_json_t *gsa_json_member(const gsa_json_t *obj, const char *key);

/* "null", "boolean", "number", "string", "array", "object". */
const char *gsa_json_type_name(gsa_json_type_t t);

#endif
