#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# sbom.sh IMAGE_DIR OUT_DIR ROOTFS_TAR BIN_DIR - the SPDX 2.3 JSON SBOM of
# an image's artifact set on stdout (docs/supply-chain.md).
#
#   IMAGE_DIR   images/<name>: image.conf, lock
#   OUT_DIR     the artifacts (out/ being assembled): every regular file
#               but SHA256SUMS, sbom.spdx.json and provenance.* is listed
#   ROOTFS_TAR  the rootfs tarball: its dpkg status (versions, source
#               packages) and /usr/share/doc/*/copyright (licences)
#   BIN_DIR     igvmgen, measure, veritysetup (their --version)
#
# Each rootfs package carries its version, source package, the sha256 and
# archive path of its .deb (from the lock) and its licence as Debian
# declares it: the License fields of the Files paragraphs of a
# machine-readable (DEP-5) copyright file, mapped to SPDX identifiers where
# the Debian short name has one (else LicenseRef-Debian-*), NOASSERTION
# when the copyright file is not machine-readable.  Nothing in it depends
# on the time or place of the build: created is SOURCE_DATE_EPOCH, the
# namespace derives from the artifacts' sha256s.
set -euo pipefail
img=${1:?usage: sbom.sh IMAGE_DIR OUT_DIR ROOTFS_TAR BIN_DIR}
out=${2:?} tarball=${3:?} bin=${4:?}
die() { printf 'sbom.sh: %s\n' "$*" >&2; exit 1; }
export LC_ALL=C TZ=UTC
# shellcheck disable=SC1091
. "$img/image.conf"
lock=$img/lock
[ -f "$lock" ] || die "$lock: missing"
[ -f "$tarball" ] || die "$tarball: missing"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

tar -xf "$tarball" -C "$tmp" --wildcards ./var/lib/dpkg/status './usr/share/doc/*' 2>/dev/null ||
	tar -xf "$tarball" -C "$tmp" ./var/lib/dpkg/status || die "$tarball: no dpkg status"

# One line per installed package: name version arch source source-version.
awk '/^Package: /{p=$2} /^Version: /{v=$2} /^Architecture: /{a=$2}
     /^Source: /{s=$2; sv=($3 ~ /^\(/) ? substr($3, 2, length($3) - 2) : ""}
     /^Status: /{st=$4}
     /^$/{ if (p != "" && st == "installed") print p, v, a, (s ? s : p), (sv ? sv : v); p=v=a=s=sv=st="" }
     END{ if (p != "" && st == "installed") print p, v, a, (s ? s : p), (sv ? sv : v) }' \
	"$tmp/var/lib/dpkg/status" | sort >"$tmp/installed"

# licence FILE: "EXPRESSION<TAB>DEBIAN NAMES" of a copyright file.
licence() {
	awk '
	function spdx(t,   u, m) {
		# Debian short names (DEP-5 section 7) to SPDX identifiers
		u = toupper(t)
		if (match(u, /^(A|L)?GPL-[0-9.]+\+$/) || match(u, /^GFDL-[0-9.]+\+$/)) {
			sub(/\+$/, "", t); if (t !~ /\./) t = t ".0"; return t "-or-later" }
		if (match(u, /^(A|L)?GPL-[0-9.]+$/) || match(u, /^GFDL-[0-9.]+$/)) {
			if (t !~ /\./) t = t ".0"; return t "-only" }
		if (u ~ /^BSD-[0-4]-CLAUSE$/) return substr(t, 1, 6) "Clause"
		if (u == "EXPAT") return "MIT"
		m = "|APACHE-2.0|MIT|ISC|ZLIB|CC0-1.0|MPL-1.1|MPL-2.0|ARTISTIC-1.0|ARTISTIC-2.0|BSL-1.0|X11|OPENSSL|CURL|FSFAP|FSFUL|FSFULLR|PSF-2.0|LGPL-2.0-OR-LATER|0BSD|UNLICENSE|"
		if (index(m, "|" u "|")) {
			if (u == "ZLIB") return "Zlib"; if (u == "OPENSSL") return "OpenSSL"; if (u == "CURL") return "curl"
			if (u == "UNLICENSE") return "Unlicense"; if (u ~ /^ARTISTIC/) return "Artistic-" substr(t, 10)
			return u == "APACHE-2.0" ? "Apache-2.0" : u == "FSFULLR" ? "FSFULLR" : t }
		gsub(/[^A-Za-z0-9.-]/, "-", t)
		return "LicenseRef-Debian-" t
	}
	# a Debian "LICENCE with NAME exception" to an SPDX exception, by the
	# name and the licence it amends ("" when SPDX has none)
	function exc(t, base,   u) {
		u = toupper(t)
		if (u ~ /^GCC-EXCEPTION-3\.1$/ || (u == "GCC" && base ~ /^GPL-3/)) return "GCC-exception-3.1"
		if (u ~ /^AUTOCONF-EXCEPTION-3\.0$/ || (u == "AUTOCONF" && base ~ /^GPL-3/)) return "Autoconf-exception-3.0"
		if (u ~ /^AUTOCONF-EXCEPTION-2\.0$/ || (u == "AUTOCONF" && base ~ /^GPL-2/)) return "Autoconf-exception-2.0"
		if (u ~ /^BISON-EXCEPTION-2\.2$/ || u == "BISON") return "Bison-exception-2.2"
		if (u ~ /^CLASSPATH-EXCEPTION-2\.0$/ || u == "CLASSPATH") return "Classpath-exception-2.0"
		if (u == "LINUX-SYSCALL-NOTE") return "Linux-syscall-note"
		if (u ~ /^LIBTOOL(-EXCEPTION)?$/) return "Libtool-exception"
		return ""
	}
	# one group of a Debian License value: "A or B", "A and B", "A with X
	# exception"; two licences with no word between both apply (AND)
	function group(v,   n, i, w, out, last, e) {
		n = split(v, w, /[ \t]+/); out = ""; last = ""
		for (i = 1; i <= n; i++) {
			if (w[i] == "") continue
			x = tolower(w[i])
			if ((x == "or" || x == "and") && last == "term") { out = out " " toupper(x); last = "op"; continue }
			if (x == "with" && last == "term" && i < n) {
				e = exc(w[i + 1], last_spdx)
				if (e != "") out = out " WITH " e
				else { sub(/[^ ]*$/, "", out); out = out spdx(prev "-with-" w[i + 1]) }
				i++
				if (tolower(w[i + 1]) == "exception") i++
				continue
			}
			if (last == "term") out = out " AND"
			prev = w[i]
			last_spdx = spdx(w[i])
			out = out (out != "" ? " " : "") last_spdx; last = "term"
		}
		return out
	}
	# a whole value: groups separated by commas bind loosest ("A or B,
	# and C" is (A or B) and C in DEP-5)
	function expr(v,   n, g, i, out, t, op) {
		n = split(v, g, /,/); out = ""
		for (i = 1; i <= n; i++) {
			t = g[i]; sub(/^[ \t]+/, "", t); op = "AND"
			if (tolower(t) ~ /^(and|or)[ \t]/) { op = toupper(substr(t, 1, index(t, " ") - 1)); t = substr(t, index(t, " ") + 1) }
			t = group(t)
			if (t == "") continue
			if (n > 1 && t ~ / (AND|OR) /) t = "(" t ")"
			out = out (out != "" ? " " op " " : "") t
		}
		return out
	}
	NR == 1 && !/^Format: *https?:\/\/(www\.)?debian\.org\/doc\/packaging-manuals\/copyright-format\/1\.0/ { exit }
	NR == 1 { dep5 = 1 }
	/^[[:space:]]*$/ { files = 0; next }
	/^Files:/ { files = 1 }
	files && /^License:/ { v = $0; sub(/^License:[ \t]*/, "", v); sub(/[ \t]+$/, "", v)
		if (v != "" && !(v in seen)) { seen[v] = 1; raw[++nr] = v } }
	END {
		if (!dep5 || nr == 0) { print "NOASSERTION\t"; exit }
		n = 0
		for (i = 1; i <= nr; i++) { e = expr(raw[i]); if (e ~ / (AND|OR) /) e = "(" e ")"; if (!(e in have)) { have[e] = 1; t[++n] = e } }
		# sorted, so the expression does not depend on the order of the paragraphs
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (t[j] < t[i]) { x = t[i]; t[i] = t[j]; t[j] = x }
		s = t[1]; for (i = 2; i <= n; i++) s = s " AND " t[i]
		r = raw[1]; for (i = 2; i <= nr; i++) r = r "; " raw[i]
		print s "\t" r
	}' "$1"
}

# The rootfs packages as tab-separated rows for jq.
while read -r p v a src srcv; do
	read -r sha path < <(awk -v p="$p" -v v="$v" '$1 == "rootfs" && $2 == p && $3 == v { print $5, $6; exit }' "$lock") ||
		die "$p $v: installed in the rootfs but not in $lock"
	c=$tmp/usr/share/doc/$p/copyright
	if [ -f "$c" ]; then
		lic=$(licence "$c")
	else
		lic=$(printf 'NOASSERTION\t')
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$p" "$v" "$a" "$src" "$srcv" "$sha" "$path" "$lic"
done <"$tmp/installed" >"$tmp/rows"

# The artifacts: every regular file of OUT_DIR but the release's own
# indexes of them.
(cd "$out" && for f in $(ls | sort); do
	case "$f" in SHA256SUMS | sbom.spdx.json | provenance.*) continue ;; esac
	[ -f "$f" ] || continue
	printf '%s\t%s\t%s\n' "$f" "$(sha256sum "$f" | cut -d' ' -f1)" "$(sha1sum "$f" | cut -d' ' -f1)"
done) >"$tmp/artifacts"
[ -s "$tmp/artifacts" ] || die "$out: no artifacts"
awk '$1 == "kernel" || $1 == "tool" || $1 == "firmware" || $1 == "tdx-qemu" { print $1 "\t" $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6 }' "$lock" >"$tmp/host"
ns=$(cut -f1,2 "$tmp/artifacts" | sha256sum | cut -d' ' -f1)
kcfg=$(sha256sum "$out/kernel.config" 2>/dev/null | cut -d' ' -f1 || echo none)
tool_version() { "$bin/$1" --version 2>/dev/null | sed -n 1p | awk '{ print $NF }'; }

jq -n --rawfile rows "$tmp/rows" --rawfile arts "$tmp/artifacts" --rawfile host "$tmp/host" \
	--arg name "$IMAGE_NAME" --arg version "$IMAGE_VERSION" --arg mirror "$MIRROR" \
	--arg suite "$SUITE" --arg ns "$ns" --arg kcfg "$kcfg" \
	--arg created "$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)" \
	--arg igvmgen "$(tool_version igvmgen)" --arg measure "$(tool_version measure)" \
	--arg veritysetup "$(tool_version veritysetup)" '
def rows($s): $s | split("\n") | map(select(length > 0) | split("\t"));
def sid($kind; $n): "SPDXRef-\($kind)-" + ($n | gsub("[^A-Za-z0-9.-]"; "-"));
# purl (package-url.org): the version percent-encoded
def purl($p; $v; $a): "pkg:deb/debian/\($p)@\($v | @uri)?arch=\($a)&distro=debian-12";
# the QEMU of the TDX ACPI dump comes from trixie (docs/tdx.md section 11)
def purl13($p; $v; $a): "pkg:deb/debian/\($p)@\($v | @uri)?arch=\($a)&distro=debian-13";
def rel($a; $t; $b): {spdxElementId: $a, relationshipType: $t, relatedSpdxElement: $b};
# a host entry of the lock: tools by name, source files by file name (a
# source package has several), binary packages by name
def hid: if .[0] == "tool" then sid("Tool"; .[1])
	elif .[0] == "tdx-qemu" then sid("TdxQemu"; .[1])
	elif .[3] == "source" then sid("Source"; .[5] | split("/") | last)
	else sid("Source"; .[1]) end;
(rows($rows)) as $debs | (rows($arts)) as $arts | (rows($host)) as $host |
($arts | map(.[0])) as $names |
def art($f): sid("File"; $f);
def has($f): $names | index($f) != null;
# the rootfs packages
($debs | map({
	SPDXID: sid("Deb"; .[0] + "-" + .[2]), name: .[0], versionInfo: .[1],
	supplier: "Organization: Debian", downloadLocation: "\($mirror)/\(.[6])",
	packageFileName: (.[6] | split("/") | last),
	filesAnalyzed: false, primaryPackagePurpose: "INSTALL",
	checksums: [{algorithm: "SHA256", checksumValue: .[5]}],
	sourceInfo: "built from the Debian source package \(.[3]) \(.[4]) (\($suite))",
	licenseConcluded: "NOASSERTION", licenseDeclared: .[7],
	licenseComments: (if .[8] == "" then "/usr/share/doc/\(.[0])/copyright is not machine-readable (DEP-5) or absent"
		else "Debian declares (License fields of /usr/share/doc/\(.[0])/copyright): \(.[8])" end),
	copyrightText: "NOASSERTION",
	externalRefs: [{referenceCategory: "PACKAGE-MANAGER", referenceType: "purl",
		referenceLocator: purl(.[0]; .[1]; .[2])}]
})) as $debpkgs |
# the kernel source, the firmware sources and the build tools, as installed
($host | map({
	SPDXID: hid, name: .[1], versionInfo: .[2],
	supplier: "Organization: Debian",
	downloadLocation: (if .[5] == "-" then "NOASSERTION" else "\($mirror)/\(.[5])" end),
	packageFileName: (if .[5] == "-" then null else (.[5] | split("/") | last) end),
	filesAnalyzed: false,
	primaryPackagePurpose: (if .[0] == "tool" or (.[0] == "tdx-qemu" and .[1] == "qemu-system-x86") then "APPLICATION"
		elif .[0] == "tdx-qemu" then "LIBRARY"
		elif .[0] == "firmware" and .[3] != "source" then "FIRMWARE" else "SOURCE" end),
	checksums: (if .[4] == "-" then [] else [{algorithm: "SHA256", checksumValue: .[4]}] end),
	licenseConcluded: "NOASSERTION", licenseDeclared: "NOASSERTION", copyrightText: "NOASSERTION",
	externalRefs: [{referenceCategory: "PACKAGE-MANAGER", referenceType: "purl",
		referenceLocator: (if .[0] == "tdx-qemu" then purl13(.[1]; .[2]; .[3]) else purl(.[1]; .[2]; .[3]) end)}]
} | if .checksums == [] then del(.checksums) else . end
  | if .packageFileName == null then del(.packageFileName) else . end)) as $hostpkgs |
($host | map(select(.[0] == "kernel"))[0]) as $ksrc |
[
	{SPDXID: "SPDXRef-Image", name: $name, versionInfo: $version, supplier: "Organization: podvm",
	 downloadLocation: "NOASSERTION", filesAnalyzed: false, primaryPackagePurpose: "OPERATING_SYSTEM",
	 licenseConcluded: "NOASSERTION", licenseDeclared: "NOASSERTION", copyrightText: "NOASSERTION",
	 comment: "the pod-VM image \($name) \($version): the artifacts of its release"},
	{SPDXID: "SPDXRef-Kernel", name: "linux", versionInfo: ($ksrc[2] // "NOASSERTION"),
	 supplier: "Organization: podvm", downloadLocation: "NOASSERTION", filesAnalyzed: false,
	 primaryPackagePurpose: "OPERATING_SYSTEM", packageFileName: "bzImage",
	 checksums: [$arts[] | select(.[0] == "bzImage") | {algorithm: "SHA256", checksumValue: .[1]}],
	 licenseConcluded: "NOASSERTION", licenseDeclared: "GPL-2.0-only WITH Linux-syscall-note",
	 copyrightText: "NOASSERTION",
	 sourceInfo: "built from \($ksrc[1] // "?") \($ksrc[2] // "?") with kernel.config (sha256 \($kcfg))",
	 comment: "kernel.config sha256 \($kcfg)"},
	{SPDXID: "SPDXRef-podvm", name: "podvm", versionInfo: ($measure | sub("^v"; "")),
	 supplier: "Organization: podvm", downloadLocation: "NOASSERTION", filesAnalyzed: false,
	 primaryPackagePurpose: "APPLICATION", licenseConcluded: "NOASSERTION", licenseDeclared: "Apache-2.0",
	 copyrightText: "NOASSERTION",
	 comment: "igvmgen \($igvmgen), measure \($measure), veritysetup \($veritysetup)"}
] + $debpkgs + $hostpkgs | . as $packages |
($arts | map({SPDXID: art(.[0]), fileName: "./\(.[0])",
	checksums: [{algorithm: "SHA1", checksumValue: .[2]}, {algorithm: "SHA256", checksumValue: .[1]}],
	licenseConcluded: "NOASSERTION", copyrightText: "NOASSERTION"})) as $files |
def tool($t; $f): if has($f) and ($packages | map(.SPDXID) | index(sid("Tool"; $t))) then [rel(sid("Tool"; $t); "BUILD_TOOL_OF"; art($f))] else [] end;
{
	spdxVersion: "SPDX-2.3",
	dataLicense: "CC0-1.0",
	SPDXID: "SPDXRef-DOCUMENT",
	name: "podvm-\($name)-\($version)",
	documentNamespace: "https://spdx.podvm.invalid/\($name)/\($version)/\($ns)",
	creationInfo: {created: $created, creators: ["Tool: podvm-sbom.sh-\($measure | sub("^v"; ""))"],
		comment: "created is the image SOURCE_DATE_EPOCH; the namespace ends with the sha256 of the artifact list"},
	documentDescribes: ["SPDXRef-Image"],
	packages: $packages,
	files: $files,
	hasExtractedLicensingInfos: ([$debs[] | .[7] | scan("LicenseRef-[A-Za-z0-9.-]+")] | unique |
		map({licenseId: ., name: sub("^LicenseRef-Debian-"; ""),
		     extractedText: "The licence named \(sub("^LicenseRef-Debian-"; "")) in a Debian machine-readable copyright file (/usr/share/doc/PACKAGE/copyright in the image): its text is there."})),
	relationships: (
		[rel("SPDXRef-DOCUMENT"; "DESCRIBES"; "SPDXRef-Image")]
		+ [$names[] | rel("SPDXRef-Image"; "CONTAINS"; art(.))]
		+ (if has("root.img") then [$debpkgs[] | rel(art("root.img"); "CONTAINS"; .SPDXID)] else [] end)
		+ [("root.img", "root-verity.img") | select(has(.) and has("disk.img")) | rel(art("disk.img"); "CONTAINS"; art(.))]
		+ (if has("root-verity.img") and has("root.img") then [rel(art("root-verity.img"); "GENERATED_FROM"; art("root.img"))] else [] end)
		+ (if has("bzImage") then [rel(art("bzImage"); "CONTAINS"; "SPDXRef-Kernel")] else [] end)
		+ (if $ksrc then [rel("SPDXRef-Kernel"; "GENERATED_FROM"; sid("Source"; $ksrc[1]))] else [] end)
		+ (if has("kernel.config") then [rel("SPDXRef-Kernel"; "GENERATED_FROM"; art("kernel.config"))] else [] end)
		+ [$names[] | select(endswith(".igvm")) as $i
			| (("bzImage", "cmdline") | select(has(.)) | rel(art($i); "GENERATED_FROM"; art(.)))]
		+ (if has("OVMF-SNP.fd") then [$host[] | select(.[0] == "firmware" and .[3] == "source") | rel(art("OVMF-SNP.fd"); "GENERATED_FROM"; hid)] else [] end)
		+ (if has("OVMF-TDX.fd") then [$host[] | select(.[0] == "firmware" and .[3] != "source") | rel(art("OVMF-TDX.fd"); "GENERATED_FROM"; hid)] else [] end)
		+ [$host[] | select(.[0] == "tool") | .[1] as $t
			| if ($t | test("^(gcc|cpp|binutils|make|bc|bison|flex|cpio|xz-utils|libc6-dev)")) then rel(sid("Tool"; $t); "BUILD_TOOL_OF"; "SPDXRef-Kernel")
			  elif ($t | test("^(mmdebstrap|erofs-utils|liblz4|tar)")) and has("root.img") then rel(sid("Tool"; $t); "BUILD_TOOL_OF"; art("root.img"))
			  elif $t == "gdisk" and has("disk.img") then rel(sid("Tool"; $t); "BUILD_TOOL_OF"; art("disk.img"))
			  elif ($t | test("^(nasm|acpica-tools|uuid-dev)$")) and has("OVMF-SNP.fd") then rel(sid("Tool"; $t); "BUILD_TOOL_OF"; art("OVMF-SNP.fd"))
			  else empty end]
		+ (if any($host[]; .[0] == "tdx-qemu" and .[1] == "qemu-system-x86") then
			[$names[] | select(startswith("tdx-acpi-")) | rel(sid("TdxQemu"; "qemu-system-x86"); "BUILD_TOOL_OF"; art(.))]
			+ [$host[] | select(.[0] == "tdx-qemu" and .[1] != "qemu-system-x86") | rel(hid; "DEPENDENCY_OF"; sid("TdxQemu"; "qemu-system-x86"))]
		  else [] end)
		+ [("root-verity.img", "disk.img", "cmdline", "verity.json", "artifacts.json", "refvalues.json", ($names[] | select(endswith(".igvm"))))
			| select(has(.)) | rel("SPDXRef-podvm"; "BUILD_TOOL_OF"; art(.))]
	)
}'
