#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# pipeline-faults.sh - the image pipeline under faults, as TAP: each fault
# must stop the build with a message naming the stage and the cause, exit
# non-zero, and leave nothing that looks complete.
#   1. the Debian archive cannot be reached
#   2. a package of the image does not exist
#   3. the pinned kernel source is not the installed one
#   4. the disk fills up while out/ is assembled (root only: a small tmpfs)
#   5. a rootfs .deb whose sha256 is not the lock's; a locked version the
#      archive no longer resolves (images/<name>/lock)
#   6. a stage that fails in the background (build.sh cmd_stages)
# Run from the top of the tree after a build (./build.sh stages), as
# ./build.sh test does.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
work=$(mktemp -d /var/tmp/podvm-faults.XXXXXX)
cleanup() { mountpoint -q "$work/mnt" 2>/dev/null && umount "$work/mnt"; rm -rf "$work"; }
trap cleanup EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; sed 's/^/# /' "$work/err" | tail -15; }
expect() { # DESC RC NEEDLE
	if [ "$2" -ne 0 ] && grep -qF -- "$3" "$work/err"; then ok "$1"; else not_ok "$1 (exit $2)"; fi
}

# An image definition like the default one, with one thing changed, and a
# cache of its own so nothing real is touched.
variant() {
	rm -rf "$work/img"
	cp -a images/pod "$work/img"
	printf '%s\n' "$@" >>"$work/img/image.conf"
}

variant MIRROR=http://127.0.0.1:9/debian IMAGE_VERSION=fault-1
PODVM_CACHE=$work/cache images/build-rootfs.sh "$work/img" "$work/out1" >/dev/null 2>"$work/err"
expect "an unreachable archive stops the rootfs stage and names the mirror" $? \
	"mmdebstrap failed: is the Debian archive (http://127.0.0.1:9/debian) reachable"
if [ -e "$work/out1/rootfs.erofs" ] || ls "$work/cache/rootfs" 2>/dev/null | grep -q .; then
	not_ok "an unreachable archive leaves no rootfs and no cache entry"
else
	ok "an unreachable archive leaves no rootfs and no cache entry"
fi

variant IMAGE_VERSION=fault-2
echo no-such-package-podvm >>"$work/img/packages"
PODVM_CACHE=$work/cache images/build-rootfs.sh "$work/img" "$work/out2" >/dev/null 2>"$work/err"
expect "a package that does not exist stops the rootfs stage and names the package list" $? \
	"do the packages in $work/img/packages exist?"

cp -a kernel-config "$work/kc"
sed -i 's/^version=.*/version=0.0-podvm-test/' "$work/kc/PINNED"
"$work/kc/build-kernel.sh" x86_64 "$work/kout" >/dev/null 2>"$work/err"
expect "a kernel source other than the pinned one stops the kernel stage" $? \
	"linux-source-6.1 0.0-podvm-test is pinned (kernel-config/PINNED) but"

if [ "$(id -u)" -ne 0 ] || [ ! -f build/stage/pod/disk/disk.img ]; then
	n=$((n + 1)); echo "ok $n - a full disk during publish # SKIP needs root and a built image"
else
	mkdir -p "$work/mnt"
	mount -t tmpfs -o size=48m tmpfs "$work/mnt"
	PODVM_OUT="$work/mnt/out" ./build.sh publish >/dev/null 2>"$work/err"
	expect "a full disk stops the publish stage and says so" $? "build.sh: publish: failed"
	if [ -e "$work/mnt/out" ] || ls -A "$work/mnt" | grep -q .; then
		not_ok "a full disk leaves no out/ and no half-assembled folder"
	else
		ok "a full disk leaves no out/ and no half-assembled folder"
	fi
fi
variant IMAGE_VERSION=fault-5
sed -i 's/^\(rootfs dbus [^ ]* [^ ]* \)[0-9a-f]\{64\}/\1'"$(printf 0%.0s {1..64})"'/' "$work/img/lock"
PODVM_CACHE=$work/cache images/build-rootfs.sh "$work/img" "$work/out5" >/dev/null 2>"$work/err"
expect "a .deb whose sha256 differs from the lock stops the rootfs stage naming the package and both hashes" $? \
	"the lock says $(printf 0%.0s {1..64})"
variant IMAGE_VERSION=fault-6
sed -i 's/^rootfs dbus [^ ]* /rootfs dbus 1.0-podvm-test /' "$work/img/lock"
# a .deb cache of its own (linked from the machine's): the lie of this lock
# (1.14's bytes named 1.0) must not reach the machine's
mkdir -p "$work/debs"
cp -al "${PODVM_DEB_CACHE:-/var/cache/podvm/debs}"/. "$work/debs"/ 2>/dev/null || true
PODVM_DEB_CACHE=$work/debs PODVM_CACHE=$work/cache images/build-rootfs.sh "$work/img" "$work/out6" >/dev/null 2>"$work/err"
expect "a locked version the archive does not resolve stops the rootfs stage naming the package and both versions" $? \
	"lock: rootfs package dbus: the archive resolved version $(awk '$1 == "rootfs" && $2 == "dbus" { print $3 }' images/pod/lock), the lock says 1.0-podvm-test"
# A stage that fails in the background stops the whole build at once: a
# copy of the tree whose kernel pin names a version that is not installed,
# with caches of its own (the firmware and the rootfs start cold and must
# be stopped, not finish).
mkdir -p "$work/tree"
git ls-files -z | xargs -0 cp --parents -t "$work/tree"
sed -i 's/^version=.*/version=0.0-podvm-test/' "$work/tree/kernel-config/PINNED"
start=$(date +%s)
( cd "$work/tree" && PODVM_CACHE="$work/cache7" PODVM_BUILD_DIR="$top/build" PODVM_OUT="$work/out7" \
	PODVM_STAGE_DIR="$work/stage7" ./build.sh stages ) >/dev/null 2>"$work/err"
expect "a failing background stage stops the build naming it" $? "the kernel stage failed"
sleep 1
left=$(pgrep -af "$work/(tree|cache7|stage7)" || true)
if [ -n "$left" ] || [ -e "$work/out7" ]; then
	printf '%s\n' "$left" >"$work/err"
	not_ok "the other stages are stopped with it and nothing is published"
else
	ok "the other stages are stopped with it and nothing is published ($(($(date +%s) - start)) s)"
fi
echo "1..$n"
[ "$failed" -eq 0 ]
