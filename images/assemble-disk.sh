#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# assemble-disk.sh IMAGE_DIR VERITYSETUP ROOTFS_EROFS OUT - the verity tree,
# the GPT disk image and the kernel command line of a pod-VM image.
#
# Writes to OUT: root.img (the erofs), root-verity.img (its hash tree with
# a superblock), disk.img (GPT: root + root-verity), verity.json, cmdline.
# Nothing random: the salt, the verity UUID and the disk GUID derive from
# the image name and version; the partition UUIDs are the two halves of the
# root hash (the systemd Discoverable Partitions convention).  PODVM_ARCH=arm64:
# the image's arm64 variant (images/image-conf.sh; its names derive from
# IMAGE_NAME-arm64, its command line is cmdline-arm64).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
img=$(cd "${1:?usage: assemble-disk.sh IMAGE_DIR VERITYSETUP ROOTFS_EROFS OUT}" && pwd)
vsetup=${2:?}
erofs=${3:?}
out=${4:?}
die() { printf 'assemble-disk.sh: %s\n' "$*" >&2; exit 1; }
say() { printf '==> disk: %s\n' "$*" >&2; }
. "$here/image-conf.sh"
image_conf "$img" || exit 1
export LC_ALL=C TZ=UTC
umask 022
mkdir -p "$out"

derive() { printf 'podvm-%s:%s:%s' "$1" "$IMAGE_ID" "$IMAGE_VERSION" | sha256sum | cut -c1-64; }
# An RFC 4122 version-4 layout over derived bytes: well-formed, not random.
as_uuid() { sed -E 's/^(.{8})(.{4}).(.{3}).(.{3})(.{12}).*/\1-\2-4\3-8\4-\5/' <<<"$1"; }
# The first or last 128 bits of a hash, as systemd formats an id128.
half_uuid() { sed -E 's/^(.{8})(.{4})(.{4})(.{4})(.{12})$/\1-\2-\3-\4-\5/' <<<"$1"; }

salt=$(derive verity-salt)
vuuid=$(as_uuid "$(derive verity-uuid)")
dguid=$(as_uuid "$(derive disk-guid)")
case "$ARCH" in
x86_64) root_type=4f68bce3-e8cd-4db1-96e7-fbcaf984b709 verity_type=2c7357ed-ebd2-46d9-aec1-23d437ec2bf5 pname=root-x86-64 ;;
arm64) root_type=b921b045-1df0-41c3-af44-4c6f280d3fae verity_type=df3300ce-d69f-4c92-978c-9bfb0f38d820 pname=root-arm64 ;;
*) die "image.conf: ARCH=$ARCH is not supported" ;;
esac

size=$(stat -c %s "$erofs")
[ $((size % 4096)) -eq 0 ] || die "$erofs: $size bytes is not a multiple of 4096"
cp "$erofs" "$out/root.img.tmp" && mv "$out/root.img.tmp" "$out/root.img"
say "veritysetup format (salt and uuid derived from $IMAGE_ID $IMAGE_VERSION)"
# format writes into an existing hash file without shortening it (as
# cryptsetup's does): a tree left from a larger rootfs would leave its tail
rm -f "$out/root-verity.img"
"$vsetup" format --hash=sha256 --data-block-size=4096 --hash-block-size=4096 \
	--salt="$salt" --uuid="$vuuid" "$out/root.img" "$out/root-verity.img" >"$out/verity.txt" ||
	die "veritysetup format failed"
roothash=$(sed -n 's/^Root hash:[[:space:]]*//p' "$out/verity.txt")
blocks=$(sed -n 's/^Data blocks:[[:space:]]*//p' "$out/verity.txt")
[[ "$roothash" =~ ^[0-9a-f]{64}$ ]] || die "veritysetup printed no root hash"
[ "$blocks" -eq $((size / 4096)) ] || die "veritysetup: $blocks data blocks, expected $((size / 4096))"

# GPT: 1 MiB for the protective MBR and the primary table, the two
# partitions each rounded up to 1 MiB, then room for the backup table.
mib=$((1 << 20))
p1=$(( (size + mib - 1) / mib ))
hsize=$(stat -c %s "$out/root-verity.img")
p2=$(( (hsize + mib - 1) / mib ))
total=$(( (1 + p1 + p2 + 1) * mib ))
rm -f "$out/disk.img.tmp"
truncate -s "$total" "$out/disk.img.tmp"
sgdisk --clear --disk-guid="$dguid" \
	--new=1:2048:+"$p1"M --typecode=1:"$root_type" --partition-guid=1:"$(half_uuid "${roothash:0:32}")" --change-name=1:"$pname" \
	--new=2:0:+"$p2"M --typecode=2:"$verity_type" --partition-guid=2:"$(half_uuid "${roothash:32:32}")" --change-name=2:"$pname-verity" \
	"$out/disk.img.tmp" >/dev/null || die "sgdisk failed"
dd if="$out/root.img" of="$out/disk.img.tmp" bs=1M seek=1 conv=notrunc status=none
dd if="$out/root-verity.img" of="$out/disk.img.tmp" bs=1M seek=$((1 + p1)) conv=notrunc status=none
mv "$out/disk.img.tmp" "$out/disk.img"

# dm-init table: data on partition 1, hash tree on partition 2 after its
# superblock (hash_start_block 1).  See docs dm-verity.md §5.2.
sectors=$((blocks * 8))
table="root,,,ro,0 $sectors verity 1 /dev/vda1 /dev/vda2 4096 4096 $blocks 1 sha256 $roothash $salt"
# The image's own command line (images/<name>/cmdline[-ARCH], one line), then what
# the disk adds: the verity table for dm-init and the root hash.  This is
# the one place the measured command line is composed.
[ -f "$IMAGE_CMDLINE" ] || die "$IMAGE_CMDLINE: missing (the image's kernel command line)"
base=$(cat "$IMAGE_CMDLINE")
[ -n "$base" ] && [ "$(wc -l <"$IMAGE_CMDLINE")" -le 1 ] || die "$IMAGE_CMDLINE: expected one line"
printf '%s\n' "$base dm-mod.create=\"$table\" dm-mod.waitfor=/dev/vda1,/dev/vda2 roothash=$roothash" >"$out/cmdline"
jq -n --arg roothash "$roothash" --arg salt "$salt" --arg uuid "$vuuid" --argjson blocks "$blocks" \
	--arg disk_guid "$dguid" '{roothash: $roothash, salt: $salt, uuid: $uuid, hash_algorithm: "sha256",
	hash_type: 1, data_block_size: 4096, hash_block_size: 4096, data_blocks: $blocks, disk_guid: $disk_guid}' >"$out/verity.json"
say "root hash $roothash"
