#!/usr/bin/env bash
# bench/workflow/demo_time.sh [N] [BASE_COMMIT] — make demo's wall time through
# the ASL (demo/run.sh -> gsa-run) against the bash pipeline it replaced
# (demo/run.sh as of BASE_COMMIT, default 702ff75), N runs each (default 7),
# alternating, on the same tools (build/bin).  Prints every run and the
# medians.  Wall time of the whole script (summary included), /usr/bin/time.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${1:-7}
BASE=${2:-702ff75}
T=$(mktemp -d "${TMPDIR:-/tmp}/gsa-demo-time-XXXXXX")
trap 'rm -rf "$T"' EXIT
# the old script finds its data and summary.py beside itself
mkdir -p "$T/old/demo"
git -C "$ROOT" show "$BASE:demo/run.sh" >"$T/old/demo/run.sh"
chmod +x "$T/old/demo/run.sh"
ln -s "$ROOT/demo/data" "$T/old/demo/data"
ln -s "$ROOT/demo/summary.py" "$T/old/demo/summary.py"
export GSA_BIN=$ROOT/build/bin
run() { # NAME SCRIPT
	/usr/bin/time -f '%e' -o "$T/time" "$2" -o "$T/out-$1" -t 2 >"$T/log-$1" 2>&1 || { cat "$T/log-$1" >&2; exit 1; }
	cat "$T/time" >>"$T/$1.times"
	echo "$1 $(cat "$T/time") s"
}
for i in $(seq "$N"); do
	run before "$T/old/demo/run.sh"
	run after "$ROOT/demo/run.sh"
done
median() { sort -n "$1" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
b=$(median "$T/before.times"); a=$(median "$T/after.times")
echo "median before (bash, $BASE) $b s; after (ASL via gsa-run) $a s; ratio $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')"
diff <(zcat "$T/out-before/demo.vcf.gz" | grep -v "^##") \
	<(zcat "$T/out-after/demo.vcf.gz" | grep -v '^##') >/dev/null && echo "VCF records identical" || echo "VCF records differ"
