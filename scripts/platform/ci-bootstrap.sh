#!/usr/bin/env bash
# scripts/platform/ci-bootstrap.sh GROUP... — on CodeBuild's plain Debian
# bookworm image: install make (which a minimal image lacks), then let
# scripts/deps.sh install the GROUPs (build, test, docker, platform).
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v make >/dev/null; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends make ca-certificates >/dev/null
fi
[ $# -eq 0 ] || scripts/deps.sh "$@"
