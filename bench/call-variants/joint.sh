#!/usr/bin/env bash
# bench/call-variants/joint.sh — cohort calling: call-variants --gvcf per sample + joint, side by
# side with bcftools multi-sample `mpileup | call -mv` on the same BAMs (bcftools call cannot
# genotype a `bcftools merge --gvcf` of our gVCFs: it needs mpileup's INFO/QS).
#
#   bench/call-variants/joint.sh [-n N] [-c COV] [-o OUTDIR]
#
# N samples (default 10) simulated with ../shared/eval/make_sim.sh at COV x (default 5): the
# same variant sites (VAR_SEED 20240601), each sample its own genotypes (GT_SEED 3000+i) and
# reads (READ_SEED 4000+i); aligned with our align | sort-index.  Prints time and peak RSS
# per step and per sample, and per-sample SNP/indel F1 (score_vcf.py on confident.bed) of
# the single-sample calls, the joint calls and bcftools' multi-sample calls, and how many
# genotypes the cohort prior changed.  Nothing is asserted.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=10 COV=5 OUT=$ROOT/bench/out/joint
while getopts "n:c:o:h" o; do
	case $o in n) N=$OPTARG ;; c) COV=$OPTARG ;; o) OUT=$OPTARG ;; *) sed -n '2,13p' "$0"; exit 1 ;; esac
done
B=${B:-$ROOT/build/bin}
EVAL=${EVAL:-/work/shared/eval}
mkdir -p "$OUT/time"
tm() { local n=$1; shift; /usr/bin/time -f '%e %U %S %M' -o "$OUT/time/$n" "$@"; }
for i in $(seq 1 "$N"); do
	S=$OUT/s$i
	if [ ! -s "$S/sim/R2.fastq.gz" ]; then
		rm -rf "$S"; mkdir -p "$S"
		GT_SEED=$((3000 + i)) READ_SEED=$((4000 + i)) "$EVAL/make_sim.sh" -o "$S/sim.tmp" "$COV" >"$S/sim.log" 2>&1
		mv "$S/sim.tmp" "$S/sim"
	fi
	[ -s "$S/sim/ref.fa.gsai" ] || "$B/align" index --quiet -o "$S/sim/ref.fa" "$S/sim/ref.fa"
	if [ ! -s "$S/aln.bam" ]; then
		"$B/align" map --quiet -t 2 -R "@RG\tID:S$i\tSM:S$i" "$S/sim/ref.fa" "$S/sim/R1.fastq.gz" "$S/sim/R2.fastq.gz" |
			"$B/sort-index" --quiet -o "$S/aln.bam" -
	fi
	tm "gvcf.$i" "$B/call-variants" --quiet --gvcf -f "$S/sim/ref.fa" -o "$S/g.vcf.gz" "$S/aln.bam"
	tm "vcf.$i" "$B/call-variants" --quiet -f "$S/sim/ref.fa" -o "$S/s.vcf.gz" "$S/aln.bam"
done
REF=$OUT/s1/sim/ref.fa
tm joint "$B/call-variants" joint -o "$OUT/joint.vcf.gz" $(for i in $(seq 1 "$N"); do echo "$OUT/s$i/g.vcf.gz"; done) 2>"$OUT/joint.log"
tm bcftools sh -c "bcftools mpileup -a AD,DP -f '$REF' $(for i in $(seq 1 "$N"); do printf "'%s' " "$OUT/s$i/aln.bam"; done) 2>/dev/null | bcftools call -mv -Oz -o '$OUT/bcftools.vcf.gz' 2>/dev/null"
echo "# call-variants --gvcf + joint vs bcftools mpileup|call -mv, $N samples at ${COV}x ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, shared machine)"
awk '{w+=$1; c+=$2+$3; if ($4>r) r=$4} END {printf "gvcf per sample (mean): wall %.2f s, CPU %.2f s, peak RSS %d KB\n", w/NR, c/NR, r}' "$OUT"/time/gvcf.*
awk '{w+=$1; c+=$2+$3; if ($4>r) r=$4} END {printf "plain VCF per sample (mean): wall %.2f s, CPU %.2f s, peak RSS %d KB\n", w/NR, c/NR, r}' "$OUT"/time/vcf.*
awk -v n="$N" '{printf "joint, %d samples: wall %.2f s, CPU %.2f s (%.3f s per sample), peak RSS %d KB\n", n, $1, $2+$3, ($2+$3)/n, $4}' "$OUT/time/joint"
awk -v n="$N" '{printf "bcftools mpileup|call, %d BAMs: wall %.2f s, CPU %.2f s (%.3f s per sample), peak RSS %d KB\n", n, $1, $2+$3, ($2+$3)/n, $4}' "$OUT/time/bcftools"
grep -o 'records=[0-9]* recovered=[0-9]* lost=[0-9]*' "$OUT/joint.log" || true
echo "gVCF size: $(du -cb "$OUT"/s*/g.vcf.gz | tail -1 | cut -f1) bytes vs VCF $(du -cb "$OUT"/s*/s.vcf.gz | tail -1 | cut -f1) bytes"
score() { python3 "$EVAL/score_vcf.py" --truth "$1/sim/truth.vcf.gz" --query "$2" --ref "$REF" --bed "$1/sim/confident.bed" 2>/dev/null | awk '$1=="SNP"||$1=="INDEL" {printf " %s P %s R %s F1 %s", $1, $7, $8, $9}'; }
printf '%-4s %-9s %s\n' sample calls "scores (precision, recall, F1)"
for i in $(seq 1 "$N"); do
	S=$OUT/s$i
	bcftools view -s "S$i" -Oz -o "$S/joint1.vcf.gz" "$OUT/joint.vcf.gz"
	bcftools view -s "S$i" -Oz -o "$S/bcf1.vcf.gz" "$OUT/bcftools.vcf.gz"
	printf 'S%-3s %-9s%s\n' "$i" single "$(score "$S" "$S/s.vcf.gz")"
	printf 'S%-3s %-9s%s\n' "$i" joint "$(score "$S" "$S/joint1.vcf.gz")"
	printf 'S%-3s %-9s%s\n' "$i" bcftools "$(score "$S" "$S/bcf1.vcf.gz")"
done
