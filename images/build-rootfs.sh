#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# build-rootfs.sh IMAGE_DIR OUT - the rootfs of a pod-VM image as a
# reproducible tarball (mmdebstrap) and an erofs image.
#
#   IMAGE_DIR  images/<name>: image.conf, packages, overlay/
#   OUT        receives rootfs.tar, rootfs.erofs, packages.manifest
#
# PODVM_ARCH=arm64 builds the image's arm64 variant (arch-arm64.conf,
# lock-arm64: images/image-conf.sh); a foreign architecture's maintainer
# scripts run under qemu-user-static through binfmt_misc (docs/arm64.md §3).
#
# The tarball is cached by the content hash of the image definition, its
# lock and this script, so a second build neither downloads nor unpacks
# anything.
#
# IMAGE_DIR/lock names every package of the rootfs with its version and its
# .deb's sha256 (images/lock.sh, docs/supply-chain.md).  Every .deb is
# downloaded and checked against the lock before mmdebstrap starts, and
# handed to it in /var/cache/apt/archives; what mmdebstrap resolves is
# checked against the lock before it is installed (the essential set in the
# extract hook, the rest in the essential hook from apt's plan) and once
# more when installed.  The Debian archive moves on: when it no longer
# resolves the locked versions the build stops naming the package and both
# versions; PODVM_APT_MIRROR (e.g. a snapshot.debian.org URL of the lock's
# day) points the build at another mirror.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
img=$(cd "${1:?usage: build-rootfs.sh IMAGE_DIR OUT}" && pwd)
out=${2:?usage: build-rootfs.sh IMAGE_DIR OUT}
die() { printf 'build-rootfs.sh: %s\n' "$*" >&2; exit 1; }
say() { printf '==> rootfs: %s\n' "$*" >&2; }
. "$here/image-conf.sh"
image_conf "$img" || exit 1
export SOURCE_DATE_EPOCH LC_ALL=C TZ=UTC
umask 022

pkgs=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$img/packages" | tr -s ' \n' ',' | sed 's/,$//')
[ -n "$pkgs" ] || die "$img/packages: no packages listed"

lock=$IMAGE_LOCK
[ -f "$lock" ] || die "$lock: missing (./build.sh lock writes it)"
mirror=${PODVM_APT_MIRROR:-$MIRROR}
key=$( {
	cat $IMAGE_CONFS "$img/packages" "$here/build-rootfs.sh"
	# a changed lock entry of the rootfs builds a new rootfs (a tool or
	# firmware line of the lock does not reach it)
	awk '$1 == "rootfs"' "$lock"
	(cd "$img" && find overlay -print0 | LC_ALL=C sort -z |
		xargs -0 stat -c '%n %a %F %s' && find overlay -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum &&
		find overlay -type l -print0 | LC_ALL=C sort -z | xargs -0 -r readlink)
} | sha256sum | cut -c1-32)
cache=${PODVM_CACHE:-$( [ "$(id -u)" -eq 0 ] && echo /var/cache/podvm || echo "${XDG_CACHE_HOME:-$HOME/.cache}/podvm")}/rootfs/$IMAGE_ID-$key
mkdir -p "$out"
if [ -f "$cache/rootfs.tar" ]; then
	say "cached ($cache)"
else
	command -v mmdebstrap >/dev/null || die "mmdebstrap is missing (./build.sh deps)"
	image_can_run "$DEBIAN_ARCH" || die "cannot bootstrap a $DEBIAN_ARCH rootfs on this machine"
	mkdir -p "${cache%/*}"
	tmp=$(mktemp -d "${cache%/*}/.tmp.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	mode=root
	[ "$(id -u)" -eq 0 ] || mode=unshare
	# The locked .debs, checked, in a folder of their own (hard links
	# into the machine's cache of .debs: downloads checked against the
	# lock, so shared by every cache of rootfs tarballs)
	debs=${PODVM_DEB_CACHE:-$( [ "$(id -u)" -eq 0 ] && echo /var/cache/podvm || echo "${XDG_CACHE_HOME:-$HOME/.cache}/podvm")/debs}
	"$here/lock.sh" fetch "$lock" "$mirror" "$debs" ||
		die "the locked rootfs packages could not be fetched from $mirror, or differ from $lock (the 'lock:' line above says which)"
	mkdir -p "$tmp/debs"
	"$here/lock.sh" list-debs "$lock" | while read -r f; do
		ln "$debs/$f" "$tmp/debs/$f" 2>/dev/null || cp "$debs/$f" "$tmp/debs/$f"
	done
	say "mmdebstrap $SUITE ($DEBIAN_ARCH, minbase + $pkgs) from $mirror"
	mmdebstrap --quiet --variant=minbase --mode="$mode" --format=tar \
		--architectures="$DEBIAN_ARCH" --include="$pkgs" \
		--setup-hook='mkdir -p "$1/var/cache/apt/archives"' \
		--setup-hook="sync-in $tmp/debs /var/cache/apt/archives/" \
		--extract-hook="$here/lock.sh check-debs $lock \"\$1/var/cache/apt/archives\"" \
		--essential-hook='APT_CONFIG="$MMDEBSTRAP_APT_CONFIG" apt-get -s install '"${pkgs//,/ }"' >'"$tmp/plan"' && '"$here/lock.sh check-plan $lock <$tmp/plan" \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-include=/usr/share/doc/*/copyright' \
		--customize-hook="sync-in $img/overlay /" \
		--customize-hook='chroot "$1" dpkg-query -W -f="\${Package} \${Version} \${Architecture}\n" >'"$tmp/packages.manifest" \
		--customize-hook="$here/lock.sh check-installed $lock $tmp/packages.manifest" \
		--customize-hook='rm -f "$1/etc/machine-id" && : > "$1/etc/machine-id"' \
		--customize-hook='rm -rf "$1"/var/cache/apt/*.bin "$1"/var/lib/apt/lists/* "$1"/var/log/*.log "$1"/var/log/apt/*' \
		"$SUITE" "$tmp/rootfs.tar" "$mirror" ||
		die "mmdebstrap failed: is the Debian archive ($mirror) reachable, and do the packages in $img/packages exist? (a 'lock:' line above names a package that differs from $lock)"
	rm -rf "$tmp/debs" "$tmp/plan"
	mv "$tmp" "$cache"
	trap - EXIT
	say "cached as $cache"
fi
cp "$cache/rootfs.tar" "$out/rootfs.tar.tmp" && mv "$out/rootfs.tar.tmp" "$out/rootfs.tar"
cp "$cache/packages.manifest" "$out/packages.manifest"

# erofs (lz4hc) from the unpacked tree: one timestamp, all files root-owned,
# no xattrs, a UUID derived from the image name and version.  mkfs.erofs sorts
# the tree itself, so readdir order does not matter.
uuid=$(printf 'podvm-erofs-uuid:%s:%s' "$IMAGE_ID" "$IMAGE_VERSION" | sha256sum |
	sed -E 's/^(.{8})(.{4}).(.{3}).(.{3})(.{12}).*/\1-\2-4\3-8\4-\5/')
tree=$(mktemp -d "${out%/}/.tree.XXXXXX")
trap 'rm -rf "$tree"' EXIT
tar -xpf "$out/rootfs.tar" -C "$tree" --numeric-owner
# SOURCE_DATE_EPOCH is kept from mkfs.erofs: erofs-utils 1.5 then writes
# extended inodes carrying each file's own mtime, and the image depends on
# the tree's mtimes (seen: a rootfs tarball made under faketime gave another
# root hash).  With -T alone every inode is compact and has time T.
say "mkfs.erofs (uuid $uuid, time $SOURCE_DATE_EPOCH)"
env -u SOURCE_DATE_EPOCH mkfs.erofs --quiet -zlz4hc -T"$SOURCE_DATE_EPOCH" -U"$uuid" --all-root -x-1 "$out/rootfs.erofs.tmp" "$tree" >/dev/null ||
	die "mkfs.erofs failed"
mv "$out/rootfs.erofs.tmp" "$out/rootfs.erofs"
say "rootfs.erofs: $(stat -c %s "$out/rootfs.erofs") bytes"
