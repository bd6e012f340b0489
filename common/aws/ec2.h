/* ec2.h — an Amazon EC2 Query API client (API version 2016-11-15) on top of
 * sigv4 and http: signed form POSTs, error documents, and retries with
 * capped exponential backoff and full jitter (throttling above all).
 *
 * Every request names its IAM action as a string literal at the call site,
 * e.g. gsa_ec2_call(c, "ec2:CreateVolume", &params, &xml, err); the Query
 * parameter Action= is that name without "ec2:".  This is the only place
 * that builds Action=, so the IAM policy table can be checked against the
 * literals in the source.
 *
 * Endpoint: the explicit one, else AWS_ENDPOINT_URL_EC2, else
 * AWS_ENDPOINT_URL, else https://ec2.REGION.amazonaws.com.
 */
#ifndef GSA_AWS_EC2_H
#define GSA_AWS_EC2_H

#include <stdint.h>

#include "aws/creds.h"
#include "aws/http.h"
#include "err.h"
#include "log.h"
#include "strbuf.h"

#define GSA_EC2_API_VERSION "2016-11-15"

/* Query parameters of one request (form-encoded as they are added). */
typedef struct gsa_ec2_params {
	gsa_strbuf_t body;
} gsa_ec2_params_t;

void gsa_ec2_params_init(gsa_ec2_params_t *p);
void gsa_ec2_params_free(gsa_ec2_params_t *p);
/* Add name=value (both URI-encoded here). */
void gsa_ec2_params_add(gsa_ec2_params_t *p, const char *name, const char *value);
/* Add name=printf(fmt, ...). */
void gsa_ec2_params_addf(gsa_ec2_params_t *p, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

typedef struct gsa_ec2_client {
	char endpoint[256];                 /* scheme://host[:port], no trailing '/' */
	char host[256];                     /* host[:port] as signed */
	char region[64];
	gsa_aws_creds_provider_t *creds;    /* not owned */
	const gsa_log_t *log;               /* not owned; may be NULL */
	gsa_http_conn_t http;
	int max_attempts;                   /* per call (default 16) */
	long base_ms, cap_ms;               /* backoff (default 200 ms, 20 s) */
	long timeout_s;                     /* per attempt (default 30) */
	uint64_t rng;                       /* jitter state */
	long requests;                      /* HTTP requests sent, retries included */
	long throttled;                     /* requests answered with a throttling error */
	char last_code[96];                 /* error code of the last failed call, else "" */
	int (*should_stop)(void *ctx);      /* cancel hook between and during attempts (may be NULL) */
	void *stop_ctx;
} gsa_ec2_client_t;

/* Set up a client for region (and endpoint, NULL for the default chain
 * above) with the credential provider creds.  Returns 0 or -1 with err. */
int gsa_ec2_init(gsa_ec2_client_t *c, const char *region, const char *endpoint, gsa_aws_creds_provider_t *creds,
		 const gsa_log_t *log, gsa_err_t *err);

/* Release the connection; safe after a failed init. */
void gsa_ec2_free(gsa_ec2_client_t *c);

/* Perform the EC2 action `action` ("ec2:Name") with params (may be NULL).
 * On success *xml (may be NULL to discard) is the response document (caller
 * frees) and c->last_code is "".  On failure returns -1 with err
 * (GSA_EREMOTE, "ec2:Name: Code: Message (HTTP 403, request id ...)") and
 * c->last_code set to the EC2 error code (or "transport"). */
int gsa_ec2_call(gsa_ec2_client_t *c, const char *action, const gsa_ec2_params_t *params, char **xml,
		 gsa_err_t *err);

/* 1 when an EC2 error code means "slow down" (RequestLimitExceeded,
 * Throttling, ...). */
int gsa_ec2_is_throttle(const char *code);

#endif
