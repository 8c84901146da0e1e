#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# sbom.sh IMAGE_DIR OUT_DIR ROOTFS_TAR BIN_DIR [ROOTFS_ARM64_TAR] - the
# SPDX 2.3 JSON SBOM of an image's artifact set on stdout
# (docs/supply-chain.md).
#
#   IMAGE_DIR   images/<name>: image.conf, lock, and lock-arm64 when the
#               release has the arm64 variant's artifacts
#   OUT_DIR     the artifacts (out/ being assembled): every regular file
#               but SHA256SUMS, sbom.spdx.json and provenance.* is listed
#   ROOTFS_TAR  the rootfs tarball: its dpkg status (versions, source
#               packages) and /usr/share/doc/*/copyright (licences)
#   BIN_DIR     igvmgen, measure, veritysetup (their --version)
#   ROOTFS_ARM64_TAR
#               the arm64 rootfs tarball, the same for root-arm64.img's
#               packages: required when OUT_DIR has root-arm64.img
#
# The arm64 variant is listed when OUT_DIR has its artifacts (Image,
# root-arm64.img, ...): its rootfs packages, its kernel and the kernel
# source that kernel-config/PINNED-arm64 pins, the cross toolchain and the
# rest of lock-arm64.  A package or tool both locks hold at one version is
# one SPDX package, related to the artifacts of both.
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
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
img=${1:?usage: sbom.sh IMAGE_DIR OUT_DIR ROOTFS_TAR BIN_DIR [ROOTFS_ARM64_TAR]}
out=${2:?} tarball=${3:?} bin=${4:?} tarball64=${5:-}
die() { printf 'sbom.sh: %s\n' "$*" >&2; exit 1; }
export LC_ALL=C TZ=UTC
# shellcheck disable=SC1091
. "$img/image.conf"
lock=$img/lock lock64=$img/lock-arm64
[ -f "$lock" ] || die "$lock: missing"
[ -f "$tarball" ] || die "$tarball: missing"
# The pins that say which suite a host entry of the locks comes from (its
# purl's distro); the same files, and overrides, as images/lock.sh's.
K64_PINNED=${PODVM_KERNEL_PINNED_ARM64:-$here/../kernel-config/PINNED-arm64}
FIRMWARE_PINNED=${PODVM_FIRMWARE_PINNED:-$here/../firmware/PINNED}
TDX_PINNED=${PODVM_TDX_PINNED:-$here/../firmware/PINNED-TDX}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The arm64 variant: listed when the release has its artifacts.
arm64=false
for f in Image kernel-arm64.config disk-arm64.img root-arm64.img root-verity-arm64.img; do
	[ ! -f "$out/$f" ] || arm64=true
done
if $arm64; then
	[ -f "$lock64" ] || die "$out has the arm64 variant's artifacts, but there is no $lock64"
	if [ -f "$out/root-arm64.img" ]; then
		[ -n "$tarball64" ] || die "$out/root-arm64.img: its packages need the arm64 rootfs tarball (ROOTFS_ARM64_TAR)"
		[ -f "$tarball64" ] || die "$tarball64: missing"
	fi
fi

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


# debrows TARBALL LOCK MANIFEST ROOT: the packages installed in the rootfs
# of TARBALL as tab-separated rows for jq (name, version, arch, source,
# source version, .deb sha256 and pool path from LOCK, licence expression,
# Debian's licence names, ROOT: the artifact that holds them).  When the
# release has the rootfs's manifest (packages.manifest), the tarball's
# installed set must be it: another tarball would describe another image.
debrows() {
	local tarball=$1 lock=$2 manifest=$3 root=$4 dir
	dir=$tmp/root-$root
	mkdir -p "$dir"
	tar -xf "$tarball" -C "$dir" --wildcards ./var/lib/dpkg/status './usr/share/doc/*' 2>/dev/null ||
		tar -xf "$tarball" -C "$dir" ./var/lib/dpkg/status || die "$tarball: no dpkg status"
	# One line per installed package: name version arch source source-version.
	awk '/^Package: /{p=$2} /^Version: /{v=$2} /^Architecture: /{a=$2}
	     /^Source: /{s=$2; sv=($3 ~ /^\(/) ? substr($3, 2, length($3) - 2) : ""}
	     /^Status: /{st=$4}
	     /^$/{ if (p != "" && st == "installed") print p, v, a, (s ? s : p), (sv ? sv : v); p=v=a=s=sv=st="" }
	     END{ if (p != "" && st == "installed") print p, v, a, (s ? s : p), (sv ? sv : v) }' \
		"$dir/var/lib/dpkg/status" | sort >"$dir.installed"
	if [ -f "$manifest" ] &&
		! cmp -s <(cut -d' ' -f1-3 "$dir.installed") <(sort "$manifest"); then
		die "$tarball: its installed packages are not those of $manifest (the rootfs of another build?): $(diff <(cut -d' ' -f1-3 "$dir.installed") <(sort "$manifest") | grep '^[<>]' | head -3 | tr '\n' ' ')"
	fi
	local p v a src srcv sha path c lic
	while read -r p v a src srcv; do
		read -r sha path < <(awk -v p="$p" -v v="$v" '$1 == "rootfs" && $2 == p && $3 == v { print $5, $6; exit }' "$lock") ||
			die "$p $v: installed in the rootfs but not in $lock"
		c=$dir/usr/share/doc/$p/copyright
		if [ -f "$c" ]; then
			lic=$(licence "$c")
		else
			lic=$(printf 'NOASSERTION\t')
		fi
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$p" "$v" "$a" "$src" "$srcv" "$sha" "$path" "$lic" "$root"
	done <"$dir.installed"
}
debrows "$tarball" "$lock" "$out/packages.manifest" root.img >"$tmp/rows"
if $arm64 && [ -f "$out/root-arm64.img" ]; then
	debrows "$tarball64" "$lock64" "$out/packages-arm64.manifest" root-arm64.img >>"$tmp/rows"
fi

# The artifacts: every regular file of OUT_DIR but the release's own
# indexes of them.
(cd "$out" && for f in $(ls | sort); do
	case "$f" in SHA256SUMS | sbom.spdx.json | provenance.*) continue ;; esac
	[ -f "$f" ] || continue
	printf '%s\t%s\t%s\n' "$f" "$(sha256sum "$f" | cut -d' ' -f1)" "$(sha1sum "$f" | cut -d' ' -f1)"
done) >"$tmp/artifacts"
[ -s "$tmp/artifacts" ] || die "$out: no artifacts"

# The host entries of the locks (kernel source, build tools, firmware, the
# TDX dump's QEMU), each with the lock it is in and the suite it comes
# from: the image's, but for what a pin takes from another suite (the
# arm64 kernel source, the firmware) and the TDX dump's QEMU (trixie and
# its backports: firmware/PINNED-TDX-QEMU, docs/tdx.md section 11).
pin() { [ ! -f "$1" ] || (. "$1"; printf '%s %s' "${package:-}" "${suite:-}"); }
hostrows() {
	awk -v tag="$2" -v suite="$SUITE" -v k64="$(pin "$K64_PINNED")" -v fw="$(pin "$FIRMWARE_PINNED")" -v tdx="$(pin "$TDX_PINNED")" '
	BEGIN { split(k64, K); split(fw, F); split(tdx, X) }
	$1 == "kernel" || $1 == "tool" || $1 == "firmware" || $1 == "tdx-qemu" {
		s = suite
		if ($1 == "kernel" && $2 == K[1] && K[2] != "") s = K[2]
		if ($1 == "firmware" && $4 == "source" && $2 == F[1] && F[2] != "") s = F[2]
		if ($1 == "firmware" && $4 != "source" && $2 == X[1] && X[2] != "") s = X[2]
		if ($1 == "tdx-qemu") s = "trixie"
		print $1 "\t" $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6 "\t" tag "\t" s
	}' "$1"
}
hostrows "$lock" x86 >"$tmp/host"
if $arm64; then
	hostrows "$lock64" arm64 >>"$tmp/host"
fi
ns=$(cut -f1,2 "$tmp/artifacts" | sha256sum | cut -d' ' -f1)
ksha() { sha256sum "$out/$1" 2>/dev/null | cut -d' ' -f1 || echo none; }
# the arm64 kernel's source tarball, inside the pinned .deb
k64tar= k64tarsha=
if $arm64 && [ -f "$K64_PINNED" ]; then
	k64tar=$(. "$K64_PINNED"; printf '%s' "${tarball##*/}")
	k64tarsha=$(. "$K64_PINNED"; printf '%s' "$tarball_sha256")
fi
tool_version() { "$bin/$1" --version 2>/dev/null | sed -n 1p | awk '{ print $NF }'; }

jq -n --rawfile rows "$tmp/rows" --rawfile arts "$tmp/artifacts" --rawfile host "$tmp/host" \
	--arg name "$IMAGE_NAME" --arg version "$IMAGE_VERSION" --arg mirror "$MIRROR" \
	--arg suite "$SUITE" --arg ns "$ns" --arg kcfg "$(ksha kernel.config)" \
	--arg kcfg64 "$(ksha kernel-arm64.config)" --arg k64tar "$k64tar" --arg k64tarsha "$k64tarsha" \
	--argjson arm64 "$arm64" \
	--arg created "$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)" \
	--arg igvmgen "$(tool_version igvmgen)" --arg measure "$(tool_version measure)" \
	--arg veritysetup "$(tool_version veritysetup)" '
def rows($s): $s | split("\n") | map(select(length > 0) | split("\t"));
def sid($kind; $n): "SPDXRef-\($kind)-" + ($n | gsub("[^A-Za-z0-9.-]"; "-"));
# the purl distro of a Debian suite (its backports, security and updates
# suites are the same release)
def distro($s): ($s | sub("-(backports|security|updates|proposed-updates)$"; "")) as $c
	| {buster: "debian-10", bullseye: "debian-11", bookworm: "debian-12", trixie: "debian-13", forky: "debian-14"}[$c] // $c;
# purl (package-url.org): the version percent-encoded
def purl($p; $v; $a; $s): "pkg:deb/debian/\($p)@\($v | @uri)?arch=\($a)&distro=\(distro($s))";
def rel($a; $t; $b): {spdxElementId: $a, relationshipType: $t, relatedSpdxElement: $b};
# one SPDXID per distinct entry: NAME, or NAME-VERSION where two versions of
# one name would share it (two locks that differ)
# merge(KEY; F; NAME): the rows of one KEY as one, in the order of their
# first row, with the values of F in .[NAME] (and the sha256s in .shas)
def merge(key; f; $name):
	reduce .[] as $r ([];
		(map(key) | index([$r | key])) as $i
		| if $i == null then . + [$r + {($name): [$r | f], shas: [$r.sha]}]
		  else .[$i][$name] += [$r | f] | .[$i].shas += [$r.sha] end)
	| map(del(.root, .tag));
# (.kind, .nm: SPDXRef-KIND-NM)
def ids: (group_by([.kind, .nm]) | map(select(map(.v) | unique | length > 1) | .[0] | [.kind, .nm])) as $two
	| map([.kind, .nm] as $k | . + {id: sid(.kind; .nm + (if ($two | index([$k])) != null then "-" + .v else "" end))});
(rows($arts)) as $arts |
($arts | map(.[0])) as $names |
def art($f): sid("File"; $f);
def has($f): $names | index($f) != null;
# the rootfs packages: one per .deb, in the rootfs of each artifact
# that holds it (ROOT)
(rows($rows) | map({p: .[0], v: .[1], a: .[2], src: .[3], srcv: .[4], sha: .[5], path: .[6], lic: .[7], raw: .[8], root: .[9]})
	| merge([.p, .a, .v]; .root; "roots")
	| map(if (.shas | unique | length) > 1 then error("\(.p) \(.v) \(.a): the locks give its .deb two sha256s") else del(.shas) end)
	| map(. + {kind: "Deb", nm: "\(.p)-\(.a)"}) | ids) as $debs |
# the host entries: one per distinct lock line, in the locks (tags) that
# have it; tools by name, source files by file name (a source package has
# several), binary packages by name
(rows($host) | map({k: .[0], n: .[1], v: .[2], a: .[3], sha: .[4], path: .[5], tag: .[6], suite: .[7]})
	| merge([.k, .n, .v, .a, .sha, .path]; .tag; "tags")
	| map(del(.shas))
	| map(. + (if .k == "tool" then {kind: "Tool", nm: .n}
		elif .k == "tdx-qemu" then {kind: "TdxQemu", nm: .n}
		elif .a == "source" then {kind: "Source", nm: (.path | split("/") | last)}
		else {kind: "Source", nm: .n} end))
	| ids) as $host |
def hosts($k; $tag): $host[] | select(.k == $k and (.tags | index($tag)));
($debs | map({
	SPDXID: .id, name: .p, versionInfo: .v,
	supplier: "Organization: Debian", downloadLocation: "\($mirror)/\(.path)",
	packageFileName: (.path | split("/") | last),
	filesAnalyzed: false, primaryPackagePurpose: "INSTALL",
	checksums: [{algorithm: "SHA256", checksumValue: .sha}],
	sourceInfo: "built from the Debian source package \(.src) \(.srcv) (\($suite))",
	licenseConcluded: "NOASSERTION", licenseDeclared: .lic,
	licenseComments: (if .raw == "" then "/usr/share/doc/\(.p)/copyright is not machine-readable (DEP-5) or absent"
		else "Debian declares (License fields of /usr/share/doc/\(.p)/copyright): \(.raw)" end),
	copyrightText: "NOASSERTION",
	externalRefs: [{referenceCategory: "PACKAGE-MANAGER", referenceType: "purl",
		referenceLocator: purl(.p; .v; .a; $suite)}]
})) as $debpkgs |
# the kernel sources, the firmware sources and the build tools, as locked
($host | map({
	SPDXID: .id, name: .n, versionInfo: .v,
	supplier: "Organization: Debian",
	downloadLocation: (if .path == "-" then "NOASSERTION" else "\($mirror)/\(.path)" end),
	packageFileName: (if .path == "-" then null else (.path | split("/") | last) end),
	filesAnalyzed: false,
	primaryPackagePurpose: (if .k == "tool" or (.k == "tdx-qemu" and .n == "qemu-system-x86") then "APPLICATION"
		elif .k == "tdx-qemu" then "LIBRARY"
		elif .k == "firmware" and .a != "source" then "FIRMWARE" else "SOURCE" end),
	checksums: (if .sha == "-" then [] else [{algorithm: "SHA256", checksumValue: .sha}] end),
	licenseConcluded: "NOASSERTION", licenseDeclared: "NOASSERTION", copyrightText: "NOASSERTION",
	externalRefs: [{referenceCategory: "PACKAGE-MANAGER", referenceType: "purl",
		referenceLocator: purl(.n; .v; .a; .suite)}]
} | if .checksums == [] then del(.checksums) else . end
  | if .packageFileName == null then del(.packageFileName) else . end)) as $hostpkgs |
([hosts("kernel"; "x86")][0]) as $ksrc |
([hosts("kernel"; "arm64")][0]) as $ksrc64 |
# the two variants of the image: the x86 one, and the arm64 one when the
# release has its artifacts
([{tag: "x86", kernel: "SPDXRef-Kernel", image: "bzImage", config: "kernel.config",
   root: "root.img", verity: "root-verity.img", disk: "disk.img", src: $ksrc}]
 + (if $arm64 then [{tag: "arm64", kernel: "SPDXRef-Kernel-arm64", image: "Image", config: "kernel-arm64.config",
   root: "root-arm64.img", verity: "root-verity-arm64.img", disk: "disk-arm64.img", src: $ksrc64}] else [] end)) as $variants |
[
	{SPDXID: "SPDXRef-Image", name: $name, versionInfo: $version, supplier: "Organization: podvm",
	 downloadLocation: "NOASSERTION", filesAnalyzed: false, primaryPackagePurpose: "OPERATING_SYSTEM",
	 licenseConcluded: "NOASSERTION", licenseDeclared: "NOASSERTION", copyrightText: "NOASSERTION",
	 comment: "the pod-VM image \($name) \($version): the artifacts of its release"},
	{SPDXID: "SPDXRef-Kernel", name: "linux", versionInfo: ($ksrc.v // "NOASSERTION"),
	 supplier: "Organization: podvm", downloadLocation: "NOASSERTION", filesAnalyzed: false,
	 primaryPackagePurpose: "OPERATING_SYSTEM", packageFileName: "bzImage",
	 checksums: [$arts[] | select(.[0] == "bzImage") | {algorithm: "SHA256", checksumValue: .[1]}],
	 licenseConcluded: "NOASSERTION", licenseDeclared: "GPL-2.0-only WITH Linux-syscall-note",
	 copyrightText: "NOASSERTION",
	 sourceInfo: "built from \($ksrc.n // "?") \($ksrc.v // "?") with kernel.config (sha256 \($kcfg))",
	 comment: "kernel.config sha256 \($kcfg)"}
] + (if $arm64 then [
	{SPDXID: "SPDXRef-Kernel-arm64", name: "linux", versionInfo: ($ksrc64.v // "NOASSERTION"),
	 supplier: "Organization: podvm", downloadLocation: "NOASSERTION", filesAnalyzed: false,
	 primaryPackagePurpose: "OPERATING_SYSTEM", packageFileName: "Image",
	 checksums: [$arts[] | select(.[0] == "Image") | {algorithm: "SHA256", checksumValue: .[1]}],
	 licenseConcluded: "NOASSERTION", licenseDeclared: "GPL-2.0-only WITH Linux-syscall-note",
	 copyrightText: "NOASSERTION",
	 sourceInfo: "built for arm64 from \($ksrc64.n // "?") \($ksrc64.v // "?") (\($ksrc64.suite // "?"); \($k64tar) sha256 \($k64tarsha)) with kernel-arm64.config (sha256 \($kcfg64))",
	 comment: "kernel-arm64.config sha256 \($kcfg64)"}] else [] end) + [
	{SPDXID: "SPDXRef-podvm", name: "podvm", versionInfo: ($measure | sub("^v"; "")),
	 supplier: "Organization: podvm", downloadLocation: "NOASSERTION", filesAnalyzed: false,
	 primaryPackagePurpose: "APPLICATION", licenseConcluded: "NOASSERTION", licenseDeclared: "Apache-2.0",
	 copyrightText: "NOASSERTION",
	 comment: "igvmgen \($igvmgen), measure \($measure), veritysetup \($veritysetup)"}
] + $debpkgs + $hostpkgs | . as $packages |
($arts | map({SPDXID: art(.[0]), fileName: "./\(.[0])",
	checksums: [{algorithm: "SHA1", checksumValue: .[2]}, {algorithm: "SHA256", checksumValue: .[1]}],
	licenseConcluded: "NOASSERTION", copyrightText: "NOASSERTION"})) as $files |
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
	hasExtractedLicensingInfos: ([$debs[] | .lic | scan("LicenseRef-[A-Za-z0-9.-]+")] | unique |
		map({licenseId: ., name: sub("^LicenseRef-Debian-"; ""),
		     extractedText: "The licence named \(sub("^LicenseRef-Debian-"; "")) in a Debian machine-readable copyright file (/usr/share/doc/PACKAGE/copyright in the image): its text is there."})),
	relationships: (
		[rel("SPDXRef-DOCUMENT"; "DESCRIBES"; "SPDXRef-Image")]
		+ [$names[] | rel("SPDXRef-Image"; "CONTAINS"; art(.))]
		# each variant: the erofs holds the packages, the disk the erofs and
		# its verity tree, the kernel file the kernel, made from its source
		# and config
		+ [$variants[] as $x |
			(if has($x.root) then ($debs[] | select(.roots | index($x.root)) | rel(art($x.root); "CONTAINS"; .id)) else empty end),
			($x.root, $x.verity | select(has(.) and has($x.disk)) | rel(art($x.disk); "CONTAINS"; art(.))),
			(if has($x.verity) and has($x.root) then rel(art($x.verity); "GENERATED_FROM"; art($x.root)) else empty end),
			(if has($x.image) then rel(art($x.image); "CONTAINS"; $x.kernel) else empty end),
			(if $x.src then rel($x.kernel; "GENERATED_FROM"; $x.src.id) else empty end),
			(if has($x.config) then rel($x.kernel; "GENERATED_FROM"; art($x.config)) else empty end)]
		+ [$names[] | select(endswith(".igvm")) as $i
			| (("bzImage", "cmdline") | select(has(.)) | rel(art($i); "GENERATED_FROM"; art(.)))]
		# the firmware built from the edk2 source (OVMF-SNP.fd; KVMTOOL_EFI.fd,
		# the arm64 one, from the same source), the prebuilt TDX one
		+ [("OVMF-SNP.fd", "KVMTOOL_EFI.fd") as $f | select(has($f))
			| $host[] | select(.k == "firmware" and .a == "source") | rel(art($f); "GENERATED_FROM"; .id)]
		+ (if has("OVMF-TDX.fd") then [$host[] | select(.k == "firmware" and .a != "source") | rel(art("OVMF-TDX.fd"); "GENERATED_FROM"; .id)] else [] end)
		# the tools of each lock, for what that lock builds
		+ [$host[] | select(.k == "tool") as $t | $variants[] | select(.tag as $g | $t.tags | index($g)) as $x
			| if ($t.n | test("^(gcc|cpp|binutils|make|bc|bison|flex|cpio|xz-utils|libc6-dev|libelf-dev)")) then rel($t.id; "BUILD_TOOL_OF"; $x.kernel)
			  elif ($t.n | test("^(mmdebstrap|erofs-utils|liblz4|tar|qemu-user-static)")) and has($x.root) then rel($t.id; "BUILD_TOOL_OF"; art($x.root))
			  elif $t.n == "gdisk" and has($x.disk) then rel($t.id; "BUILD_TOOL_OF"; art($x.disk))
			  else empty end]
		# the edk2 firmware: both build edk2 BaseTools with the host C
		# toolchain (gcc-12, binutils, libc6-dev, make; libuuid of
		# uuid-dev) and compile ACPI tables with iasl (acpica-tools);
		# OVMF-SNP.fd is compiled with the host toolchain and nasm,
		# KVMTOOL_EFI.fd (AArch64) with the cross compiler and binutils of
		# lock-arm64 (firmware/build-firmware.sh,
		# firmware/build-kvmtool-firmware.sh)
		+ [("OVMF-SNP.fd", "KVMTOOL_EFI.fd") as $f | select(has($f))
			| $host[] | select(.k == "tool" and ((.n | test("^(gcc-12|cpp-12|binutils|binutils-x86-64-linux-gnu|libc6-dev|make|acpica-tools|uuid-dev)$"))
				or ($f == "OVMF-SNP.fd" and .n == "nasm")
				or ($f == "KVMTOOL_EFI.fd" and (.n | test("-aarch64-linux-gnu$")))))
			| rel(.id; "BUILD_TOOL_OF"; art($f))]
		+ ([$host[] | select(.k == "tdx-qemu" and .n == "qemu-system-x86")][0] as $q |
			if $q then
				[$names[] | select(startswith("tdx-acpi-")) | rel($q.id; "BUILD_TOOL_OF"; art(.))]
				+ [$host[] | select(.k == "tdx-qemu" and .n != "qemu-system-x86") | rel(.id; "DEPENDENCY_OF"; $q.id)]
			else [] end)
		+ [("root-verity.img", "disk.img", "cmdline", "verity.json", "root-verity-arm64.img", "disk-arm64.img",
		    "cmdline-arm64", "verity-arm64.json", "artifacts.json", "refvalues.json", ($names[] | select(endswith(".igvm"))))
			| select(has(.)) | rel("SPDXRef-podvm"; "BUILD_TOOL_OF"; art(.))]
	)
}'
