#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# build-info.sh IMAGE_DIR OUT_DIR BIN_DIR - build-info.json on stdout: every
# input with its version and sha256, every tool version, SOURCE_DATE_EPOCH.
# It holds no build time, host name or path, so two builds of the same
# inputs give the same file.
set -euo pipefail
img=$1 out=$2 bin=$3
. "$img/image.conf"
ver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo none; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
. kernel-config/PINNED
frag_json=$(for f in kernel-config/*.config; do
	jq -n --arg p "$f" --arg s "$(sha "$f")" '{path: $p, sha256: $s}'; done | jq -s .)
overlay_json=$( (cd "$img" && find overlay -type f | LC_ALL=C sort | while read -r f; do
	jq -n --arg p "$f" --arg s "$(sha "$f")" '{path: $p, sha256: $s}'; done) | jq -s .)
pkgs_json=$(awk '{print $1" "$2}' "$out/packages.manifest" |
	jq -R 'split(" ") | {(.[0]): .[1]}' | jq -s 'add // {}')
# The arm64 variant (docs/arm64.md), when out/ has it: its kernel source as
# PINNED-arm64 pins it (the tarball's sha256, checked by the kernel build),
# its installed packages and its command line.
arm64_json=null
if [ -f "$out/Image" ]; then
	arm64_json=$(
		. kernel-config/PINNED-arm64
		jq -n --arg ksrc "$package" --arg kver "$version" --arg ksha "$tarball_sha256" \
			--arg cmdline "$(cat "$img/cmdline-arm64")" \
			--argjson pkgs "$(awk '{print $1" "$2}' "$out/packages-arm64.manifest" |
				jq -R 'split(" ") | {(.[0]): .[1]}' | jq -s 'add // {}')" \
			--arg gcc "$(aarch64-linux-gnu-gcc -dumpfullversion)" --arg binutils "$(ver binutils-aarch64-linux-gnu)" \
			--arg qemu "$(ver qemu-user-static)" \
			'{kernel_source: {package: $ksrc, version: $kver, sha256: $ksha},
			  rootfs_installed: $pkgs, cmdline: $cmdline,
			  tools: {gcc: $gcc, binutils: $binutils, "qemu-user-static": $qemu}}')
fi
# the TDX firmware Debian ships (firmware/PINNED-TDX), when the tree has one
tdx_json=null
if [ -f firmware/PINNED-TDX ]; then
	tdx_json=$(. firmware/PINNED-TDX && jq -n --arg p "$package" --arg v "$version" \
		--arg d "$deb_sha256" --arg f "$fd_sha256" \
		'{package: $p, version: $v, deb_sha256: $d, ovmf_sha256: $f}')
fi
# the QEMU of the TDX ACPI dump: the pinned trixie-backports one
# (firmware/PINNED-TDX-QEMU, docs/tdx.md section 11), not the host's
tdx_qemu=none
[ ! -f firmware/PINNED-TDX-QEMU ] || tdx_qemu=$(sed -n 's/^qemu_version=//p' firmware/PINNED-TDX-QEMU)
art_json=$(cd "$out" && for f in $(ls | LC_ALL=C sort); do
	case "$f" in build-info.json | SHA256SUMS) continue ;; esac
	[ -f "$f" ] || continue
	jq -n --arg p "$f" --arg s "$(sha "$f")" --argjson n "$(stat -c %s "$f")" \
		'{path: $p, size: $n, sha256: $s}'
done | jq -s .)
jq -n \
	--arg image "$IMAGE_NAME" --arg version "$IMAGE_VERSION" --arg arch "$ARCH" \
	--arg suite "$SUITE" --arg mirror "$MIRROR" --argjson sde "$SOURCE_DATE_EPOCH" \
	--arg ksrc "$package" --arg kver "$(ver "$package")" --arg ksha "$(sha "$tarball")" \
	--argjson frags "$frag_json" --argjson overlay "$overlay_json" --argjson pkgs "$pkgs_json" \
	--arg pkglist "$(sha "$img/packages")" --argjson artifacts "$art_json" \
	--arg cmdline "$(cat "$img/cmdline")" --arg release "$(sha "$img/release.json")" \
	--argjson tdxfw "$tdx_json" --arg qemu "$tdx_qemu" \
	--arg gcc "$(gcc -dumpfullversion)" --arg binutils "$(ver binutils)" \
	--arg mmdebstrap "$(ver mmdebstrap)" --arg erofs "$(ver erofs-utils)" --arg gdisk "$(ver gdisk)" \
	--arg igvmgen "$("$bin/igvmgen" --version)" --arg measure "$("$bin/measure" --version)" \
	--arg veritysetup "$("$bin/veritysetup" --version)" --argjson arm64 "$arm64_json" \
	'{
	  image: {name: $image, version: $version, arch: $arch, source_date_epoch: $sde},
	  inputs: ({
	    kernel_source: {package: $ksrc, version: $kver, sha256: $ksha},
	    kernel_config: $frags,
	    rootfs: {suite: $suite, mirror: $mirror, package_list_sha256: $pkglist,
	             overlay: $overlay, installed: $pkgs},
	    cmdline: $cmdline,
	    release_config_sha256: $release
	  } + (if $tdxfw then {tdx_firmware: $tdxfw} else {} end)),
	  tools: {gcc: $gcc, binutils: $binutils, mmdebstrap: $mmdebstrap, "erofs-utils": $erofs,
	          gdisk: $gdisk, "qemu-system-x86": $qemu, igvmgen: $igvmgen, measure: $measure, veritysetup: $veritysetup},
	  artifacts: $artifacts
	} | if $arm64 == null then . else .inputs.arm64 = $arm64 end'
