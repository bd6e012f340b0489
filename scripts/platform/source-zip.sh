#!/usr/bin/env bash
# scripts/platform/source-zip.sh [--upload BUCKET [--start PIPELINE]] — the
# pipeline's S3 source: `git archive` of HEAD as build/source/gsa.zip plus a
# COMMIT file (the image tag's source, since a zip carries no .git); with
# --upload put it at s3://BUCKET/source/gsa.zip, with --start also start the
# pipeline (its S3 source does not poll).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/platform/lib.sh

bucket= pipeline=
while [ $# -gt 0 ]; do
	case $1 in
	--upload) [ -n "${2:-}" ] || die "--upload needs a bucket"; bucket=$2; shift ;;
	--start) [ -n "${2:-}" ] || die "--start needs a pipeline name"; pipeline=$2; shift ;;
	*) die "unknown option '$1'" ;;
	esac
	shift
done
[ -z "$pipeline" ] || [ -n "$bucket" ] || die "--start needs --upload"
git diff --quiet HEAD -- || say "warning: uncommitted changes are not in the zip (git archive HEAD)"
commit=$(git rev-parse HEAD)
mkdir -p build/source
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "$commit" >"$tmp/COMMIT"
git archive --format=zip --add-file="$tmp/COMMIT" -o "$tmp/gsa.zip" HEAD
mv "$tmp/gsa.zip" build/source/gsa.zip
say "build/source/gsa.zip: commit ${commit:0:12}"
if [ -n "$bucket" ]; then
	aws_cli s3 cp --only-show-errors build/source/gsa.zip "s3://$bucket/source/gsa.zip"
	say "uploaded s3://$bucket/source/gsa.zip"
fi
if [ -n "$pipeline" ]; then
	aws_cli codepipeline start-pipeline-execution --name "$pipeline"
fi
