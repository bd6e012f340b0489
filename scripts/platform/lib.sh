# scripts/platform/lib.sh — helpers shared by the platform scripts (source it).
# Needs only bash, coreutils, awk and the AWS CLI v2.

# die MESSAGE — one line on stderr, exit 1
die() { echo "${0##*/}: $*" >&2; exit 1; }

# say MESSAGE — progress on stderr
say() { echo "== $*" >&2; }

# aws_cli ARGS... — the AWS CLI with --region when one was chosen
aws_cli() {
	if [ -n "${GSA_REGION:-}" ]; then aws --region "$GSA_REGION" "$@"; else aws "$@"; fi
}

# cfn_params TEMPLATE — the names of the template's Parameters, one a line
cfn_params() {
	awk '/^Parameters:/ { p = 1; next }
	     /^[^ #]/ { p = 0 }
	     p && /^  [A-Za-z0-9]+:[ ]*$/ { sub(/^  /, ""); sub(/:.*/, ""); print }' "$1"
}

# stack_outputs STACK — "KEY<TAB>VALUE" lines of the stack's outputs
stack_outputs() {
	aws_cli cloudformation describe-stacks --stack-name "$1" \
		--query 'Stacks[0].Outputs[].[OutputKey,OutputValue]' --output text
}

# image_tag — the image tag for this source tree: $GSA_IMAGE_TAG, else the
# COMMIT file a source zip carries, else CodeBuild's resolved commit, else
# git; the first 12 hex digits of the commit.
image_tag() {
	local c=${GSA_IMAGE_TAG:-}
	[ -n "$c" ] && { echo "$c"; return 0; }
	if [ -f COMMIT ]; then c=$(tr -d ' \n' <COMMIT)
	elif [[ ${CODEBUILD_RESOLVED_SOURCE_VERSION:-} =~ ^[0-9a-f]{40}$ ]]; then c=$CODEBUILD_RESOLVED_SOURCE_VERSION
	else c=$(git rev-parse HEAD 2>/dev/null) || c=
	fi
	[[ $c =~ ^[0-9a-f]{12,40}$ ]] || { echo "image_tag: no commit (set GSA_IMAGE_TAG, or a COMMIT file, or run in a git clone)" >&2; return 1; }
	echo "${c:0:12}"
}

# camel WORD — sample-per-lane -> SamplePerLane
camel() {
	local out= part
	local IFS=-_.
	for part in $1; do out+=${part^}; done
	echo "$out"
}

# built_dir — the folder holding build/ outputs: $GSA_BUILD_DIR, else the
# pipeline's "Built" input artifact in CodeBuild, else build
built_dir() {
	if [ -n "${GSA_BUILD_DIR:-}" ]; then echo "$GSA_BUILD_DIR"
	elif [ -n "${CODEBUILD_SRC_DIR_Built:-}" ]; then echo "$CODEBUILD_SRC_DIR_Built/build"
	else echo build
	fi
}

# project_region_opts ARGS... — the options of the scripts that take only
# --project NAME and --region REGION (defaults $GSA_PROJECT or gsa, and
# $GSA_REGION); sets project and exports GSA_REGION; -h prints the script's
# header comment; checks that the AWS CLI is there
project_region_opts() {
	project=${GSA_PROJECT:-gsa}
	GSA_REGION=${GSA_REGION:-}
	while [ $# -gt 0 ]; do
		case $1 in
		--project) [ -n "${2:-}" ] || die "--project needs a value"; project=$2; shift ;;
		--region) [ -n "${2:-}" ] || die "--region needs a value"; GSA_REGION=$2; shift ;;
		-h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
		*) die "unknown option '$1'" ;;
		esac
		shift
	done
	[[ $project =~ ^[a-z][a-z0-9-]{1,20}$ ]] || die "--project '$project': lower-case letters, digits and '-', 2-21 characters"
	export GSA_REGION
	command -v aws >/dev/null || die "the AWS CLI (aws) is not on PATH"
}
