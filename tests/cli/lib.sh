# SPDX-License-Identifier: Apache-2.0
# lib.sh - TAP helpers for the CLI golden tests (sourced, not run).
#
#   run CMD...               run it; sets $rc, $T/out and $T/err
#   run_to DEST CMD...       the same with stdout to DEST (/dev/full), or
#                            closed when DEST is "-"; $T/out is then empty
#   check DESC COND...       one TAP line: ok when the command COND succeeds
#   expect_rc N DESC         the last run exited N
#   expect_out TEXT DESC     the last run's stdout is exactly TEXT
#   expect_err_has TEXT DESC its stderr contains TEXT
#   expect_out_has TEXT DESC its stdout contains TEXT
#   finish                   print the plan; exit non-zero if any failed
#   have_jsonschema          python3-jsonschema is installed
#   validate NAME FILE       FILE against refvalues/NAME.schema.json
#   values_print_themselves RV DIR
#                            every value of refvalues.json RV is what its
#                            printed command prints, run as written (sh -c,
#                            `measure` on the PATH) in the release folder DIR:
#                            refvalues computes in process and must agree
#                            with the command an auditor runs
set -u
T=$(mktemp -d "${TMPDIR:-/tmp}/podvm-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
n=0
failed=0
rc=0

ok() { n=$((n + 1)); printf 'ok %d - %s\n' "$n" "$*"; }
not_ok() {
	n=$((n + 1)); failed=$((failed + 1))
	printf 'not ok %d - %s\n' "$n" "$*"
	if [ -s "$T/err" ]; then sed 's/^/# stderr: /' "$T/err" | head -20; fi
}
run() { "$@" >"$T/out" 2>"$T/err"; rc=$?; }
run_to() {
	local dest=$1; shift
	: >"$T/out"
	if [ "$dest" = - ]; then "$@" >&- 2>"$T/err"; else "$@" >"$dest" 2>"$T/err"; fi
	rc=$?
}
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
expect_rc() {
	if [ "$rc" -eq "$1" ]; then ok "$2"; else not_ok "$2 (exit $rc, expected $1)"; fi
}
expect_out() {
	if [ "$(cat "$T/out")" = "$1" ]; then ok "$2"; else
		not_ok "$2"; diff <(printf '%s\n' "$1") "$T/out" | sed 's/^/# /' | head -20
	fi
}
expect_out_has() {
	if grep -qF -- "$1" "$T/out"; then ok "$2"; else not_ok "$2 (stdout lacks '$1')"; fi
}
expect_err_has() {
	if grep -qF -- "$1" "$T/err"; then ok "$2"; else not_ok "$2 (stderr lacks '$1')"; fi
}
have_jsonschema() { /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; }
validate() { /usr/bin/python3 "$SRCDIR/tests/release/validate.py" "$SRCDIR/refvalues/$1.schema.json" "$2"; }
values_print_themselves() {
	local i cmd want got all=0
	mkdir -p "$T/bin" && ln -sf "$MEASURE" "$T/bin/measure"
	for i in $(seq 0 $(( $(jq '.values | length' "$1") - 1 ))); do
		cmd=$(jq -r ".values[$i].command" "$1")
		# a TDX value: its five registers, as measure tdx --json prints them
		want=$(jq -r ".values[$i] | if .mrtd then [.mrtd] + .rtmrs | join(\" \") else .measurement end" "$1")
		got=$(cd "$2" && PATH="$T/bin:$PATH" sh -c "$cmd" 2>/dev/null)
		case "$cmd" in
		"measure tdx "*) got=$(jq -r '[.mrtd, .rtmr0, .rtmr1, .rtmr2, .rtmr3] | join(" ")' <<<"$got" 2>/dev/null) ;;
		esac
		[ "$got" = "$want" ] || { all=1; echo "# value $i: '$cmd' printed $got, the file has $want"; }
	done
	return "$all"
}
finish() { printf '1..%d\n' "$n"; [ "$failed" -eq 0 ]; }
