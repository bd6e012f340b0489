#!/usr/bin/env bash
# bench/call-variants/run.sh — call-variants vs `bcftools mpileup | bcftools call -mv`,
# per contig, side by side in one run, on the same BAM and reference.
#
#   bench/call-variants/run.sh [-b BAM] [-f REF.fa] [-d SIMDIR] [-o OUTDIR] [-@ N]
#
# Defaults: the eval set's peer BAM (eval-runs/peer/aln.bam) and reference
# (eval-data/sim), in the repository; the scorers in ../shared/eval beside it.
# With -d SIMDIR (a make_sim.sh folder) the merged calls of both are also scored
# against SIMDIR/truth.vcf.gz in SIMDIR/confident.bed (score_vcf.py).
# Prints wall s, CPU s (user+sys) and peak RSS per contig and in total, with ratios
# ours/bcftools (below 1.00x = faster / smaller).  Nothing is asserted.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BAM=$ROOT/eval-runs/peer/aln.bam
SIM=$ROOT/eval-data/sim
REF=
OUT=$ROOT/bench/out/call-variants
THREADS=1
while getopts "b:f:d:o:@:h" o; do
	case $o in
	b) BAM=$OPTARG ;; f) REF=$OPTARG ;; d) SIM=$OPTARG ;; o) OUT=$OPTARG ;; @) THREADS=$OPTARG ;;
	*) sed -n '2,12p' "$0"; exit 1 ;;
	esac
done
REF=${REF:-$SIM/ref.fa}
CV=${CV:-$ROOT/build/bin/call-variants}
EVAL=${EVAL:-$ROOT/../shared/eval}
[ -x "$CV" ] || { echo "build first: make" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
rm -rf "$OUT"; mkdir -p "$OUT/ours" "$OUT/peer" "$OUT/time"

# tm NAME cmd... — run under GNU time, append "wall user sys rss_kb" to $OUT/time/NAME
tm() { local n=$1; shift; /usr/bin/time -f '%e %U %S %M' -a -o "$OUT/time/$n" "$@"; }

echo "# call-variants vs bcftools mpileup|call -mv  ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, shared machine)"
echo "# BAM $BAM  REF $REF  threads(ours) $THREADS"
printf '%-12s %9s %9s %9s %9s %9s %9s %7s %7s %7s\n' contig wall_bcf wall_ours cpu_bcf cpu_ours rss_bcf rss_ours wall_x cpu_x rss_x
sum() { awk '{w+=$1; c+=$2+$3; if ($4>r) r=$4} END {printf "%.2f %.2f %d\n", w, c, r}' "$@"; }
for c in $(cut -f1 "$REF.fai"); do
	# bcftools: two processes in a pipe; wall = the pipeline's, CPU = both, RSS = the larger
	s=$(date +%s.%N)
	tm "peer.$c.mp" bcftools mpileup -f "$REF" -r "$c" "$BAM" 2>/dev/null |
		tm "peer.$c.call" bcftools call -mv -Oz -o "$OUT/peer/$c.vcf.gz" 2>>"$OUT/peer.log"
	e=$(date +%s.%N)
	pw=$(awk -v s="$s" -v e="$e" 'BEGIN {printf "%.2f", e - s}')
	read -r _ pc pr < <(sum "$OUT/time/peer.$c.mp" "$OUT/time/peer.$c.call")
	tm "ours.$c" "$CV" --quiet -@ "$THREADS" -f "$REF" -r "$c" -o "$OUT/ours/$c.vcf.gz" "$BAM"
	read -r ow oc or < <(sum "$OUT/time/ours.$c")
	awk -v c="$c" -v pw="$pw" -v ow="$ow" -v pc="$pc" -v oc="$oc" -v pr="$pr" -v or="$or" 'BEGIN {
		printf "%-12s %9.2f %9.2f %9.2f %9.2f %8dM %8dM %6.2fx %6.2fx %6.2fx\n", c, pw, ow, pc, oc,
			pr / 1024, or / 1024, ow / pw, oc / pc, or / pr }'
	echo "$pw $pc $pr $ow $oc $or" >>"$OUT/time/rows"
done
awk '{pw+=$1; pc+=$2; if ($3>pr) pr=$3; ow+=$4; oc+=$5; if ($6>or) or=$6}
     END {printf "%-12s %9.2f %9.2f %9.2f %9.2f %8dM %8dM %6.2fx %6.2fx %6.2fx\n", "TOTAL", pw, ow, pc, oc, pr/1024, or/1024, ow/pw, oc/pc, or/pr}' "$OUT/time/rows"

if [ -f "$SIM/truth.vcf.gz" ]; then
	"$CV" merge --quiet -o "$OUT/ours.vcf.gz" "$OUT"/ours/*.vcf.gz
	bcftools concat -Oz -o "$OUT/peer.vcf.gz" $(for c in $(cut -f1 "$REF.fai"); do echo "$OUT/peer/$c.vcf.gz"; done) 2>/dev/null
	bcftools index -t "$OUT/peer.vcf.gz"
	for who in peer ours; do
		echo "## accuracy: $who ($([ $who = peer ] && echo bcftools || echo call-variants)) vs $SIM/truth.vcf.gz"
		python3 "$EVAL/score_vcf.py" --truth "$SIM/truth.vcf.gz" --query "$OUT/$who.vcf.gz" --ref "$REF" \
			--bed "$SIM/confident.bed" --fp-fn-out "$OUT/$who.err" 2>&1 | grep -E '^(type|SNP|INDEL|ALL)'
	done
fi
