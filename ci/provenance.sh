#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# provenance.sh IMAGE_DIR OUT_DIR COMMAND [KEY.pem] - the provenance of a
# release on stdout: an in-toto Statement v1 with a SLSA provenance v1
# predicate, in a DSSE envelope (docs/supply-chain.md).
#
#   IMAGE_DIR  images/<name>: image.conf and lock, and lock-arm64 when
#              OUT_DIR has the arm64 variant's artifacts (Image,
#              root-arm64.img, ...)
#   OUT_DIR    the artifacts: every regular file but SHA256SUMS and
#              provenance.* is a subject, with its sha256
#   COMMAND    the build command, as recorded (e.g. "./build.sh")
#   KEY.pem    the release key (OpenSSL PEM, Ed25519 or ECDSA P-256): the
#              envelope carries one signature over PAE(payloadType,
#              payload); without it the envelope has no signature, and
#              this script says so on stderr
#
# resolvedDependencies: the commit, the lock(s), every entry of each lock
# (one per .deb or file, with the locks that have it) and the arm64
# kernel's source tarball (inside its pinned .deb; kernel-config/
# PINNED-arm64 has its sha256).  The statement holds no time, host or
# path: the same inputs and commit give the same payload (and, with
# Ed25519, the same signature).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
img=${1:?usage: provenance.sh IMAGE_DIR OUT_DIR COMMAND [KEY.pem]}
out=${2:?} command=${3:?} key=${4:-}
die() { printf 'provenance.sh: %s\n' "$*" >&2; exit 1; }
export LC_ALL=C
# shellcheck disable=SC1091
. "$img/image.conf"
lock=$img/lock lock64=$img/lock-arm64
[ -f "$lock" ] || die "$lock: missing"
K64_PINNED=${PODVM_KERNEL_PINNED_ARM64:-$here/../kernel-config/PINNED-arm64}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The arm64 variant: its lock is an input when the release has its artifacts.
arm64=false
for f in Image kernel-arm64.config disk-arm64.img root-arm64.img root-verity-arm64.img; do
	[ ! -f "$out/$f" ] || arm64=true
done
if $arm64; then
	[ -f "$lock64" ] || die "$out has the arm64 variant's artifacts, but there is no $lock64"
fi

(cd "$out" && for f in $(ls | sort); do
	case "$f" in SHA256SUMS | provenance.*) continue ;; esac
	[ -f "$f" ] || continue
	printf '%s\t%s\n' "$f" "$(sha256sum "$f" | cut -d' ' -f1)"
done) >"$tmp/subjects"
[ -s "$tmp/subjects" ] || die "$out: no artifacts"
top=$(cd "$here/.." && pwd)
relpath() { printf '%s' "${1#"$top"/}"; }
locks() { awk -v l="$2" '!/^[[:space:]]*(#|$)/ { print $1 "\t" $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6 "\t" l }' "$1"; }
locks "$lock" lock >"$tmp/lock"
lock64json=null k64json=null
if $arm64; then
	locks "$lock64" lock-arm64 >>"$tmp/lock"
	lock64json=$(jq -n -c --arg p "$(relpath "$lock64")" --arg d "$(sha256sum "$lock64" | cut -d' ' -f1)" '{path: $p, digest: {sha256: $d}}')
	# the arm64 kernel's tarball: what it is built from, checked at
	# extraction against the pin (there is no file line in lock-arm64)
	if [ -f "$K64_PINNED" ]; then
		k64json=$(. "$K64_PINNED"; jq -n -c --arg p "$package" --arg v "$version" --arg deb "$deb" \
			--arg t "${tarball#/}" --arg d "$tarball_sha256" '{package: $p, version: $v, deb: $deb, tarball: $t, sha256: $d}')
	fi
fi

# The source: the commit of the checkout the build ran from, when it is one.
commit= dirty=false
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
	[ "$(git -C "$top" rev-parse --show-toplevel)" = "$top" ]; then
	commit=$(git -C "$top" rev-parse HEAD)
	[ -z "$(git -C "$top" status --porcelain --untracked-files=no)" ] || dirty=true
fi

jq -n -c --rawfile subjects "$tmp/subjects" --rawfile lock "$tmp/lock" \
	--arg name "$IMAGE_NAME" --arg version "$IMAGE_VERSION" --arg arch "$ARCH" \
	--arg mirror "$MIRROR" --arg suite "$SUITE" --argjson sde "$SOURCE_DATE_EPOCH" \
	--arg command "$command" --arg commit "$commit" --argjson dirty "$dirty" \
	--arg lockpath "$(relpath "$lock")" --arg locksha "$(sha256sum "$lock" | cut -d' ' -f1)" \
	--argjson lock64 "$lock64json" --argjson k64 "$k64json" '
def rows($s): $s | split("\n") | map(select(length > 0) | split("\t"));
{
	_type: "https://in-toto.io/Statement/v1",
	subject: [rows($subjects)[] | {name: .[0], digest: {sha256: .[1]}}],
	predicateType: "https://slsa.dev/provenance/v1",
	predicate: {
		buildDefinition: {
			buildType: "https://podvm.invalid/build.sh/v1",
			externalParameters: ({
				image: ({name: $name, version: $version, arch: $arch}
					+ if $lock64 then {architectures: [$arch, "arm64"]} else {} end),
				command: $command,
				source: (if $commit == "" then {uri: "podvm", note: "not built from a git checkout: no commit"}
					else {uri: "git+podvm", digest: {gitCommit: $commit}, dirty: $dirty} end),
				lock: {path: $lockpath, digest: {sha256: $locksha}}
			} + (if $lock64 then {lockArm64: $lock64} else {} end)),
			internalParameters: {SOURCE_DATE_EPOCH: $sde, suite: $suite, mirror: $mirror},
			resolvedDependencies: (
				(if $commit == "" then [] else [{uri: "git+podvm", digest: {gitCommit: $commit}}] end)
				+ [{uri: "file:\($lockpath)", digest: {sha256: $locksha}, name: "lock"}]
				+ (if $lock64 then [{uri: "file:\($lock64.path)", digest: $lock64.digest, name: "lock-arm64"}] else [] end)
				# one entry per distinct lock line, in the order of the locks,
				# naming the locks that have it
				+ ([rows($lock)[] | select(.[0] != "file")]
					| reduce .[] as $r ([]; (map(.[0:6]) | index([$r[0:6]])) as $i
						| if $i == null then . + [$r[0:6] + [[$r[6]]]] else .[$i][6] += [$r[6]] end)
					| map({uri: "\($mirror)/\(.[5])", digest: {sha256: .[4]}, name: .[1],
						annotations: {kind: .[0], version: .[2], architecture: .[3], locks: .[6]}}
						| if .digest.sha256 == "-" then del(.digest) else . end))
				+ [rows($lock)[] | select(.[0] == "file") |
					{uri: "file://\(.[5])", digest: {sha256: .[4]}, name: .[1]}]
				+ (if $k64 then [{uri: "\($mirror)/\($k64.deb)#\($k64.tarball)", digest: {sha256: $k64.sha256},
					name: ($k64.tarball | split("/") | last),
					annotations: {kind: "file", note: "the arm64 kernel source tarball, inside \($k64.package) \($k64.version)"}}] else [] end))
		},
		runDetails: {builder: {id: "https://podvm.invalid/build.sh"}, metadata: {}}
	}
}' >"$tmp/payload"
# jq ends its output with a newline: the payload is the JSON text alone
printf '%s' "$(cat "$tmp/payload")" >"$tmp/payload.bin"

type=application/vnd.in-toto+json
# PAE (DSSE v1): "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, the
# lengths as ASCII decimal byte counts
{ printf 'DSSEv1 %d %s %d ' "${#type}" "$type" "$(stat -c %s "$tmp/payload.bin")"; cat "$tmp/payload.bin"; } >"$tmp/pae"

sigs='[]'
if [ -n "$key" ]; then
	[ -r "$key" ] || die "$key: cannot read the signing key"
	text=$(openssl pkey -in "$key" -noout -text 2>/dev/null) || die "$key: not a private key OpenSSL reads"
	case "$text" in
	ED25519*) openssl pkeyutl -sign -rawin -inkey "$key" -in "$tmp/pae" -out "$tmp/sig" || die "$key: signing failed" ;;
	*prime256v1*) openssl dgst -sha256 -sign "$key" -out "$tmp/sig" "$tmp/pae" || die "$key: signing failed" ;;
	*) die "$key: neither an Ed25519 nor an ECDSA P-256 key" ;;
	esac
	# keyid: the sha256 of the public key (DER SubjectPublicKeyInfo)
	keyid=$(openssl pkey -in "$key" -pubout -outform DER | sha256sum | cut -d' ' -f1)
	sigs=$(jq -n -c --arg keyid "$keyid" --arg sig "$(base64 -w0 "$tmp/sig")" '[{keyid: $keyid, sig: $sig}]')
else
	echo "provenance.sh: no signing key: the provenance envelope is UNSIGNED (./build.sh publish --sign-key PEM signs it)" >&2
fi
jq -n --arg type "$type" --arg payload "$(base64 -w0 "$tmp/payload.bin")" --argjson sigs "$sigs" \
	'{payloadType: $type, payload: $payload, signatures: $sigs}'
