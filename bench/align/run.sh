#!/usr/bin/env bash
# bench/align/run.sh — align vs bwa mem, side by side on the same input in one run.
#
#   bench/align/run.sh [-d DATADIR] [-t THREADS] [-o OUTDIR]
#
# DATADIR holds ref.fa, R1.fastq.gz, R2.fastq.gz and (optional)
# truth_positions.tsv.gz, as made by ../shared/eval/make_sim.sh (default:
# eval-data/sim in the repository).  Prints wall s, CPU s
# (user+sys) and peak RSS for index building and mapping, with ratios
# align/bwa, then mapping accuracy of both against the truth.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DATA=$ROOT/eval-data/sim
T=2
OUT=$ROOT/bench/out/align
while getopts "d:t:o:h" o; do
	case $o in
	d) DATA=$OPTARG ;; t) T=$OPTARG ;; o) OUT=$OPTARG ;;
	*) sed -n '2,11p' "$0"; exit 1 ;;
	esac
done
ALIGN=$ROOT/build/bin/align
SCORE=$ROOT/../shared/eval/score_mapping.py
[ -d "$DATA" ] || { echo "no data set: $DATA (make one with ../shared/eval/make_sim.sh, or give -d DIR)" >&2; exit 1; }
[ -x "$ALIGN" ] || { echo "build first: make" >&2; exit 1; }
command -v bwa >/dev/null || { echo "bwa missing: scripts/deps.sh bench" >&2; exit 1; }
rm -rf "$OUT"; mkdir -p "$OUT/bwa" "$OUT/align"
cp "$DATA/ref.fa" "$OUT/bwa/ref.fa"; cp "$DATA/ref.fa" "$OUT/align/ref.fa"
RG='@RG\tID:SIM\tSM:SIM\tPL:ILLUMINA\tLB:SIM'
R1=$DATA/R1.fastq.gz R2=$DATA/R2.fastq.gz
# warm the page cache for both the same way
cat "$R1" "$R2" "$DATA/ref.fa" >/dev/null

t() { # label cmd... -> "wall cpu rss_mb" in $OUT/label.time
	local label=$1; shift
	/usr/bin/time -f '%e %U %S %M' -o "$OUT/$label.time" "$@"
	awk '{ printf "%.2f %.2f %.0f\n", $1, $2 + $3, $4 / 1024 }' "$OUT/$label.time" >"$OUT/$label.t"
}
t bwa_index bwa index "$OUT/bwa/ref.fa" 2>"$OUT/bwa_index.log"
t align_index "$ALIGN" index "$OUT/align/ref.fa" 2>"$OUT/align_index.log"
t bwa_mem bash -c "bwa mem -t $T -R '$RG' '$OUT/bwa/ref.fa' '$R1' '$R2' >'$OUT/bwa.sam' 2>'$OUT/bwa_mem.log'"
t align_map "$ALIGN" map -t "$T" -R "$RG" "$OUT/align/ref.fa" "$R1" "$R2" -o "$OUT/align.bam" 2>"$OUT/align_map.log"
t align_map_stdout bash -c "'$ALIGN' map -t $T -R '$RG' '$OUT/align/ref.fa' '$R1' '$R2' 2>/dev/null >'$OUT/align.u.bam'"

row() { # step peer_label cand_label
	read -r pw pc pr <"$OUT/$2.t"; read -r cw cc cr <"$OUT/$3.t"
	awk -v s="$1" -v pw="$pw" -v pc="$pc" -v pr="$pr" -v cw="$cw" -v cc="$cc" -v cr="$cr" 'BEGIN {
		printf "| %-34s | %8.2f | %8.2f | %5.2fx | %8.2f | %8.2f | %5.2fx | %6.0f | %6.0f | %5.2fx |\n",
			s, pw, cw, cw / pw, pc, cc, cc / pc, pr, cr, cr / pr }'
}
echo "## align vs bwa mem ($(nproc) cores, -t $T, $(zcat "$R1" | awk 'END {print NR/4}') pairs, $(date -u +%F))"
echo
echo "| step                               | bwa wall | align wall | ratio | bwa CPU | align CPU | ratio | bwa MB | align MB | ratio |"
echo "| ---------------------------------- | -------: | ---------: | ----: | ------: | --------: | ----: | -----: | -------: | ----: |"
row "index" bwa_index align_index
row "map (bwa SAM / align BAM -o)" bwa_mem align_map
row "map (align uncompressed BAM stdout)" bwa_mem align_map_stdout
if [ -f "$DATA/truth_positions.tsv.gz" ]; then
	echo
	for x in bwa.sam align.bam; do
		echo "### mapping accuracy: $x"
		python3 "$SCORE" --bam "$OUT/$x" --truth "$DATA/truth_positions.tsv.gz" | sed 's/^/    /'
	done
fi
