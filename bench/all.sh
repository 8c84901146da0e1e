#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench/all.sh - every benchmark against its oracle, in one table.
#
# Usage: bench/all.sh            (after meson compile -C build)
# Environment (the oracles run outside this repository; a row whose
# oracle is not given says so and times podvm alone):
#   SEV_SNP_MEASURE=DIR     a checkout of virtee/sev-snp-measure
#   IGVM_TOOLING="CMD"      a command running igvm-tooling's igvmgen
#                           (python3 -m igvm.igvmgen with its PYTHONPATH)
#   LKVM_RIM_MEASURER=FILE  Islet's lkvm-rim-measurer
#   CALCULATE_TDX_MRS=FILE  measured-boot-tools' calculate-tdx-mrs (the
#                           tdx row, when bench/tdx.sh exists)
#   VERITYSETUP=FILE        cryptsetup's veritysetup (/usr/sbin/veritysetup)
#   ACPI_PAGES=DIR          ACPI pages for igvmgen --vmm clh (default:
#                           /work/shared/fixtures/igvm-tooling-acpi/pages,
#                           igvm-tooling's own; the LDs agree only then)
#   MEASURE, IGVMGEN, PV_VERITYSETUP  podvm's binaries (default: build/...)
#   RUNS=5  VERITY_GIB=1  TMPDIR
#   ROWS="verity igvmgen snp cca tdx"   the rows to run (default all)
#   WRAP="chrt -f 10"       a prefix for every timed command (oracle, podvm,
#                           openssl): on a machine loaded by other work, a
#                           real-time class keeps their queue out of the
#                           figures (root only)
#
# Each row runs oracle, podvm, oracle, podvm, ... RUNS times each and
# prints the medians of the wall times; every pair's outputs (hash file
# and root hash, launch digest, RIM, MRs) must be equal, else the script
# says which and exits 1.  "limit" is the pure-hash time of the row's
# input bytes: `openssl dgst` of the same files in one process (1 core),
# and split over two concurrent processes (2 cores; for a single file,
# half the one-core time); "x limit" is podvm's median over it.  RSS is
# the median peak resident set size (/usr/bin/time %M).  The load
# average is read before and after each row.  Nothing here asserts on
# time: only the outputs decide the exit status.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
M=${MEASURE:-$B/tools/measure/measure}
G=${IGVMGEN:-$B/tools/igvmgen/igvmgen}
V=${PV_VERITYSETUP:-$B/tools/veritysetup/veritysetup}
FWGEN=$B/tests/cli/snp-fwgen
MKK=$B/tests/cli/mkkernel
TDXGEN=$B/tests/cli/tdx-gen
VERITYSETUP=${VERITYSETUP:-/usr/sbin/veritysetup}
RUNS=${RUNS:-5}
VERITY_GIB=${VERITY_GIB:-1}
fixture=/work/shared/fixtures/igvm-tooling-acpi/pages
for b in "$M" "$G" "$V" "$FWGEN" "$MKK"; do
	[ -x "$b" ] || { echo "bench/all.sh: $b not built (meson compile -C build)" >&2; exit 1; }
done
for t in /usr/bin/time openssl awk; do
	command -v "$t" >/dev/null || { echo "bench/all.sh: needs $t" >&2; exit 1; }
done
W=$(mktemp -d "${TMPDIR:-/tmp}/podvm-bench-all.XXXXXX")
trap 'rm -rf "$W"' EXIT

ROWS=" ${ROWS:-verity igvmgen snp cca tdx} "
want() { [[ "$ROWS" == *" $1 "* ]]; }
load() { cut -d' ' -f1 /proc/loadavg; }
median() { sort -g | awk '{a[NR] = $1} END {if (NR) print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
now() { date +%s%N; }

# timed SIDE DIR CMD...: run CMD in DIR, stdout to $W/SIDE.out; append the
# wall time (ms) to $W/SIDE.t and the peak RSS (KiB) to $W/SIDE.rss
timed() {
	local side=$1 dir=$2 t0 t1
	shift 2
	t0=$(now)
	# shellcheck disable=SC2086
	(cd "$dir" && exec /usr/bin/time -f '%M' -o "$W/$side.time" ${WRAP:-} "$@") \
		>"$W/$side.out" 2>"$W/$side.err" ||
		{ echo "bench/all.sh: $side failed: $*" >&2; cat "$W/$side.err" >&2; exit 1; }
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", (b - a) / 1e6}' >>"$W/$side.t"
	tail -1 "$W/$side.time" >>"$W/$side.rss"
}

# limit ALG FILE...: median ms of `openssl dgst` over the files in one
# process, and over two concurrent processes (files split greedily by
# size; one file: half the first)
limit() {
	local alg=$1 i t0 t1 a=() b=() sa=0 sb=0 f s
	shift
	: >"$W/l1"; : >"$W/l2"
	for f in $(for g in "$@"; do echo "$(stat -c %s "$g") $g"; done | sort -rn | cut -d' ' -f2); do
		s=$(stat -c %s "$f")
		if [ "$sa" -le "$sb" ]; then a+=("$f"); sa=$((sa + s)); else b+=("$f"); sb=$((sb + s)); fi
	done
	for ((i = 0; i < RUNS; i++)); do
		# shellcheck disable=SC2086
		t0=$(now); ${WRAP:-} openssl dgst "-$alg" "$@" >/dev/null; t1=$(now)
		echo $(((t1 - t0) / 1000)) >>"$W/l1"
		if [ ${#b[@]} -gt 0 ]; then
			t0=$(now)
			# shellcheck disable=SC2086
			${WRAP:-} openssl dgst "-$alg" "${a[@]}" >/dev/null &
			# shellcheck disable=SC2086
			${WRAP:-} openssl dgst "-$alg" "${b[@]}" >/dev/null
			wait
			t1=$(now)
			echo $(((t1 - t0) / 1000)) >>"$W/l2"
		fi
	done
	lim1=$(median <"$W/l1" | awk '{printf "%.1f", $1 / 1000}')
	if [ -s "$W/l2" ]; then
		lim2=$(median <"$W/l2" | awk '{printf "%.1f", $1 / 1000}')
	else
		lim2=$(awk -v a="$lim1" 'BEGIN {printf "%.1f", a / 2}')
	fi
}

fail=0
table=()
# row WORK ALG "LIMIT FILES" ORACLE_DIR|"" (ORACLE... ---) PODVM...
#   with $oracle_val / $ours_val: functions printing the compared value
#   of $W/oracle.out and $W/ours.out; ORACLE_SELFTIME=1: the oracle's
#   first output field is its own time in ms (in-process figures)
row() {
	local work=$1 alg=$2 files=$3 odir=$4 i l0 l1 o=() ot om oo ou rr same=equal
	shift 4
	while [ "$1" != --- ]; do o+=("$1"); shift; done
	shift
	rm -f "$W"/oracle.t "$W"/oracle.rss "$W"/ours.t "$W"/ours.rss
	l0=$(load)
	for ((i = 1; i <= RUNS; i++)); do
		if [ -n "$odir" ]; then
			timed oracle "$odir" "${o[@]}"
			if [ "${ORACLE_SELFTIME:-0}" = 1 ]; then
				sed -i '$d' "$W/oracle.t"
				awk '{print $1; exit}' "$W/oracle.out" >>"$W/oracle.t"
			fi
		fi
		timed ours "$W" "$@"
		if [ -n "$odir" ]; then
			oo=$(oracle_val); ou=$(ours_val)
			if [ -z "$ou" ] || [ "$oo" != "$ou" ]; then
				echo "bench/all.sh: $work: run $i: outputs DIFFER: oracle '$oo', podvm '$ou'" >&2
				fail=1 same=DIFFER
			fi
		fi
	done
	l1=$(load)
	# shellcheck disable=SC2086
	limit "$alg" $files
	om=$(median <"$W/ours.t")
	if [ -n "$odir" ]; then
		ot=$(median <"$W/oracle.t")
		rr=$(median <"$W/oracle.rss")
		table+=("$(awk -v w="$work" -v ot="$ot" -v om="$om" -v l1="$lim1" -v l2="$lim2" \
			-v ro="$rr" -v ru="$(median <"$W/ours.rss")" -v la="$l0-$l1" -v same="$same" 'BEGIN {
			printf "%-34s %10.1f %9.1f %7.1fx %7.1f %7.1f %6.2fx %6.2fx %9d %8d  %-7s %s\n",
				w, ot, om, ot / om, l1, l2, om / l1, om / l2, ro, ru, same, la }')")
	else
		table+=("$(awk -v w="$work" -v om="$om" -v l1="$lim1" -v l2="$lim2" \
			-v ru="$(median <"$W/ours.rss")" -v la="$l0-$l1" 'BEGIN {
			printf "%-34s %10s %9.1f %8s %7.1f %7.1f %6.2fx %6.2fx %9s %8d  %-7s %s\n",
				w, "not given", om, "-", l1, l2, om / l1, om / l2, "-", ru, "-", la }')")
	fi
	echo "  done: $work" >&2
}

echo "bench/all.sh: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')), load $(cut -d' ' -f1-3 /proc/loadavg), $RUNS alternating runs per row${WRAP:+, commands run under \"$WRAP\"}" >&2

# ---- verity: veritysetup format, cryptsetup's against ours --------------
SALT=5eed0123456789abcdef
UUID=12345678-1234-1234-1234-123456789abc
if want verity; then
	{ openssl enc -aes-128-ctr -K 000102030405060708090a0b0c0d0e0f \
		-iv 00000000000000000000000000000000 -nosalt -in /dev/zero 2>/dev/null || true; } |
		head -c $((VERITY_GIB << 30)) >"$W/vdata"
	cat "$W/vdata" >/dev/null
fi
# both print the same lines after the first (the tool's banner); the hash
# files must be byte-identical
oracle_val() { echo "$(sed 1d "$W/oracle.out" | md5sum | cut -c1-32) $(md5sum <"$W/vhash.o" | cut -c1-32)"; }
ours_val() { echo "$(sed 1d "$W/ours.out" | md5sum | cut -c1-32) $(md5sum <"$W/vhash.p" | cut -c1-32)"; }
if ! want verity; then
	:
elif [ -x "$VERITYSETUP" ]; then
	row "verity format ${VERITY_GIB} GiB" sha256 "$W/vdata" "$W" \
		"$VERITYSETUP" format --salt=$SALT --uuid=$UUID "$W/vdata" "$W/vhash.o" --- \
		"$V" format --salt=$SALT --uuid=$UUID "$W/vdata" "$W/vhash.p"
else
	row "verity format ${VERITY_GIB} GiB" sha256 "$W/vdata" "" --- \
		"$V" format --salt=$SALT --uuid=$UUID "$W/vdata" "$W/vhash.p"
fi
rm -f "$W/vdata" "$W/vhash.o" "$W/vhash.p"

# ---- inputs of the SNP and IGVM rows (bench/snp.sh's) -----------------
"$FWGEN" fw "$W/ovmf.fd" amdsev 2097152 7
"$FWGEN" blob "$W/kernel" 8388608 8
"$FWGEN" blob "$W/initrd" 33554432 9
"$MKK" bzimage "$W/bz" 8388608 0x020f 7 2047

# ---- igvmgen build --vmm clh against igvm-tooling ---------------------
ACPI=${ACPI_PAGES:-}
if [ -z "$ACPI" ] && [ -d "$fixture" ]; then ACPI=$fixture; fi
if [ -z "$ACPI" ]; then
	mkdir -p "$W/acpi"
	head -c 4096 /dev/zero >"$W/acpi/0x000e0000.bin"
	ACPI=$W/acpi
fi
# the LD igvm-tooling writes to its measurement file, and ours of our file
oracle_val() { grep -o '"x-ms-sevsnpvm-launchmeasurement"[^,}]*' "$W/o.json" | grep -oE '[0-9a-fA-F]{96}' | tr 'A-F' 'a-f'; }
ours_val() { "$M" snp --igvm "$W/p.igvm"; }
IGO=()
if [ -n "${IGVM_TOOLING:-}" ]; then
	# shellcheck disable=SC2206
	IGO=($IGVM_TOOLING -o "$W/o.igvm" -kernel "$W/bz" -append console=ttyS0
	     -rdinit "$W/initrd" -boot_mode x64 -vtl 0 -inform bzImage -svme 1
	     -encrypted_page 1 -pvalidate_opt 0 -measurement_file "$W/o.json")
	mkdir -p "$W/igvm-tooling"
fi
want igvmgen && row "igvmgen clh, 8+32 MiB" sha384 "$W/bz $W/initrd" "${IGVM_TOOLING:+$W/igvm-tooling}" "${IGO[@]}" --- \
	"$G" build --vmm clh --kernel "$W/bz" --initrd "$W/initrd" --cmdline console=ttyS0 \
	--pvalidate-opt no --acpi-pages "$ACPI" -o "$W/p.igvm"

# ---- measure snp, QEMU + OVMF direct boot, 4 vCPUs ---------------------
SNP=(--mode snp --vcpus 4 --vcpu-type EPYC-v4 --ovmf "$W/ovmf.fd"
     --kernel "$W/kernel" --initrd "$W/initrd" --append console=ttyS0)
oracle_val() { awk '{print $NF}' "$W/oracle.out" | tr 'A-F' 'a-f' | tail -1; }
ours_val() { tr -d '\n' <"$W/ours.out"; }
if ! want snp; then
	:
elif [ -n "${SEV_SNP_MEASURE:-}" ]; then
	[ -f "$SEV_SNP_MEASURE/sev-snp-measure.py" ] ||
		{ echo "bench/all.sh: SEV_SNP_MEASURE=$SEV_SNP_MEASURE has no sev-snp-measure.py" >&2; exit 1; }
	row "snp direct boot, 8+32 MiB, 4 vCPUs" sha256 "$W/kernel $W/initrd" "$SEV_SNP_MEASURE" \
		python3 "$SEV_SNP_MEASURE/sev-snp-measure.py" "${SNP[@]}" --- "$M" snp "${SNP[@]}"
	# the same, sev-snp-measure timed inside its process (calc_launch_digest
	# only: no interpreter start or imports)
	cat >"$W/inproc.py" <<'PY'
import sys, time
sys.path.insert(0, ".")  # run from the checkout, as sev-snp-measure.py is
from sevsnpmeasure import guest
from sevsnpmeasure.sev_mode import SevMode
from sevsnpmeasure.vmm_types import VMMType
d = sys.argv[1]
t = time.perf_counter()
ld = guest.calc_launch_digest(SevMode.SEV_SNP, 4, 0x800F12, d + "/ovmf.fd",
                              d + "/kernel", d + "/initrd", "console=ttyS0",
                              0x1, None, VMMType.QEMU)
print("%.3f %s" % ((time.perf_counter() - t) * 1000, ld.hex()))
PY
	ORACLE_SELFTIME=1 row "snp, oracle in-process" sha256 "$W/kernel $W/initrd" "$SEV_SNP_MEASURE" \
		python3 "$W/inproc.py" "$W" --- "$M" snp "${SNP[@]}"
else
	row "snp direct boot, 8+32 MiB, 4 vCPUs" sha256 "$W/kernel $W/initrd" "" --- "$M" snp "${SNP[@]}"
fi

# ---- measure cca, kvmtool EAC5, 256 MiB realm (bench/cca.sh's) --------
# the arm64 Image header of tests/cli/gen.sh, then 30 MiB of keystream
. "$top/tests/cli/gen.sh"
gen_image 30 $(( (30 << 20) + 4567 )) $((32 << 20)) >"$W/Image"
gen_bytes 20 $(( (20 << 20) + 999 )) >"$W/cinitrd"
oracle_val() { sed -n 's/^RIM: //p' "$W/oracle.out" | tr 'A-F' 'a-f'; }
ours_val() { tr -d '\n' <"$W/ours.out"; }
CCA=(cca --vmm kvmtool --rmm 1.0-eac5 -k "$W/Image" -i "$W/cinitrd" -m 256M -c 1
     --measurement-algo sha256)
if ! want cca; then
	:
elif [ -n "${LKVM_RIM_MEASURER:-}" ]; then
	mkdir -p "$W/lkvm"
	cp "$W/Image" "$W/lkvm/Image"; cp "$W/cinitrd" "$W/lkvm/initrd"
	row "cca kvmtool, 30+20 MiB in 256 MiB" sha256 "$W/Image $W/cinitrd" "$W/lkvm" \
		"$LKVM_RIM_MEASURER" run --realm --measurement-algo=sha256 --disable-sve \
		--console serial -m 256M -c 1 -k Image -i initrd --- "$M" "${CCA[@]}"
else
	row "cca kvmtool, 30+20 MiB in 256 MiB" sha256 "$W/Image $W/cinitrd" "" --- "$M" "${CCA[@]}"
fi

# ---- measure tdx (bench/tdx.sh's cases, when that bench exists) --------
if want tdx && [ -f "$top/bench/tdx.sh" ] && [ -x "$TDXGEN" ]; then
	"$TDXGEN" fw "$W/tdvf.fd" 4194304 7
	"$TDXGEN" pe "$W/tdkernel" 6291456 4096 0 16 8
	printf 'console=ttyS0' >"$W/cmdline"
	oracle_val() { sed -n 's/^Name: \(MRTD\|RTMR1\|RTMR2\)//p' "$W/oracle.out" | tr 'A-F' 'a-f' | tr -s ' \n' ' ' | sed 's/^ //; s/ $//'; }
	ours_val() { awk '$1 == "mrtd:" || $1 == "rtmr1:" || $1 == "rtmr2:" { print $2 }' "$W/ours.out" | tr -s ' \n' ' ' | sed 's/ $//'; }
	TDX=(tdx --firmware "$W/tdvf.fd" --kernel "$W/tdkernel" --append console=ttyS0)
	if [ -n "${CALCULATE_TDX_MRS:-}" ]; then
		row "tdx MRTD+RTMRs, 4 MiB fw, 12 MiB kernel" sha384 "$W/tdvf.fd $W/tdkernel" "$W" \
			"$CALCULATE_TDX_MRS" --ovmf "$W/tdvf.fd" --kernel "$W/tdkernel" \
			--cmdline "$W/cmdline" -m 0,2,3 --summary --- "$M" "${TDX[@]}"
	else
		row "tdx MRTD+RTMRs, 4 MiB fw, 12 MiB kernel" sha384 "$W/tdvf.fd $W/tdkernel" "" --- "$M" "${TDX[@]}"
	fi
fi

printf '\n%-34s %10s %9s %8s %7s %7s %7s %7s %9s %8s  %-7s %s\n' work "oracle ms" "podvm ms" ratio \
	"lim1 ms" "lim2 ms" "x lim1" "x lim2" "RSS o KiB" "RSS p KiB" outputs "load (1 min, before-after)"
for r in "${table[@]}"; do echo "$r"; done
echo "medians of $RUNS alternating runs (wall ms; the oracle of \"snp, oracle in-process\": calc_launch_digest alone); ratio = oracle / podvm;"
echo "lim1/lim2: openssl dgst of the row's input files on one core / two cores (two processes; one file: lim1 / 2); x lim = podvm / lim;"
echo "$(nproc) CPUs, load average now $(cut -d' ' -f1-3 /proc/loadavg)${WRAP:+; every timed command ran under \"$WRAP\"}"
if [ "$fail" != 0 ]; then
	echo "bench/all.sh: some outputs DIFFER (above)" >&2
	exit 1
fi
