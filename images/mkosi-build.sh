#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# mkosi-build.sh IMAGE_DIR OUT - build IMAGE_DIR/mkosi.conf with Debian 12's
# mkosi 14 and turn the tree into an erofs image as build-rootfs.sh does.
#
# mkosi 14 runs systemd-nspawn, which on a build host without a running
# systemd and D-Bus fails ("Failed to open system bus").  The workaround:
# run inside a private mount namespace with a tmpfs on
# /run/systemd/nspawn, and put a systemd-nspawn wrapper first on PATH that
# adds --register=no --keep-unit.  mkosi 14 has no SOURCE_DATE_EPOCH
# support, so file times are those of the build; the erofs step forces one
# time (-T) and root ownership, which is what makes the result comparable.
set -euo pipefail
img=$(cd "${1:?usage: mkosi-build.sh IMAGE_DIR OUT}" && pwd)
out=$(mkdir -p "${2:?}" && cd "$2" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "mkosi-build.sh: mkosi 14 needs root" >&2; exit 1; }
. "$img/image.conf"
work=$(mktemp -d /var/tmp/podvm-mkosi.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
cat >"$work/bin/systemd-nspawn" <<'WRAP'
#!/bin/sh
exec /usr/bin/systemd-nspawn --register=no --keep-unit "$@"
WRAP
chmod +x "$work/bin/systemd-nspawn"
cp -a "$img/mkosi.conf" "$work/"
cp -a "$img/overlay" "$work/mkosi.extra"
unshare -m sh -c "mount -t tmpfs tmpfs /run/systemd/nspawn 2>/dev/null || { mkdir -p /run/systemd/nspawn && mount -t tmpfs tmpfs /run/systemd/nspawn; }
	cd '$work' && PATH='$work/bin':\$PATH mkosi --default mkosi.conf --force build" >"$out/mkosi.log" 2>&1 ||
	{ tail -20 "$out/mkosi.log" >&2; echo "mkosi-build.sh: mkosi failed (log: $out/mkosi.log)" >&2; exit 1; }
uuid=$(printf 'podvm-erofs-uuid:%s:%s' "$IMAGE_NAME" "$IMAGE_VERSION" | sha256sum |
	sed -E 's/^(.{8})(.{4}).(.{3}).(.{3})(.{12}).*/\1-\2-4\3-8\4-\5/')
mkfs.erofs --quiet -zlz4hc -T"$SOURCE_DATE_EPOCH" -U"$uuid" --all-root -x-1 "$out/rootfs-mkosi.erofs" "$work/rootfs" >/dev/null
[ ! -f "$work/rootfs.manifest" ] || cp "$work/rootfs.manifest" "$out/mkosi.manifest"
echo "rootfs-mkosi.erofs: $(sha256sum <"$out/rootfs-mkosi.erofs" | cut -d' ' -f1)"
