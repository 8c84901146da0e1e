#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# veritysetup-slow.sh (suite 'slow') - a sparse 5 GiB data file: sizes and
# offsets over 4 GiB without 32-bit truncation, in a separate hash file
# and with the hash area placed beyond 4 GiB in the data file itself.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verity-data.sh"
VS=$VERITYSETUP
ORACLE=${ORACLE:-/usr/sbin/veritysetup}
cd "$T" || exit 1
# Recorded from cryptsetup 2.6.1 (Debian cryptsetup-bin 2:2.6.1-4~deb12u2):
#   truncate -s 5G s5
#   veritysetup format --salt=5eed0123456789abcdef \
#     --uuid=12345678-1234-1234-1234-123456789abc s5 hash
# printed "Data blocks: 1310720", "Hash device size: 42278912 [bytes]" and
# this root hash; sha256 of the hash file:
ROOT=c1e221bd7700039438a9834759376290b243f1eab747b709ad0cb3374bc89597
SHA=2b5e04e8f4bfdbfbe1ccd85563a00f846ae412fb62e5d13047fc59c6284aefc4
SIZE=42278912
FIVE=$((5 << 30))
opts=(--salt=$VERITY_SALT --uuid=$VERITY_UUID)

truncate -s $FIVE s5
if [ -x /usr/bin/time ]; then
	# memory stays bounded whatever the size (issue 3 §4: at most 64 MiB)
	/usr/bin/time -o rss -f %M "$VS" format "${opts[@]}" s5 hash >"$T/out" 2>"$T/err"
	rc=$?
	check "format 5 GiB: max RSS $(cat rss) KiB, under 64 MiB" test "$(cat rss)" -lt 65536
else
	run "$VS" format "${opts[@]}" s5 hash
fi
expect_rc 0 "format 5 GiB sparse exits 0"
expect_out_has "Data blocks:     	1310720" "1310720 data blocks"
expect_out_has "Root hash:      	$ROOT" "root hash as recorded from cryptsetup"
expect_out_has "Hash device size: 	$SIZE [bytes]" "hash device size as recorded"
check "hash file as recorded (sha256)" test "$(sha256sum <hash | cut -d' ' -f1)" = "$SHA"
if [ -x "$ORACLE" ]; then
	"$ORACLE" format "${opts[@]}" s5 ohash >/dev/null 2>&1
	check "live oracle: cmp-identical hash file" cmp -s hash ohash
	rm -f ohash
fi
run "$VS" verify --check=podvm s5 hash "$ROOT"
expect_rc 0 "verify 5 GiB exits 0"
# a corrupted block past 4 GiB is named with its full 64-bit offset
printf 'X' | dd of=s5 bs=1 seek=$((FIVE - 4096 * 3 + 1)) conv=notrunc 2>/dev/null
run "$VS" verify --check=podvm s5 hash "$ROOT"
expect_rc 3 "verify: a block past 4 GiB corrupted exits 3"
expect_err_has "s5: data block 1310717 (offset 5368696832) is corrupted" "names block 1310717 at its 64-bit offset"
rm -f s5 hash

# The hash area at 5 GiB in the data file itself (cryptsetup's
# "--data-blocks=D --hash-offset=D*4096 img img").
truncate -s $FIVE img
run "$VS" format "${opts[@]}" --data-blocks=1310720 --hash-offset=$FIVE img img
expect_rc 0 "format with --hash-offset=5 GiB in the data file exits 0"
expect_out_has "Root hash:      	$ROOT" "same root hash wherever the tree is"
check "the hash area beyond 5 GiB is the recorded hash file" \
	test "$(tail -c +$((FIVE + 1)) img | sha256sum | cut -d' ' -f1)" = "$SHA"
check "the file ends with the tree" test "$(stat -c %s img)" -eq $((FIVE + SIZE))
run "$VS" dump --hash-offset=$FIVE img
expect_out_has "Data blocks:     	1310720" "dump at a 5 GiB offset"
finish
