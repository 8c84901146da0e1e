#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# veritysetup-upstream.sh - cryptsetup's own known answers
# (tests/kat/verity/upstream.kat, from its tests/verity-compat-test), which
# upstream can only check as root with loop devices: here unprivileged, on
# files, with and without a superblock, in a separate hash file and in the
# data file at a hash offset; each tree then passes verify.
. "$(dirname "$0")/lib.sh"
VS=$VERITYSETUP
SALT=e48da609055204e89ae53b655ca2216dd983cf3cb829f34f63a297d106d53e2d
cd "$T" || exit 1
while IFS='|' read -r bs want salt fmt alg; do
	[ "$salt" = SALT ] && salt=$SALT
	for sb in yes no; do
		opts=(--format="$fmt" --data-block-size="$bs" --hash-block-size="$bs"
			--hash="$alg" --salt="$salt")
		vopts=()
		[ $sb = no ] && opts+=(--no-superblock) && vopts=("${opts[@]}")
		for layout in separate offset; do
			rm -f img hash
			if [ $layout = separate ]; then
				truncate -s 8M img
				run "$VS" format "${opts[@]}" img hash
				vargs=(img hash)
			else
				truncate -s $((8192 * 1024 + 1024 * 1024)) img
				lo=(--hash-offset=8388608 --data-blocks=$((8388608 / bs)))
				run "$VS" format "${opts[@]}" "${lo[@]}" img img
				vargs=(img img)
				vopts2=(--hash-offset=8388608)
				[ $sb = no ] && vopts2+=("--data-blocks=$((8388608 / bs))")
			fi
			got=$(sed -n 's/^Root hash:[[:space:]]*//p' "$T/out")
			desc="V$fmt $alg bs $bs salt ${salt:0:6} sb=$sb $layout"
			check "$desc: root hash as upstream's" test "$got" = "$want"
			if [ $layout = separate ]; then
				run "$VS" verify "${vopts[@]}" "${vargs[@]}" "$want"
			else
				run "$VS" verify "${vopts[@]}" "${vopts2[@]}" "${vargs[@]}" "$want"
			fi
			expect_rc 0 "$desc: verify"
		done
	done
done < <(sed -e '/^#/d' "$SRCDIR/tests/kat/verity/upstream.kat")
finish
