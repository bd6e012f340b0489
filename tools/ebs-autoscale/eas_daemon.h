/* eas_daemon.h — the `run` loop and its connection to AWS.
 *
 * Every detection_interval: statvfs (no API call), feed the write-rate
 * predictor, and grow when the threshold for the current device count is
 * reached or the filesystem would fill before new space could be usable.
 * Nothing else happens while nothing changes: no API call, no IMDS request,
 * no file write.
 */
#ifndef EAS_DAEMON_H
#define EAS_DAEMON_H

#include "aws/creds.h"
#include "aws/ec2.h"
#include "aws/imds.h"
#include "eas_config.h"
#include "err.h"
#include "log.h"

/* AWS side: IMDS (instance id, AZ, region), credentials, EC2 client. */
typedef struct eas_aws {
	gsa_imds_t imds;
	gsa_aws_creds_provider_t creds;
	gsa_ec2_client_t ec2;
	char instance_id[32];
	char az[64];
	char region[64];
	int have_creds, have_ec2;
} eas_aws_t;

/* Read the instance identity from IMDSv2, load credentials and set up the
 * EC2 client (cfg's api.* settings).  Returns 0, or -1 with err (GSA_EREMOTE:
 * IMDS unreachable, no credentials).  eas_aws_close undoes it (also after a
 * failure). */
int eas_aws_connect(eas_aws_t *a, const eas_config_t *cfg, const gsa_log_t *log, gsa_err_t *err);
void eas_aws_close(eas_aws_t *a);

/* What main() gives the loop: stop checks and an interruptible sleep. */
typedef struct eas_daemon_hooks {
	int (*should_stop)(void *ctx);          /* pending stop signal, else 0 (cheap, any thread) */
	int (*wait)(void *ctx, double seconds); /* sleep; returns a stop signal that arrived, else 0 */
	void *ctx;
} eas_daemon_hooks_t;

/* Run until a stop signal: returns 0 with *stop_sig set.  Start-up
 * failures (filesystem not mounted, IMDS, credentials, a missing
 * permission) return -1 with err.  Failures while running are logged at
 * error level, recorded in the state file, and retried with backoff: the
 * daemon does not exit while the disk fills. */
int eas_daemon_run(const eas_config_t *cfg, const gsa_log_t *log, const eas_daemon_hooks_t *hooks, int *stop_sig,
		   gsa_err_t *err);

/* STATE_DIR/state.json for cfg (new string). */
char *eas_daemon_state_path(const eas_config_t *cfg);

#endif
