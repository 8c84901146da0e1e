#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench/igvmgen.sh - time igvmgen build against microsoft/igvm-tooling on
# the same inputs, and print the ratio.
#
# Usage: bench/igvmgen.sh KERNEL INITRD [RUNS]
#   IGVMGEN          our tool (default build/bin/igvmgen)
#   IGVM_TOOLING     a command that runs igvm-tooling's igvmgen (python3 -m
#                    igvm.igvmgen with its PYTHONPATH); without it only podvm
#                    is timed.  The oracle runs outside the repository.
#   ACPI_PAGES       ACPI page folder for --vmm clh (default: one generated
#                    zero RSDP page; the timing does not depend on it)
# Both build the Cloud Hypervisor flavour (igvm-tooling's only one) with
# -boot_mode x64 -pvalidate_opt 0; podvm's qemu flavour is timed too.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
G=${IGVMGEN:-$top/build/bin/igvmgen}
K=$(realpath "${1:?kernel}")
I=$(realpath "${2:?initrd}")
RUNS=${3:-5}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
if [ -z "${ACPI_PAGES:-}" ]; then
	mkdir -p "$T/acpi"
	head -c 4096 /dev/zero >"$T/acpi/0x000e0000.bin"
	ACPI_PAGES=$T/acpi
fi
# best wall time of RUNS, in seconds
best() {
	local b=999999 s e t i
	for i in $(seq "$RUNS"); do
		s=$(date +%s.%N)
		"$@" >/dev/null 2>"$T/err" || { cat "$T/err" >&2; echo "bench: $1 failed" >&2; exit 1; }
		e=$(date +%s.%N)
		t=$(echo "$e - $s" | bc)
		if [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}
size=$(($(stat -c %s "$K") + $(stat -c %s "$I")))
ours_clh=$(best "$G" build --vmm clh --kernel "$K" --initrd "$I" --cmdline console=ttyS0 \
	--pvalidate-opt no --acpi-pages "$ACPI_PAGES" -o "$T/p.igvm")
ours_qemu=$(best "$G" build --vmm qemu --kernel "$K" --initrd "$I" --cmdline console=ttyS0 \
	--memory 2G -o "$T/q.igvm")
rss=$( { /usr/bin/time -f '%M' "$G" build --vmm qemu --kernel "$K" --initrd "$I" \
	--cmdline console=ttyS0 --memory 2G -o "$T/q.igvm" >/dev/null; } 2>&1 | tail -1)
printf 'inputs: %d bytes; qemu output %d bytes, peak RSS %d KiB (%.2fx the output)\n' \
	"$size" "$(stat -c %s "$T/q.igvm")" "$rss" \
	"$(echo "$rss * 1024 / $(stat -c %s "$T/q.igvm")" | bc -l)"
printf 'podvm igvmgen --vmm qemu: %.3f s (best of %d)\n' "$ours_qemu" "$RUNS"
printf 'podvm igvmgen --vmm clh:  %.3f s (best of %d)\n' "$ours_clh" "$RUNS"
if [ -n "${IGVM_TOOLING:-}" ]; then
	theirs=$(cd "$T" && best $IGVM_TOOLING -o "$T/o.igvm" -kernel "$K" -append console=ttyS0 \
		-rdinit "$I" -boot_mode x64 -vtl 0 -inform bzImage -pvalidate_opt 0)
	printf 'igvm-tooling igvmgen:      %.3f s (best of %d)\n' "$theirs" "$RUNS"
	printf 'ratio (igvm-tooling / podvm clh): %.1fx\n' "$(echo "$theirs / $ours_clh" | bc -l)"
else
	echo "igvm-tooling: not run (set IGVM_TOOLING)"
fi
