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
# The firmware built from source (firmware/PINNED, docs/firmware.md):
# Debian's edk2 source files with their sha256s (the firmware builds check
# them), the platform and how it is built.  The SNP firmware when out/ has
# OVMF-SNP.fd; the arm64 variant's kvmtool firmware (PINNED-KVMTOOL, the
# same source) when out/ has KVMTOOL_EFI.fd.  A firmware pin that moves
# is then a recorded input that moved (ci/drift-check.sh), not "not
# reproducible".
# edk2_json DSC ARCH BUILD_TYPE TOOLCHAIN [CROSS_PREFIX], in a shell that
# has sourced firmware/PINNED
edk2_json() {
	jq -n --arg p "$package" --arg v "$version" --arg s "$suite" \
		--arg o "$orig" --arg os "$orig_sha256" --arg d "$debian" --arg ds "$debian_sha256" \
		--arg c "$dsc" --arg cs "$dsc_sha256" --argjson sde "$source_date_epoch" \
		--arg plat "$1" --arg arch "$2" --arg bt "$3" --arg tc "$4" --arg cross "${5:-}" \
		'{package: $p, version: $v, suite: $s,
		  source_files: [{name: $o, sha256: $os}, {name: $d, sha256: $ds}, {name: $c, sha256: $cs}],
		  platform: $plat, arch: $arch, build_type: $bt, toolchain: $tc, source_date_epoch: $sde}
		 + (if $cross == "" then {} else {cross_prefix: $cross} end)'
}
fw_json=null
if [ -f "$out/OVMF-SNP.fd" ]; then
	fw_json=$(. firmware/PINNED && edk2_json "$dsc_path" X64 "$build_type" "$toolchain")
fi
# The arm64 variant (docs/arm64.md), when out/ has it: its kernel source as
# PINNED-arm64 pins it (the tarball's sha256, checked by the kernel build),
# its installed packages and its command line.
arm64_json=null
if [ -f "$out/Image" ]; then
	kfw_json=null
	if [ -f "$out/KVMTOOL_EFI.fd" ]; then
		kfw_json=$(. firmware/PINNED && . firmware/PINNED-KVMTOOL &&
			edk2_json "$kvmtool_dsc_path" "$kvmtool_arch" "$kvmtool_build_type" "$kvmtool_toolchain" "$kvmtool_cross_prefix")
	fi
	arm64_json=$(
		. kernel-config/PINNED-arm64
		jq -n --arg ksrc "$package" --arg kver "$version" --arg ksha "$tarball_sha256" \
			--arg cmdline "$(cat "$img/cmdline-arm64")" \
			--argjson pkgs "$(awk '{print $1" "$2}' "$out/packages-arm64.manifest" |
				jq -R 'split(" ") | {(.[0]): .[1]}' | jq -s 'add // {}')" \
			--arg gcc "$(aarch64-linux-gnu-gcc -dumpfullversion)" --arg binutils "$(ver binutils-aarch64-linux-gnu)" \
			--arg qemu "$(ver qemu-user-static)" --argjson fw "$kfw_json" \
			'{kernel_source: {package: $ksrc, version: $kver, sha256: $ksha},
			  rootfs_installed: $pkgs, cmdline: $cmdline,
			  tools: {gcc: $gcc, binutils: $binutils, "qemu-user-static": $qemu}}
			 + (if $fw then {firmware: $fw} else {} end)')
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
	--argjson tdxfw "$tdx_json" --arg qemu "$tdx_qemu" --argjson fw "$fw_json" \
	--arg nasm "$(ver nasm)" --arg iasl "$(ver acpica-tools)" --arg python3 "$(ver python3)" \
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
	  } + (if $fw then {firmware: $fw} else {} end)
	    + (if $tdxfw then {tdx_firmware: $tdxfw} else {} end)),
	  tools: ({gcc: $gcc, binutils: $binutils, mmdebstrap: $mmdebstrap, "erofs-utils": $erofs,
	          gdisk: $gdisk, "qemu-system-x86": $qemu, igvmgen: $igvmgen, measure: $measure, veritysetup: $veritysetup}
	         + (if $fw then {nasm: $nasm, "acpica-tools": $iasl, python3: $python3} else {} end)),
	  artifacts: $artifacts
	} | if $arm64 == null then . else .inputs.arm64 = $arm64 end'
