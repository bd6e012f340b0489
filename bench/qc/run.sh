#!/usr/bin/env bash
# bench/qc/run.sh — what progress and --metrics cost.
#  1. micro: ns per gsa_progress_add() call (bench/qc/micro.c), the per-record hook;
#  2. macro: align map, sort-index and call-variants on the first N pairs of the
#     standard simulated set, each as `--quiet` (no progress, no metrics),
#     default (progress log lines, stderr not a terminal) and default +
#     `--metrics`, REPS rounds in rotating order; CPU seconds (user+sys) per run.
# Usage: bench/qc/run.sh [-d DATA] [-n PAIRS] [-r REPS] [-o WORKDIR]
# Defaults: /work/scratch/data/sim, 200000 pairs, 3 rounds, /work/scratch/qc/bench.
# Heavy: run with nice; 2 threads.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${GSA_BIN:-$ROOT/build/bin}
DATA=/work/scratch/data/sim PAIRS=200000 REPS=3 W=/work/scratch/qc/bench
while getopts "d:n:r:o:" o; do
	case $o in d) DATA=$OPTARG ;; n) PAIRS=$OPTARG ;; r) REPS=$OPTARG ;; o) W=$OPTARG ;; *) exit 1 ;; esac
done
mkdir -p "$W"
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I"$ROOT/common" "$ROOT/bench/qc/micro.c" "$ROOT/build/obj/libgsa.a" -lm -o "$W/micro"
echo "== micro"; "$W/micro" 1000000000

[ -s "$W/R2.fq" ] || {
	# zcat stops on SIGPIPE when head has enough: not an error here
	(set +o pipefail; zcat "$DATA/R1.fastq.gz" | head -n $((PAIRS * 4)) >"$W/R1.fq")
	(set +o pipefail; zcat "$DATA/R2.fastq.gz" | head -n $((PAIRS * 4)) >"$W/R2.fq")
	cp "$DATA/ref.fa" "$W/ref.fa"
	"$BIN/align" index --quiet --fai "$W/ref.fa"
}
"$BIN/align" map --quiet -t 2 "$W/ref.fa" "$W/R1.fq" "$W/R2.fq" -o "$W/in.bam"
"$BIN/sort-index" --quiet -@ 1 -o "$W/sorted.bam" "$W/in.bam"

cpu() { # label command... -> "label user+sys"
	local label=$1; shift
	/usr/bin/time -f "%U %S" -o "$W/time" "$@" 2>"$W/stderr.$label" >/dev/null
	awk -v l="$label" '{ printf "%s %.2f\n", l, $1 + $2 }' "$W/time"
}
run_align() {
	case $1 in
	quiet) cpu align.quiet "$BIN/align" map --quiet -t 2 -o "$W/a.bam" "$W/ref.fa" "$W/R1.fq" "$W/R2.fq" ;;
	progress) cpu align.progress "$BIN/align" map -t 2 -o "$W/a.bam" "$W/ref.fa" "$W/R1.fq" "$W/R2.fq" ;;
	metrics) cpu align.metrics "$BIN/align" map -t 2 --metrics "$W/a.json" -o "$W/a.bam" "$W/ref.fa" "$W/R1.fq" "$W/R2.fq" ;;
	esac
}
run_sort() {
	case $1 in
	quiet) cpu sort.quiet "$BIN/sort-index" --quiet -@ 1 -o "$W/s.bam" "$W/in.bam" ;;
	progress) cpu sort.progress "$BIN/sort-index" -@ 1 -o "$W/s.bam" "$W/in.bam" ;;
	metrics) cpu sort.metrics "$BIN/sort-index" -@ 1 --metrics "$W/s.json" -o "$W/s.bam" "$W/in.bam" ;;
	esac
}
run_call() {
	case $1 in
	quiet) cpu call.quiet "$BIN/call-variants" --quiet -@ 2 -f "$W/ref.fa" -o "$W/c.vcf.gz" "$W/sorted.bam" ;;
	progress) cpu call.progress "$BIN/call-variants" -@ 2 -f "$W/ref.fa" -o "$W/c.vcf.gz" "$W/sorted.bam" ;;
	metrics) cpu call.metrics "$BIN/call-variants" -@ 2 --metrics "$W/c.json" -f "$W/ref.fa" -o "$W/c.vcf.gz" "$W/sorted.bam" ;;
	esac
}
echo "== macro (CPU s per run; load: $(cut -d' ' -f1-3 /proc/loadavg))"
modes=(quiet progress metrics)
for r in $(seq 1 "$REPS"); do
	for k in 0 1 2; do
		m=${modes[$(((k + r) % 3))]}
		run_align "$m"; run_sort "$m"; run_call "$m"
	done
done | tee "$W/macro.txt"
echo "== medians"
sort "$W/macro.txt" | awk '{ v[$1] = v[$1] " " $2 } END { for (k in v) print k, v[k] }' | sort |
	while read -r label vals; do
		printf '%-16s %s  median %s\n' "$label" "$vals" "$(tr ' ' '\n' <<<"$vals" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')"
	done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
