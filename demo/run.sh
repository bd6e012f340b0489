#!/usr/bin/env bash
# demo/run.sh — the whole gsa pipeline on the sample in demo/data/, on this
# machine, through the Step Functions definitions that run on AWS
# (cfn/workflow/*.asl.json executed by gsa-run, every Batch job a local `job`
# process running its command line from cfn/jobs.yml; no AWS):
#
#   reference workflow: index   ->   sample workflow: align | sort-index ->
#   call-variants per contig (Map, in parallel) -> merge -> report
#   (demo/out/report.html: the QC report gsa-report wrote as the last state)
#
# Prints each job's wall time and outputs, then one summary line.  `make demo`
# builds the tools and runs this.  Options:
#   -o DIR   output folder (default demo/out; a previous run's outputs there are replaced)
#   -t N     at most N threads per job (default: number of cores, at most 4)
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

for tool in job align sort-index call-variants gsa-report; do
	[ -x "$BIN/$tool" ] || { echo "demo: $BIN/$tool is not built (run make)" >&2; exit 3; }
done
for f in ref.fa R1.fastq.gz R2.fastq.gz; do
	[ -s "$DATA/$f" ] || { echo "demo: $DATA/$f is missing (demo/make_data.sh rebuilds it)" >&2; exit 3; }
done
[ -d "$ROOT/cfn/workflow/local/node_modules/aws-local-stepfunctions" ] ||
	{ echo "demo: the local workflow engine is not installed (scripts/deps.sh workflow)" >&2; exit 3; }

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
# only what an earlier run wrote: -o may name a folder holding other things
rm -rf "$OUT/ref" "$OUT/aln" "$OUT/calls" "$OUT/logs" "$OUT/work" "$OUT"/demo.bam* "$OUT"/demo.vcf.gz* "$OUT"/demo.calls "$OUT"/*.input.json \
	"$OUT"/demo.*.metrics.json "$OUT"/demo.report.html "$OUT"/demo_mqc.json "$OUT"/report.html
mkdir -p "$OUT/logs" "$OUT/work" "$OUT/ref"
# the reference prefix holds genome.fa; the reference workflow indexes it in place
ln "$DATA/ref.fa" "$OUT/ref/genome.fa" 2>/dev/null || cp "$DATA/ref.fa" "$OUT/ref/genome.fa"

# the inputs, as `aws stepfunctions start-execution --input` would take them
# (JSON strings: backslash and double quote escaped; control characters refused)
json_str() {
	case $1 in *[[:cntrl:]]*) echo "demo: $1: a control character in a path" >&2; exit 1 ;; esac
	local s=${1//\\/\\\\}
	printf '"%s"' "${s//\"/\\\"}"
}
printf '{"reference": %s}\n' "$(json_str "$OUT/ref/")" >"$OUT/reference.input.json"
printf '{"sample_id": "demo", "fastq_1": %s, "fastq_2": %s, "reference": %s, "output_prefix": %s}\n' \
	"$(json_str "$DATA/R1.fastq.gz")" "$(json_str "$DATA/R2.fastq.gz")" "$(json_str "$OUT/ref/")" "$(json_str "$OUT/")" \
	>"$OUT/sample.input.json"

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

echo "gsa demo: $(grep -c '^>' "$DATA/ref.fa") contigs, sample in $DATA, outputs in $OUT, $THREADS threads"
T0=$(now)
GSA_BIN=$BIN GSA_RUN_MAX_THREADS=$THREADS node "$ROOT/cfn/workflow/local/gsa-run.mjs" --quiet --workdir "$OUT/work" --logs "$OUT/logs" \
	"$OUT/reference.input.json" "$OUT/sample.input.json"
printf '%-28s %6ss\n' total "$(secs "$T0" "$(now)")"
# the workflow's last state wrote the QC report beside the BAM and VCF
ln -f "$OUT/demo.report.html" "$OUT/report.html" 2>/dev/null || cp "$OUT/demo.report.html" "$OUT/report.html"
echo "QC report: $OUT/report.html (MultiQC: $OUT/demo_mqc.json)"
python3 "$ROOT/demo/summary.py" "$DATA/R1.fastq.gz" "$DATA/R2.fastq.gz" "$OUT/demo.bam" "$OUT/demo.vcf.gz"
