#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench/cca.sh - time `measure cca` on the payload of cca-rim.md §10: a
# 30 MiB + 4567 B kernel (image_size 32 MiB) and a 20 MiB + 999 B initrd in
# a 256 MiB realm, profile 1.0-eac5, kvmtool, SHA-256 and SHA-512.  With
# LKVM_RIM_MEASURER=/path/to/lkvm-rim-measurer (Islet's, built outside this
# repository) it also times that tool on the same files and checks that
# both print the same RIM.  Then the firmware boot (cca-rim.md §11.1) as
# the learning path launches it (-m 512M -c 1, one disk) with the
# published image's firmware: FIRMWARE=FILE, else out/KVMTOOL_EFI.fd (or
# OUT=DIR's), which ./build.sh kvmtool-firmware builds; only when there is
# none a 2 MiB pseudo-random stand-in, and the output says which was used;
# for profiles 1.0-eac5 and 1.0, also against the measurer when given.
#
# Usage: bench/cca.sh [MEASURE]   (default: build/tools/measure/measure)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
MEASURE=${1:-$top/build/tools/measure/measure}
RUNS=${RUNS:-7}
T=$(mktemp -d "${TMPDIR:-/tmp}/podvm-bench-cca.XXXXXX")
trap 'rm -rf "$T"' EXIT

# the arm64 Image header of tests/cli/gen.sh, then 30 MiB of keystream
. "$top/tests/cli/gen.sh"
gen_image 30 $(( (30 << 20) + 4567 )) $((32 << 20)) >"$T/Image"
gen_bytes 20 $(( (20 << 20) + 999 )) >"$T/initrd"

# best and median wall time of RUNS runs, and the least CPU time (user +
# system), in ms; the output of the last run stays in $T/out.  CPU time
# says more than wall time on a machine shared with other jobs.
timeit() {
	local i t0 t1 times=() cpus=()
	for i in $(seq "$RUNS"); do
		t0=$(date +%s%N)
		/usr/bin/time -f '%U %S' -o "$T/cpu" "$@" >"$T/out" 2>/dev/null
		t1=$(date +%s%N)
		times+=($(( (t1 - t0) / 1000000 )))
		cpus+=($(awk '{printf "%d", ($1 + $2) * 1000}' "$T/cpu"))
	done
	printf '%s %s\n' \
		"$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%d %d", a[1], a[int((NR+1)/2)]}')" \
		"$(printf '%s\n' "${cpus[@]}" | sort -n | head -1)"
}

echo "cca bench: kernel 30 MiB + 4567 B (image_size 32 MiB), initrd 20 MiB + 999 B, -m 256M -c 1, $(nproc) CPUs, $RUNS runs"
for alg in sha256 sha512; do
	read -r best med cpu < <(timeit "$MEASURE" cca --vmm kvmtool --rmm 1.0-eac5 \
		-k "$T/Image" -i "$T/initrd" -m 256M -c 1 --measurement-algo "$alg")
	ours=$(cat "$T/out")
	printf '  measure cca          %s: best %4d ms, median %4d ms, cpu %4d ms  RIM %s\n' "$alg" "$best" "$med" "$cpu" "${ours:0:16}..."
	if [ -n "${LKVM_RIM_MEASURER:-}" ]; then
		(cd "$T" && read -r obest omed ocpu < <(timeit "$LKVM_RIM_MEASURER" run --realm \
			--measurement-algo="$alg" --disable-sve --console serial -m 256M -c 1 \
			-k Image -i initrd) &&
		 theirs=$(sed -n 's/^RIM: //p' "$T/out" | tr 'A-F' 'a-f') &&
		 printf '  lkvm-rim-measurer    %s: best %4d ms, median %4d ms, cpu %4d ms  RIM %s  %s\n' \
			"$alg" "$obest" "$omed" "$ocpu" "${theirs:0:16}..." \
			"$([ "$theirs" = "$ours" ] && echo same || echo DIFFERENT)" &&
		 awk -v a="$obest" -v b="$best" -v c="$ocpu" -v d="$cpu" 'BEGIN {printf "  ratio lkvm-rim-measurer / measure cca: wall %.1fx, cpu %.1fx\n", a / b, c / (d ? d : 1)}')
	fi
done

FIRMWARE=${FIRMWARE:-}
outdir=${OUT:-out}
case "$outdir" in /*) ;; *) outdir=$top/$outdir ;; esac
if [ -z "$FIRMWARE" ] && [ -f "$outdir/KVMTOOL_EFI.fd" ]; then
	FIRMWARE=$outdir/KVMTOOL_EFI.fd
fi
if [ -n "$FIRMWARE" ]; then
	cp "$FIRMWARE" "$T/fw.fd"
	fwname="$FIRMWARE, sha256 $(sha256sum <"$FIRMWARE" | cut -c1-16)..."
else
	gen_bytes 31 $((2 << 20)) >"$T/fw.fd"
	fwname="a pseudo-random STAND-IN: no $outdir/KVMTOOL_EFI.fd (./build.sh kvmtool-firmware) and no FIRMWARE=FILE"
fi
truncate -s 1M "$T/disk.img"
echo "cca bench, firmware boot: $(stat -c %s "$T/fw.fd") B firmware ($fwname), -m 512M -c 1, one disk, sha256"
for rmm in 1.0-eac5 1.0; do
	read -r best med cpu < <(timeit "$MEASURE" cca --vmm kvmtool --rmm "$rmm" \
		--firmware "$T/fw.fd" --disks 1 -m 512M -c 1)
	ours=$(cat "$T/out")
	printf '  measure cca %-8s  firmware: best %4d ms, median %4d ms, cpu %4d ms  RIM %s\n' "$rmm" "$best" "$med" "$cpu" "${ours:0:16}..."
	if [ "$rmm" = 1.0-eac5 ] && [ -n "${LKVM_RIM_MEASURER:-}" ]; then
		(cd "$T" && read -r obest omed ocpu < <(HOME=$T timeit "$LKVM_RIM_MEASURER" run --realm \
			--measurement-algo=sha256 --disable-sve --console serial -m 512M -c 1 \
			-d disk.img --firmware fw.fd) &&
		 theirs=$(sed -n 's/^RIM: //p' "$T/out" | tr 'A-F' 'a-f') &&
		 printf '  lkvm-rim-measurer     firmware: best %4d ms, median %4d ms, cpu %4d ms  RIM %s  %s\n' \
			"$obest" "$omed" "$ocpu" "${theirs:0:16}..." \
			"$([ "$theirs" = "$ours" ] && echo same || echo DIFFERENT)")
	fi
done
