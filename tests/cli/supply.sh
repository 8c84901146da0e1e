#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# supply.sh - the supply chain of a release (docs/supply-chain.md): the lock
# checks of images/lock.sh, the SBOM of ci/sbom.sh (validated with the SPDX
# 2.3 JSON schema and the SPDX licence-expression grammar when this machine
# has them), the DSSE provenance of ci/provenance.sh and its verification
# by measure verify --provenance, and the nix/ expressions (parsed and
# evaluated when nix is installed).
. "$(dirname "$0")/lib.sh"
src=${SRCDIR:?}
lock_sh=$src/images/lock.sh
sha() { sha256sum "$1" | cut -d' ' -f1; }

# ---- the lock -----------------------------------------------------------
mkdir -p "$T/mirror/pool/f" "$T/debs"
printf 'foo 1.0 bytes\n' >"$T/mirror/pool/f/foo_1.0_amd64.deb"
printf 'bar bytes\n' >"$T/mirror/pool/f/bar_2.0_all.deb"
cat >"$T/lock" <<EOF
# a test lock
rootfs bar 1:2.0 all $(sha "$T/mirror/pool/f/bar_2.0_all.deb") pool/f/bar_2.0_all.deb
rootfs foo 1.0 amd64 $(sha "$T/mirror/pool/f/foo_1.0_amd64.deb") pool/f/foo_1.0_amd64.deb
tool podvm-no-such-package 1.0 amd64 - -
file a-file - - $(printf 'x' | sha256sum | cut -d' ' -f1) $T/a-file
EOF
run "$lock_sh" fetch "$T/lock" "file://$T/mirror" "$T/debs"
expect_rc 0 "lock fetch: both .debs from a file:// mirror"
check "lock fetch: named as apt names them (epoch as %3a)" test -f "$T/debs/bar_1%3a2.0_all.deb" -a -f "$T/debs/foo_1.0_amd64.deb"
run "$lock_sh" check-debs "$T/lock" "$T/debs"
expect_rc 0 "lock check-debs: the fetched .debs match"
printf 'tampered\n' >"$T/mirror/pool/f/foo_1.0_amd64.deb"
rm "$T/debs/foo_1.0_amd64.deb"
run "$lock_sh" fetch "$T/lock" "file://$T/mirror" "$T/debs"
expect_rc 1 "lock fetch: a .deb with other bytes stops"
expect_err_has "lock: foo 1.0: file://$T/mirror/pool/f/foo_1.0_amd64.deb has sha256 $(sha "$T/mirror/pool/f/foo_1.0_amd64.deb"), the lock says" "lock fetch: names the package and both hashes"
check "lock fetch: the bad .deb is not kept" test ! -e "$T/debs/foo_1.0_amd64.deb"
printf 'foo 1.1\n' >"$T/debs/foo_1.1_amd64.deb"
run "$lock_sh" check-debs "$T/lock" "$T/debs"
expect_rc 1 "lock check-debs: another version than the lock's stops"
expect_err_has "rootfs package foo: the archive resolved version 1.1, the lock says 1.0" "lock check-debs: names the package and both versions"
rm "$T/debs/foo_1.1_amd64.deb"
printf 'evil\n' >"$T/debs/bar_1%3a2.0_all.deb"
run "$lock_sh" check-debs "$T/lock" "$T/debs"
expect_rc 1 "lock check-debs: a locked version with other bytes stops"
expect_err_has "rootfs package bar 1:2.0: the .deb has sha256" "lock check-debs: names the package and its version"
printf 'Inst foo (1.0 Debian:12.12/stable [amd64])\nInst baz (3 Debian:12.12/stable [amd64])\n' >"$T/plan"
run "$lock_sh" check-plan "$T/lock" <"$T/plan"
expect_rc 1 "lock check-plan: a package the lock lacks stops before it is installed"
expect_err_has "rootfs package baz 3: resolved from the archive but not in the lock" "lock check-plan: names it"
printf 'Inst foo (1.2 Debian:12.12/stable [amd64])\n' >"$T/plan"
run "$lock_sh" check-plan "$T/lock" <"$T/plan"
expect_err_has "rootfs package foo: the archive resolved version 1.2, the lock says 1.0" "lock check-plan: a newer version names both"
printf 'bar 1:2.0 all\nfoo 1.0 amd64\n' >"$T/manifest"
run "$lock_sh" check-installed "$T/lock" "$T/manifest"
expect_rc 0 "lock check-installed: the installed set equals the lock"
printf 'bar 1:2.0 all\n' >"$T/manifest"
run "$lock_sh" check-installed "$T/lock" "$T/manifest"
expect_err_has "rootfs package foo 1.0: in the lock, not installed" "lock check-installed: a locked package missing stops"
run "$lock_sh" check-host "$T/lock" tool
expect_err_has "tool package podvm-no-such-package: nothing is installed, the lock says 1.0" "lock check-host: a build tool at another version stops"
sed '/^tool/d' "$T/lock" >"$T/lock2"
printf 'y' >"$T/a-file"
run "$lock_sh" check-host "$T/lock2" tool
expect_err_has "file a-file ($T/a-file): sha256 $(sha "$T/a-file"), the lock says" "lock check-host: a file with other bytes stops"
printf 'x' >"$T/a-file"
run "$lock_sh" check-host "$T/lock2" tool
expect_rc 0 "lock check-host: the file as locked"
# the firmware's source files: the lock and firmware/PINNED agree
cat >"$T/fw-pinned" <<'EOF2'
package=edk2
version=1.0-1
dsc=edk2_1.0-1.dsc
dsc_sha256=aa
orig=edk2_1.0.orig.tar.xz
orig_sha256=bb
debian=edk2_1.0-1.debian.tar.xz
debian_sha256=cc
EOF2
{
	echo "firmware edk2 1.0-1 source aa pool/main/e/edk2/edk2_1.0-1.dsc"
	echo "firmware edk2 1.0-1 source bb pool/main/e/edk2/edk2_1.0.orig.tar.xz"
	echo "firmware edk2 1.0-1 source cc pool/main/e/edk2/edk2_1.0-1.debian.tar.xz"
} >"$T/fw-lock"
run env PODVM_FIRMWARE_PINNED="$T/fw-pinned" "$lock_sh" check-host "$T/fw-lock" firmware
expect_rc 0 "lock check-host: firmware source files as firmware/PINNED pins them"
sed -i 's/^orig_sha256=bb/orig_sha256=bd/' "$T/fw-pinned"
run env PODVM_FIRMWARE_PINNED="$T/fw-pinned" "$lock_sh" check-host "$T/fw-lock" firmware
expect_err_has "firmware source edk2 1.0-1 edk2_1.0.orig.tar.xz: firmware/PINNED has bd, the lock says bb" "lock check-host: another firmware source hash names the file and both"
sed -i 's/^version=1.0-1/version=1.0-2/' "$T/fw-pinned"
run env PODVM_FIRMWARE_PINNED="$T/fw-pinned" "$lock_sh" check-host "$T/fw-lock" firmware
expect_err_has "firmware source edk2: firmware/PINNED pins version 1.0-2, the lock says 1.0-1" "lock check-host: another firmware version stops"
# the prebuilt TDX firmware (firmware/PINNED-TDX): never a host package
printf 'package=ovmf\nversion=2.0-1\npath=pool/main/e/edk2/ovmf_2.0-1_all.deb\ndeb_sha256=dd\n' >"$T/tdx-pinned"
echo "firmware ovmf 2.0-1 all dd pool/main/e/edk2/ovmf_2.0-1_all.deb" >"$T/tdx-lock"
run env PODVM_TDX_PINNED="$T/tdx-pinned" "$lock_sh" check-host "$T/tdx-lock" firmware
expect_rc 0 "lock check-host: the prebuilt TDX firmware as firmware/PINNED-TDX pins it (not installed on the host)"
sed -i 's/^deb_sha256=dd/deb_sha256=de/' "$T/tdx-pinned"
run env PODVM_TDX_PINNED="$T/tdx-pinned" "$lock_sh" check-host "$T/tdx-lock" firmware
expect_rc 1 "lock check-host: another TDX firmware hash stops"
expect_err_has "firmware ovmf 2.0-1 dd: firmware/PINNED-TDX pins ovmf 2.0-1 de" "and names both"
# the QEMU of the TDX ACPI dump (firmware/PINNED-TDX-QEMU): unpacked .debs,
# never host packages; the lock and the pin hold the same set
printf 'qemu_version=1:9.0-1\nmirror=http://deb.example\ndeb qemu-system-x86 1:9.0-1 amd64 aa pool/main/q/qemu/q.deb\ndeb libc6 2.41-1 amd64 bb pool/main/g/glibc/c.deb\n' >"$T/tq-pinned"
printf 'tdx-qemu libc6 2.41-1 amd64 bb pool/main/g/glibc/c.deb\ntdx-qemu qemu-system-x86 1:9.0-1 amd64 aa pool/main/q/qemu/q.deb\n' >"$T/tq-lock"
run env PODVM_TDX_QEMU_PINNED="$T/tq-pinned" "$lock_sh" check-host "$T/tq-lock" tool
expect_rc 0 "lock check-host: the tdx-qemu entries as firmware/PINNED-TDX-QEMU pins them (not installed on the host)"
sed -i 's/ bb / bc /' "$T/tq-pinned"
run env PODVM_TDX_QEMU_PINNED="$T/tq-pinned" "$lock_sh" check-host "$T/tq-lock" tool
expect_rc 1 "lock check-host: another tdx-qemu hash stops"
expect_err_has "tdx-qemu: the lock's entries and firmware/PINNED-TDX-QEMU differ: < libc6 2.41-1 amd64 bb" "and names the entry"
sed -i '/libc6/d' "$T/tq-pinned"
run env PODVM_TDX_QEMU_PINNED="$T/tq-pinned" "$lock_sh" check-host "$T/tq-lock" tool
expect_rc 1 "lock check-host: a tdx-qemu entry the pin lacks stops"
run env PODVM_TDX_QEMU_PINNED="$T/no-such-pin" "$lock_sh" check-host "$T/tq-lock" tool
expect_err_has "tdx-qemu: locked, but there is no $T/no-such-pin" "lock check-host: tdx-qemu entries without the pin file stop"
check "images/pod/lock: its tdx-qemu entries are firmware/PINNED-TDX-QEMU's .debs" \
	test "$(awk '$1 == "tdx-qemu" { print $2, $3, $4, $5, $6 }' "$src/images/pod/lock" | sort)" = \
	"$(awk '$1 == "deb" { print $2, $3, $4, $5, $6 }' "$src/firmware/PINNED-TDX-QEMU" | sort)"
run awk '!/^[[:space:]]*(#|$)/ && (NF != 6 || $1 !~ /^(rootfs|kernel|file|tool|firmware|tdx-qemu)$/)' "$src/images/pod/lock"
check "images/pod/lock: every line has the six fields of a known kind" test "$rc" -eq 0 -a ! -s "$T/out"
check "images/pod/lock: locks the rootfs, the kernel source and its tarball" \
	grep -q '^kernel linux-source-6.1 ' "$src/images/pod/lock"
# the arm64 kernel source (fetched, not installed): the lock's kernel line
# and kernel-config/PINNED-arm64 agree on version and .deb sha256
printf 'package=linux-source-9.9\nversion=9.9.1-1\ndeb_sha256=dd\n' >"$T/k-pinned"
echo "kernel linux-source-9.9 9.9.1-1 all dd pool/main/l/linux/linux-source-9.9_9.9.1-1_all.deb" >"$T/k-lock"
run env PODVM_KERNEL_PINNED_ARM64="$T/k-pinned" "$lock_sh" check-host "$T/k-lock" kernel
expect_rc 0 "lock check-host: the arm64 kernel source as PINNED-arm64 pins it"
sed -i 's/^deb_sha256=dd/deb_sha256=de/' "$T/k-pinned"
run env PODVM_KERNEL_PINNED_ARM64="$T/k-pinned" "$lock_sh" check-host "$T/k-lock" kernel
expect_err_has "kernel source linux-source-9.9: kernel-config/PINNED-arm64 pins 9.9.1-1 (sha256 de), the lock says 9.9.1-1 (sha256 dd)" "lock check-host: another arm64 kernel source hash names both"
run awk '!/^[[:space:]]*(#|$)/ && (NF != 6 || $1 !~ /^(rootfs|kernel|tool)$/)' "$src/images/pod/lock-arm64"
check "images/pod/lock-arm64: every line has the six fields of a kind it may have" test "$rc" -eq 0 -a ! -s "$T/out"
check "images/pod/lock-arm64: locks the arm64 rootfs packages" grep -q '^rootfs libc6 [^ ]* arm64 ' "$src/images/pod/lock-arm64"
want=$(. "$src/kernel-config/PINNED-arm64"; echo "kernel $package $version all $deb_sha256 $deb")
check "images/pod/lock-arm64: locks the kernel source as kernel-config/PINNED-arm64 pins it" grep -qxF "$want" "$src/images/pod/lock-arm64"

# ---- the SBOM -----------------------------------------------------------
img=$T/img root=$T/root out=$T/rel
mkdir -p "$img" "$root/var/lib/dpkg" "$root/usr/share/doc/foo" "$root/usr/share/doc/bar" "$root/usr/share/doc/libx++1" "$out" "$T/bin"
cp "$src/images/pod/image.conf" "$img/"
cat >"$root/var/lib/dpkg/status" <<'EOF'
Package: foo
Status: install ok installed
Architecture: amd64
Version: 1.0

Package: bar
Status: install ok installed
Architecture: all
Source: barsrc (1:2.0-1)
Version: 1:2.0

Package: libx++1
Status: install ok installed
Architecture: amd64
Source: libx
Version: 3~rc1+b2

Package: gone
Status: deinstall ok config-files
Architecture: amd64
Version: 9
EOF
cat >"$root/usr/share/doc/foo/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: foo

Files: *
Copyright: 2020 Someone
License: GPL-2+ or Artistic

Files: lib/*
Copyright: 2021 Other
License: BSD-3-clause

Files: debian/*
License: GPL-2+ or Artistic

License: BSD-3-clause
 The text of the licence.
EOF
printf 'This is bar, written by someone.\nLicense: GPL-2\n' >"$root/usr/share/doc/bar/copyright"
cat >"$root/usr/share/doc/libx++1/copyright" <<'EOF'
Format: http://www.debian.org/doc/packaging-manuals/copyright-format/1.0
Files: *
License: GPL-3+ with GCC-exception-3.1 exception

Files: x/*
License: Expat, LGPL-2.1
EOF
tar -C "$root" -cf "$T/rootfs.tar" .
{
	grep -v '^rootfs' "$T/lock" | grep -v '^file'
	echo "rootfs foo 1.0 amd64 $(printf a | sha256sum | cut -d' ' -f1) pool/main/f/foo/foo_1.0_amd64.deb"
	echo "rootfs bar 1:2.0 all $(printf b | sha256sum | cut -d' ' -f1) pool/main/b/barsrc/bar_2.0_all.deb"
	echo "rootfs libx++1 3~rc1+b2 amd64 $(printf c | sha256sum | cut -d' ' -f1) pool/main/l/libx/libx++1_3~rc1+b2_amd64.deb"
	echo "kernel linux-source-6.1 6.1.192-2 all $(printf d | sha256sum | cut -d' ' -f1) pool/updates/main/l/linux/linux-source-6.1_6.1.192-2_all.deb"
	echo "tdx-qemu qemu-system-x86 1:11.1.3+ds-2~bpo13+1 amd64 $(printf e | sha256sum | cut -d' ' -f1) pool/main/q/qemu/qemu-system-x86_11.1.3+ds-2~bpo13+1_amd64.deb"
	echo "tdx-qemu libc6 2.41-12 amd64 $(printf f | sha256sum | cut -d' ' -f1) pool/main/g/glibc/libc6_2.41-12_amd64.deb"
} >"$img/lock"
for f in bzImage kernel.config root.img root-verity.img disk.img cmdline pod-qemu.igvm refvalues.json tdx-acpi-1vcpu-tables; do
	printf '%s contents\n' "$f" >"$out/$f"
done
ln -s "${IGVMGEN:?}" "$T/bin/igvmgen"; ln -s "${MEASURE:?}" "$T/bin/measure"; ln -s "${VERITYSETUP:?}" "$T/bin/veritysetup"
quiet() { "$@" >/dev/null; }
sbom() { "$src/ci/sbom.sh" "$img" "$out" "$T/rootfs.tar" "$T/bin"; }
run_to "$T/sbom.json" sbom
expect_rc 0 "sbom: written"
j() { jq -r "$@" "$T/sbom.json"; }
check "sbom: SPDX-2.3, CC0-1.0, created at SOURCE_DATE_EPOCH" \
	test "$(j '"\(.spdxVersion) \(.dataLicense) \(.creationInfo.created)"')" = "SPDX-2.3 CC0-1.0 2026-01-01T00:00:00Z"
check "sbom: every installed package, none removed" \
	test "$(j '[.packages[] | select(.SPDXID | startswith("SPDXRef-Deb-")) | .name] | sort | join(" ")')" = "bar foo libx++1"
check "sbom: a DEP-5 copyright gives the SPDX expression of its Files paragraphs" \
	test "$(j '.packages[] | select(.name == "foo") | .licenseDeclared')" = "(GPL-2.0-or-later OR LicenseRef-Debian-Artistic) AND BSD-3-Clause"
check "sbom: exceptions, Expat as MIT, comma lists" \
	test "$(j '.packages[] | select(.name == "libx++1") | .licenseDeclared')" = "(MIT AND LGPL-2.1-only) AND GPL-3.0-or-later WITH GCC-exception-3.1"
check "sbom: a copyright file that is not DEP-5 gives NOASSERTION" \
	test "$(j '.packages[] | select(.name == "bar") | .licenseDeclared')" = NOASSERTION
check "sbom: the source package and its version (Source: with and without one)" \
	test "$(j '[.packages[] | select(.name == "bar" or .name == "libx++1") | .sourceInfo] | join("|")')" = \
	"built from the Debian source package barsrc 1:2.0-1 (bookworm)|built from the Debian source package libx 3~rc1+b2 (bookworm)"
check "sbom: each package's .deb sha256 and archive path from the lock" \
	test "$(j '.packages[] | select(.name == "foo") | "\(.checksums[0].checksumValue) \(.downloadLocation)"')" = \
	"$(printf a | sha256sum | cut -d' ' -f1) http://deb.debian.org/debian/pool/main/f/foo/foo_1.0_amd64.deb"
check "sbom: purl with the version percent-encoded" \
	test "$(j '.packages[] | select(.name == "bar") | .externalRefs[0].referenceLocator')" = "pkg:deb/debian/bar@1%3A2.0?arch=all&distro=debian-12"
check "sbom: the kernel names its config's sha256 and its source" \
	test "$(j '.packages[] | select(.SPDXID == "SPDXRef-Kernel") | .comment')" = "kernel.config sha256 $(sha "$out/kernel.config")"
check "sbom: every artifact, with SHA1 and SHA256" \
	test "$(j '[.files[] | "\(.fileName)=\(.checksums[1].checksumValue)"] | join(" ")')" = \
	"$(cd "$out" && for f in $(ls | LC_ALL=C sort); do printf './%s=%s ' "$f" "$(sha "$f")"; done | sed 's/ $//')"
check "sbom: relationships: the erofs CONTAINS each package, the kernel GENERATED_FROM its source" \
	test "$(j '[.relationships[] | select((.spdxElementId == "SPDXRef-File-root.img" and .relationshipType == "CONTAINS") or .relationshipType == "GENERATED_FROM") | "\(.spdxElementId)>\(.relatedSpdxElement)"] | join(" ")')" = \
	"SPDXRef-File-root.img>SPDXRef-Deb-bar-all SPDXRef-File-root.img>SPDXRef-Deb-foo-amd64 SPDXRef-File-root.img>SPDXRef-Deb-libx--1-amd64 SPDXRef-File-root-verity.img>SPDXRef-File-root.img SPDXRef-Kernel>SPDXRef-Source-linux-source-6.1 SPDXRef-Kernel>SPDXRef-File-kernel.config SPDXRef-File-pod-qemu.igvm>SPDXRef-File-bzImage SPDXRef-File-pod-qemu.igvm>SPDXRef-File-cmdline"
check "sbom: the TDX dump's QEMU made the tdx-acpi files, its libraries are its dependencies" \
	test "$(j '[.relationships[] | select(.spdxElementId | startswith("SPDXRef-TdxQemu-")) | "\(.spdxElementId)>\(.relationshipType)>\(.relatedSpdxElement)"] | join(" ")')" = \
	"SPDXRef-TdxQemu-qemu-system-x86>BUILD_TOOL_OF>SPDXRef-File-tdx-acpi-1vcpu-tables SPDXRef-TdxQemu-libc6>DEPENDENCY_OF>SPDXRef-TdxQemu-qemu-system-x86"
check "sbom: the TDX dump's QEMU packages come from trixie (purl distro debian-13)" \
	test "$(j '[.packages[] | select(.SPDXID | startswith("SPDXRef-TdxQemu-")) | "\(.primaryPackagePurpose) \(.externalRefs[0].referenceLocator)"] | join("|")')" = \
	"APPLICATION pkg:deb/debian/qemu-system-x86@1%3A11.1.3%2Bds-2~bpo13%2B1?arch=amd64&distro=debian-13|LIBRARY pkg:deb/debian/libc6@2.41-12?arch=amd64&distro=debian-13"
check "sbom: SPDXIDs unique, every relationship's ends defined, every LicenseRef declared" \
	quiet jq -e '([.packages[], .files[]] | map(.SPDXID)) as $ids
		| ($ids | length) == ($ids | unique | length)
		and all(.relationships[]; (.spdxElementId == "SPDXRef-DOCUMENT" or (.spdxElementId as $a | $ids | index($a))) and (.relatedSpdxElement as $b | $ids | index($b)))
		and ([.packages[].licenseDeclared | scan("LicenseRef-[A-Za-z0-9.-]+")] | unique) == ([.hasExtractedLicensingInfos[].licenseId] | sort)' "$T/sbom.json"
schema=${SPDX_SCHEMA:-/usr/local/share/spdx/spdx-schema-2.3.json}
# spdx_schema FILE DESC: FILE valid against the SPDX 2.3 JSON schema, when
# this machine has it (docs/supply-chain.md, "Validation")
spdx_schema() {
	if [ -f "$schema" ] && python3 -c 'import jsonschema' 2>/dev/null; then
		run python3 -c 'import json, sys, jsonschema
s = json.load(open(sys.argv[1])); d = json.load(open(sys.argv[2]))
jsonschema.validators.validator_for(s)(s, format_checker=jsonschema.FormatChecker()).validate(d)' "$schema" "$1"
		expect_rc 0 "$2: valid against the SPDX 2.3 JSON schema ($schema)"
	else
		ok "$2: SPDX 2.3 JSON schema # SKIP no schema at $schema (docs/supply-chain.md)"
	fi
}
spdx_schema "$T/sbom.json" sbom
if [ -f "$schema" ] && python3 -c 'import jsonschema' 2>/dev/null; then
	jq '.spdxVersion = 2' "$T/sbom.json" >"$T/bad.json"
	run python3 -c 'import json, sys, jsonschema
s = json.load(open(sys.argv[1])); jsonschema.validators.validator_for(s)(s).validate(json.load(open(sys.argv[2])))' "$schema" "$T/bad.json"
	check "sbom: the schema check rejects a broken document" test "$rc" -ne 0
else
	ok "sbom: schema rejection # SKIP no schema"
fi
if NODE_PATH=/usr/share/nodejs node -e 'require("spdx-expression-parse")' 2>/dev/null; then
	run env NODE_PATH=/usr/share/nodejs node -e '
const parse = require("spdx-expression-parse"); const d = JSON.parse(require("fs").readFileSync(process.argv[1]));
for (const p of d.packages) if (p.licenseDeclared !== "NOASSERTION") parse(p.licenseDeclared);' "$T/sbom.json"
	expect_rc 0 "sbom: every licenseDeclared parses as an SPDX expression (node-spdx-expression-parse)"
else
	ok "sbom: SPDX expressions # SKIP node-spdx-expression-parse is not installed"
fi
# with a firmware: its source files (one package, three files) and tools
cp -r "$out" "$T/rel-fw"; cp -r "$img" "$T/img-fw"
printf 'firmware\n' >"$T/rel-fw/OVMF-SNP.fd"
cat "$T/fw-lock" >>"$T/img-fw/lock"
echo "tool nasm 2.16.01-1 amd64 - -" >>"$T/img-fw/lock"
run_to "$T/sbom-fw.json" "$src/ci/sbom.sh" "$T/img-fw" "$T/rel-fw" "$T/rootfs.tar" "$T/bin"
expect_rc 0 "sbom: with a firmware"
check "sbom: the firmware GENERATED_FROM each of its source files, nasm BUILD_TOOL_OF it" \
	test "$(jq -r '[.relationships[] | select(.spdxElementId == "SPDXRef-File-OVMF-SNP.fd" or .relatedSpdxElement == "SPDXRef-File-OVMF-SNP.fd") | "\(.spdxElementId) \(.relationshipType) \(.relatedSpdxElement)"] | join(",")' "$T/sbom-fw.json")" = \
	"SPDXRef-Image CONTAINS SPDXRef-File-OVMF-SNP.fd,SPDXRef-File-OVMF-SNP.fd GENERATED_FROM SPDXRef-Source-edk2-1.0-1.dsc,SPDXRef-File-OVMF-SNP.fd GENERATED_FROM SPDXRef-Source-edk2-1.0.orig.tar.xz,SPDXRef-File-OVMF-SNP.fd GENERATED_FROM SPDXRef-Source-edk2-1.0-1.debian.tar.xz,SPDXRef-Tool-nasm BUILD_TOOL_OF SPDXRef-File-OVMF-SNP.fd"
check "sbom: with a firmware, SPDXIDs stay unique" \
	quiet jq -e '[.packages[], .files[]] | map(.SPDXID) | length == (unique | length)' "$T/sbom-fw.json"
# ---- the SBOM of a release with the arm64 variant ------------------------
# its rootfs: bar (arch all, the same .deb as x86's) and baz; its lock:
# those, the kernel source PINNED-arm64 pins (trixie-backports), the cross
# compiler, qemu-user-static and make (at the version of the x86 lock)
root64=$T/root64 img64=$T/img64 rel64=$T/rel64
mkdir -p "$root64/var/lib/dpkg" "$root64/usr/share/doc/bar" "$root64/usr/share/doc/baz"
cat >"$root64/var/lib/dpkg/status" <<'EOF2'
Package: bar
Status: install ok installed
Architecture: all
Source: barsrc (1:2.0-1)
Version: 1:2.0

Package: baz
Status: install ok installed
Architecture: arm64
Version: 2.0-1+b1
EOF2
cp "$root/usr/share/doc/bar/copyright" "$root64/usr/share/doc/bar/"
printf 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: Expat\n' >"$root64/usr/share/doc/baz/copyright"
tar -C "$root64" -cf "$T/rootfs64.tar" .
s64() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
cp -r "$img" "$img64"
echo "tool make 4.3-4.1 amd64 $(s64 make) pool/main/m/make-dfsg/make_4.3-4.1_amd64.deb" >>"$img64/lock"
cat >"$img64/lock-arm64" <<EOF2
# KIND NAME VERSION ARCH SHA256 PATH
rootfs bar 1:2.0 all $(printf b | sha256sum | cut -d' ' -f1) pool/main/b/barsrc/bar_2.0_all.deb
rootfs baz 2.0-1+b1 arm64 $(s64 baz) pool/main/b/baz/baz_2.0-1+b1_arm64.deb
kernel linux-source-9.9 9.9.1-1~bpo13+1 all $(s64 k64) pool/main/l/linux/linux-source-9.9_9.9.1-1~bpo13+1_all.deb
tool gcc-12-aarch64-linux-gnu 12.2.0-14cross1 amd64 $(s64 gcc) pool/main/g/gcc-12-cross/gcc-12-aarch64-linux-gnu_12.2.0-14cross1_amd64.deb
tool make 4.3-4.1 amd64 $(s64 make) pool/main/m/make-dfsg/make_4.3-4.1_amd64.deb
tool qemu-user-static 1:7.2+dfsg-7+deb12u18+b3 amd64 $(s64 qus) pool/main/q/qemu/qemu-user-static_7.2+dfsg-7+deb12u18+b3_amd64.deb
EOF2
cat >"$T/k64-pinned" <<EOF2
package=linux-source-9.9
version=9.9.1-1~bpo13+1
suite=trixie-backports
mirror=http://deb.debian.org/debian
deb=pool/main/l/linux/linux-source-9.9_9.9.1-1~bpo13+1_all.deb
deb_sha256=$(s64 k64)
tarball=/usr/src/linux-source-9.9.tar.xz
tarball_sha256=$(s64 tarball64)
EOF2
export PODVM_KERNEL_PINNED_ARM64=$T/k64-pinned
cp -r "$out" "$rel64"
for f in Image kernel-arm64.config root-arm64.img root-verity-arm64.img disk-arm64.img cmdline-arm64 verity-arm64.json; do
	printf '%s contents\n' "$f" >"$rel64/$f"
done
printf 'bar 1:2.0 all\nbaz 2.0-1+b1 arm64\n' >"$rel64/packages-arm64.manifest"
sbom64() { "$src/ci/sbom.sh" "$img64" "$rel64" "$T/rootfs.tar" "$T/bin" "$T/rootfs64.tar"; }
run_to "$T/sbom64.json" sbom64
expect_rc 0 "sbom arm64: written"
j64() { jq -r "$@" "$T/sbom64.json"; }
check "sbom arm64: every file of the release folder, with its sha256" \
	test "$(j64 '[.files[] | "\(.fileName)=\(.checksums[1].checksumValue)"] | join(" ")')" = \
	"$(cd "$rel64" && for f in $(ls | LC_ALL=C sort); do printf './%s=%s ' "$f" "$(sha "$f")"; done | sed 's/ $//')"
check "sbom arm64: an arm64 rootfs package with its .deb, its purl (arch arm64, bookworm) and its licence" \
	test "$(j64 '.packages[] | select(.SPDXID == "SPDXRef-Deb-baz-arm64") | "\(.checksums[0].checksumValue) \(.externalRefs[0].referenceLocator) \(.licenseDeclared)"')" = \
	"$(s64 baz) pkg:deb/debian/baz@2.0-1%2Bb1?arch=arm64&distro=debian-12 MIT"
check "sbom arm64: the arm64 erofs CONTAINS its packages; an arch-all .deb of both rootfs is one package in both" \
	test "$(j64 '[.relationships[] | select(.relationshipType == "CONTAINS" and (.relatedSpdxElement | startswith("SPDXRef-Deb-bar") or startswith("SPDXRef-Deb-baz"))) | "\(.spdxElementId)>\(.relatedSpdxElement)"] | join(" ")') $(j64 '[.packages[] | select(.name == "bar")] | length')" = \
	"SPDXRef-File-root.img>SPDXRef-Deb-bar-all SPDXRef-File-root-arm64.img>SPDXRef-Deb-bar-all SPDXRef-File-root-arm64.img>SPDXRef-Deb-baz-arm64 1"
check "sbom arm64: the pinned kernel source, from trixie-backports (purl distro debian-13)" \
	test "$(j64 '.packages[] | select(.SPDXID == "SPDXRef-Source-linux-source-9.9") | "\(.versionInfo) \(.checksums[0].checksumValue) \(.downloadLocation) \(.externalRefs[0].referenceLocator)"')" = \
	"9.9.1-1~bpo13+1 $(s64 k64) http://deb.debian.org/debian/pool/main/l/linux/linux-source-9.9_9.9.1-1~bpo13+1_all.deb pkg:deb/debian/linux-source-9.9@9.9.1-1~bpo13%2B1?arch=all&distro=debian-13"
check "sbom arm64: the arm64 kernel: Image's sha256, its source's tarball sha256 (the pin's), its config" \
	test "$(j64 '.packages[] | select(.SPDXID == "SPDXRef-Kernel-arm64") | "\(.packageFileName) \(.checksums[0].checksumValue) \(.comment)"')" = \
	"Image $(sha "$rel64/Image") kernel-arm64.config sha256 $(sha "$rel64/kernel-arm64.config")" -a \
	-n "$(j64 '.packages[] | select(.SPDXID == "SPDXRef-Kernel-arm64") | .sourceInfo | select(contains("linux-source-9.9.tar.xz sha256 '"$(s64 tarball64)"'"))')"
check "sbom arm64: Image CONTAINS its kernel, GENERATED_FROM the pinned source and kernel-arm64.config; the arm64 disk holds its erofs and verity tree" \
	test "$(j64 '[.relationships[] | select((.spdxElementId | test("arm64|^SPDXRef-File-Image$")) and .relationshipType != "BUILD_TOOL_OF") | "\(.spdxElementId)>\(.relationshipType)>\(.relatedSpdxElement)"] | join(" ")')" = \
	"SPDXRef-File-root-arm64.img>CONTAINS>SPDXRef-Deb-bar-all SPDXRef-File-root-arm64.img>CONTAINS>SPDXRef-Deb-baz-arm64 SPDXRef-File-disk-arm64.img>CONTAINS>SPDXRef-File-root-arm64.img SPDXRef-File-disk-arm64.img>CONTAINS>SPDXRef-File-root-verity-arm64.img SPDXRef-File-root-verity-arm64.img>GENERATED_FROM>SPDXRef-File-root-arm64.img SPDXRef-File-Image>CONTAINS>SPDXRef-Kernel-arm64 SPDXRef-Kernel-arm64>GENERATED_FROM>SPDXRef-Source-linux-source-9.9 SPDXRef-Kernel-arm64>GENERATED_FROM>SPDXRef-File-kernel-arm64.config"
check "sbom arm64: the cross compiler BUILD_TOOL_OF the arm64 kernel, qemu-user-static of its erofs, make (in both locks) of both kernels" \
	test "$(j64 '[.relationships[] | select(.relationshipType == "BUILD_TOOL_OF" and (.spdxElementId | test("aarch64|qemu-user|make"))) | "\(.spdxElementId)>\(.relatedSpdxElement)"] | join(" ")') $(j64 '[.packages[] | select(.name == "make")] | length')" = \
	"SPDXRef-Tool-make>SPDXRef-Kernel SPDXRef-Tool-make>SPDXRef-Kernel-arm64 SPDXRef-Tool-gcc-12-aarch64-linux-gnu>SPDXRef-Kernel-arm64 SPDXRef-Tool-qemu-user-static>SPDXRef-File-root-arm64.img 1"
check "sbom arm64: the cross compiler's purl (a bookworm host tool)" \
	test "$(j64 '.packages[] | select(.SPDXID == "SPDXRef-Tool-gcc-12-aarch64-linux-gnu") | .externalRefs[0].referenceLocator')" = \
	"pkg:deb/debian/gcc-12-aarch64-linux-gnu@12.2.0-14cross1?arch=amd64&distro=debian-12"
check "sbom arm64: podvm BUILD_TOOL_OF the arm64 verity tree, disk, command line and verity.json" \
	test "$(j64 '[.relationships[] | select(.spdxElementId == "SPDXRef-podvm" and (.relatedSpdxElement | test("arm64"))) | .relatedSpdxElement] | join(" ")')" = \
	"SPDXRef-File-root-verity-arm64.img SPDXRef-File-disk-arm64.img SPDXRef-File-cmdline-arm64 SPDXRef-File-verity-arm64.json"
sbom_sound() {
	jq -e '([.packages[], .files[]] | map(.SPDXID)) as $ids
		| ($ids | length) == ($ids | unique | length)
		and all(.relationships[]; (.spdxElementId == "SPDXRef-DOCUMENT" or (.spdxElementId as $a | $ids | index($a))) and (.relatedSpdxElement as $b | $ids | index($b)))
		and ([.packages[].licenseDeclared | scan("LicenseRef-[A-Za-z0-9.-]+")] | unique) == ([.hasExtractedLicensingInfos[].licenseId] | sort)' "$1" >/dev/null
}
check "sbom arm64: SPDXIDs unique, every relationship's ends defined, every LicenseRef declared" sbom_sound "$T/sbom64.json"
spdx_schema "$T/sbom64.json" "sbom arm64"
run_to "$T/sbom64b.json" sbom64
check "sbom arm64: reproducible (a second run gives the same bytes)" cmp -s "$T/sbom64.json" "$T/sbom64b.json"
# KVMTOOL_EFI.fd, when the release has it: from the edk2 source files
cp -r "$rel64" "$T/rel64-fw"; cp -r "$img64" "$T/img64-fw"
printf 'kvmtool firmware\n' >"$T/rel64-fw/KVMTOOL_EFI.fd"
cat "$T/fw-lock" >>"$T/img64-fw/lock"
run_to "$T/sbom64-fw.json" "$src/ci/sbom.sh" "$T/img64-fw" "$T/rel64-fw" "$T/rootfs.tar" "$T/bin" "$T/rootfs64.tar"
expect_rc 0 "sbom arm64: with KVMTOOL_EFI.fd"
check "sbom arm64: KVMTOOL_EFI.fd listed with its sha256, GENERATED_FROM each edk2 source file" \
	test "$(jq -r '[.relationships[] | select(.spdxElementId == "SPDXRef-File-KVMTOOL-EFI.fd" and .relationshipType == "GENERATED_FROM") | .relatedSpdxElement] | join(" ")' "$T/sbom64-fw.json") $(jq -r '.files[] | select(.fileName == "./KVMTOOL_EFI.fd") | .checksums[1].checksumValue' "$T/sbom64-fw.json")" = \
	"SPDXRef-Source-edk2-1.0-1.dsc SPDXRef-Source-edk2-1.0.orig.tar.xz SPDXRef-Source-edk2-1.0-1.debian.tar.xz $(sha "$T/rel64-fw/KVMTOOL_EFI.fd")"
check "sbom arm64: KVMTOOL_EFI.fd's build tools: the host make (BaseTools), the aarch64 cross compiler; not nasm" \
	test "$(jq -r '[.relationships[] | select(.relatedSpdxElement == "SPDXRef-File-KVMTOOL-EFI.fd" and .relationshipType == "BUILD_TOOL_OF") | .spdxElementId] | join(" ")' "$T/sbom64-fw.json")" = \
	"SPDXRef-Tool-make SPDXRef-Tool-gcc-12-aarch64-linux-gnu"
check "sbom arm64: with KVMTOOL_EFI.fd, SPDXIDs unique and every relationship's ends defined" sbom_sound "$T/sbom64-fw.json"
spdx_schema "$T/sbom64-fw.json" "sbom arm64 with KVMTOOL_EFI.fd"
check "sbom arm64: without KVMTOOL_EFI.fd, nothing of it" test "$(j64 '[.. | strings | select(contains("KVMTOOL"))] | length')" = 0
# the firmware's sources come from the suite their pin names (trixie)
sed 's/^version=.*/&\nsuite=trixie/' "$T/fw-pinned" >"$T/fw-pinned-trixie"
run_to "$T/sbom64-fw2.json" env PODVM_FIRMWARE_PINNED="$T/fw-pinned-trixie" "$src/ci/sbom.sh" "$T/img64-fw" "$T/rel64-fw" "$T/rootfs.tar" "$T/bin" "$T/rootfs64.tar"
check "sbom: the edk2 source files' purls name the suite of firmware/PINNED (trixie: debian-13)" \
	test "$(jq -r '[.packages[] | select(.SPDXID | startswith("SPDXRef-Source-edk2")) | .externalRefs[0].referenceLocator] | unique | join(" ")' "$T/sbom64-fw2.json")" = \
	"pkg:deb/debian/edk2@1.0-1?arch=source&distro=debian-13"
# two versions of one tool in the two locks: two packages, each its own id
cp -r "$img64" "$T/img64-v"
sed -i 's/^tool make 4.3-4.1 amd64 [^ ]* /tool make 4.4-1 amd64 '"$(s64 make44)"' /' "$T/img64-v/lock-arm64"
run_to "$T/sbom64-v.json" "$src/ci/sbom.sh" "$T/img64-v" "$rel64" "$T/rootfs.tar" "$T/bin" "$T/rootfs64.tar"
check "sbom arm64: a tool at two versions in the two locks: SPDXRef-Tool-make-4.3-4.1 of the x86 kernel, -4.4-1 of the arm64 one" \
	test "$(jq -r '[.relationships[] | select(.spdxElementId | startswith("SPDXRef-Tool-make")) | "\(.spdxElementId)>\(.relatedSpdxElement)"] | join(" ")' "$T/sbom64-v.json")" = \
	"SPDXRef-Tool-make-4.3-4.1>SPDXRef-Kernel SPDXRef-Tool-make-4.4-1>SPDXRef-Kernel-arm64"
check "sbom arm64: with two versions of a tool, SPDXIDs stay unique" sbom_sound "$T/sbom64-v.json"
run_to - "$src/ci/sbom.sh" "$img64" "$rel64" "$T/rootfs.tar" "$T/bin"
expect_rc 1 "sbom arm64: root-arm64.img without the arm64 rootfs tarball stops"
expect_err_has "root-arm64.img: its packages need the arm64 rootfs tarball" "sbom arm64: says what is missing"
mv "$img64/lock-arm64" "$T/lock-arm64.saved"
run_to - sbom64
expect_rc 1 "sbom arm64: arm64 artifacts without lock-arm64 stop"
expect_err_has "has the arm64 variant's artifacts, but there is no $img64/lock-arm64" "sbom arm64: names the lock"
mv "$T/lock-arm64.saved" "$img64/lock-arm64"
printf 'bar 1:2.0 all\nbaz 2.0-2 arm64\n' >"$T/manifest64"
cp "$rel64/packages-arm64.manifest" "$T/manifest64.saved"; cp "$T/manifest64" "$rel64/packages-arm64.manifest"
run_to - sbom64
expect_rc 1 "sbom arm64: a tarball whose packages are not packages-arm64.manifest's stops"
expect_err_has "are not those of $rel64/packages-arm64.manifest" "sbom arm64: names the manifest"
cp "$T/manifest64.saved" "$rel64/packages-arm64.manifest"
run_to "$T/sbom2.json" sbom
check "sbom: reproducible (a second run gives the same bytes)" cmp -s "$T/sbom.json" "$T/sbom2.json"
printf 'other\n' >>"$out/disk.img"
run_to "$T/sbom3.json" sbom
check "sbom: the namespace follows the artifacts" \
	test "$(jq -r .documentNamespace "$T/sbom.json")" != "$(jq -r .documentNamespace "$T/sbom3.json")"
sed -i '/^rootfs bar/d' "$img/lock"
run_to "$T/sbom4.json" sbom
expect_rc 1 "sbom: a package installed but not locked stops"
expect_err_has "bar 1:2.0: installed in the rootfs but not in" "sbom: names it"

# ---- the provenance -----------------------------------------------------
openssl genpkey -algorithm ed25519 -out "$T/ed.pem" 2>/dev/null
openssl pkey -in "$T/ed.pem" -pubout -out "$T/ed.pub"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/ec.pem" 2>/dev/null
openssl pkey -in "$T/ec.pem" -pubout -out "$T/ec.pub"
openssl genpkey -algorithm ed25519 -out "$T/other.pem" 2>/dev/null
openssl pkey -in "$T/other.pem" -pubout -out "$T/other.pub"
cp "$T/sbom.json" "$out/sbom.spdx.json"
prov() { "$src/ci/provenance.sh" "$img" "$out" "./build.sh" "$@"; }
run_to "$T/unsigned.json" prov
expect_rc 0 "provenance: written without a key"
expect_err_has "the provenance envelope is UNSIGNED" "provenance: says it is unsigned"
check "provenance: an unsigned envelope has no signature" test "$(jq -c .signatures "$T/unsigned.json")" = "[]"
run_to "$out/provenance.dsse.json" prov "$T/ed.pem"
expect_rc 0 "provenance: signed with Ed25519"
jq -r .payload "$out/provenance.dsse.json" | base64 -d >"$T/payload"
check "provenance: in-toto Statement v1, SLSA provenance v1" \
	test "$(jq -r '"\(._type) \(.predicateType)"' "$T/payload")" = "https://in-toto.io/Statement/v1 https://slsa.dev/provenance/v1"
check "provenance: a subject per artifact with its sha256 (not SHA256SUMS, not itself)" \
	test "$(jq -r '[.subject[] | "\(.name)=\(.digest.sha256)"] | join(" ")' "$T/payload")" = \
	"$(cd "$out" && for f in $(ls | LC_ALL=C sort); do case $f in provenance.*) continue ;; esac; printf '%s=%s ' "$f" "$(sha "$f")"; done | sed 's/ $//')"
check "provenance: names the image, the command and the lock" \
	test "$(jq -r '.predicate.buildDefinition.externalParameters | "\(.image.name) \(.image.version) \(.command) \(.lock.digest.sha256)"' "$T/payload")" = \
	"pod 0.1.0 ./build.sh $(sha "$img/lock")"
pae() { local t; t=$(jq -r .payloadType "$1"); printf 'DSSEv1 %d %s %d ' "${#t}" "$t" "$(jq -r .payload "$1" | base64 -d | wc -c)"; jq -r .payload "$1" | base64 -d; }
pae "$out/provenance.dsse.json" >"$T/pae"
jq -r '.signatures[0].sig' "$out/provenance.dsse.json" | base64 -d >"$T/sig"
run openssl pkeyutl -verify -pubin -inkey "$T/ed.pub" -rawin -in "$T/pae" -sigfile "$T/sig"
expect_rc 0 "provenance: the Ed25519 signature verifies over PAE(payloadType, payload) (openssl)"
run_to "$T/again.json" prov "$T/ed.pem"
check "provenance: Ed25519 is deterministic: the same envelope twice" cmp -s "$out/provenance.dsse.json" "$T/again.json"
check "provenance: keyid is the sha256 of the public key" \
	test "$(jq -r '.signatures[0].keyid' "$out/provenance.dsse.json")" = "$(openssl pkey -pubin -in "$T/ed.pub" -outform DER | sha256sum | cut -d' ' -f1)"
run_to "$T/ec.json" prov "$T/ec.pem"
pae "$T/ec.json" >"$T/pae-ec"
jq -r '.signatures[0].sig' "$T/ec.json" | base64 -d >"$T/sig-ec"
run openssl dgst -sha256 -verify "$T/ec.pub" -signature "$T/sig-ec" "$T/pae-ec"
expect_rc 0 "provenance: the ECDSA P-256 signature verifies (openssl, DER)"
check "provenance: the ECDSA payload equals the Ed25519 one" test "$(jq -r .payload "$T/ec.json")" = "$(jq -r .payload "$out/provenance.dsse.json")"
# sigstore-js's DSSE code, when installed outside the repository
# (DSSE_ORACLE=DIR with DIR/node_modules/@sigstore/core: docs/supply-chain.md)
if [ -n "${DSSE_ORACLE:-}" ] && [ -d "$DSSE_ORACLE/node_modules/@sigstore/core" ]; then
	oracle() {
		NODE_PATH=$DSSE_ORACLE/node_modules node -e '
const fs = require("fs"), core = require("@sigstore/core");
const env = JSON.parse(fs.readFileSync(process.argv[1]));
const key = core.crypto.createPublicKey(fs.readFileSync(process.argv[2], "utf8"));
const pae = core.dsse.preAuthEncoding(env.payloadType, Buffer.from(env.payload, "base64"));
const alg = key.asymmetricKeyType === "ed25519" ? undefined : "sha256";
process.exit(env.signatures.some(s => core.crypto.verify(pae, key, Buffer.from(s.sig, "base64"), alg)) ? 0 : 3);' "$@"
	}
	run oracle "$out/provenance.dsse.json" "$T/ed.pub"
	expect_rc 0 "provenance: @sigstore/core (DSSE PAE, crypto.verify) accepts the Ed25519 envelope"
	run oracle "$T/ec.json" "$T/ec.pub"
	expect_rc 0 "provenance: @sigstore/core accepts the ECDSA P-256 envelope"
	run oracle "$out/provenance.dsse.json" "$T/other.pub"
	expect_rc 3 "provenance: @sigstore/core rejects it with another key"
else
	ok "provenance: a standard DSSE verifier # SKIP no DSSE_ORACLE (@sigstore/core) to cross-check with"
fi
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$T/rsa.pem" 2>/dev/null
run_to "$T/rsa.json" prov "$T/rsa.pem"
expect_rc 1 "provenance: an RSA key is refused"
expect_err_has "neither an Ed25519 nor an ECDSA P-256 key" "provenance: says which keys it takes"
# the release with the arm64 variant: its lock and what only it has
printf '{"image": {"name": "pod", "version": "0.1.0"}}\n' >"$rel64/build-info.json"
cp "$T/sbom64.json" "$rel64/sbom.spdx.json"
prov64() { "$src/ci/provenance.sh" "$img64" "$rel64" "./build.sh" "$@"; }
run_to "$T/prov64.json" prov64 "$T/ed.pem"
expect_rc 0 "provenance arm64: written"
jq -r .payload "$T/prov64.json" | base64 -d >"$T/payload64"
p64() { jq -r "$@" "$T/payload64"; }
check "provenance arm64: every file of the release folder is a subject, with its sha256" \
	test "$(p64 '[.subject[] | "\(.name)=\(.digest.sha256)"] | join(" ")')" = \
	"$(cd "$rel64" && for f in $(ls | LC_ALL=C sort); do case $f in provenance.*) continue ;; esac; printf '%s=%s ' "$f" "$(sha "$f")"; done | sed 's/ $//')"
check "provenance arm64: lock-arm64 is an external parameter and a dependency, with its sha256" \
	test "$(p64 '"\(.predicate.buildDefinition.externalParameters.lockArm64.digest.sha256) \(.predicate.buildDefinition.resolvedDependencies[] | select(.name == "lock-arm64") | .digest.sha256) \(.predicate.buildDefinition.externalParameters.image.architectures | join(","))"')" = \
	"$(sha "$img64/lock-arm64") $(sha "$img64/lock-arm64") x86_64,arm64"
check "provenance arm64: the pinned kernel source .deb, the cross compiler and an arm64 rootfs .deb, with their sha256" \
	test "$(p64 '[.predicate.buildDefinition.resolvedDependencies[] | select(.name // "" | test("^(linux-source-9.9|gcc-12-aarch64-linux-gnu|baz)$")) | "\(.uri) \(.digest.sha256)"] | join(" ")')" = \
	"http://deb.debian.org/debian/pool/main/b/baz/baz_2.0-1+b1_arm64.deb $(s64 baz) http://deb.debian.org/debian/pool/main/l/linux/linux-source-9.9_9.9.1-1~bpo13+1_all.deb $(s64 k64) http://deb.debian.org/debian/pool/main/g/gcc-12-cross/gcc-12-aarch64-linux-gnu_12.2.0-14cross1_amd64.deb $(s64 gcc)"
check "provenance arm64: the arm64 kernel's source tarball, with the sha256 PINNED-arm64 pins" \
	test "$(p64 '.predicate.buildDefinition.resolvedDependencies[] | select(.name == "linux-source-9.9.tar.xz") | "\(.uri) \(.digest.sha256)"')" = \
	"http://deb.debian.org/debian/pool/main/l/linux/linux-source-9.9_9.9.1-1~bpo13+1_all.deb#usr/src/linux-source-9.9.tar.xz $(s64 tarball64)"
check "provenance arm64: a .deb both locks hold is one dependency naming both locks" \
	test "$(p64 '[.predicate.buildDefinition.resolvedDependencies[] | select(.name == "make" or .name == "bar") | "\(.name):\(.annotations.locks | join(","))"] | join(" ")')" = \
	"bar:lock,lock-arm64 make:lock,lock-arm64"
run "$MEASURE" verify --provenance "$T/prov64.json" --key "$T/ed.pub" --artifacts "$rel64"
expect_rc 0 "provenance arm64: measure verify --provenance accepts the release with the arm64 variant"
run_to "$T/prov64b.json" prov64 "$T/ed.pem"
check "provenance arm64: deterministic (Ed25519: the same envelope twice)" cmp -s "$T/prov64.json" "$T/prov64b.json"
mv "$img64/lock-arm64" "$T/lock-arm64.saved"
run_to - prov64
expect_rc 1 "provenance arm64: arm64 artifacts without lock-arm64 stop"
expect_err_has "has the arm64 variant's artifacts, but there is no $img64/lock-arm64" "provenance arm64: names the lock"
mv "$T/lock-arm64.saved" "$img64/lock-arm64"

# ---- measure verify --provenance ----------------------------------------
mv "$out/provenance.dsse.json" "$T/prov-ed.json"
printf '{"image": {"name": "pod", "version": "0.1.0"}}\n' >"$out/build-info.json"
run_to "$out/provenance.dsse.json" prov "$T/ed.pem"
run "$MEASURE" verify --provenance "$out/provenance.dsse.json" --key "$T/ed.pub"
expect_rc 0 "measure verify --provenance: the Ed25519-signed statement is accepted"
expect_out_has "signed by the ed25519 key $(jq -r '.signatures[0].keyid' "$out/provenance.dsse.json")" "measure verify --provenance: names the key"
expect_out_has "the $(ls "$out" | grep -vc '^provenance') subjects match the files of $out; it names pod 0.1.0" "measure verify --provenance: every subject, and the release"
run_to "$T/ec-prov.json" prov "$T/ec.pem"
run "$MEASURE" verify --provenance "$T/ec-prov.json" --key "$T/ec.pub" --artifacts "$out"
expect_rc 0 "measure verify --provenance: ECDSA P-256 (--artifacts names the folder)"
run "$MEASURE" verify --provenance "$out/provenance.dsse.json" --key "$T/other.pub"
expect_rc 3 "measure verify --provenance: another key: exit 3"
expect_err_has "no signature verifies with the ed25519 key" "measure verify --provenance: says no signature verifies"
run "$MEASURE" verify --provenance "$out/provenance.dsse.json" --key "$T/ec.pub"
expect_rc 3 "measure verify --provenance: a key of another type: exit 3"
# a flipped byte: in an artifact, in the statement, in the signature
cp "$out/root.img" "$T/root.img.orig"
printf '\001' | dd of="$out/root.img" bs=1 seek=3 conv=notrunc status=none
run "$MEASURE" verify --provenance "$out/provenance.dsse.json" --key "$T/ed.pub"
expect_rc 3 "measure verify --provenance: a flipped byte in an artifact: exit 3"
expect_err_has "$out/root.img: sha256 $(sha "$out/root.img"), the statement says $(sha "$T/root.img.orig"): the artifact was altered" "measure verify --provenance: names the artifact and both digests"
cp "$T/root.img.orig" "$out/root.img"
flip_payload() { # flip one byte of the decoded statement, re-encode it
	jq -r .payload "$1" | base64 -d >"$T/stmt"
	printf '%s' "$(tr 'p' 'q' <"$T/stmt" | head -c 200)$(tail -c +201 "$T/stmt")" | base64 -w0 >"$T/stmt.b64"
	jq --rawfile p "$T/stmt.b64" '.payload = $p' "$1"
}
flip_payload "$out/provenance.dsse.json" >"$T/bad-stmt.json"
run "$MEASURE" verify --provenance "$T/bad-stmt.json" --key "$T/ed.pub" --artifacts "$out"
expect_rc 3 "measure verify --provenance: an altered statement: exit 3"
expect_err_has "$T/bad-stmt.json: no signature verifies" "measure verify --provenance: names the envelope"
jq -r '.signatures[0].sig' "$out/provenance.dsse.json" | base64 -d >"$T/sig"
printf '\001' | dd of="$T/sig" bs=1 seek=10 conv=notrunc status=none
jq --arg s "$(base64 -w0 "$T/sig")" '.signatures[0].sig = $s' "$out/provenance.dsse.json" >"$T/bad-sig.json"
run "$MEASURE" verify --provenance "$T/bad-sig.json" --key "$T/ed.pub" --artifacts "$out"
expect_rc 3 "measure verify --provenance: a flipped byte in the signature: exit 3"
sed 's/"payload": "e/"payload": "f/' "$out/provenance.dsse.json" >"$T/bad-b64.json"
run "$MEASURE" verify --provenance "$T/bad-b64.json" --key "$T/ed.pub" --artifacts "$out"
expect_rc 3 "measure verify --provenance: a flipped character of the base64 payload: exit 3"
run "$MEASURE" verify --provenance "$T/unsigned.json" --key "$T/ed.pub" --artifacts "$out"
expect_rc 3 "measure verify --provenance: an unsigned envelope: exit 3"
expect_err_has "unsigned: the envelope carries no signature" "measure verify --provenance: says it is unsigned"
printf 'x\n' >"$out/extra.bin"
run "$MEASURE" verify --provenance "$out/provenance.dsse.json" --key "$T/ed.pub"
expect_rc 3 "measure verify --provenance: a file that is no subject: exit 3"
expect_err_has "$out/extra.bin: in the release but not a subject of the statement" "measure verify --provenance: names the file"
rm "$out/extra.bin"
printf '{"image": {"name": "pod", "version": "0.2.0"}}\n' >"$T/bi.json"
cp "$out/build-info.json" "$T/bi.orig"; cp "$T/bi.json" "$out/build-info.json"
run "$MEASURE" verify --provenance "$out/provenance.dsse.json" --key "$T/ed.pub"
expect_rc 3 "measure verify --provenance: another release's folder: exit 3"
cp "$T/bi.orig" "$out/build-info.json"
rm "$out/root.img"
run "$MEASURE" verify --provenance "$out/provenance.dsse.json" --key "$T/ed.pub"
expect_rc 1 "measure verify --provenance: a missing artifact: exit 1"
expect_err_has "root.img" "measure verify --provenance: names it"
cp "$T/root.img.orig" "$out/root.img"
run "$MEASURE" verify --provenance "$out/provenance.dsse.json"
expect_rc 2 "measure verify --provenance without --key: usage error"
run "$MEASURE" verify --key "$T/ed.pub"
expect_rc 2 "measure verify --key without --provenance: usage error"
run "$MEASURE" verify
expect_rc 2 "measure verify with neither REFVALUES nor --provenance: usage error"
run "$MEASURE" verify --provenance "$out/provenance.dsse.json" --key "$T/ed.pub" --json
expect_rc 2 "measure verify --provenance --json: usage error"

# ---- nix/ ---------------------------------------------------------------
if command -v nix-instantiate >/dev/null; then
	for f in "$src"/nix/*.nix "$src"/nix/tests/*.nix; do
		run nix-instantiate --parse "$f"
		expect_rc 0 "nix: ${f#"$src"/} parses"
	done
	run env NIX_CONFIG="build-users-group =" nix-instantiate --readonly-mode --eval --strict \
		-E "let d = import $src/nix/tests/host.nix {}; in [ d.name d.inputNames ]"
	expect_rc 0 "nix: default.nix evaluates against the host package set"
	expect_out_has '"podvm-0.1.0"' "nix: the derivation is podvm-0.1.0"
	expect_out_has '"meson" "ninja" "pkg-config" "scdoc" "openssl" "zlib" "libarchive" "cryptsetup" "dtc" "jansson"' "nix: with nixpkgs' names of the dependencies"
else
	ok "nix # SKIP nix-instantiate is not installed (apt-get install nix-bin)"
fi
finish
