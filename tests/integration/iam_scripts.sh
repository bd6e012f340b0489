#!/usr/bin/env bash
# IAM for our scripts: every AWS CLI call in scripts/platform/*.sh (and the
# image push) is allowed to who runs it — the admin for every script, the
# codebuild role for the scripts a buildspec runs (tests/iam/check_scripts.js).
# Then the check must fail on copies with a call nobody is allowed and with
# an upload outside the allowed prefixes.
. "$(dirname "$0")/lib.sh"
command -v node >/dev/null || { echo "not ok node missing: run make deps"; exit 1; }
[ -d "$GSA_ROOT/scripts/platform" ] || skip "no scripts/platform yet"
CHECK=$GSA_ROOT/tests/iam/check_scripts.js
node "$CHECK"

# fails NAME LINE PATTERN: with LINE appended to a copy of push-image.sh
# (run by codebuild), the check fails naming PATTERN
fails() {
	local name=$1 line=$2 pat=$3 rc
	rm -rf "$TMP/src"; mkdir -p "$TMP/src/scripts"
	cp -r "$GSA_ROOT/scripts/platform" "$TMP/src/scripts/"
	cp -r "$GSA_ROOT/buildspec" "$TMP/src/" 2>/dev/null
	printf '%s\n' "$line" >>"$TMP/src/scripts/platform/push-image.sh"
	GSA_IAM_CODE_ROOT=$TMP/src node "$CHECK" >"$TMP/out" 2>&1; rc=$?
	if [ $rc -ne 0 ] && grep -q -- "$pat" "$TMP/out"; then echo "ok $name"
	else echo "not ok $name (exit $rc)"; _lib_failed=1; fi
}
fails "a script call without a table entry fails" 'aws_cli s3 rm "s3://$bucket/old/x"' 'codebuild may s3:DeleteObject'
fails "an upload outside the allowed prefixes fails" \
	'aws_cli s3 cp --only-show-errors x "s3://${OUT[ResultsBucketName]}/private/x"' 'codebuild may s3:PutObject on s3://[^ ]*/private/x'
finish
