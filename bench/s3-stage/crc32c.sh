#!/usr/bin/env bash
# bench/s3-stage/crc32c.sh — CRC-32C update throughput and combine cost of
# common/aws/crc32c.c in this tree against the same file at REV (default
# main), compiled alike (-O2) and run alternately, RUNS times each.
#   bench/s3-stage/crc32c.sh [REV] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
REV=${1:-main}
RUNS=${2:-3}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
git show "$REV:common/aws/crc32c.c" >"$TMP/crc32c_rev.c"
for v in rev tree; do
	src=$TMP/crc32c_rev.c
	[ "$v" = tree ] && src=common/aws/crc32c.c
	cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -pthread -Icommon -o "$TMP/bench_$v" \
		bench/s3-stage/crc32c_bench.c "$src"
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$RUNS"); do
	for v in rev tree; do printf '%-4s %s\n' "$v" "$("$TMP/bench_$v")"; done
done
