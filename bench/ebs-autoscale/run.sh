#!/bin/bash
# bench/ebs-autoscale/run.sh — measure ebs-autoscale against the fixtures (as
# root, real btrfs on loop devices).  Nothing here is asserted.
#
#   bench/ebs-autoscale/run.sh [-b BIN] [-i IDLE_SECONDS] [-r "RATES MB/s"] [-t TOTAL_MB]
#
# idle:   daemon watching a filesystem below its threshold for IDLE seconds
#         (default 60): EC2 + IMDS requests, CPU % (utime+stime from
#         /proc/PID/stat over the window), RSS and peak RSS (VmRSS, VmHWM).
# growth: for each rate, a fresh 1 GiB btrfs at 50 %, a steady writer of
#         TOTAL MB at that rate (fixture: 1 "GiB" = 128 MiB, volumes of
#         512 MiB, creation 0.5 s, attachment 0.3 s): ENOSPC count, achieved
#         rate, growths and their detection->usable seconds, EC2 requests.
# predict: the same at HRATES (default "160 320") with a single 90 %
#         threshold, prediction on and off: what the fill prediction buys.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$ROOT/build/bin/ebs-autoscale
IDLE=60 RATES="40 80 160" TOTAL=1500 HRATES="160 320"
while getopts "b:i:r:t:h:" o; do
	case $o in b) BIN=$OPTARG ;; i) IDLE=$OPTARG ;; r) RATES=$OPTARG ;; t) TOTAL=$OPTARG ;; h) HRATES=$OPTARG ;; *) exit 1 ;; esac
done
[ "$(id -u)" -eq 0 ] || { echo "run as root (loop devices)" >&2; exit 1; }
export GSA_ROOT=$ROOT EBS=$BIN

one_setup() {
	# a fresh sub-shell world per scenario: lib.sh makes $TMP and tears down at exit
	. "$ROOT/tests/integration/lib.sh"
	. "$ROOT/tests/integration/lib_ebs.sh"
	ebs_setup >/dev/null
}

echo "# ebs-autoscale bench $(date -u +%FT%TZ), binary $BIN ($(stat -c %s "$BIN") bytes), load: $(cut -d' ' -f1-3 /proc/loadavg)"
(
	one_setup
	ebs_config_set 'c["detection_interval"] = 1'
	ebs_fill 200 || exit 1
	ebs_start
	ebs_wait 20 "grep -q watching '$DLOG'" || { cat "$DLOG"; exit 1; }
	sleep 2
	tck=$(getconf CLK_TCK)
	r0=$(ebs_book_value 'b["requests"]'); m0=$(wc -l <"$TMP/imds.log")
	c0=$(awk '{ print $14 + $15 }' /proc/$DPID/stat)
	sleep "$IDLE"
	r1=$(ebs_book_value 'b["requests"]'); m1=$(wc -l <"$TMP/imds.log")
	c1=$(awk '{ print $14 + $15 }' /proc/$DPID/stat)
	rss=$(awk '/^VmRSS/ { print $2 }' /proc/$DPID/status); hwm=$(awk '/^VmHWM/ { print $2 }' /proc/$DPID/status)
	cpu=$(awk -v a="$c0" -v b="$c1" -v t="$tck" -v s="$IDLE" 'BEGIN { printf "%.3f", (b - a) / t / s * 100 }')
	echo "idle ${IDLE}s (detection_interval 1 s): EC2 requests $((r1 - r0)), IMDS requests $((m1 - m0)), CPU ${cpu} % ($((c1 - c0)) ticks), RSS ${rss} kB, peak RSS ${hwm} kB"
	ebs_stop
)
runs=()
for rate in $RATES; do runs+=("$rate:default"); done
for rate in $HRATES; do runs+=("$rate:90-predict" "$rate:90-nopredict"); done
for run in "${runs[@]}"; do
	rate=${run%%:*} mode=${run#*:}
	(
		one_setup
		case $mode in
		90-predict) ebs_config_set 'c["thresholds"] = {"1": 90}' ;;
		90-nopredict) ebs_config_set 'c["thresholds"] = {"1": 90}; c["prediction"]["enabled"] = False' ;;
		esac
		ebs_fill 530 || exit 1
		ebs_start
		python3 "$ROOT/tests/ebs_writer.py" --dir "$MNT" --total "$TOTAL" --rate "$rate" >"$TMP/w.json" 2>&1
		sleep 1
		ebs_stop
		python3 - "$TMP/w.json" "$DLOG" "$EC2_DIR/books.json" "$rate" "$mode" <<'EOF'
import json, re, sys
w = json.load(open(sys.argv[1]))
log = open(sys.argv[2]).read()
b = json.load(open(sys.argv[3]))
t = [float(x) for x in re.findall(r"detection_to_usable_s=([0-9.]+)", log)]
why = re.findall(r"growing reason=([a-z]+)", log)
print("[%s] writer %s MB/s: achieved %.1f MB/s over %.1f s, ENOSPC %d, growths %d (%d predicted, %d threshold), "
      "detection->usable min %.2f / mean %.2f / max %.2f s, EC2 requests %d" % (
      sys.argv[5], sys.argv[4], w["mb_per_s"], w["seconds"], len(w["enospc"]), len(t), why.count("predicted"),
      why.count("threshold"), min(t or [0]), sum(t) / len(t) if t else 0, max(t or [0]), b["requests"]))
EOF
	)
done
