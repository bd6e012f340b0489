/* test_aws_xml_ec2.c — XML child walking (same-name nesting) and the EC2
 * client's parameters, action names and error handling. */
#include <stdlib.h>
#include <string.h>

#include "aws/ec2.h"
#include "aws/xml.h"
#include "unit.h"

static const char *DOC =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<DescribeVolumesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
	"<requestId>r1</requestId><volumeSet>"
	"<item><volumeId>vol-1</volumeId><snapshotId/>"
	"<attachmentSet><item><status>attached</status><device>/dev/xvdba</device></item></attachmentSet>"
	"<status>in-use</status><tagSet><item><key>a&amp;b</key><value>&lt;1&gt;</value></item></tagSet></item>"
	"<item><volumeId>vol-2</volumeId><status>available</status><attachmentSet/></item>"
	"</volumeSet></DescribeVolumesResponse>";

static void test_children(unit_t *t)
{
	gsa_xml_span_t root, set, item, atts, att, tags, tag;
	UNIT_CHECK(t, gsa_xml_root(DOC, &root));
	const char *from = NULL;
	UNIT_CHECK(t, gsa_xml_child(root, &from, "volumeSet", &set));
	from = NULL;
	int n = 0;
	while (gsa_xml_child(set, &from, "item", &item)) {
		char *id = gsa_xml_text(item, "volumeId");
		char *st = gsa_xml_text(item, "status"); /* the direct child, not the attachment's */
		if (n == 0) {
			UNIT_CHECK_STR(t, id, "vol-1");
			UNIT_CHECK_STR(t, st, "in-use");
			const char *f2 = NULL;
			UNIT_CHECK(t, gsa_xml_child(item, &f2, "attachmentSet", &atts));
			f2 = NULL;
			UNIT_CHECK(t, gsa_xml_child(atts, &f2, "item", &att));
			char *as = gsa_xml_text(att, "status");
			UNIT_CHECK_STR(t, as, "attached");
			free(as);
			f2 = NULL;
			UNIT_CHECK(t, gsa_xml_child(item, &f2, "tagSet", &tags));
			f2 = NULL;
			UNIT_CHECK(t, gsa_xml_child(tags, &f2, "item", &tag));
			char *k = gsa_xml_text(tag, "key"), *v = gsa_xml_text(tag, "value");
			UNIT_CHECK_STR(t, k, "a&b");
			UNIT_CHECK_STR(t, v, "<1>");
			free(k);
			free(v);
		} else {
			UNIT_CHECK_STR(t, id, "vol-2");
			UNIT_CHECK_STR(t, st, "available");
			const char *f2 = NULL;
			UNIT_CHECK(t, gsa_xml_child(item, &f2, "attachmentSet", &atts));
			UNIT_CHECK(t, atts.a == atts.z); /* <attachmentSet/> */
		}
		free(id);
		free(st);
		n++;
	}
	UNIT_CHECK_INT(t, n, 2);
	gsa_strbuf_t b;
	gsa_strbuf_init(&b);
	const char *ent = "a&#233;&#x1F600;&#x110000;&bogus;&";
	gsa_xml_unescape(&b, ent, strlen(ent));
	UNIT_CHECK_STR(t, b.s, "a\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbd&bogus;&");
	gsa_strbuf_free(&b);
	char *rid = gsa_xml_root_text(DOC, "requestId");
	UNIT_CHECK_STR(t, rid, "r1");
	free(rid);
	UNIT_CHECK(t, gsa_xml_root_text(DOC, "volumeId") == NULL); /* not a child of the root */
	/* a document cut short finds nothing past the cut */
	char cut[120];
	snprintf(cut, sizeof cut, "%.110s", DOC);
	UNIT_CHECK(t, !gsa_xml_root(cut, &root) || !gsa_xml_child(root, NULL, "volumeSet", &set));
}

static void test_params(unit_t *t)
{
	gsa_ec2_params_t p;
	gsa_ec2_params_init(&p);
	gsa_ec2_params_add(&p, "TagSpecification.1.Tag.1.Key", "gsa:ebs-autoscale:creator");
	gsa_ec2_params_addf(&p, "Size", "%d", 150);
	gsa_ec2_params_add(&p, "Device", "/dev/xvdba");
	UNIT_CHECK_STR(t, p.body.s,
		       "&TagSpecification.1.Tag.1.Key=gsa%3Aebs-autoscale%3Acreator&Size=150&Device=%2Fdev%2Fxvdba");
	gsa_ec2_params_free(&p);
	UNIT_CHECK(t, gsa_ec2_is_throttle("RequestLimitExceeded"));
	UNIT_CHECK(t, gsa_ec2_is_throttle("Throttling"));
	UNIT_CHECK(t, !gsa_ec2_is_throttle("UnauthorizedOperation"));
	UNIT_CHECK(t, !gsa_ec2_is_throttle(NULL));
}

static void test_client(unit_t *t)
{
	gsa_ec2_client_t c;
	gsa_err_t e;
	gsa_aws_creds_provider_t creds;
	memset(&creds, 0, sizeof creds);
	unsetenv("AWS_ENDPOINT_URL_EC2");
	unsetenv("AWS_ENDPOINT_URL");
	UNIT_CHECK_INT(t, gsa_ec2_init(&c, "eu-west-3", NULL, &creds, NULL, &e), 0);
	UNIT_CHECK_STR(t, c.endpoint, "https://ec2.eu-west-3.amazonaws.com");
	UNIT_CHECK_STR(t, c.host, "ec2.eu-west-3.amazonaws.com");
	/* an action without the ec2: prefix never goes out */
	UNIT_CHECK_INT(t, gsa_ec2_call(&c, "CreateVolume", NULL, NULL, &e), -1);
	UNIT_CHECK_INT(t, e.code, GSA_EINTERNAL);
	UNIT_CHECK_INT(t, c.requests, 0);
	gsa_ec2_free(&c);
	UNIT_CHECK_INT(t, gsa_ec2_init(&c, "eu-west-3", "http://127.0.0.1:9/", &creds, NULL, &e), 0);
	UNIT_CHECK_STR(t, c.host, "127.0.0.1:9");
	gsa_ec2_free(&c);
	UNIT_CHECK_INT(t, gsa_ec2_init(&c, "eu-west-3", "127.0.0.1:9/x", &creds, NULL, &e), -1);
	gsa_ec2_free(&c);
}

/* Hostile documents: truncated anywhere, unclosed, stray end tags, an
 * unterminated declaration, deep nesting.  Every walk stops without reading
 * past the input and finds nothing it should not. */
static void test_hostile(unit_t *t)
{
	gsa_xml_span_t r, c;
	size_t len = strlen(DOC);
	char *cut = malloc(len + 1);
	UNIT_CHECK(t, cut != NULL);
	if (!cut) return;
	for (size_t n = 0; n < len; n++) { /* every prefix of a real response */
		memcpy(cut, DOC, n);
		cut[n] = '\0';
		if (gsa_xml_root(cut, &r)) {
			const char *from = r.a;
			UNIT_CHECK(t, r.a >= cut && r.z <= cut + n);
			while (gsa_xml_child(r, &from, "volumeSet", &c)) UNIT_CHECK(t, c.z <= cut + n);
		}
	}
	free(cut);
	static const char *const bad[] = {
		"", "<", "<a", "<a>", "<a><b>", "</a>", "<?xml", "<!-- x", "<a></b>", "<a><b></a>",
		"<a x=\"1>", "<<<>>>", "<a/><", "<a>&#99999999999;</a>",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (!gsa_xml_root(bad[i], &r)) continue;
		const char *from = r.a;
		UNIT_CHECK(t, r.z <= bad[i] + strlen(bad[i]));
		(void)gsa_xml_child(r, &from, "b", &c);
		free(gsa_xml_text(r, "b"));
	}
	/* 100,000 levels of nesting, never closed: no element is complete */
	size_t depth = 100000;
	char *deep = malloc(depth * 3 + 1);
	UNIT_CHECK(t, deep != NULL);
	if (!deep) return;
	for (size_t i = 0; i < depth; i++) memcpy(deep + 3 * i, "<a>", 3);
	deep[depth * 3] = '\0';
	UNIT_CHECK(t, !gsa_xml_root(deep, &r));
	free(deep);
}

int main(void)
{
	unit_t t;
	unit_init(&t, "aws_xml_ec2");
	UNIT_RUN(&t, test_children);
	UNIT_RUN(&t, test_params);
	UNIT_RUN(&t, test_client);
	UNIT_RUN(&t, test_hostile);
	return unit_finish(&t);
}
