#!/usr/bin/env bash
# tests/fuzz/run.sh NAME... — run each libFuzzer target build/fuzz/fuzz/fuzz_NAME
# for FUZZ_SECONDS (default 60) from its corpus tests/fuzz/corpus/NAME.
# New inputs go to FUZZ_WORK/NAME (default build/fuzz/work), crash inputs to
# FUZZ_WORK/NAME.crash-*; the last lines of each run (executions, coverage)
# are printed.  Exit 1 when a target found something.  Run by `make fuzz`.
set -uo pipefail
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-60}
work=${FUZZ_WORK:-build/fuzz/work}
found=0
for name in "$@"; do
	bin=build/fuzz/fuzz/fuzz_$name
	mkdir -p "$work/$name"
	log=$work/$name.log
	echo "== fuzz $name (${secs}s)"
	"$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$work/$name." "$work/$name" "tests/fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)' "$log" | sed 's/^/  /'
	if [ $rc -ne 0 ]; then
		found=1
		echo "  FOUND (exit $rc): $(ls "$work/$name".crash-* "$work/$name".leak-* "$work/$name".timeout-* "$work/$name".oom-* 2>/dev/null | tr '\n' ' ')"
		grep -m 3 -E 'ERROR|runtime error' "$log" | sed 's/^/  /'
	fi
done
exit $found
