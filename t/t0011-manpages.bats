#!/usr/bin/env bats
# One man page per program; its SYNOPSIS is the program's usage line, and
# mandoc finds nothing to warn about.

setup() {
	load test-lib.sh
	common_setup
}

# The words of a usage text, without "usage:", on one line.
words() {
	sed 's/^usage://' | tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//'
}

@test "every program has a man page whose SYNOPSIS is its usage" {
	for p in "$SOFA_BUILD"/bin/sofa-*; do
		n=$(basename "$p")
		page="$SOFA_SRCDIR/docs/$n.1"
		[ -f "$page" ] || fail "no docs/$n.1"
		syn=$(mandoc -Tascii "$page" | col -b |
			sed -n '/^SYNOPSIS/,/^[A-Z]/{/^[A-Z]/d;p}' | words)
		use=$("$p" --help | sed -n '1,/^$/p' | words)
		[ "$syn" = "$use" ] || fail "$n: SYNOPSIS '$syn' != usage '$use'"
	done
}

@test "mandoc -Tlint is clean on every page" {
	for page in "$SOFA_SRCDIR"/docs/*.[17]; do
		run mandoc -Tlint -W warning "$page"
		[ "$status" -eq 0 ] && [ -z "$output" ] || fail "$page: $output"
	done
}
