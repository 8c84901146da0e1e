#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# provenance.sh IMAGE_DIR OUT_DIR COMMAND [KEY.pem] - the provenance of a
# release on stdout: an in-toto Statement v1 with a SLSA provenance v1
# predicate, in a DSSE envelope (docs/supply-chain.md).
#
#   IMAGE_DIR  images/<name>: image.conf and lock
#   OUT_DIR    the artifacts: every regular file but SHA256SUMS and
#              provenance.* is a subject, with its sha256
#   COMMAND    the build command, as recorded (e.g. "./build.sh")
#   KEY.pem    the release key (OpenSSL PEM, Ed25519 or ECDSA P-256): the
#              envelope carries one signature over PAE(payloadType,
#              payload); without it the envelope has no signature, and
#              this script says so on stderr
#
# The statement holds no time, host or path: the same inputs and commit
# give the same payload (and, with Ed25519, the same signature).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
img=${1:?usage: provenance.sh IMAGE_DIR OUT_DIR COMMAND [KEY.pem]}
out=${2:?} command=${3:?} key=${4:-}
die() { printf 'provenance.sh: %s\n' "$*" >&2; exit 1; }
export LC_ALL=C
# shellcheck disable=SC1091
. "$img/image.conf"
lock=$img/lock
[ -f "$lock" ] || die "$lock: missing"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$out" && for f in $(ls | sort); do
	case "$f" in SHA256SUMS | provenance.*) continue ;; esac
	[ -f "$f" ] || continue
	printf '%s\t%s\n' "$f" "$(sha256sum "$f" | cut -d' ' -f1)"
done) >"$tmp/subjects"
[ -s "$tmp/subjects" ] || die "$out: no artifacts"
awk '!/^[[:space:]]*(#|$)/ { print $1 "\t" $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6 }' "$lock" >"$tmp/lock"

# The source: the commit of the checkout the build ran from, when it is one.
commit= dirty=false
top=$(cd "$here/.." && pwd)
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
	[ "$(git -C "$top" rev-parse --show-toplevel)" = "$top" ]; then
	commit=$(git -C "$top" rev-parse HEAD)
	[ -z "$(git -C "$top" status --porcelain --untracked-files=no)" ] || dirty=true
fi

jq -n -c --rawfile subjects "$tmp/subjects" --rawfile lock "$tmp/lock" \
	--arg name "$IMAGE_NAME" --arg version "$IMAGE_VERSION" --arg arch "$ARCH" \
	--arg mirror "$MIRROR" --arg suite "$SUITE" --argjson sde "$SOURCE_DATE_EPOCH" \
	--arg command "$command" --arg commit "$commit" --argjson dirty "$dirty" \
	--arg lockpath "${lock#"$top"/}" --arg locksha "$(sha256sum "$lock" | cut -d' ' -f1)" '
def rows($s): $s | split("\n") | map(select(length > 0) | split("\t"));
{
	_type: "https://in-toto.io/Statement/v1",
	subject: [rows($subjects)[] | {name: .[0], digest: {sha256: .[1]}}],
	predicateType: "https://slsa.dev/provenance/v1",
	predicate: {
		buildDefinition: {
			buildType: "https://podvm.invalid/build.sh/v1",
			externalParameters: {
				image: {name: $name, version: $version, arch: $arch},
				command: $command,
				source: (if $commit == "" then {uri: "podvm", note: "not built from a git checkout: no commit"}
					else {uri: "git+podvm", digest: {gitCommit: $commit}, dirty: $dirty} end),
				lock: {path: $lockpath, digest: {sha256: $locksha}}
			},
			internalParameters: {SOURCE_DATE_EPOCH: $sde, suite: $suite, mirror: $mirror},
			resolvedDependencies: (
				(if $commit == "" then [] else [{uri: "git+podvm", digest: {gitCommit: $commit}}] end)
				+ [{uri: "file:\($lockpath)", digest: {sha256: $locksha}, name: "lock"}]
				+ [rows($lock)[] | select(.[0] != "file") |
					{uri: "\($mirror)/\(.[5])", digest: {sha256: .[4]}, name: .[1],
					 annotations: {kind: .[0], version: .[2], architecture: .[3]}}
					| if .digest.sha256 == "-" then del(.digest) else . end]
				+ [rows($lock)[] | select(.[0] == "file") |
					{uri: "file://\(.[5])", digest: {sha256: .[4]}, name: .[1]}])
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
