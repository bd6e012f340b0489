/* creds.h — AWS credentials: the default provider chain, in the SDK order,
 * and refresh of temporary credentials before they expire.
 *
 *   1. environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
 *   2. shared files: profile AWS_PROFILE (or "default") in
 *      AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials), then
 *      AWS_CONFIG_FILE (~/.aws/config, section "[profile NAME]")
 *   3. ECS/Batch container endpoint: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
 *      (http://169.254.170.2 + URI) or _FULL_URI, with the Authorization
 *      header from AWS_CONTAINER_AUTHORIZATION_TOKEN or _TOKEN_FILE
 *   4. EC2 instance profile over IMDSv2: PUT /latest/api/token, then
 *      GET /latest/meta-data/iam/security-credentials/[ROLE]
 *      (endpoint AWS_EC2_METADATA_SERVICE_ENDPOINT, default
 *      http://169.254.169.254; AWS_EC2_METADATA_DISABLED=true skips it)
 *
 * Sources 3 and 4 give credentials with an Expiration; gsa_aws_creds_get()
 * fetches new ones when less than GSA_AWS_CREDS_REFRESH_S seconds remain.
 * The provider is shared by threads (a mutex guards it).
 */
#ifndef GSA_AWS_CREDS_H
#define GSA_AWS_CREDS_H

#include <pthread.h>
#include <time.h>

#include "aws/imds.h"
#include "err.h"

#define GSA_AWS_CREDS_REFRESH_S 300

typedef enum {
	GSA_CREDS_NONE = 0,
	GSA_CREDS_ENV,
	GSA_CREDS_PROFILE,
	GSA_CREDS_CONTAINER,
	GSA_CREDS_IMDS
} gsa_creds_source_t;

typedef struct gsa_aws_creds {
	char access_key[256];
	char secret_key[256];
	char token[4096];     /* "" when none */
	time_t expires;       /* 0: does not expire */
} gsa_aws_creds_t;

typedef struct gsa_aws_creds_provider {
	pthread_mutex_t mu;
	gsa_creds_source_t source;
	gsa_aws_creds_t cur;
	char profile[128];
	int fetches;          /* successful fetches (for logs and tests) */
} gsa_aws_creds_provider_t;

/* Walk the chain and load the first source that has credentials.  profile
 * NULL means AWS_PROFILE or "default".  Returns 0, or -1 with err
 * (GSA_EREMOTE "no AWS credentials found ..." or the failing source). */
int gsa_aws_creds_init(gsa_aws_creds_provider_t *p, const char *profile, gsa_err_t *err);

/* Copy current credentials into *out, refreshing first when they expire
 * within GSA_AWS_CREDS_REFRESH_S seconds.  Returns 0 or -1 with err. */
int gsa_aws_creds_get(gsa_aws_creds_provider_t *p, gsa_aws_creds_t *out, gsa_err_t *err);

void gsa_aws_creds_free(gsa_aws_creds_provider_t *p);

/* Name of a source ("environment", "profile", "container", "imds"). */
const char *gsa_aws_creds_source_name(gsa_creds_source_t s);

/* Look up key in [section] of an INI file (AWS shared-file syntax).  Returns
 * a new string, or NULL when the file, section or key is absent. */
char *gsa_aws_ini_get(const char *path, const char *section, const char *key);

/* Value of a string member "key" of a flat JSON object, newly allocated, or
 * NULL.  Enough for the credential endpoints' documents. */
char *gsa_json_get_string(const char *json, const char *key);

/* Parse "YYYY-MM-DDTHH:MM:SS[.fff]Z" (UTC).  Returns 0 or -1. */
int gsa_parse_iso8601(const char *s, time_t *out);

/* Resolve the region: explicit (may be NULL), AWS_REGION,
 * AWS_DEFAULT_REGION, the profile's "region" in the config file, IMDS
 * placement/region, else "us-east-1".  Writes out[64]. */
void gsa_aws_region_resolve(const char *explicit_region, const char *profile, char out[64]);

#endif
