#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# repro-check.sh [--cached | --firmware[=snp|=kvmtool]] [--tap] - build the
# default image twice and compare every artifact bit for bit.
#
# The two builds run from two copies of the tree in different folders, with
# different TZ, umask, LC_ALL and clock (the second under faketime, 400
# days ahead, but for its kernel and firmware stages: see build()), and by
# default with two empty caches, so the kernels (x86 and arm64), the SNP
# and kvmtool firmware and the rootfs tarballs (x86 and arm64) are really
# built twice (about an hour and a half on 2 cores).  --cached shares the machine's cache of
# kernels, firmware and rootfs tarballs and rebuilds the rest (erofs,
# verity, GPT, IGVM, out/ of both architectures) in a few minutes.
# --firmware builds only the firmware, cold (a cache with nothing but the
# pinned source files), from a copy of the tree in another folder with
# another TZ, umask and locale, under faketime 400 days ahead, and compares
# it with the machine's cached one (building that first when it is
# missing): the cold-versus-cache proof.  Both edk2 platforms by default,
# the SNP firmware (OVMF-SNP.fd) and the arm64 image's kvmtool firmware
# (KVMTOOL_EFI.fd), one after the other: two edk2 builds, about 10 to 25
# minutes on 2 cores with the load; --firmware=snp or --firmware=kvmtool
# builds one of them.
#
# On a mismatch it runs diffoscope on each differing artifact, prints the
# report and exits 1.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cached=0 tap=0 fwonly=0 platforms="snp kvmtool"
for arg in "$@"; do
	case "$arg" in
	--cached) cached=1 ;;
	--firmware) fwonly=1 ;;
	--firmware=snp | --firmware=kvmtool) fwonly=1 platforms=${arg#--firmware=} ;;
	--tap) tap=1 ;; # one TAP line per artifact, for ./build.sh test
	*) echo "usage: repro-check.sh [--cached | --firmware[=snp|=kvmtool]] [--tap]" >&2; exit 2 ;;
	esac
done
work=$(mktemp -d /var/tmp/podvm-repro.XXXXXX)
trap 'rm -rf "$work"' EXIT
say() { printf '==> repro-check: %s\n' "$*" >&2; }
command -v faketime >/dev/null || { echo "repro-check.sh: faketime is missing (./build.sh deps)" >&2; exit 1; }
# Both builds sign their provenance with one throwaway Ed25519 key: the
# scheme is deterministic, so out/provenance.dsse.json must match too.
openssl genpkey -algorithm ed25519 -out "$work/release-test-key.pem" 2>/dev/null
export PODVM_SIGN_KEY=$work/release-test-key.pem

copy_tree() {
	mkdir -p "$2"
	(cd "$1" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) | tar -xf - -C "$2"
}

build() { # NAME DIR TZ UMASK LOCALE [faketime spec]
	local name=$1 dir=$2 tz=$3 um=$4 loc=$5 ft=${6:-}
	copy_tree "$top" "$dir"
	local cache=$work/cache-$name
	[ "$cached" -eq 0 ] || cache=${PODVM_CACHE:-/var/cache/podvm}
	say "build $name in $dir (TZ=$tz umask $um LC_ALL=$loc${ft:+ faketime $ft})"
	# make hangs under libfaketime (0.9.10, Debian 12) in the kernel
	# build, so the kernel stage runs on the real clock first; it reads no
	# clock anyway (its build time is pinned in kernel-config/PINNED).
	# The arm64 kernel too (the same make; its source is fetched with
	# apt, and PINNED-arm64 pins its time).
	# The firmware stage too, because it downloads its source with apt,
	# which refuses an InRelease past its Valid-Until: its build under
	# faketime is what --firmware checks.  So does the TDX firmware stage
	# (Debian's ovmf .deb; the ACPI dumps beside it are cached with it).
	# Everything else of the second build runs under faketime, the kvmtool
	# firmware's edk2 build included (its source files are in the cache
	# by then: the SNP firmware stage fetched them).
	( cd "$dir" && umask "$um" && export TZ="$tz" LC_ALL="$loc" PODVM_CACHE="$cache"
	  if [ -n "$ft" ]; then ./build.sh kernel && ./build.sh kernel-arm64 && ./build.sh firmware && ./build.sh tdx-firmware && faketime -f "$ft" ./build.sh; else ./build.sh; fi ) >"$work/$name.log" 2>&1 || {
		tail -30 "$work/$name.log" >&2; echo "repro-check.sh: build $name failed" >&2; exit 1; }
}

# --firmware: one cold build of each firmware against the machine's cache.
if [ "$fwonly" -eq 1 ]; then
	machine=${PODVM_CACHE:-/var/cache/podvm}
	dir=$work/second-tree/x/podvm
	copy_tree "$top" "$dir"
	status=0 n=0
	for p in $platforms; do
		case "$p" in
		snp) script=build-firmware.sh file=OVMF-SNP.fd ;;
		kvmtool) script=build-kvmtool-firmware.sh file=KVMTOOL_EFI.fd ;;
		esac
		say "$file: the machine's cache ($machine)"
		( cd "$top" && PODVM_CACHE="$machine" "firmware/$script" "$work/cached-$p" ) >"$work/cached-$p.log" 2>&1 || {
			tail -30 "$work/cached-$p.log" >&2; echo "repro-check.sh: $file build (machine cache) failed" >&2; exit 1; }
		# The pinned source files only (apt would refuse the archive's
		# InRelease under faketime; the files are checked against PINNED
		# again by the build).
		rm -rf "$work/cache-cold-$p"
		mkdir -p "$work/cache-cold-$p/firmware/src"
		cp "$machine"/firmware/src/edk2_* "$work/cache-cold-$p/firmware/src/"
		say "$file: cold build in $dir (TZ=Pacific/Auckland umask 077 LC_ALL=C faketime +400d, a cache with the source files only)"
		t0=$(date +%s)
		( cd "$dir" && umask 077 && export TZ=Pacific/Auckland LC_ALL=C PODVM_CACHE="$work/cache-cold-$p"
		  faketime -f +400d "firmware/$script" "$work/cold-$p" ) >"$work/cold-$p.log" 2>&1 || {
			tail -30 "$work/cold-$p.log" >&2; echo "repro-check.sh: cold $file build failed" >&2; exit 1; }
		a=$(sha256sum <"$work/cached-$p/$file" | cut -d' ' -f1)
		b=$(sha256sum <"$work/cold-$p/$file" | cut -d' ' -f1)
		say "$file: cold build took $(($(date +%s) - t0))s"
		rm -rf "$work/cache-cold-$p"
		n=$((n + 1))
		if [ "$a" = "$b" ]; then
			[ "$tap" -eq 1 ] && echo "ok $n - $file: a cold build equals the cached one ($a)" ||
				printf 'identical  %s  %s (cold build and cache)\n' "$a" "$file"
		else
			[ "$tap" -eq 1 ] && echo "not ok $n - $file: a cold build differs from the cached one" ||
				printf 'DIFFERENT  %s  %s (cache; cold build: %s)\n' "$a" "$file" "$b"
			cmp -l "$work/cached-$p/$file" "$work/cold-$p/$file" | sed -n '1,40s/^/# /p'
			status=1
		fi
	done
	[ "$tap" -eq 0 ] || echo "1..$n"
	exit "$status"
fi

build a "$work/a/podvm" UTC 022 C.UTF-8
build b "$work/second-tree/x/podvm" Pacific/Auckland 077 C "+400d"

status=0 n=0
for f in $(cd "$work/a/podvm/out" && ls | LC_ALL=C sort); do
	a=$(sha256sum <"$work/a/podvm/out/$f" | cut -d' ' -f1)
	b=$(sha256sum <"$work/second-tree/x/podvm/out/$f" 2>/dev/null | cut -d' ' -f1 || echo missing)
	n=$((n + 1))
	if [ "$a" = "$b" ]; then
		[ "$tap" -eq 1 ] && echo "ok $n - $f identical across two builds ($a)" ||
			printf 'identical  %s  %s\n' "$a" "$f"
	else
		[ "$tap" -eq 1 ] && echo "not ok $n - $f differs across two builds" ||
			printf 'DIFFERENT  %s  %s (second build: %s)\n' "$a" "$f" "$b"
		status=1
		{ diffoscope --text - "$work/a/podvm/out/$f" "$work/second-tree/x/podvm/out/$f" || true; } | sed -n '1,200s/^/# /p'
	fi
done
extra=$(comm -13 <(ls "$work/a/podvm/out") <(ls "$work/second-tree/x/podvm/out"))
[ -z "$extra" ] || { echo "only in the second build: $extra"; status=1; }
[ "$tap" -eq 0 ] || echo "1..$n"
[ "$status" -eq 0 ] && say "all artifacts identical" || say "artifacts differ"
exit "$status"
