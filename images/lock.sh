#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# lock.sh COMMAND ... - the lock of an image: every Debian package and file
# that enters its artifacts, with version and sha256 (docs/supply-chain.md).
#
#   resolve IMAGE_DIR         a fresh lock on stdout: the rootfs set as
#                             mmdebstrap resolves it from the mirror today,
#                             the kernel source and the build tools as
#                             installed on this machine (PODVM_ARCH=arm64:
#                             of the image's arm64 variant, its kernel
#                             source as kernel-config/PINNED-arm64 pins it)
#   fetch LOCK MIRROR DIR     every rootfs .deb of LOCK into DIR (named as
#                             apt names them), downloaded from MIRROR when
#                             missing, each checked against its sha256
#   list-debs LOCK            the file names fetch gives the rootfs .debs
#   check-debs LOCK DIR       every .deb in DIR is a rootfs entry of LOCK,
#                             with its sha256 (mmdebstrap's extract hook)
#   check-plan LOCK           `apt-get -s install` output on stdin: every
#                             package apt would install is locked at that
#                             version (mmdebstrap's essential hook)
#   check-installed LOCK MANIFEST  the installed set (dpkg-query: name
#                             version arch) equals LOCK's rootfs entries
#   check-host LOCK KIND...   the host packages of those kinds (kernel,
#                             tool, firmware) are installed at their locked
#                             versions, every file entry has its sha256, and
#                             every firmware source entry is what
#                             firmware/PINNED pins, the prebuilt TDX
#                             firmware entry what firmware/PINNED-TDX pins;
#                             a kernel entry that is not installed is what
#                             kernel-config/PINNED-arm64 pins
#
# Lock lines: KIND NAME VERSION ARCH SHA256 PATH ('#' starts a comment).
# Every mismatch names the package (or file) and both versions (or hashes)
# and exits 1.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
die() { printf 'lock: %s\n' "$*" >&2; exit 1; }
say() { printf '==> lock: %s\n' "$*" >&2; }
export LC_ALL=C

# entries LOCK KIND: "name version arch sha256 path" of one kind
entries() {
	[ -f "$1" ] || die "$1: no lock (./build.sh lock writes it)"
	awk -v k="$2" '!/^[[:space:]]*(#|$)/ && $1 == k { print $2, $3, $4, $5, $6 }' "$1"
}

# The name apt gives a downloaded .deb: the epoch's colon as %3a.
debname() { printf '%s_%s_%s.deb' "$1" "${2//:/%3a}" "$3"; }

# One "Package Version Architecture SHA256 Filename" line per stanza of the
# Packages files given.
packages_index() {
	awk '/^Package: /{p=$2} /^Version: /{v=$2} /^Architecture: /{a=$2}
	     /^SHA256: /{s=$2} /^Filename: /{f=$2}
	     /^$/{ if (p != "") print p, v, a, s, f; p=v=a=s=f="" }
	     END{ if (p != "") print p, v, a, s, f }' "$@"
}

# The archive's record of an installed host package: "sha256 filename" of
# NAME=VERSION from the host's apt lists, "- -" when no list has it.
host_record() {
	apt-cache show --no-all-versions "$1=$2" 2>/dev/null |
		awk '/^SHA256: /{s=$2} /^Filename: /{f=$2} END{ print (s ? s : "-"), (f ? f : "-") }'
}

# The host packages whose bytes reach an artifact: the kernel's compiler,
# assembler, linker, make and the tools of its build (libelf for objtool); the rootfs's
# bootstrapper, erofs and its compressor, the partitioner.
TOOLS="gcc-12 cpp-12 binutils binutils-x86-64-linux-gnu libc6-dev make bc bison flex
	libelf-dev cpio xz-utils tar mmdebstrap erofs-utils liblz4-1 gdisk"
# The SNP firmware, when the tree builds one: its pinned Debian source and
# the tools of its build (nasm, iasl, libuuid headers).
FIRMWARE_PINNED=${PODVM_FIRMWARE_PINNED:-$here/../firmware/PINNED}
FIRMWARE_TOOLS="nasm acpica-tools uuid-dev"
# The arm64 variant: the cross compiler, assembler and linker instead of
# the native ones, and the emulator that runs the rootfs's maintainer
# scripts (docs/arm64.md §3).
ARM64_TOOLS="gcc-12-aarch64-linux-gnu cpp-12-aarch64-linux-gnu binutils-aarch64-linux-gnu
	libc6-dev make bc bison flex cpio xz-utils tar mmdebstrap erofs-utils liblz4-1 gdisk
	qemu-user-static"
ARM64_PINNED=${PODVM_KERNEL_PINNED_ARM64:-$here/../kernel-config/PINNED-arm64}
# The TDX firmware, when the tree publishes one: Debian's prebuilt ovmf
# .deb (not installed on the host: its OVMF.fd is the artifact), and the
# QEMU whose ACPI tables RTMR0 measures (firmware/qemu-acpi-dump.sh), the
# .debs of firmware/PINNED-TDX-QEMU, unpacked and never installed: one
# `tdx-qemu` line each.
TDX_PINNED=${PODVM_TDX_PINNED:-$here/../firmware/PINNED-TDX}
TDX_QEMU_PINNED=${PODVM_TDX_QEMU_PINNED:-$here/../firmware/PINNED-TDX-QEMU}

cmd_resolve() {
	local img=$1 pkgs
	img=$(cd "$img" && pwd)
	. "$here/image-conf.sh"
	image_conf "$img" || exit 1
	local mirror=${PODVM_APT_MIRROR:-$MIRROR}
	pkgs=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$img/packages" | tr -s ' \n' ',' | sed 's/,$//')
	tmp=$(mktemp -d /var/tmp/podvm-lock.XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
	say "resolving minbase + $pkgs ($SUITE, $DEBIAN_ARCH) from $mirror"
	local mode=root
	[ "$(id -u)" -eq 0 ] || mode=unshare
	# The same bootstrap as build-rootfs.sh, thrown away: what is
	# installed, and the archive's sha256 and path of each.
	mmdebstrap --quiet --variant=minbase --mode="$mode" --format=null \
		--architectures="$DEBIAN_ARCH" --include="$pkgs" \
		--customize-hook='chroot "$1" dpkg-query -W -f="\${Package} \${Version} \${Architecture}\n" >'"$tmp/installed" \
		--customize-hook='cat "$1"/var/lib/apt/lists/*_Packages >'"$tmp/Packages" \
		"$SUITE" /dev/null "$mirror" || die "mmdebstrap failed: is $mirror reachable?"
	packages_index "$tmp/Packages" | sort -u >"$tmp/index"
	echo "# SPDX-License-Identifier: Apache-2.0"
	echo "# The lock of images/$(basename "$img")${PODVM_ARCH:+ ($ARCH)}: every input of its artifacts."
	echo "# Written by ./build.sh lock; format: docs/supply-chain.md."
	echo "# KIND NAME VERSION ARCH SHA256 PATH"
	echo "# suite $SUITE $DEBIAN_ARCH"
	local p v a s f
	sort "$tmp/installed" | while read -r p v a; do
		read -r s f < <(awk -v p="$p" -v v="$v" -v a="$a" '$1 == p && $2 == v && $3 == a { print $4, $5; exit }' "$tmp/index") || true
		[ -n "${s:-}" ] || die "$p $v $a: installed but in no Packages file of $mirror"
		echo "rootfs $p $v $a $s $f"
		s=
	done
	local tools=$TOOLS
	if [ "$ARCH" = arm64 ]; then
		# fetched by the kernel build, not installed: the pin's .deb
		# (its tarball's sha256 is in the pin, checked at extraction)
		(
			. "$ARM64_PINNED"
			echo "kernel $package $version all $deb_sha256 $deb"
		)
		tools=$ARM64_TOOLS
	else
		. "$here/../kernel-config/PINNED"
		v=$(dpkg-query -W -f='${Version}' "$package" 2>/dev/null) || die "$package: not installed (./build.sh deps)"
		[ "$v" = "$version" ] || die "$package: kernel-config/PINNED says $version, $v is installed"
		a=$(dpkg-query -W -f='${Architecture}' "$package")
		read -r s f < <(host_record "$package" "$v")
		echo "kernel $package $v $a $s $f"
		echo "file kernel-source-tarball - - $(sha256sum "$tarball" | cut -d' ' -f1) $tarball"
	fi
	# The firmware's source files (firmware/PINNED, when the tree builds
	# one, for the x86 image): the Debian source package's files with their
	# sha256s, and the tools of its build.
	if [ "$ARCH" != arm64 ] && [ -f "$FIRMWARE_PINNED" ]; then
		(
			. "$FIRMWARE_PINNED"
			d=${package:0:1}
			[ "${package#lib}" = "$package" ] || d=${package:0:4}
			echo "firmware $package $version source $dsc_sha256 pool/main/$d/$package/$dsc"
			echo "firmware $package $version source $orig_sha256 pool/main/$d/$package/$orig"
			echo "firmware $package $version source $debian_sha256 pool/main/$d/$package/$debian"
		)
		tools="$tools $FIRMWARE_TOOLS"
	fi
	# the TDX inputs belong to the x86 image only
	if [ "$ARCH" != arm64 ] && [ -f "$TDX_PINNED" ]; then
		(
			. "$TDX_PINNED"
			echo "firmware $package $version all $deb_sha256 $path"
		)
	fi
	if [ "$ARCH" != arm64 ] && [ -f "$TDX_QEMU_PINNED" ]; then
		awk '$1 == "deb" { print "tdx-qemu", $2, $3, $4, $5, $6 }' "$TDX_QEMU_PINNED"
	fi
	for p in $tools; do
		v=$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null) || die "$p: not installed (./build.sh deps)"
		a=$(dpkg-query -W -f='${Architecture}' "$p")
		read -r s f < <(host_record "$p" "$v")
		echo "tool $p $v $a $s $f"
	done
}

cmd_fetch() {
	local lock=$1 mirror=${2%/} dir=$3 n=0 got=0 p v a s f deb have tmpf
	mkdir -p "$dir"
	while read -r p v a s f; do
		n=$((n + 1))
		deb=$dir/$(debname "$p" "$v" "$a")
		if [ -f "$deb" ] && [ "$(sha256sum "$deb" | cut -d' ' -f1)" = "$s" ]; then
			continue
		fi
		# a temporary file of this run's own: the x86 and arm64 rootfs
		# stages fetch into one folder at once, and share the "all" .debs
		tmpf=$(mktemp "$deb.XXXXXX")
		curl -fsS --retry 3 -o "$tmpf" "$mirror/$f" ||
			{ rm -f "$tmpf"; die "$p $v: cannot download $mirror/$f (not in this mirror: a snapshot of the day of the lock has it, PODVM_APT_MIRROR=https://snapshot.debian.org/archive/debian/YYYYMMDDT000000Z)"; }
		have=$(sha256sum "$tmpf" | cut -d' ' -f1)
		[ "$have" = "$s" ] || { rm -f "$tmpf"; die "$p $v: $mirror/$f has sha256 $have, the lock says $s"; }
		chmod 0644 "$tmpf"
		mv "$tmpf" "$deb"
		got=$((got + 1))
	done < <(entries "$lock" rootfs)
	[ "$n" -gt 0 ] || die "$lock: no rootfs entries"
	say "$n rootfs packages checked against the lock ($got downloaded from $mirror)"
}

# mismatch NAME HAVE_VERSION: the message for a package the lock does not
# have at that version.
mismatch() {
	local want
	want=$(entries "$LOCK" rootfs | awk -v p="$1" '$1 == p && !f { print $2; f = 1 }')
	if [ -n "$want" ]; then
		die "rootfs package $1: the archive resolved version $2, the lock says $want (./build.sh lock to take the new version, or PODVM_APT_MIRROR=<a snapshot of the lock's day> to rebuild the locked one)"
	fi
	die "rootfs package $1 $2: resolved from the archive but not in the lock $LOCK (./build.sh lock)"
}

cmd_list_debs() {
	local p v a s f
	while read -r p v a s f; do debname "$p" "$v" "$a"; echo; done < <(entries "$1" rootfs)
}

cmd_check_debs() {
	LOCK=$1
	local dir=$2 deb base p rest v a s have want
	for deb in "$dir"/*.deb; do
		[ -f "$deb" ] || continue
		base=${deb##*/}; base=${base%.deb}
		p=${base%%_*}; rest=${base#*_}; v=${rest%_*}; v=${v//%3a/:}; a=${rest##*_}
		want=$(entries "$LOCK" rootfs | awk -v p="$p" -v v="$v" -v a="$a" '$1 == p && $2 == v && $3 == a && !f { print $4; f = 1 }')
		[ -n "$want" ] || mismatch "$p" "$v"
		have=$(sha256sum "$deb" | cut -d' ' -f1)
		[ "$have" = "$want" ] || die "rootfs package $p $v: the .deb has sha256 $have, the lock says $want"
	done
}

cmd_check_plan() {
	LOCK=$1
	local p v
	# apt-get -s: "Inst NAME (VERSION SUITE [ARCH])" per package
	while read -r p v; do
		entries "$LOCK" rootfs | awk -v p="$p" -v v="$v" '$1 == p && $2 == v { f=1 } END { exit !f }' ||
			mismatch "$p" "$v"
	done < <(sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*/\1 \2/p')
}

cmd_check_installed() {
	LOCK=$1
	local manifest=$2 p v a
	while read -r p v a; do
		entries "$LOCK" rootfs | awk -v p="$p" -v v="$v" -v a="$a" '$1 == p && $2 == v && $3 == a { f=1 } END { exit !f }' ||
			mismatch "$p" "$v"
	done <"$manifest"
	while read -r p v a; do
		grep -q "^$p $v " "$manifest" || die "rootfs package $p $v: in the lock, not installed (./build.sh lock)"
	done < <(entries "$LOCK" rootfs | awk '{ print $1, $2, $3 }')
}

cmd_check_host() {
	local lock=$1 kind p v a s f have; shift
	for kind in "$@"; do
		while read -r p v a s f; do
			if [ "$kind" = kernel ] && [ -f "$ARM64_PINNED" ] && [ "$(. "$ARM64_PINNED"; echo "$package")" = "$p" ]; then
				# the arm64 kernel source: fetched, not installed
				have=$(. "$ARM64_PINNED"; echo "$version $deb_sha256")
				[ "$have" = "$v $s" ] || die "kernel source $p: kernel-config/PINNED-arm64 pins ${have% *} (sha256 ${have#* }), the lock says $v (sha256 $s)"
				continue
			fi
			have=$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || true)
			[ "$have" = "$v" ] || die "$kind package $p: ${have:-nothing} is installed, the lock says $v (./build.sh deps, or ./build.sh lock to take it)"
		done < <(entries "$lock" "$kind" | awk -v k="$kind" 'k != "firmware" && $3 != "source"')
	done
	# the prebuilt TDX firmware: what firmware/PINNED-TDX pins
	while read -r p v a s f; do
		[ -f "$TDX_PINNED" ] || die "firmware $p $v: locked, but there is no $TDX_PINNED"
		have=$(. "$TDX_PINNED"; echo "$package $version $deb_sha256")
		[ "$have" = "$p $v $s" ] || die "firmware $p $v $s: firmware/PINNED-TDX pins $have"
	done < <(entries "$lock" firmware | awk '$3 != "source"')
	# the TDX ACPI dump's QEMU, when the lock has it: the .debs
	# firmware/PINNED-TDX-QEMU pins, the same set both ways
	if [ -n "$(entries "$lock" tdx-qemu)" ]; then
		[ -f "$TDX_QEMU_PINNED" ] || die "tdx-qemu: locked, but there is no $TDX_QEMU_PINNED"
		local want have_set
		want=$(entries "$lock" tdx-qemu | sort)
		have_set=$( [ -f "$TDX_QEMU_PINNED" ] && awk '$1 == "deb" { print $2, $3, $4, $5, $6 }' "$TDX_QEMU_PINNED" | sort)
		[ "$want" = "$have_set" ] || die "tdx-qemu: the lock's entries and firmware/PINNED-TDX-QEMU differ: $(diff <(echo "$want") <(echo "$have_set") | grep '^[<>]' | head -2 | tr '\n' ' ')(./build.sh lock)"
	fi
	# firmware source files: the pin the firmware build checks its download
	# against (firmware/PINNED) names the same version and sha256s
	while read -r p v a s f; do
		[ -f "$FIRMWARE_PINNED" ] || die "firmware $p ${f##*/}: locked, but there is no $FIRMWARE_PINNED"
		have=$(
			. "$FIRMWARE_PINNED"
			[ "$version" = "$v" ] || { echo "version $version"; exit; }
			case "${f##*/}" in
			"$dsc") echo "$dsc_sha256" ;; "$orig") echo "$orig_sha256" ;;
			"$debian") echo "$debian_sha256" ;; *) echo "no such file" ;;
			esac)
		case "$have" in
		"version "*) die "firmware source $p: firmware/PINNED pins version ${have#version }, the lock says $v" ;;
		"$s") ;;
		*) die "firmware source $p $v ${f##*/}: firmware/PINNED has ${have}, the lock says $s" ;;
		esac
	done < <(entries "$lock" firmware | awk '$3 == "source"')
	while read -r p v a s f; do
		have=$(sha256sum "$f" 2>/dev/null | cut -d' ' -f1 || true)
		[ "$have" = "$s" ] || die "file $p ($f): sha256 ${have:-missing}, the lock says $s"
	done < <(entries "$lock" file)
}

case "${1:-}" in
resolve) shift; cmd_resolve "$@" ;;
fetch) shift; cmd_fetch "$@" ;;
list-debs) shift; cmd_list_debs "$@" ;;
check-debs) shift; cmd_check_debs "$@" ;;
check-plan) shift; cmd_check_plan "$@" ;;
check-installed) shift; cmd_check_installed "$@" ;;
check-host) shift; cmd_check_host "$@" ;;
*) sed -n "3,29p" "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
