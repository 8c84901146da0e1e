#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# checksrc.sh - source checks that cost nothing, as TAP:
#   - no banned function (unbounded string functions, unchecked number
#     parsing, alloca) in C sources: use snprintf, memcpy with a checked
#     length, pv_parse_u64 / pv_parse_size;
#   - every C and shell source starts with an SPDX line within 3 lines;
#   - no tab/space mix at the start of C lines;
#   - every cited document exists and has the cited section: a name ending
#     in .md (bare names are looked up in docs/, then at the source root; a
#     name with a slash from the root or the citing file's folder), and the
#     numbers right after it ("igvm.md §9.2", "§2.3-2.5", "§6.1 and §6.3",
#     "contrast.md 4.1, 4.2", "section 4") must each be a heading of that
#     document that starts with the number ("## 9. ...", "### 9.2 ...").
#     A file that says "Section numbers (§) refer to X.md" in its first 20
#     lines cites X.md with every bare "§N".  URLs and upstream files
#     written "project:path/FILE.md" are not checked.  docs/index.md has the
#     conventions.
# Usage: ci/checksrc.sh [SOURCE_ROOT]
#        ci/checksrc.sh --self-test   (the citation check on a made-up tree)
#        ci/checksrc.sh --list [SOURCE_ROOT]   (every citation found)
set -u
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")

# The citation check: file names as arguments, run from the source root;
# one line per broken citation, exit 1 if there is any.
cite_pl=$(cat <<'PERL'
use strict;
use warnings;
my $S = "\xC2\xA7";                           # the section sign, UTF-8
my $num = qr/\d+(?:\.\d+)*/;
my $ref = qr/(?:$S\s?)?$num/;
my $list = qr/$ref(?:[ \t]*(?:,|and|-|\xE2\x80\x93)?[ \t]*$ref)*/;
my %sections;
sub sections {
	my ($doc) = @_;
	return $sections{$doc} if $sections{$doc};
	my %s;
	if (open(my $fh, '<', $doc)) {
		while (<$fh>) {
			$s{$1} = 1 if /^#{1,6}[ \t]+(\d+(?:\.\d+)*)\.?[ \t]/;
		}
		close $fh;
	}
	return $sections{$doc} = \%s;
}
sub resolve {
	my ($name, $from) = @_;
	(my $dir = $from) =~ s{[^/]*$}{};
	for my $c ($name =~ m{/} ? ($name, "$dir$name") : ("docs/$name", $name)) {
		return $c if -f $c;
	}
	return undef;
}
sub cited {
	my ($tail) = @_;
	return () unless $tail =~ /^[`'"]?[ \t]*(?:sections?[ \t]+)?($list)/;
	my $l = $1;
	return $l =~ /($num)/g;
}
my $bad = 0;
my $list_only = ($ENV{CITE_LIST} // '') ne '';
sub report { print "$_[0]\n" unless $list_only; $bad++; }
sub listed { print "$_[0]\n" if $list_only; }
for my $f (@ARGV) {
	next if -B $f;
	open(my $fh, '<', $f) or next;
	my @l = <$fh>;
	close $fh;
	my $default;
	for (@l[0 .. ($#l < 19 ? $#l : 19)]) {
		$default = $1 if /Section numbers \($S\) refer to (?:docs\/?\s*)?([\w.\/-]+\.md)/;
	}
	for my $i (0 .. $#l) {
		my $line = $l[$i];
		my $at = "$f:" . ($i + 1);
		my $next = $i < $#l ? $l[$i + 1] : '';
		$next =~ s/^[\s*#\/;"]+//;
		(my $joined = $line) =~ s/\n$//;
		$joined .= " $next";
		while ($line =~ m{(?<![\w./:-])((?:[\w.-]+/)*[\w-][\w.-]*\.md)\b}g) {
			my ($name, $end) = ($1, pos($line));
			next if substr($line, 0, $end - length($name)) =~ m{[a-z]+://\S*$};
			my $doc = resolve($name, $f);
			if (!defined $doc) {
				report("$at: $name: no such document (bare names: docs/, then the source root)");
				next;
			}
			my @n = cited(substr($joined, $end));
			listed("$at: $doc" . join('', map { " $S$_" } @n));
			for my $n (@n) {
				report("$at: $name $S$n: $doc has no heading numbered $n")
					unless sections($doc)->{$n};
			}
		}
		next unless $default;
		my $d = resolve($default, $f);
		if (!defined $d) {
			report("$at: $default: no such document (the file's default)") if $i == 0;
			next;
		}
		(my $rest = $line) =~ s{[\w.-]+\.md[`'"]?[ \t]*(?:sections?[ \t]+)?$list}{}g;
		$rest =~ s{(?:RFC|ACPI|ABI|APM)[^$S]*$list}{}g;
		while ($rest =~ /$S\s?($num)/g) {
			listed("$at: $d $S$1 (the file's default)");
			report("$at: $S$1 (of $default, the file's default): $d has no heading numbered $1")
				unless sections($d)->{$1};
		}
	}
}
exit($bad && !$list_only ? 1 : 0);
PERL
)
check_citations() {
	perl -e "$cite_pl" -- "$@"
}

# Every tracked text file but fuzz corpora and this script (whose self-test
# cites made-up documents), relative to the current directory
cite_files() {
	local a i
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		mapfile -d '' a < <(git ls-files -z -c -o --exclude-standard | grep -zv '^tests/fuzz/corpus/')
	else
		mapfile -d '' a < <(find . -path ./build -prune -o -path ./tests/fuzz/corpus -prune -o -type f -print0 | sed -z 's|^\./||')
	fi
	for i in "${!a[@]}"; do
		[ "${a[$i]}" = ci/checksrc.sh ] || printf '%s\0' "${a[$i]}"
	done
}

# --list [SOURCE_ROOT]: every citation, "FILE:LINE: DOCUMENT §N ...", the
# inventory that the check works on
if [ "${1:-}" = --list ]; then
	cd "${2:-$(dirname "$0")/..}" || exit 1
	mapfile -d '' cfiles < <(cite_files)
	CITE_LIST=1 check_citations "${cfiles[@]}"
	exit
fi

# --self-test: a tree with one good and several bad citations; each bad
# one must be reported and the good one must not.
if [ "${1:-}" = --self-test ]; then
	t=$(mktemp -d) || exit 1
	trap 'rm -rf "$t"' EXIT
	mkdir -p "$t/docs" "$t/lib"
	printf '# A\n\n## 1. One\n\n### 1.2 One two\n\n## 3. Three\n' >"$t/docs/a.md"
	printf '# top\n' >"$t/README.md"
	n=0 failed=0
	st() { # NAME EXPECT(pass|fail) LINE...
		local name=$1 want=$2 out rc
		shift 2
		printf '%s\n' "$@" >"$t/lib/x.c"
		out=$(cd "$t" && check_citations lib/x.c docs/a.md README.md)
		rc=$?
		n=$((n + 1))
		if { [ "$want" = pass ] && [ $rc -eq 0 ] && [ -z "$out" ]; } ||
		   { [ "$want" = fail ] && [ $rc -ne 0 ] && [ -n "$out" ]; }; then
			echo "ok $n - $name"
		else
			failed=$((failed + 1))
			echo "not ok $n - $name (exit $rc)"
			printf '%s\n' "$out" | sed 's/^/# /'
		fi
	}
	st "good citations pass" pass "/* a.md §1.2, docs/a.md §3, a.md 1.2 and 3, README.md */" \
		"/* a.md §1-§3, a.md sections 1 and 3, \`a.md\` §1.2, RFC 6979 §3.2 */" \
		"/* https://example.org/b.md, project:docs/b.md */"
	st "a missing document fails" fail "/* see b.md */"
	st "a missing document with a path fails" fail "/* docs/b.md §1 */"
	st "a missing section fails" fail "/* a.md §1.3 */"
	st "a missing section without § fails" fail "/* a.md 2 */"
	st "the end of a range is checked" fail "/* a.md §1.2-1.4 */"
	st "a list is checked to its end" fail "/* a.md §1, §3 and §4 */"
	st "a citation split over two lines is checked" fail "/* see a.md" " * section 4 */"
	st "a file's default document is checked" fail "/* Section numbers (§) refer to docs a.md */" "/* §1.2 */" "/* §2 */"
	st "a default document must exist" fail "/* Section numbers (§) refer to docs b.md */"
	echo "1..$n"
	[ "$failed" -eq 0 ]
	exit
fi

root=${1:-$(dirname "$0")/..}
cd "$root" || exit 1
n=0 failed=0
result() {
	n=$((n + 1))
	if [ -z "$2" ]; then echo "ok $n - $1"; else
		failed=$((failed + 1)); echo "not ok $n - $1"; printf '%s\n' "$2" | sed 's/^/# /'
	fi
}
csrc=$(git ls-files '*.c' '*.h' 2>/dev/null || find lib tools tests -name '*.[ch]')
[ -n "$csrc" ] || csrc=$(find lib tools tests -name '*.[ch]')
banned='\b(sprintf|vsprintf|strcpy|strcat|strncpy|strncat|strtok|atoi|atol|atoll|gets|alloca|strtol|strtoul|strtoull|strtoll)[[:space:]]*\('
result "no banned functions" "$(grep -nE "$banned" $csrc 2>/dev/null)"
missing=""
for f in $csrc $(git ls-files '*.sh' 2>/dev/null) build.sh; do
	[ -f "$f" ] || continue
	head -3 "$f" | grep -q 'SPDX-License-Identifier' || missing="$missing$f"$'\n'
done
result "every source has an SPDX line" "${missing%$'\n'}"
result "no space-indented C lines" "$(grep -nE '^ +[^ *]' $csrc 2>/dev/null | grep -v '^[^:]*:[0-9]*: *\*' | head -20)"
mapfile -d '' cfiles < <(cite_files)
result "every cited document and section exists (docs/index.md)" "$(check_citations "${cfiles[@]}")"
echo "1..$n"
[ "$failed" -eq 0 ]
