/* imds.h — the EC2 instance metadata service, IMDSv2 only.
 *
 * A session token comes from PUT /latest/api/token with the header
 * X-aws-ec2-metadata-token-ttl-seconds; every GET carries it in
 * X-aws-ec2-metadata-token.  A gsa_imds_t keeps its token and fetches a new
 * one shortly before the TTL runs out (or when the service answers 401), so
 * a long-running daemon makes one token request per TTL at most, and only
 * when it reads metadata at all.  IMDSv1 (GET without a token) is never used.
 *
 * Endpoint: AWS_EC2_METADATA_SERVICE_ENDPOINT (default http://169.254.169.254);
 * AWS_EC2_METADATA_DISABLED=true turns the service off.
 */
#ifndef GSA_AWS_IMDS_H
#define GSA_AWS_IMDS_H

#include "err.h"

#define GSA_IMDS_TTL_DEFAULT 21600 /* seconds, the service's maximum */

typedef struct gsa_imds {
	char base[256];         /* endpoint without trailing '/' */
	char token[1024];       /* current session token, "" when none */
	double token_expires;   /* gsa_monotonic_seconds() when it runs out */
	int ttl_s;              /* TTL asked for each token */
	long timeout_s;         /* per request */
	int attempts;           /* tries per request on transport errors and 5xx */
	int token_fetches;      /* tokens obtained (for status and tests) */
} gsa_imds_t;

/* Set up a client for ttl_s-second tokens (<= 0: GSA_IMDS_TTL_DEFAULT) at
 * the endpoint from the environment.  No request is made. */
void gsa_imds_init(gsa_imds_t *m, int ttl_s);

/* GET path (e.g. "/latest/meta-data/instance-id") into a new string *out
 * (trailing white space removed).  Returns 0, or -1 with err (GSA_EREMOTE:
 * unreachable, HTTP status, disabled). */
int gsa_imds_read(gsa_imds_t *m, const char *path, char **out, gsa_err_t *err);

/* One-shot read with a fresh token (for the credential chain, which reads
 * rarely).  Returns 0 with a new *out, or -1 with err. */
int gsa_imds_get(const char *path, char **out, gsa_err_t *err);

/* 1 when AWS_EC2_METADATA_DISABLED is true. */
int gsa_imds_disabled(void);

#endif
