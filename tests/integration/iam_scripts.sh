#!/usr/bin/env bash
# IAM for our scripts: every AWS CLI call in scripts/platform/*.sh (and the
# image push) is allowed to who runs it — the admin for every script, the
# codebuild role for the scripts a buildspec runs (tests/iam/check_scripts.js).
# Then the check must fail on a copy with a call nobody is allowed.
. "$(dirname "$0")/lib.sh"
command -v node >/dev/null || { echo "not ok node missing: run make deps"; exit 1; }
[ -d "$GSA_ROOT/scripts/platform" ] || skip "no scripts/platform yet"
CHECK=$GSA_ROOT/tests/iam/check_scripts.js
node "$CHECK"

mkdir -p "$TMP/src/scripts"
cp -r "$GSA_ROOT/scripts/platform" "$TMP/src/scripts/"
cp -r "$GSA_ROOT/buildspec" "$TMP/src/" 2>/dev/null
printf 'aws_cli s3 rm "s3://$bucket/old/x"\n' >>"$TMP/src/scripts/platform/push-image.sh"
GSA_IAM_CODE_ROOT=$TMP/src node "$CHECK" >"$TMP/out" 2>&1; rc=$?
if [ $rc -ne 0 ] && grep -q 'codebuild may s3:DeleteObject' "$TMP/out"; then echo "ok a script call without a table entry fails"
else echo "not ok a script call without a table entry fails (exit $rc)"; _lib_failed=1; fi

# the right call on the wrong prefix: resource-level, not only the action
rm -rf "$TMP/src"; mkdir -p "$TMP/src/scripts"
cp -r "$GSA_ROOT/scripts/platform" "$TMP/src/scripts/"
cp -r "$GSA_ROOT/buildspec" "$TMP/src/" 2>/dev/null
printf 'aws_cli s3 cp --only-show-errors x "s3://${OUT[ResultsBucketName]}/private/x"\n' >>"$TMP/src/scripts/platform/push-image.sh"
GSA_IAM_CODE_ROOT=$TMP/src node "$CHECK" >"$TMP/out" 2>&1; rc=$?
if [ $rc -ne 0 ] && grep -q 'codebuild may s3:PutObject on s3://[^ ]*/private/x' "$TMP/out"; then echo "ok an upload outside the allowed prefixes fails"
else echo "not ok an upload outside the allowed prefixes fails (exit $rc)"; _lib_failed=1; fi
finish
