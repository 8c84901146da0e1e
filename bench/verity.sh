#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench/verity.sh - podvm's veritysetup format against cryptsetup's
# (issue 3 §4).  Creates 1 GiB and 4 GiB pseudo-random inputs in a temp
# dir, warms the page cache, runs cryptsetup's veritysetup and ours
# alternately RUNS times each (fixed salt and UUID), checks every pair of
# outputs is byte-identical, and prints the median wall times and the
# ratio, and the median CPU times; then the two-core SHA-256 throughput of
# "openssl speed -multi 2 -evp sha256 -bytes 4096" and our share of it (in
# wall time; and per CPU-second against one openssl process: steadier on a
# loaded machine).  Ours runs its default hash engine (ipsec-mb's
# multi-buffer SHA on amd64); ENGINE=openssl benches the EVP engine.
#
#   bench/verity.sh [OURS]   (default: build/tools/veritysetup/veritysetup)
#   RUNS=5 SIZES="1 4" ENGINE=auto TMPDIR=... ORACLE=/usr/sbin/veritysetup
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
OURS=${1:-$top/build/tools/veritysetup/veritysetup}
ORACLE=${ORACLE:-/usr/sbin/veritysetup}
RUNS=${RUNS:-5}
SIZES=${SIZES:-"1 4"}
ENGINE=${ENGINE:-auto}
SALT=5eed0123456789abcdef
UUID=12345678-1234-1234-1234-123456789abc
[ -x "$OURS" ] || { echo "bench: $OURS not built (./build.sh tools)" >&2; exit 1; }
[ -x "$ORACLE" ] || { echo "bench: $ORACLE missing (apt-get install cryptsetup-bin)" >&2; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/podvm-bench-verity.XXXXXX")
trap 'rm -rf "$W"' EXIT

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
# run_one TOOL OUT [ARGS]: wall and CPU (user + sys) seconds of one format
run_one() {
	local t0 t1
	rm -f "$2"
	t0=$(now)
	/usr/bin/time -f "%U %S" -o "$2.cpu" \
		"$1" format "${@:3}" --salt=$SALT --uuid=$UUID "$W/data" "$2" >"$2.out"
	t1=$(now)
	awk -v a="$t0" -v b="$t1" '{printf "%.3f %.2f\n", b - a, $1 + $2}' "$2.cpu"
}

echo "host: $(nproc) CPUs, $(uptime | sed 's/.*load average/load average/')"
echo "oracle: $("$ORACLE" --version | head -1); ours: $("$OURS" --version)"
head -c 4096 /dev/zero >"$W/probe"
echo "ours hashes with: $("$OURS" format --json --hash-engine="$ENGINE" --salt=- --no-superblock "$W/probe" "$W/probe.h" | jq -r .hash_engine)"
for gib in $SIZES; do
	# pseudo-random data (AES-CTR keystream), then let writeback settle
	{ openssl enc -aes-128-ctr -K 000102030405060708090a0b0c0d0e0f \
		-iv 00000000000000000000000000000000 -nosalt -in /dev/zero 2>/dev/null || true; } |
		head -c $((gib << 30)) >"$W/data"
	sync
	cat "$W/data" >/dev/null # warm the page cache
	: >"$W/t.oracle"; : >"$W/t.ours"
	for i in $(seq "$RUNS"); do
		run_one "$ORACLE" "$W/h.oracle" >>"$W/t.oracle"
		run_one "$OURS" "$W/h.ours" --hash-engine="$ENGINE" >>"$W/t.ours"
		cmp -s "$W/h.oracle" "$W/h.ours" ||
			{ echo "bench: run $i: hash files differ at $gib GiB" >&2; exit 1; }
		[ "$(sed 1d "$W/h.oracle.out")" = "$(sed 1d "$W/h.ours.out")" ] ||
			{ echo "bench: run $i: printed output differs at $gib GiB" >&2; exit 1; }
	done
	mo=$(cut -d' ' -f1 "$W/t.oracle" | median); mu=$(cut -d' ' -f1 "$W/t.ours" | median)
	co=$(cut -d' ' -f2 "$W/t.oracle" | median); cu=$(cut -d' ' -f2 "$W/t.ours" | median)
	awk -v g="$gib" -v o="$mo" -v u="$mu" -v n="$RUNS" -v to="$(cut -d' ' -f1 "$W/t.oracle" | paste -sd' ')" \
		-v tu="$(cut -d' ' -f1 "$W/t.ours" | paste -sd' ')" -v co="$co" -v cu="$cu" 'BEGIN {
		printf "%d GiB: cryptsetup median %.3f s (%s), podvm median %.3f s (%s), %d runs, outputs identical\n", g, o, to, u, tu, n
		printf "%d GiB: ratio %.2fx; podvm %.0f MB/s; CPU (user+sys) medians: cryptsetup %.2f s, podvm %.2f s\n", g, o / u, g * 1073741824 / u / 1e6, co, cu }'
	last_gib=$gib last_mu=$mu last_cu=$cu
done
rm -f "$W/data"
# openssl prints "sha256 <16B> <64B> ... <4096B>" in kB/s (1000 bytes)
speed() { openssl speed "$@" -evp sha256 -bytes 4096 2>/dev/null | awk '$1 == "sha256" {v=$2} END {sub("k", "", v); print v}'; }
ssl=$(speed -multi 2)
ssl1=$(speed)
awk -v k="$ssl" -v k1="$ssl1" -v g="$last_gib" -v u="$last_mu" -v c="$last_cu" 'BEGIN {
	mbs = k * 1000 / 1e6; one = k1 * 1000 / 1e6
	ours = g * 1073741824 / u / 1e6; cpu = g * 1073741824 / c / 1e6
	printf "openssl speed -multi 2 -evp sha256 -bytes 4096: %.0f MB/s; podvm at %d GiB: %.0f MB/s = %.1f%% of it\n", mbs, g, ours, 100 * ours / mbs
	printf "per CPU-second (steadier under load): podvm %.0f MB/s = %.1f%% of openssl speed -evp sha256 -bytes 4096 (one process): %.0f MB/s\n", cpu, 100 * cpu / one, one }'
