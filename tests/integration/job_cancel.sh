#!/usr/bin/env bash
# job stopped by SIGTERM in the middle of an S3 transfer (a Spot
# interruption): tests/fault_proxy.py stalls the transfer part-way, so
# without a cancel hook job would sit in it for minutes; with it job must
# end within the bounded wait below, exit 143, and leave nothing partial:
# no file or temp in the work folder or the cache entry, nothing under the
# output prefix, the multipart upload aborted.
. "$(dirname "$0")/lib.sh"
JOB=$GSA_BIN/job
S3=$GSA_BIN/s3-stage
[ -x "$JOB" ] || skip "job not built"
[ -x "$S3" ] || skip "s3-stage not built"
start_s3rver || skip "s3rver not available (make deps)"
B=s3://gsa-test

# start_proxy NAME ARGS... — sets PROXY (URL); log in $TMP/NAME.log
start_proxy() {
	local name=$1 i; shift
	python3 "$GSA_ROOT/tests/fault_proxy.py" --upstream 127.0.0.1:"$S3_PORT" --port-file "$TMP/$name.port" \
		--verify-secret S3RVER --log "$TMP/$name.log" "$@" &
	_lib_pids+=($!)
	for i in $(seq 100); do [ -f "$TMP/$name.port" ] && break; sleep 0.1; done
	PROXY=http://127.0.0.1:$(cat "$TMP/$name.port")
}
# wait_log FILE PATTERN — until the proxy logged it (at most 30 s)
wait_log() { local i; for i in $(seq 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
# stop_within PID SECONDS [SIGNAL] — SIGTERM (or SIGNAL), then wait (bounded)
# for it to end; sets rc (124 when it did not end in time: it is then killed)
stop_within() {
	local i
	kill -"${3:-TERM}" "$1"
	for i in $(seq $(($2 * 10))); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$1" 2>/dev/null; then kill -KILL "$1"; wait "$1"; rc=124; else wait "$1"; rc=$?; fi
}

head -c $((24 * 1024 * 1024 + 5)) /dev/urandom >"$TMP/ref.bin"
"$S3" put --endpoint-url "$S3_ENDPOINT" --no-progress --quiet "$TMP/ref.bin" "$B/ref/ref.bin" ||
	{ echo "not ok fixture uploaded to s3rver"; finish; }
mkdir -p "$TMP/w" "$TMP/cache"

# --- stage-in: responses stall for 10 minutes after 2 MB ---------------------
start_proxy getstall --stall-after-bytes 2000000 --stall 600
"$JOB" --endpoint-url "$PROXY" -w "$TMP/w" -c "$TMP/cache" -i "$B/ref/ref.bin" -- \
	/bin/sh -c "touch '$TMP/ran'" 2>"$TMP/in.err" &
pid=$!
if wait_log "$TMP/getstall.log" stall-after; then stop_within $pid 20; else stop_within $pid 1; rc=fail; fi
entry=$TMP/cache/objects/$(printf %s "$B/ref/ref.bin" | sha256sum | cut -d' ' -f1)
check_sh "stage-in: SIGTERM mid-download ends job promptly with exit 143" "[ '$rc' = 143 ]"
check_sh "stage-in: the command did not run, the work folder is removed" "[ ! -e '$TMP/ran' ]; [ -z \"\$(ls -A '$TMP/w')\" ]"
check_sh "stage-in: the cache entry holds no data, partial file or temp" "
	[ -d '$entry' ]; [ -z \"\$(ls -A '$entry' | grep -vx -e lock)\" ]"
check_sh "stage-in: the error says the transfer was cancelled" "grep -q 'transfer cancelled' '$TMP/in.err'"
check_sh "stage-in: a later job without the stall fetches and checks the object" "
	'$JOB' --endpoint-url '$S3_ENDPOINT' -w '$TMP/w' -c '$TMP/cache' -i '$B/ref/ref.bin' -- /usr/bin/cmp ref.bin '$TMP/ref.bin'"

# SIGINT (a person's Ctrl-C) mid-download without the cache: exit 130
start_proxy intstall --stall-after-bytes 2000000 --stall 600
"$JOB" --endpoint-url "$PROXY" --no-cache -w "$TMP/w" -i "$B/ref/ref.bin" -- /bin/sh -c "touch '$TMP/ran'" 2>/dev/null &
pid=$!
if wait_log "$TMP/intstall.log" stall-after; then stop_within $pid 20 INT; else stop_within $pid 1; rc=fail; fi
check_sh "stage-in, no cache: SIGINT mid-download exits 130 promptly, folder removed" "
	[ '$rc' = 130 ]; [ ! -e '$TMP/ran' ]; [ -z \"\$(ls -A '$TMP/w')\" ]"

# --- stage-out: uploads stall for 10 minutes once 20 MB arrived ---------------
start_proxy putstall --stall-puts-after-bytes 20000000 --stall 600 --s3rver-dir "$S3_DIR"
rm -f "$TMP/made"
"$JOB" --endpoint-url "$PROXY" -w "$TMP/w" -o out.bin -p "$B/cancel-out/" -- \
	/bin/sh -c "head -c 37000000 /dev/urandom > out.bin && touch '$TMP/made'" 2>"$TMP/out.err" &
pid=$!
if wait_log "$TMP/putstall.log" stall-put; then stop_within $pid 20; else stop_within $pid 1; rc=fail; fi
check_sh "stage-out: SIGTERM mid-upload ends job promptly with exit 143" "[ -e '$TMP/made' ]; [ '$rc' = 143 ]"
check_sh "stage-out: the multipart upload was aborted" "
	grep -q 'POST .*uploads.* ok' '$TMP/putstall.log'
	grep -q 'DELETE .*uploadId=.* 204 abort' '$TMP/putstall.log'"
check_sh "stage-out: no open multipart upload left in the store" "! find '$S3_DIR' -path '*upload*' -name key | grep -q ."
check_sh "stage-out: nothing under the output prefix" "
	! '$S3' get --endpoint-url '$S3_ENDPOINT' --no-progress --quiet '$B/cancel-out/' '$TMP/absent/' 2>/dev/null"
check_sh "stage-out: the work folder is removed" "[ -z \"\$(ls -A '$TMP/w')\" ]"
finish
