#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# build-kernel.sh ARCH OUT - build the guest kernel reproducibly, cached by
# the content hash of its inputs.
#
#   ARCH  x86_64: bzImage from linux-source-6.1 (PINNED), installed by
#         ./build.sh deps;
#         arm64: Image (uncompressed) from the source pinned in PINNED-arm64,
#         fetched into the cache (not installed), cross-compiled with
#         gcc-aarch64-linux-gnu (docs/arm64.md §1, §2)
#   OUT   folder that receives bzImage (x86_64) or Image (arm64), and
#         kernel.config
#
# Inputs hashed into the cache key: the source tarball, every fragment, this
# script, the pin, and the versions of the compiler, binutils and make.  A
# second run with the same inputs copies from the cache and builds nothing.
# The build runs in a fixed path with fixed KBUILD_BUILD_* values, so two
# builds on two machines give the same bytes.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
arch=${1:?usage: build-kernel.sh ARCH OUT}
out=${2:?usage: build-kernel.sh ARCH OUT}
die() { printf 'build-kernel.sh: %s\n' "$*" >&2; exit 1; }
say() { if [ "$arch" = x86_64 ]; then printf '==> kernel: %s\n' "$*" >&2; else printf '==> kernel-%s: %s\n' "$arch" "$*" >&2; fi; }
cache_root=${PODVM_CACHE:-$( [ "$(id -u)" -eq 0 ] && echo /var/cache/podvm || echo "${XDG_CACHE_HOME:-$HOME/.cache}/podvm")}/kernel

case "$arch" in
x86_64)
	pin=PINNED karch=x86 image=arch/x86/boot/bzImage name=bzImage cross=
	frags=(base.config x86_64-cvm.config); extra=(kernel/configs/kvm_guest.config) ;;
arm64)
	# No kvm_guest.config: its options are x86's and s390's; what an arm64
	# guest needs is in the fragments (docs/arm64.md §2).
	pin=PINNED-arm64 karch=arm64 image=arch/arm64/boot/Image name=Image cross=aarch64-linux-gnu-
	frags=(base.config arm64-realm.config); extra=() ;;
*) die "architecture '$arch' is not supported (x86_64, arm64)" ;;
esac
. "$here/$pin"
if [ "$arch" = x86_64 ]; then
	have=$(dpkg-query -W -f='${Version}' "$package" 2>/dev/null || true)
	[ "$have" = "$version" ] || die "$package $version is pinned (kernel-config/PINNED) but ${have:-nothing} is installed; run ./build.sh deps, or update the pin on purpose"
	[ -r "$tarball" ] || die "$tarball: missing (package $package)"
else
	command -v "${cross}gcc" >/dev/null || die "${cross}gcc is missing: run ./build.sh deps (gcc-aarch64-linux-gnu)"
	# The source .deb, fetched once into the cache through an apt list of
	# the pin's own (the system's apt configuration is neither read nor
	# changed) and checked against the pin; the tarball inside it too.
	src_cache=$cache_root/src
	tarball_cached=$src_cache/$package-$version.tar.xz
	if ! { [ -f "$tarball_cached" ] && [ "$(sha256sum <"$tarball_cached" | cut -d' ' -f1)" = "$tarball_sha256" ]; }; then
		apt=$(mktemp -d /var/tmp/podvm-kernel-apt.XXXXXX)
		trap 'rm -rf "$apt"' EXIT
		mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$src_cache"
		printf 'deb [arch=%s signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
			"$(dpkg --print-architecture)" "$mirror" "$suite" >"$apt/sources.list"
		aptopt=(-o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
			-o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" -o Dir::State::status=/dev/null
			-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
			-o APT::Sandbox::User="$(id -un)" -o Acquire::Languages=none)
		say "fetching $package $version ($mirror $suite)"
		apt-get "${aptopt[@]}" -qq update >"$apt/log" 2>&1 ||
			{ cat "$apt/log" >&2; die "apt-get update of $mirror $suite failed: is the Debian archive reachable?"; }
		# 'URI' FILE SIZE SHA256:H, from the signed Packages index
		(cd "$apt" && apt-get "${aptopt[@]}" -qq download --print-uris "$package=$version") >"$apt/uris" 2>"$apt/log" ||
			{ cat "$apt/log" >&2; die "$package=$version: not in $suite: has Debian replaced the pinned version? (kernel-config/$pin)"; }
		read -r uri _ _ idx <"$apt/uris" || die "$package=$version: apt named no file"
		[ "${idx#SHA256:}" = "$deb_sha256" ] ||
			die "$package $version: the signed Packages index gives sha256 ${idx#SHA256:}, kernel-config/$pin wants $deb_sha256"
		uri=${uri#\'} uri=${uri%\'}
		/usr/lib/apt/apt-helper "${aptopt[@]}" download-file "$uri" "$apt/src.deb" "SHA256:$deb_sha256" >"$apt/log" 2>&1 ||
			{ cat "$apt/log" >&2; die "$uri: download failed"; }
		[ "$(sha256sum <"$apt/src.deb" | cut -d' ' -f1)" = "$deb_sha256" ] || die "$uri: sha256 differs from kernel-config/$pin"
		dpkg-deb --fsys-tarfile "$apt/src.deb" | tar -xO ".$tarball" >"$apt/src.tar.xz" ||
			die "$package $version: no $tarball in the .deb"
		got=$(sha256sum <"$apt/src.tar.xz" | cut -d' ' -f1)
		[ "$got" = "$tarball_sha256" ] || die "$tarball in $package $version: sha256 $got, kernel-config/$pin wants $tarball_sha256"
		mv "$apt/src.tar.xz" "$tarball_cached"
		rm -rf "$apt"; trap - EXIT
	fi
	tarball=$tarball_cached
	say "source $package $version checked against kernel-config/$pin"
fi

# The kernel's build time is pinned with its source (PINNED), never taken
# from the environment: the same kernel serves every image.
SOURCE_DATE_EPOCH=$source_date_epoch
key=$( {
	echo "arch=$arch sde=$SOURCE_DATE_EPOCH"
	sha256sum "$tarball" | cut -d' ' -f1
	for f in "${frags[@]}" "$pin" build-kernel.sh; do sha256sum "$here/$f" | cut -d' ' -f1; done
	# sed, not head: head exits early, and the SIGPIPE it leaves behind
	# fails the pipeline under pipefail
	"${cross}gcc" --version | sed -n 1p; "${cross}ld" --version | sed -n 1p; make --version | sed -n 1p
} | sha256sum | cut -c1-32)
cache=$cache_root/$arch-$key
if [ -f "$cache/$name" ]; then
	say "cached ($cache)"
else
	# A fixed build path keeps __FILE__ strings and the like stable.
	src=/var/tmp/podvm-kernel-$arch
	rm -rf "$src"; mkdir -p "$src"
	say "extracting $(basename "$tarball")"
	tar -xf "$tarball" -C "$src" --strip-components=1
	export KBUILD_BUILD_TIMESTAMP="$(date -u -d "@$SOURCE_DATE_EPOCH" '+%Y-%m-%d %H:%M:%S UTC')"
	export KBUILD_BUILD_USER=podvm KBUILD_BUILD_HOST=podvm KBUILD_BUILD_VERSION=1
	export SOURCE_DATE_EPOCH LC_ALL=C TZ=UTC
	mk() { make -C "$src" ARCH="$karch" ${cross:+CROSS_COMPILE="$cross"} "$@"; }
	# tinyconfig's own fragments are merged quietly; ours are checked below.
	mk -s tinyconfig >/dev/null
	( cd "$src" && ./scripts/kconfig/merge_config.sh -m .config "${extra[@]}" \
		$(printf "$here/%s " "${frags[@]}") >/dev/null )
	mk -s olddefconfig
	# Every option the fragments ask for must have survived.
	missing=$(cat "${frags[@]/#/$here/}" | sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=\(.*\)$/\1=\2/p' |
		while IFS= read -r line; do
			opt=${line%%=*} val=${line#*=}
			if [ "$val" = n ]; then
				grep -qx "$opt=y" "$src/.config" && echo "$opt (wanted off)"
			else
				grep -qxF "$line" "$src/.config" || echo "$line"
			fi
		done || true)
	[ -z "$missing" ] || die "options dropped by olddefconfig: $(echo $missing)"
	say "building $image with $(nproc) jobs (about 15 minutes on 2 cores)"
	mk -s -j"$(nproc)" "$name" >"$src/build.log" 2>&1 || { tail -30 "$src/build.log" >&2; die "kernel build failed (log: $src/build.log)"; }
	tmp=$(mktemp -d "${cache%/*}/.tmp.XXXXXX" 2>/dev/null || { mkdir -p "${cache%/*}"; mktemp -d "${cache%/*}/.tmp.XXXXXX"; })
	cp "$src/$image" "$tmp/$name"
	cp "$src/.config" "$tmp/kernel.config"
	mv "$tmp" "$cache"
	say "cached as $cache"
fi
mkdir -p "$out"
cp "$cache/$name" "$out/$name"
cp "$cache/kernel.config" "$out/kernel.config"
