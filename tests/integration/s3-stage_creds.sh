#!/usr/bin/env bash
# s3-stage credential chain, each source against loopback fixtures:
# environment, shared files (credentials and config, AWS_PROFILE, --profile),
# the container endpoint (token and token file), IMDSv2 (token PUT, role,
# refresh of credentials close to expiry) and region from IMDS.  The SigV4
# checking proxy sees every request, so the signatures (with the session
# token) are verified too.
. "$(dirname "$0")/lib.sh"
start_s3rver || exit 1
S=$GSA_BIN/s3-stage
echo data >"$TMP/obj"
"$S" put --endpoint-url "$S3_ENDPOINT" --no-progress "$TMP/obj" s3://gsa-test/c/obj 2>/dev/null || echo "not ok setup"
for i in 1 2 3 4 5 6; do cp "$TMP/obj" "$TMP/o$i"; done
"$S" put --endpoint-url "$S3_ENDPOINT" --no-progress "$TMP"/o? s3://gsa-test/c/many/ 2>/dev/null || echo "not ok setup"

wait_file() { local i; for i in $(seq 100); do [ -f "$1" ] && return 0; sleep 0.1; done; return 1; }
python3 "$GSA_ROOT/tests/fault_proxy.py" --upstream 127.0.0.1:"$S3_PORT" --port-file "$TMP/pp" \
	--verify-secret S3RVER --log "$TMP/proxy.log" &
_lib_pids+=($!)
wait_file "$TMP/pp"
EP="--endpoint-url http://127.0.0.1:$(cat "$TMP/pp") --no-progress"

# run with an empty environment except what is given
clean() { env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
	-u AWS_REGION -u AWS_DEFAULT_REGION HOME="$TMP/home" AWS_EC2_METADATA_DISABLED=true "$@"; }
mkdir -p "$TMP/home/.aws"

check "environment" clean AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1 \
	"$S" get $EP s3://gsa-test/c/obj "$TMP/env.out"
check_exit 4 "no credentials at all" clean sh -c "'$S' get $EP s3://gsa-test/c/obj '$TMP/none.out' 2>'$TMP/none.err'"
check_sh "no credentials: clear message" "grep -q 'no AWS credentials found' '$TMP/none.err'"

cat >"$TMP/home/.aws/credentials" <<'INI'
[default]
aws_access_key_id = S3RVER
aws_secret_access_key = wrong-secret
[other]
aws_access_key_id = S3RVER
aws_secret_access_key = S3RVER
INI
cat >"$TMP/home/.aws/config" <<'INI'
[default]
region = us-west-2
[profile cfgonly]
aws_access_key_id = S3RVER
aws_secret_access_key = S3RVER
region = ap-south-1
INI
check_exit 4 "default profile (wrong secret) is used" clean "$S" get $EP s3://gsa-test/c/obj "$TMP/p0.out"
badsig_before=$(grep -c badsig "$TMP/proxy.log")
check "AWS_PROFILE from the credentials file" clean AWS_PROFILE=other "$S" get $EP s3://gsa-test/c/obj "$TMP/p1.out"
check "--profile from the config file" clean "$S" get $EP --profile cfgonly s3://gsa-test/c/obj "$TMP/p2.out"
check_sh "profile region signs the request" "grep -q ' ap-south-1\$' '$TMP/proxy.log' && grep -q ' us-west-2\$' '$TMP/proxy.log'"
rm -f "$TMP/home/.aws/credentials" "$TMP/home/.aws/config"

# container endpoint
python3 "$GSA_ROOT/tests/aws_metadata_fixture.py" --port-file "$TMP/mp" --log "$TMP/meta.log" &
_lib_pids+=($!)
wait_file "$TMP/mp"
M=http://127.0.0.1:$(cat "$TMP/mp")
check "container credentials (token)" clean AWS_REGION=us-east-1 AWS_CONTAINER_CREDENTIALS_FULL_URI="$M/container-creds" \
	AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer gsa-test" "$S" get $EP s3://gsa-test/c/obj "$TMP/c1.out"
printf 'Bearer gsa-test\n' >"$TMP/tokfile"
check "container credentials (token file)" clean AWS_REGION=us-east-1 AWS_CONTAINER_CREDENTIALS_FULL_URI="$M/container-creds" \
	AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$TMP/tokfile" "$S" get $EP s3://gsa-test/c/obj "$TMP/c2.out"
check_exit 4 "container credentials: wrong token" clean AWS_REGION=us-east-1 \
	AWS_CONTAINER_CREDENTIALS_FULL_URI="$M/container-creds" AWS_CONTAINER_AUTHORIZATION_TOKEN=bad \
	sh -c "'$S' get $EP s3://gsa-test/c/obj '$TMP/c3.out' 2>'$TMP/c3.err'"
check_sh "wrong token: message names the container endpoint" "grep -q 'container credentials' '$TMP/c3.err'"

# IMDSv2: token first, then role, then credentials; region from IMDS
: >"$TMP/meta.log"
check "instance profile over IMDSv2" env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_REGION -u AWS_DEFAULT_REGION \
	HOME="$TMP/home" AWS_EC2_METADATA_SERVICE_ENDPOINT="$M" "$S" get $EP s3://gsa-test/c/obj "$TMP/i1.out"
check_sh "IMDSv2 order: token PUT before every metadata GET" "head -n 1 '$TMP/meta.log' | grep -q '^PUT /latest/api/token 200'; ! grep -q ' 401\$' '$TMP/meta.log'"
check_sh "role credentials fetched" "grep -q 'GET /latest/meta-data/iam/security-credentials/gsa-role 200' '$TMP/meta.log'"
check_sh "region from IMDS signs the request" "grep -q 'placement/region 200' '$TMP/meta.log' && grep -q ' eu-west-3\$' '$TMP/proxy.log'"
check_sh "long-lived credentials fetched once" "[ \$(grep -c 'security-credentials/gsa-role 200' '$TMP/meta.log') -eq 1 ]"
kill "${_lib_pids[-1]}"; wait "${_lib_pids[-1]}" 2>/dev/null

# credentials expiring within the refresh window are fetched again
python3 "$GSA_ROOT/tests/aws_metadata_fixture.py" --port-file "$TMP/mp2" --log "$TMP/meta2.log" --expires-in 120 &
_lib_pids+=($!)
wait_file "$TMP/mp2"
M2=http://127.0.0.1:$(cat "$TMP/mp2")
check "IMDS credentials near expiry, 6 objects" env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_REGION=us-east-1 \
	HOME="$TMP/home" AWS_EC2_METADATA_SERVICE_ENDPOINT="$M2" "$S" get $EP --jobs 1 s3://gsa-test/c/many/ "$TMP/i2/"
check_sh "refreshed before expiry (several fetches)" "[ \$(grep -c 'security-credentials/gsa-role 200' '$TMP/meta2.log') -ge 3 ]"
check_sh "files identical" "for i in 1 2 3 4 5 6; do cmp '$TMP/obj' '$TMP/i2/o'\$i; done"
check_sh "only the wrong-secret profile failed the signature check" \
	"[ $badsig_before -ge 1 ] && [ \$(grep -c badsig '$TMP/proxy.log') -eq $badsig_before ]"
finish
