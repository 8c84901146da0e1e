#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# boot-test.sh KERNEL DISK CMDLINE_FILE [ARCH] - boot the pod VM under QEMU
# (TCG: no KVM is needed) and prove that its root is verified, as TAP:
#   1. the untouched disk boots: the agent stand-in prints its marker after
#      root was mounted through dm-verity (/dev/dm-0);
#   2. the same disk with one byte flipped in the root partition does not:
#      the kernel reports verity corruption and the marker never appears.
# ARCH is x86_64 (default: bzImage, qemu-system-x86_64 -M q35) or arm64
# (Image, qemu-system-aarch64 -M virt -cpu max; docs/arm64.md §4).
# Each boot is bounded by BOOT_TIMEOUT seconds (default 600).
set -uo pipefail
kernel=${1:?usage: boot-test.sh KERNEL DISK CMDLINE_FILE [ARCH]}
disk=${2:?}
cmdline=$(cat "${3:?}")
arch=${4:-x86_64}
case "$arch" in
x86_64) qemu=(qemu-system-x86_64 -machine q35 -cpu max) ;;
# GICv3 as measure cca's QEMU model has it; pauth-impdef: QEMU's cheap
# pointer-authentication algorithm (the architected QARMA is what makes
# -cpu max slow under TCG), invisible to the guest's behaviour
arm64) qemu=(qemu-system-aarch64 -machine virt,gic-version=3 -cpu max,pauth-impdef=on) ;;
*) echo "usage: boot-test.sh KERNEL DISK CMDLINE_FILE [x86_64|arm64]" >&2; exit 2 ;;
esac
timeout=${BOOT_TIMEOUT:-600}
marker='podvm-agent: ready (root on /dev/dm-0)'
work=$(mktemp -d "${TMPDIR:-/var/tmp}/podvm-boot.XXXXXX")
trap 'rm -rf "$work"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }

# boot DISK LOG: run QEMU until the marker, a verity error, or the timeout.
boot() {
	local d=$1 log=$2 pid t=0
	: >"$log"
	"${qemu[@]}" -smp 2 -m 1024 -nodefaults \
		-display none -no-reboot -serial "file:$log" \
		-kernel "$kernel" -append "$cmdline panic=-1" \
		-drive "file=$d,if=virtio,format=raw,readonly=on" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null && [ "$t" -lt "$timeout" ]; do
		if grep -qF "$marker" "$log" || grep -q 'verity.*is corrupted' "$log"; then
			sleep 2
			break
		fi
		sleep 1; t=$((t + 1))
	done
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	echo "# boot took ${t}s (timeout ${timeout}s)"
}

boot "$disk" "$work/good.log"
if grep -qF "$marker" "$work/good.log"; then
	ok "the pod VM ($arch) boots and the agent reports root on /dev/dm-0"
else
	not_ok "the pod VM ($arch) boots and the agent reports root on /dev/dm-0"
	tail -40 "$work/good.log" | sed 's/^/# /'
fi

# Flip one byte in the first block of the root partition (the erofs
# superblock lives there, so the kernel reads it at mount).
cp --sparse=always "$disk" "$work/tampered.img"
start=$(sgdisk -i 1 "$disk" | sed -n 's/^First sector: \([0-9]*\).*/\1/p')
off=$((start * 512 + 1100))
byte=$(od -An -tu1 -j "$off" -N1 "$work/tampered.img" | tr -d ' ')
printf "$(printf '\\%03o' $((byte ^ 0xff)))" |
	dd of="$work/tampered.img" bs=1 seek="$off" conv=notrunc status=none
boot "$work/tampered.img" "$work/bad.log"
if grep -q 'device-mapper: verity: .*: data block [0-9]* is corrupted' "$work/bad.log" &&
	! grep -qF "$marker" "$work/bad.log"; then
	ok "a flipped byte in the root partition ($arch) is caught by dm-verity"
else
	not_ok "a flipped byte in the root partition ($arch) is caught by dm-verity"
	tail -40 "$work/bad.log" | sed 's/^/# /'
fi
echo "1..$n"
[ "$failed" -eq 0 ]
