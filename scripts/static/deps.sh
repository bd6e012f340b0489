#!/usr/bin/env bash
# scripts/static/deps.sh — build the static (musl) libraries the tools link,
# from Debian bookworm source packages, into a cache outside the clone.
# Prints the sysroot (include/, lib/, manifest.tsv) on stdout; logs go to stderr.
#
#   zlib, bzip2, xz-utils (liblzma), libdeflate, openssl (libssl+libcrypto),
#   curl (OpenSSL, threaded resolver, HTTP/HTTPS only), htslib (+ htscodecs
#   bundled into libhts.a; no libcurl/S3/GCS plugins).
#
# Sources come through apt with a private source list (Dir::Etc::* options
# pointing into the cache); the machine's apt configuration is never changed.
# apt checks each file against the signed index; dpkg-source -x checks the
# .dsc checksums again while unpacking and applies Debian's patches.
#
# Cache: $GSA_STATIC_CACHE (default /var/cache/gsa-static, or
# ~/.cache/gsa-static when that is not writable).  Each package lands in
# pkg/<name>-<version>-<hash>, the hash covering its recipe, the compiler,
# musl and the keys of the packages it builds on; a finished package is never
# rebuilt.  The Sources index is refreshed when older than a day
# (GSA_STATIC_REFRESH=1 forces it; =0 never refreshes an existing index).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

log() { echo "static-deps: $*" >&2; }
die() { echo "static-deps: $*" >&2; exit 1; }

cache=${GSA_STATIC_CACHE:-/var/cache/gsa-static}
if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
	cache=${XDG_CACHE_HOME:-$HOME/.cache}/gsa-static
	mkdir -p "$cache"
fi
jobs=$(nproc 2>/dev/null || echo 2)
command -v musl-gcc >/dev/null || die "musl-gcc not found (scripts/deps.sh static installs musl-tools)"

# one builder at a time per cache (two `make static` in parallel share it)
exec 9>"$cache/.lock"
flock 9

# --- private apt configuration ------------------------------------------
apt_dir=$cache/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/parts" "$apt_dir/prefs" "$apt_dir/cache/archives/partial"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] || die "$keyring missing (package debian-archive-keyring)"
cat >"$apt_dir/sources.list.new" <<EOF
deb-src [signed-by=$keyring] http://deb.debian.org/debian bookworm main
deb-src [signed-by=$keyring] http://deb.debian.org/debian bookworm-updates main
deb-src [signed-by=$keyring] http://deb.debian.org/debian-security bookworm-security main
EOF
if cmp -s "$apt_dir/sources.list.new" "$apt_dir/sources.list"; then rm "$apt_dir/sources.list.new"
else mv "$apt_dir/sources.list.new" "$apt_dir/sources.list"; rm -f "$apt_dir/lists/"*_Sources* ; fi
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/parts"
	-o "Dir::Etc::PreferencesParts=$apt_dir/prefs" -o "Dir::Etc::Preferences=$apt_dir/prefs/none"
	-o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
	-o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache=" -q=2)
[ "$(id -u)" -eq 0 ] && apt_opts+=(-o "APT::Sandbox::User=root")

refresh=${GSA_STATIC_REFRESH:-auto}
have_index() { compgen -G "$apt_dir/lists/*_Sources*" >/dev/null; }
if [ "$refresh" = 1 ] || ! have_index ||
	{ [ "$refresh" != 0 ] && [ -n "$(find "$apt_dir/lists" -maxdepth 1 -name '*_Sources*' -mmin +1440 -print -quit)" ]; }; then
	log "updating the private Sources index"
	apt-get "${apt_opts[@]}" update >&2 || { have_index || die "apt-get update of the private source list failed"; log "update failed; using the index we have"; }
fi

# versions of source package $1, newest first
src_versions() {
	apt-cache "${apt_opts[@]}" showsrc --only-source "$1" 2>/dev/null |
		awk '/^Version: / { print $2 }' | sort -u | sort -r -V
}
# pick a version: the newest (dpkg order) whose files the mirror serves;
# the choice is remembered per index so later runs need no download
pick_version() { # pkg -> prints version
	local pkg=$1 memo="$apt_dir/picked-$1" v
	if [ -s "$memo" ] && [ "$memo" -nt "$apt_dir/lists" ]; then cat "$memo"; return; fi
	local vs=() i j t
	mapfile -t vs < <(src_versions "$pkg")
	[ ${#vs[@]} -gt 0 ] || die "source package $pkg not in the index"
	for ((i = 0; i < ${#vs[@]}; i++)); do for ((j = i + 1; j < ${#vs[@]}; j++)); do
		if dpkg --compare-versions "${vs[j]}" gt "${vs[i]}"; then t=${vs[i]}; vs[i]=${vs[j]}; vs[j]=$t; fi
	done; done
	local rc fallback=
	for v in "${vs[@]}"; do
		rc=0; fetch_source "$pkg" "$v" || rc=$?
		if [ $rc -eq 0 ]; then echo "$v" >"$memo"; echo "$v"; return; fi
		[ $rc -eq 2 ] && [ -z "$fallback" ] && fallback=$v
		log "$pkg $v: not fully served by the mirror, trying an older version"
	done
	if [ -n "$fallback" ]; then echo "$fallback" >"$memo"; echo "$fallback"; return; fi
	die "no version of $pkg could be downloaded"
}

# download the .dsc and files of pkg=ver into $cache/src/pkg_ver (once).
# Returns 0 with everything, 2 when only Debian's packaging tarball is
# missing from the mirror (the checksummed upstream tarball is there), 1 else.
fetch_source() { # pkg ver
	local d="$cache/src/$1_$2"
	[ -f "$d/.complete" ] && return 0
	[ -f "$d/.orig-only" ] && return 2
	rm -rf "$d"; mkdir -p "$d"
	if (cd "$d" && apt-get "${apt_opts[@]}" source --download-only --only-source "$1=$2" >"$d/.log" 2>&1); then
		touch "$d/.complete"; return 0
	fi
	local dsc f
	dsc=$(ls "$d"/*.dsc 2>/dev/null) || return 1
	for f in $(dsc_files "$dsc"); do
		case $f in *.debian.tar.*) continue ;; esac
		[ -f "$d/$f" ] || return 1
	done
	touch "$d/.orig-only"; return 2
}

# "sha256 name" for each file a .dsc lists
dsc_sums() { awk '/^Checksums-Sha256:/ { on = 1; next } /^[^ ]/ { on = 0 } on && NF == 3 { print $1, $3 }' "$1"; }
dsc_files() { dsc_sums "$1" | awk '{ print $2 }'; }

# unpack pkg=ver into a fresh build folder $3 with Debian's patches applied
# (dpkg-source checks every checksum of the .dsc); for an orig-only download
# the upstream tarball is checked against the .dsc and unpacked alone.
unpack_source() { # pkg ver dest
	local d="$cache/src/$1_$2" dsc
	dsc=$(ls "$d"/*.dsc)
	rm -rf "$3"
	if [ -f "$d/.complete" ]; then
		dpkg-source --require-strong-checksums -x "$dsc" "$3" >"$3.log" 2>&1 || { cat "$3.log" >&2; die "dpkg-source -x $dsc failed"; }
		rm -f "$3.log"; return
	fi
	(cd "$d" && dsc_sums "$dsc" | grep -v '\.debian\.tar\.' | sed 's/ /  /' | sha256sum --quiet -c -) >&2 ||
		die "$1 $2: upstream tarball does not match its .dsc checksum"
	local orig; orig=$(dsc_files "$dsc" | grep '\.orig\.tar\.' | grep -v '\.asc$' | head -n 1)
	mkdir -p "$3"
	tar -xf "$d/$orig" -C "$3" --strip-components=1
	log "$1 $2: Debian's packaging tarball is not on the mirror; built from the checksummed upstream tarball without Debian's patches"
}

# --- toolchain -------------------------------------------------------------
musl_ver=$(dpkg-query -W -f='${Version}' musl-dev 2>/dev/null || echo unknown)
gcc_ver=$(gcc -dumpfullversion 2>/dev/null || gcc -dumpversion)
arch=$(gcc -dumpmachine)
kdir=$cache/kernel-headers/include
mkdir -p "$kdir"
asm_dir=/usr/include/$arch/asm
[ -d "$asm_dir" ] || asm_dir=/usr/include/asm
for h in linux asm-generic; do ln -sfn "/usr/include/$h" "$kdir/$h"; done
ln -sfn "$asm_dir" "$kdir/asm"
[ -f /usr/include/linux/version.h ] || die "kernel headers missing (package linux-libc-dev)"

export CC=musl-gcc AR=ar RANLIB=ranlib
base_cflags="-O2 -g0 -pipe -fno-plt -ffile-prefix-map=$cache/build=."
export LC_ALL=C TZ=UTC

# --- recipes: each builds in $src and installs into $prefix ---------------
# $incs: -I flags of the packages it depends on; $libs: -L flags.

build_zlib() {
	CFLAGS="$base_cflags" ./configure --static --prefix="$prefix" >&2
	make -j"$jobs" libz.a >&2
	mkdir -p "$prefix/include" "$prefix/lib"
	cp zlib.h zconf.h "$prefix/include/"; cp libz.a "$prefix/lib/"
}
license_zlib=Zlib

build_bzip2() {
	make -j"$jobs" libbz2.a CC="$CC" AR="$AR" RANLIB="$RANLIB" CFLAGS="$base_cflags -D_FILE_OFFSET_BITS=64" >&2
	mkdir -p "$prefix/include" "$prefix/lib"
	cp bzlib.h "$prefix/include/"; cp libbz2.a "$prefix/lib/"
}
license_bzip2=bzip2-1.0.6

build_xz_utils() {
	touch_autotools
	CFLAGS="$base_cflags" ./configure --prefix="$prefix" --disable-shared --enable-static \
		--disable-xz --disable-xzdec --disable-lzmadec --disable-lzmainfo --disable-lzma-links \
		--disable-scripts --disable-doc --disable-nls --enable-threads=posix \
		--disable-dependency-tracking >&2
	make -j"$jobs" -C src/liblzma >&2
	make -C src/liblzma install >&2
	rm -rf "$prefix/lib/"*.la "$prefix/lib/pkgconfig"
}
license_xz_utils=LicenseRef-public-domain # liblzma 5.4 is in the public domain

build_libdeflate() {
	make -j"$jobs" libdeflate.a CC="$CC" AR="$AR" CFLAGS="$base_cflags" >&2
	mkdir -p "$prefix/include" "$prefix/lib"
	cp libdeflate.h "$prefix/include/"; cp libdeflate.a "$prefix/lib/"
}
license_libdeflate=MIT

build_openssl() {
	# no -static here: Configure would turn threads off
	./Configure linux-x86_64 --prefix="$prefix" --libdir=lib --openssldir=/etc/ssl \
		no-shared no-module no-dso no-engine no-afalgeng no-async no-comp no-tests \
		no-ssl3 no-dtls no-srp no-idea no-mdc2 no-rc5 no-whirlpool no-camellia no-aria \
		no-seed no-sm2 no-sm3 no-sm4 no-gost no-ct no-ocsp no-cms no-ts no-srtp no-legacy \
		threads $base_cflags -I"$kdir" >&2
	make -j"$jobs" build_libs >&2
	make install_dev >&2
	rm -rf "$prefix/lib/pkgconfig" "$prefix/lib/cmake"
}
license_openssl=Apache-2.0

build_curl() {
	touch_autotools
	CFLAGS="$base_cflags" CPPFLAGS="$incs -I$kdir" LDFLAGS="$libs" LIBS="-lpthread" \
		./configure --prefix="$prefix" --disable-shared --enable-static --disable-dependency-tracking \
		--with-openssl="$dep_openssl" --with-zlib="$dep_zlib" --enable-threaded-resolver \
		--enable-http --disable-ftp --disable-file --disable-ldap --disable-ldaps --disable-rtsp \
		--disable-proxy --disable-dict --disable-telnet --disable-tftp --disable-pop3 --disable-imap \
		--disable-smb --disable-smtp --disable-gopher --disable-mqtt --disable-manual \
		--disable-ntlm --disable-ntlm-wb --disable-kerberos-auth --disable-negotiate-auth \
		--disable-alt-svc --disable-hsts --disable-doh --disable-netrc --disable-unix-sockets \
		--disable-progress-meter --disable-versioned-symbols \
		--without-libpsl --without-brotli --without-zstd --without-nghttp2 --without-nghttp3 \
		--without-ngtcp2 --without-libidn2 --without-librtmp --without-libssh2 --without-libssh \
		--without-libgsasl --without-gssapi --without-ca-path \
		--with-ca-bundle=/etc/ssl/certs/ca-certificates.crt >&2
	make -j"$jobs" -C lib libcurl.la >&2
	mkdir -p "$prefix/include/curl" "$prefix/lib"
	cp include/curl/*.h "$prefix/include/curl/"
	cp lib/.libs/libcurl.a "$prefix/lib/"
}
license_curl=curl

build_htslib() {
	# htscodecs (its own Debian source package) goes in as htslib's bundled
	# copy, which Debian's repack removed; libhts.a then holds both.
	local hc=$cache/build/htscodecs
	unpack_source htscodecs "$ver_htscodecs" "$hc"
	mkdir -p htscodecs
	cp -R "$hc/htscodecs" htscodecs/htscodecs
	printf '#define HTSCODECS_VERSION_TEXT "%s"\n' "${ver_htscodecs%%-*}" >htscodecs/htscodecs/version.h
	rm -rf "$hc"
	cat >config.h <<'EOF'
/* written by scripts/static/deps.sh (no configure in Debian's repack) */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 600
#endif
#define HAVE_LIBBZ2 1
#define HAVE_LIBLZMA 1
#define HAVE_LZMA_H 1
#define HAVE_LIBDEFLATE 1
#define HAVE_DRAND48 1
#define HAVE_FSEEKO 1
#define HAVE_FDATASYNC 1
EOF
	cat >config.mk <<EOF
CC = $CC
CPPFLAGS = $incs
CFLAGS = $base_cflags -fvisibility=hidden
LDFLAGS = $libs
LIBS = -ldeflate -llzma -lbz2 -lz -lm -lpthread
NONCONFIGURE_OBJS =
EOF
	echo 'include $(HTSPREFIX)htscodecs_bundled.mk' >htscodecs.mk
	# version.h from the Debian version, as Debian's no_git_version does
	make -j"$jobs" libhts.a >&2
	mkdir -p "$prefix/include/htslib" "$prefix/lib"
	cp htslib/*.h "$prefix/include/htslib/"; cp libhts.a "$prefix/lib/"
}
license_htslib="MIT AND BSD-3-Clause"

# patched configure.ac/Makefile.am must not make `make` re-run autotools
touch_autotools() {
	find . \( -name aclocal.m4 -o -name configure -o -name Makefile.in -o -name config.h.in \) \
		-exec touch -d "@$SOURCE_DATE_EPOCH" {} +
}

# --- build one package (once per key) ----------------------------------
declare -A key_of dir_of
build_pkg() { # name srcpkg deps...
	local name=$1 srcpkg=$2; shift 2
	local ver; ver=$(pick_version "$srcpkg")
	local fn=build_${name//-/_} d
	incs= libs=
	local depkeys=
	for d in "$@"; do
		incs+=" -I${dir_of[$d]}/include"; libs+=" -L${dir_of[$d]}/lib"
		depkeys+=" ${key_of[$d]}"
		printf -v "dep_${d//-/_}" '%s' "${dir_of[$d]}"
	done
	incs="${incs# }"; libs="${libs# }"
	local recipe; recipe=$(declare -f "$fn" touch_autotools)
	[ "$name" = htslib ] && recipe+=" htscodecs=$ver_htscodecs"
	local h; h=$(printf '%s\n' "$recipe" "$base_cflags" "$musl_ver" "$gcc_ver" "$arch" "$depkeys" | sha256sum | cut -c1-12)
	local key="$name-$ver-$h"
	key=${key//[:~]/_}
	prefix=$cache/pkg/$key
	key_of[$name]=$key; dir_of[$name]=$prefix
	if [ -f "$prefix/.complete" ]; then log "$name $ver: cached ($key)"; return; fi
	log "$name $ver: building ($key)"
	local t0=$SECONDS src=$cache/build/$name
	rm -rf "$prefix" "$src"; mkdir -p "$cache/build"
	unpack_source "$srcpkg" "$ver" "$src"
	local lic_var=license_${name//-/_}
	(
		cd "$src"
		SOURCE_DATE_EPOCH=$(dpkg-parsechangelog -l debian/changelog -S Timestamp)
		export SOURCE_DATE_EPOCH
		"$fn"
	) >"$cache/build/$name.log" 2>&1 || { tail -n 40 "$cache/build/$name.log" >&2; die "$name $ver: build failed (log $cache/build/$name.log)"; }
	printf '%s\t%s\t%s\t%s\n' "$name" "$ver" "${!lic_var}" "$srcpkg" >"$prefix/.manifest"
	touch "$prefix/.complete"
	rm -rf "$src" "$cache/build/$name.log"
	log "$name $ver: built in $((SECONDS - t0)) s"
}

t_all=$SECONDS
ver_htscodecs=$(pick_version htscodecs)
build_pkg zlib zlib
build_pkg bzip2 bzip2
build_pkg xz-utils xz-utils
build_pkg libdeflate libdeflate
build_pkg openssl openssl
build_pkg curl curl openssl zlib
build_pkg htslib htslib zlib bzip2 xz-utils libdeflate

# --- the sysroot: every package's include/ and lib/ in one place ----------
all_keys=$(for n in zlib bzip2 xz-utils libdeflate openssl curl htslib; do echo "${key_of[$n]}"; done; echo "manifest v2")
root_key=$(printf '%s\n' "$all_keys" "$kdir" | sha256sum | cut -c1-16)
root=$cache/sysroot/$root_key
if [ ! -f "$root/.complete" ]; then
	rm -rf "$root"; mkdir -p "$root/include" "$root/lib"
	for n in zlib bzip2 xz-utils libdeflate openssl curl htslib; do
		cp -R "${dir_of[$n]}/include/." "$root/include/"
		cp -R "${dir_of[$n]}/lib/." "$root/lib/"
		cat "${dir_of[$n]}/.manifest" >>"$root/manifest.tsv"
	done
	note=
	[ -f "$cache/src/htscodecs_$ver_htscodecs/.orig-only" ] &&
		note="upstream tarball checked against the .dsc; Debian's packaging tarball was not on the mirror, so no Debian patches"
	printf 'htscodecs\t%s\tBSD-3-Clause\thtscodecs\t%s\n' "$ver_htscodecs" "$note" >>"$root/manifest.tsv"
	printf 'musl\t%s\tMIT\tmusl\n' "$musl_ver" >>"$root/manifest.tsv"
	for h in linux asm asm-generic; do ln -sfn "$(readlink "$kdir/$h")" "$root/include/$h"; done
	touch "$root/.complete"
fi
log "sysroot $root ($((SECONDS - t_all)) s)"
echo "$root"
