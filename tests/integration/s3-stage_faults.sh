#!/usr/bin/env bash
# s3-stage through tests/fault_proxy.py: 20 % injected failures (500,
# SlowDown, dropped connections, cut-off bodies), stalls, a server killed
# mid-download, uploads failing mid-way (the multipart upload is aborted).
# The proxy also checks every SigV4 signature (s3rver 3.7.1 does not).
. "$(dirname "$0")/lib.sh"
start_s3rver || exit 1
S=$GSA_BIN/s3-stage

# start_proxy NAME ARGS... — sets PROXY (URL); log in $TMP/NAME.log
start_proxy() {
	local name=$1; shift
	rm -f "$TMP/$name.port"
	python3 "$GSA_ROOT/tests/fault_proxy.py" --upstream 127.0.0.1:"$S3_PORT" --port-file "$TMP/$name.port" \
		--verify-secret S3RVER --log "$TMP/$name.log" "$@" &
	_lib_pids+=($!)
	local i
	for i in $(seq 100); do [ -f "$TMP/$name.port" ] && break; sleep 0.1; done
	PROXY=http://127.0.0.1:$(cat "$TMP/$name.port")
}
no_temps() { ! find "$1" -name '.*.tmp.*' | grep -q .; }

head -c $((30 * 1024 * 1024 + 17)) /dev/urandom >"$TMP/big"
mkdir -p "$TMP/small"
for i in $(seq 200); do head -c $((i * 37)) /dev/urandom >"$TMP/small/f$i"; done

start_proxy flaky --fail-rate 0.2 --seed 3
F="--endpoint-url $PROXY --no-progress -p 5M --timeout 5"
check "put 30 MiB through 20% faults" "$S" put $F "$TMP/big" s3://gsa-test/f/big
check "put 200 files through 20% faults" "$S" put $F "$TMP/small" s3://gsa-test/f/small/
check "get 30 MiB through 20% faults" sh -c "'$S' get $F --log-format json s3://gsa-test/f/big '$TMP/big.out' 2>'$TMP/big.json'"
check "get 200 files through 20% faults" "$S" get $F s3://gsa-test/f/small/ "$TMP/small.out"
check "30 MiB identical" cmp "$TMP/big" "$TMP/big.out"
check "200 files identical" diff -r "$TMP/small" "$TMP/small.out"
check_sh "faults were injected (500, 503, drop, cut)" "for f in 500 503 drop cut; do grep -q \" \$f \" '$TMP/flaky.log'; done"
check_sh "retries counted in the summary" "grep -Eq '\"retries\":[1-9]' '$TMP/big.json'"
check_sh "every signature verified" "! grep -q badsig '$TMP/flaky.log'"

start_proxy stall --fail-rate 0.5 --faults stall --stall 3 --seed 5
check "get through stalls (timeout 1 s, retried)" "$S" get --endpoint-url "$PROXY" --no-progress --timeout 1 \
	s3://gsa-test/f/small/f1 s3://gsa-test/f/small/f2 s3://gsa-test/f/small/f3 s3://gsa-test/f/small/f4 "$TMP/stall"
check_sh "stalls were injected and files identical" "grep -q ' stall ' '$TMP/stall.log'; for i in 1 2 3 4; do cmp '$TMP/small/f'\$i '$TMP/stall/f'\$i; done"

# uploads die after 12 MB: the multipart upload must be aborted
start_proxy dead --fail-puts-after-bytes 12000000 --s3rver-dir "$S3_DIR"
check_exit 4 "upload failing mid-way exits 4" sh -c "'$S' put --endpoint-url '$PROXY' --no-progress -p 5M --max-attempts 2 \
	'$TMP/big' s3://gsa-test/f/dead 2>'$TMP/dead.err'"
check_sh "one-line error" "[ \$(wc -l <'$TMP/dead.err') -eq 1 ]"
check_sh "multipart upload aborted" "grep -q 'DELETE .*uploadId=.* 204 abort' '$TMP/dead.log'"
check_sh "no open multipart upload left in the store" "! find '$S3_DIR' -path '*upload*' -name key | grep -q ."
check_exit 4 "no object under the key" "$S" get --endpoint-url "$S3_ENDPOINT" --no-progress s3://gsa-test/f/dead "$TMP/dead.out"

# SIGTERM in the middle of a download: exit 143, temp file removed
start_proxy slow --stall-after-bytes 8000000 --stall 30
"$S" get --endpoint-url "$PROXY" --no-progress -p 5M s3://gsa-test/f/big "$TMP/term/big" 2>"$TMP/term.err" &
spid=$!
for i in $(seq 200); do ls -a "$TMP/term" 2>/dev/null | grep -q '^\.big\.tmp\.' && break; sleep 0.1; done
check_sh "download in progress has a temp file" "ls -a '$TMP/term' | grep -q '^\.big\.tmp\.'"
kill -TERM "$spid"; wait "$spid"; rc=$?
check_sh "SIGTERM exits 143" "[ $rc -eq 143 ]"
check_sh "SIGTERM leaves neither file nor temp" "[ -z \"\$(ls -A '$TMP/term')\" ]"

# SIGTERM in the middle of a multipart upload (parts stall for 10 minutes
# once 12 MB arrived): the cancel hook stops it at once, the upload is aborted
start_proxy putterm --stall-puts-after-bytes 12000000 --stall 600 --s3rver-dir "$S3_DIR"
"$S" put --endpoint-url "$PROXY" --no-progress -p 5M "$TMP/big" s3://gsa-test/f/term-up 2>"$TMP/putterm.err" &
spid=$!
for i in $(seq 300); do grep -q stall-put "$TMP/putterm.log" 2>/dev/null && break; sleep 0.1; done
kill -TERM "$spid"
for i in $(seq 200); do kill -0 "$spid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$spid" 2>/dev/null && kill -KILL "$spid"
wait "$spid"; rc=$?
check_sh "SIGTERM mid-upload exits 143 within the wait" "grep -q stall-put '$TMP/putterm.log'; [ $rc -eq 143 ]"
check_sh "SIGTERM mid-upload aborts the multipart upload" "grep -q 'DELETE .*uploadId=.* 204 abort' '$TMP/putterm.log'
	! find '$S3_DIR' -path '*upload*' -name key | grep -q ."
check_sh "SIGTERM mid-upload: the error says cancelled" "grep -q 'transfer cancelled' '$TMP/putterm.err'"
check_exit 4 "SIGTERM mid-upload leaves no object" "$S" get --endpoint-url "$S3_ENDPOINT" --no-progress \
	s3://gsa-test/f/term-up "$TMP/termup.out"

# the server is killed (SIGKILL) after 10 MB of a 30 MiB download
start_proxy kill --kill-pid "$S3_PID" --kill-after-bytes 10000000
check_exit 4 "server killed mid-download exits 4" sh -c "'$S' get --endpoint-url '$PROXY' --no-progress -p 5M --max-attempts 3 \
	s3://gsa-test/f/big '$TMP/killed/big' 2>'$TMP/kill.err'"
check_sh "one-line error naming the object" "[ \$(wc -l <'$TMP/kill.err') -eq 1 ] && grep -q 's3://gsa-test/f/big' '$TMP/kill.err'"
check_sh "the server was killed mid-transfer" "grep -q KILL '$TMP/kill.log'"
check_sh "no destination file" "[ ! -e '$TMP/killed/big' ]"
check "no temp files left" no_temps "$TMP"
finish
