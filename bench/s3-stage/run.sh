#!/usr/bin/env bash
# bench/s3-stage/run.sh — s3-stage vs `aws s3 cp` (Debian awscli) against the
# same s3rver on 127.0.0.1, in one run: one large object (default 1 GiB) and
# 1,000 x 256 KiB objects, up and down.  Prints wall, CPU seconds
# (user+sys) and peak RSS per run, and the ratios aws/s3-stage.
#   bench/s3-stage/run.sh [LARGE_MIB] [N_SMALL]
set -euo pipefail
cd "$(dirname "$0")/../.."
GSA_ROOT=$PWD
LARGE_MIB=${1:-1024}
NSMALL=${2:-1000}
export NODE_OPTIONS=--openssl-legacy-provider
. tests/integration/lib.sh
# lib.sh's exit handler must not stop at the first failing kill/wait under set -e
trap 'set +e; _lib_exit' EXIT
start_s3rver
S=$GSA_ROOT/build/bin/s3-stage
AWS=/usr/bin/aws
export AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
mkdir -p "$TMP/small"
head -c $((LARGE_MIB * 1024 * 1024)) /dev/urandom >"$TMP/large"
python3 - "$TMP/small" "$NSMALL" <<'PY'
import os, sys
for i in range(int(sys.argv[2])):
    with open(os.path.join(sys.argv[1], "s%04d.bin" % i), "wb") as f:
        f.write(os.urandom(256 * 1024))
PY
# timed LABEL cmd... -> "wall cpu rss" on stdout
timed() {
	local label=$1; shift
	/usr/bin/time -f '%e %U %S %M' -o "$TMP/t" "$@" >/dev/null 2>"$TMP/err" || { cat "$TMP/err" >&2; exit 1; }
	awk -v l="$label" '{ printf "%s %.2f %.2f %d\n", l, $1, $2 + $3, $4 }' "$TMP/t"
}
run_case() { # name s3stage-args... -- aws-args...
	local name=$1; shift
	local a=() b=()
	while [ "$1" != -- ]; do a+=("$1"); shift; done; shift
	b=("$@")
	sync
	local x y
	x=$(timed s3-stage "$S" "${a[@]}")
	y=$(timed aws "$AWS" "${b[@]}")
	echo "$x" | { read -r _ w c r; echo "$y" | { read -r _ w2 c2 r2
		awk -v n="$name" -v w="$w" -v c="$c" -v r="$r" -v w2="$w2" -v c2="$c2" -v r2="$r2" 'BEGIN {
			printf "%-22s s3-stage %7.2f s %7.2f cpu %7d KB | aws %7.2f s %7.2f cpu %7d KB | speed x%.2f  cpu x%.2f\n",
				n, w, c, r, w2, c2, r2, w2 / w, c / c2 }'; }; }
}
E=$S3_ENDPOINT
echo "# $(date -u +%FT%TZ) $(nproc) cores; large ${LARGE_MIB} MiB, ${NSMALL} x 256 KiB; shared machine"
echo "# speed xN = aws wall / s3-stage wall (higher is better); cpu xN = s3-stage cpu / aws cpu (lower is better)"
run_case "large up" put --no-progress --endpoint-url "$E" "$TMP/large" s3://gsa-test/a/large -- \
	s3 cp --quiet --endpoint-url "$E" "$TMP/large" s3://gsa-test/b/large
run_case "large down" get --no-progress --endpoint-url "$E" s3://gsa-test/a/large "$TMP/dl-a" -- \
	s3 cp --quiet --endpoint-url "$E" s3://gsa-test/b/large "$TMP/dl-b"
cmp "$TMP/large" "$TMP/dl-a" && cmp "$TMP/large" "$TMP/dl-b"
rm -f "$TMP/dl-a" "$TMP/dl-b" "$TMP/large"
run_case "small up" put --no-progress --endpoint-url "$E" "$TMP/small" s3://gsa-test/a/small/ -- \
	s3 cp --quiet --recursive --endpoint-url "$E" "$TMP/small" s3://gsa-test/b/small/
run_case "small down" get --no-progress --endpoint-url "$E" s3://gsa-test/a/small/ "$TMP/sd-a" -- \
	s3 cp --quiet --recursive --endpoint-url "$E" s3://gsa-test/b/small/ "$TMP/sd-b"
diff -r "$TMP/small" "$TMP/sd-a" && diff -r "$TMP/small" "$TMP/sd-b"
echo "# all transfers byte-identical"
