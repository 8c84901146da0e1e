# SPDX-License-Identifier: Apache-2.0
# image-conf.sh - sourced by the image scripts: image_conf IMAGE_DIR loads
# an image definition for one architecture (docs/arm64.md §3).
#
# IMAGE_DIR/image.conf describes the image for its own ARCH.  When
# PODVM_ARCH names another architecture, IMAGE_DIR/arch-$PODVM_ARCH.conf is
# sourced after it (ARCH, DEBIAN_ARCH): the same packages, overlay and
# release, with a lock and a command line of their own.  Sets:
#   IMAGE_ID       the name the derived salts, UUIDs and caches use:
#                  IMAGE_NAME, or IMAGE_NAME-ARCH for a variant
#   IMAGE_LOCK     IMAGE_DIR/lock, or IMAGE_DIR/lock-ARCH
#   IMAGE_CMDLINE  IMAGE_DIR/cmdline, or IMAGE_DIR/cmdline-ARCH
#   IMAGE_CONFS    the files sourced (what a cache key hashes)
image_conf() {
	local dir=$1 want=${PODVM_ARCH:-}
	[ -f "$dir/image.conf" ] || { printf '%s/image.conf: no such image\n' "$dir" >&2; return 1; }
	# shellcheck disable=SC1091
	. "$dir/image.conf"
	IMAGE_ID=$IMAGE_NAME IMAGE_LOCK=$dir/lock IMAGE_CMDLINE=$dir/cmdline IMAGE_CONFS=$dir/image.conf
	if [ -n "$want" ] && [ "$want" != "$ARCH" ]; then
		[ -f "$dir/arch-$want.conf" ] ||
			{ printf '%s/arch-%s.conf: missing (PODVM_ARCH=%s: the image has no %s variant)\n' "$dir" "$want" "$want" "$want" >&2; return 1; }
		# shellcheck disable=SC1090
		. "$dir/arch-$want.conf"
		[ "$ARCH" = "$want" ] || { printf '%s/arch-%s.conf: ARCH=%s, expected %s\n' "$dir" "$want" "$ARCH" "$want" >&2; return 1; }
		IMAGE_ID=$IMAGE_NAME-$ARCH IMAGE_LOCK=$dir/lock-$ARCH IMAGE_CMDLINE=$dir/cmdline-$ARCH
		IMAGE_CONFS="$IMAGE_CONFS $dir/arch-$ARCH.conf"
	fi
}

# image_can_run DEBIAN_ARCH: the machine runs that architecture's programs
# (its own, or a foreign one through qemu-user-static registered with
# binfmt_misc), as mmdebstrap needs for the maintainer scripts.
image_can_run() {
	local host qarch
	host=$(dpkg --print-architecture)
	[ "$1" != "$host" ] || return 0
	case "$1" in arm64) qarch=aarch64 ;; amd64) qarch=x86_64 ;; *) qarch=$1 ;; esac
	command -v "qemu-$qarch-static" >/dev/null ||
		{ printf 'qemu-%s-static is missing: %s maintainer scripts cannot run (./build.sh deps installs qemu-user-static)\n' "$qarch" "$1" >&2; return 1; }
	if ! grep -qx enabled "/proc/sys/fs/binfmt_misc/qemu-$qarch" 2>/dev/null; then
		# binfmt_misc may be unmounted (a container) or the entry disabled
		[ -f /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
		update-binfmts --enable "qemu-$qarch" >/dev/null 2>&1 || true
		grep -qx enabled "/proc/sys/fs/binfmt_misc/qemu-$qarch" 2>/dev/null ||
			{ printf 'binfmt_misc: qemu-%s is not registered or not enabled: %s programs cannot run (mount binfmt_misc on /proc/sys/fs/binfmt_misc, update-binfmts --enable qemu-%s)\n' "$qarch" "$1" "$qarch" >&2; return 1; }
	fi
}
