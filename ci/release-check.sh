#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# release-check.sh OUT - the published files of a fresh build of the
# default image (issue 8), as TAP:
#   1-3. artifacts.json and refvalues.json of OUT, and the committed
#        refvalues/pod/refvalues.json, validate against refvalues/*.schema.json
#   4.   jq .contrast of OUT validates against Contrast's reference-value
#        rules (refvalues/contrast-reference-values.schema.json)
#   5.   with out/OVMF-SNP.fd, metal-qemu-snp values for every product and
#        vCPU count of images/pod/release.json; without it, the note that
#        the optional target was skipped (issue 14)
#   5b.  they equal sev-snp-measure's recorded answers (and its live
#        ones, with SEV_SNP_MEASURE set to a checkout outside the tree)
#   5c.  the arm64 image's kvmtool-cca-eac5 RIM equals lkvm-rim-measurer's
#        recorded answer (tests/kat/cca/default-image-kvmtool.txt)
#   5d.  its firmware boot, KVMTOOL_EFI.fd (required): measure cca under
#        profile 1.0-eac5 with the kvmtool-cca-edk2 target's parameters
#        equals lkvm-rim-measurer --firmware's recorded RIM, and the DTB of
#        the published value's command equals its --dump-dtb; the
#        published (profile 1.0) value is what that command prints (the
#        measurer models 1.0-eac5 only: docs/cca-rim.md 11.4)
#        (with LKVM_RIM_MEASURER=/path also run live, 5c and 5d)
#   6.   measure verify confirms every value of OUT from its artifacts
#   6b.  build-info.json records the source of each firmware built from
#        source as firmware/PINNED (and PINNED-KVMTOOL) pins it: the three
#        edk2 source files with their sha256s and the platform
#   7.   the committed values are what the current inputs give (a drift
#        whose recorded inputs moved, e.g. a Debian security update in the
#        rootfs, is reported and skipped: it asks for ./build.sh refvalues)
#   8-10. ci/drift-check.sh, run on a copy of the tree whose command line
#        differs by one byte, exits 1 and names the region cmdline
# Run from the top of the tree after `./build.sh stages` into OUT.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
out=$(cd "${1:?usage: release-check.sh OUT}" && pwd)
build=${PODVM_BUILD_DIR:-build}
case "$build" in /*) ;; *) build=$top/$build ;; esac
measure=$build/bin/measure
work=$(mktemp -d /var/tmp/podvm-release.XXXXXX)
trap 'rm -rf "$work"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; }
diag() { sed 's/^/# /' "$1" | tail -"${2:-15}"; }
validate() { /usr/bin/python3 tests/release/validate.py "refvalues/$1.schema.json" "$2" >"$work/v" 2>&1; }

for f in "artifacts $out/artifacts.json" "refvalues $out/refvalues.json" "refvalues refvalues/pod/refvalues.json"; do
	set -- $f
	if validate "$1" "$2"; then ok "$2 validates against refvalues/$1.schema.json"
	else not_ok "$2 validates against refvalues/$1.schema.json"; diag "$work/v"; fi
done

jq .contrast "$out/refvalues.json" >"$work/contrast.json"
if /usr/bin/python3 tests/release/validate.py refvalues/contrast-reference-values.schema.json \
	"$work/contrast.json" >"$work/v" 2>&1; then
	ok "jq .contrast $out/refvalues.json validates against Contrast's reference-value rules"
else
	not_ok "jq .contrast $out/refvalues.json validates against Contrast's reference-value rules"; diag "$work/v"
fi
want=$(jq '[.snp[] | select(.platform == "metal-qemu-snp") | (.products | length) * (.vcpus | length)] | add // 0' \
	images/pod/release.json)
got=$(jq '[.values[] | select(.platform == "metal-qemu-snp")] | length' "$out/refvalues.json")
if [ -e "$out/OVMF-SNP.fd" ]; then
	if [ "$got" = "$want" ]; then ok "metal-qemu-snp: $got values from OVMF-SNP.fd (every product and vCPU count)"
	else not_ok "metal-qemu-snp: $got values from OVMF-SNP.fd, release.json asks for $want"; fi
elif jq -e '.notes[] | select(startswith("metal-qemu-snp: no values"))' "$out/refvalues.json" >/dev/null; then
	ok "metal-qemu-snp skipped with a note: $out has no OVMF-SNP.fd (the firmware stage)"
else
	not_ok "no OVMF-SNP.fd in $out and no note that metal-qemu-snp was skipped"
fi

# 5b. the metal-qemu-snp values equal sev-snp-measure's for the same files:
# its answers are recorded with their provenance in
# tests/kat/snp/default-image-ovmf.txt (for the inputs whose sha256s it
# names); with SEV_SNP_MEASURE=/path/to/a/checkout it is also run live.
kat=tests/kat/snp/default-image-ovmf.txt
kat_in() { sed -n "s/^$1 //p" "$kat"; }
jq -r '.values[] | select(.platform == "metal-qemu-snp") | "\(.product) \(.vcpus) \(.measurement)"' \
	"$out/refvalues.json" >"$work/ours"
if [ ! -e "$out/OVMF-SNP.fd" ]; then
	ok "metal-qemu-snp values equal sev-snp-measure's # SKIP no OVMF-SNP.fd in $out"
elif [ "$(sha256sum <"$out/OVMF-SNP.fd" | cut -d' ' -f1)" != "$(kat_in ovmf)" ] ||
	[ "$(sha256sum <"$out/bzImage" | cut -d' ' -f1)" != "$(kat_in kernel)" ] ||
	[ "$(sha256sum <"$out/cmdline" | cut -d' ' -f1)" != "$(kat_in cmdline)" ]; then
	not_ok "metal-qemu-snp values equal sev-snp-measure's: the firmware, kernel or command line is not the one $kat was recorded for (record it again with the command in its header)"
elif grep -v '^#\|^ovmf \|^kernel \|^cmdline ' "$kat" | diff - "$work/ours" >"$work/kd"; then
	ok "metal-qemu-snp: all $(wc -l <"$work/ours") values equal sev-snp-measure 8f2b337's recorded answers ($kat)"
else
	not_ok "metal-qemu-snp values equal sev-snp-measure's recorded answers ($kat)"; diag "$work/kd"
fi
# The arm64 image's kvmtool-cca-eac5 RIM against Islet's lkvm-rim-measurer:
# recorded in tests/kat/cca/default-image-kvmtool.txt; with
# LKVM_RIM_MEASURER=/path/to/lkvm-rim-measurer also run live.
ckat=tests/kat/cca/default-image-kvmtool.txt
ckat_in() { sed -n "s/^$1 //p" "$ckat"; }
ours=$(jq -r '.values[] | select(.platform == "kvmtool-cca-eac5") | .measurement' "$out/refvalues.json")
if [ ! -e "$out/Image" ]; then
	ok "kvmtool-cca-eac5 value equals lkvm-rim-measurer's # SKIP no Image in $out"
elif [ "$(sha256sum <"$out/Image" | cut -d' ' -f1)" != "$(ckat_in image)" ] ||
	[ "$(sha256sum <"$out/cmdline-arm64" | cut -d' ' -f1)" != "$(ckat_in cmdline)" ]; then
	not_ok "kvmtool-cca-eac5 value equals lkvm-rim-measurer's: the Image or command line is not the one $ckat was recorded for (record it again with the command in its header)"
elif [ "$ours" = "$(ckat_in kvmtool-cca-eac5)" ]; then
	ok "kvmtool-cca-eac5: the arm64 image's RIM equals lkvm-rim-measurer 3cac6a9's recorded answer ($ckat)"
else
	not_ok "kvmtool-cca-eac5 value ($ours) equals lkvm-rim-measurer's recorded answer ($ckat)"
fi
if [ -n "${LKVM_RIM_MEASURER:-}" ] && [ -e "$out/Image" ]; then
	mkdir -p "$work/lkvm-home"
	t=$(cd "$out" && HOME=$work/lkvm-home "$LKVM_RIM_MEASURER" run --realm --measurement-algo=sha256 \
		--disable-sve --console serial -m 512M -c 1 -d disk-arm64.img -k Image \
		-p "$(cat cmdline-arm64)" 2>/dev/null | sed -n 's/^RIM: //p' | tr A-F a-f)
	if [ "$t" = "$ours" ]; then ok "kvmtool-cca-eac5 value equals lkvm-rim-measurer's, run live"
	else not_ok "kvmtool-cca-eac5 value equals lkvm-rim-measurer's, run live (it printed '$t')"; fi
fi
# The firmware boot (kvmtool-cca-edk2, profile 1.0) of the release's
# KVMTOOL_EFI.fd: lkvm-rim-measurer models profile 1.0-eac5 only, so it is
# checked on what the two profiles share (docs/cca-rim.md 11.4): the same
# launch under 1.0-eac5 gives the measurer's RIM, and the DTB of the
# published value's command is the measurer's --dump-dtb.
fw_cmd=$(jq -r '.values[] | select(.platform == "kvmtool-cca-edk2") | .command' "$out/refvalues.json")
fw_ours=$(jq -r '.values[] | select(.platform == "kvmtool-cca-edk2") | .measurement' "$out/refvalues.json")
if [ ! -e "$out/KVMTOOL_EFI.fd" ]; then
	not_ok "kvmtool-cca-edk2 equals lkvm-rim-measurer's: no KVMTOOL_EFI.fd in $out (release.json requires it: ./build.sh kvmtool-firmware)"
elif [ -z "$fw_cmd" ] || [ "${fw_cmd/ --rmm 1.0 / }" = "$fw_cmd" ]; then
	not_ok "kvmtool-cca-edk2 equals lkvm-rim-measurer's: no profile-1.0 kvmtool-cca-edk2 value in $out/refvalues.json ('$fw_cmd')"
elif [ "$(sha256sum <"$out/KVMTOOL_EFI.fd" | cut -d' ' -f1)" != "$(ckat_in firmware)" ]; then
	not_ok "kvmtool-cca-edk2 equals lkvm-rim-measurer's: KVMTOOL_EFI.fd is not the one $ckat was recorded for (record it again with the command in its header)"
else
	# the published command, run as written in OUT; then as 1.0-eac5
	t=$(cd "$out" && PATH=$build/bin:$PATH sh -c "$fw_cmd --dump-dtb '$work/fw.dtb'" 2>"$work/fwerr")
	e5=$(cd "$out" && PATH=$build/bin:$PATH sh -c "${fw_cmd/ --rmm 1.0 / --rmm 1.0-eac5 }" 2>>"$work/fwerr")
	d=$(sha256sum <"$work/fw.dtb" 2>/dev/null | cut -d' ' -f1)
	if [ "$e5" = "$(ckat_in kvmtool-cca-edk2-eac5)" ] && [ "$d" = "$(ckat_in firmware-dtb)" ] && [ "$t" = "$fw_ours" ]; then
		ok "kvmtool-cca-edk2: KVMTOOL_EFI.fd's launch under 1.0-eac5 and the published value's DTB equal lkvm-rim-measurer 3cac6a9's recorded answers ($ckat)"
	else
		not_ok "kvmtool-cca-edk2: 1.0-eac5 RIM '$e5', DTB sha256 '$d', published command '$t' (value $fw_ours); $ckat records $(ckat_in kvmtool-cca-edk2-eac5), $(ckat_in firmware-dtb)"
		diag "$work/fwerr"
	fi
	if [ -n "${LKVM_RIM_MEASURER:-}" ]; then
		mkdir -p "$work/lkvm-home"
		l=$(cd "$out" && HOME=$work/lkvm-home "$LKVM_RIM_MEASURER" run --realm --measurement-algo=sha256 \
			--disable-sve --console serial -m 512M -c 1 -d disk-arm64.img --firmware KVMTOOL_EFI.fd \
			--dump-dtb "$work/fw-lkvm.dtb" 2>/dev/null | sed -n 's/^RIM: //p' | tr A-F a-f)
		if [ "$l" = "$e5" ] && cmp -s "$work/fw.dtb" "$work/fw-lkvm.dtb"; then
			ok "kvmtool-cca-edk2: 1.0-eac5 RIM and DTB equal lkvm-rim-measurer's, run live"
		else
			not_ok "kvmtool-cca-edk2: 1.0-eac5 RIM and DTB equal lkvm-rim-measurer's, run live (it printed '$l')"
		fi
	fi
fi
if [ -n "${SEV_SNP_MEASURE:-}" ] && [ -e "$out/OVMF-SNP.fd" ]; then
	live=0
	while read -r p c d; do
		t=$(python3 "$SEV_SNP_MEASURE/sev-snp-measure.py" --mode snp --vcpus "$c" \
			--vcpu-type "EPYC-$p" --ovmf "$out/OVMF-SNP.fd" --kernel "$out/bzImage" \
			--append "$(cat "$out/cmdline")" 2>/dev/null | tail -1)
		[ "$t" = "$d" ] || { live=1; echo "# $p/$c: sev-snp-measure $t, podvm $d"; }
	done <"$work/ours"
	if [ "$live" = 0 ]; then ok "metal-qemu-snp values equal sev-snp-measure's, run live"
	else not_ok "metal-qemu-snp values equal sev-snp-measure's, run live"; fi
fi

if "$measure" verify "$out/refvalues.json" >"$work/verify" 2>&1; then
	ok "measure verify confirms every value of the fresh build ($(tail -1 "$work/verify"))"
else
	not_ok "measure verify confirms every value of the fresh build"; diag "$work/verify"
fi

# fw_recorded JQPATH DSC_PATH: the firmware record at JQPATH of OUT's
# build-info.json names firmware/PINNED's source files and DSC_PATH
fw_recorded() {
	local want got
	want=$(. firmware/PINNED && printf '%s %s\n' "$orig" "$orig_sha256" "$debian" "$debian_sha256" "$dsc" "$dsc_sha256" | sort)
	got=$(jq -r "$1 | (.source_files // [])[] | \"\(.name) \(.sha256)\"" "$out/build-info.json" | sort)
	[ -n "$got" ] && [ "$got" = "$want" ] && [ "$(jq -r "$1.platform" "$out/build-info.json")" = "$2" ]
}
fw_pins=0 fw_bad=
if [ -f "$out/OVMF-SNP.fd" ]; then
	fw_pins=$((fw_pins + 1))
	fw_recorded .inputs.firmware "$(. firmware/PINNED && echo "$dsc_path")" || fw_bad+=" OVMF-SNP.fd (.inputs.firmware)"
fi
if [ -f "$out/KVMTOOL_EFI.fd" ]; then
	fw_pins=$((fw_pins + 1))
	fw_recorded .inputs.arm64.firmware "$(. firmware/PINNED-KVMTOOL && echo "$kvmtool_dsc_path")" ||
		fw_bad+=" KVMTOOL_EFI.fd (.inputs.arm64.firmware)"
fi
if [ "$fw_pins" -eq 0 ]; then
	ok "build-info.json records each firmware's source # SKIP no firmware built from source in $out"
elif [ -z "$fw_bad" ]; then
	ok "build-info.json records the edk2 source files and platform of the $fw_pins firmware files built from source, as firmware/PINNED pins them"
else
	not_ok "build-info.json records each firmware's source as firmware/PINNED pins it: wrong or missing for$fw_bad"
fi

if "$measure" drift refvalues/pod/refvalues.json "$out/refvalues.json" >"$work/drift" 2>&1; then
	ok "the committed reference values are what the current inputs give"
else
	moved=$(diff <(jq -S '{inputs, tools}' refvalues/pod/build-info.json) \
		<(jq -S '{inputs, tools}' "$out/build-info.json") | grep -c '^[<>]' || true)
	if [ "$moved" -gt 0 ]; then
		ok "the committed reference values are what the current inputs give # SKIP $moved recorded input/tool lines moved since they were committed: ./build.sh refvalues"
	else
		not_ok "the committed reference values are what the current inputs give (same recorded inputs: not reproducible)"
	fi
	diag "$work/drift" 30
fi

# A copy of the tree with one byte of the image's command line changed,
# built through the same caches and tools.
mkdir -p "$work/tree"
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$work/tree"
sed -i 's/console=ttyS0/console=ttyS1/' "$work/tree/images/pod/cmdline"
cmp -s images/pod/cmdline "$work/tree/images/pod/cmdline" && echo "# the command line did not change"
rc=0
PODVM_BUILD_DIR=$build "$work/tree/ci/drift-check.sh" --against "$out" >"$work/dc" 2>&1 || rc=$?
if [ "$rc" -eq 1 ] && grep -q "DRIFT" "$work/dc"; then
	ok "drift-check catches a one-byte change of the kernel command line (exit 1)"
else
	not_ok "drift-check catches a one-byte change of the kernel command line (exit $rc)"; diag "$work/dc"
fi
if grep -q "igvm-qemu-snp/Milan/1: measurement .*first diverging region: cmdline" "$work/dc"; then
	ok "and names the region of the change: cmdline"
else
	not_ok "and names the region of the change: cmdline"; diag "$work/dc"
fi
if grep -q '>     "cmdline": "console=ttyS1' "$work/dc"; then
	ok "and the recorded input that moved"
else
	not_ok "and the recorded input that moved"; diag "$work/dc"
fi
echo "1..$n"
