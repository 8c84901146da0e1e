#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# build.sh - the one driver of podvm.  See README.md and ./build.sh help.
set -Eeuo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$top"

# Every Debian package the project needs, and why.  ./build.sh deps
# installs exactly these (apt-get update only when one is missing).
PACKAGES=(
	# build
	gcc clang meson ninja-build pkg-config
	# libraries (docs/design.md, "Dependencies")
	libssl-dev zlib1g-dev libarchive-dev libcryptsetup-dev
	libfdt-dev libjansson-dev
	# tests: cmocka; sanitizer and libFuzzer runtimes for clang
	libcmocka-dev libclang-rt-14-dev libfuzzer-14-dev
	# man pages
	scdoc
	# oracles and test helpers: cryptsetup's veritysetup, openssl, jq, xxd
	cryptsetup-bin openssl jq xxd
	# the image pipeline: kernel source (version pinned in
	# kernel-config/PINNED) and its build tools, rootfs bootstrap, erofs,
	# GPT, the boot test, and the reproducibility judges
	"linux-source-6.1=$(sed -n 's/^version=//p' kernel-config/PINNED)"
	bc bison flex cpio xz-utils make
	# objtool, built during the kernel build, reads ELF through libelf
	libelf-dev
	mmdebstrap erofs-utils gdisk qemu-system-x86 faketime diffoscope-minimal
	# live oracle of measure cca --vmm qemu --qemu-version 7.2: its
	# -machine dumpdtb= (tests/cli/measure-cca-qemu.sh; without it the
	# test checks the recorded sha256s only); the arm64 boot test
	qemu-system-arm
	# the arm64 image (docs/arm64.md): the kernel's cross compiler; the
	# emulator (through binfmt_misc) that runs the arm64 rootfs's
	# maintainer scripts, and what mmdebstrap checks it with
	gcc-aarch64-linux-gnu qemu-user-static binfmt-support arch-test
	# the SNP firmware (firmware/PINNED): OVMF's AmdSev platform from
	# Debian's edk2 source (apt-get source, patch), built with the tools
	# of edk2's Build-Depends that it needs (iasl is acpica-tools)
	nasm acpica-tools uuid-dev python3 patch
	# /usr/bin/time: the veritysetup slow test checks the peak memory
	time
	# pgrep: ci/pipeline-faults.sh looks for what a stopped build left
	procps
	# the JSON schemas of refvalues/ are checked with it in the tests
	python3-jsonschema
	# supply-chain tests: the SBOM's licence expressions (Debian's SPDX
	# expression parser), and nix/default.nix built for real (tests/cli/nix.sh)
	node-spdx-expression-parse nix-bin
)
# Intel's multi-buffer SHA (veritysetup's fast hash engine): Debian ships it
# for amd64 only; elsewhere meson builds without it.
if [ "$(dpkg --print-architecture 2>/dev/null)" = amd64 ]; then
	PACKAGES+=(libipsec-mb-dev)
fi

BUILD=${PODVM_BUILD_DIR:-build}
ASAN_BUILD=${PODVM_ASAN_BUILD_DIR:-build-asan}
EVP_BUILD=${PODVM_EVP_BUILD_DIR:-build-evp}
STAGE=setup
T0=$(date +%s)

PUBLISH_TMP=
# The background stages of cmd_stages (bg_start), stopped on the way out.
BG_PIDS=()
BG_NAMES=()
# Any failing command names the stage it failed in; a half-assembled out/
# is removed on the way out.
trap 'rc=$?; printf "build.sh: %s: failed (exit %d): %s\n" "$STAGE" "$rc" "$BASH_COMMAND" >&2; exit "$rc"' ERR
trap '[ -z "$PUBLISH_TMP" ] || rm -rf "$PUBLISH_TMP"; [ "${#BG_PIDS[@]}" -eq 0 ] || bg_stop' EXIT

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'build.sh: %s: %s\n' "$STAGE" "$*" >&2; exit 1; }
stage() {
	STAGE=$1
	say "[$(($(date +%s) - T0))s] $1"
}

usage() {
	cat <<'USAGE'
Usage: ./build.sh [COMMAND]

  (none)   the main job: the default image end to end, into out/
           (deps, tools, kernel, firmware, tdx-firmware, rootfs, igvm,
           kernel-arm64, rootfs-arm64, kvmtool-firmware, publish)
  deps     install the Debian packages podvm needs (as root; idempotent)
  tools    build build/bin/igvmgen, build/bin/measure, build/bin/veritysetup
  kernel   the guest kernel (cached by the content hash of its inputs)
  firmware  the SNP firmware OVMF-SNP.fd: OVMF's AmdSev platform from
           Debian's edk2 source (firmware/PINNED; cached like the kernel)
  tdx-firmware  the TDX inputs: OVMF-TDX.fd, Debian's own OVMF.fd
           (firmware/PINNED-TDX), and QEMU's ACPI blobs for each vCPU count
           of the image's "tdx" targets (firmware/qemu-acpi-dump.sh; both
           cached by content hash)
  rootfs   the rootfs (mmdebstrap, cached), erofs, verity tree, GPT disk
  igvm     the IGVM files of the image (QEMU and Cloud Hypervisor flavours)
  kernel-arm64  the arm64 kernel (Image) of the image's arm64 variant,
           cross-compiled from kernel-config/PINNED-arm64 (cached)
  rootfs-arm64  the arm64 rootfs (mmdebstrap with qemu-user-static, cached),
           erofs, verity tree, GPT disk (docs/arm64.md)
  kvmtool-firmware  the arm64 image's kvmtool guest firmware KVMTOOL_EFI.fd:
           EDK2's ArmVirtKvmTool platform from the same Debian edk2 source
           as the SNP firmware (firmware/PINNED, firmware/PINNED-KVMTOOL;
           cached like the kernel; not realm-capable: docs/firmware.md 7)
  publish [--release-base URL]
           assemble out/ (atomically): the artifacts, build-info.json,
           artifacts.json (the node-installer index), refvalues.json (every
           launch measurement, for Contrast, Trustee and ccatoken), SHA256SUMS;
           --release-base (or PODVM_RELEASE_BASE) resolves the download
           URLs of artifacts.json, which otherwise keep @@releaseBase@@
  publish --sign-key PEM
           ... and sbom.spdx.json (SPDX 2.3) and provenance.dsse.json (in-toto
           SLSA provenance in a DSSE envelope) signed with PEM (Ed25519 or
           ECDSA P-256; PODVM_SIGN_KEY for the main job); unsigned without
  refvalues  copy out/'s refvalues.json, artifacts.json and build-info.json
           to refvalues/<image>/, the published values ci/drift-check.sh
           compares with (after measure verify has confirmed them)
  lock [arm64]
           resolve images/<image>/lock (lock-arm64) afresh from the archive
           (the rootfs packages as mmdebstrap resolves them today, the
           kernel source and the build tools as installed), show the diff
           and write it
  boot-test  boot out/ under QEMU, and a tampered copy (ci/boot-test.sh);
           then what can be checked of out/OVMF-SNP.fd without SEV
           (ci/firmware-boot-test.sh); then the arm64 image the same way
           (ci/boot-test.sh ... arm64)
  test     deps + tools + the whole test suite, normally, under
           ASan+UBSan (clang) and, where the build has ipsec-mb, once more
           with OpenSSL EVP only; ends with "N passed, N failed"
  fuzz     build the libFuzzer targets and run each for FUZZ_SECONDS (60)
  clean    remove build/, build-asan/, build-evp/ and build-fuzz/
  help     this text

Environment: PODVM_BUILD_DIR (build), PODVM_ASAN_BUILD_DIR (build-asan),
PODVM_EVP_BUILD_DIR (build-evp), PODVM_APT_MIRROR (the Debian mirror of the
rootfs packages, default image.conf's MIRROR: a snapshot.debian.org URL
rebuilds a lock Debian has moved past),
PODVM_IMAGE (pod: images/pod), PODVM_OUT (out), PODVM_STAGE_DIR (the
stage files: build/stage/<image>), PODVM_CACHE (the cache of kernels and
rootfs tarballs: /var/cache/podvm as root), FUZZ_SECONDS.
USAGE
}

cmd_deps() {
	stage deps
	local missing=() p
	for p in "${PACKAGES[@]}"; do
		local name=${p%%=*} want=${p#*=} have
		have=$(dpkg-query -W -f='${db:Status-Status} ${Version}' "$name" 2>/dev/null || true)
		if [ "${have%% *}" != installed ] || { [ "$want" != "$p" ] && [ "${have#* }" != "$want" ]; }; then
			missing+=("$p")
		fi
	done
	if [ ${#missing[@]} -eq 0 ]; then
		say "all ${#PACKAGES[@]} packages present"
		return 0
	fi
	[ "$(id -u)" -eq 0 ] || die "missing packages: ${missing[*]} (run as root, or install them)"
	say "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get -o DPkg::Lock::Timeout=600 update -qq || die "apt-get update failed: is the Debian archive reachable?"
	apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		die "apt-get install failed for: ${missing[*]}"
}

# meson_dir DIR [meson setup options...]: configure once, reconfigure when
# the options change.
meson_dir() {
	local dir=$1; shift
	local want="$*"
	if [ -f "$dir/build.ninja" ] && [ "$(cat "$dir/.podvm-options" 2>/dev/null)" = "$want" ]; then
		return 0
	fi
	rm -rf "$dir"
	meson setup "$dir" "$@" >"$top/.meson-setup.log" 2>&1 || {
		cat "$top/.meson-setup.log" >&2; die "meson setup $dir failed"; }
	rm -f "$top/.meson-setup.log"
	printf '%s' "$want" >"$dir/.podvm-options"
}

cmd_tools() {
	stage tools
	meson_dir "$BUILD"
	meson compile -C "$BUILD" >/dev/null || { meson compile -C "$BUILD" >&2 || true; die "compilation failed"; }
	mkdir -p "$BUILD/bin"
	local t
	for t in igvmgen measure veritysetup; do
		install -m 0755 "$BUILD/tools/$t/$t" "$BUILD/bin/.$t.tmp"
		mv -f "$BUILD/bin/.$t.tmp" "$BUILD/bin/$t"
	done
	say "built $BUILD/bin/{igvmgen,measure,veritysetup}"
}

# count_tier DIR: "passed failed skipped" over every TAP subtest of the
# last meson test run in DIR; a failed test with no TAP failure counts once.
count_tier() {
	jq -rs '
	  [ .[] | (.stdout // "") as $o
	    | ($o | [scan("(?m)^ok [0-9]+[^\n]*")] ) as $ok
	    | ($o | [scan("(?m)^not ok [0-9]+[^\n]*")] | length) as $bad
	    | ($ok | map(select(test("# *(SKIP|skip)"))) | length) as $skip
	    | { pass: (($ok | length) - $skip), fail: $bad, skip: $skip,
	        broken: ((.result != "OK" and .result != "SKIP" and .result != "EXPECTEDFAIL") and $bad == 0),
	        plain: ((($ok | length) + $bad) == 0) , result }
	    | if .broken then .fail = 1 else . end
	    | if .plain and .result == "OK" then .pass = 1 else . end
	    | if .plain and .result == "SKIP" then .skip = 1 else . end ]
	  | "\(map(.pass) | add // 0) \(map(.fail) | add // 0) \(map(.skip) | add // 0)"
	' "$1/meson-logs/testlog.json"
}

PASSED=0 FAILED=0 SKIPPED=0
run_tier() {
	local name=$1 dir=$2; shift 2
	local rc=0 counts p f s
	stage "test: $name"
	rm -f "$dir/meson-logs/testlog.json"
	meson test -C "$dir" --num-processes 2 --print-errorlogs "$@" || rc=$?
	if [ -f "$dir/meson-logs/testlog.json" ]; then
		counts=$(count_tier "$dir")
		read -r p f s <<<"$counts"
	else
		p=0 f=1 s=0
	fi
	[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
	say "$name: $p passed, $f failed, $s skipped"
	PASSED=$((PASSED + p)) FAILED=$((FAILED + f)) SKIPPED=$((SKIPPED + s))
}

cmd_test() {
	cmd_deps
	cmd_tools
	run_tier default "$BUILD" --no-suite slow
	stage "build: ASan+UBSan (clang)"
	CC=clang meson_dir "$ASAN_BUILD" -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbuildtype=debug -Dc_args=-fno-sanitize-recover=all
	if meson compile -C "$ASAN_BUILD" >/dev/null; then
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
			run_tier sanitizers "$ASAN_BUILD" --no-suite slow
	else
		meson compile -C "$ASAN_BUILD" >&2 || true
		say "sanitizer build failed"
		FAILED=$((FAILED + 1))
	fi
	# The OpenSSL-only build (no ipsec-mb) must pass the same tests: what
	# arm64 and -Dipsec_mb=disabled get.  Only when the main build has
	# ipsec-mb; otherwise the default tier was that build.
	if grep -q 'PODVM_HAVE_IPSEC_MB 1' "$BUILD/podvm-config.h" 2>/dev/null; then
		stage "build: OpenSSL EVP only (-Dipsec_mb=disabled)"
		meson_dir "$EVP_BUILD" -Dipsec_mb=disabled
		if meson compile -C "$EVP_BUILD" >/dev/null; then
			run_tier evp-only "$EVP_BUILD" --no-suite slow
		else
			meson compile -C "$EVP_BUILD" >&2 || true
			say "EVP-only build failed"
			FAILED=$((FAILED + 1))
		fi
	fi
	# Captured first: "| grep -q" may close the pipe while meson still
	# writes, and under pipefail its SIGPIPE skipped the tier unseen.
	local slow
	slow=$(meson test -C "$BUILD" --list --suite slow 2>/dev/null || true)
	if grep -q ':slow / ' <<<"$slow"; then
		run_tier slow "$BUILD" --suite slow
	else
		say "slow: no tests listed"
		FAILED=$((FAILED + 1))
	fi
	if [ "${PODVM_SKIP_IMAGE:-0}" != 1 ]; then
		image_tier
	fi
	printf '%d passed, %d failed, %d skipped\n' "$PASSED" "$FAILED" "$SKIPPED"
	[ "$FAILED" -eq 0 ]
}

# run_script_tier NAME CMD...: a TAP script as a tier of its own.
run_script_tier() {
	local name=$1; shift
	local log rc=0
	stage "test: $name"
	log=$(mktemp)
	"$@" 2>&1 | tee "$log" || rc=$?
	count_script_tier "$name" "$log" "$rc"
}
# count_script_tier NAME LOG RC: the TAP lines of LOG counted into the
# totals, one summary line; LOG is removed.
count_script_tier() {
	local name=$1 log=$2 rc=$3 p f s
	p=$(grep -cE '^ok [0-9]+' "$log" || true)
	s=$(grep -cE '^ok [0-9]+.*# *SKIP' "$log" || true)
	f=$(grep -cE '^not ok [0-9]+' "$log" || true)
	p=$((p - s))
	[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
	rm -f "$log"
	say "$name: $p passed, $f failed, $s skipped"
	PASSED=$((PASSED + p)) FAILED=$((FAILED + f)) SKIPPED=$((SKIPPED + s))
}

# The image tier: the default image through the caches (the kernel and the
# rootfs tarball are built once per machine and input set), booted under
# QEMU with and without a flipped byte, and rebuilt once more to compare.
# PODVM_SKIP_IMAGE=1 leaves it out.
image_tests() {
	# A new process, not a subshell: inside an if, bash ignores set -e.
	if PODVM_OUT="$BUILD/test-out" "$top/build.sh" stages >&2; then
		echo "ok 1 - the default image builds (kernel, rootfs, verity, GPT, IGVM, out/)"
	else
		echo "not ok 1 - the default image builds"
		return 1
	fi
	# boot-test.sh numbers its own two checks, firmware-boot-test.sh its
	# three; the tier counts ok lines.
	local rc=0
	ci/boot-test.sh "$BUILD/test-out/bzImage" "$BUILD/test-out/disk.img" "$BUILD/test-out/cmdline" || rc=1
	ci/firmware-boot-test.sh "$BUILD/test-out/OVMF-SNP.fd" "$BUILD/test-out/bzImage" \
		"$BUILD/test-out/disk.img" "$BUILD/test-out/cmdline" || rc=1
	# the arm64 image under qemu-system-aarch64 (-M virt -cpu max), its
	# two checks numbered on
	if [ -f "$BUILD/test-out/Image" ]; then
		ci/boot-test.sh "$BUILD/test-out/Image" "$BUILD/test-out/disk-arm64.img" \
			"$BUILD/test-out/cmdline-arm64" arm64 || rc=1
	fi
	return "$rc"
}

# faults and repro run side by side: each keeps to its own work folder
# and caches (repro shares only the machine's cache, where it finds
# every kernel and firmware before any build lock), and each is mostly
# one core (issue 18: about 70 s of a warm run's 380 s were the two one
# after the other at half the machine).  Their output is printed after
# both have ended, one tier after the other, as before.
image_tier() {
	run_script_tier image image_tests
	run_script_tier release ci/release-check.sh "$BUILD/test-out"
	local flog rlog fpid rpid frc=0 rrc=0
	stage "test: faults and repro (side by side)"
	flog=$(mktemp) rlog=$(mktemp)
	ci/pipeline-faults.sh >"$flog" 2>&1 &
	fpid=$!
	ci/repro-check.sh --cached --tap >"$rlog" 2>&1 &
	rpid=$!
	wait "$fpid" || frc=$?
	wait "$rpid" || rrc=$?
	stage "test: faults"
	cat "$flog"
	count_script_tier faults "$flog" "$frc"
	stage "test: repro"
	cat "$rlog"
	count_script_tier repro "$rlog" "$rrc"
}

cmd_fuzz() {
	cmd_deps
	stage "fuzz: build"
	CC=clang meson_dir build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false
	meson compile -C build-fuzz >/dev/null || die "fuzz build failed"
	local f name
	for f in build-fuzz/tests/fuzz/fuzz_*; do
		[ -f "$f" ] && [ -x "$f" ] || continue
		name=${f##*/fuzz_}
		stage "fuzz: $name for ${FUZZ_SECONDS:-60}s"
		mkdir -p "build-fuzz/corpus-$name"
		"$f" -max_total_time="${FUZZ_SECONDS:-60}" -timeout=25 -max_len=65536 \
			"build-fuzz/corpus-$name" "tests/fuzz/corpus/$name" ||
			die "fuzz target $name found a crash (see the crash-* file)"
	done
}

# ---- the image pipeline ---------------------------------------------------
# The architecture variant is chosen per stage (the *_arm64 functions set
# PODVM_ARCH for the scripts they run), never inherited.
unset PODVM_ARCH
IMAGE=${PODVM_IMAGE:-pod}
STAGE_DIR=${PODVM_STAGE_DIR:-$BUILD/stage/$IMAGE}
OUT=${PODVM_OUT:-out}

image_conf() {
	[ -f "images/$IMAGE/image.conf" ] || die "images/$IMAGE/image.conf: no such image"
	# shellcheck disable=SC1090
	. "images/$IMAGE/image.conf"
}

# lock_check_host: the kernel source and the build tools installed at the
# versions of the image's lock, the kernel source tarball with its sha256,
# the firmware's pinned source files those of the lock.
lock_check_host() {
	images/lock.sh check-host "images/$IMAGE/lock" kernel tool firmware ||
		die "the installed kernel source, firmware source or build tools differ from images/$IMAGE/lock"
}

# ./build.sh lock: the image's lock resolved afresh; the diff is shown,
# then the new lock written (review it with git diff).
cmd_lock() {
	stage lock
	image_conf
	local arch=${1:-} lock=images/$IMAGE/lock new
	[ -z "$arch" ] || lock=images/$IMAGE/lock-$arch
	new=$(mktemp "$lock.new.XXXXXX")
	PODVM_ARCH=$arch images/lock.sh resolve "images/$IMAGE" >"$new" || { rm -f "$new"; die "resolving the lock failed"; }
	if [ -f "$lock" ] && cmp -s "$lock" "$new"; then
		rm -f "$new"
		say "$lock: unchanged"
		return 0
	fi
	diff -u "$( [ -f "$lock" ] && echo "$lock" || echo /dev/null)" "$new" | sed '1,2d' || true
	mv -f "$new" "$lock"
	say "$lock: updated (review with git diff; the rootfs is rebuilt from it, and refvalues/ follow with ./build.sh refvalues)"
}

# The machine's cache of slow inputs (kernels, rootfs tarballs, firmware),
# keyed by content hash in each stage's script.
cache_root() {
	echo "${PODVM_CACHE:-$( [ "$(id -u)" -eq 0 ] && echo /var/cache/podvm || echo "${XDG_CACHE_HOME:-$HOME/.cache}/podvm")}"
}

cmd_kernel() {
	stage kernel
	image_conf
	lock_check_host
	# build-kernel.sh builds in one fixed folder per architecture (stable
	# __FILE__ strings): two builds of the machine, from two checkouts say,
	# take turns; the second finds the first's result in the cache.
	local lock
	lock=$(cache_root)/kernel/.build-$ARCH.lock
	mkdir -p "${lock%/*}"
	flock "$lock" kernel-config/build-kernel.sh "$ARCH" "$STAGE_DIR/kernel" || die "kernel build failed"
}

cmd_firmware() {
	stage firmware
	firmware/build-firmware.sh "$STAGE_DIR/firmware" || die "firmware build failed"
}

# The TDX inputs of the release (docs/tdx.md 10, 11): Debian's OVMF.fd as
# OVMF-TDX.fd, and for each "tdx" target of release.json and each of its
# vCPU counts the three ACPI blobs QEMU serves a guest of that memory
# size, named as the target's acpiLoader/acpiRsdp/acpiTables say, with
# "{vcpus}" replaced, and the dump's manifest beside them.
cmd_tdx_firmware() {
	stage "tdx firmware"
	image_conf
	local dir=$STAGE_DIR/tdx rel=images/$IMAGE/release.json t n mem mib f name
	rm -rf "$dir"
	firmware/fetch-tdx-firmware.sh "$dir" || die "fetching the TDX firmware failed"
	for t in $(jq -r '(.tdx // []) | keys[]' "$rel"); do
		mem=$(jq -r ".tdx[$t].memory" "$rel")
		case "$mem" in
		*[0-9]M) mib=${mem%M} ;; *[0-9]G) mib=$((${mem%G} * 1024)) ;;
		*[0-9]) mib=$mem ;; *) die "$rel: tdx[$t].memory: '$mem': expected N, NM or NG" ;;
		esac
		for n in $(jq -r ".tdx[$t].vcpus[]" "$rel"); do
			firmware/qemu-acpi-dump.sh "$dir/acpi-$n" "$n" "$mib" ||
				die "the ACPI blobs of $n vCPUs, $mem failed"
			for f in acpiLoader:table-loader acpiRsdp:rsdp acpiTables:tables; do
				name=$(jq -r ".tdx[$t].${f%%:*}" "$rel")
				cp "$dir/acpi-$n/${f#*:}" "$dir/${name//\{vcpus\}/$n}"
			done
			cp "$dir/acpi-$n/manifest.json" "$dir/tdx-acpi-${n}vcpu.json"
			rm -rf "$dir/acpi-$n"
		done
	done
}

cmd_rootfs() {
	stage rootfs
	images/build-rootfs.sh "images/$IMAGE" "$STAGE_DIR/rootfs" || die "rootfs build failed"
	stage "disk (verity + GPT)"
	images/assemble-disk.sh "images/$IMAGE" "$BUILD/bin/veritysetup" \
		"$STAGE_DIR/rootfs/rootfs.erofs" "$STAGE_DIR/disk" || die "disk assembly failed"
}

cmd_igvm() {
	stage igvm
	local flavour
	for flavour in qemu clh; do
		"$BUILD/bin/igvmgen" build --kernel "$STAGE_DIR/kernel/bzImage" \
			--cmdline-file "$STAGE_DIR/disk/cmdline" --vmm "$flavour" --platform snp \
			-o "$STAGE_DIR/pod-$flavour.igvm" || die "igvmgen build --vmm $flavour failed"
	done
}

# ---- the arm64 image (docs/arm64.md) --------------------------------------
# The image's arm64 variant (images/<image>/arch-arm64.conf): the same
# packages, overlay and release, its own lock (lock-arm64) and command line
# (cmdline-arm64).  Each stage is self-contained: its own stage folders,
# nothing shared with the x86 stages but the tools and the caches.
has_arm64() { [ -f "images/$IMAGE/arch-arm64.conf" ]; }

cmd_kernel_arm64() {
	stage kernel-arm64
	has_arm64 || die "images/$IMAGE has no arm64 variant (arch-arm64.conf)"
	# the cross compiler and the rest of the build tools at their locked
	# versions, the fetched kernel source as PINNED-arm64 pins it
	images/lock.sh check-host "images/$IMAGE/lock-arm64" kernel tool ||
		die "the pinned arm64 kernel source or the build tools differ from images/$IMAGE/lock-arm64"
	local lock
	lock=$(cache_root)/kernel/.build-arm64.lock
	mkdir -p "${lock%/*}"
	flock "$lock" kernel-config/build-kernel.sh arm64 "$STAGE_DIR/kernel-arm64" || die "arm64 kernel build failed"
}

# The kvmtool guest firmware of the arm64 image (docs/firmware.md 7): the
# firmware boot target of release.json (kvmtool-cca-edk2).  Its own fixed
# build folder: it runs beside the SNP firmware's build.
cmd_kvmtool_firmware() {
	stage kvmtool-firmware
	has_arm64 || die "images/$IMAGE has no arm64 variant (arch-arm64.conf)"
	firmware/build-kvmtool-firmware.sh "$STAGE_DIR/kvmtool-firmware" || die "kvmtool firmware build failed"
}

cmd_rootfs_arm64() {
	stage rootfs-arm64
	has_arm64 || die "images/$IMAGE has no arm64 variant (arch-arm64.conf)"
	PODVM_ARCH=arm64 images/build-rootfs.sh "images/$IMAGE" "$STAGE_DIR/rootfs-arm64" || die "arm64 rootfs build failed"
	stage "disk-arm64 (verity + GPT)"
	PODVM_ARCH=arm64 images/assemble-disk.sh "images/$IMAGE" "$BUILD/bin/veritysetup" \
		"$STAGE_DIR/rootfs-arm64/rootfs.erofs" "$STAGE_DIR/disk-arm64" || die "arm64 disk assembly failed"
}

# supply_chain DIR: the SBOM and the provenance of the release being
# assembled in DIR (docs/supply-chain.md); signed when a key was given.
# The SBOM reads the rootfs tarballs (the arm64 one too, for the arm64
# variant's packages).
SIGN_KEY=${PODVM_SIGN_KEY:-}
BUILD_COMMAND="./build.sh${1:+ $1}"
supply_chain() {
	local arm64=()
	! has_arm64 || arm64=("$STAGE_DIR/rootfs-arm64/rootfs.tar")
	ci/sbom.sh "images/$IMAGE" "$1" "$STAGE_DIR/rootfs/rootfs.tar" "$BUILD/bin" "${arm64[@]}" >"$1/sbom.spdx.json" ||
		die "the SBOM (ci/sbom.sh) failed"
	ci/provenance.sh "images/$IMAGE" "$1" "$BUILD_COMMAND" ${SIGN_KEY:+"$SIGN_KEY"} >"$1/provenance.dsse.json" ||
		die "the provenance (ci/provenance.sh) failed"
	if [ -n "$SIGN_KEY" ]; then
		say "provenance.dsse.json signed with $SIGN_KEY"
	else
		say "provenance.dsse.json is UNSIGNED (publish --sign-key PEM signs it)"
	fi
}

# sign_key_check: a --sign-key that cannot be read stops before the build.
sign_key_check() {
	[ -z "$SIGN_KEY" ] || [ -r "$SIGN_KEY" ] || die "--sign-key $SIGN_KEY: cannot read it"
}

# out/ is assembled in a new folder and swapped in whole: a failed build
# never leaves an out/ that looks complete.
cmd_publish() {
	stage publish
	image_conf
	local new f
	new=$(mktemp -d "$OUT.new.XXXXXX")
	PUBLISH_TMP=$new
	# copies, not links: tampering with out/ must not reach the stage files
	put() { cp --reflink=auto "$1" "$new/${2:-${1##*/}}"; }
	put "$STAGE_DIR/kernel/bzImage"
	put "$STAGE_DIR/kernel/kernel.config"
	put "$STAGE_DIR/firmware/OVMF-SNP.fd"
	for f in "$STAGE_DIR"/tdx/*; do [ -f "$f" ] && put "$f"; done
	put "$STAGE_DIR/disk/disk.img"
	put "$STAGE_DIR/disk/root.img"
	put "$STAGE_DIR/disk/root-verity.img"
	put "$STAGE_DIR/disk/cmdline"
	put "$STAGE_DIR/disk/verity.json"
	put "$STAGE_DIR/rootfs/packages.manifest"
	if has_arm64; then
		put "$STAGE_DIR/kernel-arm64/Image"
		put "$STAGE_DIR/kernel-arm64/kernel.config" kernel-arm64.config
		put "$STAGE_DIR/disk-arm64/disk.img" disk-arm64.img
		put "$STAGE_DIR/disk-arm64/root.img" root-arm64.img
		put "$STAGE_DIR/disk-arm64/root-verity.img" root-verity-arm64.img
		put "$STAGE_DIR/disk-arm64/cmdline" cmdline-arm64
		put "$STAGE_DIR/disk-arm64/verity.json" verity-arm64.json
		put "$STAGE_DIR/rootfs-arm64/packages.manifest" packages-arm64.manifest
		put "$STAGE_DIR/kvmtool-firmware/KVMTOOL_EFI.fd"
	fi
	for f in "$STAGE_DIR"/*.igvm; do [ -f "$f" ] && put "$f"; done
	ci/build-info.sh "images/$IMAGE" "$new" "$BUILD/bin" >"$new/build-info.json" || die "build-info"
	# the node-installer index, then every measurement of the release
	# (lib/release; images/<name>/release.json says what to publish); their
	# last line, with out/'s name for the folder being assembled
	release() {
		"$BUILD/bin/measure" "$@" --config "images/$IMAGE/release.json" "$new" 2>"$new.log" ||
			{ cat "$new.log" >&2; rm -f "$new.log"; die "measure $1 failed"; }
		say "$(tail -1 "$new.log" | sed "s|$new|$OUT|")"
		rm -f "$new.log"
	}
	release artifacts --image "$IMAGE_NAME" --image-version "$IMAGE_VERSION"
	release refvalues
	# what the index could not resolve (a URL placeholder, say)
	local note
	while IFS= read -r note; do
		[ -z "$note" ] || say "artifacts.json: $note"
	done < <(jq -r '.notes[]?' "$new/artifacts.json")
	supply_chain "$new"
	(cd "$new" && sha256sum $(ls | LC_ALL=C sort) >SHA256SUMS)
	chmod 0755 "$new"
	rm -rf "$OUT.old"
	[ ! -e "$OUT" ] || mv "$OUT" "$OUT.old"
	mv "$new" "$OUT"
	rm -rf "$OUT.old"
	say "$OUT/: $(ls "$OUT" | tr '\n' ' ')"
}

# The published reference values of the image, committed: what
# ci/drift-check.sh compares a fresh build with.  Only values that
# measure verify confirms against their artifacts are taken.
cmd_refvalues() {
	stage "refvalues"
	image_conf
	"$BUILD/bin/measure" verify "$OUT/refvalues.json" >/dev/null || die "$OUT/refvalues.json does not verify: see measure verify $OUT/refvalues.json"
	mkdir -p "refvalues/$IMAGE"
	cp "$OUT/refvalues.json" "$OUT/artifacts.json" "$OUT/build-info.json" "refvalues/$IMAGE/"
	say "refvalues/$IMAGE/: updated from $OUT (review with git diff, then commit)"
}

cmd_boot_test() {
	stage "boot test (QEMU TCG)"
	ci/boot-test.sh "$OUT/bzImage" "$OUT/disk.img" "$OUT/cmdline"
	stage "firmware boot test (QEMU TCG, OVMF-SNP.fd)"
	ci/firmware-boot-test.sh "$OUT/OVMF-SNP.fd" "$OUT/bzImage" "$OUT/disk.img" "$OUT/cmdline"
	if [ -f "$OUT/Image" ]; then
		stage "arm64 boot test (QEMU TCG, -M virt -cpu max)"
		ci/boot-test.sh "$OUT/Image" "$OUT/disk-arm64.img" "$OUT/cmdline-arm64" arm64
	fi
}

# The stages run as concurrently as their inputs allow (README.md, "The
# default image"): the kernel, the SNP firmware, the TDX inputs (a
# download and one QEMU run per vCPU count) and the rootfs (bootstrap,
# erofs, verity, GPT: downloads, dpkg and mostly one core) start together;
# the IGVM files wait for the kernel and the disk's command line, publish
# for everything.  Each stage prints its own "==>" lines to the same
# stderr.  The first stage to fail stops the build at once, naming it, and
# the others are stopped with it.
# Each stage runs in a process group of its own (job control on while it
# starts): bg_stop can then stop a stage and all it started at once, and a
# tool that signals its own group (mmdebstrap sends SIGHUP to its whole
# group when writing its tarball fails) reaches that stage only, not the
# build or whatever ran it.
# bg_start [--nice] NAME CMD...: --nice runs the stage at nice 19.
bg_start() {
	local nice=0
	[ "$1" != --nice ] || { nice=19; shift; }
	local name=$1; shift
	set -m
	( t0=$SECONDS
	  [ "$nice" -eq 0 ] || renice -n "$nice" -p "$BASHPID" >/dev/null
	  "$@"; cpu_seconds
	  say "[$(($(date +%s) - T0))s] $name: done in $((SECONDS - t0))s, $CPU_SECONDS CPU-s" ) &
	set +m
	BG_PIDS+=("$!")
	BG_NAMES+=("$name")
}
# cpu_seconds: CPU_SECONDS = the user and system time of this shell and
# of every process it has waited for, whole seconds (/proc/PID/stat fields
# 14-17); not in a $(...), which would read the subshell's.  A stage's
# line says how much of the machine it took, the build's last line how
# busy the cores were.
cpu_seconds() {
	local f
	CPU_SECONDS='?'
	read -r -a f <"/proc/$BASHPID/stat" 2>/dev/null || return 0
	CPU_SECONDS=$(((f[13] + f[14] + f[15] + f[16]) / $(getconf CLK_TCK)))
}
# bg_wait NAME...: return when these background stages have ended; any
# stage that fails meanwhile, named or not, stops the build.
bg_wait() {
	local want=" $* " pid rc i name
	stage "waiting for: $*"
	while :; do
		local pending=0
		for i in "${!BG_NAMES[@]}"; do
			[[ -n "${BG_NAMES[$i]}" && "$want" == *" ${BG_NAMES[$i]} "* ]] && pending=1
		done
		[ "$pending" -eq 1 ] || return 0
		rc=0
		wait -n -p pid || rc=$?
		for i in "${!BG_PIDS[@]}"; do
			[ "${BG_PIDS[$i]}" = "$pid" ] || continue
			name=${BG_NAMES[$i]}
			BG_NAMES[$i]=
			[ "$rc" -eq 0 ] || die "the $name stage failed (exit $rc); the other stages were stopped"
		done
	done
}
# bg_stop: the stages still running, each its whole process group (make,
# cc1, apt-get, mmdebstrap): stopped first, so that none starts anything
# new, then terminated.
bg_stop() {
	local i groups=()
	for i in "${!BG_PIDS[@]}"; do
		[ -z "${BG_NAMES[$i]}" ] || groups+=("-${BG_PIDS[$i]}")
	done
	[ "${#groups[@]}" -eq 0 ] && return 0
	kill -STOP -- "${groups[@]}" 2>/dev/null || true
	kill -TERM -- "${groups[@]}" 2>/dev/null || true
	kill -CONT -- "${groups[@]}" 2>/dev/null || true
}

# after_lane FD-FILE CMD...: CMD once the stage holding FD-FILE's lock
# (the x86 kernel) has ended.
after_lane() {
	local lane=$1 fd; shift
	exec {fd}>"$lane"
	flock -n "$fd" || { say "kernel-arm64: waits for the x86 kernel (one kernel build at a time)"; flock "$fd"; }
	"$@"
}

# How the stages share the cores (issue 18): the two kernels are most of
# a cold build's CPU and each keeps both cores busy with make -j$(nproc),
# so they take turns, x86 first, at normal priority; every other stage
# starts at once beside them at nice 19, taking what the kernels leave (a
# link, a compression, a configure step) and both cores once the kernels
# are done.  All at one priority, the machine ran 10+ compile jobs on two
# cores and every stage took more CPU: measured cold on a 2-core VM, 2572
# CPU-s against 2263 for the stages one after the other, and no shorter
# (1324 s against 1322 s).
cmd_stages() {
	local arm64=() lane lfd
	lane=$BUILD/.kernel-lane
	mkdir -p "$BUILD"
	# the x86 kernel's stage holds the lane's lock until it ends; this
	# shell lets go of it at once
	exec {lfd}>"$lane"
	flock "$lfd"
	bg_start kernel cmd_kernel
	exec {lfd}>&-
	has_arm64 && bg_start kernel-arm64 after_lane "$lane" cmd_kernel_arm64
	bg_start --nice firmware cmd_firmware
	bg_start --nice tdx-firmware cmd_tdx_firmware
	bg_start --nice rootfs cmd_rootfs
	if has_arm64; then
		bg_start --nice rootfs-arm64 cmd_rootfs_arm64
		bg_start --nice kvmtool-firmware cmd_kvmtool_firmware
		arm64=(kernel-arm64 rootfs-arm64 kvmtool-firmware)
	fi
	bg_wait kernel rootfs
	cmd_igvm
	bg_wait firmware tdx-firmware "${arm64[@]}"
	cmd_publish
}

cmd_all() {
	cmd_deps
	cmd_tools
	cmd_stages
	cpu_seconds
	say "done in $(($(date +%s) - T0))s, $CPU_SECONDS CPU-s on $(nproc) cores"
}

case "${1:-}" in
"") cmd_all ;;
deps) cmd_deps ;;
kernel) cmd_deps; cmd_kernel ;;
firmware) cmd_deps; cmd_firmware ;;
tdx-firmware) cmd_deps; cmd_tdx_firmware ;;
rootfs) cmd_deps; cmd_tools; cmd_rootfs ;;
kernel-arm64) cmd_deps; cmd_kernel_arm64 ;;
rootfs-arm64) cmd_deps; cmd_tools; cmd_rootfs_arm64 ;;
kvmtool-firmware) cmd_deps; cmd_kvmtool_firmware ;;
igvm) cmd_tools; cmd_igvm ;;
publish)
	shift
	while [ $# -gt 0 ]; do
		case "$1" in
		--release-base) [ $# -ge 2 ] || { usage >&2; exit 2; }
			export PODVM_RELEASE_BASE=$2; shift 2 ;;
		--release-base=*) export PODVM_RELEASE_BASE=${1#*=}; shift ;;
		--sign-key) [ $# -ge 2 ] || { usage >&2; exit 2; }
			SIGN_KEY=$2; shift 2 ;;
		--sign-key=*) SIGN_KEY=${1#*=}; shift ;;
		*) printf 'build.sh: publish: unknown option %s\n' "$1" >&2; exit 2 ;;
		esac
	done
	sign_key_check
	cmd_publish ;;
refvalues) cmd_refvalues ;;
lock)
	case "${2:-}" in
	"" | arm64) cmd_deps; cmd_lock "${2:-}" ;;
	*) usage >&2; exit 2 ;;
	esac ;;
stages) cmd_stages ;; # kernel firmware rootfs igvm kernel-arm64 rootfs-arm64 kvmtool-firmware publish, with the tools as built
boot-test) cmd_boot_test ;;
tools) cmd_deps; cmd_tools ;;
test) cmd_test ;;
fuzz) cmd_fuzz ;;
clean) rm -rf "$BUILD" "$ASAN_BUILD" "$EVP_BUILD" build-fuzz ;;
help | -h | --help) usage ;;
*) usage >&2; exit 2 ;;
esac
