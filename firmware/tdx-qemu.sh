#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tdx-qemu.sh - the QEMU of the TDX ACPI dump (docs/tdx.md section 11):
# prints the folder that holds the .debs firmware/PINNED-TDX-QEMU pins,
# unpacked side by side (dpkg-deb -x, nothing installed, no maintainer
# script run), preparing it first when it is not cached.
#
# QEMU runs from it with the folder's own loader and libraries:
#   DIR/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
#     --library-path DIR/usr/lib/x86_64-linux-gnu DIR/usr/bin/qemu-system-x86_64
#     -L DIR/usr/share/qemu -L DIR/usr/share/seabios
# with QEMU_MODULE_DIR=DIR/usr/lib/x86_64-linux-gnu/qemu (the qtest
# accelerator is a module).  The folder is cached under the sha256 of the
# pin file: a changed pin is a new folder, a second run needs no network.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pin=${PODVM_TDX_QEMU_PINNED:-$here/PINNED-TDX-QEMU}
die() { printf 'tdx-qemu.sh: %s\n' "$*" >&2; exit 1; }
say() { printf '==> tdx-qemu: %s\n' "$*" >&2; }
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C

for t in dpkg-deb sha256sum /usr/lib/apt/apt-helper; do
	command -v "$t" >/dev/null || die "$t is missing: run ./build.sh deps"
done
[ -f "$pin" ] || die "$pin: no such file"
sha() { sha256sum <"$1" | cut -d' ' -f1; }
# pin FIELD: a NAME=VALUE line of the pin file
field() { sed -n "s/^$1=//p" "$pin" | sed -n 1p; }
version=$(field qemu_version)
mirror=${PODVM_TDX_QEMU_MIRROR:-$(field mirror)}
[ -n "$version" ] || die "$pin: no qemu_version= line"
[ -n "$mirror" ] || die "$pin: no mirror= line"
mirror=${mirror%/}
awk '$1 == "deb" && $2 == "qemu-system-x86" { f = 1 } END { exit !f }' "$pin" ||
	die "$pin: no deb line for qemu-system-x86"
awk -v v="$version" '$1 == "deb" && $2 == "qemu-system-x86" && $3 != v { exit 1 }' "$pin" ||
	die "$pin: the qemu-system-x86 line is not at qemu_version $version"

cache_root=${PODVM_CACHE:-$( [ "$(id -u)" -eq 0 ] && echo /var/cache/podvm || echo "${XDG_CACHE_HOME:-$HOME/.cache}/podvm")}/tdx-qemu
cache=$cache_root/$(sha "$pin")
if [ -f "$cache/.pinned" ] && cmp -s "$cache/.pinned" "$pin"; then
	printf '%s\n' "$cache"
	exit 0
fi

mkdir -p "$cache_root"
work=$(mktemp -d "$cache_root/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/root"
n=0
while read -r kind name ver arch hash path rest; do
	case "$kind" in '' | '#'* | *=*) continue ;; deb) ;; *) die "$pin: unknown line kind '$kind'" ;; esac
	[ -n "$path" ] && [ -z "$rest" ] || die "$pin: deb $name: expected deb NAME VERSION ARCH SHA256 PATH"
	case "$hash" in *[!0-9a-f]*) die "$pin: deb $name: '$hash' is no sha256" ;; esac
	[ ${#hash} -eq 64 ] || die "$pin: deb $name: '$hash' is no sha256"
	deb=$work/${path##*/}
	/usr/lib/apt/apt-helper -o APT::Sandbox::User="$(id -un)" download-file \
		"$mirror/$path" "$deb" "SHA256:$hash" >"$work/get.log" 2>&1 ||
		{ cat "$work/get.log" >&2; die "$name $ver: cannot download $mirror/$path (has Debian replaced it? firmware/PINNED-TDX-QEMU, PODVM_TDX_QEMU_MIRROR)"; }
	[ "$(sha "$deb")" = "$hash" ] || die "$name $ver: $mirror/$path has sha256 $(sha "$deb"), the pin says $hash"
	[ "$(dpkg-deb -f "$deb" Package Version Architecture | tr '\n' ' ')" = "Package: $name Version: $ver Architecture: $arch " ] ||
		die "$name $ver: $path holds $(dpkg-deb -f "$deb" Package Version | tr '\n' ' ')"
	dpkg-deb -x "$deb" "$work/root"
	rm -f "$deb"
	n=$((n + 1))
done <"$pin"
root=$work/root
lib=$root/usr/lib/x86_64-linux-gnu
got=$(QEMU_MODULE_DIR=$lib/qemu "$lib/ld-linux-x86-64.so.2" --library-path "$lib" \
	"$root/usr/bin/qemu-system-x86_64" --version 2>&1 | sed -n 1p) ||
	die "the pinned QEMU does not run here: $got"
case "$got" in
*"(Debian $version)") ;;
*) die "the pinned QEMU says '$got', the pin wants $version" ;;
esac
cp "$pin" "$root/.pinned"
rm -rf "$cache"
mv "$root" "$cache"
say "$n .debs of $pin unpacked, $got ($cache)"
printf '%s\n' "$cache"
