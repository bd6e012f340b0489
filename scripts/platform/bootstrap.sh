#!/usr/bin/env bash
# scripts/platform/bootstrap.sh [deploy.sh options] — gsa on AWS with
# nothing but the AWS CLI and git: deploy.sh --pipeline-only (the storage
# and pipeline stacks), then, for the S3 source, this commit as the
# pipeline's source zip (source-zip.sh) and the pipeline started.  The
# pipeline tests, builds and pushes the image, deploys the other stacks with
# deploy.sh and runs the smoke execution.  With a CodeConnections source the
# pipeline starts on the next push instead.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/platform/lib.sh

GSA_REGION=${GSA_REGION:-}
source_type=S3
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
	case ${args[i]} in
	--region) GSA_REGION=${args[i + 1]:-} ;;
	--source) source_type=${args[i + 1]:-} ;;
	-h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
	esac
done
export GSA_REGION

out=$(scripts/platform/deploy.sh --pipeline-only "$@")
echo "$out"
pipeline= bucket=
while read -r _ key value; do
	case $key in
	PipelineName) pipeline=$value ;;
	ArtifactsBucketName) bucket=$value ;;
	esac
done <<<"$out"
[ -n "$pipeline" ] && [ -n "$bucket" ] || die "deploy.sh printed no PipelineName / ArtifactsBucketName"
if [ "$source_type" = S3 ]; then
	scripts/platform/source-zip.sh --upload "$bucket" --start "$pipeline" >&2
	say "pipeline $pipeline started: it tests, builds, pushes and deploys the other stacks"
else
	say "pipeline $pipeline deployed: it runs on the next push to its repository"
fi
