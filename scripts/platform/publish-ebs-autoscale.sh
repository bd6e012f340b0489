#!/usr/bin/env bash
# scripts/platform/publish-ebs-autoscale.sh BUCKET — put the static
# ebs-autoscale, its systemd unit and (optionally) a config into
# s3://BUCKET/ebs-autoscale/<VERSION>-<sha256[:12]>/ and print
# "PREFIX SHA256" on stdout for the batch stack's EbsAutoscalePrefix and
# EbsAutoscaleSha256.  The key holds the binary's hash, so a key never changes
# content and the launch template pins exactly one build.  Already there =
# nothing uploaded.
#   GSA_STATIC_BIN          folder of the static tools (default $(built_dir)/static/bin)
#   GSA_EBS_AUTOSCALE_UNIT  the systemd unit (the one tools/ebs-autoscale/*.service)
#   GSA_EBS_AUTOSCALE_CONFIG  optional /etc/gsa/ebs-autoscale.json to ship
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/platform/lib.sh

[ $# -eq 1 ] && [ -n "$1" ] || die "usage: publish-ebs-autoscale.sh BUCKET"
bucket=$1
bin=${GSA_STATIC_BIN:-$(built_dir)/static/bin}/ebs-autoscale
[ -f "$bin" ] || die "$bin: not found (run make static, or set GSA_STATIC_BIN)"
unit=${GSA_EBS_AUTOSCALE_UNIT:-}
if [ -z "$unit" ]; then
	shopt -s nullglob
	units=(tools/ebs-autoscale/*.service)
	shopt -u nullglob
	[ ${#units[@]} -eq 1 ] || die "tools/ebs-autoscale/: expected one *.service systemd unit, found ${#units[@]} (or set GSA_EBS_AUTOSCALE_UNIT)"
	unit=${units[0]}
fi
[ -f "$unit" ] || die "$unit: not found"
config=${GSA_EBS_AUTOSCALE_CONFIG:-}
[ -z "$config" ] || [ -f "$config" ] || die "$config: not found"

sha=$(sha256sum "$bin" | cut -d' ' -f1)
version=$(tr -d ' \n' <VERSION)
prefix=ebs-autoscale/$version-${sha:0:12}
if aws_cli s3api head-object --bucket "$bucket" --key "$prefix/ebs-autoscale" >/dev/null 2>&1; then
	say "s3://$bucket/$prefix/ebs-autoscale is already there"
else
	say "publishing $bin -> s3://$bucket/$prefix/"
	aws_cli s3 cp --only-show-errors "$unit" "s3://$bucket/$prefix/ebs-autoscale.service" >&2
	[ -n "$config" ] && aws_cli s3 cp --only-show-errors "$config" "s3://$bucket/$prefix/ebs-autoscale.json" >&2
	# the binary last: its presence means the prefix is complete
	aws_cli s3 cp --only-show-errors "$bin" "s3://$bucket/$prefix/ebs-autoscale" >&2
fi
echo "$prefix $sha"
