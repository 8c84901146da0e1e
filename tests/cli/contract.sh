#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# contract.sh - the CLI contract of podvm(7), checked on the probe tool and
# on every command of every real tool (commands are read from --help, so a
# new command is covered as soon as it is registered).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gen.sh"

version=$(sed -n "s/^ *version: '\(.*\)',/\1/p" "$SRCDIR/meson.build")

# --- the probe: every branch of lib/core/cli.c ---------------------------
run "$PROBE" echo hello
expect_rc 0 "probe echo exits 0"
expect_out "hello" "probe echo prints its word"
run "$PROBE" echo -n 2 --json hi there
expect_out '{
  "word": "hi",
  "operands": 2
}
{
  "word": "hi",
  "operands": 2
}' "probe --json prints JSON, options after operands work"
run "$PROBE" echo --count
expect_rc 2 "missing option argument exits 2"
expect_err_has "cli-probe: echo: option '--count' needs an argument" "missing argument message"
expect_err_has "Usage: cli-probe echo" "usage on stderr after a usage error"
run "$PROBE" echo -n 11 x
expect_rc 2 "out-of-range option value exits 2"
expect_err_has "cli-probe: echo: --count: 11 is more than 10" "range message"
run "$PROBE" echo -x w
expect_rc 2 "unknown short option exits 2"
expect_err_has "cli-probe: echo: unknown option '-x'" "unknown short option message"
run "$PROBE" echo
expect_rc 2 "missing operand exits 2"
expect_err_has "missing argument (expected 1, got 0)" "missing operand message"
run "$PROBE" echo a b c
expect_rc 2 "extra operand exits 2"
expect_err_has "unexpected argument 'c'" "extra operand message"
run "$PROBE" fail
expect_rc 1 "a failure exits 1"
expect_out "" "a failure prints nothing on stdout"
expect_err_has "cli-probe: fail: in.bin: offset 0x10: bad magic" "TOOL: CONTEXT: MESSAGE"
run "$PROBE" fail --verify
expect_rc 3 "a verification failure exits 3"
run "$PROBE" write "$T/a.txt" "complete"
expect_rc 0 "atomic write succeeds"
check "atomic write wrote the whole text" test "$(cat "$T/a.txt")" = complete
run "$PROBE" write --fail "$T/b.txt" "complete"
expect_rc 1 "interrupted write exits 1"
check "interrupted write leaves no file" test ! -e "$T/b.txt"
run "$PROBE" write --fail "$T/a.txt" "other"
check "interrupted write keeps the old file" test "$(cat "$T/a.txt")" = complete
check "no temporary files are left" test "$(ls -A "$T" | grep -c '^\.')" = 0
run "$PROBE" write "$T/no/such/dir" x
expect_rc 1 "unwritable output exits 1"
expect_err_has "no/such/dir: cannot create: No such file or directory" "unwritable output names the path"

# --- the probe's option table: every kind, every rule (core/cli.h) -------
run "$PROBE" table --name x -n 3 -s 2K --key 0a0B0c0d --mode fast -i in -o out \
	--word abc -b --vmm clh --arch amd op1 -- -op2
expect_rc 0 "table: every kind of option parses"
expect_out "count=3 size=2048 key=4:0a0b0c0d mode=fast
in=in out=out word=abc name=x a=0 b=1 c=0 vmm=clh arch=amd
given=1aff operands=2 op1 -op2" "table: every value is stored, the given ones are known"
run "$PROBE" table --name x
expect_out "count=1 size=0 key=0:00000000 mode=exact
in=- out=- word= name=x a=0 b=0 c=0 vmm=- arch=-
given=80 operands=0" "table: defaults are kept when an option is not given"
# a bad value: exit 2, "TOOL: CMD: --name: MESSAGE", the usage, no stdout
while IFS='|' read -r args msg; do
	# shellcheck disable=SC2086
	run "$PROBE" table --name x $args
	expect_rc 2 "table: $args exits 2"
	expect_err_has "cli-probe: table: $msg" "table: $args: message"
	check "table: $args prints nothing on stdout" test ! -s "$T/out"
	expect_err_has "Usage: cli-probe table" "table: $args: usage on stderr"
done <<'END'
-n 0|--count: 0 is less than 1
-n 11|--count: 11 is more than 10
--count=x|--count: 'x': expected a whole number
-n 70000|--count: 70000 is more than 10
-s 700|--size: 700 is not a multiple of 512
-s 2T|--size: 2T is more than 1073741824 bytes
-s 1q|--size: unknown size suffix 'q'
--key 0a0b|--key: 2 bytes of hex, expected 4
--key 0a0b0c0z|--key: not a hex digit at position 8
--key 0a0b0c0d0e|--key: 5 bytes of hex, at most 4 allowed
--mode medium|--mode: 'medium', expected fast, slow or exact
--in=|--in: an empty file name
-o|option '-o' needs an argument
--word ABC|--word: 'ABC': lower-case letters only
-a|--a needs --b
-a -b -o f|--out and --a exclude each other
-b --c|--b and --c exclude each other (they disagree)
--arch amd|--arch is only for --vmm clh
--vmm qemu --arch amd|--arch is only for --vmm clh
--other-only|unknown option '--other-only'
END
run "$PROBE" table
expect_rc 2 "table: a required option missing exits 2"
expect_err_has "cli-probe: table: --name is required (a test)" "table: the required option is named, with why"
run "$PROBE" table --help
expect_rc 0 "table --help exits 0"
expect_out "Usage: cli-probe table [OPTION]... --name TEXT [ARG]...
Print every option's value.

  -n, --count=N            print N times, 1..10
  -s, --size=SIZE          a size: K/M/G/T suffix or a number of bytes, a
                           multiple of 512, at most 1G; this help text is long
                           so that it wraps
      --key=HEX            exactly 4 bytes
      --mode=fast|slow|exact
                           how
  -i, --in=FILE            input
  -o, --out=FILE           output
      --word=WORD          lower-case letters
      --name=TEXT          required
  -a, --a                  needs -b
  -b, --b
      --c                  not with -b
      --vmm=qemu|clh       the loader
      --arch=intel|amd     CPU vendor

Exit 2 on any bad value." "table --help: the usage generated from the table, wrapped at 79"

# --- stdout: a lost result is a failure (gnulib's close_stdout) ----------
run_to /dev/full "$PROBE" echo hello
expect_rc 1 "a result written to a full disk exits 1"
expect_err_has "cli-probe: stdout: write error: No space left on device" "the write error is named"
run_to /dev/full "$PROBE" echo --json hello
expect_rc 1 "JSON written to a full disk exits 1"
run_to /dev/full "$PROBE" fail --verify
expect_rc 3 "a write error keeps a failure's own status"
run_to - "$PROBE" fail
expect_rc 1 "nothing written to a closed stdout: the command's status"
check "nothing written to a closed stdout: no write error" \
	eval '! grep -q "write error" "$T/err"'
run_to - "$PROBE" table --name x
expect_rc 1 "a result written to a closed stdout exits 1"
expect_err_has "cli-probe: stdout: write error: Bad file descriptor" "closed stdout message"
run_to /dev/full "$PROBE" --help
expect_rc 1 "--help to a full disk exits 1, as coreutils"

# --- every tool, every command -------------------------------------------
# the commands whose options do not come from a table yet (core/cli.h)
no_table=""
for tool in igvmgen measure veritysetup; do
	var=$(echo "$tool" | tr a-z A-Z)
	bin=${!var}
	run "$bin" --help
	expect_rc 0 "$tool --help exits 0"
	expect_out_has "Usage: $tool COMMAND" "$tool --help prints usage on stdout"
	check "$tool --help prints nothing on stderr" test ! -s "$T/err"
	run "$bin" --version
	expect_out "$tool (podvm) $version" "$tool --version"
	run "$bin"
	expect_rc 2 "$tool without a command exits 2"
	expect_err_has "$tool: missing command" "$tool without a command says so"
	run "$bin" no-such-command
	expect_rc 2 "$tool with an unknown command exits 2"
	expect_err_has "$tool: unknown command 'no-such-command'" "$tool unknown command message"
	run "$bin" --no-such-option
	expect_rc 2 "$tool with an unknown option exits 2"
	cmds=$("$bin" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p')
	# and the subcommands a command's usage names ("measure snp id-block")
	subs=$(for cmd in $cmds; do
		"$bin" "$cmd" --help |
			sed -nE "s/^(Usage:)? *$tool $cmd ([a-z][a-z0-9-]*)( .*)?\$/$cmd:\\2/p"
	done)
	for cmd in $cmds $subs; do
		# words of the command line; messages name the command ("snp")
		words=${cmd/:/ } ctx=${cmd%%:*} cmd=${cmd/:/ }
		# shellcheck disable=SC2086
		run "$bin" $words --help
		expect_rc 0 "$tool $cmd --help exits 0"
		expect_out_has "Usage: $tool $cmd" "$tool $cmd --help prints its usage"
		# shellcheck disable=SC2086
		run "$bin" $words --no-such-option
		expect_rc 2 "$tool $cmd --no-such-option exits 2"
		expect_err_has "$tool: $ctx: unknown option '--no-such-option'" \
			"$tool $cmd names the unknown option"
		# shellcheck disable=SC2086
		run "$bin" $words --version
		expect_out "$tool (podvm) $version" "$tool $cmd --version"
		# shellcheck disable=SC2086
		run_to /dev/full "$bin" $words --help
		expect_rc 1 "$tool $cmd --help to a full disk exits 1"
		expect_err_has "$tool: stdout: write error" "$tool $cmd --help names the write error"
		# a bad value of every option whose argument has a type (read
		# from the usage), alone: exit 2, "TOOL: CMD: --opt: ", nothing
		# on stdout; the value is checked before any option is missed
		# shellcheck disable=SC2086
		"$bin" $words --help |
			grep -oE -- '--[a-z0-9-]+[= ]([A-Z][A-Z0-9_]*|[A-Za-z0-9.:=-]+(\|[A-Za-z0-9.:=-]+)+|[A-Z]+\|[-A-Z]+)' |
			sort -u >"$T/typed"
		while read -r spec; do
			opt=${spec%%[= ]*} ph=${spec#*[= ]}
			case $ph in
			N | BYTES | SIZE | BITS | EIP | N\|*) bad=1x2 ;;
			HEX | HEX\|*) bad=xyz ;;
			*\|*) bad=no-such-value ;;
			*) continue ;;
			esac
			# shellcheck disable=SC2086
			run "$bin" $words "$opt=$bad"
			expect_rc 2 "$tool $cmd $opt=$bad exits 2"
			# commands without an option table yet only name the option
			want="$tool: $ctx: $opt: "
			case " $no_table " in *" $tool:$cmd "*) want="$tool: $ctx: " ;; esac
			check "$tool $cmd $opt=$bad: '$want' and nothing on stdout" \
				eval 'head -1 "$T/err" | grep -qF -- "$want" && test ! -s "$T/out"'
			check "$tool $cmd $opt=$bad: the message names $opt" \
				eval 'head -1 "$T/err" | grep -qF -- "$opt"'
		done <"$T/typed"
	done
done
check "the audit reaches the subcommands of measure snp" \
	eval '"$MEASURE" snp --help | grep -q "measure snp id-block" && "$MEASURE" snp --help | grep -q "measure snp ap-eip"'

# --- a missing required option, or a value out of its range alone: exit 2,
# naming the option; a value is checked before any input is read or a
# required option is missed (one rule for --threads in every tool:
# 1..1024, absent means all CPUs)
LD=$(printf '%096d' 0)
while IFS='|' read -r tool msg args; do
	var=$(echo "$tool" | tr a-z A-Z)
	# shellcheck disable=SC2086
	run "${!var}" $args
	expect_rc 2 "$tool $args: exits 2"
	expect_err_has "$msg" "$tool $args: the message names the option"
	check "$tool $args: nothing on stdout" test ! -s "$T/out"
done <<END
igvmgen|igvmgen: build: --kernel|build --vmm qemu -o $T/x.igvm
igvmgen|igvmgen: build: --vmm|build --kernel $T/k -o $T/x.igvm
igvmgen|igvmgen: build: --output|build --kernel $T/k --vmm qemu
igvmgen|igvmgen: initrd: --output|initrd --root $T
igvmgen|igvmgen: initrd: --root|initrd -o $T/x.cpio
measure|measure: artifacts: --config is required|artifacts --image a --image-version 1 $T
measure|measure: artifacts: --image is required|artifacts --config $T/c --image-version 1 $T
measure|measure: artifacts: --image-version is required|artifacts --config $T/c --image a $T
measure|measure: cca: --rmm is required|cca --vmm kvmtool -k $T/k
measure|measure: cca: --vmm is required|cca --rmm 1.0 -k $T/k
measure|measure: cca: give the kernel (-k) or, for a firmware boot, --firmware|cca --rmm 1.0 --vmm kvmtool -m 1G -c 1
measure|measure: cca: --mem is required|cca --rmm 1.0 --vmm kvmtool -k $T/k -c 1
measure|measure: cca: --cpus is required|cca --rmm 1.0 --vmm kvmtool -k $T/k -m 1G
measure|measure: refvalues: --config is required|refvalues $T
measure|measure: snp: --ovmf|snp --vcpus 1
measure|measure: snp: missing --vcpus|snp --ovmf $T/ovmf
measure|measure: snp: --measurement is required|snp id-block --idkey $T/k
measure|measure: snp: --idkey is required|snp id-block --measurement $LD
measure|measure: snp: --ovmf is required|snp ap-eip
measure|measure: snp: --ap-eip needs --extend-digest|snp --ap-eip 0080b004 --vcpus 1
measure|measure: snp: --extend-digest needs --ap-eip|snp --extend-digest $LD --vcpus 1
veritysetup|veritysetup: verify: give the root hash|verify $T/d $T/h
measure|measure: cca: --sve-vl: 100 is less than 128|cca --sve-vl=100
measure|measure: cca: --sve-vl: 4096 is more than 2048|cca --sve-vl=4096
measure|measure: cca: --sve-vl: 200 is not a multiple of 128|cca --sve-vl=200
measure|measure: cca: --pmu-counters: 99 is more than 31|cca --pmu-counters=99
measure|measure: cca: --num-bps: 99 is more than 16|cca --num-bps=99
measure|measure: cca: --num-wps: 99 is more than 16|cca --num-wps=99
measure|measure: cca: --num-bps: 0 is less than 1|cca --num-bps=0
measure|measure: cca: --ipa-bits: 99 is more than 52|cca --ipa-bits=99
measure|measure: cca: --ipa-bits: 10 is less than 32|cca --ipa-bits=10
measure|measure: cca: --mem: 0 is less than 4096|cca -m 0
measure|measure: cca: --mem: 1025K is not a multiple of 4096|cca -m 1025K
measure|measure: cca: --mem: 2T is more than 1099511627776 bytes|cca -m 2T
measure|measure: cca: --cpus: 0 is less than 1|cca -c 0
measure|measure: cca: --rmm: 1.0-v12: the Linux v12 host|cca --rmm 1.0-v12
measure|measure: cca: --threads: 0 is less than 1|cca --threads=0
measure|measure: cca: --threads: 1025 is more than 1024|cca --threads=1025
measure|measure: snp: --threads: 0 is less than 1|snp --threads=0
measure|measure: snp: --threads: 1025 is more than 1024|snp --threads=1025
measure|measure: snp: --vcpus: a guest needs at least 1 vCPU|snp --vcpus=0
measure|measure: snp: --vcpus: 1025 is more than 1024|snp --vcpus=1-1025
measure|measure: snp: --vcpu-family: 271 is more than 270|snp --vcpu-family=271
measure|measure: snp: --vcpu-model: 256 is more than 255|snp --vcpu-model=256
measure|measure: snp: --vcpu-stepping: 16 is more than 15|snp --vcpu-stepping=16
measure|measure: snp: --snp-ovmf-hash: 2 bytes of hex, expected 48|snp --snp-ovmf-hash=abcd
measure|measure: snp: --extend-digest: 2 bytes of hex, expected 48|snp --extend-digest=abcd
measure|measure: snp: --ap-eip: 4294967296 is more than 4294967295|snp --ap-eip=100000000
measure|measure: snp: --vmm-type: unknown VMM type 'kvm'|snp --vmm-type=kvm
measure|measure: snp: --mode: mode 'sev' (SEV, SEV-ES) is not supported|snp --mode=sev
measure|measure: snp: --vmm: kvm: expected qemu or clh|snp --vmm=kvm
measure|measure: snp: --measurement: expected 48 bytes|snp id-block --measurement=abc
measure|measure: snp: --family-id: 2 bytes of hex, expected 16|snp id-block --family-id=abcd
measure|measure: snp: --guest-svn: 4294967296 is more than 4294967295|snp id-block --guest-svn=4294967296
veritysetup|veritysetup: format: --threads: 0 is less than 1|format --threads=0
veritysetup|veritysetup: format: --threads: 1025 is more than 1024|format --threads=1025
END

C=$SRCDIR/tests/fuzz/corpus/igvm
"$MKKERNEL" pattern "$T/data" 1048576 5
"$VERITYSETUP" format --salt=ab --root-hash-file="$T/root" "$T/data" "$T/hash" >/dev/null
"$MEASURE" snp --igvm "$C/v1-snp" --log "$T/log" >/dev/null
gen_cca_inputs "$T/Image" "$T/initrd"
# a small release (measure-release.sh's, one IGVM): artifacts, refvalues
mkdir -p "$T/rel"
cp "$C/v1-snp" "$T/rel/k.igvm"
cat >"$T/release.json" <<'JSON'
{
  "handlerPrefix": "contrast-cc",
  "installRoot": "/opt/podvm",
  "urlTemplate": "@@releaseBase@@/{image}/{version}/{name}",
  "integrity": "sha256",
  "files": { "k.igvm": { "path": "share/k.igvm" } },
  "snp": [ { "platform": "igvm-qemu-snp", "vmm": "qemu",
             "igvm": "k.igvm", "products": ["Milan"], "vcpus": [1, 2] } ]
}
JSON
cp -r "$T/rel" "$T/rel2"
for r in rel rel2; do
	"$MEASURE" artifacts --config "$T/release.json" --image pod --image-version 1 "$T/$r" 2>/dev/null &&
		"$MEASURE" refvalues --config "$T/release.json" "$T/$r" 2>/dev/null ||
		echo "# the release in $T/$r was not made"
done

# --- a missing input file: exit 1, naming it -----------------------------
N=$T/no-such-file
"$MKKERNEL" bzimage "$T/bz" 200000 0x020f 3 255
while IFS='|' read -r tool args; do
	var=$(echo "$tool" | tr a-z A-Z)
	# shellcheck disable=SC2086
	run "${!var}" $args
	expect_rc 1 "$tool $args: a missing input exits 1"
	expect_err_has "no-such-file" "$tool $args: the message names the file"
	check "$tool $args: nothing on stdout" test ! -s "$T/out"
done <<END
igvmgen|build --vmm qemu --kernel $N -o $T/x.igvm
igvmgen|build --vmm qemu --kernel $T/bz --initrd $N -o $T/x.igvm
igvmgen|build --vmm qemu --kernel $T/bz --cmdline-file $N -o $T/x.igvm
igvmgen|build --vmm qemu --kernel $T/bz --id-key $N -o $T/x.igvm
igvmgen|build --vmm clh --kernel $T/bz --acpi-pages $N -o $T/x.igvm
igvmgen|build --vmm clh --kernel $T/bz --acpi-dir $N -o $T/x.igvm
igvmgen|check $N
igvmgen|dump $N
igvmgen|initrd --root $N -o $T/x.cpio
measure|artifacts --config $N --image a --image-version 1 $T
measure|cca --vmm kvmtool --rmm 1.0 -k $N -m 256M -c 1
measure|diff $N $N
measure|drift $N $N
measure|refvalues --config $N $T
measure|snp --igvm $N
measure|snp --ovmf $N --vcpus 1 --vcpu-type EPYC-v4
measure|snp ap-eip --ovmf $N
measure|snp id-block --measurement $LD --idkey $N
measure|cca --vmm kvmtool --rmm 1.0 -k $T/Image -m 256M -c 1 --dtb $N
measure|verify $N
veritysetup|format $N $T/h
veritysetup|verify $N $N 00
veritysetup|dump $N
END
check "a failed command leaves no output file" \
	test ! -e "$T/x.igvm" -a ! -e "$T/x.cpio" -a ! -e "$T/h"

# --- every printing command, its result lost to a full disk: exit 1 -----
"$SNP_FWGEN" fw "$T/ovmf.fd" amdsev 65536 1 >/dev/null
while IFS='|' read -r tool args; do
	var=$(echo "$tool" | tr a-z A-Z)
	# shellcheck disable=SC2086
	run "${!var}" $args
	expect_rc 0 "$tool $args: exits 0"
	check "$tool $args: prints its result" test -s "$T/out"
	# shellcheck disable=SC2086
	run_to /dev/full "${!var}" $args
	expect_rc 1 "$tool $args >/dev/full exits 1"
	expect_err_has "$tool: stdout: write error: No space left on device" \
		"$tool $args >/dev/full names the write error"
done <<END
igvmgen|check $C/v1-snp
igvmgen|dump $C/v1-snp
igvmgen|dump --json $C/v1-snp
igvmgen|build --vmm qemu --kernel $T/bz -o $T/y.igvm --json
measure|snp --igvm $C/v1-snp
measure|snp --igvm $C/v1-snp --json
measure|diff $T/log $T/log
measure|diff --json $T/log $T/log
measure|cca --vmm kvmtool --rmm 1.0 -k $T/Image -i $T/initrd -m 256M -c 1
measure|cca --vmm kvmtool --rmm 1.0 -k $T/Image -i $T/initrd -m 256M -c 1 --json
measure|snp --ovmf $T/ovmf.fd --vcpus 1-2 --vcpu-type EPYC-v4
measure|snp --ovmf $T/ovmf.fd --vcpus 1 --vcpu-type EPYC-v4 --json
measure|snp id-block --measurement $LD --idkey $SRCDIR/tests/kat/snp/id_key.pem
measure|snp ap-eip --ovmf $T/ovmf.fd
measure|snp ap-eip --ovmf $T/ovmf.fd --json
measure|snp --extend-digest $LD --ap-eip 0080b004 --vcpus 1-2 --vcpu-type EPYC-v4
measure|verify $T/rel/refvalues.json
measure|verify --json $T/rel/refvalues.json
measure|drift $T/rel/refvalues.json $T/rel2/refvalues.json
measure|drift --json $T/rel/refvalues.json $T/rel2/refvalues.json
veritysetup|format --salt=ab $T/data $T/hash2
veritysetup|format --salt=ab --json $T/data $T/hash2
veritysetup|dump $T/hash
veritysetup|dump --json $T/hash
veritysetup|verify --json --root-hash-file=$T/root $T/data $T/hash
END
# a JSON document larger than stdout's buffer fails inside the print, and
# the reason is not known at the final close (core/cli.c): no "REASON"
run_to /dev/full "$MEASURE" snp id-block --measurement "$LD" \
	--idkey "$SRCDIR/tests/kat/snp/id_key.pem" --json
expect_rc 1 "measure snp id-block --json >/dev/full exits 1"
expect_err_has "measure: stdout: write error" "measure snp id-block --json >/dev/full names the write error"
run_to - "$VERITYSETUP" verify --root-hash-file="$T/root" "$T/data" "$T/hash"
expect_rc 0 "a command that prints nothing exits 0 with stdout closed"
run_to /dev/full "$IGVMGEN" build --vmm qemu --kernel "$T/bz" -o "$T/y.igvm"
expect_rc 0 "igvmgen build without --json prints nothing: stdout full, exit 0"
mkdir -p "$T/tree"
run_to /dev/full "$IGVMGEN" initrd --root "$T/tree" -o "$T/y.cpio"
expect_rc 0 "igvmgen initrd prints nothing: stdout full, exit 0"
# the release commands write their result to a file, never to stdout: a
# full stdout loses nothing; -o onto a full device is a failure (a device
# of our own when root: a regression must not replace the real /dev/full)
if [ "$(id -u)" = 0 ]; then mknod "$T/full" c 1 7; FULL=$T/full; else FULL=/dev/full; fi
for cmd in artifacts refvalues; do
	rm -f "$T/rel/$cmd.json"
	if [ $cmd = artifacts ]; then args="--image pod --image-version 1"; else args=; fi
	# shellcheck disable=SC2086
	run_to /dev/full "$MEASURE" $cmd --config "$T/release.json" $args "$T/rel"
	expect_rc 0 "measure $cmd >/dev/full exits 0: it prints nothing"
	check "measure $cmd >/dev/full writes $cmd.json" test -s "$T/rel/$cmd.json"
	expect_err_has "measure: $cmd: " "measure $cmd says what it wrote on stderr"
	# shellcheck disable=SC2086
	run "$MEASURE" $cmd --config "$T/release.json" $args -o "$FULL" "$T/rel"
	expect_rc 1 "measure $cmd -o a full device exits 1"
	expect_err_has "measure: $cmd: $FULL: cannot write: No space left on device" \
		"measure $cmd -o a full device names the write error"
	check "measure $cmd -o a full device leaves the device" test -c "$FULL"
done
run "$MEASURE" verify "$T/rel/refvalues.json"
expect_rc 0 "the release made again verifies"
finish
