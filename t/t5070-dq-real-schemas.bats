#!/usr/bin/env bats
# sofa-dq against the real schemas of share/sofa/schema (the transforms'):
# every column its rules name is in them (tables laid out with exactly the
# schemas' headers and no rows pass every table rule, where a missing
# column would stop sofa-dq with exit 1), and the test schemas of t/dq are
# the real ones cut down, so the hand-written tables stay honest.

CORE="matches teams players lineups appearances incidents team_stats"

setup() {
	load test-lib.sh
	common_setup
	REAL=$SOFA_SRCDIR/share/sofa/schema
	for t in $CORE; do
		[ -f "$REAL/$t.tsv" ] ||
			skip "share/sofa/schema/$t.tsv not there yet (the transforms bring it)"
	done
}

# The column names of schema file $1, comma-separated.
header() {
	grep -v '^#' "$1" | grep -v '^$' | cut -f1 | paste -sd, -
}

@test "the rules find every column they name in the real schemas" {
	mkdir -p data/processed
	for f in "$REAL"/*.tsv; do
		t=$(basename "$f" .tsv)
		[ "$t" = index ] && continue
		header "$f" > "data/processed/$t.csv"
	done
	run sofa-dq schema keys consistency
	assert_success
	refute_output --partial "lacks column"
}

@test "each test schema is the real one cut down: same names, types and keys, in order" {
	for f in "$SOFA_SRCDIR"/t/dq/schema/*.tsv; do
		t=$(basename "$f" .tsv)
		[ -f "$REAL/$t.tsv" ] || continue
		grep -v '^#' "$f" | cut -f1-3 > mine
		grep -v '^#' "$REAL/$t.tsv" | cut -f1-3 > real
		# every line of mine is a line of real (the type may be
		# narrowed from an enum to int or str only where noted)
		while IFS="$(printf '\t')" read -r col type key; do
			want=$(awk -F '\t' -v c="$col" '$1 == c' real)
			[ -n "$want" ] || fail "$t.$col is not in the real schema"
			rk=$(echo "$want" | cut -f3)
			[ "$key" = "$rk" ] ||
				fail "$t.$col: key $key, the real one $rk"
			rt=$(echo "$want" | cut -f2)
			case "$type:$rt" in
			"$rt:$rt" | int:enum:* | str:enum:*) ;;
			*) fail "$t.$col: type $type, the real one $rt" ;;
			esac
		done < mine
		# and in the real order
		cut -f1 mine > a
		cut -f1 real | grep -Fx -f a > b
		run diff a b
		assert_success
	done
}
