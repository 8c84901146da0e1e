#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# measure-release-cca.sh - the CCA targets of a release (issue 16 item 3)
# on synthetic arm64 artifacts under the names the arm64 stage publishes
# (Image, cmdline-arm64, disk-arm64.img; KVMTOOL_EFI.fd for the firmware
# boot): refvalues computes one RIM per host profile, each equal to its
# printed command and, for profile 1.0-eac5, to lkvm-rim-measurer's RIM;
# the ccatoken and CoMID outputs; verify recomputes them; drift names the
# region that moved (kernel, firmware, dtb).  The cca targets are those
# of images/pod/release.json, whose firmware boot is mandatory since the
# pipeline builds KVMTOOL_EFI.fd (./build.sh kvmtool-firmware): a release
# without the file fails; the same target marked optional is skipped with
# a note instead.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gen.sh"

R=$T/rel
mkdir -p "$R"

# image_size 4 MiB beyond the 2.5 MB file: profile 1.0-eac5 measures the
# BSS as RIPAS; the firmware stand-in has no Image header (as
# KVMTOOL_EFI.fd)
gen_image 21 2500000 4194304 >"$R/Image"
printf 'console=hvc0 root=/dev/vda1 ro dm-mod.create="root,,,ro,0 8 verity 1 /dev/vda1 /dev/vda2 4096 4096 1 1 sha256 0123456789abcdef 00" quiet\n' >"$R/cmdline-arm64"
gen_bytes 22 1048576 >"$R/disk-arm64.img"
gen_bytes 23 2097152 >"$R/KVMTOOL_EFI.fd"
check "the synthetic inputs are the bytes the oracle was run on" test \
	"$(sha "$R/Image") $(sha "$R/cmdline-arm64") $(sha "$R/KVMTOOL_EFI.fd")" = \
	"0c2bbdeffa49e7dbf7833a823d4b0353952ab600df20a33c79526841ba3d9110 ce20a4807aeb0c0f54315d7febf068ea1beb2921f3c53e7031140867a3c610e5 693b6708dad15376f47fbb8613d521b646b327f728ea87fca9ceece24e601f77"

# The realm parameters of Arm's CCA learning path (cca-rim.md §11.4):
# lkvm run --realm --disable-sve --irqchip=gicv3-its --firmware
# KVMTOOL_EFI.fd -c 1 -m 512 --no-pvtime --force-pci --disk guest-disk.img
# --measurement-algo=sha256 --restricted_mem
CCA='[
    { "platform": "kvmtool-cca-eac5", "vmm": "kvmtool", "rmm": "1.0-eac5",
      "kernel": "Image", "cmdline": "cmdline-arm64", "disks": 1,
      "memory": "512M", "cpus": 1, "algorithm": "sha256" },
    { "platform": "kvmtool-cca", "vmm": "kvmtool", "rmm": "1.0",
      "kernel": "Image", "cmdline": "cmdline-arm64", "disks": 1,
      "memory": "512M", "cpus": 1, "algorithm": "sha256" },
    { "platform": "kvmtool-cca-rmm2", "vmm": "kvmtool", "rmm": "2.0",
      "kernel": "Image", "cmdline": "cmdline-arm64", "disks": 1,
      "memory": "512M", "cpus": 1, "algorithm": "sha256" },
    { "platform": "kvmtool-cca-edk2", "vmm": "kvmtool", "rmm": "1.0",
      "firmware": "KVMTOOL_EFI.fd", "disks": 1,
      "memory": "512M", "cpus": 1, "algorithm": "sha256" }
  ]'
FILES='{
    "Image": { "path": "arm64/share/kata-kernel" },
    "disk-arm64.img": { "path": "arm64/share/kata-containers.img" },
    "cmdline-arm64": { "path": "arm64/share/kernel-cmdline" },
    "KVMTOOL_EFI.fd": { "path": "arm64/share/KVMTOOL_EFI.fd" }
  }'
POD=$SRCDIR/images/pod/release.json
if jq -e '.cca' "$POD" >/dev/null; then
	check "images/pod/release.json has these cca targets (and a note)" \
		test "$(jq -c '.cca | map(del(.note))' "$POD")" = "$(jq -nc "$CCA")"
	check "... whose note says the firmware is not realm-capable and gives the command for another" \
		test "$(jq -r '.cca[] | select(.platform == "kvmtool-cca-edk2") | .note |
			[contains("not expected to boot inside a realm"),
			 contains("measure cca --vmm kvmtool --rmm 1.0 --firmware KVMTOOL_EFI.fd -m 512M -c 1 --measurement-algo sha256 --disks 1")] | all' "$POD")" = true
	check "... and these arm64 files" test \
		"$(jq -c '.files | with_entries(select(.key == "Image" or .key == "cmdline-arm64" or .key == "disk-arm64.img" or .key == "KVMTOOL_EFI.fd"))' "$POD")" = \
		"$(jq -nc "$FILES")"
else
	ok "images/pod/release.json # SKIP no cca targets yet"
	ok "images/pod/release.json files # SKIP no cca targets yet"
fi
jq -n --argjson cca "$CCA" --argjson files "$FILES" '($cca | .[3].note = "a note of the target") as $cca | {
  handlerPrefix: "contrast-cc", installRoot: "/opt/edgeless/@@runtimeName@@",
  urlTemplate: "@@releaseBase@@/{image}/{version}/{name}", integrity: "sha256",
  files: $files, cca: $cca }' >"$T/release.json"

"$MEASURE" artifacts --config "$T/release.json" --image pod --image-version 1 "$R" 2>/dev/null
run "$MEASURE" refvalues --config "$T/release.json" "$R"
expect_rc 0 "refvalues exits 0"
RV=$R/refvalues.json
check "4 values: three host profiles of the direct boot, one firmware boot" \
	test "$(jq -r '[.values[].id] | join(" ")' "$RV")" = \
	"kvmtool-cca-eac5/1cpu kvmtool-cca/1cpu kvmtool-cca-rmm2/1cpu kvmtool-cca-edk2/1cpu"
check "the target's note is among the notes, after its platform" test \
	"$(jq -c '[.notes[] | select(startswith("kvmtool-cca-edk2: "))]' "$RV")" = '["kvmtool-cca-edk2: a note of the target"]'
check "every value is what its printed command prints in the release folder" \
	values_print_themselves "$RV" "$R"
check "the commands carry the disk and the firmware" test \
	"$(jq -r '.values[3].command' "$RV")" = \
	"measure cca --vmm kvmtool --rmm 1.0 --firmware KVMTOOL_EFI.fd -m 512M -c 1 --measurement-algo sha256 --disks 1"
# Provenance: lkvm-rim-measurer (islet-project/3rd-kvmtool
# kvmtool-rim-measurer/eac5 3cac6a9, tests/kat/cca/oracle.txt) on these
# files: run --realm --measurement-algo=sha256 --disable-sve --console
# serial -m 512M -c 1 -d disk-arm64.img -k Image -p "$(cat cmdline-arm64)"
check "the 1.0-eac5 value is lkvm-rim-measurer's RIM for the same launch" test \
	"$(jq -r '.values[0].measurement' "$RV")" = 9662ba6a61fb0dddd454b854305cab952393cda96ec0721d3194d5c3f0f2f97c
# ... and with --firmware KVMTOOL_EFI.fd instead of -k/-p
run "$MEASURE" cca --vmm kvmtool --rmm 1.0-eac5 --firmware "$R/KVMTOOL_EFI.fd" -m 512M -c 1 --disks 1
check "the firmware boot's 1.0-eac5 RIM is lkvm-rim-measurer's" test \
	"$(cat "$T/out")" = e1affd4a290618130436b7c1e35d12f1289286d6c5318389337e370c30c83c91
# the explain output of a firmware boot: the REM events, the FDT one with
# the digest of the DTB over its totalsize (computed here with python)
run "$MEASURE" cca --vmm kvmtool --rmm 1.0 --firmware "$R/KVMTOOL_EFI.fd" -m 512M -c 1 --disks 1 \
	--json --dump-dtb "$T/fw.dtb"
fdt=$(/usr/bin/python3 -c 'import hashlib, struct, sys; d = open(sys.argv[1], "rb").read(); print(hashlib.sha256(d[:struct.unpack(">I", d[4:8])[0]]).hexdigest())' "$T/fw.dtb")
check "--json of a firmware boot: REM events, the FDT event's digest, no REM values" test \
	"$(jq -c '[.boot, .rem_events[0].event, .rem_events[1].event, .rem_events[1].digest, .rems]' "$T/out")" = \
	"[\"firmware\",\"EV_S_CRTM_VERSION\",\"EV_NONHOST_CONFIG\",\"$fdt\",null]"
run "$MEASURE" cca --vmm kvmtool --rmm 1.0 --firmware "$R/KVMTOOL_EFI.fd" -m 512M -c 1 --disks 1 \
	--output-format ccatoken --rak-hash-algorithm sha512
check "--rak-hash-algorithm sets the ccatoken entry's, the firmware boot has no REMs" test \
	"$(jq -c '.realm[0] | [.["rak-hash-algorithm"], has("extensible-measurements")]' "$T/out")" = '["sha-512",false]'
run "$MEASURE" cca --vmm qemu --rmm 1.0 --firmware "$R/KVMTOOL_EFI.fd" -m 512M -c 1 --ipa-bits 40
expect_rc 2 "--firmware with --vmm qemu is a usage error (kvmtool only)"
run "$MEASURE" cca --vmm kvmtool --rmm 1.0 --firmware "$R/KVMTOOL_EFI.fd" -k "$R/Image" -m 512M -c 1
expect_rc 2 "--firmware with -k is a usage error"
check "the three profiles give three RIMs" test \
	"$(jq -r '[.values[0:3][].measurement] | unique | length' "$RV")" = 3
check "the firmware value's regions: params, ram, firmware, dtb, vcpu0" test \
	"$(jq -r '[.values[3].regions[].region] | join(" ")' "$RV")" = "params ram firmware dtb vcpu0"
check "ccatoken: the RAK hash is sha-256 (TF-RMM), zero REMs for the direct boots, none for the firmware boot" test \
	"$(jq -c '[.ccatoken.realm[] | [.["rak-hash-algorithm"], (.["extensible-measurements"] // [] | length)]]' "$RV")" = \
	'[["sha-256",4],["sha-256",4],["sha-256",4],["sha-256",0]]'
check "comid: one CoMID per value (profile tag:arm.com,2025:cca_realm#1.0.0), the RIM as class id and cca.rim, no REMs for the firmware boot, no RPV (a pod's own)" test \
	"$(jq -c '[.comid | to_entries[] | [.key, ([.value.triples["reference-values"][0].measurements[].key.value] | join(" "))]]' "$RV")" = \
	'[["kvmtool-cca-eac5/1cpu","cca.rim cca.rem0 cca.rem1 cca.rem2 cca.rem3"],["kvmtool-cca/1cpu","cca.rim cca.rem0 cca.rem1 cca.rem2 cca.rem3"],["kvmtool-cca-rmm2/1cpu","cca.rim cca.rem0 cca.rem1 cca.rem2 cca.rem3"],["kvmtool-cca-edk2/1cpu","cca.rim"]]'
check "... whose class id is the RIM and cca.rim its [1 (sha-256), base64url] digest" test \
	"$(jq -c '.comid["kvmtool-cca-eac5/1cpu"].triples["reference-values"][0] | [.environment.class.id.value, .measurements[0].value.digests[0]]' "$RV")" = \
	"[\"$(printf 9662ba6a61fb0dddd454b854305cab952393cda96ec0721d3194d5c3f0f2f97c | xxd -r -p | base64 -w0)\",[1,\"$(printf 9662ba6a61fb0dddd454b854305cab952393cda96ec0721d3194d5c3f0f2f97c | xxd -r -p | base64 -w0 | tr '+/' '-_' | tr -d '=')\"]]"
if have_jsonschema; then
	check "refvalues.json validates against refvalues/refvalues.schema.json" validate refvalues "$RV"
else
	ok "schema validation # SKIP python3-jsonschema is not installed"
fi

run "$MEASURE" verify "$RV"
expect_rc 0 "verify recomputes the four values"
expect_out_has "match    kvmtool-cca-edk2/1cpu" "the firmware boot among them"
expect_out_has "comid: follows from the values" "and the CoMID section"

# a release without the firmware, which release.json requires: the index
# and the reference values both fail, naming the file, and write nothing
rm -rf "$T/nofw"; cp -a "$R" "$T/nofw"; rm "$T/nofw/KVMTOOL_EFI.fd" "$T/nofw/artifacts.json" "$T/nofw/refvalues.json"
run "$MEASURE" artifacts --config "$T/release.json" --image pod --image-version 1 "$T/nofw"
expect_rc 1 "artifacts without the required KVMTOOL_EFI.fd exits 1"
expect_err_has "KVMTOOL_EFI.fd" "and names the file"
check "... and writes no artifacts.json" test ! -e "$T/nofw/artifacts.json"
# (refvalues on an index made with the firmware present, the file then gone)
cp "$R/artifacts.json" "$T/nofw/"
run "$MEASURE" refvalues --config "$T/release.json" "$T/nofw"
check "refvalues without the required KVMTOOL_EFI.fd fails" test "$rc" -ne 0
expect_err_has "KVMTOOL_EFI.fd" "and names the file"
check "... and writes no refvalues.json" test ! -e "$T/nofw/refvalues.json"
rm -f "$T/nofw/artifacts.json"

# the same release with the firmware and its target marked optional (a
# release that does not build the firmware): the target is skipped with a
# note, the others computed
jq '.files["KVMTOOL_EFI.fd"].optional = true | .cca[3].optional = true' "$T/release.json" >"$T/release-opt.json"
"$MEASURE" artifacts --config "$T/release-opt.json" --image pod --image-version 1 "$T/nofw" 2>/dev/null
run "$MEASURE" refvalues --config "$T/release-opt.json" "$T/nofw"
expect_rc 0 "refvalues without KVMTOOL_EFI.fd exits 0"
check "the firmware target is skipped with a note (not its own), the three others computed" test \
	"$(jq -r '[(.values | length), (.notes[] | select(startswith("kvmtool-cca-edk2: ")) | .[0:27])] | join(" ")' "$T/nofw/refvalues.json")" = "3 kvmtool-cca-edk2: no values"
# the index notes the missing optional file without naming the folder it
# was assembled in (build.sh publish assembles in a temporary one)
rm -rf "$T/nofw2"; cp -a "$T/nofw" "$T/nofw2"; rm "$T/nofw2/artifacts.json"
"$MEASURE" artifacts --config "$T/release-opt.json" --image pod --image-version 1 "$T/nofw2" 2>/dev/null
check "artifacts.json notes the missing KVMTOOL_EFI.fd, the same from any folder" cmp -s "$T/nofw/artifacts.json" "$T/nofw2/artifacts.json"
check "... and names no folder" test "$(jq -r '.notes[] | select(startswith("KVMTOOL_EFI.fd"))' "$T/nofw/artifacts.json")" = \
	"KVMTOOL_EFI.fd: not in this release (an optional file, indexed once the release ships it)."

# ---- drift: a byte of the kernel, of the firmware, of the command line
drift_case() { # NAME FILE OFFSET|sed -> the new release in $T/$1
	rm -rf "$T/$1"; cp -a "$R" "$T/$1"
	if [ "$3" = sed ]; then sed -i 's/quiet/quiEt/' "$T/$1/$2"
	else printf '\x5a' | dd of="$T/$1/$2" bs=1 seek="$3" conv=notrunc 2>/dev/null; fi
	"$MEASURE" artifacts --config "$T/release.json" --image pod --image-version 1 "$T/$1" 2>/dev/null
	"$MEASURE" refvalues --config "$T/release.json" "$T/$1" 2>/dev/null
	run "$MEASURE" drift "$RV" "$T/$1/refvalues.json"
}
drift_case k Image 1000000
expect_rc 3 "a changed kernel byte is drift"
expect_out_has "drift: kvmtool-cca-eac5/1cpu: measurement" "names the value"
check "the direct boots part in region kernel" test \
	"$(grep -c 'first diverging region: kernel' "$T/out")" = 3
check "the firmware boot does not move" sh -c "! grep -q 'kvmtool-cca-edk2' '$T/out'"
drift_case f KVMTOOL_EFI.fd 4096
expect_rc 3 "a changed firmware byte is drift"
expect_out_has "kvmtool-cca-edk2/1cpu: measurement" "names the firmware value"
expect_out_has "first diverging region: firmware" "and region firmware"
drift_case c cmdline-arm64 sed
expect_rc 3 "a changed command line is drift"
check "it parts in the DTB of the direct boots (bootargs)" test \
	"$(grep -c 'first diverging region: dtb' "$T/out")" = 3
# verify of the first release against the altered kernel
cp "$T/k/Image" "$R/Image"
run "$MEASURE" verify "$RV"
expect_rc 3 "verify: an altered Image is exit 3"
expect_out_has "ALTERED  Image: altered" "names the artifact"
expect_out_has "MISMATCH kvmtool-cca/1cpu: recomputed" "and the values it moved"
expect_out_has "in region kernel; input Image is not the file" "with the region"
expect_out_has "match    kvmtool-cca-edk2/1cpu" "the firmware boot still matches"
finish
