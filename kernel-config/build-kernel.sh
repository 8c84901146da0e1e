#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# build-kernel.sh ARCH OUT - build the guest kernel reproducibly, cached by
# the content hash of its inputs.
#
#   ARCH  x86_64 (bzImage); arm64 needs gcc-aarch64-linux-gnu (not yet wired)
#   OUT   folder that receives bzImage and kernel.config
#
# Inputs hashed into the cache key: the source tarball, every fragment, this
# script, PINNED, and the versions of gcc, binutils and make.  A second run
# with the same inputs copies from the cache and builds nothing.  The build
# runs in a fixed path with fixed KBUILD_BUILD_* values, so two builds on
# two machines give the same bytes.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
arch=${1:?usage: build-kernel.sh ARCH OUT}
out=${2:?usage: build-kernel.sh ARCH OUT}
. "$here/PINNED"
die() { printf 'build-kernel.sh: %s\n' "$*" >&2; exit 1; }
say() { printf '==> kernel: %s\n' "$*" >&2; }

case "$arch" in
x86_64) karch=x86; image=arch/x86/boot/bzImage; frags=(base.config x86_64-cvm.config); extra=(kernel/configs/kvm_guest.config) ;;
*) die "architecture '$arch' is not supported yet (x86_64 only)" ;;
esac

have=$(dpkg-query -W -f='${Version}' "$package" 2>/dev/null || true)
[ "$have" = "$version" ] || die "$package $version is pinned (kernel-config/PINNED) but ${have:-nothing} is installed; run ./build.sh deps, or update the pin on purpose"
[ -r "$tarball" ] || die "$tarball: missing (package $package)"

# The kernel's build time is pinned with its source (PINNED), never taken
# from the environment: the same kernel serves every image.
SOURCE_DATE_EPOCH=$source_date_epoch
key=$( {
	echo "arch=$arch sde=$SOURCE_DATE_EPOCH"
	sha256sum "$tarball" | cut -d' ' -f1
	for f in "${frags[@]}" PINNED build-kernel.sh; do sha256sum "$here/$f" | cut -d' ' -f1; done
	# sed, not head: head exits early, and the SIGPIPE it leaves behind
	# fails the pipeline under pipefail
	gcc --version | sed -n 1p; ld --version | sed -n 1p; make --version | sed -n 1p
} | sha256sum | cut -c1-32)
cache=${PODVM_CACHE:-$( [ "$(id -u)" -eq 0 ] && echo /var/cache/podvm || echo "${XDG_CACHE_HOME:-$HOME/.cache}/podvm")}/kernel/$arch-$key
if [ -f "$cache/bzImage" ]; then
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
	mk() { make -C "$src" ARCH="$karch" "$@"; }
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
	mk -s -j"$(nproc)" "${image##*/}" >"$src/build.log" 2>&1 || { tail -30 "$src/build.log" >&2; die "kernel build failed (log: $src/build.log)"; }
	tmp=$(mktemp -d "${cache%/*}/.tmp.XXXXXX" 2>/dev/null || { mkdir -p "${cache%/*}"; mktemp -d "${cache%/*}/.tmp.XXXXXX"; })
	cp "$src/$image" "$tmp/bzImage"
	cp "$src/.config" "$tmp/kernel.config"
	mv "$tmp" "$cache"
	say "cached as $cache"
fi
mkdir -p "$out"
cp "$cache/bzImage" "$out/bzImage"
cp "$cache/kernel.config" "$out/kernel.config"
