#!/usr/bin/env bash
# s3-stage error cases: each gives one clear line, the exit-code class, and
# nothing partial at the destination.
. "$(dirname "$0")/lib.sh"
start_s3rver || exit 1
S=$GSA_BIN/s3-stage
E="--endpoint-url $S3_ENDPOINT --no-progress"
head -c 20000000 /dev/urandom >"$TMP/obj"
"$S" put $E "$TMP/obj" s3://gsa-test/e/obj 2>/dev/null || echo "not ok setup"
mkdir -p "$TMP/out"

# run_err NAME CODE PATTERN cmd... — exit CODE, one stderr line matching PATTERN
run_err() {
	local name=$1 code=$2 pat=$3; shift 3
	check_exit "$code" "$name: exit $code" sh -c '"$@" 2>"$0"' "$TMP/err" "$@"
	check_sh "$name: one line saying $pat" "[ \$(wc -l <'$TMP/err') -eq 1 ] && grep -q -- '$pat' '$TMP/err'"
}

# wrong secret: s3rver 3.7.1 does not check v4 signatures, the proxy does
rm -f "$TMP/pp"
python3 "$GSA_ROOT/tests/fault_proxy.py" --upstream 127.0.0.1:"$S3_PORT" --port-file "$TMP/pp" --verify-secret S3RVER &
_lib_pids+=($!)
for i in $(seq 100); do [ -f "$TMP/pp" ] && break; sleep 0.1; done
PX="--endpoint-url http://127.0.0.1:$(cat "$TMP/pp") --no-progress"
check "right secret passes the signature check" "$S" get $PX s3://gsa-test/e/obj "$TMP/out/ok"
run_err "wrong secret" 4 SignatureDoesNotMatch env AWS_SECRET_ACCESS_KEY=wrong "$S" get $PX s3://gsa-test/e/obj "$TMP/out/a"
run_err "wrong access key" 4 InvalidAccessKeyId env AWS_ACCESS_KEY_ID=NOPE "$S" get $E s3://gsa-test/e/obj "$TMP/out/b"
run_err "missing bucket" 4 NoSuchBucket "$S" get $E s3://no-such-bucket/x "$TMP/out/c"
run_err "missing key" 4 NoSuchKey "$S" get $E s3://gsa-test/e/missing "$TMP/out/d"
run_err "prefix given as key" 4 "add a trailing" "$S" get $E s3://gsa-test/e "$TMP/out/e"
run_err "missing local source" 3 "No such file" "$S" put $E "$TMP/nope" s3://gsa-test/e/nope
touch "$TMP/plainfile"
run_err "destination under a file" 3 "Not a directory" "$S" get $E s3://gsa-test/e/obj "$TMP/plainfile/sub/obj"
run_err "s3 source for put" 1 "local sources" "$S" put $E s3://gsa-test/e/obj "$TMP/out/f"
run_err "bad part size" 1 "part-size" "$S" get $E -p 1K s3://gsa-test/e/obj "$TMP/out/g"
check_sh "no partial outputs" "[ \$(ls -A '$TMP/out') = ok ]"

# full and read-only destinations: a small loop-mounted ext4
if [ "$(id -u)" -eq 0 ] && command -v mkfs.ext4 >/dev/null; then
	truncate -s 8M "$TMP/img" && mkfs.ext4 -q -F "$TMP/img" 2>/dev/null && mkdir -p "$TMP/mnt" "$TMP/romnt"
	if mount -o loop "$TMP/img" "$TMP/mnt" 2>/dev/null; then
		at_exit "umount '$TMP/mnt'"
		run_err "full destination" 3 "No space left" "$S" get $E s3://gsa-test/e/obj "$TMP/mnt/obj"
		check_sh "full destination: nothing left behind" "[ -z \"\$(ls -A '$TMP/mnt' | grep -v lost+found)\" ]"
		if mount -o loop,ro "$TMP/img" "$TMP/romnt" 2>/dev/null; then
			at_exit "umount '$TMP/romnt'"
			run_err "read-only destination" 3 "Read-only file system" "$S" get $E s3://gsa-test/e/obj "$TMP/romnt/obj"
		fi
	else
		echo "# loop mount not possible here: full-disk case not run"
	fi
fi
finish
