#!/usr/bin/env bash
# scripts/platform/push-image.sh [REPOSITORY] — push build/image/gsa-*.oci.tar
# (make image) to the project's ECR repository, tagged with the commit
# (scripts/platform/image-tag.sh).  Tags are immutable: an existing tag is
# left alone (same commit, same image).  Uses buildah (scripts/deps.sh docker).
#   GSA_IMAGE_DIR  folder of the OCI archive (default $(built_dir)/image: build/image, or the pipeline artifact)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/platform/lib.sh

repo=${1:-${GSA_IMAGE_REPOSITORY:-${GSA_PROJECT:-gsa}}}
dir=${GSA_IMAGE_DIR:-$(built_dir)/image}
shopt -s nullglob
archives=("$dir"/gsa-*.oci.tar)
shopt -u nullglob
[ ${#archives[@]} -eq 1 ] || die "$dir: expected one gsa-*.oci.tar (make image), found ${#archives[@]}"
command -v buildah >/dev/null || die "buildah is not installed (scripts/deps.sh docker)"
tag=$(image_tag)
uri=$(aws_cli ecr describe-repositories --repository-names "$repo" --query 'repositories[0].repositoryUri' --output text)
[ -n "$uri" ] && [ "$uri" != None ] || die "ECR repository $repo not found (deploy the storage stack first)"
if aws_cli ecr describe-images --repository-name "$repo" --image-ids "imageTag=$tag" >/dev/null 2>&1; then
	say "$uri:$tag is already in ECR"
else
	say "pushing ${archives[0]} -> $uri:$tag"
	aws_cli ecr get-login-password | buildah login --storage-driver vfs --username AWS --password-stdin "${uri%%/*}" >&2
	id=$(buildah pull --storage-driver vfs --quiet "oci-archive:${archives[0]}")
	buildah push --storage-driver vfs "$id" "docker://$uri:$tag" >&2
fi
echo "$uri:$tag"
