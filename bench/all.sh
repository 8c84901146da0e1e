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
#                           figures (root only); `chrt -f 10 bench/all.sh`
#                           does it for the shell's own forks too
#
# Each row runs one warm-up round, then RUNS rounds of: oracle, podvm,
# `openssl dgst` of the row's input bytes on one core, the same on two
# cores; it prints the medians.  Every round's outputs (hash file and
# root hash, launch digest, RIM, MRs) must be equal, else the script says
# which and exits 1.  The columns are explained in bench/README.md.
# Nothing here asserts on time: only the outputs decide the exit status.
set -euo pipefail
export LC_ALL=C # $EPOCHREALTIME and awk with a decimal point
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
# ms T0 T1: the wall time between two $EPOCHREALTIME stamps, in ms (bash's
# own clock: no date(1) process inside the measured interval)
ms() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f\n", (b - a) * 1000}'; }

# timed SIDE DIR CMD...: run CMD in DIR under /usr/bin/time, stdout to
# $W/SIDE.out; append the wall time (ms) to $W/SIDE.t and the peak RSS
# (KiB) to $W/SIDE.rss.  Every timed command, the openssl limits included,
# goes through here, so each pays the same wrapper overhead.
timed() {
	local side=$1 dir=$2 t0 t1
	shift 2
	t0=$EPOCHREALTIME
	# shellcheck disable=SC2086
	(cd "$dir" && exec ${WRAP:-} /usr/bin/time -f '%M' -o "$W/$side.time" "$@") \
		>"$W/$side.out" 2>"$W/$side.err" ||
		{ echo "bench/all.sh: $side failed: $*" >&2; cat "$W/$side.err" >&2; exit 1; }
	t1=$EPOCHREALTIME
	ms "$t0" "$t1" >>"$W/$side.t"
	tail -1 "$W/$side.time" >>"$W/$side.rss"
}

# limit_setup ALG streams|halves FILE...: the pure-hash limit of a row's
# input bytes, `openssl dgst -ALG` of them in one process (lim1) and in two
# concurrent processes (lim2).  "streams": the work is one digest per file
# (a SHA stream cannot be split), so lim2 hashes the files in two sets
# split greedily by size; "halves": the work is independent blocks, so
# lim2 hashes the first and the second half of the bytes ($W/half.0 and
# $W/half.1, cut with dd).  limit_run runs one of each; limit_done sets
# $lim1 and $lim2 to the medians.
limit_setup() {
	local mode=$2 f s sa=0 sb=0 total=0 h off k n
	lim_alg=$1
	shift 2
	lim_all=("$@") lim_a=() lim_b=()
	rm -f "$W/lim1.t" "$W/lim2.t" "$W/half.0" "$W/half.1"
	if [ "$mode" = halves ]; then
		for f in "$@"; do total=$((total + $(stat -c %s "$f"))); done
		h=$((total / 2)) off=0
		: >"$W/half.0"; : >"$W/half.1"
		for f in "$@"; do
			s=$(stat -c %s "$f")
			# the part of [off, off + s) below h goes to half.0
			k=$((h > off ? (h - off < s ? h - off : s) : 0))
			[ "$k" -gt 0 ] && dd if="$f" iflag=count_bytes bs=1M count="$k" status=none >>"$W/half.0"
			n=$((s - k))
			[ "$n" -gt 0 ] && dd if="$f" iflag=skip_bytes,count_bytes bs=1M skip="$k" count="$n" status=none >>"$W/half.1"
			off=$((off + s))
		done
		lim_a=("$W/half.0") lim_b=("$W/half.1")
		return
	fi
	for f in $(for g in "$@"; do echo "$(stat -c %s "$g") $g"; done | sort -rn | cut -d' ' -f2); do
		s=$(stat -c %s "$f")
		if [ "$sa" -le "$sb" ]; then lim_a+=("$f"); sa=$((sa + s)); else lim_b+=("$f"); sb=$((sb + s)); fi
	done
}
limit_run() {
	local t0 t1
	timed lim1 "$W" openssl dgst "-$lim_alg" "${lim_all[@]}"
	if [ ${#lim_b[@]} -gt 0 ]; then
		t0=$EPOCHREALTIME
		# shellcheck disable=SC2086
		(exec ${WRAP:-} /usr/bin/time -f '%M' -o "$W/lim2a.time" openssl dgst "-$lim_alg" "${lim_a[@]}" >/dev/null) &
		# shellcheck disable=SC2086
		(exec ${WRAP:-} /usr/bin/time -f '%M' -o "$W/lim2b.time" openssl dgst "-$lim_alg" "${lim_b[@]}" >/dev/null)
		wait
		t1=$EPOCHREALTIME
		ms "$t0" "$t1" >>"$W/lim2.t"
	fi
}
limit_done() {
	lim1=$(median <"$W/lim1.t")
	if [ -s "$W/lim2.t" ]; then
		lim2=$(median <"$W/lim2.t")
	else
		lim2=$lim1 # one file, one stream: no second core helps
	fi
	rm -f "$W/half.0" "$W/half.1"
}

# The targets (issue 18): each row sets TARGET before row() runs, one of
#   "<=N ms"     podvm's median at most N ms (snp: 30, cca sha256: 60)
#   "<=lim2"     podvm at most the two-core pure-hash limit of its bytes
#   ">=oracle"   podvm faster than its oracle (igvmgen: its time is
#                writing and fsyncing its 40 MB output, not hashing)
# verdict PODVM_MS ORACLE_MS: sets $met to met, MISSED or - (the oracle
# target without an oracle); after the table, the rows that missed are
# named.  Like every figure here, a verdict never changes the exit status.
missed=()
verdict() {
	local om=$1 bound
	case "$TARGET" in
	"<=lim2") bound=$lim2 ;;
	">=oracle") bound=$2 ;;
	"<="*" ms") bound=${TARGET#<=} bound=${bound% ms} ;;
	*) echo "bench/all.sh: unknown TARGET '$TARGET'" >&2; exit 2 ;;
	esac
	met=-
	[ -z "$bound" ] || met=$(awk -v a="$om" -v b="$bound" 'BEGIN {print (a + 0 <= b + 0) ? "met" : "MISSED"}')
	[ "$met" != MISSED ] || missed+=("$work")
}

fail=0
table=()
# row WORK "ALG streams|halves LIMIT-FILES..." ORACLE_DIR|"" (ORACLE... ---) PODVM...
#   with $oracle_val / $ours_val: functions printing the compared value
#   of $W/oracle.out and $W/ours.out; ORACLE_SELFTIME=1: the oracle's
#   first output field is its own time in ms (in-process figures).
#   One warm-up run of each side (page cache, outputs checked too), then
#   RUNS rounds of: oracle, podvm, openssl on one core, on two cores.
row() {
	local work=$1 lim=$2 odir=$3 i l0 l1 o=() ot om oo ou rr same=equal
	shift 3
	while [ "$1" != --- ]; do o+=("$1"); shift; done
	shift
	rm -f "$W"/oracle.t "$W"/oracle.rss "$W"/ours.t "$W"/ours.rss
	# shellcheck disable=SC2086
	limit_setup $lim
	cat "${lim_all[@]}" >/dev/null
	l0=$(load)
	for ((i = 0; i <= RUNS; i++)); do
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
		limit_run
		if [ "$i" = 0 ]; then # the warm-up round is not counted
			rm -f "$W"/oracle.t "$W"/oracle.rss "$W"/ours.t "$W"/ours.rss \
				"$W"/lim1.t "$W"/lim1.rss "$W"/lim2.t
		fi
	done
	l1=$(load)
	limit_done
	om=$(median <"$W/ours.t")
	ot=
	[ -z "$odir" ] || ot=$(median <"$W/oracle.t")
	verdict "$om" "$ot"
	rr=
	[ -z "$odir" ] || rr=$(median <"$W/oracle.rss")
	# one line whether or not the oracle ran: its columns are "not given"
	# and "-" without it
	table+=("$(awk -v w="$work" -v ot="$ot" -v om="$om" -v l1="$lim1" -v l2="$lim2" \
		-v ro="$rr" -v ru="$(median <"$W/ours.rss")" -v la="$l0-$l1" -v same="${odir:+$same}" \
		-v tg="$TARGET" -v vd="$met" 'BEGIN {
		if (ot == "") { os = "not given"; r = "-"; ros = "-"; same = "-" }
		else { os = sprintf("%.1f", ot); r = sprintf("%.1fx", ot / om); ros = sprintf("%d", ro) }
		printf "%-36s %10s %9.1f %8s %7.1f %7.1f %6.2fx %6.2fx %9s %9d  %-7s %-13s %-6s %s\n",
			w, os, om, r, l1, l2, om / l1, om / l2, ros, ru, same, tg, vd, la }')")
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
TARGET="<=lim2"
if ! want verity; then
	:
elif [ -x "$VERITYSETUP" ]; then
	row "verity format ${VERITY_GIB} GiB" "sha256 halves $W/vdata" "$W" \
		"$VERITYSETUP" format --salt=$SALT --uuid=$UUID "$W/vdata" "$W/vhash.o" --- \
		"$V" format --salt=$SALT --uuid=$UUID "$W/vdata" "$W/vhash.p"
else
	row "verity format ${VERITY_GIB} GiB" "sha256 halves $W/vdata" "" --- \
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
TARGET=">=oracle"
want igvmgen && row "igvmgen clh, 8+32 MiB" "sha384 halves $W/bz $W/initrd" "${IGVM_TOOLING:+$W/igvm-tooling}" "${IGO[@]}" --- \
	"$G" build --vmm clh --kernel "$W/bz" --initrd "$W/initrd" --cmdline console=ttyS0 \
	--pvalidate-opt no --acpi-pages "$ACPI" -o "$W/p.igvm"

# ---- measure snp, QEMU + OVMF direct boot, 4 vCPUs ---------------------
SNP=(--mode snp --vcpus 4 --vcpu-type EPYC-v4 --ovmf "$W/ovmf.fd"
     --kernel "$W/kernel" --initrd "$W/initrd" --append console=ttyS0)
oracle_val() { awk '{print $NF}' "$W/oracle.out" | tr 'A-F' 'a-f' | tail -1; }
ours_val() { tr -d '\n' <"$W/ours.out"; }
TARGET="<=30 ms"
if ! want snp; then
	:
elif [ -n "${SEV_SNP_MEASURE:-}" ]; then
	[ -f "$SEV_SNP_MEASURE/sev-snp-measure.py" ] ||
		{ echo "bench/all.sh: SEV_SNP_MEASURE=$SEV_SNP_MEASURE has no sev-snp-measure.py" >&2; exit 1; }
	row "snp direct boot, 8+32 MiB, 4 vCPUs" "sha256 streams $W/kernel $W/initrd" "$SEV_SNP_MEASURE" \
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
	ORACLE_SELFTIME=1 row "snp, oracle in-process" "sha256 streams $W/kernel $W/initrd" "$SEV_SNP_MEASURE" \
		python3 "$W/inproc.py" "$W" --- "$M" snp "${SNP[@]}"
else
	row "snp direct boot, 8+32 MiB, 4 vCPUs" "sha256 streams $W/kernel $W/initrd" "" --- "$M" snp "${SNP[@]}"
fi

# ---- measure cca, kvmtool EAC5, 256 MiB realm (bench/cca.sh's) --------
# the arm64 Image header of tests/cli/gen.sh, then 30 MiB of keystream
. "$top/tests/cli/gen.sh"
gen_image 30 $(( (30 << 20) + 4567 )) $((32 << 20)) >"$W/Image"
gen_bytes 20 $(( (20 << 20) + 999 )) >"$W/cinitrd"
oracle_val() { sed -n 's/^RIM: //p' "$W/oracle.out" | tr 'A-F' 'a-f'; }
ours_val() { tr -d '\n' <"$W/ours.out"; }
CCA=(cca --vmm kvmtool --rmm 1.0-eac5 -k "$W/Image" -i "$W/cinitrd" -m 256M -c 1)
if want cca; then
	mkdir -p "$W/lkvm"
	for alg in sha256 sha512; do
		# the issue's 60 ms is for SHA-256; SHA-512 has twice the hashing
		if [ "$alg" = sha256 ]; then TARGET="<=60 ms"; else TARGET="<=lim2"; fi
		if [ -n "${LKVM_RIM_MEASURER:-}" ]; then
			cp "$W/Image" "$W/lkvm/Image"; cp "$W/cinitrd" "$W/lkvm/initrd"
			row "cca kvmtool $alg, 30+20 MiB in 256M" "$alg halves $W/Image $W/cinitrd" "$W/lkvm" \
				"$LKVM_RIM_MEASURER" run --realm --measurement-algo=$alg --disable-sve \
				--console serial -m 256M -c 1 -k Image -i initrd --- \
				"$M" "${CCA[@]}" --measurement-algo $alg
		else
			row "cca kvmtool $alg, 30+20 MiB in 256M" "$alg halves $W/Image $W/cinitrd" "" --- \
				"$M" "${CCA[@]}" --measurement-algo $alg
		fi
	done
fi

# ---- measure tdx (bench/tdx.sh's cases, when that bench exists) --------
if want tdx && [ -f "$top/bench/tdx.sh" ] && [ -x "$TDXGEN" ]; then
	"$TDXGEN" fw "$W/tdvf.fd" 4194304 7
	"$TDXGEN" pe "$W/tdkernel" 6291456 4096 0 16 8
	printf 'console=ttyS0' >"$W/cmdline"
	oracle_val() { sed -n 's/^Name: \(MRTD\|RTMR1\|RTMR2\)//p' "$W/oracle.out" | tr 'A-F' 'a-f' | tr -s ' \n' ' ' | sed 's/^ //; s/ $//'; }
	ours_val() { awk '$1 == "mrtd:" || $1 == "rtmr1:" || $1 == "rtmr2:" { print $2 }' "$W/ours.out" | tr -s ' \n' ' ' | sed 's/ $//'; }
	TARGET="<=lim2"
	TDX=(tdx --firmware "$W/tdvf.fd" --kernel "$W/tdkernel" --append console=ttyS0)
	if [ -n "${CALCULATE_TDX_MRS:-}" ]; then
		row "tdx MRTD+RTMR1/2, 4+12 MiB" "sha384 streams $W/tdvf.fd $W/tdkernel" "$W" \
			"$CALCULATE_TDX_MRS" --ovmf "$W/tdvf.fd" --kernel "$W/tdkernel" \
			--cmdline "$W/cmdline" -m 0,2,3 --summary --- "$M" "${TDX[@]}"
	else
		row "tdx MRTD+RTMR1/2, 4+12 MiB" "sha384 streams $W/tdvf.fd $W/tdkernel" "" --- "$M" "${TDX[@]}"
	fi
fi

printf '\n%-36s %10s %9s %8s %7s %7s %7s %7s %9s %9s  %-7s %-13s %-6s %s\n' work "oracle ms" "podvm ms" ratio \
	"lim1 ms" "lim2 ms" "x lim1" "x lim2" "RSS o KiB" "RSS p KiB" outputs target met "load (1 min, before-after)"
for r in "${table[@]}"; do echo "$r"; done
echo "medians of $RUNS alternating rounds after a warm-up (wall ms; the oracle of \"snp, oracle in-process\": calc_launch_digest alone);"
echo "ratio = oracle / podvm; lim1/lim2: openssl dgst of the row's input bytes on one core / two cores; x lim = podvm / lim (bench/README.md)"
echo "$(nproc) CPUs, load average now $(cut -d' ' -f1-3 /proc/loadavg)${WRAP:+; every timed command ran under \"$WRAP\"}"
if [ ${#missed[@]} -eq 0 ]; then
	echo "every row met its target"
else
	echo "target MISSED by: $(printf '%s; ' "${missed[@]}" | sed 's/; $//')"
fi
if [ "$fail" != 0 ]; then
	echo "bench/all.sh: some outputs DIFFER (above)" >&2
	exit 1
fi
