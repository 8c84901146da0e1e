#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# build-firmware.sh OUT - build the SNP firmware (OVMF's AmdSev platform,
# with the SEV metadata and its SNP_KERNEL_HASHES section) from Debian's
# edk2 source package, reproducibly, cached by the content hash of its
# inputs.
#
#   OUT   folder that receives OVMF-SNP.fd
#
# The source is fetched with apt-get source through a deb-src entry of this
# script's own (a private sources.list, lists and cache: the system's apt
# configuration is neither read for sources nor changed), and each of the
# three files is checked against firmware/PINNED.  Inputs hashed into the
# cache key: those three sha256s, PINNED, this script, and the versions of
# gcc, binutils, make, nasm, iasl and python3.  A second run with the same
# inputs copies from the cache and builds nothing.  The build runs in a
# fixed path (the CodeView entries of the PE images name it) with a fixed
# environment, so two builds give the same bytes (docs/firmware.md).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:?usage: build-firmware.sh OUT}
. "$here/PINNED"
die() { printf 'build-firmware.sh: %s\n' "$*" >&2; exit 1; }
say() { printf '==> firmware: %s\n' "$*" >&2; }
# Debian's tools only (no python3 from pyenv, no compiler from /usr/local):
# they are the ones hashed into the cache key below
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

for t in gcc ld make nasm iasl python3 patch apt-get flock; do
	command -v "$t" >/dev/null || die "$t is missing: run ./build.sh deps"
done

# version TOOL...: the first line of TOOL's version banner with a version
# number in it (no pipe: an early exit's SIGPIPE would fail under pipefail).
version() { local v; v=$("$@" 2>&1 || true); grep -m1 -E '[0-9]\.[0-9]' <<<"$v"; }
key=$( {
	echo "package=$package version=$version dsc=$dsc_path type=$build_type tc=$toolchain sde=$source_date_epoch"
	echo "$dsc_sha256 $orig_sha256 $debian_sha256"
	for f in PINNED build-firmware.sh; do sha256sum "$here/$f" | cut -d' ' -f1; done
	version gcc --version; version ld --version; version make --version
	version nasm -v; version iasl -v; version python3 --version
} | sha256sum | cut -c1-32)
cache_root=${PODVM_CACHE:-$( [ "$(id -u)" -eq 0 ] && echo /var/cache/podvm || echo "${XDG_CACHE_HOME:-$HOME/.cache}/podvm")}/firmware
cache=$cache_root/$key
if [ -f "$cache/OVMF-SNP.fd" ]; then
	say "cached ($cache)"
	mkdir -p "$out"
	cp "$cache/OVMF-SNP.fd" "$out/OVMF-SNP.fd"
	exit 0
fi

# One build at a time per machine: the build path is fixed.
work=/var/tmp/podvm-firmware
mkdir -p "$work"
exec 9>"$work.lock"
flock 9

# ---- the source: Debian's edk2, checked against PINNED -------------------
# The downloaded files are kept in the cache (src/), so a rebuild (a new
# compiler, a new script) needs no network while the pin stands.
src_cache=$cache_root/src
mkdir -p "$src_cache"
check() { # FILE SHA256
	[ -f "$src_cache/$1" ] && [ "$(sha256sum <"$src_cache/$1" | cut -d' ' -f1)" = "$2" ]
}
if ! check "$orig" "$orig_sha256" || ! check "$debian" "$debian_sha256"; then
	apt=$work/apt
	rm -rf "$apt"
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/dl"
	printf 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
		"$mirror" "$suite" >"$apt/sources.list"
	aptopt=(-o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache"
		-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
		-o APT::Sandbox::User="$(id -un)" -o Acquire::Languages=none)
	say "fetching $package $version (deb-src $mirror $suite)"
	apt-get "${aptopt[@]}" -qq update >"$apt/update.log" 2>&1 ||
		{ cat "$apt/update.log" >&2; die "apt-get update of $mirror $suite (deb-src) failed: is the Debian archive reachable?"; }
	# apt-get source --print-uris: each file of the version with the
	# sha256 the signed Sources index gives it ('URI' NAME SIZE SHA256:H).
	(cd "$apt/dl" && apt-get "${aptopt[@]}" -qq source --print-uris "$package=$version") >"$apt/uris" 2>"$apt/source.log" ||
		{ cat "$apt/source.log" >&2; die "apt-get source $package=$version failed: has Debian replaced the pinned version? (firmware/PINNED)"; }
	for f in "$dsc:$dsc_sha256" "$orig:$orig_sha256" "$debian:$debian_sha256"; do
		name=${f%%:*} want=${f#*:}
		read -r uri _ _ idx < <(awk -v n="$name" '$2 == n' "$apt/uris") ||
			die "the $suite Sources index lists no $name: has Debian replaced $package $version? (firmware/PINNED)"
		[ "${idx#SHA256:}" = "$want" ] ||
			die "$name: the signed Sources index gives sha256 ${idx#SHA256:}, firmware/PINNED wants $want"
		uri=${uri#\'} uri=${uri%\'}
		# apt's own fetcher, with the pinned hash: a wrong file is refused
		if ! /usr/lib/apt/apt-helper "${aptopt[@]}" download-file "$uri" "$apt/dl/$name" "SHA256:$want" >"$apt/get.log" 2>&1; then
			# Only the .dsc may be missing (some mirrors do not serve it):
			# all it would add are the hashes of the two tarballs, which the
			# signed Sources index and PINNED give already.
			[ "$name" = "$dsc" ] || { cat "$apt/get.log" >&2; die "$uri: download failed"; }
			say "$name: not served by $mirror ($(grep -o '[0-9][0-9][0-9]  *[A-Z][A-Za-z ]*[a-z]' "$apt/get.log" | sed -n 1p | tr -s ' ')); the tarballs are checked against the signed Sources index and PINNED"
			continue
		fi
		got=$(sha256sum <"$apt/dl/$name" | cut -d' ' -f1)
		[ "$got" = "$want" ] || die "$name: sha256 $got, firmware/PINNED wants $want"
		cp "$apt/dl/$name" "$src_cache/.$name.tmp"
		mv "$src_cache/.$name.tmp" "$src_cache/$name"
	done
	rm -rf "$apt"
fi
check "$orig" "$orig_sha256" && check "$debian" "$debian_sha256" || die "source files missing from $src_cache"
say "source $orig and $debian checked against firmware/PINNED"

# ---- the build -------------------------------------------------------------
src=$work/edk2
rm -rf "$src"
mkdir -p "$src"
# What dpkg-source -x does for a 3.0 (quilt) package, without needing the
# .dsc: the upstream tree, debian/ over it, then Debian's patches in the
# order of debian/patches/series, none allowed to fail.
tar -xf "$src_cache/$orig" -C "$src" --strip-components=1
tar -xf "$src_cache/$debian" -C "$src"
while read -r p _; do
	case "$p" in '' | '#'*) continue ;; esac
	patch -d "$src" -p1 -N -s -f --no-backup-if-mismatch <"$src/debian/patches/$p" >>"$work/extract.log" 2>&1 ||
		{ cat "$work/extract.log" >&2; die "debian/patches/$p does not apply"; }
done <"$src/debian/patches/series"

# A fixed environment: the locale, the zone, the umask, Python's hash seed
# (set iteration order in BaseTools), the build date, and none of the
# caller's edk2 variables.
unset WORKSPACE EDK_TOOLS_PATH CONF_PATH PACKAGES_PATH EFI_SOURCE EDK_SOURCE ECP_SOURCE
export LC_ALL=C TZ=UTC PYTHONHASHSEED=0 SOURCE_DATE_EPOCH=$source_date_epoch PYTHON_COMMAND=python3
umask 022

# AmdSevX64.dsc's PREBUILD (OvmfPkg/AmdSev/Grub/grub.sh) builds a grub.efi
# for the FV unless one newer than grub.sh and grub.cfg is present.
# Debian's edk2 package does not build the AmdSev platform at all (its
# debian/rules has no AmdSev target), so there is no Debian way to follow:
# podvm does what Kata's and Contrast's OVMF builds do, an empty grub.efi
# (fixed mtimes, so the PREBUILD test does not depend on the clock).  The
# firmware boots only through QEMU's direct kernel boot; the grub boot
# option fails (docs/firmware.md).
grub=$src/OvmfPkg/AmdSev/Grub
: >"$grub/grub.efi"
touch -d @0 "$grub/grub.sh" "$grub/grub.cfg"
touch -d "@$source_date_epoch" "$grub/grub.efi"

jobs=$(nproc)
say "building $dsc_path ($build_type, $toolchain) with $jobs jobs (about 7 minutes on 2 cores)"
(
	cd "$src"
	# edksetup.sh reads unset variables, and its arguments: none
	set --
	set +u
	. ./edksetup.sh >/dev/null
	set -u
	make -C BaseTools -j"$jobs" >"$work/basetools.log" 2>&1 ||
		{ tail -30 "$work/basetools.log" >&2; exit 1; }
	# again, as debian/rules does: now BaseTools' binaries exist, it
	# puts them (build, GenFw, ...) on PATH
	set +u
	. ./edksetup.sh >/dev/null
	set -u
	build -a X64 -t "$toolchain" -b "$build_type" -p "$dsc_path" -n "$jobs" \
		--quiet >"$work/build.log" 2>&1 ||
		{ tail -40 "$work/build.log" >&2; exit 1; }
) || die "edk2 build failed (logs: $work/basetools.log, $work/build.log)"
fd=$src/Build/AmdSev/${build_type}_$toolchain/FV/OVMF.fd
[ -f "$fd" ] || die "$fd: not produced"
tmp=$(mktemp -d "$cache_root/.tmp.XXXXXX")
cp "$fd" "$tmp/OVMF-SNP.fd"
chmod 0644 "$tmp/OVMF-SNP.fd"
mv "$tmp" "$cache"
say "cached as $cache ($(sha256sum <"$cache/OVMF-SNP.fd" | cut -d' ' -f1))"
mkdir -p "$out"
cp "$cache/OVMF-SNP.fd" "$out/OVMF-SNP.fd"
