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
# measure cca and snp check values after their required options, so the
# message of a bad value names those: issue 13 phase 2 moves them to tables
late_values="measure:cca measure:snp"
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
	for cmd in $cmds; do
		run "$bin" "$cmd" --help
		expect_rc 0 "$tool $cmd --help exits 0"
		expect_out_has "Usage: $tool $cmd" "$tool $cmd --help prints its usage"
		run "$bin" "$cmd" --no-such-option
		expect_rc 2 "$tool $cmd --no-such-option exits 2"
		expect_err_has "$tool: $cmd: unknown option '--no-such-option'" \
			"$tool $cmd names the unknown option"
		run "$bin" "$cmd" --version
		expect_out "$tool (podvm) $version" "$tool $cmd --version"
		run_to /dev/full "$bin" "$cmd" --help
		expect_rc 1 "$tool $cmd --help to a full disk exits 1"
		expect_err_has "$tool: stdout: write error" "$tool $cmd --help names the write error"
		# a bad value of every option whose argument has a type (read
		# from the usage): exit 2, "TOOL: CMD: ", nothing on stdout
		"$bin" "$cmd" --help |
			grep -oE -- '--[a-z0-9-]+[= ]([A-Z][A-Z0-9_]*|[a-z0-9.:=-]+(\|[a-z0-9.:=-]+)+|[A-Z]+\|[-A-Z]+)' |
			sort -u >"$T/typed"
		while read -r spec; do
			opt=${spec%%[= ]*} ph=${spec#*[= ]}
			case $ph in
			N | BYTES | SIZE | BITS | EIP | N\|*) bad=1x2 ;;
			HEX | HEX\|*) bad=xyz ;;
			*\|*) bad=no-such-value ;;
			*) continue ;;
			esac
			run "$bin" "$cmd" "$opt=$bad"
			expect_rc 2 "$tool $cmd $opt=$bad exits 2"
			check "$tool $cmd $opt=$bad: 'TOOL: CMD:' and nothing on stdout" \
				eval 'head -1 "$T/err" | grep -q "^$tool: $cmd: " && test ! -s "$T/out"'
			case " $late_values " in *" $tool:$cmd "*) continue ;; esac
			check "$tool $cmd $opt=$bad: the message names $opt" \
				eval 'head -1 "$T/err" | grep -qF -- "$opt"'
		done <"$T/typed"
	done
done

# --- a missing required option: exit 2, naming it ------------------------
while IFS='|' read -r tool msg args; do
	var=$(echo "$tool" | tr a-z A-Z)
	# shellcheck disable=SC2086
	run "${!var}" $args
	expect_rc 2 "$tool $args: a missing option exits 2"
	expect_err_has "$msg" "$tool $args: the message names it"
	check "$tool $args: nothing on stdout" test ! -s "$T/out"
done <<END
igvmgen|igvmgen: build: --kernel|build --vmm qemu -o $T/x.igvm
igvmgen|igvmgen: build: --vmm|build --kernel $T/k -o $T/x.igvm
igvmgen|igvmgen: initrd: --root|initrd -o $T/x.cpio
measure|measure: artifacts: --config|artifacts --image a --image-version 1 $T
measure|measure: cca: --rmm|cca --vmm kvmtool -k $T/k
measure|measure: refvalues: --config|refvalues $T
measure|measure: snp: --ovmf|snp --vcpus 1
measure|measure: snp: missing --vcpus|snp --ovmf $T/ovmf
veritysetup|veritysetup: verify: give the root hash|verify $T/d $T/h
END

# --- a missing input file: exit 1, naming it -----------------------------
N=$T/no-such-file
while IFS='|' read -r tool args; do
	var=$(echo "$tool" | tr a-z A-Z)
	# shellcheck disable=SC2086
	run "${!var}" $args
	expect_rc 1 "$tool $args: a missing input exits 1"
	expect_err_has "no-such-file" "$tool $args: the message names the file"
	check "$tool $args: nothing on stdout" test ! -s "$T/out"
done <<END
igvmgen|build --vmm qemu --kernel $N -o $T/x.igvm
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
measure|verify $N
veritysetup|format $N $T/h
veritysetup|verify $N $N 00
veritysetup|dump $N
END
check "a failed command leaves no output file" \
	test ! -e "$T/x.igvm" -a ! -e "$T/x.cpio" -a ! -e "$T/h"

# --- every printing command, its result lost to a full disk: exit 1 -----
C=$SRCDIR/tests/fuzz/corpus/igvm
"$MKKERNEL" pattern "$T/data" 1048576 5
"$VERITYSETUP" format --salt=ab --root-hash-file="$T/root" "$T/data" "$T/hash" >/dev/null
"$MEASURE" snp --igvm "$C/v1-snp" --log "$T/log" >/dev/null
gen_cca_inputs "$T/Image" "$T/initrd"
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
measure|snp --igvm $C/v1-snp
measure|snp --igvm $C/v1-snp --json
measure|diff $T/log $T/log
measure|diff --json $T/log $T/log
measure|cca --vmm kvmtool --rmm 1.0 -k $T/Image -i $T/initrd -m 256M -c 1
measure|cca --vmm kvmtool --rmm 1.0 -k $T/Image -i $T/initrd -m 256M -c 1 --json
veritysetup|format --salt=ab $T/data $T/hash2
veritysetup|format --salt=ab --json $T/data $T/hash2
veritysetup|dump $T/hash
veritysetup|dump --json $T/hash
veritysetup|verify --json --root-hash-file=$T/root $T/data $T/hash
END
run_to - "$VERITYSETUP" verify --root-hash-file="$T/root" "$T/data" "$T/hash"
expect_rc 0 "a command that prints nothing exits 0 with stdout closed"
finish
