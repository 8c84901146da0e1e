#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# measure-cca-qemu.sh - measure cca --vmm qemu --qemu-version: the generated
# DTB equals QEMU's own -machine dumpdtb= byte for byte, for the matrix of
# tests/kat/cca/qemu-dtb.txt (recorded sha256s with provenance), and, when
# qemu-system-aarch64 is installed, against dumps taken live.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gen.sh"

K=$T/Image I=$T/initrd KAT=$SRCDIR/tests/kat/cca/qemu-dtb.txt
gen_cca_inputs "$K" "$I"
check "Image is the one QEMU was given" test "$(sha "$K")" = "$CCA_IMAGE_SHA"
check "initrd is the one QEMU was given" test "$(sha "$I")" = "$CCA_INITRD_SHA"
LONG=$(for i in $(seq 1 60); do printf 'opt%02d=value%02d ' "$i" "$i"; done)

# The QEMU installed here, if any, is a live oracle for its version.
live=
if command -v qemu-system-aarch64 >/dev/null 2>&1; then
	case $(qemu-system-aarch64 --version | head -1) in
	*"version 7.2."*) live=7.2 ;;
	*"version 10.0."*) live=10.0 ;;
	esac
fi

# gen_args VERSION GIC MEM SMP INITRD CMDLINE: measure cca's arguments
gen_args() {
	local irq
	case $2 in 3) irq=gicv3-its ;; 3-noits) irq=gicv3 ;; *) irq=gicv2 ;; esac
	A=(cca --vmm qemu --rmm 1.0 --qemu-version "$1" --ipa-bits 40 -k "$K"
	   -m "$3" -c "$4" --irqchip "$irq")
	[ "$5" = 1 ] && A+=(-i "$I")
	case $6 in NONE) ;; "''") A+=(-p "") ;; LONG) A+=(-p "$LONG") ;; *) A+=(-p "$6") ;; esac
}
# qemu_dump GIC MEM SMP INITRD CMDLINE OUT: the live QEMU's dump
qemu_dump() {
	local m="virt,gic-version=${1%-noits},dtb-randomness=off" q
	[ "$1" = 3-noits ] && m=$m,its=off
	q=(-M "$m,dumpdtb=$6" -cpu max -accel tcg -m "$2" -smp "$3"
	   -display none -nic none -kernel "$K")
	[ "$4" = 1 ] && q+=(-initrd "$I")
	case $5 in NONE) ;; "''") q+=(-append "") ;; LONG) q+=(-append "$LONG") ;; *) q+=(-append "$5") ;; esac
	timeout 20 qemu-system-aarch64 "${q[@]}" >/dev/null 2>&1
}

rows=0
while read -r ver name gic mem smp ird want cmd; do
	case $ver in '#'*|'') continue ;; esac
	rows=$((rows + 1))
	gen_args "$ver" "$gic" "$mem" "$smp" "$ird" "$cmd"
	run "$MEASURE" "${A[@]}" --dump-dtb "$T/$ver-$name.dtb"
	expect_rc 0 "$ver $name: exits 0"
	check "$ver $name (gic $gic, -m $mem, -smp $smp, initrd $ird, cmdline ${cmd:0:16}): DTB equals QEMU's dump (sha256)" \
		test "$(sha "$T/$ver-$name.dtb")" = "$want"
	if [ "$ver" = "$live" ]; then
		qemu_dump "$gic" "$mem" "$smp" "$ird" "$cmd" "$T/q-$name.dtb"
		check "$ver $name: DTB equals the live qemu-system-aarch64 dump" \
			cmp -s "$T/$ver-$name.dtb" "$T/q-$name.dtb"
	fi
done <"$KAT"
check "the known-answer table has 22 rows" test "$rows" -eq 22
[ -z "$live" ] && ok "# skip no qemu-system-aarch64 7.2 or 10.0 installed: recorded sha256s only"

# The RIM of the generated DTB is the RIM of the same bytes given with --dtb.
gen_args 7.2 3 512M 2 1 console=ttyAMA0
run "$MEASURE" "${A[@]}" --dump-dtb "$T/r.dtb"
r1=$(cat "$T/out")
run "$MEASURE" cca --vmm qemu --rmm 1.0 --ipa-bits 40 -k "$K" -m 512M -c 2 \
	-i "$I" --dtb "$T/r.dtb"
expect_out "$r1" "the generated DTB measures as the same DTB given with --dtb"
check "the RIM is sha512 (QEMU's default)" test "${#r1}" -eq 128
run "$MEASURE" "${A[@]}" --json
expect_out_has '"dtb": "0x48200000"' "--json: the DTB after the initrd, 2 MiB aligned"
gen_args 10.0 3 512M 2 1 console=ttyAMA0
run "$MEASURE" "${A[@]}"
check "7.2 and 10.0 DTBs measure differently" test "$(cat "$T/out")" != "$r1"

# --realm: the rme-guest tree (cca-rim.md §6.4).  tests/unit/test_cca.c
# compares its board with the CCA QEMU's dumps (qemu-realm-dtb.txt) and
# the KVM changes node by node; here, the CLI plumbing and the RIM.
gen_args 10.0 3 512M 2 1 console=ttyAMA0
tcg=$(cat "$T/out")
run "$MEASURE" "${A[@]}" --ipa-bits 41 --realm --dump-dtb "$T/realm.dtb"
expect_rc 0 "--realm: exits 0"
r1=$(cat "$T/out")
check "--realm: a DTB of QEMU's 1 MiB" test "$(wc -c <"$T/realm.dtb")" -eq 1048576
check "--realm: the realm tree has no /flash node" \
	sh -c '! grep -q cfi-flash "$1"' _ "$T/realm.dtb"
check "--realm: PSCI over SMC" grep -q smc "$T/realm.dtb"
run "$MEASURE" cca --vmm qemu --rmm 1.0 --ipa-bits 41 -k "$K" -m 512M -c 2 \
	-i "$I" -p console=ttyAMA0 --dtb "$T/realm.dtb"
expect_out "$r1" "--realm: the RIM of the realm DTB given with --dtb"
check "--realm: another RIM than the TCG tree's" test "$r1" != "$tcg"
run "$MEASURE" "${A[@]}" --ipa-bits 41 --realm --pmu-counters 6
check "--realm --pmu-counters: /pmu and the PMU flag change the RIM" \
	test "$(cat "$T/out")" != "$r1"
run "$MEASURE" cca --vmm qemu --rmm 1.0 --ipa-bits 41 -k "$K" -m 512M -c 2 --realm
expect_rc 2 "--realm without --qemu-version is a usage error"
run "$MEASURE" "${A[@]}" --realm --dump-dtb "$T/realm40.dtb"
expect_rc 0 "--realm --ipa-bits 40 (a 40-bit host) exits 0"
check "--realm --ipa-bits 40: the tree without the 64-bit PCI window" \
	sh -c '! cmp -s "$1" "$2"' _ "$T/realm.dtb" "$T/realm40.dtb"
run "$MEASURE" cca --vmm qemu --rmm 1.0 --ipa-bits 43 -k "$K" -m 512M -c 2 \
	--qemu-version 10.0 --realm
expect_rc 1 "--realm --ipa-bits 43 fails"
expect_err_has "--ipa-bits 43" "--realm --ipa-bits: message names the option"
run "$MEASURE" cca --vmm qemu --rmm 1.0 --ipa-bits 41 -k "$K" -m 512M -c 2 \
	--qemu-version 7.2 --realm
expect_rc 1 "--realm --qemu-version 7.2 fails"
expect_err_has "--qemu-version 10.0" "--realm 7.2: message says which version"

# --- what the model does not cover: clear errors ----------------------------
run "$MEASURE" cca --vmm qemu --rmm 1.0 --ipa-bits 40 -k "$K" -m 512M -c 1
expect_rc 1 "qemu without --qemu-version or --dtb fails"
expect_err_has "--qemu-version 7.2|10.0" "no DTB source: message names both options"
run "$MEASURE" cca --vmm qemu --rmm 1.0 --ipa-bits 40 -k "$K" -m 512M -c 1 --qemu-version 9.2
expect_rc 2 "an unknown QEMU version is a usage error"
expect_err_has "knows 7.2 and 10.0" "unknown version: message lists the versions"
run "$MEASURE" cca --vmm qemu --rmm 1.0 --ipa-bits 40 -k "$K" -m 512M -c 1 \
	--qemu-version 7.2 --dtb "$T/r.dtb"
expect_rc 2 "--qemu-version with --dtb is a usage error"
run "$MEASURE" cca --vmm kvmtool --rmm 1.0 -k "$K" -m 512M -c 1 --qemu-version 7.2 --nodefaults
expect_rc 2 "--qemu-version with kvmtool is a usage error"
run "$MEASURE" cca --vmm kvmtool --rmm 1.0 -k "$K" -m 512M -c 1 --irqchip gicv2 --nodefaults
expect_rc 2 "--irqchip gicv2 with kvmtool is a usage error"
run "$MEASURE" cca --vmm qemu --rmm 1.0 --ipa-bits 40 -k "$K" -m 512M -c 124 --qemu-version 7.2
expect_rc 1 "124 vCPUs (a second redistributor region) fail"
expect_err_has "give --dtb" "too many vCPUs: message says to give --dtb"
run "$MEASURE" cca --vmm qemu --rmm 1.0 --ipa-bits 40 -k "$K" -m 512M -c 9 \
	--qemu-version 10.0 --irqchip gicv2
expect_rc 1 "GICv2 with 9 vCPUs fails"
expect_err_has "1..8 vCPUs" "GICv2: message gives the limit"
finish
