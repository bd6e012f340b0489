#!/usr/bin/env bash
# scripts/platform/smoke.sh — one real execution of the deployed workflows on
# the demo sample (demo/data: 3 x 120 kb of GRCh37 chr20, 30,000 read pairs):
#   1. uploads demo/data/ref.fa as s3://RESULTS/references/gsa-demo/genome.fa
#      and the FASTQ pair under s3://RESULTS/smoke/<tag>/in/
#   2. runs the reference workflow (index + .fai), then the sample workflow
#      (no chromosome list: it reads the .fai), waiting for each
#   3. checks that smoke/<tag>/out/demo.vcf.gz and .tbi arrived and that the
#      VCF holds variant records.
# Exit 0 only if all of that holds.  Options as deploy.sh (--project,
# --region); GSA_SMOKE_TIMEOUT seconds per execution (3600).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/platform/lib.sh

project_region_opts "$@"
limit=${GSA_SMOKE_TIMEOUT:-3600}
[[ $limit =~ ^[0-9]+$ ]] || die "GSA_SMOKE_TIMEOUT '$limit' is not a number of seconds"

declare -A OUT=()
for s in storage workflow; do
	out=$(stack_outputs "$project-$s") || die "stack $project-$s: no outputs (deploy first)"
	while IFS=$'\t' read -r k v; do [ -z "$k" ] || OUT[$k]=$v; done <<<"$out"
done
bucket=${OUT[ResultsBucketName]:?} sample_sm=${OUT[SampleStateMachineArn]:?} ref_sm=${OUT[ReferenceStateMachineArn]:?}
tag=$(image_tag 2>/dev/null || date -u +%Y%m%d%H%M%S)
ref=s3://$bucket/references/gsa-demo/
run=s3://$bucket/smoke/$tag

say "uploading the demo sample"
aws_cli s3 cp --only-show-errors demo/data/ref.fa "${ref}genome.fa"
aws_cli s3 cp --only-show-errors demo/data/R1.fastq.gz "$run/in/R1.fastq.gz"
aws_cli s3 cp --only-show-errors demo/data/R2.fastq.gz "$run/in/R2.fastq.gz"

mkdir -p build/smoke
printf '{"reference": "%s"}\n' "$ref" >build/smoke/reference.json
printf '{"sample_id": "demo", "fastq_1": "%s", "fastq_2": "%s", "reference": "%s", "output_prefix": "%s"}\n' \
	"$run/in/R1.fastq.gz" "$run/in/R2.fastq.gz" "$ref" "$run/out/" >build/smoke/sample.json

# execute ARN NAME INPUT-FILE — start an execution and wait for its end
execute() {
	local arn status waited=0
	arn=$(aws_cli stepfunctions start-execution --state-machine-arn "$1" --name "$2" \
		--input "file://$3" --query executionArn --output text)
	say "execution $arn"
	while :; do
		status=$(aws_cli stepfunctions describe-execution --execution-arn "$arn" --query status --output text)
		[ "$status" = RUNNING ] || break
		[ $waited -lt "$limit" ] || { say "still RUNNING after ${limit}s"; return 1; }
		sleep 15; waited=$((waited + 15))
	done
	say "$2: $status after about ${waited}s"
	if [ "$status" != SUCCEEDED ]; then
		aws_cli stepfunctions describe-execution --execution-arn "$arn" --query '[error,cause]' --output text >&2 || true
		return 1
	fi
}

stamp=$(date -u +%Y%m%dT%H%M%S)
execute "$ref_sm" "smoke-reference-$tag-$stamp" build/smoke/reference.json || die "the reference workflow failed"
execute "$sample_sm" "smoke-sample-$tag-$stamp" build/smoke/sample.json || die "the sample workflow failed"

aws_cli s3 cp --only-show-errors "$run/out/demo.vcf.gz.tbi" build/smoke/demo.vcf.gz.tbi || die "$run/out/demo.vcf.gz.tbi is missing"
aws_cli s3 cp --only-show-errors "$run/out/demo.vcf.gz" build/smoke/demo.vcf.gz || die "$run/out/demo.vcf.gz is missing"
records=$(gzip -dc build/smoke/demo.vcf.gz | grep -vc '^#' || true)
[ "$records" -gt 0 ] || die "$run/out/demo.vcf.gz has no variant records"
echo "smoke: $records variant records in $run/out/demo.vcf.gz (make demo finds 437 alleles on this sample)"
