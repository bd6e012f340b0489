#!/usr/bin/env bash
# deps.sh GROUP... — install what is missing for a group of tasks, and nothing
# else.  Idempotent and quick when everything is present (one dpkg-query).
#   build  compiler and libraries        test   build + checkers and test services
#   demo   build + what the demo needs   bench  peers for the side-by-side benchmarks
#   docker image build tools
#   static musl toolchain + what scripts/static/deps.sh needs to build the libraries from Debian source
#   platform  what the deploy scripts need (AWS CLI, git, python3)
#   demo-data  what demo/make_data.sh needs to rebuild the shipped sample (maintainers)
#   workflow   node + the local workflow engine's npm packages (cfn/workflow/local, for gsa-run)
#   fuzz   clang with libFuzzer and the sanitizer runtimes (make fuzz, tests/fuzz)
# Debian packages go through apt-get one set at a time (libhts-dev pulls
# libcurl4-gnutls-dev, which a combined install with an OpenSSL curl refuses);
# test-only npm packages go into tests/node/node_modules from its lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."

build_pkgs=(gcc make libc6-dev pkg-config libhts-dev libdeflate-dev libbz2-dev liblzma-dev zlib1g-dev libssl-dev libcurl4-gnutls-dev)
test_pkgs=(python3 samtools bcftools tabix picard-tools btrfs-progs e2fsprogs util-linux time procps lvm2 xfsprogs binutils)
demo_pkgs=(python3)
bench_pkgs=(bwa minimap2 samtools bcftools tabix awscli time python3 seqan-apps vt-examples)
docker_pkgs=(buildah)
static_pkgs=(musl-tools dpkg-dev gcc make perl linux-libc-dev debian-archive-keyring xz-utils bzip2 ca-certificates util-linux file openssl)
platform_pkgs=(awscli git python3 ca-certificates)
demo_data_pkgs=(samtools bcftools tabix python3 seqan-apps vt-examples)
fuzz_pkgs=(clang libclang-rt-14-dev)

missing_pkgs() {
	# one dpkg-query for the whole list; unknown packages print nothing
	local have
	have=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "$@" 2>/dev/null | awk '$1 == "ii" { print $2 }' || true)
	local p
	for p in "$@"; do
		grep -qx -- "$p" <<<"$have" || echo "$p"
	done
}

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"
	else echo "deps: need root to run: $*" >&2; return 1
	fi
}

apt_updated=0
apt_install() {
	local miss
	miss=$(missing_pkgs "$@")
	[ -z "$miss" ] && return 0
	echo "deps: installing: $(echo $miss)" >&2
	# through env: sudo drops DEBIAN_FRONTEND from the environment
	if [ $apt_updated -eq 0 ]; then as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq; apt_updated=1; fi
	# shellcheck disable=SC2086
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $miss >/dev/null
}

node_deps() {
	if ! command -v npm >/dev/null; then apt_install nodejs npm; fi
	local stamp=tests/node/node_modules/.gsa-lock
	if [ -f "$stamp" ] && cmp -s tests/node/package-lock.json "$stamp"; then return 0; fi
	echo "deps: installing test-only npm packages (tests/node)" >&2
	(cd tests/node && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
	cp tests/node/package-lock.json "$stamp"
}

# the local workflow engine (gsa-run): runtime npm packages pinned by cfn/workflow/local/package-lock.json
workflow_deps() {
	if ! command -v npm >/dev/null; then apt_install nodejs npm; fi
	local dir=cfn/workflow/local stamp=cfn/workflow/local/node_modules/.gsa-lock
	if [ -f "$stamp" ] && cmp -s "$dir/package-lock.json" "$stamp"; then return 0; fi
	echo "deps: installing the local workflow engine's npm packages ($dir)" >&2
	# aws-local-stepfunctions declares node >= 22; gsa-run polyfills what it needs on node 20
	(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error --engine-strict=false >/dev/null)
	cp "$dir/package-lock.json" "$stamp"
}

for group in "$@"; do
	case $group in
	build)  apt_install "${build_pkgs[@]}" ;;
	test)   apt_install "${build_pkgs[@]}"; apt_install "${test_pkgs[@]}"; node_deps; workflow_deps ;;
	demo)   apt_install "${demo_pkgs[@]}"; workflow_deps ;;
	workflow) workflow_deps ;;
	bench)  apt_install "${bench_pkgs[@]}" ;;
	docker) apt_install "${docker_pkgs[@]}" ;;
	static) apt_install "${static_pkgs[@]}" ;;
	platform) apt_install "${platform_pkgs[@]}" ;;
	demo-data) apt_install "${demo_data_pkgs[@]}" ;;
	fuzz)   apt_install "${build_pkgs[@]}"; apt_install "${fuzz_pkgs[@]}" ;;
	*) echo "deps: unknown group '$group' (build, test, demo, demo-data, bench, docker, static, platform, workflow, fuzz)" >&2; exit 1 ;;
	esac
done
