#!/usr/bin/env bash
# tests/run.sh — run unit tests (ASan build) and integration tests, and end
# with one line "N passed, N failed".  Exit status 0 only if nothing failed.
#   --unit-only / --integration-only   run one half
#   -k PATTERN                         only integration scripts whose name matches
# Unit test binaries print "ok NAME" / "not ok NAME"; integration scripts
# (tests/integration/*.sh) print the same, or, printing none, count as one
# test passed by exit 0.  Exit 77 from a script means skipped.  Each script
# gets a time limit (GSA_TEST_TIMEOUT, default 600 s).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

run_unit=1 run_integ=1 pattern=
while [ $# -gt 0 ]; do
	case $1 in
	--unit-only) run_integ=0 ;;
	--integration-only) run_unit=0 ;;
	-k) pattern=$2; shift ;;
	*) echo "usage: tests/run.sh [--unit-only|--integration-only] [-k PATTERN]" >&2; exit 1 ;;
	esac
	shift
done

passed=0 failed=0 skipped=0
failures=()
logdir=$ROOT/build/test-logs
rm -rf "$logdir"; mkdir -p "$logdir"

# count "ok"/"not ok" lines of one test's output; set found=0 if none
tally() { # name logfile rc
	local name=$1 log=$2 rc=$3 ok nok
	ok=$(grep -c '^ok ' "$log" || true)
	nok=$(grep -c '^not ok ' "$log" || true)
	if [ "$rc" -eq 77 ] && [ "$ok$nok" = "00" ]; then
		skipped=$((skipped + 1)); echo "skip $name ($(tail -n 1 "$log"))"; return
	fi
	if [ "$ok$nok" = "00" ]; then
		if [ "$rc" -eq 0 ]; then ok=1; else nok=1; fi
	elif [ "$rc" -ne 0 ] && [ "$nok" -eq 0 ]; then
		nok=1 # died after its last check
	fi
	passed=$((passed + ok)); failed=$((failed + nok))
	if [ "$nok" -gt 0 ] || [ "$rc" -ne 0 ]; then
		failures+=("$name (exit $rc, log $log)")
		echo "FAIL $name: $ok passed, $nok failed (exit $rc)"
		grep -E '^(not ok|#)' "$log" | head -n 20 | sed 's/^/    /'
		tail -n 5 "$log" | sed 's/^/    | /'
	else
		echo "pass $name: $ok"
	fi
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
limit=${GSA_TEST_TIMEOUT:-600}

if [ $run_unit -eq 1 ]; then
	echo "== unit tests (build/asan)"
	for t in $(find build/asan/tests -type f -perm -u+x -name 'test_*' 2>/dev/null | sort); do
		name=unit/${t#build/asan/tests/}
		log=$logdir/$(echo "$name" | tr / _).log
		timeout -k 10 "$limit" "$t" >"$log" 2>&1; rc=$?
		tally "$name" "$log" "$rc"
	done
fi

if [ $run_integ -eq 1 ]; then
	echo "== integration tests (build/bin)"
	export GSA_ROOT=$ROOT GSA_BIN=${GSA_BIN:-$ROOT/build/bin} GSA_ASAN_BIN=$ROOT/build/asan/bin
	for t in tests/integration/*.sh; do
		[ -e "$t" ] || continue
		name=$(basename "$t" .sh)
		case $name in lib*) continue ;; esac
		[ -n "$pattern" ] && [[ $name != *$pattern* ]] && continue
		log=$logdir/integration_$name.log
		start=$(date +%s)
		timeout -k 10 "$limit" bash "$t" </dev/null >"$log" 2>&1; rc=$?
		[ $rc -eq 124 ] && echo "# timed out after ${limit}s" >>"$log"
		tally "integration/$name [$(( $(date +%s) - start ))s]" "$log" "$rc"
	done
fi

if [ ${#failures[@]} -gt 0 ]; then
	echo "failed:"; printf '  %s\n' "${failures[@]}"
fi
[ $skipped -gt 0 ] && echo "($skipped skipped)"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ] && [ ${#failures[@]} -eq 0 ]
