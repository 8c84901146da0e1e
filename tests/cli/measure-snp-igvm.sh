#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# measure-snp-igvm.sh - golden tests of `measure snp --igvm`: igvm-tooling's
# launch digests for a generated input (tests/kat/igvm/README.md, vectors
# k1, k5 and k6), ID block checks, loaders, vCPUs, native zero pages, logs
# and diff, corrupt files.
. "$(dirname "$0")/lib.sh"
C=$SRCDIR/tests/fuzz/corpus/igvm
KEY=$SRCDIR/tests/kat/igvm/idkey-test.pem

# the inputs of tests/kat/igvm/README.md
"$MKKERNEL" bzimage "$T/bz" 300000 0x020f 5 2047
"$MKKERNEL" pattern "$T/initrd" 20000 21
mkdir -p "$T/acpi"
"$MKKERNEL" pattern "$T/acpi/0x000e0000.bin" 4096 11
"$MKKERNEL" pattern "$T/acpi/0x00100000.bin" 4096 12
"$MKKERNEL" pattern "$T/acpi/0x00101000.bin" 4096 13

# ---- igvm-tooling's digest (vector k1) --------------------------------------
K1=bf0b7a7ba891aebaf5edfb8a4932a055f6ac87c7f82a7f8be3fa4bd79e5df03be0ec7a37d9b11a338ea144677fe223d1
"$IGVMGEN" build --vmm clh --kernel "$T/bz" --initrd "$T/initrd" --cmdline 'console=ttyS0' \
	--pvalidate-opt no --acpi-pages "$T/acpi" -o "$T/k1.igvm"
run "$MEASURE" snp --igvm "$T/k1.igvm"
expect_rc 0 "measure snp --igvm of igvmgen's clh file"
expect_out "$K1" "the digest igvm-tooling printed for k1 (x-ms-sevsnpvm-launchmeasurement)"
run "$MEASURE" snp --igvm "$T/k1.igvm" --vmm clh --json
check "JSON: clh guessed and given agree; 1 VMSA, 1 secrets, 1 CPUID, 1 parameter page" \
	test "$(jq -r '"\(.vmm) \(.measurement) \(.pages.vmsa) \(.pages.secrets) \(.pages.cpuid) \(.pages.unmeasured)"' "$T/out")" = "clh $K1 1 1 1 1"
check "JSON: regions from boot_params (kernel, initrd, cmdline, acpi)" \
	test "$(jq -r '[.regions[].name] | map(select(. == "kernel" or . == "initrd" or . == "cmdline" or . == "acpi")) | unique | join(",")' "$T/out")" = "acpi,cmdline,initrd,kernel"
run "$MEASURE" snp --igvm "$T/k1.igvm" --output-format base64
check "--output-format base64" test "$(base64 -d <"$T/out" | od -An -tx1 | tr -d ' \n')" = "$K1"
# vectors k5 and k6: k1 with igvm-tooling's -arch AMD and -arch Intel
K5=d5c3ebbb8fd02bd3a87db3936e78af42c2fbf765e656eb8dfe321e900368064297a17b29f9b5e680dabdd8c9d9e2b19a
"$IGVMGEN" build --vmm clh --arch amd --kernel "$T/bz" --initrd "$T/initrd" --cmdline 'console=ttyS0' \
	--pvalidate-opt no --acpi-pages "$T/acpi" -o "$T/k5.igvm"
run "$MEASURE" snp --igvm "$T/k5.igvm"
expect_out "$K5" "--arch amd: the digest igvm-tooling printed for k5 (-arch AMD)"
"$IGVMGEN" build --vmm clh --arch intel --kernel "$T/bz" --initrd "$T/initrd" --cmdline 'console=ttyS0' \
	--pvalidate-opt no --acpi-pages "$T/acpi" -o "$T/k6.igvm"
run "$MEASURE" snp --igvm "$T/k6.igvm"
expect_out "$K1" "--arch intel: the digest igvm-tooling printed for k6 (-arch Intel), k1's"

# ---- loaders, vCPUs, zero pages ---------------------------------------------
"$IGVMGEN" build --vmm qemu --kernel "$T/bz" --initrd "$T/initrd" --cmdline 'console=ttyS0' -o "$T/q.igvm"
run "$MEASURE" snp --igvm "$T/q.igvm" --json
expect_rc 0 "qemu file"
Q1=$(jq -r .measurement "$T/out")
check "qemu guessed from the VMSA GPA; zero pages NORMAL by default" \
	test "$(jq -r '"\(.vmm) \(.pages.zero) \(.vmsa_gpa_in_file)"' "$T/out")" = "qemu 0 0xfffffffff000"
run "$MEASURE" snp --igvm "$T/q.igvm" --native-zero --json
check "--native-zero: ZERO pages and another digest" \
	test "$(jq -r '"\(.pages.zero > 0) \(.measurement != "'"$Q1"'")"' "$T/out")" = "true true"
run "$MEASURE" snp --igvm "$T/q.igvm" --vcpus 2
expect_rc 1 "qemu --vcpus 2: vCPU 1 has no VP_CONTEXT and no model"
expect_err_has "vCPU 1 has no VP_CONTEXT" "the message names the vCPU"
run "$MEASURE" snp --igvm "$T/q.igvm" --vcpus 3 --vcpu-type EPYC-v4 --json
expect_rc 0 "qemu --vcpus 3 --vcpu-type: APs in KVM's reset state"
check "two modelled AP VMSAs, three VMSA updates" \
	test "$(jq -r '"\(.modelled_ap_vmsas) \(.pages.vmsa) \(.measurement != "'"$Q1"'")"' "$T/out")" = "2 3 true"
run "$MEASURE" snp --igvm "$T/q.igvm" --vcpus 2 --vcpu-type EPYC-v4 --log "$T/ap.log"
check "the log's last updates are VMSAs at 0xfffffffff000 for vCPUs 0 and 1" \
	test "$(tail -n 2 "$T/ap.log" | jq -r '"\(.region)@\(.gpa)"' | paste -sd' ')" = "vmsa vcpu 0@0xfffffffff000 vmsa vcpu 1@0xfffffffff000"
run "$MEASURE" snp --igvm "$T/k1.igvm" --vmm clh --vcpus 2
expect_rc 2 "--vmm clh does not take a vCPU count"
run "$MEASURE" snp --igvm "$T/k1.igvm" --vmm kvm
expect_rc 2 "unknown --vmm"
run "$MEASURE" snp --igvm "$T/k1.igvm" --ovmf "$T/bz"
expect_rc 2 "--igvm with --ovmf"
run "$MEASURE" snp --ovmf "$T/bz" --native-zero --vcpus 1 --vcpu-type EPYC-v4
expect_rc 2 "--native-zero without --igvm"
run "$MEASURE" snp --igvm "$C/v1-snp"
expect_rc 0 "a hand-made v1 file (corpus v1-snp)"

# ---- the ID block -------------------------------------------------------------
"$IGVMGEN" build --vmm qemu --kernel "$T/bz" --cmdline x --id-key "$KEY" -o "$T/signed.igvm"
run "$MEASURE" snp --igvm "$T/signed.igvm" -v
expect_rc 0 "a file signed by igvmgen over its own digest"
expect_out_has "SNP_ID_BLOCK: its launch digest matches" "-v reports the match"
expect_out_has "SNP_ID_BLOCK: signature by its ID key valid" "and the valid signature"
BAD=$(printf 'ab%.0s' $(seq 48))
"$IGVMGEN" build --vmm clh --kernel "$T/bz" --id-key "$KEY" --id-ld "$BAD" -o "$T/wrong.igvm"
run "$MEASURE" snp --igvm "$T/wrong.igvm"
expect_rc 3 "an ID block with another digest fails with exit 3"
expect_err_has "the SNP_ID_BLOCK (header at offset 0x" "the message names the header"
expect_err_has "expects launch digest $BAD" "and the digest it expects"
run "$MEASURE" snp --igvm "$T/wrong.igvm" --ignore-id-block --json
expect_rc 0 "--ignore-id-block reports only"
check "JSON: id_block.matches false, its signature valid" \
	test "$(jq -r '"\(.id_block.matches) \(.id_block.signature_valid)"' "$T/out")" = "false true"
expect_err_has "ignored: --ignore-id-block" "the difference is still said"

# ---- explanations ---------------------------------------------------------------
cp "$T/initrd" "$T/initrd2"
printf 'X' | dd of="$T/initrd2" bs=1 seek=12345 conv=notrunc 2>/dev/null
"$IGVMGEN" build --vmm qemu --kernel "$T/bz" --initrd "$T/initrd2" --cmdline 'console=ttyS0' -o "$T/q2.igvm"
run "$MEASURE" snp --igvm "$T/q.igvm" --log "$T/a.log"
run "$MEASURE" snp --igvm "$T/q2.igvm" --log "$T/b.log"
check "one log line per update" test "$(wc -l <"$T/a.log")" -eq "$(jq -r .updates <<<"$("$MEASURE" snp --igvm "$T/q.igvm" --json)")"
check "the log's last digest is the measurement" test "$(tail -n 1 "$T/a.log" | jq -r .digest)" = "$Q1"
run "$MEASURE" diff "$T/a.log" "$T/b.log"
expect_rc 3 "measure diff finds the planted initrd byte"
expect_out_has "region initrd" "and names the region"
check "the log names boot_params, gdt, stack, cpuid, secrets, cc_blob, cmdline, kernel" \
	test "$(jq -r .region "$T/a.log" | sort -u | grep -cxE 'boot_params|gdt|stack|cpuid|secrets|cc_blob|cmdline|kernel')" -eq 8

# ---- bad input --------------------------------------------------------------------
run "$MEASURE" snp --igvm "$C/truncated"
expect_rc 1 "a truncated IGVM file"
expect_err_has "measure: snp: " "the reader's error"
cp "$T/k1.igvm" "$T/crc.igvm"
printf '\x01' | dd of="$T/crc.igvm" bs=1 seek=40 conv=notrunc 2>/dev/null
run "$MEASURE" snp --igvm "$T/crc.igvm"
expect_rc 3 "a CRC mismatch is a corrupted file (exit 3)"
expect_err_has "computed CRC-32" "the reader's CRC message"
# one exit-code rule for IGVM files (podvm(7)): a flipped header bit that
# also breaks a rule (platform_version 1 -> 0 at offset 38) is a checksum
# mismatch first: exit 3 from check, dump and measure alike; a malformed
# file whose checksum matches exits 1 from all three
cp "$T/k1.igvm" "$T/flip.igvm"
printf '\x00' | dd of="$T/flip.igvm" bs=1 seek=38 conv=notrunc 2>/dev/null
for cmd in "$IGVMGEN check" "$IGVMGEN dump" "$MEASURE snp --igvm"; do
	run $cmd "$T/flip.igvm"
	expect_rc 3 "${cmd##*/}: a flipped header bit is a corrupted file (exit 3)"
	expect_err_has "computed CRC-32" "${cmd##*/}: names the checksum"
done
run "$IGVMGEN" dump "$T/flip.igvm"
expect_err_has "platform_version 0, expected 1" "dump also names the broken rule"
for cmd in "$IGVMGEN check" "$IGVMGEN dump" "$MEASURE snp --igvm"; do
	run $cmd "$SRCDIR/tests/fuzz/corpus/igvm/bad-order"
	expect_rc 1 "${cmd##*/}: malformed with a matching checksum (exit 1)"
done
head -c 4096 /dev/zero >"$T/zero.igvm"
run "$MEASURE" snp --igvm "$T/zero.igvm"
expect_rc 1 "not an IGVM file"
expect_err_has "magic" "the reader names the magic"
"$IGVMGEN" build --vmm qemu --platform native --kernel "$T/bz" -o "$T/native.igvm"
run "$MEASURE" snp --igvm "$T/native.igvm"
expect_rc 1 "a file without an SEV_SNP platform"
expect_err_has "no SEV_SNP platform" "is named"
run "$MEASURE" snp --igvm "$T/missing.igvm"
expect_rc 1 "a missing file"
finish
