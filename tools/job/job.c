#include "job.h"
#include "clock.h"
#include "alloc.h"
#include "cache.h"
#include "child.h"
#include "expand.h"
#include "path.h"
#include "stale.h"
#include "remote.h"
#include "stage.h"
#include "strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void job_opts_init(job_opts_t *o)
{
	memset(o, 0, sizeof *o);
	o->grace_seconds = JOB_GRACE_DEFAULT;
}

static void list_free(char **list, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) free(list[i]);
	free(list);
}

void job_opts_destroy(job_opts_t *o)
{
	size_t i;
	list_free(o->inputs, o->n_inputs);
	list_free(o->outputs, o->n_outputs);
	free(o->output_prefix);
	free(o->workdir_base);
	free(o->cache_dir);
	free(o->endpoint_url);
	if (o->argv) {
		for (i = 0; o->argv[i]; i++) free(o->argv[i]);
		free(o->argv);
	}
	job_opts_init(o);
}

void job_list_add(char ***list, size_t *n, const char *s)
{
	*list = gsa_xreallocarray(*list, *n + 1, sizeof **list);
	(*list)[(*n)++] = gsa_xstrdup(s);
}

size_t job_list_add_words(char ***list, size_t *n, const char *s)
{
	size_t added = 0;
	while (*s) {
		size_t len;
		s += strspn(s, " \t\r\n");
		len = strcspn(s, " \t\r\n");
		if (!len) break;
		*list = gsa_xreallocarray(*list, *n + 1, sizeof **list);
		(*list)[(*n)++] = gsa_xstrndup(s, len);
		s += len;
		added++;
	}
	return added;
}

static const char *env_nonempty(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

int job_opts_from_env(job_opts_t *o, unsigned given, gsa_err_t *err)
{
	const char *v;
	if (!(given & JOB_GIVEN_INPUTS) && (v = env_nonempty("JOB_INPUTS"))) job_list_add_words(&o->inputs, &o->n_inputs, v);
	if (!(given & JOB_GIVEN_OUTPUTS) && (v = env_nonempty("JOB_OUTPUTS"))) job_list_add_words(&o->outputs, &o->n_outputs, v);
	if (!o->output_prefix && (v = env_nonempty("JOB_OUTPUT_PREFIX"))) o->output_prefix = gsa_xstrdup(v);
	if (!o->workdir_base && (v = env_nonempty("JOB_WORKDIR"))) o->workdir_base = gsa_xstrdup(v);
	if (!o->cache_dir && ((v = env_nonempty("JOB_CACHE_DIR")) || (v = env_nonempty("GSA_CACHE_DIR"))))
		o->cache_dir = gsa_xstrdup(v);
	if ((v = env_nonempty("JOB_PIPE"))) {
		if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0) o->pipe = 1;
		else if (strcmp(v, "0") != 0 && strcmp(v, "false") != 0)
			return gsa_err_set(err, GSA_EUSAGE, "JOB_PIPE must be 1/true or 0/false, not '%s'", v);
	}
	if ((v = env_nonempty("JOB_KEEP"))) {
		if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0) o->keep = 1;
		else if (strcmp(v, "0") != 0 && strcmp(v, "false") != 0)
			return gsa_err_set(err, GSA_EUSAGE, "JOB_KEEP must be 1/true or 0/false, not '%s'", v);
	}
	if (!(given & JOB_GIVEN_GRACE) && (v = env_nonempty("JOB_GRACE_SECONDS"))) {
		char *end;
		long g = strtol(v, &end, 10);
		if (*end || g < 0 || g > 3600)
			return gsa_err_set(err, GSA_EUSAGE, "JOB_GRACE_SECONDS must be 0..3600, not '%s'", v);
		o->grace_seconds = (int)g;
	}
	return 0;
}

/* --- work folder ------------------------------------------------------- */

static int is_dir(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static char *default_under_scratch(const char *name)
{
	const char *t = env_nonempty("TMPDIR");
	if (is_dir("/scratch")) return gsa_path_join("/scratch", name);
	return gsa_path_join(t ? t : "/tmp", name);
}

/* A path component from an environment value: no '/', not "." or "..". */
static int safe_component(const char *s)
{
	return *s && !strchr(s, '/') && strcmp(s, ".") != 0 && strcmp(s, "..") != 0 && strlen(s) < 200;
}

static int workdir_create(const char *base, const gsa_log_t *log, char **dir_out, int *lock_out, gsa_err_t *err)
{
	const char *id = env_nonempty("AWS_BATCH_JOB_ID"), *attempt = env_nonempty("AWS_BATCH_JOB_ATTEMPT");
	char *dir;
	*dir_out = NULL;
	char *abs;
	if (gsa_mkdir_p(base, 0755, err) < 0) return gsa_err_prefix(err, "work folder");
	if (!(abs = realpath(base, NULL))) return gsa_err_errno(err, errno, "%s: work folder", base);
	base = abs; /* the command runs inside: ${JOB_WORK_DIR} must not depend on job's own cwd */
	if (id && safe_component(id) && (!attempt || safe_component(attempt))) {
		dir = attempt ? gsa_strdup_printf("%s/%s/%s", base, id, attempt) : gsa_path_join(base, id);
		if (gsa_path_exists(dir)) {
			gsa_warn(log, "%s: removing what an earlier run of this job attempt left", dir);
			if (gsa_rm_rf(dir, err) < 0) {
				free(dir);
				free(abs);
				return -1;
			}
		}
		if (gsa_mkdir_p(dir, 0755, err) < 0) {
			free(dir);
			free(abs);
			return -1;
		}
	} else {
		/* work folders of killed jobs here (stale.h; the lock below is
		 * inherited by the command, so a folder an orphaned command still
		 * uses is held) */
		gsa_stale_sweep(base, "job-", 6, NULL);
		dir = gsa_strdup_printf("%s/job-XXXXXX", base);
		if (!mkdtemp(dir)) {
			int e = errno;
			free(dir);
			gsa_err_errno(err, e, "%s: cannot create a work folder", base);
			free(abs);
			return -1;
		}
		*lock_out = gsa_stale_hold(dir, 1);
	}
	free(abs);
	*dir_out = dir;
	return 0;
}

static void workdir_remove(const char *dir, const gsa_log_t *log)
{
	gsa_err_t e;
	char *parent;
	if (gsa_rm_rf(dir, &e) < 0) {
		gsa_warn(log, "%s", e.msg);
		return;
	}
	if (env_nonempty("AWS_BATCH_JOB_ATTEMPT") && env_nonempty("AWS_BATCH_JOB_ID")) {
		parent = gsa_path_dirname(dir);
		rmdir(parent); /* the job-id folder, once its last attempt is gone */
		free(parent);
	}
}

/* --- phases ------------------------------------------------------------ */

/* Total size of the regular files under dir, symlinks not followed, at
 * most `depth` folders deep. */
static uint64_t tree_bytes(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	uint64_t total = 0;
	if (!d) return 0;
	while ((e = readdir(d))) {
		struct stat sb;
		char *p;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
		p = gsa_path_join(dir, e->d_name);
		if (lstat(p, &sb) == 0) {
			if (S_ISREG(sb.st_mode)) total += (uint64_t)sb.st_size;
			else if (S_ISDIR(sb.st_mode) && depth > 0) total += tree_bytes(p, depth - 1);
		}
		free(p);
	}
	closedir(d);
	return total;
}

static double round_ms(double s)
{
	return (double)(long long)(s * 1000 + 0.5) / 1000;
}

static void log_stage_phase(const gsa_log_t *log, const char *phase, const job_stage_stats_t *s,
			    double seconds, int code)
{
	gsa_kv_t kv[] = {
		GSA_KV_STR("phase", phase),
		GSA_KV_NUM("files", s->files),
		GSA_KV_NUM("bytes", s->bytes),
		GSA_KV_NUM("bytes_transferred", s->fetched_bytes),
		GSA_KV_NUM("cache_hits", s->cache_hits),
		GSA_KV_NUM("seconds", round_ms(seconds)),
		GSA_KV_NUM("exit_code", code),
	};
	gsa_log_kv(log, code ? GSA_LOG_ERROR : GSA_LOG_INFO, phase, kv, (int)(sizeof kv / sizeof kv[0]));
}

static void log_run_phase(const gsa_log_t *log, const char *cmd, const job_child_result_t *r,
			  uint64_t bytes, double seconds, int code)
{
	gsa_kv_t kv[] = {
		GSA_KV_STR("phase", "run"),
		GSA_KV_STR("command", cmd),
		GSA_KV_NUM("bytes", bytes),
		GSA_KV_NUM("seconds", round_ms(seconds)),
		GSA_KV_NUM("exit_code", code),
		GSA_KV_NUM("signal", r->term_signal),
		GSA_KV_NUM("stop_signal", r->stop_signal),
	};
	gsa_log_kv(log, code ? GSA_LOG_ERROR : GSA_LOG_INFO, "run", kv, (int)(sizeof kv / sizeof kv[0]));
}

/* Exit code for a staging failure: a stop request wins over the message's code. */
static int stage_fail_code(const gsa_err_t *err)
{
	int sig = job_stop_requested(NULL);
	if (sig) return 128 + sig;
	return err->code ? err->code : GSA_EINTERNAL;
}

static int expand_list(char **in, size_t n, char ***out, gsa_err_t *err)
{
	size_t i;
	*out = gsa_xcalloc(n + 1, sizeof **out);
	for (i = 0; i < n; i++)
		if (job_expand(in[i], NULL, NULL, &(*out)[i], err) < 0) return -1;
	return 0;
}

/* The command's arguments, expanded except where they are code (expand.h). */
static int expand_command(const job_opts_t *o, size_t n, char ***out, gsa_err_t *err)
{
	*out = gsa_xcalloc(n + 1, sizeof **out);
	return job_expand_argv(o->argv, n, o->pipe, NULL, NULL, *out, err);
}

static void free_nulled(char **list)
{
	size_t i;
	if (!list) return;
	for (i = 0; list[i]; i++) free(list[i]);
	free(list);
}

/* Everything one run holds; released by state_destroy. */
typedef struct job_state {
	const job_opts_t *o;
	const gsa_log_t *log;
	char *base, *dir, *prefix, *cache_dir; /* owned */
	char **inputs, **outputs, **argv;      /* expanded, NULL-terminated, owned */
	char **cmds[JOB_PIPE_MAX];             /* argv split at "|" (--pipe): arrays owned, strings not */
	size_t ncmd;
	job_cache_t cache;
	job_remote_t remote;
	job_stage_t stage;
	job_stage_stats_t in_stats;
	int dir_lock;                          /* holds a job-XXXXXX folder (stale.h), or -1 */
} job_state_t;

static void state_destroy(job_state_t *s)
{
	size_t i;
	for (i = 0; i < s->ncmd; i++) free(s->cmds[i]);
	free_nulled(s->inputs);
	free_nulled(s->outputs);
	free_nulled(s->argv);
	free(s->prefix);
	free(s->dir);
	free(s->base);
	free(s->cache_dir);
	if (s->dir_lock >= 0) close(s->dir_lock);
	job_cache_destroy(&s->cache);
	job_remote_destroy(&s->remote);
}

/* --keep: a job-XXXXXX folder becomes job-XXXXXX.kept, which the next
 * job's sweep of stale folders leaves alone. */
static void keep_workdir(job_state_t *s)
{
	if (s->dir_lock >= 0) {
		char *kept = gsa_strdup_printf("%s.kept", s->dir);
		if (rename(s->dir, kept) == 0) {
			free(s->dir);
			s->dir = kept;
		} else {
			free(kept);
		}
	}
	gsa_info(s->log, "work folder kept: %s", s->dir);
}

/* Split s->argv into the commands of a pipeline at arguments "|" (only
 * with --pipe; otherwise it is one command).  Returns 0, or -1 with err. */
static int split_pipeline(job_state_t *s, size_t n_argv, gsa_err_t *err)
{
	size_t start = 0, i;
	for (i = 0; i <= n_argv; i++) {
		size_t k;
		/* a separator is a '|' as written, never one a ${NAME} expanded to */
		if (i < n_argv && !(s->o->pipe && strcmp(s->o->argv[i], "|") == 0)) continue;
		if (i == start)
			return gsa_err_set(err, GSA_EUSAGE, "--pipe: empty command %s '|'", i == 0 ? "before" : "after");
		if (s->ncmd == JOB_PIPE_MAX)
			return gsa_err_set(err, GSA_EUSAGE, "--pipe: at most %d commands", JOB_PIPE_MAX);
		s->cmds[s->ncmd] = gsa_xcalloc(i - start + 1, sizeof(char *));
		for (k = start; k < i; k++) s->cmds[s->ncmd][k - start] = s->argv[k];
		s->ncmd++;
		start = i + 1;
	}
	return 0;
}

/* Work folder, ${} expansion, S3 client and cache when needed.  Returns 0,
 * or -1 with err set. */
static int job_prepare(job_state_t *s, gsa_err_t *err)
{
	const job_opts_t *o = s->o;
	size_t n_argv = 0, i;
	int need_remote = 0, need_cache = 0;

	if (o->n_outputs && !o->output_prefix)
		return gsa_err_set(err, GSA_EUSAGE, "outputs declared but no --output-prefix (or JOB_OUTPUT_PREFIX)");
	s->base = o->workdir_base ? gsa_xstrdup(o->workdir_base) : default_under_scratch("gsa-work");
	if (workdir_create(s->base, s->log, &s->dir, &s->dir_lock, err) < 0) return -1;
	setenv("JOB_WORK_DIR", s->dir, 1); /* usable as ${JOB_WORK_DIR}, and seen by the command */

	/* expand ${VAR} everywhere, strictly, before touching any data */
	while (o->argv[n_argv]) n_argv++;
	if (expand_list(o->inputs, o->n_inputs, &s->inputs, err) < 0 ||
	    expand_list(o->outputs, o->n_outputs, &s->outputs, err) < 0 ||
	    expand_command(o, n_argv, &s->argv, err) < 0 ||
	    (o->output_prefix && job_expand(o->output_prefix, NULL, NULL, &s->prefix, err) < 0))
		return -1;

	if (split_pipeline(s, n_argv, err) < 0) return -1;

	for (i = 0; i < o->n_inputs; i++)
		if (job_remote_is_uri(s->inputs[i])) need_remote = need_cache = 1;
	if (s->prefix && job_remote_is_uri(s->prefix)) need_remote = 1;
	if (need_remote && job_remote_init(&s->remote, o->endpoint_url, s->log, err) < 0) return -1;
	/* the stop signals stay blocked and pending (child.h): the transfer
	 * engine's worker threads, which inherit the mask, poll sigpending()
	 * through this hook, so a request in flight is cut short */
	s->remote.should_stop = job_stop_requested;
	s->remote.stop_ctx = NULL;
	s->stage.cache = NULL;
	if (need_cache && !o->no_cache) {
		s->cache_dir = o->cache_dir ? gsa_xstrdup(o->cache_dir) : default_under_scratch("gsa-cache");
		if (job_cache_init(&s->cache, s->cache_dir, s->log, err) < 0) return -1;
		s->cache.should_stop = job_stop_requested;
		s->stage.cache = &s->cache;
	}
	s->stage.remote = &s->remote;
	s->stage.log = s->log;
	s->stage.should_stop = job_stop_requested;
	s->stage.stop_ctx = NULL;
	return 0;
}

/* Stage-in phase.  Returns 0 or an exit code. */
static int phase_stage_in(job_state_t *s, gsa_err_t *err)
{
	double t0 = gsa_monotonic_seconds();
	int code = 0;
	if (job_stage_in(&s->stage, s->inputs, s->o->n_inputs, s->dir, &s->in_stats, err) < 0) {
		code = stage_fail_code(err);
		gsa_error(s->log, "%s", err->msg);
	}
	log_stage_phase(s->log, "stage-in", &s->in_stats, gsa_monotonic_seconds() - t0, code);
	if (code == 0 && (code = job_stop_requested(NULL))) {
		gsa_warn(s->log, "received %s before the command started: not running it", job_signal_name(code));
		code += 128;
	}
	return code;
}

/* Run phase.  Returns 0 only when the command exited 0 and no stop came. */
static int phase_run(job_state_t *s, gsa_err_t *err)
{
	job_child_result_t res;
	double t0 = gsa_monotonic_seconds();
	const char *cmd = s->cmds[0][0];
	uint64_t total;
	int code;
	gsa_debug(s->log, "running %s in %s", cmd, s->dir);
	if (job_child_run(s->cmds, s->ncmd, s->dir, s->o->grace_seconds, s->log, &res, err) < 0) {
		code = err->code;
		gsa_error(s->log, "%s", err->msg);
		memset(&res, 0, sizeof res);
		log_run_phase(s->log, cmd, &res, 0, gsa_monotonic_seconds() - t0, code);
		return code;
	}
	code = res.stop_signal ? 128 + res.stop_signal : res.exit_code;
	total = tree_bytes(s->dir, 32); /* what the command left beyond its inputs */
	log_run_phase(s->log, cmd, &res, total > s->in_stats.bytes ? total - s->in_stats.bytes : 0,
		      gsa_monotonic_seconds() - t0, code);
	if (res.stop_signal)
		gsa_warn(s->log, "stopped by %s: nothing uploaded", job_signal_name(res.stop_signal));
	else if (res.exit_code != 0)
		gsa_error(s->log, "%s failed with exit code %d%s: nothing uploaded", s->cmds[res.failed_index][0],
			  res.exit_code, res.term_signal ? " (killed by a signal)" : "");
	return code;
}

/* Stage-out phase.  Returns 0 or an exit code. */
static int phase_stage_out(job_state_t *s, gsa_err_t *err)
{
	job_stage_stats_t stats;
	double t0 = gsa_monotonic_seconds();
	int code = 0;
	if (!s->o->n_outputs) return 0;
	memset(&stats, 0, sizeof stats);
	if (job_stage_out(&s->stage, s->outputs, s->o->n_outputs, s->dir, s->prefix, &stats, err) < 0) {
		code = stage_fail_code(err);
		gsa_error(s->log, "%s", err->msg);
	}
	log_stage_phase(s->log, "stage-out", &stats, gsa_monotonic_seconds() - t0, code);
	return code;
}

int job_run(const job_opts_t *o, const gsa_log_t *log, gsa_err_t *err)
{
	job_state_t s;
	double t_all = gsa_monotonic_seconds();
	int code;

	memset(&s, 0, sizeof s);
	s.o = o;
	s.log = log;
	s.dir_lock = -1;
	gsa_err_clear(err);
	if (job_prepare(&s, err) < 0) {
		code = err->code ? err->code : GSA_EINTERNAL;
		gsa_error(log, "%s", err->msg);
	} else if ((code = phase_stage_in(&s, err)) == 0 && (code = phase_run(&s, err)) == 0) {
		code = phase_stage_out(&s, err);
	}
	if (s.dir) {
		if (o->keep) keep_workdir(&s);
		else workdir_remove(s.dir, log);
	}
	{
		gsa_kv_t kv[] = { GSA_KV_NUM("exit_code", code), GSA_KV_NUM("seconds", round_ms(gsa_monotonic_seconds() - t_all)) };
		gsa_log_kv(log, code ? GSA_LOG_ERROR : GSA_LOG_INFO, "finished", kv, 2);
	}
	state_destroy(&s);
	return code;
}
