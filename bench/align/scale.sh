#!/usr/bin/env bash
# bench/align/scale.sh — align at human-genome scale on this machine.
#
#   bench/align/scale.sh [-d DIR] [-b BASES] [-n PAIRS] [-t THREADS] [-a ALIGN]
#
# Builds a BASES-long genome (default 3.1e9) in DIR (default
# /work/scratch/index/scale) from GRCh37 chr20 of Debian's vt-examples:
# copies with independent divergence (1-15 % substitutions + indels), their
# 50 kb-1 Mb blocks shuffled and partly reverse-complemented, then random
# sequence (bench/align/scale_gen.c).  Simulates PAIRS read pairs (default
# 1,000,000; 2x150, fragment 350+-50, 0.2 % errors) with their true origin,
# indexes the genome with `align index`, maps the pairs with `align map -t
# THREADS` and prints: index build wall/CPU/peak RSS, index size (B/base),
# mapping wall/CPU/peak RSS, index load time, and mapped-correct and wrong
# rate per MAPQ threshold (../shared/eval/score_mapping.py).  The genome and
# reads are kept in DIR and reused when present.  Needs ~12 GB of disk.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=/work/scratch/index/scale
BASES=3100000000
PAIRS=1000000
T=2
ALIGN=$ROOT/build/bin/align
while getopts "d:b:n:t:a:h" o; do
	case $o in
	d) DIR=$OPTARG ;; b) BASES=$OPTARG ;; n) PAIRS=$OPTARG ;; t) T=$OPTARG ;; a) ALIGN=$OPTARG ;;
	*) sed -n '2,17p' "$0"; exit 1 ;;
	esac
done
SRC=/usr/share/doc/vt/examples/ref/20.fa.gz
SCORE=$ROOT/../shared/eval/score_mapping.py
[ -f "$SCORE" ] || SCORE=/work/shared/eval/score_mapping.py
[ -f "$SRC" ] || { echo "missing $SRC: apt-get install vt-examples" >&2; exit 1; }
[ -x "$ALIGN" ] || { echo "build first: make" >&2; exit 1; }
mkdir -p "$DIR"
GEN=$DIR/scale_gen
cc -O2 -std=gnu11 -o "$GEN" "$ROOT/bench/align/scale_gen.c" -lz -lm

t() { # label cmd... -> "wall cpu rss_mb" in $DIR/label.t
	local label=$1; shift
	/usr/bin/time -f '%e %U %S %M' -o "$DIR/$label.time" "$@"
	awk '{ printf "%.2f %.2f %.0f\n", $1, $2 + $3, $4 / 1024 }' "$DIR/$label.time" >"$DIR/$label.t"
}
if [ ! -s "$DIR/genome.fa" ]; then
	t gen_genome "$GEN" genome "$SRC" "$BASES" 20261201 "$DIR/genome.tmp.fa"
	mv "$DIR/genome.tmp.fa" "$DIR/genome.fa"
fi
if [ ! -s "$DIR/truth_positions.tsv.gz" ]; then
	t gen_reads "$GEN" reads "$DIR/genome.fa" "$PAIRS" 20261202 "$DIR/R1.fq" "$DIR/R2.fq" "$DIR/truth.tsv"
	gzip -f "$DIR/truth.tsv" && mv "$DIR/truth.tsv.gz" "$DIR/truth_positions.tsv.gz"
fi
rm -f "$DIR/genome.fa.gsai" "$DIR/genome.fa.gsai.verified"
t index "$ALIGN" index "$DIR/genome.fa" 2>"$DIR/index.log"
t check "$ALIGN" index --check "$DIR/genome.fa" 2>"$DIR/check.log"
sync
t map "$ALIGN" map --verbose -t "$T" "$DIR/genome.fa" "$DIR/R1.fq" "$DIR/R2.fq" >"$DIR/map.bam" 2>"$DIR/map.log"
python3 "$SCORE" --bam "$DIR/map.bam" --truth "$DIR/truth_positions.tsv.gz" >"$DIR/score.txt"
size=$(stat -c %s "$DIR/genome.fa.gsai")
bases=$(sed -n 's/.*bases=\([0-9]*\).*/\1/p' "$DIR/index.log")
echo "genome: $bases bases ($(grep -c '^>' "$DIR/genome.fa") contigs), $PAIRS pairs, align $("$ALIGN" --version 2>&1 | head -1)"
read -r w c r <"$DIR/index.t"; echo "index build: wall ${w} s, CPU ${c} s, peak RSS ${r} MB ($(awk -v r="$r" -v b="$bases" 'BEGIN{printf "%.2f", r*1048576/b}') B/base)"
echo "index size: $size bytes ($(awk -v s="$size" -v b="$bases" 'BEGIN{printf "%.2f", s/b}') B/base)"
read -r w c r <"$DIR/check.t"; echo "index --check (every CRC, page cache warm or not): wall ${w} s, CPU ${c} s"
read -r w c r <"$DIR/map.t"; echo "map -t $T: wall ${w} s, CPU ${c} s, peak RSS ${r} MB ($(awk -v r="$r" -v b="$bases" 'BEGIN{printf "%.2f", r*1048576/b}') B/base)"
grep 'index loaded' "$DIR/map.log" || true
cat "$DIR/score.txt"
