#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# record.sh - write matrix.kat from cryptsetup's veritysetup (the oracle):
# for each case of matrix.txt, "name|root hash|sha256 of the hash file|
# its size".  Run by hand when the matrix changes:
#   tests/kat/verity/record.sh > tests/kat/verity/matrix.kat
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../cli/verity-data.sh"
ORACLE=${ORACLE:-/usr/sbin/veritysetup}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "# SPDX-License-Identifier: Apache-2.0"
echo "# Recorded by tests/kat/verity/record.sh with $("$ORACLE" --version | head -1)"
echo "# (Debian cryptsetup-bin $(dpkg-query -W -f='${Version}' cryptsetup-bin 2>/dev/null || echo '?'))."
echo "# Command per case: veritysetup format OPTIONS --salt=... --uuid=... data hash"
echo "# (see matrix.txt for the data and the defaults; @same: data data)."
echo "# DATA4096 sha256 $(gen_data 4096 /dev/stdout | sha256sum | cut -d" " -f1) (the first 4096 bytes of the generator)"
echo "# name|root hash|sha256 of the file holding the tree|its size"
matrix_cases "$here/matrix.txt" | while IFS='|' read -r name bytes opts; do
	case_format "$ORACLE" "$T/c" "$name" "$bytes" "$opts"
	[ "$case_rc" -eq 0 ] || { echo "oracle failed on $name" >&2; exit 1; }
	printf '%s|%s|%s|%s\n' "$name" "$(case_root "$T/c")" \
		"$(sha256sum <"$case_hash" | cut -d' ' -f1)" "$(stat -c %s "$case_hash")"
done
