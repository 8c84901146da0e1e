#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# firmware-boot-test.sh OVMF KERNEL DISK CMDLINE_FILE - what can be checked
# of the SNP firmware (out/OVMF-SNP.fd) without SEV-SNP hardware, as TAP:
#   1. its footer GUID table and SEV metadata, read by a parser of this
#      script's own: the SEV hash table (GUID 7255371f-...-1da6efa8d454) has
#      a base and a size, inside a SNP_KERNEL_HASHES section (type 0x10);
#   2. measure snp --ovmf with --kernel and --append succeeds, and its
#      launch log puts the hash-table page at that base, with the SHA-256s
#      of the kernel and of the command line (NUL-terminated, as QEMU
#      hashes it);
#   3. QEMU (TCG, no SEV) runs the firmware from pflash with direct kernel
#      boot: the firmware reads the kernel through fw_cfg, refuses it, and
#      stops with "No bootable option was found.".  The AmdSev platform verifies every fw_cfg blob against
#      the SEV hash table, which QEMU fills only for an SEV guest; without
#      it VerifyBlob returns EFI_ACCESS_DENIED, the kernel is never
#      started, and there is no other boot option (firmware.md §5).  So
#      the pod VM's marker (and the kernel's first line) must not appear.
# The boot is bounded by FW_BOOT_TIMEOUT seconds (default 300) until the
# firmware gives up, then FW_BOOT_SETTLE (default 10) more.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ovmf=${1:?usage: firmware-boot-test.sh OVMF KERNEL DISK CMDLINE_FILE}
kernel=${2:?}
disk=${3:?}
cmdline=$(cat "${4:?}")
build=${PODVM_BUILD_DIR:-build}
case "$build" in /*) ;; *) build=$top/$build ;; esac
measure=$build/bin/measure
timeout=${FW_BOOT_TIMEOUT:-300}
settle=${FW_BOOT_SETTLE:-10}
marker='podvm-agent: ready (root on /dev/dm-0)'
work=$(mktemp -d "${TMPDIR:-/var/tmp}/podvm-fwboot.XXXXXX")
trap 'rm -rf "$work"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
diag() { sed 's/^/# /' "$1" | tail -"${2:-20}"; }

# 1. The footer GUID table (OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.asm:
# it ends 32 bytes before the end of the image; each entry is data, u16
# size, GUID, read backwards) and the SEV metadata it points to
# (OvmfPkg/ResetVector/X64/OvmfSevMetadata.asm: "ASEV", size, version,
# count, then {gpa, size, type} per section).
rc=0
/usr/bin/python3 - "$ovmf" >"$work/table" 2>&1 <<'EOF' || rc=$?
import struct, sys, uuid
fw = open(sys.argv[1], 'rb').read()
def guid(s):
    return uuid.UUID(s).bytes_le
end = len(fw) - 32
size, g = struct.unpack_from('<H16s', fw, end - 18)
assert g == guid('96b582de-1fb2-45f7-baea-a366c55a082d'), 'no footer GUID table'
table, entries, p = fw[end - size:end - 18], {}, end - 18
while p > end - size:
    esize, eg = struct.unpack_from('<H16s', fw, p - 18)
    assert 18 <= esize <= p - (end - size), 'bad entry size %d' % esize
    entries.setdefault(eg, fw[p - esize:p - 18])
    p -= esize
ht = entries.get(guid('7255371f-3a3b-4b04-927b-1da6efa8d454'))
assert ht is not None, 'no SEV hash table GUID in the footer table'
base, hsize = struct.unpack_from('<II', ht)
meta = entries.get(guid('dc886566-984a-4798-a75e-5585a7bf67cc'))
assert meta is not None, 'no SEV metadata GUID in the footer table'
off = len(fw) - struct.unpack_from('<I', meta)[0]
sig, msize, ver, count = struct.unpack_from('<4sIII', fw, off)
assert sig == b'ASEV', 'SEV metadata signature %r' % sig
sections = [struct.unpack_from('<III', fw, off + 16 + 12 * i) for i in range(count)]
kh = [s for s in sections if s[2] == 0x10]
assert kh, 'no SNP_KERNEL_HASHES section (type 0x10): %r' % sections
gpa, ksize, _ = kh[0]
assert gpa <= base and base + hsize <= gpa + ksize, 'hash table outside the section'
print('%#x %d %#x %d %d' % (base, hsize, gpa, ksize, ver))
EOF
if [ "$rc" -eq 0 ] && read -r base hsize kgpa ksize mver <"$work/table" && [ -n "${mver:-}" ]; then
	ok "OVMF-SNP.fd: SEV hash table at $base ($hsize bytes) inside its SNP_KERNEL_HASHES section ($kgpa, $ksize bytes; SEV metadata version $mver)"
else
	not_ok "OVMF-SNP.fd: SEV hash table inside an SNP_KERNEL_HASHES section"; diag "$work/table"
	base=
fi

# 2. What measure makes of the same firmware.
if "$measure" snp --ovmf "$ovmf" --vcpus 1 --vcpu-type EPYC-Milan --kernel "$kernel" --append "$cmdline" \
	--log "$work/log.jsonl" >"$work/ld" 2>"$work/err"; then
	step=$(jq -c 'select(.region == "kernel-hashes" and .kernel_sha256 != null)' "$work/log.jsonl" | sed -n 1p)
	ksha=$(sha256sum <"$kernel" | cut -d' ' -f1)
	csha=$(printf '%s\0' "$cmdline" | sha256sum | cut -d' ' -f1)
	page=$(printf '%#x' $(( ${base:-0} & ~0xfff )))
	if [ -n "$step" ] && [ -n "$base" ] &&
		[ "$(jq -r '.gpa' <<<"$step" | xargs printf '%#x')" = "$page" ] &&
		[ "$(jq -r '.kernel_sha256' <<<"$step")" = "$ksha" ] &&
		[ "$(jq -r '.cmdline_sha256' <<<"$step")" = "$csha" ]; then
		ok "measure snp --kernel --append: the hash table page at $page, with the kernel's and the command line's SHA-256 (launch digest $(cat "$work/ld"))"
	else
		not_ok "measure snp --kernel --append: the hash table page where the firmware says, with the right hashes"
		echo "# firmware: $page; measure: ${step:-no kernel-hashes step}"
	fi
else
	not_ok "measure snp --ovmf OVMF-SNP.fd --kernel --append succeeds"; diag "$work/err"
fi

# 3. QEMU without SEV: the kernel is read, and refused.  The firmware reads
# the kernel blob (fw_cfg keys 0x0017/0x0018 setup, 0x0008/0x0011 kernel),
# VerifyBlob denies it and the loader stops before the initrd (0x0012) and
# the command line (0x0015); BdsDxe then finds only the (empty) grub image
# and, with PcdBootRestrictToFirmware, prints "No bootable option was
# found." and stops (OvmfPkg/Library/PlatformBootManagerLib/BdsPlatform.c).
: >"$work/serial"
qemu-system-x86_64 -machine q35 -cpu max -smp 1 -m 1024 -nodefaults \
	-display none -no-reboot -serial "file:$work/serial" \
	-drive "if=pflash,format=raw,readonly=on,file=$ovmf" \
	-kernel "$kernel" -append "$cmdline panic=-1" \
	-drive "file=$disk,if=virtio,format=raw,readonly=on" \
	-trace fw_cfg_select -D "$work/trace" 2>"$work/qemu.err" &
pid=$!
t=0 stop=
while kill -0 "$pid" 2>/dev/null && [ "$t" -lt "$timeout" ]; do
	if [ -z "$stop" ] && grep -q 'No bootable option' "$work/serial"; then
		stop=$t
	fi
	# a few more seconds, for anything that would follow
	[ -z "$stop" ] || [ $((t - stop)) -lt "$settle" ] || break
	grep -qF "$marker" "$work/serial" && break
	sleep 1; t=$((t + 1))
done
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
key() { grep -c "fw_cfg_select .* key $1 " "$work/trace" 2>/dev/null || true; }
echo "# firmware ran ${t}s under TCG; 'No bootable option' at ${stop:-never}s; fw_cfg reads: kernel $(key 0x0011), initrd $(key 0x0012), cmdline $(key 0x0015)"
if [ -n "$stop" ] && [ "$(key 0x0011)" -gt 0 ] && [ "$(key 0x0015)" -eq 0 ] &&
	! grep -qF "$marker" "$work/serial" && ! grep -q 'Linux version' "$work/serial"; then
	ok "QEMU without SEV: the firmware reads the kernel over fw_cfg, refuses it (no SEV hash table) and stops: no bootable option"
else
	not_ok "QEMU without SEV: the firmware reads the kernel over fw_cfg, refuses it and stops"
	diag "$work/serial"
fi
echo "1..$n"
[ "$failed" -eq 0 ]
