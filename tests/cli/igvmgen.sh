#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# igvmgen.sh - golden tests of igvmgen: dump, check, build, initrd.
. "$(dirname "$0")/lib.sh"
C=$SRCDIR/tests/fuzz/corpus/igvm

# ---- check ---------------------------------------------------------------
run "$IGVMGEN" check "$C/v1-snp"
expect_rc 0 "check accepts a valid v1 file"
expect_out "$C/v1-snp: ok (11 headers, 4 pages)" "check prints a summary"
run "$IGVMGEN" check "$C/v1-dirty-pad"
expect_rc 0 "check accepts non-zero ('0') header padding"
run "$IGVMGEN" check "$C/v2-cca-optional"
expect_rc 0 "check accepts v2 and skips optional unknown headers"
run "$IGVMGEN" check "$C/bad-order"
expect_rc 1 "check rejects sections out of order"
expect_err_has "header 2 (type 0x101 GUEST_POLICY) at offset 0x50" "the error names header index and offset"
cp "$C/v1-snp" "$T/crc.igvm"
printf '\x01' | dd of="$T/crc.igvm" bs=1 seek=40 conv=notrunc 2>/dev/null
run "$IGVMGEN" check "$T/crc.igvm"
expect_rc 1 "check exits 1 on a CRC mismatch"
expect_err_has "computed CRC-32" "CRC mismatch message"
run "$IGVMGEN" check "$T/missing.igvm"
expect_rc 1 "check of a missing file fails"
run "$IGVMGEN" check
expect_rc 2 "check without FILE is a usage error"

# ---- dump ----------------------------------------------------------------
run "$IGVMGEN" dump "$C/v1-snp"
expect_rc 0 "dump a valid file"
expect_out_has "#10 @0x118 0x304 VP_CONTEXT gpa=0xfffffffff000" "dump decodes VP_CONTEXT"
expect_out_has "checksum: 0x" "dump shows the checksum"
expect_out_has "pages: 4 (zero: 2)" "dump counts pages and zero pages"
run "$IGVMGEN" dump --json "$C/v1-snp"
expect_rc 0 "dump --json"
check "JSON: 11 headers, CRC ok, 4 pages" \
	test "$(jq -r '"\(.headers | length) \(.checksum.ok) \(.stats.pages)"' "$T/out")" = "11 true 4"
check "JSON: PAGE_DATA fields decoded" \
	test "$(jq -r '.headers[8].data_type' "$T/out")" = "2"
run "$IGVMGEN" dump "$T/crc.igvm"
expect_rc 3 "dump exits 3 when only the CRC is wrong"
expect_out_has "MISMATCH" "dump shows the mismatch"
run "$IGVMGEN" dump "$C/truncated"
expect_rc 1 "dump of a truncated file fails"
expect_err_has "total_file_size" "truncation is named"
