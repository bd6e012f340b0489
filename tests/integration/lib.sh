# tests/integration/lib.sh — helpers for integration scripts (source it).
#
#   . "$(dirname "$0")/lib.sh"
#   check "name" cmd args...          ok if cmd exits 0
#   check_exit CODE "name" cmd...     ok if cmd exits with CODE
#   check_sh "name" 'shell code'      ok if the code exits 0
#   $TMP                              a fresh folder, removed at exit
#   $GSA_BIN                          the tools under test (build/bin)
#   start_s3rver                      sets S3_ENDPOINT, S3_DIR; stopped at exit
#   finish                            last line: exit 1 if any check failed
#
# Output lines "ok NAME" / "not ok NAME" are counted by tests/run.sh.
set -u
GSA_ROOT=${GSA_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
GSA_BIN=${GSA_BIN:-$GSA_ROOT/build/bin}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gsa-it-XXXXXX")
_lib_failed=0
_lib_pids=()
_lib_cleanup_cmds=()

_lib_exit() {
	set +e # a script under set -e must still clean up everything
	local p c
	for p in "${_lib_pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${_lib_pids[@]}"; do wait "$p" 2>/dev/null; done
	for c in "${_lib_cleanup_cmds[@]}"; do eval "$c" >/dev/null 2>&1; done
	rm -rf "$TMP"
}
trap _lib_exit EXIT

# at_exit 'command' — run at exit, before $TMP is removed (last added, first run)
at_exit() { _lib_cleanup_cmds=("$1" "${_lib_cleanup_cmds[@]}"); }

_lib_report() { # rc name [output-file]
	if [ "$1" -eq 0 ]; then echo "ok $2"
	else
		echo "not ok $2"; _lib_failed=1
		[ -n "${3:-}" ] && [ -s "$3" ] && sed 's/^/#   /' "$3" | head -n 15
	fi
}

check() {
	local name=$1; shift
	"$@" >"$TMP/.out" 2>&1; local rc=$?
	[ $rc -ne 0 ] && echo "exit $rc: $*" >>"$TMP/.out"
	_lib_report $rc "$name" "$TMP/.out"
}

check_exit() {
	local want=$1 name=$2; shift 2
	"$@" >"$TMP/.out" 2>&1; local rc=$?
	if [ $rc -eq "$want" ]; then _lib_report 0 "$name"
	else echo "expected exit $want, got $rc: $*" >>"$TMP/.out"; _lib_report 1 "$name" "$TMP/.out"; fi
}

check_sh() {
	local name=$1 code=$2
	bash -c "set -euo pipefail; $code" >"$TMP/.out" 2>&1; local rc=$?
	_lib_report $rc "$name" "$TMP/.out"
}

# skip "reason" — the whole script is skipped (exit 77), e.g. not root
skip() { echo "skipped: $1"; exit 77; }

# free_port — a TCP port on 127.0.0.1 nobody listens on right now
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_port PORT [SECONDS] — until something listens on 127.0.0.1:PORT
wait_port() {
	local port=$1 tries=$(( ${2:-20} * 10 ))
	while [ $tries -gt 0 ]; do
		(exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && return 0
		sleep 0.1; tries=$((tries - 1))
	done
	return 1
}

# start_s3rver — a real S3 endpoint (s3rver, npm) on 127.0.0.1; its fixed
# credentials are S3RVER/S3RVER.  Sets S3_ENDPOINT, S3_PORT, S3_DIR and the
# AWS_* variables for tools under test.
start_s3rver() {
	local bin=$GSA_ROOT/tests/node/node_modules/.bin/s3rver
	[ -x "$bin" ] || { echo "s3rver missing: run make deps" >&2; return 1; }
	S3_DIR=$TMP/s3rver; mkdir -p "$S3_DIR"
	S3_PORT=$(free_port)
	# s3rver's ListObjects continuation tokens use DES, which Node >= 17 hides
	case " ${NODE_OPTIONS:-} " in *" --openssl-legacy-provider "*) ;;
	*) export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--openssl-legacy-provider" ;; esac
	"$bin" --address 127.0.0.1 --port "$S3_PORT" --directory "$S3_DIR" --silent \
		--configure-bucket gsa-test >"$TMP/s3rver.log" 2>&1 &
	_lib_pids+=($!)
	S3_PID=$!
	wait_port "$S3_PORT" 30 || { cat "$TMP/s3rver.log" >&2; return 1; }
	S3_ENDPOINT=http://127.0.0.1:$S3_PORT
	export S3_ENDPOINT AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
	unset AWS_SESSION_TOKEN AWS_PROFILE
}

finish() { exit $_lib_failed; }
