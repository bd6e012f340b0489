#!/usr/bin/env bash
# demo/run.sh — the whole gsa pipeline on the sample in demo/data/, on this
# machine, every step through `job` with local paths (no AWS):
#
#   index -> align | sort-index -> call-variants per contig (in parallel) -> merge
#
# Prints each step's wall time and outputs, then one summary line.  `make demo`
# builds the tools and runs this.  Options:
#   -o DIR   output folder (default demo/out; a previous run's outputs there are replaced)
#   -t N     threads per step (default: number of cores, at most 4)
# Environment: GSA_BIN (default build/bin), the tools to run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${GSA_BIN:-$ROOT/build/bin}
DATA=$ROOT/demo/data
OUT=$ROOT/demo/out
THREADS=$(nproc 2>/dev/null || echo 2)
[ "$THREADS" -gt 4 ] && THREADS=4
while getopts "o:t:h" o; do
	case $o in
	o) OUT=$OPTARG ;;
	t) THREADS=$OPTARG ;;
	h) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) exit 1 ;;
	esac
done

for tool in job align sort-index call-variants; do
	[ -x "$BIN/$tool" ] || { echo "demo: $BIN/$tool is not built (run make)" >&2; exit 3; }
done
for f in ref.fa R1.fastq.gz R2.fastq.gz; do
	[ -s "$DATA/$f" ] || { echo "demo: $DATA/$f is missing (demo/make_data.sh rebuilds it)" >&2; exit 3; }
done

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
# only what an earlier run wrote: -o may name a folder holding other things
rm -rf "$OUT/ref" "$OUT/aln" "$OUT/calls" "$OUT/logs" "$OUT/work" "$OUT"/demo.bam* "$OUT"/demo.vcf.gz*
mkdir -p "$OUT/logs" "$OUT/work"
JOB=("$BIN/job" --workdir "$OUT/work")
export PATH="$BIN:$PATH" # job runs the tools by name

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# step NAME OUTPUTS... -- JOB ARGS...: run one job, log to logs/NAME.log,
# print its time and outputs; on failure show the log's tail and stop.
step() {
	local name=$1 t0 rc=0 outs=()
	shift
	while [ "$1" != -- ]; do outs+=("$1"); shift; done
	shift
	t0=$(now)
	"${JOB[@]}" "$@" >"$OUT/logs/$name.log" 2>&1 || rc=$?
	if [ $rc -ne 0 ]; then
		echo "demo: step $name failed (exit $rc); last lines of $OUT/logs/$name.log:" >&2
		tail -n 8 "$OUT/logs/$name.log" | sed 's/^/  | /' >&2
		exit $rc
	fi
	printf '%-28s %6ss  %s\n' "$name" "$(secs "$t0" "$(now)")" "${outs[*]}"
}

echo "gsa demo: $(grep -c '^>' "$DATA/ref.fa") contigs, sample in $DATA, outputs in $OUT, $THREADS threads"
T0=$(now)

step index "$OUT/ref/" -- \
	-i "$DATA/ref.fa" -o ref.fa -o 'ref.*gsai*' -p "$OUT/ref" -- \
	align index ref.fa

# align streams uncompressed BAM straight into sort-index: one job, no shell
step 'align | sort-index' "$OUT/demo.bam" "$OUT/demo.bam.bai" -- \
	--pipe -i "$OUT/ref/*" -i "$DATA/R1.fastq.gz" -i "$DATA/R2.fastq.gz" -o demo.bam -o demo.bam.bai -p "$OUT" -- \
	align map -t "$THREADS" -R '@RG\tID:demo\tSM:demo' ref.fa R1.fastq.gz R2.fastq.gz \
	'|' sort-index -@ "$((THREADS - 1))" -m 256M -o demo.bam -

# one call-variants job per contig, all at once, as the Step Functions Map state does
contigs=($(sed -n 's/^>\([^[:space:]]*\).*/\1/p' "$DATA/ref.fa"))
t0=$(now)
pids=()
for c in "${contigs[@]}"; do
	CHROMOSOME=$c step "call-variants $c" "$OUT/calls/demo.$c.vcf.gz" -- \
		-i "$OUT/ref/ref.fa" -i "$OUT/demo.bam" -i "$OUT/demo.bam.bai" \
		-o 'demo.${CHROMOSOME}.vcf.gz' -o 'demo.${CHROMOSOME}.vcf.gz.tbi' -p "$OUT/calls" -- \
		call-variants -f ref.fa -r '${CHROMOSOME}' -o 'demo.${CHROMOSOME}.vcf.gz' demo.bam &
	pids+=($!)
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$?; done
[ $failed -eq 0 ] || { echo "demo: a call-variants job failed (exit $failed)" >&2; exit $failed; }
printf '%-28s %6ss\n' "  (${#contigs[@]} contigs in parallel)" "$(secs "$t0" "$(now)")"

parts=()
for c in "${contigs[@]}"; do parts+=("demo.$c.vcf.gz"); done
step merge "$OUT/demo.vcf.gz" "$OUT/demo.vcf.gz.tbi" -- \
	-i "$OUT/calls/*.vcf.gz" -o demo.vcf.gz -o demo.vcf.gz.tbi -p "$OUT" -- \
	call-variants merge -o demo.vcf.gz "${parts[@]}"

printf '%-28s %6ss\n' total "$(secs "$T0" "$(now)")"
python3 "$ROOT/demo/summary.py" "$DATA/R1.fastq.gz" "$DATA/R2.fastq.gz" "$OUT/demo.bam" "$OUT/demo.vcf.gz"
