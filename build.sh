#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# build.sh - the one driver of podvm.  See README.md and ./build.sh help.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$top"

# Every Debian package the project needs, and why.  ./build.sh deps
# installs exactly these (apt-get update only when one is missing).
PACKAGES=(
	# build
	gcc clang meson ninja-build pkg-config
	# libraries (DESIGN.md, "Dependencies")
	libssl-dev zlib1g-dev libelf-dev libarchive-dev libcryptsetup-dev
	libfdt-dev libjansson-dev
	# tests: cmocka; sanitizer and libFuzzer runtimes for clang
	libcmocka-dev libclang-rt-14-dev libfuzzer-14-dev
	# man pages
	scdoc
	# oracles and test helpers: cryptsetup's veritysetup, openssl, jq
	cryptsetup-bin openssl jq
	# /usr/bin/time: the veritysetup slow test checks the peak memory
	time
)

BUILD=${PODVM_BUILD_DIR:-build}
ASAN_BUILD=${PODVM_ASAN_BUILD_DIR:-build-asan}
STAGE=setup
T0=$(date +%s)

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'build.sh: %s: %s\n' "$STAGE" "$*" >&2; exit 1; }
stage() {
	STAGE=$1
	say "[$(($(date +%s) - T0))s] $1"
}

usage() {
	cat <<'USAGE'
Usage: ./build.sh [COMMAND]

  (none)   the main job: deps, tools, then every stage that exists
  deps     install the Debian packages podvm needs (as root; idempotent)
  tools    build build/bin/igvmgen, build/bin/measure, build/bin/veritysetup
  test     deps + tools + the whole test suite, normally and under
           ASan+UBSan (clang); ends with "N passed, N failed"
  fuzz     build the libFuzzer targets and run each for FUZZ_SECONDS (60)
  clean    remove build/ and build-asan/
  help     this text

Environment: PODVM_BUILD_DIR (build), PODVM_ASAN_BUILD_DIR (build-asan),
FUZZ_SECONDS.
USAGE
}

cmd_deps() {
	stage deps
	local missing=() p
	for p in "${PACKAGES[@]}"; do
		if ! dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed; then
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
	apt-get update -qq || die "apt-get update failed: is the Debian archive reachable?"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
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
	if meson test -C "$BUILD" --list --suite slow 2>/dev/null | grep -q ':slow / '; then
		run_tier slow "$BUILD" --suite slow
	fi
	printf '%d passed, %d failed, %d skipped\n' "$PASSED" "$FAILED" "$SKIPPED"
	[ "$FAILED" -eq 0 ]
}

cmd_fuzz() {
	cmd_deps
	stage "fuzz: build"
	CC=clang meson_dir build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false
	meson compile -C build-fuzz >/dev/null || die "fuzz build failed"
	local f name
	for f in build-fuzz/tests/fuzz/fuzz_*; do
		[ -x "$f" ] || continue
		name=${f##*/fuzz_}
		stage "fuzz: $name for ${FUZZ_SECONDS:-60}s"
		mkdir -p "build-fuzz/corpus-$name"
		"$f" -max_total_time="${FUZZ_SECONDS:-60}" -max_len=65536 \
			"build-fuzz/corpus-$name" "tests/fuzz/corpus/$name" ||
			die "fuzz target $name found a crash (see the crash-* file)"
	done
}

cmd_all() {
	cmd_deps
	cmd_tools
	stage exercise
	ci/exercise.sh "$BUILD/bin"
}

case "${1:-}" in
"") cmd_all ;;
deps) cmd_deps ;;
tools) cmd_deps; cmd_tools ;;
test) cmd_test ;;
fuzz) cmd_fuzz ;;
clean) rm -rf "$BUILD" "$ASAN_BUILD" build-fuzz ;;
help | -h | --help) usage ;;
*) usage >&2; exit 2 ;;
esac
