#!/usr/bin/env bats
# Tests t46xx-t49xx belong to the table builders (sofa-matches, sofa-teams,
# sofa-players, sofa-incidents, sofa-teamstats).
#
# The EXAMPLES of each builder's man page are real pipelines: each runs on
# the recorded store (ids.txt: the complete matches) and must succeed and
# write something.

setup() {
	load test-lib.sh
	common_setup
	need_fixtures
	export SOFASCORE_RAW_BASE="$FIXTURES/store"
	cp "$FIXTURES/complete.txt" ids.txt
}

# The literal lines of the EXAMPLES section of page $1.
examples() {
	sed -n '/^\.Sh EXAMPLES/,/^\.Sh SEE ALSO/p' "$1" |
		sed '1d;$d' | grep -v '^\.[BE]d'
}

@test "every builder's man page examples run and write rows" {
	for p in sofa-matches sofa-teams sofa-players sofa-incidents \
	    sofa-teamstats; do
		examples "$SOFA_SRCDIR/docs/$p.1" >ex.sh
		[ -s ex.sh ] || fail "$p: no examples"
		rm -f ./*.csv
		run bash -o pipefail ex.sh
		[ "$status" -eq 0 ] || fail "$p: status $status: $output"
		[ -n "$output" ] || [ -n "$(cat ./*.csv 2>/dev/null)" ] ||
			fail "$p: the examples wrote nothing"
	done
}
