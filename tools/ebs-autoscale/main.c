/* ebs-autoscale — grow a scratch filesystem with EBS volumes before it
 * fills.  Thin front-end: options, commands, exit codes. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "eas_config.h"
#include "eas_daemon.h"
#include "eas_detect.h"
#include "eas_fs.h"
#include "eas_grow.h"
#include "eas_state.h"
#include "path.h"

static const char usage[] =
	"Usage: ebs-autoscale init --device DEV [--mountpoint DIR] [--fs btrfs|xfs-lvm] [--config FILE]\n"
	"       ebs-autoscale run     [--config FILE]\n"
	"       ebs-autoscale status  [--config FILE]\n"
	"       ebs-autoscale cleanup [--config FILE]\n"
	"\n"
	"Grow a scratch filesystem with new EBS volumes before any job runs out of\n"
	"disk.  The daemon samples statvfs every detection_interval (no API call while\n"
	"nothing changes) and adds a volume when the used share reaches the threshold\n"
	"for the current device count, or when the write rate would fill the disk\n"
	"before new space could be usable.  Volumes are encrypted, tagged with the\n"
	"instance's tags and gsa:ebs-autoscale:creator=INSTANCE-ID, and get\n"
	"DeleteOnTermination before they are used; a restart sweeps what an\n"
	"interrupted run left.  Instance metadata: IMDSv2 only.\n"
	"\n"
	"Commands:\n"
	"  init      make the filesystem on DEV and mount it (idempotent)\n"
	"  run       the daemon (systemd: ebs-autoscale.service)\n"
	"  status    devices, sizes, usage, the volumes created, the last error\n"
	"  cleanup   detach and delete the volumes this instance created (unmount first)\n"
	"\n"
	"Options:\n"
	"  -c, --config FILE       configuration (default " EAS_CONFIG_DEFAULT_PATH ";\n"
	"                          a missing default file means all defaults)\n"
	"  -d, --device DEV        init: the initial block device\n"
	"  -m, --mountpoint DIR    init: overrides the config's mountpoint\n"
	"      --fs KIND           init: btrfs (default) or xfs-lvm\n"
	"  -h, --help              this help\n"
	"  -V, --version           version\n"
	"      --quiet, --verbose  less / more logging\n"
	"      --log-format F      text or json (journald / CloudWatch)\n"
	"\n"
	"Exit codes: 0 ok, 1 usage, 2 bad configuration, 3 local I/O (device,\n"
	"filesystem not mounted, mkfs/mount failed), 4 AWS (IMDS unreachable,\n"
	"credentials, a missing IAM permission, EC2 errors), 5 internal,\n"
	"130/143 stopped by SIGINT/SIGTERM.\n"
	"\n"
	"Examples:\n"
	"  ebs-autoscale init --device /dev/nvme1n1 --mountpoint /scratch\n"
	"  ebs-autoscale run --config /etc/gsa/ebs-autoscale.json\n"
	"  ebs-autoscale status\n";

enum { OPT_FS = GSA_CLI_OPT_FIRST_FREE };

/* signals: blocked, consumed by sigtimedwait in the loop and polled by
 * sigpending inside requests (no handler, no global state) */
static void block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigprocmask(SIG_BLOCK, set, NULL);
}

static int pending_stop(void *ctx)
{
	(void)ctx;
	sigset_t p;
	if (sigpending(&p)) return 0;
	return sigismember(&p, SIGTERM) ? SIGTERM : sigismember(&p, SIGINT) ? SIGINT : 0;
}

static int wait_stop(void *ctx, double seconds)
{
	const sigset_t *set = ctx;
	struct timespec ts = { (time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9) };
	int sig = sigtimedwait(set, NULL, &ts);
	return sig == SIGTERM || sig == SIGINT ? sig : 0;
}

static int load_config(const gsa_cli_t *cli, eas_config_t *cfg, const char *path, gsa_err_t *err)
{
	(void)cli;
	if (!path) {
		FILE *f = fopen(EAS_CONFIG_DEFAULT_PATH, "r");
		if (!f) {
			eas_config_defaults(cfg);
			return 0;
		}
		fclose(f);
		path = EAS_CONFIG_DEFAULT_PATH;
	}
	return eas_config_load(cfg, path, err);
}

static void human(double bytes, char *out, size_t n)
{
	const double gib = 1024.0 * 1024 * 1024;
	if (bytes >= gib) snprintf(out, n, "%.2f GiB", bytes / gib);
	else snprintf(out, n, "%.1f MiB", bytes / (1024.0 * 1024));
}

static int cmd_status(const eas_config_t *cfg, gsa_err_t *err)
{
	char a[32], b[32], c[32];
	eas_usage_t u;
	printf("mountpoint: %s (%s)\n", cfg->mountpoint, eas_config_fs_name(cfg->fs));
	if (eas_fs_check(cfg, err) == 0 && eas_usage_read(cfg->mountpoint, &u, err) == 0) {
		human((double)u.total, a, sizeof a);
		human((double)u.used, b, sizeof b);
		human((double)u.avail, c, sizeof c);
		printf("size: %s, used %s (%.1f%%), free %s\n", a, b, u.pct, c);
		eas_fs_dev_t *devs = calloc(EAS_FS_MAX_DEVS, sizeof *devs);
		int n = 0;
		if (devs && eas_fs_list(cfg, devs, EAS_FS_MAX_DEVS, &n, err) == 0) {
			printf("devices: %d (threshold %ld%%)\n", n, eas_config_threshold(cfg, n));
			for (int i = 0; i < n; i++) {
				human((double)devs[i].total, a, sizeof a);
				printf("  %s  %s\n", devs[i].path, a);
			}
		}
		free(devs);
	} else {
		printf("filesystem: %s\n", err->msg);
	}
	char *path = eas_daemon_state_path(cfg);
	eas_state_t *st = calloc(1, sizeof *st);
	int rc = 0;
	if (!st) {
		rc = gsa_err_set(err, GSA_EINTERNAL, "out of memory");
	} else if (eas_state_load(st, path, err) == 0) {
		printf("daemon: %s (pid %ld, instance %s, updated %s)\n", st->phase, st->pid, st->instance_id, st->updated);
		printf("growths: %ld, last detection->usable %.2f s, EC2 requests %ld (throttled %ld)\n", st->growths,
		       st->last_growth_s, st->api_requests, st->throttled);
		printf("volumes created: %d\n", st->nvols);
		for (int i = 0; i < st->nvols; i++)
			printf("  %s  %ld GiB  %s  %s  %s\n", st->vols[i].id, st->vols[i].size_gib,
			       st->vols[i].attach_name[0] ? st->vols[i].attach_name : "-",
			       st->vols[i].device[0] ? st->vols[i].device : "-", st->vols[i].state);
		printf("last error: %s%s%s\n", st->last_error_time, st->last_error[0] ? " " : "",
		       st->last_error[0] ? st->last_error : "none");
	} else {
		printf("daemon: no state file (%s)\n", err->msg);
	}
	free(st);
	free(path);
	return rc;
}

static int cmd_cleanup(const eas_config_t *cfg, const gsa_log_t *log, sigset_t *sigs, gsa_err_t *err)
{
	if (eas_fs_check(cfg, err) == 0)
		return gsa_err_set(err, GSA_EIO, "%s: still mounted: unmount it before 'ebs-autoscale cleanup'",
				   cfg->mountpoint);
	eas_aws_t *aws = calloc(1, sizeof *aws);
	eas_state_t *st = calloc(1, sizeof *st);
	eas_grow_t *g = calloc(1, sizeof *g);
	char *path = eas_daemon_state_path(cfg);
	int rc = -1;
	if (!aws || !st || !g) {
		gsa_err_set(err, GSA_EINTERNAL, "out of memory");
	} else if (eas_aws_connect(aws, cfg, log, err) == 0) {
		gsa_err_t ignore;
		if (eas_state_load(st, path, &ignore)) eas_state_init(st);
		aws->ec2.should_stop = pending_stop;
		eas_grow_init(g, cfg, log, &aws->ec2, st, gsa_mkdir_p(cfg->state_dir, 0755, &ignore) ? NULL : path);
		g->should_stop = pending_stop;
		g->stop_ctx = sigs;
		snprintf(g->instance_id, sizeof g->instance_id, "%s", aws->instance_id);
		snprintf(g->az, sizeof g->az, "%s", aws->az);
		snprintf(st->phase, sizeof st->phase, "cleaned");
		rc = eas_grow_cleanup(g, err);
	}
	if (aws) eas_aws_close(aws);
	free(path);
	free(g);
	free(st);
	free(aws);
	return rc;
}

int main(int argc, char **argv)
{
	gsa_log_t log;
	gsa_cli_t cli;
	gsa_cli_init(&cli, "ebs-autoscale", usage, &log);
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "device", required_argument, NULL, 'd' },
		{ "mountpoint", required_argument, NULL, 'm' },
		{ "fs", required_argument, NULL, OPT_FS },
		GSA_CLI_LONGOPTS
	};
	const char *config = NULL, *device = NULL, *mountpoint = NULL, *fs = NULL;
	int c, rc;
	while ((c = getopt_long(argc, argv, ":c:d:m:" GSA_CLI_SHORTOPTS, opts, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 'd': device = optarg; break;
		case 'm': mountpoint = optarg; break;
		case OPT_FS: fs = optarg; break;
		default:
			if ((rc = gsa_cli_handle(&cli, c, argv)) != GSA_CLI_CONTINUE) return rc;
		}
	}
	if (optind >= argc) return gsa_cli_usage_error(&cli, "missing command (init, run, status or cleanup)");
	if (optind + 1 < argc) return gsa_cli_usage_error(&cli, "unexpected argument '%s'", argv[optind + 1]);
	const char *cmd = argv[optind];
	int is_init = !strcmp(cmd, "init");
	if (!is_init && strcmp(cmd, "run") && strcmp(cmd, "status") && strcmp(cmd, "cleanup"))
		return gsa_cli_usage_error(&cli, "unknown command '%s' (init, run, status or cleanup)", cmd);
	if (!is_init && (device || mountpoint || fs))
		return gsa_cli_usage_error(&cli, "--device, --mountpoint and --fs belong to 'init'");
	if (is_init && !device) return gsa_cli_usage_error(&cli, "init needs --device DEV");
	if (mountpoint && mountpoint[0] != '/') return gsa_cli_usage_error(&cli, "--mountpoint must be an absolute path");

	eas_config_t *cfg = calloc(1, sizeof *cfg);
	gsa_err_t err;
	gsa_err_clear(&err);
	if (!cfg) return GSA_EINTERNAL;
	if (load_config(&cli, cfg, config, &err)) {
		free(cfg);
		return gsa_cli_fail(&cli, &err);
	}
	if (mountpoint) snprintf(cfg->mountpoint, sizeof cfg->mountpoint, "%s", mountpoint);
	if (fs && eas_config_parse_fs(fs, &cfg->fs)) {
		free(cfg);
		return gsa_cli_usage_error(&cli, "--fs must be btrfs or xfs-lvm, not '%s'", fs);
	}
	sigset_t sigs;
	block_signals(&sigs);
	rc = 0;
	if (is_init) {
		eas_fs_init_result_t res;
		if (eas_fs_init(cfg, device, &log, &res, &err)) rc = -1;
		else if (res == EAS_FS_INIT_ALREADY)
			gsa_info(&log, "%s: already initialised (%s on %s)", cfg->mountpoint, eas_config_fs_name(cfg->fs), device);
		else
			gsa_info(&log, "%s: %s on %s mounted%s", cfg->mountpoint, eas_config_fs_name(cfg->fs), device,
				 res == EAS_FS_INIT_CREATED ? " (new filesystem)" : "");
	} else if (!strcmp(cmd, "run")) {
		eas_daemon_hooks_t hooks = { pending_stop, wait_stop, &sigs };
		int sig = 0;
		if (eas_daemon_run(cfg, &log, &hooks, &sig, &err)) rc = -1;
		else if (sig) rc = sig == SIGINT ? GSA_ESIGINT : GSA_ESIGTERM;
	} else if (!strcmp(cmd, "status")) {
		if (cmd_status(cfg, &err)) rc = -1;
	} else {
		if (cmd_cleanup(cfg, &log, &sigs, &err)) rc = -1;
		else gsa_info(&log, "cleanup done");
	}
	free(cfg);
	if (rc < 0) return gsa_cli_fail(&cli, &err);
	return rc;
}
