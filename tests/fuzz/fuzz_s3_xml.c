/* fuzz_s3_xml.c — the S3 client's response parsing: a ListObjectsV2 page
 * (gsa_s3_parse_list: every key it accepts starts with the prefix), and
 * the XML reader (common/aws/xml.c) as s3.c uses it on error documents and
 * multipart responses (Code, Message, UploadId), plus the element walk. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "aws/s3.h"
#include "aws/xml.h"

static void take(char *s)
{
	if (s && strlen(s) > (size_t)-2) abort(); /* touch every byte */
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *xml = fuzz_strndup(data, size);
	const char *pos = xml, *from = NULL;
	gsa_xml_span_t root, in, c;
	int n = 0;
	gsa_s3_obj_t *objs = NULL;
	size_t nobj = 0, cap = 0;
	char *token = NULL;
	gsa_err_t err = { 0 };
	gsa_s3_parse_list(xml, "ref/", &objs, &nobj, &cap, &token, &err);
	for (size_t i = 0; i < nobj; i++)
		if (strncmp(objs[i].key, "ref/", 4) != 0) abort();
	gsa_s3_objs_free(objs, nobj);
	free(token);
	take(gsa_xml_next(xml, "Code", NULL));
	take(gsa_xml_next(xml, "Message", NULL));
	take(gsa_xml_next(xml, "UploadId", NULL));
	take(gsa_xml_next(xml, "IsTruncated", NULL));
	take(gsa_xml_next(xml, "NextContinuationToken", NULL));
	while (n++ < 10000) {
		char *k = gsa_xml_next(xml, "Contents", &pos);
		if (!k) break;
		take(gsa_xml_next(k, "Key", NULL));
		take(gsa_xml_next(k, "Size", NULL));
		take(gsa_xml_next(k, "ETag", NULL));
		free(k);
	}
	take(gsa_xml_root_text(xml, "Key"));
	if (gsa_xml_root(xml, &root)) {
		if (root.a > root.z || root.a < xml || root.z > xml + size) abort();
		while (n++ < 20000 && gsa_xml_child(root, &from, "Contents", &in)) {
			if (in.a > in.z || in.a < root.a || in.z > root.z) abort();
			take(gsa_xml_text(in, "Key"));
			const char *f2 = NULL;
			while (n++ < 30000 && gsa_xml_child(in, &f2, "item", &c)) {}
		}
	}
	free(xml);
	return 0;
}
