#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# veritysetup.sh - veritysetup format/verify/dump: output layout, verify
# verdicts and exit codes, every bad input of issue 3 §5 with its message
# and exit code, and that format never leaves a partial new hash file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verity-data.sh"
VS=$VERITYSETUP
ORACLE=${ORACLE:-/usr/sbin/veritysetup}
U=$VERITY_UUID
cd "$T" || exit 1
gen_data $((4096 * 300 + 77)) data

# --- format: cryptsetup's layout ------------------------------------------
run "$VS" format --salt=ab12 --uuid=$U data hash
expect_rc 0 "format exits 0"
# Recorded from: veritysetup format --salt=ab12 --uuid=$U data hash
# (cryptsetup 2.6.1, data = gen_data 1228877), tabs as printed.
expect_out "$(printf '%s\n' 'VERITY header information for hash' \
	"UUID:            	$U" 'Hash type:       	1' 'Data blocks:     	300' \
	'Data block size: 	4096' 'Hash blocks:     	4' 'Hash block size: 	4096' \
	'Hash algorithm:  	sha256' 'Salt:            	ab12' \
	'Root hash:      	51d432dd89c4a179faee176c11b23094d1594964dd5dd460fb90607bd1519cdb' \
	'Hash device size: 	20480 [bytes]')" "format prints cryptsetup's fields and layout"
root=$(sed -n 's/^Root hash:[[:space:]]*//p' "$T/out")
run "$VS" dump hash
expect_rc 0 "dump exits 0"
expect_out "$(printf '%s\n' 'VERITY header information for hash' \
	"UUID:            	$U" 'Hash type:       	1' 'Data blocks:     	300' \
	'Data block size: 	4096' 'Hash blocks:     	4' 'Hash block size: 	4096' \
	'Hash algorithm:  	sha256' 'Salt:            	ab12' \
	'Hash device size: 	20480 [bytes]')" "dump prints cryptsetup's fields and layout"
if [ -x "$ORACLE" ]; then
	"$ORACLE" dump hash >oracle.out 2>&1
	check "dump: same output as the live oracle" cmp -s oracle.out "$T/out"
	"$ORACLE" format --salt=ab12 --uuid=$U data ohash >oracle.out 2>&1
	sed -i 's/ohash$/hash/' oracle.out
	run "$VS" format --salt=ab12 --uuid=$U data hash
	check "format: same output as the live oracle" cmp -s oracle.out "$T/out"
	rm -f ohash rh1 rh2
	"$ORACLE" format --salt=ab12 --uuid=$U --root-hash-file=rh1 data ohash >/dev/null 2>&1
	"$VS" format --salt=ab12 --uuid=$U --root-hash-file=rh2 data hash2 >/dev/null 2>&1
	check "--root-hash-file: the same file as the oracle's (hex, no newline)" cmp -s rh1 rh2
	"$ORACLE" dump --hash-offset=0 ohash >/dev/null 2>&1
fi
run "$VS" format --json --salt=ab12 --uuid=$U data hash
check "format --json: root hash and kernel table fields" \
	test "$(jq -r '[.root_hash, .hash_start_block, .data_blocks, .levels, .salt] | join(" ")' "$T/out")" = \
	"$root 1 300 2 ab12"
run "$VS" dump --json hash
check "dump --json: the superblock fields" \
	test "$(jq -r '[.uuid, .hash_algorithm, .hash_blocks] | join(" ")' "$T/out")" = "$U sha256 4"
run "$VS" format --threads=1 --salt=ab12 --uuid=$U data hash1
check "--threads=1 gives the same hash file" cmp -s hash hash1

# --- --hash-engine: the same bytes from each, named in --json -------------
run "$VS" format --hash-engine=openssl --json --salt=ab12 --uuid=$U data hash1
check "--hash-engine=openssl: the same hash file" cmp -s hash hash1
check "--hash-engine=openssl: --json names it" \
	test "$(jq -r '.hash_engine | split(" ")[0]' "$T/out")" = openssl
if "$VS" format --hash-engine=ipsec-mb --salt=ab12 --uuid=$U data hash2 >/dev/null 2>err.ipsec; then
	run "$VS" format --json --salt=ab12 --uuid=$U data hash1
	check "auto takes ipsec-mb when built in (--json names it)" \
		test "$(jq -r '.hash_engine | split(" ")[0]' "$T/out")" = ipsec-mb
	check "--hash-engine=ipsec-mb: the same hash file" cmp -s hash hash2
	run "$VS" format --json --data-block-size=65536 --salt=ab12 --uuid=$U data hash64k
	check "--json: 64 KiB blocks, which ipsec-mb does not take, are said to go through openssl" \
		test "$(jq -r '.hash_engine | test("^ipsec-mb .*, openssl 3[.].* for messages over 65534 bytes$")' "$T/out")" = true
	if [ -x "$ORACLE" ]; then
		"$ORACLE" format --data-block-size=65536 --salt=ab12 --uuid=$U data ohash64k >/dev/null 2>&1
		check "64 KiB blocks: the oracle's hash file" cmp -s hash64k ohash64k
	fi
	run "$VS" verify --json --hash-engine=ipsec-mb --check=podvm data hash "$root"
	check "verify --json names the engine" \
		test "$(jq -r '[.valid, (.hash_engine | split(" ")[0])] | join(" ")' "$T/out")" = "true ipsec-mb"
	printf 'X' | dd of=hash2 bs=1 seek=$((4096 * 2 + 31)) conv=notrunc 2>/dev/null
	run "$VS" verify --hash-engine=ipsec-mb --check=podvm data hash2 "$root"
	expect_rc 3 "--hash-engine=ipsec-mb: a corrupted leaf digest exits 3"
	expect_err_has "hash2: hash block 0 of level 0 (offset 8192) is corrupted" \
		"--hash-engine=ipsec-mb: names the hash block"
else
	check "--hash-engine=ipsec-mb without it in the build: exit 1 and why" \
		grep -q "this build has no ipsec-mb" err.ipsec
	run "$VS" format --json --salt=ab12 --uuid=$U data hash1
	check "auto is openssl without ipsec-mb" \
		test "$(jq -r '.hash_engine | split(" ")[0]' "$T/out")" = openssl
fi
run "$VS" verify --hash-engine=openssl data hash "$root"
expect_rc 0 "verify --hash-engine=openssl: valid"
run "$VS" format --hash-engine=isa-l data hash1
expect_rc 2 "--hash-engine: an unknown engine is a usage error"
expect_err_has "--hash-engine: hash engine 'isa-l', expected auto, openssl or ipsec-mb" \
	"--hash-engine: names the accepted engines"

# --- verify: 0 valid, 3 corrupted, 1 error --------------------------------
run "$VS" verify data hash "$root"
expect_rc 0 "verify: valid tree exits 0"
expect_out "" "verify: prints nothing when valid"
printf '%s' "$root" >roothash
run "$VS" verify --root-hash-file=roothash data hash
expect_rc 0 "verify --root-hash-file"
run "$VS" verify --root-hash-file=<(cat roothash) data hash
expect_rc 0 "verify --root-hash-file from a pipe"
"$VS" verify --root-hash-file=- data hash <roothash >"$T/out" 2>"$T/err"; rc=$?
expect_rc 0 "verify --root-hash-file=- (standard input)"
# libcryptsetup's check needs no root and no device mapper: run it as
# nobody when we are root.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	chmod 755 "$T" && chmod 644 data hash
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$VS" verify --check=libcryptsetup data hash "$root"
	expect_rc 0 "verify --check=libcryptsetup works as an unprivileged user"
fi
for who in both podvm libcryptsetup; do
	run "$VS" verify --check=$who data hash "$root"
	expect_rc 0 "verify --check=$who: valid"
done
cp data bad
printf 'X' | dd of=bad bs=1 seek=500000 conv=notrunc 2>/dev/null
run "$VS" verify bad hash "$root"
expect_rc 3 "verify: corrupted data exits 3"
expect_err_has "veritysetup: verify: bad: data block 122 (offset 499712) is corrupted (libcryptsetup agrees: Verification of data area failed.)" \
	"verify names the first corrupted data block, libcryptsetup agrees"
run "$VS" verify --check=podvm bad hash "$root"
expect_rc 3 "verify --check=podvm: corrupted exits 3"
run "$VS" verify --check=libcryptsetup bad hash "$root"
expect_rc 3 "verify --check=libcryptsetup: corrupted exits 3"
expect_err_has "libcryptsetup: Verification of data area failed." "libcryptsetup's message"
cp hash badhash
printf 'X' | dd of=badhash bs=1 seek=$((4096 * 2 + 10)) conv=notrunc 2>/dev/null
run "$VS" verify data badhash "$root"
expect_rc 3 "verify: corrupted hash block exits 3"
expect_err_has "badhash: hash block 0 of level 0 (offset 8192) is corrupted" "verify names the hash block"
run "$VS" verify data hash "${root%?}0"
[ "${root: -1}" = 0 ] && run "$VS" verify data hash "${root%?}1"
expect_rc 3 "verify: a wrong root hash exits 3"
expect_err_has "does not match the root hash" "wrong root hash message"
run "$VS" verify missing hash "$root"
expect_rc 1 "verify: missing data file exits 1"
expect_err_has "veritysetup: verify: missing: cannot open the data file" "missing data message"
run "$VS" verify data missing "$root"
expect_rc 1 "verify: missing hash file exits 1"
expect_err_has "missing: cannot open" "missing hash message"
run "$VS" verify data hash "zz$root"
expect_rc 1 "verify: a root hash that is not hex exits 1"
run "$VS" verify data hash
expect_rc 2 "verify: no root hash is a usage error"
run "$VS" verify --hash=sha1 data hash "$root"
expect_rc 2 "verify: tree options without --no-superblock are a usage error"
run "$VS" format --no-superblock --salt=ab12 data nosb
nroot=$(sed -n 's/^Root hash:[[:space:]]*//p' "$T/out")
run "$VS" verify --no-superblock --salt=ab12 data nosb "$nroot"
expect_rc 0 "verify --no-superblock: the parameters from options, data blocks from the file"
head -c 100 data >tinyv
run "$VS" verify --no-superblock --salt=ab12 tinyv nosb "$nroot"
expect_rc 1 "verify --no-superblock: data of zero blocks exits 1"
expect_err_has "tinyv: 100 bytes, less than one 4096-byte data block" "zero-block message"
head -c 12288 hash >short
run "$VS" verify data short "$root"
expect_rc 1 "verify: hash device too small exits 1"
expect_err_has "short: 12288 bytes, too small for the tree (needs 20480 bytes)" "too-small message"

# --- bad superblocks: dump and verify exit 1 naming the field -------------
# patch OFFSET BYTES-AS-PRINTF: a copy of hash with bytes replaced
patch() { cp hash sb; printf "$2" | dd of=sb bs=1 seek="$1" conv=notrunc 2>/dev/null; }
sbcase() {
	local desc=$1 off=$2 bytes=$3 msg=$4
	patch "$off" "$bytes"
	run "$VS" dump sb
	expect_rc 1 "dump: $desc exits 1"
	expect_err_has "veritysetup: dump: sb: $msg" "dump: $desc message"
	run "$VS" verify data sb "$root"
	expect_rc 1 "verify: $desc exits 1"
}
sbcase "wrong magic" 0 'Verity' 'offset 0x0: bad signature, expected "verity" (no dm-verity superblock here)'
sbcase "wrong version" 8 '\002' 'offset 0x8: superblock version 2, expected 1'
sbcase "wrong hash type" 12 '\002' 'offset 0xc: hash type 2, expected 0 or 1'
sbcase "wrong algorithm" 32 'md5\000\000\000' 'offset 0x20: hash algorithm "md5" not supported, expected sha1, sha256, sha384 or sha512'
sbcase "data block size not a power of two" 64 '\001\020' 'offset 0x40: data block size 4097, expected a power of two from 512 to 524288'
sbcase "hash block size too small" 68 '\000\001\000\000' 'offset 0x44: hash block size 256, expected a power of two from 512 to 524288'
sbcase "salt size over 256" 80 '\001\001' 'offset 0x50: salt size 257, expected at most 256'
run "$VS" dump data
expect_rc 1 "dump: a file with no superblock exits 1"
run "$VS" dump --hash-offset=4096 hash
expect_rc 1 "dump --hash-offset past the superblock exits 1"

# --- bad format inputs -----------------------------------------------------
rm -f h
run "$VS" format --salt=ab missing h
expect_rc 1 "format: missing data file exits 1"
expect_err_has "veritysetup: format: missing: cannot open the data file: No such file or directory" "missing data message"
check "format: no hash file after a missing data file" test ! -e h
if [ "$(id -u)" -ne 0 ]; then
	cp data unreadable && chmod 000 unreadable
	run "$VS" format --salt=ab unreadable h
	expect_rc 1 "format: unreadable data file exits 1"
	expect_err_has "unreadable: cannot open the data file: Permission denied" "unreadable message"
else
	run "$VS" format --salt=ab "$T" h
	expect_rc 1 "format: a directory as data exits 1 (root reads anything: no chmod test)"
	expect_err_has "is a directory, expected a data file" "directory message"
fi
: >notdir
run "$VS" format --salt=ab data notdir/h
expect_rc 1 "format: hash file that cannot be written exits 1"
expect_err_has "notdir/h" "unwritable hash file message names it"
head -c 100 data >tiny
run "$VS" format --salt=ab tiny h
expect_rc 1 "format: data of zero blocks exits 1"
expect_err_has "veritysetup: format: tiny: 100 bytes, less than one 4096-byte data block" "zero-block message"
: >empty
run "$VS" format --salt=ab empty h
expect_rc 1 "format: empty data file exits 1"
check "format: no hash file after zero-block data" test ! -e h
run "$VS" format --salt=ab --data-blocks=301 data h
expect_rc 1 "format: --data-blocks beyond the file exits 1"
expect_err_has "data: 1228877 bytes, too small for 301 data blocks of 4096 bytes" "data too small message"
check "format: no hash file after --data-blocks too large" test ! -e h
run "$VS" format --salt=xyz data h
expect_rc 2 "format: salt not hex exits 2"
expect_err_has "--salt" "salt not hex message"
run "$VS" format --salt=abc data h
expect_rc 2 "format: odd-length salt exits 2"
run "$VS" format --salt="$(printf 'ab%.0s' $(seq 257))" data h
expect_rc 2 "format: salt of 257 bytes exits 2"
expect_err_has "hex of at most 256 bytes" "long salt message"
run "$VS" format --data-block-size=1000 data h
expect_rc 2 "format: data block size not a power of two exits 2"
expect_err_has "veritysetup: format: --data-block-size: 1000 is not a power of two from 512 to 524288" "data block size message"
run "$VS" format --hash-block-size=3072 data h
expect_rc 2 "format: hash block size not a power of two exits 2"
run "$VS" format --hash-block-size=256 data h
expect_rc 2 "format: hash block size below 512 exits 2"
run "$VS" format --format=2 data h
expect_rc 2 "format: hash type 2 exits 2"
run "$VS" format --hash=md5 data h
expect_rc 2 "format: unsupported hash exits 2"
expect_err_has "veritysetup: format: --hash: unknown hash algorithm 'md5'" "unsupported hash message"
run "$VS" format --hash-offset=1000 data h
expect_rc 2 "format: hash offset not a multiple of 512 exits 2"
run "$VS" format --uuid=nope data h
expect_rc 2 "format: bad UUID exits 2"
run "$VS" format data
expect_rc 2 "format: one operand is a usage error"
check "format: no hash file after any usage error" test ! -e h
cp data same
run "$VS" format --salt=ab same same
expect_rc 1 "format: hash area over the data exits 1"
expect_err_has "overlaps the 1228800 bytes of data" "overlap message"
check "format: the data file is unchanged after the overlap error" cmp -s data same

# A failure half-way (the file size limit stops the writes): no new hash
# file, no temporary file left beside it.
gen_data $((64 << 20)) big
mkdir outdir
(trap '' XFSZ; ulimit -f 64; "$VS" format --salt=ab big outdir/h >"$T/out" 2>"$T/err"); rc=$?
expect_rc 1 "format: a write failure exits 1"
expect_err_has "File too large" "write failure message"
check "format: nothing left after a failed write (no partial hash file)" \
	test -z "$(ls -A outdir)"
run "$VS" format --salt=ab big outdir/h
expect_rc 0 "format: then succeeds"
# ... and a failure over that existing hash file leaves it as it was
cp outdir/h h.keep
(trap '' XFSZ; ulimit -f 64; "$VS" format --salt=cd big outdir/h >"$T/out" 2>"$T/err"); rc=$?
expect_rc 1 "format over an existing hash file: a write failure exits 1"
check "format: the existing hash file is unchanged after a failed write" cmp -s outdir/h h.keep
check "format: no temporary left beside it" test "$(ls -A outdir)" = h
# two runs at once over the same hash file: it matches one of the roots
"$VS" format --salt=01 --uuid=$U big outdir/h >c1.out 2>&1 &
p1=$!
"$VS" format --salt=02 --uuid=$U big outdir/h >c2.out 2>&1 &
p2=$!
wait $p1 $p2
c1=$(sed -n 's/^Root hash:[[:space:]]*//p' c1.out)
c2=$(sed -n 's/^Root hash:[[:space:]]*//p' c2.out)
if "$VS" verify big outdir/h "$c1" 2>/dev/null || "$VS" verify big outdir/h "$c2" 2>/dev/null; then
	ok "format: two concurrent runs leave a tree that matches one root"
else
	not_ok "format: two concurrent runs leave a tree that matches one root"
fi
rm -f big h.keep c1.out c2.out

# An existing, larger hash file is replaced atomically: the bytes of a
# fresh format, exactly the tree's size (not cryptsetup's in-place write,
# which keeps the old tail), and "Hash device size" is the size the tree
# needs, as cryptsetup prints it.
gen_data 100000 big1; cp big1 big2
run "$VS" format --salt=ab12 --uuid=$U data big1
expect_out_has "Hash device size: 	20480 [bytes]" "Hash device size: the size the tree needs"
"$VS" format --salt=ab12 --uuid=$U data fresh >/dev/null
check "existing hash file: replaced by the bytes of a fresh format" cmp -s big1 fresh
check "existing hash file: the old tail is gone" test "$(stat -c %s big1)" = 20480
if [ -x "$ORACLE" ]; then
	"$ORACLE" format --salt=ab12 --uuid=$U data big2 >oracle.out 2>&1
	# cryptsetup keeps the old bytes after the 512-byte superblock
	check "existing hash file: superblock and tree cmp-identical to the oracle's in-place result" \
		eval 'cmp -s <(head -c 512 big1) <(head -c 512 big2) &&
		      cmp -s <(tail -c +4097 big1) <(head -c 20480 big2 | tail -c +4097)'
fi
rm -f fresh big2

# An existing hash file that is a hard link elsewhere: the other name
# keeps the old tree (a new file is renamed over this name).
"$VS" format --salt=ab12 --uuid=$U data hl1 >/dev/null
ln hl1 hl2
run "$VS" format --salt=cd34 --uuid=$U data hl1
expect_rc 0 "format over a hard-linked hash file"
check "the other link keeps the old tree" test "$(cmp hl1 hl2 >/dev/null; echo $?)" = 1
rm -f hl1 hl2

# --root-hash-file that cannot be written (a full disk): format fails and
# leaves no new hash file (nor an old one changed), no temporary.
if [ "$(id -u)" = 0 ]; then mknod full c 1 7; FULL=$T/full; else FULL=/dev/full; fi
mkdir rhdir
run "$VS" format --salt=ab12 --uuid=$U --root-hash-file="$FULL" data rhdir/h
expect_rc 1 "format: a root hash file on a full disk exits 1"
expect_err_has "No space left on device" "the full disk is named"
check "format: no new hash file when the root hash file fails" test -z "$(ls -A rhdir)"
check "format: the full device is still a device" test -c "$FULL"
"$VS" format --salt=ab12 --uuid=$U data rhdir/h >/dev/null
cp rhdir/h rhdir/h.old
run "$VS" format --salt=cd34 --uuid=$U --root-hash-file="$FULL" data rhdir/h
expect_rc 1 "format over an old hash file, root hash file on a full disk: exits 1"
check "format: the old hash file is unchanged" cmp -s rhdir/h rhdir/h.old
check "format: no temporary left" test "$(ls -A rhdir | wc -l)" = 2
run "$VS" format --salt=ab12 --root-hash-file=data data rhdir/h2
expect_rc 1 "format: a root hash file that is the data file is refused"
expect_err_has "the output is the input" "the refusal names it"
check "format: the data file is unchanged" test "$(stat -c %s data)" = $((4096 * 300 + 77))
run "$VS" format --salt=ab12 --root-hash-file=rhdir/h data rhdir/h
expect_rc 1 "format: a root hash file that is the hash file is refused"
rm -rf rhdir

# SIGTERM during a large format: the process ends and leaves no hidden
# temporary file (tens of MB each, which would accumulate).
truncate -s 4G sparse
mkdir sigdir
"$VS" format --salt=ab --threads=1 sparse sigdir/h >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do [ -n "$(ls -A sigdir)" ] && break; sleep 0.05; done
sleep 0.2
kill -TERM "$pid"
wait "$pid"; rc=$?
expect_rc 143 "format: SIGTERM ends it by the signal"
check "format: no temporary file left after SIGTERM" test -z "$(ls -A sigdir)"
rm -rf sparse sigdir

# --- default salt and UUID are random, as cryptsetup's ---------------------
run "$VS" format data r1
a=$(sed -n 's/^Salt:[[:space:]]*//p' "$T/out")
run "$VS" format data r2
b=$(sed -n 's/^Salt:[[:space:]]*//p' "$T/out")
check "format: the default salt is 32 random bytes" test "${#a}" -eq 64 -a "$a" != "$b"
finish
