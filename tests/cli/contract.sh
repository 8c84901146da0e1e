#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# contract.sh - the CLI contract of podvm(7), checked on the probe tool and
# on every command of every real tool (commands are read from --help, so a
# new command is covered as soon as it is registered).
. "$(dirname "$0")/lib.sh"

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

# --- every tool, every command -------------------------------------------
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
	done
done
finish
