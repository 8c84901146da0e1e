#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fetch-tdx-firmware.sh OUT - the TDX firmware of a release: Debian's
# binary ovmf package at the version firmware/PINNED-TDX pins, its
# OVMF.fd published as OUT/OVMF-TDX.fd (docs/tdx.md section 10).
#
# The .deb comes through a private sources.list, lists and cache of this
# script's own (the system's apt configuration is neither read for
# sources nor changed), is fetched by apt's own fetcher with the pinned
# sha256 (a wrong file is refused), and OVMF.fd is checked against its
# pinned sha256 after extraction.  The result is cached under the
# firmware's own sha256: a second run needs no network.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:?usage: fetch-tdx-firmware.sh OUT}
. "$here/PINNED-TDX"
die() { printf 'fetch-tdx-firmware.sh: %s\n' "$*" >&2; exit 1; }
say() { printf '==> tdx-firmware: %s\n' "$*" >&2; }
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C

for t in apt-get dpkg-deb tar sha256sum; do
	command -v "$t" >/dev/null || die "$t is missing: run ./build.sh deps"
done
sha() { sha256sum <"$1" | cut -d' ' -f1; }

cache_root=${PODVM_CACHE:-$( [ "$(id -u)" -eq 0 ] && echo /var/cache/podvm || echo "${XDG_CACHE_HOME:-$HOME/.cache}/podvm")}/tdx-firmware
cache=$cache_root/$fd_sha256
if [ -f "$cache/OVMF-TDX.fd" ] && [ "$(sha "$cache/OVMF-TDX.fd")" = "$fd_sha256" ]; then
	say "cached ($cache)"
	mkdir -p "$out"
	cp "$cache/OVMF-TDX.fd" "$out/OVMF-TDX.fd"
	exit 0
fi

mkdir -p "$cache_root"
work=$(mktemp -d "$cache_root/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT
apt=$work/apt
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
	"$mirror" "$suite" >"$apt/sources.list"
aptopt=(-o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache"
	-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
	-o APT::Sandbox::User="$(id -un)" -o Acquire::Languages=none)
say "fetching $package $version ($mirror $suite)"
apt-get "${aptopt[@]}" -qq update >"$work/update.log" 2>&1 ||
	{ cat "$work/update.log" >&2; die "apt-get update of $mirror $suite failed: is the Debian archive reachable?"; }
# 'URI' NAME SIZE SHA256:H, the hash from the signed Packages index
apt-get "${aptopt[@]}" -qq download --print-uris "$package=$version" >"$work/uris" 2>"$work/dl.log" ||
	{ cat "$work/dl.log" >&2; die "apt-get download $package=$version failed: has Debian replaced the pinned version? (firmware/PINNED-TDX)"; }
read -r uri name _ idx < <(awk -v n="$deb" '$2 == n' "$work/uris") ||
	die "the $suite Packages index lists no $deb: has Debian replaced $package $version? (firmware/PINNED-TDX)"
[ "${idx#SHA256:}" = "$deb_sha256" ] ||
	die "$deb: the signed Packages index gives sha256 ${idx#SHA256:}, firmware/PINNED-TDX wants $deb_sha256"
uri=${uri#\'} uri=${uri%\'}
/usr/lib/apt/apt-helper "${aptopt[@]}" download-file "$uri" "$work/$name" "SHA256:$deb_sha256" >"$work/get.log" 2>&1 ||
	{ cat "$work/get.log" >&2; die "$uri: download failed"; }
[ "$(sha "$work/$name")" = "$deb_sha256" ] || die "$deb: sha256 $(sha "$work/$name"), firmware/PINNED-TDX wants $deb_sha256"
mkdir "$work/x"
dpkg-deb --fsys-tarfile "$work/$name" | tar -x -C "$work/x" "./$fd_path" ||
	die "$deb: no ./$fd_path in it"
got=$(sha "$work/x/$fd_path")
[ "$got" = "$fd_sha256" ] || die "$deb: $fd_path has sha256 $got, firmware/PINNED-TDX wants $fd_sha256"
mkdir -p "$work/new"
cp "$work/x/$fd_path" "$work/new/OVMF-TDX.fd"
chmod 0644 "$work/new/OVMF-TDX.fd"
cp "$work/$name" "$work/new/$name"
rm -rf "$cache"
mv "$work/new" "$cache"
say "$fd_path of $deb checked against firmware/PINNED-TDX, cached as $cache"
mkdir -p "$out"
cp "$cache/OVMF-TDX.fd" "$out/OVMF-TDX.fd"
