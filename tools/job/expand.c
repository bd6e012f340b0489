#include "expand.h"
#include "alloc.h"
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

static const char *env_lookup(const char *name, void *ctx)
{
	(void)ctx;
	return getenv(name);
}

static int is_name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

int job_expand(const char *in, job_lookup_fn lookup, void *ctx, char **out, gsa_err_t *err)
{
	gsa_strbuf_t b;
	const char *p = in;
	*out = NULL;
	if (!lookup) lookup = env_lookup;
	gsa_strbuf_init(&b);
	while (*p) {
		const char *dollar = strchr(p, '$');
		if (!dollar) {
			gsa_strbuf_append(&b, p);
			break;
		}
		gsa_strbuf_append_len(&b, p, (size_t)(dollar - p));
		if (dollar[1] == '$') {
			gsa_strbuf_appendc(&b, '$');
			p = dollar + 2;
		} else if (dollar[1] == '{') {
			const char *name = dollar + 2, *end = name, *val;
			char *key;
			while (is_name_char(*end)) end++;
			if (*end != '}' || end == name || !is_name_start(*name)) {
				gsa_strbuf_free(&b);
				return gsa_err_set(err, GSA_EUSAGE,
						   "'%s': bad variable reference at '%.*s' (expected ${NAME}, NAME of letters, digits and _)",
						   in, (int)strcspn(dollar, "}") + (strchr(dollar, '}') ? 1 : 0), dollar);
			}
			key = gsa_xstrndup(name, (size_t)(end - name));
			val = lookup(key, ctx);
			if (!val) {
				gsa_err_set(err, GSA_EUSAGE, "'%s': variable %s is not set", in, key);
				free(key);
				gsa_strbuf_free(&b);
				return -1;
			}
			free(key);
			gsa_strbuf_append(&b, val);
			p = end + 1;
		} else {
			gsa_strbuf_appendc(&b, '$');
			p = dollar + 1;
		}
	}
	*out = gsa_strbuf_detach(&b);
	return 0;
}

/* ---- arguments that a program runs as code ------------------------------ */

/* How a program takes code in its arguments. */
typedef enum {
	CODE_SHELL,   /* sh -c: with a 'c' among the options, the first operand */
	CODE_OPTARG,  /* python -c CODE, perl -e CODE: the argument of an option (attached or next) */
	CODE_PROGRAM, /* awk 'PROG', sed 'SCRIPT': the first operand, unless an option gave the code or a file */
	CODE_ALL      /* watch CMD...: every operand (joined and run by a shell) */
} code_kind_t;

typedef struct interp {
	const char *name;     /* basename; a version suffix of digits and dots also matches (python3.11) */
	code_kind_t kind;
	const char *code_opt; /* short options whose argument is code (CODE_SHELL: the flag) */
	const char *long_opt; /* long options whose argument is code, '|'-separated, or NULL */
	const char *arg_opt;  /* other short options that take an argument (skipped) */
	const char *file_opt; /* short options naming a program file (CODE_PROGRAM: no code operand) */
} interp_t;

static const interp_t interps[] = {
	{ "sh", CODE_SHELL, "c", NULL, "oO", "" },     { "bash", CODE_SHELL, "c", NULL, "oO", "" },
	{ "dash", CODE_SHELL, "c", NULL, "oO", "" },   { "ash", CODE_SHELL, "c", NULL, "oO", "" },
	{ "ksh", CODE_SHELL, "c", NULL, "oO", "" },    { "mksh", CODE_SHELL, "c", NULL, "oO", "" },
	{ "zsh", CODE_SHELL, "c", NULL, "oO", "" },    { "yash", CODE_SHELL, "c", NULL, "oO", "" },
	{ "posh", CODE_SHELL, "c", NULL, "oO", "" },   { "fish", CODE_OPTARG, "cC", "command|init-command", "", "" },
	{ "python", CODE_OPTARG, "c", NULL, "WXm", "" }, { "pypy", CODE_OPTARG, "c", NULL, "WXm", "" },
	{ "perl", CODE_OPTARG, "eE", NULL, "IMmx", "" }, { "ruby", CODE_OPTARG, "e", NULL, "IrCE", "" },
	{ "node", CODE_OPTARG, "ep", "eval|print", "r", "" }, { "nodejs", CODE_OPTARG, "ep", "eval|print", "r", "" },
	{ "php", CODE_OPTARG, "rBRE", NULL, "cdfz", "" }, { "lua", CODE_OPTARG, "e", NULL, "l", "" },
	{ "Rscript", CODE_OPTARG, "e", NULL, "", "" },  { "tclsh", CODE_ALL, "", NULL, "", "" },
	{ "su", CODE_OPTARG, "c", "command|session-command", "sg", "" },
	{ "runuser", CODE_OPTARG, "c", "command|session-command", "ugs", "" },
	{ "flock", CODE_OPTARG, "c", "command", "wEn", "" }, { "script", CODE_OPTARG, "c", "command", "", "" },
	{ "awk", CODE_PROGRAM, "e", "source", "vFWil", "f" }, { "gawk", CODE_PROGRAM, "e", "source", "vFWil", "f" },
	{ "mawk", CODE_PROGRAM, "", NULL, "vFW", "f" },  { "nawk", CODE_PROGRAM, "", NULL, "vF", "f" },
	{ "sed", CODE_PROGRAM, "e", "expression", "l", "f" },
	{ "watch", CODE_ALL, "", NULL, "ndq", "" },     { "ssh", CODE_ALL, "", NULL, "", "" },
};

static const interp_t *interp_of(const char *word)
{
	const char *base = strrchr(word, '/');
	size_t i, n;
	base = base ? base + 1 : word;
	for (i = 0; i < sizeof interps / sizeof interps[0]; i++) {
		n = strlen(interps[i].name);
		if (strncmp(base, interps[i].name, n) == 0 && strspn(base + n, "0123456789.") == strlen(base + n))
			return &interps[i];
	}
	return NULL;
}

/* "--name" or "--name=..." with name one of the '|'-separated list */
static int long_match(const char *word, const char *list, int *attached)
{
	const char *p = list;
	if (!list || strncmp(word, "--", 2) != 0) return 0;
	while (*p) {
		size_t n = strcspn(p, "|");
		if (strncmp(word + 2, p, n) == 0 && (word[2 + n] == '\0' || word[2 + n] == '=')) {
			*attached = word[2 + n] == '=';
			return 1;
		}
		p += n + (p[n] == '|');
	}
	return 0;
}

/* Mark in code[] the arguments of args[0..n) (the words after the program
 * name) that `in` runs as code. */
static void mark_code(const interp_t *in, char *const *args, size_t n, char *code)
{
	size_t i;
	int flag = 0, have_code = 0;
	for (i = 0; i < n; i++) {
		const char *w = args[i];
		int attached = 0;
		if (in->kind == CODE_ALL) {
			code[i] = 1;
			continue;
		}
		if (strcmp(w, "--") == 0) {
			i++;
			break;
		}
		if (long_match(w, in->long_opt, &attached)) {
			have_code = 1;
			if (attached) code[i] = 1;
			else if (i + 1 < n) code[++i] = 1;
			continue;
		}
		if (w[0] == '-' && w[1] == '-') continue; /* another long option */
		if ((w[0] == '-' || (w[0] == '+' && in->kind == CODE_SHELL)) && w[1]) {
			const char *c;
			for (c = w + 1; *c; c++) {
				if (in->kind == CODE_SHELL && strchr(in->code_opt, *c)) {
					flag = 1;
				} else if (in->kind != CODE_SHELL && strchr(in->code_opt, *c)) {
					have_code = 1;
					if (c[1]) code[i] = 1;
					else if (i + 1 < n) code[++i] = 1;
					break;
				} else if (strchr(in->arg_opt, *c) || strchr(in->file_opt, *c)) {
					if (strchr(in->file_opt, *c)) have_code = 1;
					if (!c[1]) i++; /* the argument is the next word */
					break;
				}
			}
			continue;
		}
		break; /* the first operand */
	}
	if (i < n && ((in->kind == CODE_SHELL && flag) || (in->kind == CODE_PROGRAM && !have_code))) code[i] = 1;
}

int job_code_args(char *const *argv, size_t n, int pipe, char *code)
{
	size_t i;
	int any = 0;
	memset(code, 0, n);
	for (i = 0; i < n; i++) {
		const interp_t *in;
		if (code[i] || (pipe && strcmp(argv[i], "|") == 0) || !(in = interp_of(argv[i]))) continue;
		/* the program's words end at the next '|' of a pipeline */
		size_t end = i + 1;
		while (end < n && !(pipe && strcmp(argv[end], "|") == 0)) end++;
		mark_code(in, argv + i + 1, end - i - 1, code + i + 1);
	}
	for (i = 0; i < n; i++) any |= code[i];
	return any;
}

int job_expand_argv(char *const *argv, size_t n, int pipe, job_lookup_fn lookup, void *ctx, char **out,
		    gsa_err_t *err)
{
	char *code = gsa_xmalloc(n ? n : 1);
	size_t i;
	job_code_args(argv, n, pipe, code);
	for (i = 0; i < n; i++) {
		if (code[i]) {
			out[i] = gsa_xstrdup(argv[i]);
		} else if (job_expand(argv[i], lookup, ctx, &out[i], err) < 0) {
			free(code);
			return -1;
		}
	}
	free(code);
	return 0;
}
