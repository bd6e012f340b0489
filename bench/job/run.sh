#!/usr/bin/env bash
# bench/job/run.sh [SIZE_MB|overhead] — what `job` costs and what its cache saves,
# side by side with the seed's way (aws s3 cp of every input for every job).
#   1. overhead: N x `job -- /bin/true` vs N x `/bin/true` (work folder,
#      staging, fork/exec, cleanup, log lines); with build/static/bin/job
#      (make static) also the static musl job against the dynamic one
#      (`overhead` stops after this part)
#   2. stage-in of one SIZE_MB object (default 256) from s3rver on 127.0.0.1:
#      `aws s3 cp` (the seed) vs job's first fetch (cache miss) vs a second job
#      on the same instance (cache hit)
# Prints wall, CPU (user+sys) and peak RSS for each, and the ratios.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/integration/lib.sh"
SIZE_MB=${1:-256}; [ "$SIZE_MB" = overhead ] && SIZE_MB=0
N=50
JOB=$GSA_BIN/job
for t in "$JOB" "$GSA_BIN/s3-stage"; do [ -x "$t" ] || { echo "build first: $t" >&2; exit 3; }; done
command -v aws >/dev/null || { echo "aws CLI missing (scripts/deps.sh bench)" >&2; exit 3; }
TIMEF='%e %U %S %M'
measure() { # NAME CMD... -> "NAME wall cpu rss_mb"
	local name=$1; shift
	/usr/bin/time -f "$TIMEF" -o "$TMP/t" "$@" >/dev/null 2>"$TMP/err" || { cat "$TMP/err" >&2; exit 1; }
	awk -v n="$name" '{ printf "%-28s wall %7.2fs  cpu %7.2fs  rss %6.1f MB\n", n, $1, $2 + $3, $4 / 1024 }' "$TMP/t"
	awk '{ print $1, $2 + $3 }' "$TMP/t" >"$TMP/t.$name"
}
ratio() { awk -v a="$(cat "$TMP/t.$1")" -v b="$(cat "$TMP/t.$2")" -v l="$3" \
	'BEGIN { split(a, x, " "); split(b, y, " "); printf "%-40s wall %.2fx  cpu %.2fx\n", l, x[1] / y[1], (y[2] > 0 ? x[2] / y[2] : 0) }'; }

echo "== overhead: $N runs of /bin/true"
mkdir -p "$TMP/w"
measure direct bash -c "for i in \$(seq $N); do /bin/true; done"
measure job bash -c "for i in \$(seq $N); do '$JOB' --quiet -w '$TMP/w' -- /bin/true; done"
awk -v a="$(cat "$TMP/t.job")" -v b="$(cat "$TMP/t.direct")" -v n=$N 'BEGIN { split(a, x, " "); split(b, y, " "); printf "job overhead per run: %.1f ms wall\n", 1000 * (x[1] - y[1]) / n }'
# the static musl build (make static), when there is one, in the same run
SJOB=$ROOT/build/static/bin/job
if [ -x "$SJOB" ]; then
	measure job-static bash -c "for i in \$(seq $N); do '$SJOB' --quiet -w '$TMP/w' -- /bin/true; done"
	measure job-dynamic bash -c "for i in \$(seq $N); do '$JOB' --quiet -w '$TMP/w' -- /bin/true; done"
	for v in static dynamic; do
		awk -v a="$(cat "$TMP/t.job-$v")" -v b="$(cat "$TMP/t.direct")" -v n=$N -v v=$v 'BEGIN { split(a, x, " "); split(b, y, " "); printf "job overhead per run, %s build: %.1f ms wall, %.1f ms CPU\n", v, 1000 * (x[1] - y[1]) / n, 1000 * (x[2] - y[2]) / n }'
	done
fi
[ "${1:-}" = overhead ] && exit 0

echo "== stage-in of a ${SIZE_MB} MB object from s3rver (127.0.0.1)"
start_s3rver
export AWS_ENDPOINT_URL_S3=$S3_ENDPOINT
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom >"$TMP/ref.bin"
"$GSA_BIN/s3-stage" put --quiet --no-progress "$TMP/ref.bin" s3://gsa-test/ref/ref.bin
rm -f "$TMP/ref.bin"
measure seed-aws-cp aws --endpoint-url "$S3_ENDPOINT" s3 cp --quiet s3://gsa-test/ref/ref.bin "$TMP/seed.bin"
rm -f "$TMP/seed.bin"
measure job-cache-miss "$JOB" --quiet -w "$TMP/w" -c "$TMP/cache" -i s3://gsa-test/ref/ref.bin -- /bin/true
measure job-cache-hit "$JOB" --quiet -w "$TMP/w" -c "$TMP/cache" -i s3://gsa-test/ref/ref.bin -- /bin/true
ratio job-cache-miss seed-aws-cp "job (miss) / aws s3 cp:"
ratio job-cache-hit seed-aws-cp "job (hit) / aws s3 cp:"
