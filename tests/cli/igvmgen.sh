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
expect_rc 3 "check exits 3 on a CRC mismatch (a corrupted file, podvm(7))"
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

# ---- build ---------------------------------------------------------------
"$MKKERNEL" bzimage "$T/bz" 200000 0x020f 3 255
"$MKKERNEL" bzimage "$T/old" 2000 0x020a
"$MKKERNEL" vmlinux "$T/vmlinux"
head -c 50000 /dev/zero | tr '\0' 'i' >"$T/initrd"
run "$IGVMGEN" build --kernel "$T/bz" --initrd "$T/initrd" --cmdline "console=ttyS0" \
	--vmm qemu --platform snp -o "$T/a.igvm"
expect_rc 0 "build --vmm qemu --platform snp"
run "$IGVMGEN" check "$T/a.igvm"
expect_rc 0 "the built file passes check"
run "$IGVMGEN" dump --json "$T/a.igvm"
check "VP_CONTEXT is last, at 0xFFFFFFFFF000" \
	test "$(jq -r '.headers[-1] | "\(.name) \(.gpa)"' "$T/out")" = "VP_CONTEXT 281474976706560"
check "exactly one VP_CONTEXT" \
	test "$(jq '[.headers[] | select(.name == "VP_CONTEXT")] | length' "$T/out")" = 1

# reproducible: another directory, umask, time zone, locale, clock
mkdir -p "$T/elsewhere"
cp "$T/bz" "$T/initrd" "$T/elsewhere/"
printf 'console=ttyS0\n' >"$T/elsewhere/cmdline"
(cd "$T/elsewhere" && umask 077 && TZ=Asia/Tokyo LC_ALL=C.UTF-8 \
	SOURCE_DATE_EPOCH=12345 "$IGVMGEN" build --kernel bz --initrd initrd \
	--cmdline-file cmdline --vmm qemu -o b.igvm) >"$T/out" 2>"$T/err"; rc=$?
expect_rc 0 "build elsewhere with --cmdline-file"
check "byte-identical output across directory, umask, TZ, locale" cmp -s "$T/a.igvm" "$T/elsewhere/b.igvm"

run "$IGVMGEN" build --kernel "$T/bz" --vmm qemu --platform native -o "$T/n.igvm"
expect_rc 0 "build --platform native"
run "$IGVMGEN" dump --json "$T/n.igvm"
check "native: platform_type 0, no GUEST_POLICY" \
	test "$(jq -r '"\(.headers[0].platform_type) \([.headers[] | select(.name == "GUEST_POLICY")] | length)"' "$T/out")" = "0 0"
run "$IGVMGEN" build --kernel "$T/bz" --vmm qemu --sev-features 0x21 -o "$T/f.igvm"
expect_rc 0 "build --sev-features"

# bad input: each a clear error, no output left behind
run "$IGVMGEN" build --kernel "$T/old" --vmm qemu -o "$T/x.igvm"
expect_rc 1 "an old boot protocol is rejected"
expect_err_has "boot protocol 2.10 is too old" "the protocol is named"
check "no output after a failure" test ! -e "$T/x.igvm"
run "$IGVMGEN" build --kernel "$T/initrd" --vmm qemu -o "$T/x.igvm"
expect_rc 1 "garbage is not a kernel"
expect_err_has "not a Linux x86 bzImage" "garbage is named"
run "$IGVMGEN" build --kernel "$T/vmlinux" --vmm qemu -o "$T/x.igvm"
expect_rc 1 "vmlinux is refused (bzImage only)"
long=$(head -c 300 /dev/zero | tr '\0' 'x')
run "$IGVMGEN" build --kernel "$T/bz" --cmdline "$long" --vmm qemu -o "$T/x.igvm"
expect_rc 1 "a command line longer than cmdline_size"
expect_err_has "longer than $T/bz's cmdline_size 255" "cmdline_size is named"
run "$IGVMGEN" build --kernel "$T/bz" --initrd "$T/initrd" --memory 17M --vmm qemu -o "$T/x.igvm"
expect_rc 1 "memory too small for the kernel"
run "$IGVMGEN" build --kernel "$T/nonexistent" --vmm qemu -o "$T/x.igvm"
expect_rc 1 "an unreadable kernel"
expect_err_has "nonexistent" "the path is named"
run "$IGVMGEN" build --kernel "$T/bz" -o "$T/x.igvm"
expect_rc 2 "--vmm is required"
run "$IGVMGEN" build --kernel "$T/bz" --vmm xen -o "$T/x.igvm"
expect_rc 2 "an unknown --vmm"
run "$IGVMGEN" build --kernel "$T/bz" --vmm clh --vcpus 4 -o "$T/b.igvm"
expect_rc 0 "--vmm clh with the built-in ACPI tables"
run "$IGVMGEN" dump --json "$T/b.igvm"
check "built-in ACPI: pages at 0xe0000, 0x100000, 0x101000 have data" \
	test "$(jq -r '[.headers[] | select(.gpa == 917504 or .gpa == 1048576 or .gpa == 1052672) | .data_length] | map(tostring) | join(" ")' "$T/out")" = "4096 4096 4096"
mkdir -p "$T/acpi" "$T/badacpi"
"$MKKERNEL" pattern "$T/acpi/0x000e0000.bin" 4096 11
"$MKKERNEL" pattern "$T/acpi/0x00100000.bin" 4096 12
"$MKKERNEL" pattern "$T/badacpi/rsdp.bin" 4096 11
run "$IGVMGEN" build --kernel "$T/bz" --initrd "$T/initrd" --vmm clh --acpi-pages "$T/acpi" -o "$T/c.igvm"
expect_rc 0 "build --vmm clh --acpi-pages"
(cd "$T/elsewhere" && umask 022 && TZ=America/Denver LC_ALL=C "$IGVMGEN" build --kernel bz \
	--initrd initrd --vmm clh --acpi-pages "$T/acpi" -o c2.igvm) >"$T/out" 2>"$T/err"; rc=$?
expect_rc 0 "build --vmm clh elsewhere"
check "clh: byte-identical output across directory, umask, TZ, locale" cmp -s "$T/c.igvm" "$T/elsewhere/c2.igvm"
run "$IGVMGEN" dump --json "$T/c.igvm"
check "clh: VMSA at 0x803000, parameter area inserted at 0x802000" \
	test "$(jq -r '[.headers[] | select(.name == "VP_CONTEXT" or .name == "PARAMETER_INSERT") | .gpa] | map(tostring) | join(" ")' "$T/out")" = "8396800 8400896"
check "clh: policy 0x3001f, ACPI page at 0xe0000 has data" \
	test "$(jq -r '"\(.headers[1].policy) \([.headers[] | select(.gpa == 917504) | .data_length][0])"' "$T/out")" = "196639 4096"
run "$IGVMGEN" build --kernel "$T/bz" --vmm clh --acpi-pages "$T/badacpi" -o "$T/x.igvm"
expect_rc 1 "an ACPI page file not named by its GPA"
expect_err_has "must be named by its GPA" "the naming rule is given"
# --arch (igvm-tooling -arch, default Intel): AMD leaves the VMSA's RFLAGS
# at 0 where Intel sets 2, and nothing else changes (igvm-tooling 53656dd
# igvmbzimage.py; its digests for both: vectors k5 and k6 of
# tests/kat/igvm/README.md, checked in measure-snp-igvm.sh)
run "$IGVMGEN" build --kernel "$T/bz" --initrd "$T/initrd" --vmm clh --acpi-pages "$T/acpi" --arch intel -o "$T/c-intel.igvm"
expect_rc 0 "build --vmm clh --arch intel"
check "--arch intel is the default: byte-identical" cmp -s "$T/c.igvm" "$T/c-intel.igvm"
run "$IGVMGEN" build --kernel "$T/bz" --initrd "$T/initrd" --vmm clh --acpi-pages "$T/acpi" --arch amd -o "$T/c-amd.igvm"
expect_rc 0 "build --vmm clh --arch amd"
vmsa_off=$("$IGVMGEN" dump --json "$T/c-amd.igvm" | jq -r '.headers[] | select(.name == "VP_CONTEXT") | .file_offset')
check "--arch amd: exactly one byte differs, VMSA RFLAGS (0x170) 2 -> 0" \
	test "$(cmp -l "$T/c-intel.igvm" "$T/c-amd.igvm" | tr -s ' ' | sed 's/^ //')" = "$((vmsa_off + 0x170 + 1)) 2 0"
check "--arch amd: another launch digest" \
	test "$("$MEASURE" snp --igvm "$T/c-amd.igvm")" != "$("$MEASURE" snp --igvm "$T/c-intel.igvm")"
run "$IGVMGEN" build --kernel "$T/bz" --vmm clh --acpi-pages "$T/acpi" --arch arm -o "$T/x.igvm"
expect_rc 2 "--arch arm is a usage error"
run "$IGVMGEN" build --kernel "$T/bz" --vmm qemu --arch amd -o "$T/x.igvm"
expect_rc 2 "--arch needs --vmm clh"
mkdir -p "$T/shortacpi"
head -c 4095 /dev/zero >"$T/shortacpi/0x000e0000.bin"
run "$IGVMGEN" build --kernel "$T/bz" --vmm clh --acpi-pages "$T/shortacpi" -o "$T/x.igvm"
expect_rc 1 "a 4095-byte ACPI page"
expect_err_has "0x000e0000.bin: 4095 bytes, an ACPI page is 4096" "the message gives the page's real size"
run "$IGVMGEN" build --kernel "$T/bz" --vmm clh --platform native --acpi-pages "$T/acpi" -o "$T/x.igvm"
expect_rc 2 "--vmm clh is SNP only"

# the option table's rules (tools/igvmgen/opts.c): exit 2, "igvmgen: build:
# MESSAGE" naming the option, nothing on stdout, no output file
while IFS='|' read -r args msg; do
	# shellcheck disable=SC2086
	run "$IGVMGEN" build --kernel "$T/bz" $args -o "$T/x.igvm"
	expect_rc 2 "build $args exits 2"
	expect_err_has "igvmgen: build: $msg" "build $args: the message"
	check "build $args: nothing on stdout, no output" test ! -s "$T/out" -a ! -e "$T/x.igvm"
done <<END
--vmm clh --memory 1G|--memory is only for --vmm qemu
--vmm qemu --svme no|--svme is only for --vmm clh
--vmm qemu --boot-mode x86|--boot-mode is only for --vmm clh
--vmm qemu --pvalidate-opt no|--pvalidate-opt is only for --vmm clh
--vmm qemu --encrypted-page no|--encrypted-page is only for --vmm clh
--vmm qemu --vtl 1|--vtl is only for --vmm clh
--vmm qemu --acpi-pages $T/acpi|--acpi-pages is only for --vmm clh
--vmm qemu --acpi-dir $T/acpi|--acpi-dir is only for --vmm clh
--vmm clh --acpi-pages $T/acpi --acpi-dir $T/acpi|--acpi-dir and --acpi-pages exclude each other
--vmm qemu --cmdline x --cmdline-file $T/elsewhere/cmdline|--cmdline and --cmdline-file exclude each other
--vmm qemu --family-id 0f000000000000000000000000000000|--family-id needs --id-key
--vmm qemu --guest-svn 3|--guest-svn needs --id-key
--vmm clh --svme maybe|--svme: 'maybe', expected yes or no
--vmm clh --vtl 16|--vtl: 16 is more than 15
--vmm qemu --vcpus 0|--vcpus: 0 is less than 1
--vmm qemu --vcpus 4097|--vcpus: 4097 is more than 4096
--vmm qemu --memory 1q|--memory: unknown size suffix 'q'
--vmm qemu --policy 0xz|--policy:
--vmm clh --boot-mode x32|--boot-mode: 'x32', expected x86 or x64
--vmm qemu --platform sev|--platform: 'sev', expected snp or native
--vmm qemu --kernel=|--kernel: an empty file name
--vmm clh --platform native|--vmm clh supports --platform snp only
END
run "$IGVMGEN" build --kernel "$T/bz" --initrd "$T/initrd" --cmdline "console=ttyS0" \
	--vmm qemu --platform snp -o -
check "-o - writes the file to stdout" cmp -s "$T/a.igvm" "$T/out"
run "$IGVMGEN" build --kernel "$T/bz" --vmm clh --svme false --encrypted-page 0 \
	--pvalidate-opt true --boot-mode x64 -o "$T/yn.igvm"
expect_rc 0 "yes|no options also take true|false and 1|0 (igvm-tooling's)"

# an output that names an input is refused: the input is left as it was
cp "$T/bz" "$T/k"
ln -f "$T/k" "$T/k-hard"
ln -sf k "$T/k-sym"
for o in k k-hard k-sym; do
	run "$IGVMGEN" build --kernel "$T/k" --vmm qemu -o "$T/$o"
	expect_rc 1 "-o $o (the kernel) is refused"
	check "-o $o: the kernel is untouched" cmp -s "$T/bz" "$T/k"
done
expect_err_has "k-sym: is a symbolic link" "-o a symbolic link to the kernel: named"
run "$IGVMGEN" build --kernel "$T/k-hard" --vmm qemu -o "$T/k"
expect_err_has "the output is the input $T/k-hard" "a hard link as the input: named"
run "$IGVMGEN" build --kernel "$T/k-sym" --vmm qemu -o "$T/k"
expect_rc 1 "-o the file an input symbolic link points to"
check "the kernel behind the link is untouched" cmp -s "$T/bz" "$T/k"
cp "$T/initrd" "$T/i2"; cp "$T/elsewhere/cmdline" "$T/c2"; cp -r "$T/acpi" "$T/acpi2"
cp "$SRCDIR/tests/kat/igvm/idkey-test.pem" "$T/key2.pem"
while IFS='|' read -r args out; do
	cp "$out" "$T/before"
	# shellcheck disable=SC2086
	run "$IGVMGEN" build --kernel "$T/bz" $args -o "$out"
	expect_rc 1 "build $args -o $out: the output is an input"
	expect_err_has "the output is the input" "build $args -o $out: said so"
	check "build $args -o $out: the input is untouched" cmp -s "$T/before" "$out"
done <<END
--vmm qemu --initrd $T/i2|$T/i2
--vmm qemu --cmdline-file $T/c2|$T/c2
--vmm qemu --id-key $T/key2.pem|$T/key2.pem
--vmm clh --acpi-pages $T/acpi2|$T/acpi2/0x00100000.bin
END
check "no temporary file is left" test "$(ls -A "$T" | grep -c '^\.')" = 0

# ---- SNP ID block ----------------------------------------------------------
LD=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
KEY=$SRCDIR/tests/kat/igvm/idkey-test.pem
for i in 1 2; do
	run "$IGVMGEN" build --kernel "$T/bz" --vmm qemu --id-key "$KEY" --id-ld "$LD" \
		--family-id 0f000000000000000000000000000000 --guest-svn 7 -o "$T/id$i.igvm"
done
expect_rc 0 "build --id-key --id-ld"
check "a signed file is reproducible (RFC 6979)" cmp -s "$T/id1.igvm" "$T/id2.igvm"
run "$IGVMGEN" dump --json "$T/id1.igvm"
check "SNP_ID_BLOCK is last, with the LD, family id, svn and P-384 key" \
	test "$(jq -r '.headers[-1] | "\(.name) \(.ld) \(.family_id) \(.guest_svn) \(.id_key_algorithm) \(."id_public_key.curve")"' "$T/out")" = \
	"SNP_ID_BLOCK $LD 0f000000000000000000000000000000 7 1 2"
run "$IGVMGEN" check "$T/id1.igvm"
expect_rc 0 "the signed file passes check"
run "$IGVMGEN" build --kernel "$T/bz" --vmm qemu --id-ld "$LD" -o "$T/x.igvm"
expect_rc 2 "--id-ld without --id-key"
run "$IGVMGEN" build --kernel "$T/bz" --vmm qemu --vcpus 2 --id-key "$KEY" -o "$T/x.igvm"
expect_rc 2 "--id-key without --id-ld: qemu with APs needs the digest given"
expect_err_has "--vcpu-type" "the message says how to get it"
for v in qemu clh; do
	run "$IGVMGEN" build --kernel "$T/bz" --vmm $v --id-key "$KEY" -o "$T/self-$v.igvm"
	expect_rc 0 "--vmm $v --id-key without --id-ld: the file's own digest"
	run "$MEASURE" snp --igvm "$T/self-$v.igvm" --json
	expect_rc 0 "measure snp --igvm accepts the signed $v file"
	check "$v: the ID block carries the digest measure computes" \
		test "$(jq -r '"\(.id_block.matches) \(.id_block.ld == .measurement) \(.id_block.signature_valid)"' "$T/out")" = "true true true"
	run "$IGVMGEN" dump --json "$T/self-$v.igvm"
	check "$v: dump shows the same digest in the last header" \
		test "$(jq -r '.headers[-1].ld' "$T/out")" = "$("$MEASURE" snp --igvm "$T/self-$v.igvm")"
done
run "$IGVMGEN" build --kernel "$T/bz" --vmm qemu --id-key "$T/initrd" --id-ld "$LD" -o "$T/x.igvm"
expect_rc 1 "an ID key that is not a key"
openssl pkey -in "$KEY" -aes256 -passout pass:x -out "$T/enc.pem" 2>/dev/null
run timeout 20 "$IGVMGEN" build --kernel "$T/bz" --vmm qemu --id-key "$T/enc.pem" --id-ld "$LD" -o "$T/x.igvm"
expect_rc 1 "an encrypted --id-key is refused at once (no pass-phrase prompt)"
expect_err_has "enc.pem: the ID key is encrypted" "the message says why"
check "no output after the refusal" test ! -e "$T/x.igvm"

# ---- initrd --------------------------------------------------------------
mkdir -p "$T/r1/etc" "$T/r2/etc"
printf 'x' >"$T/r1/etc/b"; printf 'y' >"$T/r1/etc/a"
printf 'y' >"$T/r2/etc/a"; printf 'x' >"$T/r2/etc/b"
touch -d @1000 "$T/r2/etc/a"
run env SOURCE_DATE_EPOCH=86400 "$IGVMGEN" initrd --root "$T/r1" -o "$T/r1.gz"
expect_rc 0 "initrd --root (gzip)"
run env SOURCE_DATE_EPOCH=86400 "$IGVMGEN" initrd --root "$T/r2" -o "$T/r2.gz"
check "two trees in another order and with other mtimes give identical bytes" cmp -s "$T/r1.gz" "$T/r2.gz"
run "$IGVMGEN" initrd --root "$T/r1" --compress none -o "$T/r1.cpio"
expect_rc 0 "initrd --compress none"
check "the gzip holds the cpio of SOURCE_DATE_EPOCH 86400" \
	test "$(gzip -dc "$T/r1.gz" | cpio -itv --quiet 2>/dev/null | grep -c 'Jan  2  1970')" = 3
check "newc magic" test "$(head -c 6 "$T/r1.cpio")" = 070701
mkdir -p "$T/empty"
run "$IGVMGEN" initrd --root "$T/empty" --compress none -o "$T/empty.cpio"
expect_rc 0 "initrd of an empty folder"
check "an empty folder: a newc archive with no entry" \
	test "$(head -c 6 "$T/empty.cpio") $(cpio -it --quiet <"$T/empty.cpio" 2>/dev/null | wc -l)" = "070701 0"
run "$IGVMGEN" initrd --root "$T/nope" -o "$T/x.cpio"
expect_rc 1 "initrd of a missing folder"
check "no output after a failure" test ! -e "$T/x.cpio"
run "$IGVMGEN" initrd --root "$T/r1" --compress xz -o "$T/x.cpio"
expect_rc 2 "an unknown --compress"
finish
