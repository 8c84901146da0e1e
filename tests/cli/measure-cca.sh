#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# measure-cca.sh - measure cca: known answers from lkvm-rim-measurer on
# inputs generated here, output formats, the log, and the bad inputs of
# issue 5 §9.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gen.sh"

K=$T/Image I=$T/initrd
gen_cca_inputs "$K" "$I"
check "generated kernel is the one the oracle measured" test "$(sha "$K")" = "$CCA_IMAGE_SHA"
check "generated initrd is the one the oracle measured" test "$(sha "$I")" = "$CCA_INITRD_SHA"

# Provenance: islet-project/3rd-kvmtool kvmtool-rim-measurer/eac5 3cac6a9,
# `make -j2 RIM_MEASURE=1` (Debian libfdt-dev 1.6.1), on the files above:
#  (1) lkvm-rim-measurer run --realm --measurement-algo=sha256 --disable-sve
#      --console serial -m 256M -c 1 -k Image -i initrd
#      -p 'console=ttyS0 quiet' --dump-dtb o1.dtb
#      RIM 6195AD3E...DBD1, o1.dtb sha256 9ddd63ad...fe8b
#  (2) lkvm-rim-measurer run --realm --measurement-algo=sha512 --disable-sve
#      --console serial --irqchip=gicv3 -m 300 -c 1 -k Image -i initrd
#      --dump-dtb o2.dtb
#      RIM 12F2C582...72B6, o2.dtb sha256 e61e733f...be34
RIM1=6195ad3e8e80fb8c6ed7b924279eb6c11cb3cc92f6ba1c30e56e919d57c5dbd1
DTB1=9ddd63ada0ab2f7e238b0cc68dd034f56c6ffbada054b428c83df8ba5409fe8b
RIM2=12f2c5823df97e9f2d12acf791300865cef7fc960ab3411c325d03c69ecb10410e544c952fb9fb4e9edfc6ea5ad2e545d4a720a44d0fd048e4dea5c5172f72b6
DTB2=e61e733f6926ec88064b4c5cb596a9f2cf4be530b04e62577dc7ca7c88b5be34

A1=(cca --vmm kvmtool --rmm 1.0-eac5 -k "$K" -i "$I" -p 'console=ttyS0 quiet' -m 256M -c 1)
run "$MEASURE" "${A1[@]}" --dump-dtb "$T/o1.dtb" --log "$T/log1"
expect_rc 0 "eac5 sha256 exits 0"
expect_out "$RIM1" "eac5 sha256 RIM equals lkvm-rim-measurer's"
check "generated DTB equals lkvm-rim-measurer --dump-dtb (sha256)" test "$(sha "$T/o1.dtb")" = "$DTB1"
expect_err_has "profile 1.0-eac5, vmm kvmtool, sha256, s2sz 33" "summary on stderr"

run "$MEASURE" cca --vmm kvmtool --rmm 1.0-eac5 -k "$K" -i "$I" -m 300 -c 1 \
	--irqchip gicv3 --measurement-algo sha512 --dump-dtb "$T/o2.dtb"
expect_out "$RIM2" "eac5 sha512, -m in MiB, gicv3: RIM equals lkvm-rim-measurer's"
check "gicv3 DTB equals the oracle's dump" test "$(sha "$T/o2.dtb")" = "$DTB2"

# lkvm-rim-measurer --islet measures num_bps = num_wps = 0, i.e. counts 1:
# (same command as (1) plus --islet, without --dump-dtb) RIM 7B58D70C...8CA6
run "$MEASURE" "${A1[@]}" --num-bps 1 --num-wps 1
expect_out 7b58d70cddf9e4f612190f33cb66ec13b70d44f68c4f77958398676d74268ca6 \
	"--num-bps 1 --num-wps 1 equals lkvm-rim-measurer --islet"

run "$MEASURE" "${A1[@]}" --dtb "$T/o1.dtb"
expect_out "$RIM1" "--dtb with the VMM's dump gives the same RIM"
run "$MEASURE" "${A1[@]}" --threads 1
expect_out "$RIM1" "--threads 1 gives the same RIM"

# -c 2: the default follows TF-RMM (runnable REC only); --all-recs follows
# lkvm-rim-measurer, which hashes vCPU 1's REC too
# (lkvm-rim-measurer run --realm --measurement-algo=sha256 --disable-sve
#  --console serial -m 256M -c 2 -k Image -i initrd -p 'console=ttyS0 quiet'
#  --dump-dtb c2.dtb: RIM 60C6E849...243C, c2.dtb sha256 e736e5b0...f3e4)
RIMC2=60c6e84997474d27eb80338f7c25629c4e461f145a398cf1c81ce6738c14243c
DTBC2=e736e5b0ef117f2a757d238e7d8578752bfac2c7a3fc1aa7bbd24bb491acf3e4
run "$MEASURE" "${A1[@]}" -c 2 --all-recs --log "$T/logc2" --dump-dtb "$T/c2.dtb"
expect_out "$RIMC2" "-c 2 --all-recs: RIM equals lkvm-rim-measurer's"
check "-c 2 DTB equals the oracle's dump" test "$(sha "$T/c2.dtb")" = "$DTBC2"
check "--all-recs logs two RECs, vCPU 1 not runnable" \
	test "$(jq -r 'select(.type == "REC") | .region + ":" + (.flags|tostring)' "$T/logc2" | tr '\n' ' ')" = "vcpu0:1 vcpu1:0 "
run "$MEASURE" "${A1[@]}" -c 2
check "-c 2 without --all-recs differs (TF-RMM measures runnable RECs only)" test "$(cat "$T/out")" != "$RIMC2"

# --- the log: one JSON line per descriptor ----------------------------------
check "log: REALM_CREATE + 121 DATA + 182 RIPAS + 1 REC lines" \
	test "$(wc -l <"$T/log1")" -eq 305
check "log: the first line is REALM_CREATE" \
	test "$(head -1 "$T/log1" | jq -r .type)" = REALM_CREATE
check "log: the first line has the measured parameters" \
	test "$(head -1 "$T/log1" | jq -r '[.s2sz, .num_bps, .num_wps, .hash_algo] | map(tostring) | join(" ")')" = "33 2 2 0"
check "log: the last line is the REC and its digest is the RIM" \
	test "$(tail -1 "$T/log1" | jq -r '.type + " " + .digest')" = "REC $RIM1"
check "log: the REC has pc = kernel and x0 = DTB" \
	test "$(tail -1 "$T/log1" | jq -r '.pc + " " + .x0')" = "0x80000000 0x8fe00000"
check "log: DATA lines carry the gpa and the granule's digest" \
	test "$(jq -r 'select(.type == "DATA") | .gpa + " " + .region + " " + (.contents|length|tostring)' "$T/log1" | head -1)" = "0x80000000 kernel 64"
check "log: RIPAS lines are per 4 KiB over the kernel BSS" \
	test "$(jq -r 'select(.type == "RIPAS") | ((.top|ltrimstr("0x")|explode|length|tostring) + .region)' "$T/log1" | sort -u)" = "8bss"

# --- output formats -----------------------------------------------------------
b64=$(printf '%s' "$RIM1" | xxd -r -p | base64 -w0)
run "$MEASURE" "${A1[@]}" --output-format base64
expect_out "$b64" "base64 output is the hash-length RIM"
run "$MEASURE" "${A1[@]}" --output-format rvps
check "rvps: a Trustee sample message" test "$(jq -r '.version + " " + .type' "$T/out")" = "0.1.0 sample"
check "rvps: payload lists the base64 RIM" \
	test "$(jq -r .payload "$T/out" | base64 -d | jq -r '."cca.realm.cca-realm-initial-measurement"[0]')" = "$b64"
run "$MEASURE" "${A1[@]}" --output-format ccatoken --realm-pv abc
check "ccatoken: initial-measurement" test "$(jq -r '.realm[0]."initial-measurement"' "$T/out")" = "$RIM1"
check "ccatoken: hash algorithm and 4 REMs" \
	test "$(jq -r '.realm[0] | ."rak-hash-algorithm" + " " + (."extensible-measurements" | length | tostring)' "$T/out")" = "sha-256 4"
check "ccatoken: RPV from --realm-pv" \
	test "$(jq -r '.realm[0]."personalization-value"' "$T/out" | cut -c1-8)" = 61626300

run "$MEASURE" "${A1[@]}" --json
check "--json: rim, profile and algorithm" \
	test "$(jq -r '.rim + " " + .profile + " " + .hash_algorithm' "$T/out")" = "$RIM1 1.0-eac5 sha256"
check "--json: layout and counts" \
	test "$(jq -r '[.layout.dtb, .layout.initrd, (.descriptors.data|tostring), (.realm_params.num_bps|tostring)] | join(" ")' "$T/out")" = "0x8fe00000 0x8fde1dbc 121 2"
run "$MEASURE" "${A1[@]}" --output-format ccatoken --rpv 00112233
check "ccatoken: RPV from --rpv, zero-padded to 64 bytes" \
	test "$(jq -r '.realm[0]."personalization-value"' "$T/out")" = "00112233$(printf '0%.0s' $(seq 120))"
run "$MEASURE" "${A1[@]}" --realm-pv "$(printf 'x%.0s' $(seq 65))"
expect_rc 2 "--realm-pv longer than 64 bytes is a usage error"
run "$MEASURE" "${A1[@]}" --rpv 0g
expect_rc 2 "--rpv that is not hex is a usage error"

# --- the CoMID (cca-rim.md 7.2) ----------------------------------------------
# base64url without padding, as veraison/corim's Digest JSON holds a value
b64u() { xxd -r -p | base64 -w0 | tr '+/' '-_' | tr -d '='; }
comid_meas() { jq -c --arg k "$1" '.triples["reference-values"][0].measurements[] | select(.key.value == $k) | .value' "$2"; }
Z32=$(printf '0%.0s' $(seq 64))
run "$MEASURE" "${A1[@]}" --output-format comid --rpv 00112233
expect_rc 0 "comid exits 0"
cp "$T/out" "$T/comid-direct.json"
check "comid: the environment is a class whose id is the RIM (tagged bytes), as profile tag:arm.com,2025:cca_realm#1.0.0 identifies a realm" \
	test "$(jq -c '.triples["reference-values"][0].environment' "$T/out")" = "{\"class\":{\"id\":{\"type\":\"bytes\",\"value\":\"$b64\"}}}"
check "comid: text mkeys cca.rim, cca.rem0..cca.rem3, cca.rpv" \
	test "$(jq -r '[.triples["reference-values"][0].measurements[].key | .type + ":" + .value] | join(" ")' "$T/out")" = \
	"string:cca.rim string:cca.rem0 string:cca.rem1 string:cca.rem2 string:cca.rem3 string:cca.rpv"
check "comid: cca.rim is one digest [1 (sha-256), the RIM in unpadded base64url]" \
	test "$(comid_meas cca.rim "$T/out")" = "{\"digests\":[[1,\"$(printf %s "$RIM1" | b64u)\"]]}"
check "comid: the direct boot's REMs are zero at hash length" \
	test "$(comid_meas cca.rem2 "$T/out")" = "{\"digests\":[[1,\"$(printf %s "$Z32" | b64u)\"]]}"
check "comid: cca.rpv is the 64-byte RPV as a bytes raw-value" \
	test "$(comid_meas cca.rpv "$T/out" | jq -r '.["raw-value"] | .type + " " + .value')" = \
	"bytes $(printf '00112233%s' "$(printf '0%.0s' $(seq 120))" | xxd -r -p | base64 -w0)"
run "$MEASURE" cca --vmm kvmtool --rmm 1.0-eac5 -k "$K" -i "$I" -m 300 -c 1 \
	--irqchip gicv3 --measurement-algo sha512 --output-format comid
cp "$T/out" "$T/comid-sha512.json"
check "comid: a SHA-512 realm's digests are alg 8 at 64 bytes" \
	test "$(comid_meas cca.rim "$T/out")" = "{\"digests\":[[8,\"$(printf %s "$RIM2" | b64u)\"]]}"
check "comid: no cca.rpv without --rpv or --realm-pv (a pod's RPV is its own: any RPV)" \
	test "$(jq -r '[.triples["reference-values"][0].measurements[].key.value] | join(" ")' "$T/out")" = "cca.rim cca.rem0 cca.rem1 cca.rem2 cca.rem3"
gen_bytes 23 2097152 >"$T/fw.fd"
run "$MEASURE" cca --vmm kvmtool --rmm 1.0 --firmware "$T/fw.fd" -m 512M -c 1 --disks 1 --output-format comid
expect_rc 0 "comid of a firmware boot exits 0"
cp "$T/out" "$T/comid-firmware.json"
check "comid: a firmware boot gives cca.rim, no REMs (cca-rim.md §12)" \
	test "$(jq -r '[.triples["reference-values"][0].measurements[].key.value] | join(" ")' "$T/out")" = "cca.rim"
run "$MEASURE" "${A1[@]}" --output-format comid --comid-profile http://arm.com/cca/realm/1
expect_rc 0 "comid of the earlier profile exits 0"
cp "$T/out" "$T/comid-legacy.json"
check "comid http://arm.com/cca/realm/1: the RIM as instance, integrity registers rim and rem0..rem3 as sha-256;base64" \
	test "$(jq -r '.triples["reference-values"][0] | .environment.instance.value + " " + (.measurements[0].value["integrity-registers"] | [keys[], .rim.value[0]] | join(" "))' "$T/out")" = \
	"$b64 rem0 rem1 rem2 rem3 rim sha-256;$b64"
check "... and no raw-value without an RPV" test "$(jq -c '.triples["reference-values"][0].measurements[0].value | has("raw-value")' "$T/out")" = false
printf '{"lang": "en-GB", "tag-identity": {"id": "43BBE37F-2E61-4B33-AED3-53CFF1428B17", "version": 0}, "entities": [{"name": "W", "roles": ["tagCreator"]}], "triples": {"reference-values": [{"environment": {"class": {"id": {"type": "bytes", "value": "QUFBQQ=="}}}, "measurements": []}]}}' >"$T/tmpl.json"
run "$MEASURE" "${A1[@]}" --output-format comid --comid-template "$T/tmpl.json"
cp "$T/out" "$T/comid-tmpl.json"
check "comid --comid-template: the template's language, tag identity and entities, the realm's triples" \
	test "$(jq -c '[.lang, .["tag-identity"].id, .entities[0].name, .triples["reference-values"][0].environment.class.id.value, (.triples["reference-values"] | length)]' "$T/out")" = \
	"[\"en-GB\",\"43BBE37F-2E61-4B33-AED3-53CFF1428B17\",\"W\",\"$b64\",1]"
run "$MEASURE" "${A1[@]}" --comid-profile http://arm.com/cca/realm/1
expect_rc 2 "--comid-profile without --output-format comid is a usage error"
run "$MEASURE" "${A1[@]}" --output-format comid --comid-profile http://arm.com/cca/realm/2
expect_rc 2 "an unknown --comid-profile is a usage error"
# Veraison's cocli, when built outside the repository (COCLI=PATH; how, and
# its answers on these CoMIDs: tests/kat/cca/comid.txt). A cocli whose
# `comid create` has --profile (veraison/corim with profiles/cca and the
# [alg, base64url] digest JSON) takes the tag:arm.com,2025:cca_realm#1.0.0
# CoMIDs and checks them against the profile; an earlier one (veraison/corim
# before 88dde1b: "ALG;base64" digests) the http://arm.com/cca/realm/1 one.
# `comid display` decodes the CBOR that `comid create` wrote: the values
# must come back as they went in.
if [ -n "${COCLI:-}" ] && [ -x "$COCLI" ]; then
	mkdir -p "$T/cocli"
	if "$COCLI" comid create --help 2>&1 | grep -q -- '--profile'; then
		for c in direct sha512 firmware tmpl; do
			run "$COCLI" comid create --template "$T/comid-$c.json" --output-dir "$T/cocli" \
				--profile 'tag:arm.com,2025:cca_realm#1.0.0'
			expect_rc 0 "cocli comid create --profile tag:arm.com,2025:cca_realm#1.0.0 takes the $c CoMID"
			run "$COCLI" comid display --file "$T/cocli/comid-$c.cbor"
			expect_rc 0 "cocli comid display decodes the $c CoMID"
			tail -n +2 "$T/out" >"$T/cocli/$c.json"
			check "cocli: the $c CoMID's triples come back as they went in" \
				test "$(jq -S -c .triples "$T/cocli/$c.json")" = "$(jq -S -c .triples "$T/comid-$c.json")"
		done
		# the profile's own checks can fail: a RIM of 31 bytes as class id
		jq '.triples["reference-values"][0].environment.class.id.value = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="' \
			"$T/comid-direct.json" >"$T/comid-bad.json"
		run "$COCLI" comid create --template "$T/comid-bad.json" --output-dir "$T/cocli" \
			--profile 'tag:arm.com,2025:cca_realm#1.0.0'
		expect_rc 1 "cocli --profile refuses a class id that is no RIM (31 bytes)"
		# cca-realm-measurements' 64-byte value for a SHA-256 realm
		# (cca-rim.md 7.2): not a SHA-256 digest
		jq --arg v "$(printf '%s%s' "$RIM1" "$Z32" | b64u)" \
			'.triples["reference-values"][0].measurements[0].value.digests[0][1] = $v' \
			"$T/comid-direct.json" >"$T/comid-padded.json"
		run "$COCLI" comid create --template "$T/comid-padded.json" --output-dir "$T/cocli" \
			--profile 'tag:arm.com,2025:cca_realm#1.0.0'
		expect_rc 1 "cocli refuses a sha-256 digest of 64 bytes"
		ok "cocli: the http://arm.com/cca/realm/1 CoMID # SKIP this cocli takes the [alg, base64url] digests of the 2025 profile"
	else
		run "$COCLI" comid create --template "$T/comid-legacy.json" --output-dir "$T/cocli"
		expect_rc 0 "cocli comid create takes the http://arm.com/cca/realm/1 CoMID"
		run "$COCLI" comid display --file "$T/cocli/comid-legacy.cbor"
		expect_rc 0 "cocli comid display decodes it"
		tail -n +2 "$T/out" >"$T/cocli/legacy.json"
		check "cocli: its triples come back as they went in" \
			test "$(jq -S -c .triples "$T/cocli/legacy.json")" = "$(jq -S -c .triples "$T/comid-legacy.json")"
		ok "cocli: the tag:arm.com,2025:cca_realm#1.0.0 CoMIDs # SKIP this cocli has no --profile (veraison/corim before profiles/cca)"
	fi
else
	ok "cocli comid create/display of the CoMIDs # SKIP no COCLI (Veraison's cocli) to cross-check with"
fi

# --- other profiles ---------------------------------------------------------
run "$MEASURE" cca --vmm kvmtool --rmm 1.0 -k "$K" -i "$I" -m 256M -c 1 --log "$T/log2"
expect_rc 0 "profile 1.0 exits 0"
r10=$(cat "$T/out")
check "profile 1.0: RIPAS first, over all RAM in 2 MiB blocks" \
	test "$(jq -r 'select(.type == "RIPAS") | .gpa' "$T/log2" | sed -n '1p;2p' | tr '\n' ' ')" = "0x80000000 0x80200000 "
check "profile 1.0: RIPAS comes before DATA" \
	test "$(jq -r .type "$T/log2" | uniq | tr '\n' ' ')" = "REALM_CREATE RIPAS DATA REC "
check "profile 1.0: 128 RIPAS descriptors for 256 MiB" \
	test "$(grep -c RIPAS "$T/log2")" -eq 128
run "$MEASURE" cca --vmm kvmtool --rmm 1.0 -k "$K" -i "$I" -m 256M -c 1 --populate-align 64K
check "64 KiB populate alignment changes the RIM" test "$(cat "$T/out")" != "$r10"
run "$MEASURE" cca --vmm kvmtool --rmm 2.0 -k "$K" -i "$I" -m 256M -c 1 --measurement-algo sha384 --log "$T/log3"
expect_rc 0 "profile 2.0 with sha384 exits 0"
check "profile 2.0: 48-byte RIM" test "$(wc -c <"$T/out")" -eq 97
check "profile 2.0: no RIPAS" test "$(grep -c RIPAS "$T/log3")" -eq 0
run "$MEASURE" cca --vmm kvmtool --rmm 1.0-v12 -k "$K" -m 256M -c 1
expect_rc 2 "profile 1.0-v12 is a usage error"
expect_err_has "not supported yet" "v12: clear message"
run "$MEASURE" cca --vmm kvmtool --rmm 1.1 -k "$K" -m 256M -c 1
expect_rc 2 "an unknown profile is a usage error"
expect_err_has "unknown host profile" "unknown profile: message"

# --- QEMU ---------------------------------------------------------------------
run "$MEASURE" cca --vmm qemu --rmm 1.0 -k "$K" -i "$I" -m 512M -c 1
expect_rc 1 "qemu without --dtb or --qemu-version fails"
expect_err_has "or its dump with --dtb" "qemu: --dtb or --qemu-version required"
head -c $(( 0x$(xxd -s 4 -l 4 -p "$T/o1.dtb") )) "$T/o1.dtb" >"$T/q.dtb"
run "$MEASURE" cca --vmm qemu --rmm 1.0 -k "$K" -i "$I" -m 512M -c 1 --dtb "$T/q.dtb"
expect_err_has "--ipa-bits" "qemu: --ipa-bits required"
run "$MEASURE" cca --vmm qemu --rmm 1.0 -k "$K" -i "$I" -m 512M -c 1 --dtb "$T/q.dtb" --ipa-bits 40
expect_rc 0 "qemu with a DTB dump exits 0"
check "qemu default algorithm is sha512" test "$(wc -c <"$T/out")" -eq 129
qr=$(cat "$T/out")
gzip -9 -n -c "$K" >"$T/Image.gz"
run "$MEASURE" cca --vmm qemu --rmm 1.0 -k "$T/Image.gz" -i "$I" -m 512M -c 1 --dtb "$T/q.dtb" --ipa-bits 40
expect_out "$qr" "qemu: Image.gz measures as the Image"
run "$MEASURE" cca --vmm kvmtool --rmm 1.0 -k "$T/Image.gz" -m 256M -c 1 --nodefaults
expect_rc 1 "kvmtool with Image.gz fails"
expect_err_has "uncompressed Image" "kvmtool gzip: message"
run "$MEASURE" cca --vmm qemu --rmm 1.0-eac5 -k "$K" -m 512M -c 1
expect_rc 1 "1.0-eac5 with qemu fails"

# --- bad inputs (issue §9) ----------------------------------------------------
gen_bytes 9 5000 >"$T/notimage"
run "$MEASURE" cca --vmm kvmtool --rmm 1.0 -k "$T/notimage" -m 256M -c 1 --nodefaults
expect_rc 1 "a kernel without the arm64 magic fails"
expect_err_has "bad magic" "no magic: message names the field"
truncate -s 70M "$T/big"
run "$MEASURE" cca --vmm kvmtool --rmm 1.0 -k "$K" -i "$T/big" -m 64M -c 1
expect_rc 1 "an initrd that does not fit fails"
expect_err_has "do not fit" "initrd too big: message"
run "$MEASURE" cca --vmm kvmtool --rmm 1.0 -k "$T/big" -m 64M -c 1 --nodefaults
expect_rc 1 "a kernel that does not fit fails"
run "$MEASURE" cca --vmm kvmtool --rmm 1.0 -k "$K" -i "$I" -m 1025K -c 1
expect_rc 2 "memory that is not a granule multiple is a usage error"
expect_err_has "measure: cca: --mem: 1025K is not a multiple of 4096" "memory: message"
run "$MEASURE" cca --vmm kvmtool --rmm 1.0 -k "$K" -i "$I" -m 256M -c 1 --measurement-algo md5
expect_rc 2 "an unknown algorithm is a usage error"
run "$MEASURE" cca --vmm kvmtool --rmm 1.0 -k "$K" -i "$I" -m 256M -c 1 --measurement-algo sha384
expect_rc 1 "sha384 before RMM 2.0 fails"
run "$MEASURE" cca --vmm kvmtool --rmm 1.0 -k "$K" -i "$I" -m 256M -c 1 --sve-vl 200
expect_rc 2 "an SVE length that is not a multiple of 128 is a usage error"
expect_err_has "measure: cca: --sve-vl: 200 is not a multiple of 128" "SVE: message"
run "$MEASURE" cca --vmm kvmtool --rmm 1.0 -k "$K" -i "$I" -m 256M -c 1 --sve-vl 256 --disable-sve
expect_rc 2 "--sve-vl with --disable-sve is a usage error"
run "$MEASURE" cca --vmm kvmtool --rmm 1.0 -k "$K" -i "$I" -m 256M -c 1 --dtb "$K"
expect_rc 1 "a --dtb that is not a DTB fails"
expect_err_has "expected 0xd00dfeed" "bad DTB: message"
run "$MEASURE" cca --vmm kvmtool --rmm 1.0 -k "$K" -m 256M -c 1
expect_rc 1 "no initrd without --nodefaults or --dtb fails (kvmtool's 9p root)"
run "$MEASURE" "${A1[@]}" --dtb "$T/q.dtb"
expect_rc 1 "kvmtool: a --dtb that is not the 64 KiB window fails"
expect_err_has "64 KiB DTB window" "short kvmtool DTB: message"
run "$MEASURE" cca --vmm kvmtool -k "$K" -m 256M -c 1
expect_rc 2 "--rmm is required"
run "$MEASURE" cca --vmm xen --rmm 1.0 -k "$K" -m 256M -c 1
expect_rc 2 "an unknown --vmm is a usage error"
run "$MEASURE" cca --vmm kvmtool --rmm 1.0 -k "$K" -i "$I" -m 256M -c 1 --output-format cbor
expect_rc 2 "an unknown output format is a usage error"

# ---- issue 13: sizes are checked before inputs are read ----
# an initrd that cannot fit is refused from its size, never read: the
# peak resident size stays far below the file's 1 GiB (a sparse file)
truncate -s 1G "$T/big-initrd"
if /usr/bin/python3 -c 'import resource' 2>/dev/null; then
	rss=$(/usr/bin/python3 -c 'import resource,subprocess,sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' \
		"$MEASURE" cca --vmm kvmtool --rmm 1.0 -k "$K" -i "$T/big-initrd" -m 256M -c 1)
	check "a 1 GiB initrd for a 256 MiB realm is not read (peak RSS ${rss} KiB < 100 MiB)" \
		test "$rss" -lt 102400
else
	ok "initrd peak RSS # SKIP python3 is not installed"
fi
run "$MEASURE" cca --vmm kvmtool --rmm 1.0 -k "$K" -i "$T/big-initrd" -m 256M -c 1
expect_rc 1 "an initrd larger than the realm: exit 1"
expect_err_has "initrd: 1073741824 bytes do not fit" "says it does not fit"
rm -f "$T/big-initrd"
# a gzip'd Image inflates at most to the realm's memory (64 MiB here), not
# to the 2 GiB kernel cap
head -c 200M /dev/zero | gzip -1 >"$T/zeros.gz"
run "$MEASURE" cca --vmm qemu --rmm 1.0 --qemu-version 7.2 --ipa-bits 40 -k "$T/zeros.gz" -m 64M -c 1
expect_rc 1 "an Image.gz inflating past the realm's memory: exit 1"
expect_err_has "zeros.gz: decompresses to more than 67108864 bytes" "stops at the realm's memory size"

finish
