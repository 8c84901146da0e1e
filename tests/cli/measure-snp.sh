#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# measure-snp.sh - `measure snp` (QEMU + OVMF) and `measure diff`.
#
# Known answers.  Inputs are generated here by snp-fwgen (tests/snp/fwgen.c:
# OVMF-like images with a footer GUID table and SEV metadata laid out like
# the AmdSev/OvmfX64 builds, and pseudo-random "kernels"/"initrds"); the
# test first checks their sha256, so the expected values below stay tied to
# the exact bytes they were computed from.
#
# Provenance of the expected digests (section "oracle" below):
#   tool:    virtee/sev-snp-measure 8f2b337e (v0.0.13), run outside the
#            repository with Debian's python3 (stdlib only)
#   command: python3 sev-snp-measure.py ARGS   (ARGS as in each kat line,
#            run in a folder holding the generated inputs)
#   inputs:  amdsev.fd = snp-fwgen fw amdsev.fd amdsev 65536 1
#              sha256 f636a8fc35ddbbe4535e45c99f4471f66b8216c8c13b70405cfcb9f632219e44
#            x64.fd    = snp-fwgen fw x64.fd ovmfx64 65536 2
#              sha256 d14ade058dd6e0b24bd0d3ffdb4830f76c25a5e342717777c12b88a990d72344
#            k.bin     = snp-fwgen blob k.bin 100000 3
#              sha256 c6f8c1aebb2a73332cbfb01214c3043b620163e0e40cf78c7f83315ce3719bea
#            i.bin     = snp-fwgen blob i.bin 300000 4
#              sha256 a13a866ace5febd65fa062c8d47c36371f179200a1d883a0f5cb069508f371f9
#            svfw.fd   = snp-fwgen fw svfw.fd ovmfx64 131072 5
#              sha256 7ecc75e337c150c0fa81382a650bd332e5bc5f5e82e4e059ee3964c777caf2c4
#            sv.bin    = snp-fwgen fw sv.bin svsm 65536 6
#              sha256 490385da6671d73aea3a366e7e0ca328162918cef9c206b6d36dbff9abdf9172
#
# Public vectors (section "public"): virtee/sev-snp-measure 8f2b337e
# tests/test_guest.py, as listed in snp-measurement.md 8.1.  Those runs
# used the fixture ovmf_AmdSev_suffix.bin, which is not committed here.
# They are reproduced without it through --snp-ovmf-hash, seeded with the
# fixture's published OVMF digest (test_snp_ovmf_hash_full_default): after
# the seed only the firmware's metadata and AP entry point matter, and
# amdsev.fd has exactly the fixture's (sections and AP EIP 0x80b004 as in
# snp-measurement.md 8.1; hash table at 0x810c00).
. "$(dirname "$0")/lib.sh"

cd "$T" || exit 1
M=$MEASURE
G=$SNP_FWGEN

"$G" fw amdsev.fd amdsev 65536 1 && "$G" fw x64.fd ovmfx64 65536 2 &&
"$G" blob k.bin 100000 3 && "$G" blob i.bin 300000 4 &&
"$G" fw svfw.fd ovmfx64 131072 5 && "$G" fw sv.bin svsm 65536 6
check "inputs generated" [ $? -eq 0 ]
run sha256sum amdsev.fd x64.fd k.bin i.bin svfw.fd sv.bin
expect_out "f636a8fc35ddbbe4535e45c99f4471f66b8216c8c13b70405cfcb9f632219e44  amdsev.fd
d14ade058dd6e0b24bd0d3ffdb4830f76c25a5e342717777c12b88a990d72344  x64.fd
c6f8c1aebb2a73332cbfb01214c3043b620163e0e40cf78c7f83315ce3719bea  k.bin
a13a866ace5febd65fa062c8d47c36371f179200a1d883a0f5cb069508f371f9  i.bin
7ecc75e337c150c0fa81382a650bd332e5bc5f5e82e4e059ee3964c777caf2c4  svfw.fd
490385da6671d73aea3a366e7e0ca328162918cef9c206b6d36dbff9abdf9172  sv.bin" \
	"generated inputs have the recorded sha256"

# kat ARGS EXPECTED: measure snp ARGS prints EXPECTED
kat() {
	# shellcheck disable=SC2086
	run "$M" snp $1
	if [ "$rc" -eq 0 ] && [ "$(cat "$T/out")" = "$2" ]; then ok "kat: $1"; else
		not_ok "kat: $1 (exit $rc)"; printf '# got:      %s\n# expected: %s\n' "$(cat "$T/out")" "$2"
	fi
}

# ---- oracle: sev-snp-measure 8f2b337e on the generated inputs ----------
kat "--mode snp:ovmf-hash --ovmf amdsev.fd" \
	31dcf9f8fe818ff57660ac2b95cb06b070628af156d0800895bef4fe9e5cfd054575b6bbc761e416ee8ef8b520aa9159
kat "--mode snp:ovmf-hash --ovmf x64.fd" \
	a87b89dd63ec453b0306f33c5ae7fd9a34d4d62d20c26bd42ce58af7fd51ed5ccad267464b86b07634c752e9ffc2c31f
kat "--mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf amdsev.fd" \
	7e43d16b6d8ce32ea0a7b83d7a84df456f3c6c531a4b9539d467f07be9c61f4831f60b335b87e6c68a3f522776644b1f
kat "--mode snp --vcpus 4 --vcpu-type EPYC-Milan --ovmf amdsev.fd --kernel k.bin --initrd i.bin --append console=ttyS0" \
	b941fd75c70a0c126dcc5f9dba8e91f7b91bf957eae19c9911aeaa803dae0047bfa4110030c9002b8b957a35e638126f
kat "--mode snp --vcpus 2 --vmm-type ec2 --ovmf amdsev.fd --kernel k.bin --guest-features 0x21" \
	2b0f62e0ad4d511f7f488a8e40be4f304c47be6b7d0a719eff3ada6e0f7c5ac092bd269da0d4af90fc46b4789bb19f1b
kat "--mode snp --vcpus 3 --vmm-type gce --ovmf amdsev.fd" \
	e23a8940271ec61b0952f1997e0a61b90d209becc99d2d1155e4291523da58f63b7a97df662293b483fc59c05ce35026
kat "--mode snp --vcpus 2 --vcpu-sig 0xa00f11 --ovmf x64.fd --output-format base64" \
	qozjCjgz+nDaCvB4a2XYgHi23nnme1HqCuEyaKIwjVA4r5f0zYVior1X2Gb0lOUB
kat "--mode snp --vcpus 1 --vcpu-family 25 --vcpu-model 17 --vcpu-stepping 0 --ovmf amdsev.fd --kernel k.bin --guest-features 0x21" \
	3a7e2e435ce5410ac98c845796d17d34e6823d31b27226f3ef4790aff72a02665ab618541c4d729bfb3bffc6a263c576
kat "--mode snp --vcpus 8 --vcpu-type EPYC-Turin --ovmf x64.fd" \
	5e92f3c099081c89abf83a8196f8f846eaaa2289a888c0ec1ed9e369e3ebb6c0340cecfe8e299d765059da90f605e4ad
kat "--mode snp:svsm --vcpus 2 --vcpu-type EPYC-Milan --ovmf svfw.fd --svsm sv.bin --vars-size 8192" \
	056022905dc6e15f73591790905441a6bcbc7e4c95ad08ea426cc986e80e5f34ff0ccf1ca032f82b204113da0192278f
kat "--mode snp --vcpus 1 --vmm-type ec2 --ovmf x64.fd" \
	847a9bf56829bb00169b6fd23b28624e963a1fb6be5267dc5879cd0a3dc80b908fcb685266b6590d95692159c883a78f
kat "--mode snp --vcpus 16 --vcpu-type EPYC-Rome --ovmf amdsev.fd --kernel k.bin --initrd i.bin --append root=/dev/vda --guest-features 0x21" \
	58dcfc8de729037ebd8a104105c2cb5d4d7945087c7c38d5154d8b095c29e99102f7afbff854b8350f35d2e808d5faf1
kat "--mode snp --vcpus 1 --vmm-type gce --ovmf amdsev.fd --kernel k.bin --initrd i.bin --output-format base64" \
	fqas8gCN2o8xtR68LS7cPnn/OF2ZtV/1nQ7uLZMNWj6r+30VVUBNWDiEa7dc2CiR

# ---- public vectors: sev-snp-measure tests/test_guest.py --------------
H=086e2e9149ebf45abdc3445fba5b2da8270bdbb04094d7a2c37faaa4b24af3aa16aff8c374c2a55c467a50da6d466b74
S="--ovmf amdsev.fd --snp-ovmf-hash $H"
E="--kernel /dev/null --initrd /dev/null"
V="--vcpu-type EPYC-v4"
pub() { # NAME EXPECTED ARGS...
	local name=$1 exp=$2; shift 2
	run "$M" snp "$@"
	if [ "$rc" -eq 0 ] && [ "$(cat "$T/out")" = "$exp" ]; then ok "public: $name"; else
		not_ok "public: $name (exit $rc)"; printf '# got: %s\n' "$(cat "$T/out")"
	fi
}
# shellcheck disable=SC2086
{
pub test_snp_default 803f691094946e42068aaa3a8f9e26a5c89f36f7b73ecfb28c653360fe4b3aba7e534442e7e1e17895dfe778d0228977 \
	$S --vcpus 1 $V $E --append "console=ttyS0 loglevel=7" --guest-features 0x21
pub test_snp_guest_feature_snp_only 6d287813eb5222d770f75005c664e34c204f385ce832cc2ce7d0d6f354454362f390ef83a92046c042e706363b4b08fa \
	$S --vcpus 1 $V $E --append "console=ttyS0 loglevel=7" --guest-features 0x1
pub test_snp_ovmf_hash_gen_default 329c8ce0972ae52343b64d34a434a86f245dfd74f5ed7aae15d22efc78fb9683632b9b50e4e1d7fa41179ef98a7ef198 \
	$S --vcpus 1 $V $E --append "" --guest-features 0x21
pub test_snp_ovmf_hash_gen_feature_snp_only ddc5224521617a536ee7ce9dd6224d1b58a8d4fda1c741f3ac99fc4bfa04ba6e9fc98646d4a07a9079397fa3852819b5 \
	$S --vcpus 1 $V $E --append "" --guest-features 0x1
pub test_snp_without_kernel_default e1e1ca029dd7973ab9513295be68198472dcd4fc834bd9af9b63f6e8a1674dbf281a9278a4a2ebe0eed9f22adbcd0e2b \
	$S --vcpus 1 $V --guest-features 0x21
pub test_snp_without_kernel_feature_snp_only 19358ba9a7615534a9a1e2f0dfc29384dcd4dcb7062ff9c6013b26869a5fc6ecabe033c48dd6f6db5d6d76e7c5df632d \
	$S --vcpus 1 $V --guest-features 0x1
pub test_snp_with_multiple_vcpus_default 4953b1fb416fa874980e8442b3706d345926d5f38879134e00813c5d7abcbe78eafe7b422907be0b4698e2414a631942 \
	$S --vcpus 4 $V $E --guest-features 0x21
pub test_snp_with_multiple_vcpus_feature_snp_only 5061fffb019493a903613d56d54b94912a1a2f9e4502385f5c194616753720a92441310ba6c4933de877c36e23046ad5 \
	$S --vcpus 4 $V $E --guest-features 0x1
pub test_snp_ec2_default 0ce9ccc06bab55eebe8abc234f3df6514883977a68a591b71052498ab52b2f1aa415db338033946ef93aa8278c0d67fb \
	$S --vcpus 1 $V --vmm-type ec2 $E --guest-features 0x21
pub test_snp_ec2_feature_snp_only 0883bd0eeb716e65b7b977a321c278d1e51b33b5c655fab985443bbcc65c086b9c15e8a0bd8811050dec7e24964e5056 \
	$S --vcpus 1 $V --vmm-type ec2 $E --guest-features 0x1
pub test_snp_gce_default 5da7106cf14cf46b1725ebab123eb9e53bd46a1e9f400cd0c08e7827b04b688ea8b4e403c8404efed4397ea5d5d0722e \
	$S --vcpus 1 --vmm-type gce $E --guest-features 0x1
pub test_snp_gce_with_multiple_vcpus_default 5c5debf100fc339f90276e761ee1f1658d08922c3b20e2a2e6c7a6c3370b2452a15a00eae11886a93d6fd1e7ab81e29d \
	$S --vcpus 4 --vmm-type gce $E --guest-features 0x1
}

# ---- VMSA bytes: sha256 of sev-snp-measure's --dump-vmsa files ---------
# command: python3 sev-snp-measure.py --mode snp --vcpus 2
#   --vcpu-type EPYC-Genoa --vmm-type VMM --ovmf amdsev.fd
#   --guest-features 0x21 --dump-vmsa      (vmsa0.bin = BSP, vmsa1.bin = AP)
vmsa_kat() { # VMM SHA_BSP SHA_AP
	rm -rf "vm-$1" && mkdir "vm-$1" && (cd "vm-$1" &&
		"$M" snp --vcpus 2 --vcpu-type EPYC-Genoa --vmm-type "$1" \
			--ovmf ../amdsev.fd --guest-features 0x21 --dump-vmsa >/dev/null)
	run sha256sum "vm-$1/vmsa0.bin" "vm-$1/vmsa1.bin"
	expect_out "$2  vm-$1/vmsa0.bin
$3  vm-$1/vmsa1.bin" "VMSA bytes equal sev-snp-measure --dump-vmsa ($1)"
}
vmsa_kat QEMU 1df6ea2697d4469b2d56983a12c435f11340769a50663f92f4fdd3398d554bb9 \
	ce06745b45f644e8e836dfe7936ec27675e0926a946738e1d11efefd75ee29fe
vmsa_kat ec2 bafab7d7eb960e5f43d197aeb539175b92652d4a458958626394766bb623faf4 \
	8ac504f16bf2e9e03a2b9832c84dd448e732366ade256dd14c576b1d38c0ea1e
vmsa_kat gce 7dd746565c4271b846f624e5b3fa81d1f8dd595f005b1fcb2f4d27dbca9d2a82 \
	5dd0e2a43a6aa500dabcc0c5a350c98353b7f7652e248f461975caaa22dd266f
# command: python3 sev-snp-measure.py --mode snp:svsm --vcpus 2
#   --vcpu-type EPYC-Milan --ovmf svfw.fd --svsm sv.bin --vars-size 8192
#   --dump-vmsa
rm -rf vm-svsm && mkdir vm-svsm && (cd vm-svsm && "$M" snp --mode snp:svsm \
	--vcpus 2 --vcpu-type EPYC-Milan --ovmf ../svfw.fd --svsm ../sv.bin \
	--vars-size 8192 --dump-vmsa >/dev/null)
run sha256sum vm-svsm/vmsa0.bin
expect_out "2770a4e3bcec851fad6c5380d913f167239a0ba4ef6fd61b28fd5f012fa9240a  vm-svsm/vmsa0.bin" \
	"VMSA bytes equal sev-snp-measure --dump-vmsa (snp:svsm)"


# ---- many vCPU counts in one pass --------------------------------------
# Expected: sev-snp-measure 8f2b337e, one run per count N = 1..8:
#   python3 sev-snp-measure.py --mode snp --vcpus N --vcpu-type EPYC-v4
#     --ovmf amdsev.fd --kernel k.bin --initrd i.bin --append a=b
R="--vcpu-type EPYC-v4 --ovmf amdsev.fd --kernel k.bin --initrd i.bin --append a=b"
# shellcheck disable=SC2086
run "$M" snp --vcpus 1-8 $R
expect_out "1 d6f64fa0d1847d0666db2cec6dc57f14d27df1e9e20fadfea7313ea5694eca2c1c4c3a5b5e132221dfa84760266497c2
2 ba02900a4e798c35be75e19dd744bee0dea82be76fd4cee3886ec48f6050686877e16297707f55c2c5db38fd2a7b33d9
3 fc15a7a3b3a9fb44fcccc1f47eea341d2e7727c16188fad0447d97155309cafd7e08ceca3ef5ddfeae3f70ab848ac5c7
4 86f430cb5f043b1f4411260159fd414a7257be68f28379ce3cebcffc0e596da8c162ddec684f8fb0c8aa26cd5458ff60
5 8c4c008c37bd7cbffc5cbaaf1f16fb71bc46e2a50d17c9881919cbbd235e94a90ddceea10c005459fec08d78515a9f93
6 42726fea20af8924ab6352b3823b7b6fec912874f30238cc0e783c04146f056f0f44346a0802b75c58436eef6bd3cd21
7 947755de8d888bafdb16df35c8ed8282832eef097465d9fb6f5a0f53eed43952512abc1a8324e56cbbe41e1d437a5612
8 5ecc008c6624cdf2b83af64532bd340f20e7174eae3598413de60740837fcebaaac8c15248bb010e2ab1dcf95db62e5e" \
	"--vcpus 1-8 equals eight sev-snp-measure runs"
# shellcheck disable=SC2086
run "$M" snp --vcpus 8,3,3 $R
expect_out "3 fc15a7a3b3a9fb44fcccc1f47eea341d2e7727c16188fad0447d97155309cafd7e08ceca3ef5ddfeae3f70ab848ac5c7
8 5ecc008c6624cdf2b83af64532bd340f20e7174eae3598413de60740837fcebaaac8c15248bb010e2ab1dcf95db62e5e" \
	"--vcpus list: sorted, duplicates once"
# shellcheck disable=SC2086
run "$M" snp --vcpus 2,4-5 --json $R
check "--json: measurements for 2, 4, 5" [ "$(jq -r '[.measurements[].vcpus] | join(",")' "$T/out")" = "2,4,5" ]
check "--json: count 4 value" [ "$(jq -r '.measurements[1].measurement' "$T/out")" = \
	86f430cb5f043b1f4411260159fd414a7257be68f28379ce3cebcffc0e596da8c162ddec684f8fb0c8aa26cd5458ff60 ]
check "--json: kernel hash is the sha256 of k.bin" [ "$(jq -r '.kernel_hashes.kernel_sha256' "$T/out")" = \
	c6f8c1aebb2a73332cbfb01214c3043b620163e0e40cf78c7f83315ce3719bea ]
# shellcheck disable=SC2086
run "$M" snp --vcpus 4 --json $R
check "--json single count has .measurement" [ "$(jq -r '.measurement' "$T/out")" = \
	86f430cb5f043b1f4411260159fd414a7257be68f28379ce3cebcffc0e596da8c162ddec684f8fb0c8aa26cd5458ff60 ]
# shellcheck disable=SC2086
run "$M" snp --vcpus 4 -v $R
expect_out "Calculated SEV_SNP guest measurement: 86f430cb5f043b1f4411260159fd414a7257be68f28379ce3cebcffc0e596da8c162ddec684f8fb0c8aa26cd5458ff60" \
	"-v wording as sev-snp-measure"

# ---- --log and measure diff --------------------------------------------
# shellcheck disable=SC2086
run "$M" snp --vcpus 4 $R --log a.jsonl
expect_rc 0 "--log written"
# 16 OVMF pages, 9+3 SEC_MEM, secrets, cpuid, CAA, kernel-hashes, 15
# SEC_MEM, 4 VMSAs: 16 + 12 + 3 + 1 + 15 + 4
check "--log: one line per update (51)" [ "$(wc -l < a.jsonl)" -eq 51 ]
check "--log: last digest is the measurement" [ "$(tail -1 a.jsonl | jq -r .digest)" = \
	86f430cb5f043b1f4411260159fd414a7257be68f28379ce3cebcffc0e596da8c162ddec684f8fb0c8aa26cd5458ff60 ]
check "--log: vmsa region names the vCPU" [ "$(tail -1 a.jsonl | jq -r '.region + " " + .gpa + " " + .page_type')" = \
	"vmsa vcpu 3 0xfffffffff000 vmsa" ]
check "--log: first page is ovmf at 4 GiB - 64 KiB" [ "$(head -1 a.jsonl | jq -r '.region + " " + .gpa')" = \
	"ovmf 0xffff0000" ]
check "--log: zero page contents are zeros" [ "$(sed -n 17p a.jsonl | jq -r '.page_type + " " + .contents')" = \
	"zero $(printf '0%.0s' $(seq 96))" ]
cp i.bin i2.bin
printf '\x5a' | dd of=i2.bin bs=1 seek=12345 conv=notrunc status=none
# shellcheck disable=SC2086
"$M" snp --vcpus 4 --vcpu-type EPYC-v4 --ovmf amdsev.fd --kernel k.bin \
	--initrd i2.bin --append a=b --log b.jsonl >/dev/null
run "$M" diff a.jsonl b.jsonl
expect_rc 3 "diff: logs differ -> exit 3"
expect_out "first divergence at line 32: region kernel-hashes, GPA 0x810000: contents (initrd differs)" \
	"diff names the planted initrd change, its region and GPA"
run "$M" diff --json a.jsonl b.jsonl
check "diff --json" [ "$(jq -r '.region + " " + .gpa' "$T/out")" = "kernel-hashes 0x810000" ]
run "$M" diff a.jsonl a.jsonl
expect_rc 0 "diff: identical logs"
head -20 a.jsonl > short.jsonl
run "$M" diff a.jsonl short.jsonl
expect_out "first divergence at line 21: region sec-mem, GPA 0x804000: short.jsonl ends here" \
	"diff: one log ends early"
echo '{"x":1}' > junk.jsonl
run "$M" diff a.jsonl junk.jsonl
expect_rc 1 "diff: not a log"
expect_err_has "junk.jsonl: line 1: not a launch-update log line" "diff: names file and line"
# issue 13: a line, and a count of lines, are capped as a log can have them
{ head -3 a.jsonl; printf '{"digest": "%070000d"}\n' 0; } > long.jsonl
run "$M" diff a.jsonl long.jsonl
expect_rc 1 "diff: a 70000-byte line is an error"
expect_err_has "long.jsonl: line 4: 70014 bytes, longer than a launch log line may be (65536)" \
	"diff: names the file, the line and the cap"
head -c 4194305 /dev/zero | tr '\0' '\n' > many.jsonl
run "$M" diff many.jsonl many.jsonl
expect_rc 1 "diff: more lines than a launch has is an error, not 'logs agree'"
expect_err_has "many.jsonl: more than 4194304 lines" "diff: names the file and the cap"

# ---- bad inputs (issue 8): one clear error each -------------------------
bad() { # CORRUPTION EXPECTED_STDERR_PART [EXTRA ARGS]
	local c=$1 msg=$2; shift 2
	"$G" fw "bad-$c.fd" amdsev 65536 1 "$c"
	run "$M" snp --vcpus 2 --vcpu-type EPYC --ovmf "bad-$c.fd" "$@"
	if [ "$rc" -eq 1 ] && grep -qF -- "$msg" "$T/err"; then ok "bad input: $c"; else
		not_ok "bad input: $c (exit $rc)"; sed 's/^/# /' "$T/err" | head -3
	fi
}
bad no-footer "OVMF image has no footer table (GUID 96b582de-1fb2-45f7-baea-a366c55a082d"
bad footer-size-small "offset 0xffce: footer table size 10 is smaller than its 18-byte footer entry"
bad footer-size-huge "offset 0xffce: footer table size 65535 reaches before the start of the image"
bad entry-size-small "offset 0xffbc: footer table entry size 5 is smaller than its 18-byte header"
bad entry-size-huge "offset 0xffbc: footer table entry size 28672 exceeds the 94 bytes left"
bad entry-data-short "offset 0xff8c: footer table entry has 2 data bytes, expected at least 4"
bad meta-offset "SEV metadata offset 0x10010 (from the end) is outside the 65536-byte image"
bad meta-sig "offset 0xf800: bad SEV metadata signature 0x57455341, expected \"ASEV\""
bad meta-version "offset 0xf808: SEV metadata version 2, expected 1"
bad meta-size-small "offset 0xf804: SEV metadata size 99 is too small for 7 sections"
bad meta-past-end "offset 0xf804: SEV metadata of 2304 bytes runs past the end of the image"
bad meta-type "offset 0xf818: SEV metadata section 0 has unknown type 0x7"
bad meta-gpa-align "section 0 (sec-mem) GPA 0x800100 is not 4 KiB aligned"
bad meta-above-4g "section 0 (sec-mem) [0xfffff000, +0x2000) ends above 4 GiB"
bad meta-size-align "section 0 (sec-mem) size 0x1800 is not a multiple of 4 KiB"
bad meta-too-many "1000 SEV metadata sections, at most 256 accepted"
bad hashes-offset "SEV hash table at page offset 0xf80 does not fit in the page" --kernel k.bin
bad hashes-section-size "section 5 (kernel-hashes) is 0x2000 bytes, expected one page" --kernel k.bin
bad no-reset-block "OVMF footer table has no SEV-ES reset block (GUID 00f771de-1a7e-4fcb-890e-68c77e2fb44e)"
bad zero-ap-eip "gives AP entry point 0: only one vCPU can start"
run "$M" snp --vcpus 1 --vcpu-type EPYC --ovmf bad-zero-ap-eip.fd
expect_rc 0 "AP entry point 0 is fine for one vCPU"

run "$M" snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf x64.fd --kernel k.bin
expect_rc 1 "kernel given to firmware without a kernel-hashes section"
expect_err_has "Kernel specified but OVMF metadata doesn't include SNP_KERNEL_HASHES section" \
	"  ... with sev-snp-measure's message"
run "$M" snp --vcpus 1 --vcpu-type EPYC-X --ovmf amdsev.fd
expect_rc 2 "unknown vCPU type"
expect_err_has "unknown vCPU type 'EPYC-X'" "  ... named"
run "$M" snp --vcpus 0 --vcpu-type EPYC --ovmf amdsev.fd
expect_rc 2 "zero vCPUs"
expect_err_has "at least 1 vCPU" "  ... named"
run "$M" snp --vcpus 1025 --vcpu-type EPYC --ovmf amdsev.fd
expect_rc 2 "too many vCPUs"
expect_err_has "1025 is more than 1024" "  ... named"
run "$M" snp --vcpus 1 --ovmf amdsev.fd
expect_rc 2 "QEMU needs a vCPU type"
expect_err_has "missing --vcpu-type or --vcpu-sig or --vcpu-family in guest mode 'snp'" "  ... as sev-snp-measure says"
run "$M" snp --ovmf amdsev.fd --vcpu-type EPYC
expect_rc 2 "missing --vcpus"
run "$M" snp --vcpus 1 --vcpu-type EPYC --ovmf amdsev.fd --initrd i.bin
expect_rc 2 "--initrd without --kernel"
run "$M" snp --vcpus 1 --vcpu-type EPYC --ovmf amdsev.fd --vmm-type kvm
expect_rc 2 "unknown VMM type"
expect_err_has "unknown VMM type 'kvm' (use QEMU, ec2 or gce)" "  ... named"
run "$M" snp --vcpus 1 --vcpu-type EPYC --ovmf amdsev.fd --snp-ovmf-hash abcd
expect_rc 2 "--snp-ovmf-hash of the wrong length"
run "$M" snp --vcpus 1 --vcpu-family 300 --vcpu-model 1 --vcpu-stepping 1 --ovmf amdsev.fd
expect_rc 2 "vCPU family out of range"
head -c 10000 /dev/zero > odd.fd
run "$M" snp --mode snp:ovmf-hash --ovmf odd.fd
expect_rc 1 "firmware size not a multiple of 4 KiB"
expect_err_has "odd.fd: size 10000 is not a multiple of 4 KiB" "  ... named"
head -c 20 /dev/zero > tiny.fd
run "$M" snp --mode snp:ovmf-hash --ovmf tiny.fd
expect_err_has "tiny.fd: image is 20 bytes, too small for an OVMF footer table" "image too small"
run "$M" snp --vcpus 1 --vcpu-type EPYC --ovmf missing.fd
expect_rc 1 "missing firmware file"
run "$M" snp --mode snp:svsm --vcpus 1 --vcpu-type EPYC --ovmf svfw.fd --svsm sv.bin
expect_rc 2 "snp:svsm without --vars-size"


# ---- measure snp id-block ----------------------------------------------
# Expected: virtee/sev-snp-measure 8f2b337e, run outside the repository:
#   python3 snp-create-id-block.py --measurement $LD
#     --idkey tests/kat/snp/id_key.pem --authorkey tests/kat/snp/author_key.pem
# keys: test keys made for podvm (openssl ecparam -name secp384r1 -genkey
#   -noout); id_key.pem sha256 185a84c1449c06e228c35102f2c68abe49122ebf97f00524d923c5081b24cf30,
#   author_key.pem sha256 c56be9a2c0325814a1d26dff15758e16a669c33a16aefc32f35459dbf340b102
# LD: the one of its tests/test_id_block.py; the id-block it printed is the
# one that test expects.  id-auth has random ECDSA nonces: compared with
# both signature fields zeroed (sha256 95214980...), the signatures are
# verified by tests/unit/test_snp.c.
K=$SRCDIR/tests/kat/snp
LD=B28FLQi9p6cAqipgjFyqawDrrSl7bWioWkWx5mmlWLZ+G5HShKMB/mPE+gdQRn7t
run "$M" snp id-block --measurement "$LD" --idkey "$K/id_key.pem" --authorkey "$K/author_key.pem"
expect_rc 0 "id-block"
check "id-block: ID block as test_id_block.py expects" [ "$(sed -n '1s/,id-auth=.*//p' "$T/out")" = \
	"id-block=B28FLQi9p6cAqipgjFyqawDrrSl7bWioWkWx5mmlWLZ+G5HShKMB/mPE+gdQRn7tAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAwAAAAAA" ]
check "id-block: key digests as snp-create-id-block prints them" [ "$(sed -n '2,3p' "$T/out")" = \
"id_key_hash: snJnSdPBKl6pWamLFigF1EbDCi0+RFQvvleYoUTvo6EJVazaUnFHxvf/g2MfRWwM
author_key: bEtQP4eofNmg5fXKa3x21xyeB9EnTDMazjSiakB1gKRI4+KxzRq6UbHzt02r52j9" ]
sed -n '1s/.*,id-auth=//p' "$T/out" | base64 -d > auth.bin
dd if=/dev/zero of=auth.bin bs=1 seek=64 count=144 conv=notrunc status=none
dd if=/dev/zero of=auth.bin bs=1 seek=1664 count=144 conv=notrunc status=none
run sha256sum auth.bin
expect_out "95214980924dbbe072ddb38fb2927079e571c75688d802c6c96f1c7c6cd7af02  auth.bin" \
	"id-auth equals snp-create-id-block's but for the signatures"
run "$M" snp id-block --measurement "$LD" --idkey "$K/id_key.pem" --json \
	--family-id 00112233445566778899aabbccddeeff --guest-svn 7 --policy 0x30001
check "id-block --json without author key" [ "$(jq -r '.author_key_digest // "none"' "$T/out")" = none ]
jq -r .id_block "$T/out" | base64 -d > blk.bin
run od -An -tx1 -j48 -N48 blk.bin
expect_out " 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff
 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
 01 00 00 00 07 00 00 00 01 00 03 00 00 00 00 00" "id-block: family id, version, svn, policy in place"
run "$M" snp id-block --measurement "$LD" --idkey "$K/p256_key.pem"
expect_rc 1 "id-block: P-256 key refused"
expect_err_has "SNP only supports the EC curve P-384" "  ... with sev-snp-measure's reason"
run "$M" snp id-block --measurement abc --idkey "$K/id_key.pem"
expect_rc 2 "id-block: bad measurement"


# ---- the vCPU extension (snp-measurement.md 6) --------------------------
run "$M" snp ap-eip --ovmf amdsev.fd
expect_out "0080b004" "ap-eip prints the AP entry point as Contrast stores it"
run "$M" snp ap-eip --ovmf bad-no-reset-block.fd
expect_rc 1 "ap-eip: firmware without a reset block"
# From sev-snp-measure's 1-vCPU value (section "many vCPU counts" above) to
# its 5- and 8-vCPU values, without the firmware or the kernel.
run "$M" snp --extend-digest d6f64fa0d1847d0666db2cec6dc57f14d27df1e9e20fadfea7313ea5694eca2c1c4c3a5b5e132221dfa84760266497c2 \
	--ap-eip 0080b004 --vcpu-type EPYC-v4 --vcpus 5,8
expect_out "5 8c4c008c37bd7cbffc5cbaaf1f16fb71bc46e2a50d17c9881919cbbd235e94a90ddceea10c005459fec08d78515a9f93
8 5ecc008c6624cdf2b83af64532bd340f20e7174eae3598413de60740837fcebaaac8c15248bb010e2ab1dcf95db62e5e" \
	"--extend-digest: 1-vCPU digest + APs = sev-snp-measure's N-vCPU digests"
run "$M" snp --extend-digest abcd --ap-eip 0080b004 --vcpu-type EPYC-v4 --vcpus 2
expect_rc 2 "--extend-digest: bad digest"


# ---- every vCPU type sev-snp-measure knows ------------------------------
# Expected: sev-snp-measure 8f2b337e, per TYPE:
#   python3 sev-snp-measure.py --mode snp --vcpus 2 --vcpu-type TYPE
#     --ovmf x64.fd --guest-features 0x21
while read -r t v; do
	run "$M" snp --vcpus 2 --vcpu-type "$t" --ovmf x64.fd --guest-features 0x21
	expect_out "$v" "vCPU type $t"
done <<'TYPES'
EPYC d4d575d2549c94cbfb224bfae1e4165729ea833e16571ad21cb07a9beeb1d784c7559ddf30a5dcfa5328736b0bc1ef67
EPYC-v1 d4d575d2549c94cbfb224bfae1e4165729ea833e16571ad21cb07a9beeb1d784c7559ddf30a5dcfa5328736b0bc1ef67
EPYC-v2 d4d575d2549c94cbfb224bfae1e4165729ea833e16571ad21cb07a9beeb1d784c7559ddf30a5dcfa5328736b0bc1ef67
EPYC-IBPB d4d575d2549c94cbfb224bfae1e4165729ea833e16571ad21cb07a9beeb1d784c7559ddf30a5dcfa5328736b0bc1ef67
EPYC-v3 d4d575d2549c94cbfb224bfae1e4165729ea833e16571ad21cb07a9beeb1d784c7559ddf30a5dcfa5328736b0bc1ef67
EPYC-v4 d4d575d2549c94cbfb224bfae1e4165729ea833e16571ad21cb07a9beeb1d784c7559ddf30a5dcfa5328736b0bc1ef67
EPYC-Rome c6f567d0fbf89d527401e9ef5ad7cf68c31733d65cdd8cc3709ed2b84ccd8285b51e3418edb4b36b18a2c45603192cae
EPYC-Rome-v1 c6f567d0fbf89d527401e9ef5ad7cf68c31733d65cdd8cc3709ed2b84ccd8285b51e3418edb4b36b18a2c45603192cae
EPYC-Rome-v2 c6f567d0fbf89d527401e9ef5ad7cf68c31733d65cdd8cc3709ed2b84ccd8285b51e3418edb4b36b18a2c45603192cae
EPYC-Rome-v3 c6f567d0fbf89d527401e9ef5ad7cf68c31733d65cdd8cc3709ed2b84ccd8285b51e3418edb4b36b18a2c45603192cae
EPYC-Milan a2d8cfbfb7df825107b2626d0e3de2cb6cd762a5dabc3a9c45dc48ff33bc83ac45b19b6a14c874385f70f05b5b28bc6e
EPYC-Milan-v1 a2d8cfbfb7df825107b2626d0e3de2cb6cd762a5dabc3a9c45dc48ff33bc83ac45b19b6a14c874385f70f05b5b28bc6e
EPYC-Milan-v2 a2d8cfbfb7df825107b2626d0e3de2cb6cd762a5dabc3a9c45dc48ff33bc83ac45b19b6a14c874385f70f05b5b28bc6e
EPYC-Genoa 40abef00ca17289bc995363f15cb0f343c942beeb5924825cb9ef4580425ee888d4e637d34fdb30144ec15453b9c22ec
EPYC-Genoa-v1 40abef00ca17289bc995363f15cb0f343c942beeb5924825cb9ef4580425ee888d4e637d34fdb30144ec15453b9c22ec
EPYC-Turin df6311940d33176e23d3b5cd22e8cf5091760dc83260ab27ed3f3d02507d93a50b18201ba1441809521f5c5458454874
TYPES

finish
