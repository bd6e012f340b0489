#!/usr/bin/env bash
# scripts/platform/image-tag.sh — print the image tag of this source tree (the
# commit's first 12 hex digits; see image_tag in lib.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/platform/lib.sh
image_tag
