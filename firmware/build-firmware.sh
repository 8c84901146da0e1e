#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# build-firmware.sh OUT - build the SNP firmware (OVMF's AmdSev platform,
# with the SEV metadata and its SNP_KERNEL_HASHES section) from Debian's
# edk2 source package, reproducibly, cached by the content hash of its
# inputs.
#
#   OUT   folder that receives OVMF-SNP.fd
#
# The source is fetched with apt-get source through a deb-src entry of its
# own (a private sources.list, lists and cache: the system's apt
# configuration is neither read for sources nor changed), and each of the
# three files is checked against firmware/PINNED: firmware/edk2-source.sh,
# shared with the kvmtool firmware's build (build-kvmtool-firmware.sh).
# Inputs hashed into the cache key: those three sha256s, PINNED, this
# script, edk2-source.sh, and the versions of gcc, binutils, make, nasm,
# iasl and python3.  A second run with the same inputs copies from the
# cache and builds nothing.  The build runs in a
# fixed path (the CodeView entries of the PE images name it) with a fixed
# environment, so two builds give the same bytes (docs/firmware.md).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:?usage: build-firmware.sh OUT}
. "$here/PINNED"
. "$here/edk2-source.sh"
die() { printf 'build-firmware.sh: %s\n' "$*" >&2; exit 1; }
say() { printf '==> firmware: %s\n' "$*" >&2; }
# Debian's tools only (no python3 from pyenv, no compiler from /usr/local):
# they are the ones hashed into the cache key below
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

for t in gcc ld make nasm iasl python3 patch apt-get flock; do
	command -v "$t" >/dev/null || die "$t is missing: run ./build.sh deps"
done

key=$( {
	echo "package=$package version=$version dsc=$dsc_path type=$build_type tc=$toolchain sde=$source_date_epoch"
	echo "$dsc_sha256 $orig_sha256 $debian_sha256"
	for f in PINNED build-firmware.sh edk2-source.sh; do sha256sum "$here/$f" | cut -d' ' -f1; done
	edk2_version gcc --version; edk2_version ld --version; edk2_version make --version
	edk2_version nasm -v; edk2_version iasl -v; edk2_version python3 --version
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
edk2_fetch "$cache_root/src" "$work"

# ---- the build -------------------------------------------------------------
src=$work/edk2
edk2_extract "$cache_root/src" "$src" "$work/extract.log"
edk2_fixed_env

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
edk2_build "$src" "$work" "$jobs" -a X64 -t "$toolchain" -b "$build_type" -p "$dsc_path"
fd=$src/Build/AmdSev/${build_type}_$toolchain/FV/OVMF.fd
[ -f "$fd" ] || die "$fd: not produced"
tmp=$(mktemp -d "$cache_root/.tmp.XXXXXX")
cp "$fd" "$tmp/OVMF-SNP.fd"
chmod 0644 "$tmp/OVMF-SNP.fd"
mv "$tmp" "$cache"
say "cached as $cache ($(sha256sum <"$cache/OVMF-SNP.fd" | cut -d' ' -f1))"
mkdir -p "$out"
cp "$cache/OVMF-SNP.fd" "$out/OVMF-SNP.fd"
