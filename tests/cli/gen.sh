# SPDX-License-Identifier: Apache-2.0
# gen.sh - deterministic test inputs for the CLI tests and bench/ (sourced,
# not run).
#
#   sha FILE                   its SHA-256 in hex
#   le64 N                     N as 8 little-endian bytes
#   gen_bytes SEED N           N bytes of AES-128-CTR keystream under key SEED
#   gen_image SEED SIZE IMAGE_SIZE
#                              a fake arm64 Image: a valid header (text
#                              offset 0, image_size IMAGE_SIZE, flags 10),
#                              then gen_bytes SEED to SIZE bytes
#   gen_cca_inputs IMAGE INITRD
#                              the arm64 Image and initrd the CCA oracles
#                              measured (lkvm-rim-measurer, QEMU's dumpdtb);
#                              their sha256s are CCA_IMAGE_SHA, CCA_INITRD_SHA
# The known answers of measure-cca.sh and measure-release.sh were taken on
# these bytes: change them and the recorded sha256s of the inputs fail.
sha() { sha256sum "$1" | cut -c1-64; }
le64() { local v=$1 i; for i in 0 1 2 3 4 5 6 7; do printf "\\x$(printf %02x $(( (v >> (8 * i)) & 255 )))"; done; }
# (openssl dies of SIGPIPE when head has enough: not a failure, also
# under set -o pipefail, as in bench/)
gen_bytes() {
	{ openssl enc -aes-128-ctr -nosalt -K "$(printf %032x "$1")" \
		-iv 00000000000000000000000000000000 -in /dev/zero 2>/dev/null || true; } | head -c "$2"
}
CCA_IMAGE_SHA=441ca8c2ed3d8fe509ed871d272143e5d0285108ba0a0bdbcc786547ce6c9bc9
CCA_INITRD_SHA=7ea1cc691c70963792e6edcdf9c918a7a37b6d1bc4b53ef72dbeb1de328cb6b4
gen_cca_inputs() { gen_image 7 300000 1048576 >"$1"; gen_bytes 8 123457 >"$2"; }
gen_image() {
	printf '\x10\x00\x00\x14\x00\x00\x00\x00'; le64 0; le64 "$3"; le64 10
	le64 0; le64 0; le64 0; printf 'ARM\x64\x00\x00\x00\x00'
	gen_bytes "$1" $(( $2 - 64 ))
}
