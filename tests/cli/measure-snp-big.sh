#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# measure-snp-big.sh (suite slow) - `measure snp` on bench-sized inputs: a
# 2 MiB firmware (512 pages hashed across threads), an 8 MiB kernel and a
# 32 MiB initrd, serial and threaded.
#
# Provenance: virtee/sev-snp-measure 8f2b337e (v0.0.13), run outside the
# repository in a folder with the generated inputs:
#   python3 sev-snp-measure.py --mode snp --vcpus 4 --vcpu-type EPYC-v4
#     --ovmf big.fd --kernel k8.bin --initrd i32.bin --append console=ttyS0
#   python3 sev-snp-measure.py --mode snp --vcpus 64 --vcpu-type EPYC-Genoa
#     --vmm-type ec2 --ovmf big.fd --kernel k8.bin --initrd i32.bin
#     --append console=ttyS0 --guest-features 0x21
# inputs: big.fd = snp-fwgen fw big.fd amdsev 2097152 7   sha256 b18116a9...deac
#         k8.bin = snp-fwgen blob k8.bin 8388608 8        sha256 2e4535bb...da78
#         i32.bin = snp-fwgen blob i32.bin 33554432 9     sha256 c78dcf82...1757
. "$(dirname "$0")/lib.sh"

cd "$T" || exit 1
"$SNP_FWGEN" fw big.fd amdsev 2097152 7 && "$SNP_FWGEN" blob k8.bin 8388608 8 &&
	"$SNP_FWGEN" blob i32.bin 33554432 9
run sha256sum big.fd k8.bin i32.bin
expect_out "b18116a90ff79e1b4f1624b75f526a7a4265c608ace488fffb55b1f00739deac  big.fd
2e4535bb73114b9eb55e22107a509dcd65d49ba7b3d3c127d82afc3e1ed9da78  k8.bin
c78dcf8286688d6dc5de8414d4fb43ab367c72d9b9a4db1933765a0ac1151757  i32.bin" \
	"generated inputs have the recorded sha256"
for t in 1 2 4; do
	run "$MEASURE" snp --mode snp --vcpus 4 --vcpu-type EPYC-v4 --ovmf big.fd \
		--kernel k8.bin --initrd i32.bin --append console=ttyS0 --threads $t
	expect_out 0b4f23b6be3e9cf99b7f64ba0863a7cf212853e3c9ff12f25c8b96e1b1a80c6d8a80bfc5c28e11fa24515adddadae7d0 \
		"2 MiB firmware, 8 MiB kernel, 32 MiB initrd, 4 vCPUs, $t thread(s)"
done
run "$MEASURE" snp --mode snp --vcpus 1-64 --vcpu-type EPYC-Genoa --vmm-type ec2 \
	--ovmf big.fd --kernel k8.bin --initrd i32.bin --append console=ttyS0 \
	--guest-features 0x21
check "ec2, 64 vCPUs (from one 1-64 pass)" [ "$(tail -1 "$T/out")" = \
	"64 4191a148b2f56f346583742bc3fa67dc3a6207d3fafbbb541a173561c6ddfee886f9c8567a9efd50185b69d9761b1b8f" ]
finish
