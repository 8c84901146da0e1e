#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# drift-check.sh [--image NAME] [--against DIR] [--out DIR] - recompute an
# image's measurements from the current inputs and compare them with the
# published ones.
#
# Builds the image's stages (kernel, rootfs, disk, IGVM, publish: through
# the caches, so normally a minute) into a folder of its own, then runs
# `measure drift` between DIR/refvalues.json (default: the committed
# refvalues/NAME/) and the fresh refvalues.json.  On a difference it
# prints, for every value that changed, the first region where the two
# launches part (kernel, initrd, cmdline, vmsa, ...: from the regions the
# measure logs were folded into), the artifacts that changed, and which
# recorded inputs and tools differ (build-info.json), then exits 1.  When
# the versions images/NAME/lock pins differ from those the published values
# were built from, the lock is named first as the cause, with the versions
# that moved.
#   --out DIR   keep the fresh release in DIR (default: a temporary folder)
# Exit status: 0 no drift, 1 drift or a failed build.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
image=${PODVM_IMAGE:-pod} against= out=
die() { printf 'drift-check.sh: %s\n' "$*" >&2; exit 1; }
while [ $# -gt 0 ]; do
	case "$1" in
	--image) image=${2:?}; shift 2 ;;
	--against) against=${2:?}; shift 2 ;;
	--out) out=${2:?}; shift 2 ;;
	-h | --help) sed -n '3,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "usage: drift-check.sh [--image NAME] [--against DIR] [--out DIR]" >&2; exit 2 ;;
	esac
done
against=${against:-$top/refvalues/$image}
[ -f "$against/refvalues.json" ] || die "$against/refvalues.json: missing (./build.sh refvalues publishes it)"
build=${PODVM_BUILD_DIR:-build}
case "$build" in /*) ;; *) build=$top/$build ;; esac
measure=$build/bin/measure
[ -x "$measure" ] || die "$measure: not built (./build.sh tools)"

work=$(mktemp -d /var/tmp/podvm-drift.XXXXXX)
trap 'rm -rf "$work"' EXIT
out=${out:-$work/out}
printf '==> drift-check: rebuilding %s from the current inputs into %s\n' "$image" "$out" >&2
if ! (cd "$top" && PODVM_IMAGE=$image PODVM_BUILD_DIR=$build PODVM_STAGE_DIR=$work/stage \
	PODVM_OUT=$out ./build.sh stages) >"$work/build.log" 2>&1; then
	tail -20 "$work/build.log" >&2
	die "the build failed"
fi

rc=0
"$measure" drift "$against/refvalues.json" "$out/refvalues.json" || rc=$?
case $rc in
0) echo "drift-check: no drift: the published values of $image are what its inputs give"; exit 0 ;;
3) ;;
*) die "measure drift failed" ;;
esac
# A changed lock is named as the cause, with the locked versions that moved:
# the build installs exactly the lock's versions, so rootfs packages or a
# kernel source other than those the published values record
# (build-info.json) are a lock change.
if [ -f "$against/build-info.json" ]; then
	lockmoved=$(jq -r -n --slurpfile a "$against/build-info.json" --slurpfile b "$out/build-info.json" '
		($a[0].inputs.rootfs.installed // {}) as $x | ($b[0].inputs.rootfs.installed // {}) as $y
		| ([$x, $y | keys[]] | unique[]
		   | select($x[.] != $y[.])
		   | "\(.) \($x[.] // "(absent)") -> \($y[.] // "(absent)")"),
		  ($a[0].inputs.kernel_source as $k | $b[0].inputs.kernel_source as $l
		   | if $k.version != $l.version or $k.sha256 != $l.sha256
		     then "\($l.package) \($k.version) -> \($l.version)" else empty end)')
	if [ -n "$lockmoved" ]; then
		echo "drift-check: CAUSE: the lock changed (images/$image/lock): the versions it locks differ from those the published values were built from:"
		printf '%s\n' "$lockmoved" | sed 's/^/drift-check:   lock: /'
	fi
	moved=$(diff <(jq -S '{inputs, tools}' "$against/build-info.json") \
		<(jq -S '{inputs, tools}' "$out/build-info.json") | grep '^[<>]' || true)
	if [ -n "$moved" ]; then
		echo "drift-check: recorded inputs and tools that differ (< published, > now):"
		printf '%s\n' "$moved" | sed 's/^/drift-check:   /'
	else
		echo "drift-check: the recorded inputs and tools are the same: the build is not reproducible"
	fi
fi
echo "drift-check: DRIFT: the values of $image differ from $against (update them with ./build.sh refvalues if intended)"
exit 1
