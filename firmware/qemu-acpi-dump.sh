#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# qemu-acpi-dump.sh OUT VCPUS MEMORY_MIB - QEMU's ACPI fw_cfg blobs of a
# Kata-shaped q35 TDX guest, as the firmware reads and measures them into
# RTMR0 (docs/tdx.md section 11): OUT/table-loader, OUT/rsdp, OUT/tables
# and OUT/manifest.json (the QEMU version, its arguments, the sha256s).
#
# QEMU runs with the qtest accelerator and its vCPUs stopped (-S), the
# qtest protocol on a pipe; no guest code runs.  The script does what
# OVMF does before it reads the blobs and what the ACPI tables depend on
# (the PCIEXBAR of the q35 host bridge, the ICH9 PM base and ACPI
# enable), then reads the three files through the fw_cfg DMA interface.
# QEMU builds the tables at the first read of one of them
# (acpi_build_update), from the machine as it is then.  The QEMU is the
# TDX-capable one firmware/PINNED-TDX-QEMU pins (Debian trixie-backports,
# unpacked by firmware/tdx-qemu.sh, run with its own loader);
# PODVM_QEMU_X86 names another (it needs the qtest accelerator).  The
# outputs are cached by the sha256 of this script, the QEMU version, the
# pin and the arguments.
set -euo pipefail
out=${1:?usage: qemu-acpi-dump.sh OUT VCPUS MEMORY_MIB}
vcpus=${2:?usage: qemu-acpi-dump.sh OUT VCPUS MEMORY_MIB}
mem=${3:?usage: qemu-acpi-dump.sh OUT VCPUS MEMORY_MIB}
die() { printf 'qemu-acpi-dump.sh: %s\n' "$*" >&2; exit 1; }
say() { printf '==> tdx-acpi: %s\n' "$*" >&2; }
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
case "$vcpus" in '' | *[!0-9]* | 0*) die "VCPUS '$vcpus': expected a count 1..512" ;; esac
case "$mem" in '' | *[!0-9]* | 0*) die "MEMORY_MIB '$mem': expected MiB" ;; esac
[ "$vcpus" -le 512 ] || die "VCPUS $vcpus: at most 512"
[ "$mem" -ge 130 ] || die "MEMORY_MIB $mem: at least 130 (the DMA buffer lies at 1 MiB)"

# Kata's q35 TDX topology (kata-containers 4.x, as Contrast's
# packages/by-name/kata/qemuACPIBlobs mirrors it): the device order sets
# the PCI slots the DSDT describes.  Backends without a host resource
# stand in for the disks, the tap and the vsock (balloon keeps its slot).
# The machine options are what QEMU's TDX support forces (no SMM, no PIC,
# a split irqchip; docs/tdx.md section 11 lists what reaches the tables).
args=(-machine q35,smm=off,pic=off,kernel_irqchip=split -accel qtest -S -cpu qemu64 -m "${mem}M"
	-device pcie-root-port,id=rp-pci-bridge-0,bus=pcie.0,chassis=16,slot=0,addr=2,multifunction=off,bus-reserve=0x1,pref64-reserve=1m,mem-reserve=1m,io-reserve=4k
	-device pcie-pci-bridge,bus=rp-pci-bridge-0,id=pci-bridge-0
	-device virtio-serial-pci,disable-modern=false,id=serial0
	-blockdev driver=null-co,node-name=drv-image,size=1073741824
	-device virtio-blk-pci,disable-modern=false,drive=drv-image
	-device virtio-scsi-pci,id=scsi0,disable-modern=false
	-blockdev driver=null-co,node-name=drv-initdata,size=1073741824
	-device virtio-blk-pci,disable-modern=false,drive=drv-initdata
	-blockdev driver=null-co,node-name=drv-imagepuller,size=1073741824
	-device virtio-blk-pci,disable-modern=false,drive=drv-imagepuller
	-device virtio-balloon-pci
	-netdev hubport,id=network-0,hubid=0
	-device virtio-net-pci,netdev=network-0,disable-modern=false
	-rtc base=utc,driftfix=slew,clock=host -vga none -no-user-config -nodefaults
	-nographic --no-reboot
	-object "memory-backend-ram,id=dimm1,size=${mem}M" -numa node,memdev=dimm1
	-smp "$vcpus,cores=1,threads=1")
if [ -n "${PODVM_QEMU_X86:-}" ]; then
	command -v "$PODVM_QEMU_X86" >/dev/null || die "PODVM_QEMU_X86=$PODVM_QEMU_X86: no such program"
	qemu=("$PODVM_QEMU_X86")
	pkg="unknown (PODVM_QEMU_X86)" pinned=none
else
	root=$("$here/tdx-qemu.sh") || die "the pinned QEMU (firmware/tdx-qemu.sh) failed"
	lib=$root/usr/lib/x86_64-linux-gnu
	export QEMU_MODULE_DIR=$lib/qemu
	qemu=("$lib/ld-linux-x86-64.so.2" --library-path "$lib" "$root/usr/bin/qemu-system-x86_64"
		-L "$root/usr/share/qemu" -L "$root/usr/share/seabios")
	pkg="$(sed -n 's/^qemu_version=//p' "$root/.pinned") (firmware/PINNED-TDX-QEMU)"
	pinned=$(sha256sum <"$root/.pinned" | cut -d' ' -f1)
fi
version=$("${qemu[@]}" --version | sed -n 1p)

key=$( {
	sha256sum <"${BASH_SOURCE[0]}" | cut -d' ' -f1
	printf '%s\n' "$version" "$pkg" "$pinned" "${args[@]}"
} | sha256sum | cut -c1-32)
cache_root=${PODVM_CACHE:-$( [ "$(id -u)" -eq 0 ] && echo /var/cache/podvm || echo "${XDG_CACHE_HOME:-$HOME/.cache}/podvm")}/tdx-acpi
cache=$cache_root/$key
files=(table-loader rsdp tables)
if [ -f "$cache/manifest.json" ]; then
	say "${vcpus} vCPU, ${mem} MiB: cached ($cache)"
	mkdir -p "$out"
	for f in "${files[@]}" manifest.json; do cp "$cache/$f" "$out/$f"; done
	exit 0
fi

mkdir -p "$cache_root"
work=$(mktemp -d "$cache_root/.work.XXXXXX")
qpid=
cleanup() {
	[ -z "$qpid" ] || kill "$qpid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
coproc QT { exec "${qemu[@]}" "${args[@]}" -display none -qtest stdio -qtest-log /dev/null 2>"$work/qemu.log"; }
qpid=$QT_PID
# q CMD: one qtest command; its answer's words after "OK" in $reply
q() {
	local line
	printf '%s\n' "$*" >&"${QT[1]}"
	IFS= read -r -t 60 line <&"${QT[0]}" || die "QEMU did not answer '$*' ($(tail -3 "$work/qemu.log" 2>/dev/null))"
	case "$line" in
	OK*) reply=${line#OK} reply=${reply# } ;;
	*) die "QEMU answered '$*' with: $line" ;;
	esac
}
# PCI configuration writes through the 0xcf8/0xcfc mechanism
pci_addr() { printf '0x%x' $((0x80000000 | $1 << 16 | $2 << 11 | $3 << 8 | ($4 & 0xfc))); }
pci_w32() { q outl 0xcf8 "$(pci_addr "$@")"; q outl 0xcfc "$(printf '0x%x' "$5")"; }
pci_w8() { q outl 0xcf8 "$(pci_addr "$@")"; q outb "$(printf '0x%x' $((0xcfc + ($4 & 3))))" "$(printf '0x%x' "$5")"; }
# What OVMF's PlatformPei programs on q35 before any ACPI blob is read:
# PCIEXBAR (MCH register 0x60: base 0xE0000000, enabled), ICH9 PMBASE
# (LPC register 0x40: 0x600) and ACPI_CNTL (0x44: ACPI enable).
pci_w32 0 0 0 0x64 0
pci_w32 0 0 0 0x60 $((0xe0000000 | 1))
pci_w32 0 31 0 0x40 0x600
pci_w8 0 31 0 0x44 0x80

# dma SELECT LENGTH FILE: read LENGTH bytes of fw_cfg item SELECT through
# the DMA interface (QEMU docs/specs/fw_cfg.rst: an FWCfgDmaAccess, all
# big-endian, at guest address 0x1000; the data to 0x100000)
dma() {
	local ctl
	ctl=$(printf '%08x' $(($1 << 16 | 0x08 | 0x02)))
	q write 0x1000 16 "0x${ctl}$(printf '%08x' "$2")0000000000100000"
	# the address register is big-endian: writing its low half starts it
	q outl 0x514 0
	q outl 0x518 0x00100000
	q read 0x1000 4
	[ "$reply" = 0x00000000 ] || die "fw_cfg DMA of item $1: control ends as $reply"
	if [ "$2" -gt 0 ]; then
		q b64read 0x100000 "$2"
		printf '%s' "$reply" | base64 -d >"$3"
	else
		: >"$3"
	fi
}
be() { od -An -tu1 -v "$@" | awk '{ for (i = 1; i <= NF; i++) v = v * 256 + $i } END { print v + 0 }'; }

# the file directory (item 0x19): u32 count, then {u32 size, u16 select,
# u16 reserved, char name[56]} per file, big-endian
dma 0x19 4 "$work/count"
n=$(be "$work/count")
[ "$n" -gt 0 ] && [ "$n" -lt 4096 ] || die "fw_cfg: $n files?"
dma 0x19 $((4 + 64 * n)) "$work/dir"
declare -A size sel
for ((i = 0; i < n; i++)); do
	off=$((4 + 64 * i))
	name=$(dd if="$work/dir" bs=1 skip=$((off + 8)) count=56 status=none | tr -d '\0')
	size[$name]=$(be -j "$off" -N 4 "$work/dir")
	sel[$name]=$(be -j $((off + 4)) -N 2 "$work/dir")
done
mkdir -p "$work/new"
manifest=$(jq -n --arg v "$version" --arg p "$pkg" --argjson c "$vcpus" --argjson m "$mem" \
	'{qemu: $v, package: ("qemu-system-x86 " + $p), vcpus: $c, memoryMiB: $m,
	  topology: "kata-containers 4.x q35 TDX (Contrast packages/by-name/kata/qemuACPIBlobs)"}')
for f in "${files[@]}"; do
	name=etc/$f
	[ "$f" = table-loader ] || name=etc/acpi/$f
	[ -n "${sel[$name]:-}" ] || die "fw_cfg has no $name"
	dma "${sel[$name]}" "${size[$name]}" "$work/new/$f"
	manifest=$(jq --arg f "$name" --arg s "$(sha256sum <"$work/new/$f" | cut -d' ' -f1)" \
		--argjson n "${size[$name]}" '.files[$f] = {size: $n, sha256: $s}' <<<"$manifest")
done
# (jq 1.6 reads an argument that starts with '-' as an option: a list)
jq -n --argjson m "$manifest" --argjson a "$(printf '%s\n' "${args[@]}" | jq -R . | jq -s .)" \
	'$m + {arguments: $a}' >"$work/new/manifest.json"
kill "$qpid" 2>/dev/null || true
wait "$qpid" 2>/dev/null || true
qpid=
rm -rf "$cache"
mv "$work/new" "$cache"
say "${vcpus} vCPU, ${mem} MiB: $(jq -r '.files | to_entries | map("\(.key) \(.value.size) bytes") | join(", ")' "$cache/manifest.json") ($version)"
mkdir -p "$out"
for f in "${files[@]}" manifest.json; do cp "$cache/$f" "$out/$f"; done
