#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# nix.sh - nix/default.nix really builds the three tools: nix-build of
# nix/tests/host.nix (default.nix against a package set mapping each nixpkgs
# dependency to this machine's, the sandbox off), then the built tools
# report the version of the meson build.  Skipped without nix-build.
. "$(dirname "$0")/lib.sh"
src=${SRCDIR:?}
if ! command -v nix-build >/dev/null; then
	ok "nix-build # SKIP nix is not installed (apt-get install nix-bin)"
	finish
	exit $?
fi
run nix-build --option sandbox false --option build-users-group '' \
	--option substituters '' --no-out-link "$src/nix/tests/host.nix"
expect_rc 0 "nix-build nix/tests/host.nix (default.nix against the host package set)"
res=$(tail -1 "$T/out")
for t in igvmgen measure veritysetup; do
	v=${t^^}
	check "nix: bin/$t is the version meson built" \
		test "$("$res/bin/$t" --version 2>/dev/null)" = "$("${!v}" --version)"
done
# and computes what it computes: a verity root hash of 1 MiB
head -c 1048576 /dev/urandom >"$T/data"
"$res/bin/veritysetup" format --salt=00 "$T/data" "$T/h1" >"$T/r1" 2>&1
"$VERITYSETUP" format --salt=00 "$T/data" "$T/h2" >"$T/r2" 2>&1
check "nix: bin/veritysetup gives the root hash meson's gives" \
	test "$(grep '^Root hash' "$T/r1")" = "$(grep '^Root hash' "$T/r2")" -a -s "$T/h1"
check "nix: the man pages are installed" test -f "$res/share/man/man1/measure.1"
finish
