#!/usr/bin/env bash
# IAM code coverage: every AWS action our C code sends (the "service:Action"
# literals of the request builders in common/aws and tools/*) is in
# cfn/iam/actions.yml for the role that sends it.  Then the check itself must
# fail on a copy of the sources with one more S3 request, one more EC2 call,
# an s3_op_t without its action, and a new sender file with no role.
. "$(dirname "$0")/lib.sh"
command -v node >/dev/null || { echo "not ok node missing: run make deps"; exit 1; }
CHECK=$GSA_ROOT/tests/iam/check_code.js
node "$CHECK"

# a copy of the sources to break
copy() {
	rm -rf "$TMP/src"; mkdir -p "$TMP/src/tools"
	cp -r "$GSA_ROOT/common" "$TMP/src/common"
	local d; for d in "$GSA_ROOT"/tools/*/; do mkdir -p "$TMP/src/tools/$(basename "$d")"; cp "$d"*.[ch] "$TMP/src/tools/$(basename "$d")/" 2>/dev/null; done
}
fails() { # name: the check must fail on $TMP/src and name the problem ($1 grep pattern)
	local name=$1 pat=$2
	GSA_IAM_CODE_ROOT=$TMP/src node "$CHECK" >"$TMP/out" 2>&1; local rc=$?
	if [ $rc -ne 0 ] && grep -q -- "$pat" "$TMP/out"; then echo "ok $name"
	else echo "not ok $name (exit $rc)"; grep '^not ok' "$TMP/out" | head -3 | sed 's/^/#   /'; _lib_failed=1; fi
}
copy
check "copy of the sources passes" env GSA_IAM_CODE_ROOT="$TMP/src" node "$CHECK"

copy
cat >>"$TMP/src/common/aws/s3.c" <<'C'
int gsa_s3_delete_object(gsa_s3_conn_t *c, const char *bucket, const char *key, gsa_err_t *err)
{
	gsa_http_resp_t r;
	gsa_http_resp_init(&r);
	s3_op_t op = { "DeleteObject", "s3:DeleteObject", "DELETE", bucket, key, NULL, NULL, 0, NULL, NULL, NULL, 0 };
	int rc = s3_do(c, &op, &r, err);
	gsa_http_resp_free(&r);
	return rc;
}
C
fails "a new S3 request without a table entry fails" 's3:DeleteObject allowed to job'

copy
sed -i 's/s3_op_t op = { "HeadObject", "s3:GetObject", /s3_op_t op = { /' "$TMP/src/common/aws/s3.c"
fails "an s3_op_t without its API and action fails" 'names its API and IAM action'

copy
sed -i 's/"HeadObject", "s3:GetObject"/"GetObjectAttributes", "s3:GetObject"/' "$TMP/src/common/aws/s3.c"
fails "an API the table does not list under its action fails" 'table lists GetObjectAttributes under s3:GetObject'

copy
cat >"$TMP/src/common/aws/ec2.c" <<'C'
/* a new EC2 call */
static const char *const calls[] = { "ec2:CreateVolume", "ec2:CreateSnapshot" };
C
fails "a new EC2 call without a table entry fails" 'ec2:CreateSnapshot allowed to instance'

copy
mkdir -p "$TMP/src/tools/ebs-autoscale"
printf 'int f(gsa_ec2_client_t *c, const char *a, gsa_err_t *e) { return gsa_ec2_call(c, a, NULL, NULL, e); }\n' >>"$TMP/src/tools/ebs-autoscale/volumes.c"
fails "an EC2 call whose action is not a literal fails" 'gsa_ec2_call names its IAM action as a literal'

copy
mkdir -p "$TMP/src/tools/ebs-autoscale"
printf '#define EAS_TAG_CREATOR "gsa:made-by"\n' >"$TMP/src/tools/ebs-autoscale/tags.h"
fails "a creator tag the instance role does not name fails" 'creator tag gsa:made-by'

copy
mkdir -p "$TMP/src/tools/newtool"
printf 'static const char *a = "sts:AssumeRole";\n' >"$TMP/src/tools/newtool/main.c"
fails "a sender without a role fails" 'has a sender role'
finish
