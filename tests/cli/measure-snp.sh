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

finish
