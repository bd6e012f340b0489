#!/usr/bin/env bash
# scripts/platform/teardown.sh — delete the gsa stacks in the reverse of the
# deploy order, waiting for each.  The results, artifacts and logs buckets
# and the ECR repository are RETAINED (DeletionPolicy: Retain: results are
# never lost to a teardown); their names are printed with the commands that
# delete them for good.
#   --project NAME  --region REGION   as for deploy.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/platform/lib.sh

project_region_opts "$@"

# the storage stack's outputs name what stays behind
declare -A OUT=()
if out=$(stack_outputs "$project-storage" 2>/dev/null); then
	while IFS=$'\t' read -r k v; do [ -z "$k" ] || OUT[$k]=$v; done <<<"$out"
fi

for name in pipeline monitoring workflow jobs batch storage network; do
	stack=$project-$name
	if ! aws_cli cloudformation describe-stacks --stack-name "$stack" >/dev/null 2>&1; then
		say "$stack: not deployed"
		continue
	fi
	say "deleting $stack"
	aws_cli cloudformation delete-stack --stack-name "$stack"
	aws_cli cloudformation wait stack-delete-complete --stack-name "$stack" ||
		die "$stack did not delete (see: aws cloudformation describe-stack-events --stack-name $stack)"
done

echo "retained (DeletionPolicy: Retain), delete them yourself when you no longer need the data:"
for k in ResultsBucketName ArtifactsBucketName LogsBucketName; do
	[ -n "${OUT[$k]:-}" ] && echo "  bucket ${OUT[$k]}:  aws s3 rm --recursive s3://${OUT[$k]} (and its object versions), then aws s3 rb s3://${OUT[$k]}"
done
[ -n "${OUT[ImageRepositoryName]:-}" ] && echo "  ECR repository ${OUT[ImageRepositoryName]}:  aws ecr delete-repository --force --repository-name ${OUT[ImageRepositoryName]}"
echo "  log groups outside the stacks: none (each stack deletes its own)"
