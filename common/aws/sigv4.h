/* sigv4.h — AWS Signature Version 4 (header and query-string forms).
 *
 * Follows "Signature Version 4 signing process" of the AWS documentation:
 * canonical request -> string to sign -> HMAC chain of the secret over
 * date/region/service/"aws4_request".  Hashing is OpenSSL libcrypto.
 *
 * Paths and query strings are passed in their wire (URI-encoded) form, which
 * is also the canonical form for S3 (S3 does not double-encode paths); use
 * gsa_aws_uri_encode() to build them.
 */
#ifndef GSA_AWS_SIGV4_H
#define GSA_AWS_SIGV4_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "strbuf.h"

#define GSA_SHA256_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define GSA_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"

typedef struct gsa_sigv4_hdr {
	const char *name;  /* any case; lower-cased for signing */
	const char *value; /* trimmed, inner runs of spaces collapsed for signing */
} gsa_sigv4_hdr_t;

typedef struct gsa_sigv4_req {
	const char *method;          /* "GET", "PUT", ... */
	const char *path;            /* URI-encoded absolute path, e.g. "/bucket/a%20b" */
	const char *query;           /* URI-encoded "k=v&k2=v2" in any order, or NULL/"" */
	const gsa_sigv4_hdr_t *hdrs; /* headers to sign; must include host and x-amz-date */
	size_t nhdrs;
	const char *payload_hash;    /* hex SHA-256 of the body, or GSA_UNSIGNED_PAYLOAD */
	const char *region;          /* e.g. "us-east-1" */
	const char *service;         /* "s3" */
	const char *amz_date;        /* "YYYYMMDDTHHMMSSZ" (the x-amz-date value) */
} gsa_sigv4_req_t;

/* Append the Authorization header value for req signed with the key pair to
 * out ("AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...").
 * When canon is not NULL the canonical request is left in it (for tests and
 * debug logs).  Returns 0, or -1 if a header name is missing. */
int gsa_sigv4_authorization(const gsa_sigv4_req_t *req, const char *access_key,
			    const char *secret_key, gsa_strbuf_t *out, gsa_strbuf_t *canon);

/* Query-string signing (a presigned URL): append to out the full query
 * string (req->query, if any, plus X-Amz-Algorithm, -Credential, -Date,
 * -Expires, -SignedHeaders, -Security-Token when token is set, and
 * -Signature).  req->payload_hash is normally GSA_UNSIGNED_PAYLOAD and
 * req->hdrs usually just host.  Returns 0 or -1. */
int gsa_sigv4_presign(const gsa_sigv4_req_t *req, const char *access_key, const char *secret_key,
		      const char *token, unsigned expires_s, gsa_strbuf_t *out);

/* Append s URI-encoded as SigV4 requires: unreserved A-Z a-z 0-9 - _ . ~
 * kept, everything else %XX (upper-case hex); '/' kept when keep_slash. */
void gsa_aws_uri_encode(gsa_strbuf_t *out, const char *s, int keep_slash);

/* Format t (UTC) as "YYYYMMDDTHHMMSSZ" into out[17]. */
void gsa_aws_amz_date(time_t t, char out[17]);

/* Lower-case hex SHA-256 of buf into out[65]. */
void gsa_sha256_hex(const void *buf, size_t n, char out[65]);

/* Lower-case hex of n bytes into out[2n+1]. */
void gsa_hex(const unsigned char *b, size_t n, char *out);

#endif
