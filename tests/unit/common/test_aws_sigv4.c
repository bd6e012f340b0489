/* SigV4 against the published examples of the AWS documentation: the
 * "Signature Version 4 test suite" (service "service", AKIDEXAMPLE,
 * 20150830T123600Z) and the S3 API reference examples (examplebucket,
 * AKIAIOSFODNN7EXAMPLE, 20130524T000000Z). */
#include "unit.h"
#include "aws/crc32c.h"
#include "aws/sigv4.h"

#include <stdlib.h>

#define SUITE_KEY "AKIDEXAMPLE"
#define SUITE_SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define S3_KEY "AKIAIOSFODNN7EXAMPLE"
#define S3_SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

static void suite_case(unit_t *t, const char *method, const char *path, const char *query,
		       const char *want_sig)
{
	gsa_sigv4_hdr_t h[] = { { "Host", "example.amazonaws.com" }, { "X-Amz-Date", "20150830T123600Z" } };
	gsa_sigv4_req_t r = { method, path, query, h, 2, GSA_SHA256_EMPTY, "us-east-1", "service",
			      "20150830T123600Z" };
	gsa_strbuf_t out;
	gsa_strbuf_init(&out);
	UNIT_CHECK_INT(t, gsa_sigv4_authorization(&r, SUITE_KEY, SUITE_SECRET, &out, NULL), 0);
	char want[512];
	snprintf(want, sizeof want,
		 "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
		 "SignedHeaders=host;x-amz-date, Signature=%s", want_sig);
	UNIT_CHECK_STR(t, out.s, want);
	gsa_strbuf_free(&out);
}

static void test_suite_get_vanilla(unit_t *t)
{
	suite_case(t, "GET", "/", NULL, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

static void test_suite_query_order_key_case(unit_t *t)
{
	suite_case(t, "GET", "/", "Param2=value2&Param1=value1",
		   "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

static void test_suite_get_utf8(unit_t *t)
{
	gsa_strbuf_t p;
	gsa_strbuf_init(&p);
	gsa_aws_uri_encode(&p, "/\xe1\x88\xb4", 1);
	UNIT_CHECK_STR(t, p.s, "/%E1%88%B4");
	suite_case(t, "GET", p.s, NULL, "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85");
	gsa_strbuf_free(&p);
}

static void test_suite_post_vanilla(unit_t *t)
{
	suite_case(t, "POST", "/", NULL, "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
	suite_case(t, "POST", "/", "Param1=value1",
		   "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11");
}

static void test_s3_get_object_example(unit_t *t)
{
	gsa_sigv4_hdr_t h[] = {
		{ "Host", "examplebucket.s3.amazonaws.com" },
		{ "Range", "bytes=0-9" },
		{ "x-amz-content-sha256", GSA_SHA256_EMPTY },
		{ "x-amz-date", "20130524T000000Z" },
	};
	gsa_sigv4_req_t r = { "GET", "/test.txt", NULL, h, 4, GSA_SHA256_EMPTY, "us-east-1", "s3",
			      "20130524T000000Z" };
	gsa_strbuf_t out, canon;
	gsa_strbuf_init(&out);
	gsa_strbuf_init(&canon);
	UNIT_CHECK_INT(t, gsa_sigv4_authorization(&r, S3_KEY, S3_SECRET, &out, &canon), 0);
	UNIT_CHECK_STR(t, canon.s,
		       "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
		       "x-amz-content-sha256:" GSA_SHA256_EMPTY "\nx-amz-date:20130524T000000Z\n\n"
		       "host;range;x-amz-content-sha256;x-amz-date\n" GSA_SHA256_EMPTY);
	UNIT_CHECK_STR(t, out.s,
		       "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
		       "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
		       "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
	gsa_strbuf_free(&out);
	gsa_strbuf_free(&canon);
}

static void test_s3_presigned_url_example(unit_t *t)
{
	gsa_sigv4_hdr_t h[] = { { "Host", "examplebucket.s3.amazonaws.com" } };
	gsa_sigv4_req_t r = { "GET", "/test.txt", NULL, h, 1, GSA_UNSIGNED_PAYLOAD, "us-east-1", "s3",
			      "20130524T000000Z" };
	gsa_strbuf_t out;
	gsa_strbuf_init(&out);
	UNIT_CHECK_INT(t, gsa_sigv4_presign(&r, S3_KEY, S3_SECRET, NULL, 86400, &out), 0);
	UNIT_CHECK_STR(t, out.s,
		       "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
		       "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
		       "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
	gsa_strbuf_free(&out);
}

static void test_header_values_trimmed_and_joined(unit_t *t)
{
	/* the canonical form trims values, collapses inner spaces and joins repeats */
	gsa_sigv4_hdr_t h[] = { { "Host", "h" }, { "My-Header1", "  a   b  c " }, { "x-amz-date", "20150830T123600Z" },
				{ "my-header1", "d" } };
	gsa_sigv4_req_t r = { "GET", "/", NULL, h, 4, GSA_SHA256_EMPTY, "us-east-1", "service", "20150830T123600Z" };
	gsa_strbuf_t out, canon;
	gsa_strbuf_init(&out);
	gsa_strbuf_init(&canon);
	UNIT_CHECK_INT(t, gsa_sigv4_authorization(&r, SUITE_KEY, SUITE_SECRET, &out, &canon), 0);
	UNIT_CHECK(t, strstr(canon.s, "\nmy-header1:a b c,d\n") != NULL);
	UNIT_CHECK(t, strstr(out.s, "SignedHeaders=host;my-header1;x-amz-date,") != NULL);
	gsa_strbuf_free(&out);
	gsa_strbuf_free(&canon);
}

static void test_crc32c_known_values(unit_t *t)
{
	UNIT_CHECK_INT(t, gsa_crc32c_update(0, "123456789", 9), 0xe3069283u);
	UNIT_CHECK_INT(t, gsa_crc32c_update(0, "", 0), 0);
	/* 32 zero bytes: iSCSI test vector (RFC 3720 B.4) */
	unsigned char z[32] = { 0 };
	UNIT_CHECK_INT(t, gsa_crc32c_update(0, z, 32), 0x8a9136aau);
	char b64[9];
	gsa_crc32c_base64(0xe3069283u, b64);
	UNIT_CHECK_STR(t, b64, "4waSgw==");
	uint32_t back = 0;
	UNIT_CHECK_INT(t, gsa_crc32c_from_base64(b64, &back), 0);
	UNIT_CHECK_INT(t, back, 0xe3069283u);
	UNIT_CHECK_INT(t, gsa_crc32c_from_base64("nope", &back), -1);
}

static void test_crc32c_streams_and_combine(unit_t *t)
{
	size_t n = 100003;
	unsigned char *b = malloc(n);
	uint32_t x = 12345;
	for (size_t i = 0; i < n; i++) { x = x * 1103515245u + 12345u; b[i] = (unsigned char)(x >> 16); }
	uint32_t whole = gsa_crc32c_update(0, b, n);
	/* bytewise reference */
	uint32_t c = ~0u;
	for (size_t i = 0; i < n; i++) {
		c ^= b[i];
		for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
	}
	UNIT_CHECK_INT(t, whole, ~c);
	size_t cuts[] = { 0, 1, 7, 768, 4097, 99999, n };
	for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
		size_t k = cuts[i];
		uint32_t a = gsa_crc32c_update(0, b, k), bb = gsa_crc32c_update(0, b + k, n - k);
		UNIT_CHECK_INT(t, gsa_crc32c_update(a, b + k, n - k), whole);
		UNIT_CHECK_INT(t, gsa_crc32c_combine(a, bb, n - k), whole);
	}
	free(b);
}

/* Bit-at-a-time CRC-32C, the definition itself: the oracle for the tests below. */
static uint32_t crc32c_by_bits(uint32_t crc, const unsigned char *p, size_t n)
{
	uint32_t c = ~crc;
	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0x82f63b78u & (0u - (c & 1)));
	}
	return ~c;
}

/* combine(crc(A), crc(B), |B|) == crc(A || B) on random data, for lengths
 * 0, 1, odd, around the hardware loop's 768-byte blocks, and large, at odd
 * offsets; and for lengths beyond any buffer (up to 2^64 - 1) the shift
 * by |B| + |C| equals the shift by |B| then by |C|. */
static void test_crc32c_combine_random(unit_t *t)
{
	const size_t n = (1u << 20) + 13;
	unsigned char *b = malloc(n);
	uint64_t seed = 0x5eed1234abcdull;
	for (size_t i = 0; i < n; i++) b[i] = (unsigned char)unit_rng_next(&seed);
	static const size_t lens[] = { 0, 1, 2, 3, 7, 8, 9, 255, 767, 768, 769, 1535, 2304, 4097, 65537, 524289 };
	const size_t nl = sizeof lens / sizeof lens[0];
	int bad_update = 0, bad_combine = 0;
	for (size_t i = 0; i < nl; i++) {
		for (size_t j = 0; j < nl; j++) {
			size_t la = lens[i], lb = lens[j], off = (size_t)(unit_rng_next(&seed) % 64);
			if (off + la + lb > n) continue;
			const unsigned char *pa = b + off, *pb = pa + la;
			uint32_t ca = gsa_crc32c_update(0, pa, la), cb = gsa_crc32c_update(0, pb, lb);
			uint32_t whole = gsa_crc32c_update(0, pa, la + lb);
			if (la + lb < 70000 && whole != crc32c_by_bits(0, pa, la + lb)) bad_update++;
			if (gsa_crc32c_combine(ca, cb, lb) != whole) bad_combine++;
		}
	}
	UNIT_CHECK_INT(t, bad_update, 0);
	UNIT_CHECK_INT(t, bad_combine, 0);
	/* the largest buffer against the definition, through the hardware path */
	UNIT_CHECK_INT(t, gsa_crc32c_update(0, b + 3, n - 3), crc32c_by_bits(0, b + 3, n - 3));
	/* many pieces folded left to right, like the transfer engine's parts */
	{
		uint32_t acc = 0;
		size_t at = 0, piece = 1;
		while (at < n) {
			size_t len = piece < n - at ? piece : n - at;
			acc = gsa_crc32c_combine(acc, gsa_crc32c_update(0, b + at, len), len);
			at += len;
			piece = piece * 3 + 1;
		}
		UNIT_CHECK_INT(t, acc, gsa_crc32c_update(0, b, n));
	}
	static const uint64_t big[] = { 1ull << 32, (1ull << 33) + 5, (1ull << 61) + 3, (1ull << 62) + 1,
					UINT64_MAX / 2, UINT64_MAX - 1 };
	int bad_big = 0;
	for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
		uint64_t nb = big[i], nc = unit_rng_next(&seed) % (UINT64_MAX - nb);
		uint32_t a = (uint32_t)unit_rng_next(&seed), bb = (uint32_t)unit_rng_next(&seed);
		uint32_t c = (uint32_t)unit_rng_next(&seed);
		uint32_t left = gsa_crc32c_combine(gsa_crc32c_combine(a, bb, nb), c, nc);
		uint32_t right = gsa_crc32c_combine(a, gsa_crc32c_combine(bb, c, nc), nb + nc);
		if (left != right) bad_big++;
	}
	UNIT_CHECK_INT(t, bad_big, 0);
	UNIT_CHECK_INT(t, gsa_crc32c_combine(0xdeadbeefu, 0, 0), 0xdeadbeefu); /* empty B */
	free(b);
}

/* Past 2^29 bytes 8|B| no longer fits 32 bits: x^(2^k) mod P repeats with
 * period 31 for this P, not 32, so the shift must not assume a cycle.
 * B is a 1 MiB random block repeated, streamed, against combine. */
static void test_crc32c_combine_past_512mib(unit_t *t)
{
	const size_t blk = 1u << 20;
	const uint64_t len_b = (512ull << 20) + blk + 7;
	unsigned char *b = malloc(blk);
	uint64_t seed = 0xc0ffee17ull;
	for (size_t i = 0; i < blk; i++) b[i] = (unsigned char)unit_rng_next(&seed);
	uint32_t ca = gsa_crc32c_update(0, b, 1000); /* A: the block's first 1000 bytes */
	uint32_t cb = 0, cab = ca;
	for (uint64_t done = 0; done < len_b;) {
		size_t n = len_b - done < blk ? (size_t)(len_b - done) : blk;
		cb = gsa_crc32c_update(cb, b, n);
		cab = gsa_crc32c_update(cab, b, n);
		done += n;
	}
	UNIT_CHECK_INT(t, gsa_crc32c_combine(ca, cb, len_b), cab);
	free(b);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "aws_sigv4");
	UNIT_RUN(&t, test_suite_get_vanilla);
	UNIT_RUN(&t, test_suite_query_order_key_case);
	UNIT_RUN(&t, test_suite_get_utf8);
	UNIT_RUN(&t, test_suite_post_vanilla);
	UNIT_RUN(&t, test_s3_get_object_example);
	UNIT_RUN(&t, test_s3_presigned_url_example);
	UNIT_RUN(&t, test_header_values_trimmed_and_joined);
	UNIT_RUN(&t, test_crc32c_known_values);
	UNIT_RUN(&t, test_crc32c_streams_and_combine);
	UNIT_RUN(&t, test_crc32c_combine_random);
	UNIT_RUN(&t, test_crc32c_combine_past_512mib);
	return unit_finish(&t);
}
