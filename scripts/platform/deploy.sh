#!/usr/bin/env bash
# scripts/platform/deploy.sh — deploy every gsa stack with `aws cloudformation
# deploy`, in one order, and print each stack's outputs.  Needs only the AWS
# CLI v2 (with credentials for the admin policy) and this repository.
#
#   order: network -> storage -> [ebs-autoscale published] -> batch
#          -> [image pushed unless in ECR] -> jobs -> [ASL files uploaded]
#          -> workflow -> monitoring [-> pipeline]
#
# Wiring rule: every output of an earlier stack is passed to a later stack's
# parameter of the same name (VpcId, SubnetIds, ResultsBucketName,
# JobRoleArn, SpotQueueArn, ...); the options below and a few computed values
# (ImageUri, the definitions' keys, the ebs-autoscale pin) come on top, and
# --param KEY=VALUE above all.
# Re-running it updates the stacks in place (no change = no-op).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/platform/lib.sh

usage() {
	cat <<'USAGE'
usage: scripts/platform/deploy.sh [options]
  --project NAME          resource name prefix and stack prefix (gsa; env GSA_PROJECT)
  --region REGION         AWS region (env GSA_REGION, else the CLI's default)
  --image-tag TAG         image tag in ECR to run (default: this commit, scripts/platform/image-tag.sh)
  --egress nat|endpoints  the network stack's EgressMode (nat; env GSA_EGRESS_MODE)
  --vpc-id ID --subnet-ids ID,ID
                          bring your own VPC and private subnets: no network stack
  --kms-key-arn ARN       SSE-KMS for buckets and ECR (env GSA_KMS_KEY_ARN; default SSE-S3)
  --alarm-email ADDRESS   subscribe to the alarm topic (env GSA_ALARM_EMAIL)
  --ebs-autoscale-prefix P --ebs-autoscale-sha256 HEX
                          an ebs-autoscale already in the artifacts bucket; default: publish
                          build/static/bin/ebs-autoscale (env GSA_STATIC_BIN for its folder)
  --role-arn ARN          the role CloudFormation deploys with (env GSA_CFN_ROLE_ARN)
  --param KEY=VALUE       set parameter KEY of every stack that has it (repeatable), e.g.
                          --param SpotMaxvCpus=512 --param AlignSortVcpus=32
  --with-pipeline         also deploy the CI/CD pipeline stack
  --pipeline-only         only the storage and pipeline stacks (bootstrap.sh runs this, then
                          hands this commit to the pipeline, which does the rest)
  --source S3|CodeConnections  --connection-arn ARN --repository OWNER/NAME --branch B
                          the pipeline's source (S3: s3://ARTIFACTS/source/gsa.zip)
USAGE
}

project=${GSA_PROJECT:-gsa}
GSA_REGION=${GSA_REGION:-}
tag=${GSA_IMAGE_TAG:-}
egress=${GSA_EGRESS_MODE:-nat}
vpc=${GSA_VPC_ID:-} subnets=${GSA_SUBNET_IDS:-}
kms=${GSA_KMS_KEY_ARN:-} email=${GSA_ALARM_EMAIL:-}
role=${GSA_CFN_ROLE_ARN:-}
ebs_prefix=${GSA_EBS_AUTOSCALE_PREFIX:-} ebs_sha=${GSA_EBS_AUTOSCALE_SHA256:-}
with_pipeline=0 pipeline_only=0 source_type=S3 connection= repository= branch=main
declare -A PARAM=()  # --param KEY=VALUE, applied to every stack with KEY

need() { [ $# -ge 2 ] && [ -n "$2" ] || die "option $1 needs a value"; }
while [ $# -gt 0 ]; do
	case $1 in
	--project) need "$@"; project=$2; shift ;;
	--region) need "$@"; GSA_REGION=$2; shift ;;
	--image-tag) need "$@"; tag=$2; shift ;;
	--egress) need "$@"; egress=$2; shift ;;
	--vpc-id) need "$@"; vpc=$2; shift ;;
	--subnet-ids) need "$@"; subnets=$2; shift ;;
	--kms-key-arn) need "$@"; kms=$2; shift ;;
	--alarm-email) need "$@"; email=$2; shift ;;
	--ebs-autoscale-prefix) need "$@"; ebs_prefix=$2; shift ;;
	--ebs-autoscale-sha256) need "$@"; ebs_sha=$2; shift ;;
	--role-arn) need "$@"; role=$2; shift ;;
	--param) need "$@"
		[[ $2 =~ ^([A-Za-z0-9]+)=(.*)$ ]] || die "--param '$2': KEY=VALUE"
		PARAM[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}; shift ;;
	--with-pipeline) with_pipeline=1 ;;
	--pipeline-only) pipeline_only=1 with_pipeline=1 ;;
	--source) need "$@"; source_type=$2; shift ;;
	--connection-arn) need "$@"; connection=$2; shift ;;
	--repository) need "$@"; repository=$2; shift ;;
	--branch) need "$@"; branch=$2; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; die "unknown option '$1'" ;;
	esac
	shift
done
export GSA_REGION
[[ $project =~ ^[a-z][a-z0-9-]{1,20}$ ]] || die "--project '$project': lower-case letters, digits and '-', 2-21 characters"
case $egress in nat|endpoints) ;; *) die "--egress '$egress': nat or endpoints" ;; esac
case $source_type in S3|CodeConnections) ;; *) die "--source '$source_type': S3 or CodeConnections" ;; esac
if [ -n "$vpc$subnets" ] && { [ -z "$vpc" ] || [ -z "$subnets" ]; }; then die "--vpc-id and --subnet-ids go together"; fi
if [ -n "$ebs_prefix$ebs_sha" ] && { [ -z "$ebs_prefix" ] || [ -z "$ebs_sha" ]; }; then
	die "--ebs-autoscale-prefix and --ebs-autoscale-sha256 go together"
fi
[ $pipeline_only -eq 1 ] || [ -n "$tag" ] || tag=$(image_tag) || die "no image tag: pass --image-tag"
[ -f cfn/jobs.yml ] || die "cfn/jobs.yml is missing (the job definitions)"
compgen -G 'cfn/workflow/*.asl.json' >/dev/null || die "no cfn/workflow/*.asl.json (the workflow definitions)"
[ -z "${PARAM[ProjectName]+x}" ] || die "--param ProjectName: use --project (it names the stacks too)"
for k in "${!PARAM[@]}"; do
	grep -qx "$k" < <(for f in cfn/network.yml cfn/storage.yml cfn/batch.yml cfn/jobs.yml cfn/workflow.yml \
		cfn/monitoring.yml cfn/pipeline.yml; do cfn_params "$f"; done) || die "--param $k: no stack has a parameter $k"
done
command -v aws >/dev/null || die "the AWS CLI (aws) is not on PATH"

declare -A OUT=()   # every output of the stacks deployed so far
declare -A SET=()   # explicit parameter values for the next stack

# stack_deploy NAME — deploy cfn/NAME.yml as stack PROJECT-NAME: parameters
# from SET, else from OUT by name; then read and print its outputs.
stack_deploy() {
	local name=$1 file=cfn/$1.yml stack=$project-$1 p k v
	local args=()
	for p in $(cfn_params "$file"); do
		if [ -n "${PARAM[$p]+x}" ]; then args+=("$p=${PARAM[$p]}")
		elif [ -n "${SET[$p]+x}" ]; then args+=("$p=${SET[$p]}")
		elif [ -n "${OUT[$p]+x}" ]; then args+=("$p=${OUT[$p]}")
		fi
	done
	say "stack $stack ($file)"
	local extra=()
	[ -n "$role" ] && extra+=(--role-arn "$role")
	# CloudFormation takes at most 51,200 bytes inline; larger go through S3
	if [ "$(wc -c <"$file")" -gt 51200 ]; then
		[ -n "${OUT[ArtifactsBucketName]:-}" ] || die "$file is over 51,200 bytes and there is no artifacts bucket yet"
		extra+=(--s3-bucket "${OUT[ArtifactsBucketName]}" --s3-prefix templates)
	fi
	aws_cli cloudformation deploy --template-file "$file" --stack-name "$stack" \
		--parameter-overrides "${args[@]}" --capabilities CAPABILITY_NAMED_IAM \
		--no-fail-on-empty-changeset --tags "project=$project" "${extra[@]}" >&2
	local out
	out=$(stack_outputs "$stack") || die "$stack: cannot read its outputs"
	while IFS=$'\t' read -r k v; do
		[ -n "$k" ] || continue
		OUT[$k]=$v
		printf '%-32s %-32s %s\n' "$stack" "$k" "$v"
	done <<<"$out"
	SET=()
}

SET[ProjectName]=$project
if [ -n "$vpc" ]; then
	say "bring-your-own network: VPC $vpc, subnets $subnets (no network stack)"
	OUT[VpcId]=$vpc OUT[SubnetIds]=$subnets
elif [ $pipeline_only -eq 0 ]; then
	SET[EgressMode]=$egress
	stack_deploy network
fi

SET[ProjectName]=$project SET[KmsKeyArn]=$kms
stack_deploy storage

# deploy_pipeline — the pipeline stack with the source options
deploy_pipeline() {
	SET[ProjectName]=$project SET[SourceType]=$source_type SET[EgressMode]=$egress
	SET[KmsKeyArn]=$kms SET[AlarmEmail]=$email
	[ -n "$connection" ] && SET[ConnectionArn]=$connection
	[ -n "$repository" ] && SET[FullRepositoryId]=$repository
	SET[BranchName]=$branch
	stack_deploy pipeline
}
if [ $pipeline_only -eq 1 ]; then
	deploy_pipeline
	say "deployed $project's storage and pipeline"
	exit 0
fi

# the pinned ebs-autoscale: content-addressed key, checked by SHA-256 at boot
if [ -z "$ebs_sha" ]; then
	read -r ebs_prefix ebs_sha < <(scripts/platform/publish-ebs-autoscale.sh "${OUT[ArtifactsBucketName]}") ||
		die "could not publish ebs-autoscale (see above)"
fi

SET[ProjectName]=$project SET[KmsKeyArn]=$kms
SET[EbsAutoscalePrefix]=$ebs_prefix SET[EbsAutoscaleSha256]=$ebs_sha
stack_deploy batch

# the image must be in ECR before job definitions point at it: pushed by the
# pipeline's Push stage, or here from make image's archive
if ! aws_cli ecr describe-images --repository-name "${OUT[ImageRepositoryName]}" \
	--image-ids "imageTag=$tag" >/dev/null 2>&1; then
	compgen -G "$(built_dir)/image/gsa-*.oci.tar" >/dev/null ||
		die "image ${OUT[ImageRepositoryUri]}:$tag is not in ECR and $(built_dir)/image has no gsa-*.oci.tar: run make image, or push it (scripts/platform/push-image.sh)"
	GSA_IMAGE_TAG=$tag scripts/platform/push-image.sh "${OUT[ImageRepositoryName]}" >/dev/null
fi
SET[ProjectName]=$project SET[ImageUri]=${OUT[ImageRepositoryUri]}:$tag
stack_deploy jobs

# ASL files: uploaded under a content hash, so a changed file updates the stack
SET[ProjectName]=$project
for f in cfn/workflow/*.asl.json; do
	base=$(basename "$f" .asl.json)
	sum=$(sha256sum "$f" | cut -c1-16)
	key=workflow/$base-$sum.asl.json
	say "definition $f -> s3://${OUT[ArtifactsBucketName]}/$key"
	aws_cli s3 cp --only-show-errors "$f" "s3://${OUT[ArtifactsBucketName]}/$key" >&2
	SET[$(camel "$base")DefinitionKey]=$key
done
stack_deploy workflow

SET[ProjectName]=$project SET[AlarmEmail]=$email
stack_deploy monitoring

[ $with_pipeline -eq 0 ] || deploy_pipeline
say "deployed $project with image tag $tag"
