#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# checksrc.sh - source checks that cost nothing, as TAP:
#   - no banned function (unbounded string functions, unchecked number
#     parsing, alloca) in C sources: use snprintf, memcpy with a checked
#     length, pv_parse_u64 / pv_parse_size;
#   - every C and shell source starts with an SPDX line within 3 lines;
#   - no tab/space mix at the start of C lines.
# Usage: ci/checksrc.sh [SOURCE_ROOT]
set -u
root=${1:-$(dirname "$0")/..}
cd "$root" || exit 1
n=0 failed=0
result() {
	n=$((n + 1))
	if [ -z "$2" ]; then echo "ok $n - $1"; else
		failed=$((failed + 1)); echo "not ok $n - $1"; printf '%s\n' "$2" | sed 's/^/# /'
	fi
}
csrc=$(git ls-files '*.c' '*.h' 2>/dev/null || find lib tools tests -name '*.[ch]')
[ -n "$csrc" ] || csrc=$(find lib tools tests -name '*.[ch]')
banned='\b(sprintf|vsprintf|strcpy|strcat|strncpy|strncat|strtok|atoi|atol|atoll|gets|alloca|strtol|strtoul|strtoull|strtoll)[[:space:]]*\('
result "no banned functions" "$(grep -nE "$banned" $csrc 2>/dev/null)"
missing=""
for f in $csrc $(git ls-files '*.sh' 2>/dev/null) build.sh; do
	[ -f "$f" ] || continue
	head -3 "$f" | grep -q 'SPDX-License-Identifier' || missing="$missing$f"$'\n'
done
result "every source has an SPDX line" "${missing%$'\n'}"
result "no space-indented C lines" "$(grep -nE '^ +[^ *]' $csrc 2>/dev/null | grep -v '^[^:]*:[0-9]*: *\*' | head -20)"
echo "1..$n"
[ "$failed" -eq 0 ]
