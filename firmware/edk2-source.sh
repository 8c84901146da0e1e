# SPDX-License-Identifier: Apache-2.0
# edk2-source.sh - sourced by the firmware builds that start from Debian's
# edk2 source package pinned in firmware/PINNED (build-firmware.sh: the SNP
# firmware; build-kvmtool-firmware.sh: the kvmtool guest firmware of the
# arm64 image).  The caller has sourced PINNED and defined die and say.
#
#   edk2_version TOOL...      the version line of a tool, for cache keys
#   edk2_fetch SRC WORK       the pinned source files into SRC (a folder of
#                             the cache), each checked against PINNED;
#                             WORK holds apt's private state meanwhile
#   edk2_extract SRC DEST LOG DEST = the source tree with Debian's patches
#   edk2_fixed_env            the fixed build environment
#
# Every build from this source shares SRC ($PODVM_CACHE/firmware/src): one
# download serves them all, and two builds running side by side take turns
# on it (flock on SRC/.lock).

# edk2_version TOOL...: the first line of TOOL's version banner with a
# version number in it, dotted or, as iasl's ("... version 20200925"), a
# date (no pipe: an early exit's SIGPIPE would fail under pipefail).  A
# banner with neither stops the build: the key must not lose a tool
# unseen (before this, iasl's line matched nothing and was left out of
# the SNP firmware's key).
edk2_version() {
	local v
	v=$("$@" 2>&1 || true)
	grep -m1 -E '[0-9]\.[0-9]|version [0-9]{8}' <<<"$v" || die "$*: no version in its banner"
}

# edk2_src_ok SRC FILE SHA256
edk2_src_ok() {
	[ -f "$1/$2" ] && [ "$(sha256sum <"$1/$2" | cut -d' ' -f1)" = "$3" ]
}

# edk2_fetch SRC WORK: Debian's edk2 at PINNED's version, fetched with
# apt-get source through a deb-src entry of its own (a private
# sources.list, lists and cache: the system's apt configuration is neither
# read for sources nor changed).  The downloaded files are kept in SRC, so
# a rebuild (a new compiler, a new script) needs no network while the pin
# stands.
edk2_fetch() {
	local src=$1 work=$2 apt f name want uri idx got
	mkdir -p "$src" "$work"
	# fd 8: the other firmware build may be fetching the same files
	exec 8>"$src/.lock"
	flock 8
	if ! edk2_src_ok "$src" "$orig" "$orig_sha256" || ! edk2_src_ok "$src" "$debian" "$debian_sha256"; then
		apt=$work/apt
		rm -rf "$apt"
		mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/dl"
		printf 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
			"$mirror" "$suite" >"$apt/sources.list"
		local aptopt=(-o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
			-o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache"
			-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
			-o APT::Sandbox::User="$(id -un)" -o Acquire::Languages=none)
		say "fetching $package $version (deb-src $mirror $suite)"
		apt-get "${aptopt[@]}" -qq update >"$apt/update.log" 2>&1 ||
			{ cat "$apt/update.log" >&2; die "apt-get update of $mirror $suite (deb-src) failed: is the Debian archive reachable?"; }
		# apt-get source --print-uris: each file of the version with the
		# sha256 the signed Sources index gives it ('URI' NAME SIZE SHA256:H).
		(cd "$apt/dl" && apt-get "${aptopt[@]}" -qq source --print-uris "$package=$version") >"$apt/uris" 2>"$apt/source.log" ||
			{ cat "$apt/source.log" >&2; die "apt-get source $package=$version failed: has Debian replaced the pinned version? (firmware/PINNED)"; }
		for f in "$dsc:$dsc_sha256" "$orig:$orig_sha256" "$debian:$debian_sha256"; do
			name=${f%%:*} want=${f#*:}
			read -r uri _ _ idx < <(awk -v n="$name" '$2 == n' "$apt/uris") ||
				die "the $suite Sources index lists no $name: has Debian replaced $package $version? (firmware/PINNED)"
			[ "${idx#SHA256:}" = "$want" ] ||
				die "$name: the signed Sources index gives sha256 ${idx#SHA256:}, firmware/PINNED wants $want"
			uri=${uri#\'} uri=${uri%\'}
			# apt's own fetcher, with the pinned hash: a wrong file is refused
			if ! /usr/lib/apt/apt-helper "${aptopt[@]}" download-file "$uri" "$apt/dl/$name" "SHA256:$want" >"$apt/get.log" 2>&1; then
				# Only the .dsc may be missing (some mirrors do not serve it):
				# all it would add are the hashes of the two tarballs, which the
				# signed Sources index and PINNED give already.
				[ "$name" = "$dsc" ] || { cat "$apt/get.log" >&2; die "$uri: download failed"; }
				say "$name: not served by $mirror ($(grep -o '[0-9][0-9][0-9]  *[A-Z][A-Za-z ]*[a-z]' "$apt/get.log" | sed -n 1p | tr -s ' ')); the tarballs are checked against the signed Sources index and PINNED"
				continue
			fi
			got=$(sha256sum <"$apt/dl/$name" | cut -d' ' -f1)
			[ "$got" = "$want" ] || die "$name: sha256 $got, firmware/PINNED wants $want"
			cp "$apt/dl/$name" "$src/.$name.tmp"
			mv "$src/.$name.tmp" "$src/$name"
		done
		rm -rf "$apt"
	fi
	edk2_src_ok "$src" "$orig" "$orig_sha256" && edk2_src_ok "$src" "$debian" "$debian_sha256" ||
		die "source files missing from $src"
	exec 8>&-
	say "source $orig and $debian checked against firmware/PINNED"
}

# edk2_extract SRC DEST LOG: what dpkg-source -x does for a 3.0 (quilt)
# package, without needing the .dsc: the upstream tree, debian/ over it,
# then Debian's patches in the order of debian/patches/series, none allowed
# to fail.
edk2_extract() {
	local src=$1 dest=$2 log=$3 p
	rm -rf "$dest"
	mkdir -p "$dest"
	tar -xf "$src/$orig" -C "$dest" --strip-components=1
	tar -xf "$src/$debian" -C "$dest"
	while read -r p _; do
		case "$p" in '' | '#'*) continue ;; esac
		patch -d "$dest" -p1 -N -s -f --no-backup-if-mismatch <"$dest/debian/patches/$p" >>"$log" 2>&1 ||
			{ cat "$log" >&2; die "debian/patches/$p does not apply"; }
	done <"$dest/debian/patches/series"
}

# edk2_fixed_env: the locale, the zone, the umask, Python's hash seed (set
# iteration order in BaseTools), the build date, and none of the caller's
# edk2 variables.
edk2_fixed_env() {
	unset WORKSPACE EDK_TOOLS_PATH CONF_PATH PACKAGES_PATH EFI_SOURCE EDK_SOURCE ECP_SOURCE
	export LC_ALL=C TZ=UTC PYTHONHASHSEED=0 SOURCE_DATE_EPOCH=$source_date_epoch PYTHON_COMMAND=python3
	umask 022
}

# edk2_build SRCTREE LOGDIR JOBS BUILD-ARGS...: BaseTools, then edk2's
# build with BUILD-ARGS, as debian/rules does (edksetup.sh twice: the
# second time BaseTools' binaries exist and it puts them on PATH).
edk2_build() {
	local tree=$1 logs=$2 jobs=$3
	shift 3
	(
		cd "$tree"
		# edksetup.sh reads unset variables, and its arguments: none
		local args=("$@")
		set --
		set +u
		. ./edksetup.sh >/dev/null
		set -u
		make -C BaseTools -j"$jobs" >"$logs/basetools.log" 2>&1 ||
			{ tail -30 "$logs/basetools.log" >&2; exit 1; }
		set +u
		. ./edksetup.sh >/dev/null
		set -u
		build "${args[@]}" -n "$jobs" --quiet >"$logs/build.log" 2>&1 ||
			{ tail -40 "$logs/build.log" >&2; exit 1; }
	) || die "edk2 build failed (logs: $logs/basetools.log, $logs/build.log)"
}
