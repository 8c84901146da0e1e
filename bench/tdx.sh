#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench/tdx.sh - how fast `measure tdx` is, against calculate-tdx-mrs.
#
# Usage: bench/tdx.sh            (after meson compile -C build)
# Environment:
#   CALCULATE_TDX_MRS=FILE  Fraunhofer-AISEC measured-boot-tools'
#                           calculate-tdx-mrs, built OUTSIDE this repository
#                           (the fastest public tool that ran here: C and
#                           OpenSSL; quex's JavaScript and td-shim's Python
#                           are slower); when set it is timed too, and its
#                           values are compared with ours
#   MEASURE, TDX_GEN        the binaries (default: build/...)
#   RUNS                    runs per case, the minimum is reported (7)
#   WRAP                    a prefix for every timed command (as bench/all.sh)
#
# Cases (issue 15): MRTD of a 4 MiB TDVF image (tdx-gen: a 3 MiB BFV
# extended, 1 MiB CFV), and MRTD + RTMR1 + RTMR2 with a 12 MiB PE/COFF
# kernel and a command line; the same with QEMU's setup-header rewrite
# (--kernel-header qemu-patched, ours only: calculate-tdx-mrs rewrites
# more fields than QEMU, tests/kat/tdx/README.md).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
M=${MEASURE:-$top/build/tools/measure/measure}
G=${TDX_GEN:-$top/build/tests/cli/tdx-gen}
C=${CALCULATE_TDX_MRS:-}
RUNS=${RUNS:-7}
for b in "$M" "$G"; do
	[ -x "$b" ] || { echo "bench/tdx.sh: $b not built (meson compile -C build)" >&2; exit 1; }
done
D=$(mktemp -d "${TMPDIR:-/tmp}/podvm-bench-tdx.XXXXXX")
trap 'rm -rf "$D"' EXIT

"$G" fw "$D/ovmf.fd" 4194304 7
"$G" pe "$D/kernel" 6291456 4096 0 16 8   # 12 MiB + 5 KiB
"$G" pe "$D/bzkernel" 6291456 4096 0 16 8 hdrs   # the same with a setup header
printf 'console=ttyS0' >"$D/cmdline"

# min_ms CMD...: the smallest wall time of $RUNS runs, in ms (3 decimals)
min_ms() {
	local best= i s e t
	for ((i = 0; i < RUNS; i++)); do
		s=$(date +%s%N); ${WRAP:-} "$@" >/dev/null 2>&1; e=$(date +%s%N)
		t=$((e - s))
		if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
	done
	printf '%d.%03d' $((best / 1000000)) $(((best / 1000) % 1000))
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $RUNS runs each, minimum wall time"
MRTD=(tdx --firmware "$D/ovmf.fd")
BOOT=(tdx --firmware "$D/ovmf.fd" --kernel "$D/kernel" --append console=ttyS0)
ours_mrtd=$(min_ms "$M" "${MRTD[@]}")
ours_boot=$(min_ms "$M" "${BOOT[@]}")
echo "measure tdx, MRTD of a 4 MiB firmware: $ours_mrtd ms"
echo "measure tdx, MRTD + RTMRs with a 12 MiB kernel: $ours_boot ms"
ours_patched=$(min_ms "$M" tdx --firmware "$D/ovmf.fd" --kernel "$D/bzkernel" \
	--append console=ttyS0 --kernel-header qemu-patched)
echo "measure tdx, the same with a bzImage header, --kernel-header qemu-patched: $ours_patched ms (ours only)"
if [ -n "$C" ]; then
	theirs_mrtd=$(min_ms "$C" --ovmf "$D/ovmf.fd" -m 0 --summary)
	theirs_boot=$(min_ms "$C" --ovmf "$D/ovmf.fd" --kernel "$D/kernel" \
		--cmdline "$D/cmdline" -m 0,2,3 --summary)
	echo "calculate-tdx-mrs, MRTD: $theirs_mrtd ms (ours $(ratio "$theirs_mrtd" "$ours_mrtd")x faster)"
	echo "calculate-tdx-mrs, MRTD + RTMR1 + RTMR2: $theirs_boot ms (ours $(ratio "$theirs_boot" "$ours_boot")x faster)"
	want=$("$C" --ovmf "$D/ovmf.fd" --kernel "$D/kernel" --cmdline "$D/cmdline" \
		-m 0,2,3 --summary 2>/dev/null | sed -n 's/^Name: \(MRTD\|RTMR1\|RTMR2\)//p' | tr 'A-F' 'a-f')
	got=$("$M" "${BOOT[@]}" | awk '$1 == "mrtd:" || $1 == "rtmr1:" || $1 == "rtmr2:" { print $2 }')
	if [ "$want" = "$got" ]; then
		echo "values: equal (MRTD, RTMR1, RTMR2)"
	else
		echo "values DIFFER:"; echo "ours:   $got" | tr '\n' ' '; echo; echo "theirs: $want" | tr '\n' ' '; echo
		exit 1
	fi
fi
