#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# build-kvmtool-firmware.sh OUT - build the kvmtool guest firmware of the
# arm64 image (EDK2's ArmVirtKvmTool platform, KVMTOOL_EFI.fd) from the
# Debian edk2 source package that firmware/PINNED pins, reproducibly,
# cached by the content hash of its inputs.
#
#   OUT   folder that receives KVMTOOL_EFI.fd
#
# The source is the SNP firmware's (firmware/edk2-source.sh fetches it once
# into $PODVM_CACHE/firmware/src and checks it against PINNED); the platform
# and how it is built are in PINNED-KVMTOOL.  Inputs hashed into the cache
# key: PINNED's version and sha256s, PINNED, PINNED-KVMTOOL, this script,
# edk2-source.sh, and the versions of the cross gcc and ld, the host gcc
# (BaseTools), make, iasl and python3.  A second run with the same inputs
# copies from the cache and builds nothing.  The build runs in its own
# fixed path (/var/tmp/podvm-firmware-kvmtool, flock: it can run beside the
# SNP firmware's) with a fixed environment, so two builds give the same
# bytes (docs/firmware.md §7).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:?usage: build-kvmtool-firmware.sh OUT}
. "$here/PINNED"
. "$here/PINNED-KVMTOOL"
. "$here/edk2-source.sh"
die() { printf 'build-kvmtool-firmware.sh: %s\n' "$*" >&2; exit 1; }
say() { printf '==> kvmtool-firmware: %s\n' "$*" >&2; }
# Debian's tools only: they are the ones hashed into the cache key below
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
cc=${kvmtool_cross_prefix}gcc
for t in "$cc" "${kvmtool_cross_prefix}ld" gcc make iasl python3 patch apt-get flock; do
	command -v "$t" >/dev/null || die "$t is missing: run ./build.sh deps"
done

key=$( {
	echo "package=$package version=$version dsc=$kvmtool_dsc_path arch=$kvmtool_arch type=$kvmtool_build_type tc=$kvmtool_toolchain prefix=$kvmtool_cross_prefix sde=$source_date_epoch"
	echo "$dsc_sha256 $orig_sha256 $debian_sha256"
	for f in PINNED PINNED-KVMTOOL build-kvmtool-firmware.sh edk2-source.sh; do sha256sum "$here/$f" | cut -d' ' -f1; done
	edk2_version "$cc" --version; edk2_version "${kvmtool_cross_prefix}ld" --version
	edk2_version gcc --version; edk2_version make --version
	edk2_version iasl -v; edk2_version python3 --version
} | sha256sum | cut -c1-32)
cache_root=${PODVM_CACHE:-$( [ "$(id -u)" -eq 0 ] && echo /var/cache/podvm || echo "${XDG_CACHE_HOME:-$HOME/.cache}/podvm")}
cache=$cache_root/firmware-kvmtool/$key
copy_out() {
	mkdir -p "$out"
	cp "$cache/KVMTOOL_EFI.fd" "$out/KVMTOOL_EFI.fd"
}
# from_cache: the cached firmware into OUT, and done, when there is one.
from_cache() {
	[ -f "$cache/KVMTOOL_EFI.fd" ] || return 0
	say "cached ($cache)"
	copy_out
	exit 0
}
from_cache

# One build of this platform at a time per machine: the build path is
# fixed (the CodeView entries of the PE images name it).  Its own path,
# not the SNP firmware's: the two can build side by side.
work=/var/tmp/podvm-firmware-kvmtool
mkdir -p "$work"
exec 9>"$work.lock"
flock 9
# a build that held the lock meanwhile may have made it
from_cache

# the source files, shared with the SNP firmware's build
edk2_fetch "$cache_root/firmware/src" "$work"
src=$work/edk2
: >"$work/extract.log"
edk2_extract "$cache_root/firmware/src" "$src" "$work/extract.log"
edk2_fixed_env
# tools_def.txt's GCC5 AARCH64 tools are $(GCC5_AARCH64_PREFIX)gcc, ...
export GCC5_AARCH64_PREFIX=$kvmtool_cross_prefix
# GCC5's AARCH64 link line takes -llto-aarch64 from BaseTools/Bin/GccLto;
# Debian's source ships only its assembler source (upstream's prebuilt
# .a is not in the orig tarball), and debian/rules makes it exactly so:
# `$(GCC5_AARCH64_PREFIX)gcc -c -fpic liblto-aarch64.s -o liblto-aarch64.a`.
"$cc" -c -fpic "$src/BaseTools/Bin/GccLto/liblto-aarch64.s" -o "$src/BaseTools/Bin/GccLto/liblto-aarch64.a" ||
	die "assembling BaseTools/Bin/GccLto/liblto-aarch64.s failed"

# Stack cookies: ArmVirt.dsc.inc builds AARCH64 with
# CUSTOM_STACK_CHECK_LIB = DYNAMIC, and every module's static cookie
# (STACK_COOKIE_VALUE, the initial __stack_chk_guard in its .data, which
# the entry point replaces with a random one at run time when the CPU has
# an RNG) is taken from StackCookieValues32/64.json in the build folder;
# BaseTools' build.py fills those with 100 values of Python's secrets
# module unless they are there already (build.py GenerateStackCookieValues,
# AutoGen/GenC.py CreateCode), so two builds differed in every DXE module
# (three builds, three KVMTOOL_EFI.fd).  The values are written here
# first, derived from the pinned source: the same for every build.  They
# hide nothing less than random ones would: a static cookie is in the
# published binary for anyone to read.
cookies=$src/Build/ArmVirtKvmTool-$kvmtool_arch/${kvmtool_build_type}_$kvmtool_toolchain
mkdir -p "$cookies"
python3 - "$orig_sha256" "$cookies" <<'PY' || die "writing the stack cookie values failed"
import hashlib, json, sys
seed, folder = sys.argv[1], sys.argv[2]
for bits in (32, 64):
    bound = (1 << bits) - 1  # build.py: secrets.randbelow(0xFF..FF)
    values = [int.from_bytes(hashlib.sha256(
        f"podvm edk2 stack cookie {bits} {seed} {i}".encode()).digest()[:8],
        "big") % bound for i in range(100)]
    with open(f"{folder}/StackCookieValues{bits}.json", "w") as f:
        json.dump(values, f)
PY

jobs=$(nproc)
say "building $kvmtool_dsc_path ($kvmtool_arch, $kvmtool_build_type, $kvmtool_toolchain, ${kvmtool_cross_prefix}gcc) with $jobs jobs"
# The platform's own defaults, no -D flag: as Arm's CCA learning paths and
# kvmtool's documentation build it (build -a AARCH64 -t GCC5 -p
# ArmVirtPkg/ArmVirtKvmTool.dsc), RELEASE as Debian builds its firmware.
edk2_build "$src" "$work" "$jobs" -a "$kvmtool_arch" -t "$kvmtool_toolchain" \
	-b "$kvmtool_build_type" -p "$kvmtool_dsc_path"
fd=$src/Build/ArmVirtKvmTool-$kvmtool_arch/${kvmtool_build_type}_$kvmtool_toolchain/FV/KVMTOOL_EFI.fd
[ -f "$fd" ] || die "$fd: not produced"
mkdir -p "$cache_root/firmware-kvmtool"
tmp=$(mktemp -d "$cache_root/firmware-kvmtool/.tmp.XXXXXX")
cp "$fd" "$tmp/KVMTOOL_EFI.fd"
chmod 0644 "$tmp/KVMTOOL_EFI.fd"
chmod 0755 "$tmp"
mv "$tmp" "$cache"
say "cached as $cache ($(sha256sum <"$cache/KVMTOOL_EFI.fd" | cut -d' ' -f1))"
copy_out
