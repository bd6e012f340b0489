/* fuzz_sigv4.c — SigV4 canonicalisation (common/aws/sigv4.c): the input is
 * split at NUL bytes into method, path, query, then header name/value
 * pairs; the header form and the presigned form are both computed. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"

#define MAX_PARTS 19

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *part[MAX_PARTS];
	gsa_sigv4_hdr_t hdrs[9];
	gsa_sigv4_req_t req;
	gsa_strbuf_t out, canon;
	size_t i, np = 0, nh;
	if (!s) return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	part[np++] = s;
	for (i = 0; i < size && np < MAX_PARTS; i++)
		if (s[i] == '\0') part[np++] = s + i + 1;
	while (np < 3) part[np++] = "";
	nh = (np - 3) / 2;
	for (i = 0; i < nh; i++) {
		hdrs[i].name = part[3 + 2 * i];
		hdrs[i].value = part[4 + 2 * i];
	}
	hdrs[nh].name = "x-amz-date";
	hdrs[nh].value = "20260101T000000Z";
	memset(&req, 0, sizeof req);
	req.method = part[0];
	req.path = part[1];
	req.query = part[2];
	req.hdrs = hdrs;
	req.nhdrs = nh + 1;
	req.payload_hash = GSA_UNSIGNED_PAYLOAD;
	req.region = "us-east-1";
	req.service = "s3";
	req.amz_date = "20260101T000000Z";
	gsa_strbuf_init(&out);
	gsa_strbuf_init(&canon);
	gsa_sigv4_authorization(&req, "AKIDEXAMPLE", "secret", &out, &canon);
	gsa_strbuf_free(&out);
	gsa_strbuf_init(&out);
	gsa_sigv4_presign(&req, "AKIDEXAMPLE", "secret", "token", 60, &out);
	gsa_strbuf_free(&out);
	gsa_strbuf_free(&canon);
	gsa_strbuf_init(&out);
	gsa_aws_uri_encode(&out, part[1], 1);
	gsa_strbuf_free(&out);
	free(s);
	return 0;
}
