#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# veritysetup-matrix.sh - the comparison matrix of issue 3 §2: for every
# case of tests/kat/verity/matrix.txt, our format must give the recorded
# root hash and hash file (matrix.kat, recorded from cryptsetup 2.6.1), and,
# when cryptsetup's veritysetup is installed, the same root hash, a
# byte-identical hash file (cmp) and the same printed fields as the live
# oracle.  Then our verify (both checkers) must accept the tree.  Every
# case runs on each hash engine of the build (--hash-engine).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/verity-data.sh"
KAT=$SRCDIR/tests/kat/verity
ORACLE=${ORACLE:-/usr/sbin/veritysetup}
live=0
if [ -x "$ORACLE" ] && "$ORACLE" --version 2>/dev/null | grep -q '^veritysetup 2\.'; then
	live=1
fi

# The data generator is part of the recorded provenance: pin it.
gen_data 4096 "$T/pin"
check "data generator: AES-128-CTR keystream as recorded" \
	test "$(sha256sum <"$T/pin" | cut -d' ' -f1)" = \
	"$(sed -n 's/^# DATA4096 sha256 \([0-9a-f]*\).*/\1/p' "$KAT/matrix.kat")"

# Our hash engines: openssl always; ipsec-mb (the default) when this build
# has it.  Each must give the recorded and the live oracle's bytes.
engines=openssl
if "$VERITYSETUP" format --hash-engine=ipsec-mb --salt=- --no-superblock \
	"$T/pin" "$T/pin.hash" >/dev/null 2>&1; then
	engines="ipsec-mb openssl"
fi
echo "# engines: $engines"

while IFS='|' read -r name bytes opts; do
	want=$(grep "^$name|" "$KAT/matrix.kat" || true)
	if [ -z "$want" ]; then
		not_ok "$name: no recorded answer in matrix.kat"
		continue
	fi
	IFS='|' read -r _ wroot wsha wsize <<<"$want"
	oracle_rc=1
	if [ $live -eq 1 ]; then
		case_format "$ORACLE" "$T/o" "$name" "$bytes" "$opts"
		oracle_rc=$case_rc oracle_hash=$case_hash
	fi
	for eng in $engines; do
		case_format "$VERITYSETUP" "$T/p" "$name" "$bytes" "$opts --hash-engine=$eng"
		if [ "$case_rc" -ne 0 ]; then
			cp "$T/p/err" "$T/err"
			not_ok "$name [$eng]: format failed (exit $case_rc)"
			continue
		fi
		root=$(case_root "$T/p")
		sha=$(sha256sum <"$case_hash" | cut -d' ' -f1)
		size=$(stat -c %s "$case_hash")
		if [ "$root|$sha|$size" = "$wroot|$wsha|$wsize" ]; then
			ok "$name [$eng]: root hash and hash file as recorded from cryptsetup 2.6.1"
		else
			not_ok "$name [$eng]: got $root|$sha|$size, recorded $wroot|$wsha|$wsize"
		fi
		ours_hash=$case_hash
		if [ $live -eq 1 ]; then
			if [ "$oracle_rc" -eq 0 ] && cmp -s "$oracle_hash" "$ours_hash" &&
				[ "$(case_root "$T/o")" = "$root" ] && diff -q "$T/o/out" "$T/p/out" >/dev/null; then
				ok "$name [$eng]: live oracle: same root hash, cmp-identical hash file, same output"
			else
				diff "$T/o/out" "$T/p/out" | sed 's/^/# /' | head -10
				not_ok "$name [$eng]: live oracle differs (oracle exit $oracle_rc)"
			fi
		fi
		hashname=${ours_hash##*/}
		# shellcheck disable=SC2086
		(cd "$T/p" && "$VERITYSETUP" verify --hash-engine=$eng $case_verify_opts data "$hashname" "$root" >"$T/out" 2>"$T/err")
		rc=$?
		expect_rc 0 "$name [$eng]: verify (podvm and libcryptsetup) accepts it"
	done
done < <(matrix_cases "$KAT/matrix.txt")
[ $live -eq 1 ] || echo "# cryptsetup's veritysetup not installed: recorded answers only"
finish
