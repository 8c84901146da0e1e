#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tdx-qemu.sh - the pinned QEMU of the TDX ACPI dump (firmware/tdx-qemu.sh,
# firmware/PINNED-TDX-QEMU, firmware/qemu-acpi-dump.sh; docs/tdx.md §11):
# the pin file's shape, the errors of a bad pin or a missing .deb (no
# network: a file:// mirror), the cache, and, when the pinned QEMU is
# already unpacked on this machine, the known-answer blobs of
# tests/kat/tdx/README.md ("The published inputs").
. "$(dirname "$0")/lib.sh"

src=${SRCDIR:?}
pin=$src/firmware/PINNED-TDX-QEMU
tq=$src/firmware/tdx-qemu.sh
dump=$src/firmware/qemu-acpi-dump.sh

run awk '!/^[[:space:]]*(#|$)/ && !/^[a-z_]+=/ && !($1 == "deb" && NF == 6 && $5 ~ /^[0-9a-f]+$/ && length($5) == 64 && $6 ~ /^pool\//)' "$pin"
check "PINNED-TDX-QEMU: every line is NAME=VALUE or deb NAME VERSION ARCH SHA256 PATH" test "$rc" -eq 0 -a ! -s "$T/out"
v=$(sed -n 's/^qemu_version=//p' "$pin")
check "PINNED-TDX-QEMU: qemu-system-x86 at qemu_version ($v), from trixie-backports" \
	test "$(awk '$1 == "deb" && $2 == "qemu-system-x86" { print $3 }' "$pin")" = "$v" -a "${v%~bpo13+*}" != "$v"
check "PINNED-TDX-QEMU: each package once" \
	test "$(awk '$1 == "deb" { print $2 }' "$pin" | sort | uniq -d | wc -l)" -eq 0

# a pin of two made-up .debs in a file:// mirror
mkdir -p "$T/mirror/pool/q" "$T/pkg/DEBIAN" "$T/pkg/usr/share/doc/fake"
printf 'Package: fake-qemu\nVersion: 1.0-1\nArchitecture: all\nMaintainer: none <none@invalid>\nDescription: fake\n' >"$T/pkg/DEBIAN/control"
echo hi >"$T/pkg/usr/share/doc/fake/x"
dpkg-deb -Zgzip --root-owner-group -b "$T/pkg" "$T/mirror/pool/q/fake-qemu_1.0-1_all.deb" >/dev/null
h=$(sha256sum <"$T/mirror/pool/q/fake-qemu_1.0-1_all.deb" | cut -d' ' -f1)
mkpin() {
	printf 'qemu_version=1.0-1\nmirror=file://%s/mirror\n' "$T"
	printf 'deb qemu-system-x86 1.0-1 all %s pool/q/fake-qemu_1.0-1_all.deb\n' "${1:-$h}"
}
mkpin zz >"$T/pin-bad"
run env PODVM_CACHE="$T/cache" PODVM_TDX_QEMU_PINNED="$T/pin-bad" "$tq"
expect_rc 1 "tdx-qemu.sh: a sha256 that is no sha256 stops"
expect_err_has "deb qemu-system-x86: 'zz' is no sha256" "and names the line"
mkpin "$(printf x | sha256sum | cut -d' ' -f1)" >"$T/pin-hash"
run env PODVM_CACHE="$T/cache" PODVM_TDX_QEMU_PINNED="$T/pin-hash" "$tq"
expect_rc 1 "tdx-qemu.sh: a .deb whose sha256 is not the pinned one stops"
expect_err_has "qemu-system-x86 1.0-1: cannot download file://$T/mirror/pool/q/fake-qemu_1.0-1_all.deb" "and names the package and its URL"
mkpin >"$T/pin-name"
run env PODVM_CACHE="$T/cache" PODVM_TDX_QEMU_PINNED="$T/pin-name" "$tq"
expect_rc 1 "tdx-qemu.sh: a .deb of another package than its line names stops"
expect_err_has "qemu-system-x86 1.0-1: pool/q/fake-qemu_1.0-1_all.deb holds Package: fake-qemu" "and says what it holds"
mkpin | sed 's/^qemu_version=.*/qemu_version=2.0-1/' >"$T/pin-ver"
run env PODVM_CACHE="$T/cache" PODVM_TDX_QEMU_PINNED="$T/pin-ver" "$tq"
expect_err_has "the qemu-system-x86 line is not at qemu_version 2.0-1" "tdx-qemu.sh: qemu_version and the qemu-system-x86 line must agree"
check "tdx-qemu.sh: nothing is cached after a failure" \
	test -z "$(find "$T/cache/tdx-qemu" -mindepth 1 2>/dev/null)"
# a cached folder is used as it is, with no download
c=$T/cache/tdx-qemu/$(sha256sum <"$T/pin-name" | cut -d' ' -f1)
mkdir -p "$c" && cp "$T/pin-name" "$c/.pinned"
run env PODVM_CACHE="$T/cache" PODVM_TDX_QEMU_PINNED="$T/pin-name" "$tq"
expect_out "$c" "tdx-qemu.sh: a folder cached under the pin's sha256 is printed, nothing fetched"

run "$dump" "$T/o" 0 512
expect_err_has "VCPUS '0': expected a count 1..512" "qemu-acpi-dump.sh: a vCPU count of 0 stops before QEMU"
run "$dump" "$T/o" 1 64
expect_err_has "MEMORY_MIB 64: at least 130" "qemu-acpi-dump.sh: too little memory for the DMA buffer stops"

# the known answers, when the pinned QEMU is unpacked here (the shared
# cache is read only; the dump's own cache is this test's)
real=/var/cache/podvm/tdx-qemu/$(sha256sum <"$pin" | cut -d' ' -f1)
if [ -f "$real/.pinned" ] && cmp -s "$real/.pinned" "$pin"; then
	mkdir -p "$T/kc/tdx-qemu"
	ln -s "$real" "$T/kc/tdx-qemu/${real##*/}"
	run env PODVM_CACHE="$T/kc" "$dump" "$T/k1" 1 512
	expect_rc 0 "qemu-acpi-dump.sh: 1 vCPU, 512 MiB with the pinned QEMU"
	run sha256sum "$T/k1/table-loader" "$T/k1/rsdp" "$T/k1/tables"
	expect_out "34e1f3b80f31217788579fcaa4e557e2e0ecb881f48fbbd3d3f865002689a2e3  $T/k1/table-loader
4faae9c5816aa27ca5d569ac8293e8fd56dd79e74a2f293772730dcb508492ec  $T/k1/rsdp
7b9cceac6f930e61dd2ddc504d7898b8af1643363d92f33791e07140926da173  $T/k1/tables" \
		"the blobs of tests/kat/tdx/README.md"
	check "the manifest names the pinned package and holds no path" \
		test "$(jq -r '.package' "$T/k1/manifest.json")" = "qemu-system-x86 $v (firmware/PINNED-TDX-QEMU)" -a \
		"$(grep -c "$T\|/var/cache" "$T/k1/manifest.json")" -eq 0
else
	ok "qemu-acpi-dump.sh known answers # SKIP the pinned QEMU is not unpacked here (./build.sh tdx-firmware)"
	ok "the blobs of tests/kat/tdx/README.md # SKIP"
	ok "the manifest # SKIP"
fi
finish
