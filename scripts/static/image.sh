#!/usr/bin/env bash
# scripts/static/image.sh STATIC_OUT IMAGE_DIR VERSION — build the gsa image
# from docker/Dockerfile with buildah (vfs storage, chroot isolation: the
# default OCI isolation does not run in this sandbox) and save it as
# IMAGE_DIR/gsa-<tag>.oci.tar; prints the image's sizes.  The image is tagged
# localhost/gsa:<tag> in buildah's vfs storage (tests run it from there).
# Skips the build when the context, Dockerfile and labels are unchanged.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$1 dir=$2 version=$3
tag=${version//+/-}
bah=(buildah --storage-driver vfs)
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
source=$(git config --get remote.origin.url 2>/dev/null || echo gsa)
ca=/etc/ssl/certs/ca-certificates.crt
[ -s "$ca" ] || { echo "image: $ca missing (package ca-certificates)" >&2; exit 3; }
compgen -G "$out/bin/*" >/dev/null || { echo "image: no tools in $out/bin (make static)" >&2; exit 3; }

# the context: a root file system with fixed owners and times
ctx=$dir/context
rm -rf "$ctx"; mkdir -p "$ctx/rootfs/usr/local/bin" "$ctx/rootfs/etc/ssl/certs" "$ctx/rootfs/tmp"
cp "$out"/bin/* "$ctx/rootfs/usr/local/bin/"
cp docker/passwd docker/group "$ctx/rootfs/etc/"
cp "$ca" "$ctx/rootfs/etc/ssl/certs/ca-certificates.crt"
chmod 0755 "$ctx/rootfs/usr/local/bin/"*; chmod 0644 "$ctx/rootfs/etc/passwd" "$ctx/rootfs/etc/group" "$ctx/rootfs/etc/ssl/certs/ca-certificates.crt"
chmod 1777 "$ctx/rootfs/tmp"
find "$ctx/rootfs" -exec touch -h -d "@$epoch" {} +

image=$dir/gsa-$tag.oci.tar
sum=$( (cd "$ctx" && find rootfs -printf '%p %m\n' | sort && find rootfs -type f -print0 | sort -z | xargs -0 sha256sum
	sha256sum ../../../docker/Dockerfile 2>/dev/null; echo "$tag $revision $source $epoch") | sha256sum | cut -c1-64)
if [ -f "$image" ] && [ "$(cat "$dir/.image-sum" 2>/dev/null)" = "$sum" ] &&
	"${bah[@]}" inspect --type image "localhost/gsa:$tag" >/dev/null 2>&1; then
	echo "image: $image is up to date" >&2
else
	"${bah[@]}" rmi -f "localhost/gsa:$tag" >/dev/null 2>&1 || true
	"${bah[@]}" bud --isolation chroot --timestamp "$epoch" -f docker/Dockerfile \
		--build-arg "VERSION=$version" --build-arg "REVISION=$revision" --build-arg "SOURCE=$source" \
		-t "localhost/gsa:$tag" "$ctx" >&2
	rm -f "$image"
	"${bah[@]}" push -q "localhost/gsa:$tag" "oci-archive:$image.tmp:gsa:$tag" >&2
	mv "$image.tmp" "$image"
	echo "$sum" >"$dir/.image-sum"
fi
echo "localhost/gsa:$tag" >"$dir/image-name" # for the tests

# sizes: the files of the image, and the archive (its layers gzip-compressed)
unc=$(du -sb --apparent-size "$ctx/rootfs" | cut -f1)
comp=$(stat -c %s "$image")
awk -v f="$image" -v u="$unc" -v c="$comp" 'BEGIN { printf "image: %s  uncompressed %.1f MB, compressed archive %.1f MB\n", f, u / 1e6, c / 1e6 }' >&2
