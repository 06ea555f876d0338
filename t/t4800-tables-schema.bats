#!/usr/bin/env bats
# Tests t46xx-t49xx belong to the table builders (sofa-matches, sofa-teams,
# sofa-players, sofa-incidents, sofa-teamstats).
#
# One schema, told the same everywhere: each builder's CSV header and
# NDJSON keys equal the column list of share/sofa/schema/TABLE.tsv, and
# docs/consumption.md and sofa(7) list the same columns in the same order.

setup() {
	load test-lib.sh
	common_setup
}

TABLES="matches:sofa-matches teams:sofa-teams players:sofa-players
incidents:sofa-incidents team_stats:sofa-teamstats"

# The columns of a schema file, comma-separated.
schema_cols() {
	grep -v '^#' "$SOFA_SRCDIR/share/sofa/schema/$1.tsv" | cut -f1 |
		paste -sd, -
}

@test "schema files: five fields a line, known types and keys" {
	for tp in $TABLES; do
		f="$SOFA_SRCDIR/share/sofa/schema/${tp%%:*}.tsv"
		run awk -F'\t' '!/^#/ && (NF != 5 ||
		    $2 !~ /^(id|int|real|str|bool|utc|enum:.+)$/ ||
		    $3 !~ /^(pk|nn|-)$/) { print FILENAME ":" NR ": " $0 }' "$f"
		assert_output ""
		run grep -c $'\tpk\t' "$f"
		[ "$output" -ge 1 ] || fail "$f: no primary key"
	done
}

@test "every builder's CSV header is its schema's column list" {
	for tp in $TABLES; do
		t=${tp%%:*} p=${tp#*:}
		"$p" </dev/null >out
		want=$(schema_cols "$t")
		[ "$(cat out)" = "$want" ] || fail "$p: $(cat out) != $want"
	done
}

@test "every row has event_id (teams and players: the match seen in)" {
	for tp in $TABLES; do
		grep -q $'^event_id\t' \
		    "$SOFA_SRCDIR/share/sofa/schema/${tp%%:*}.tsv" ||
			fail "${tp%%:*}: no event_id"
	done
}

@test "NDJSON rows have exactly the schema's columns, in order" {
	need_fixtures
	for tp in $TABLES; do
		t=${tp%%:*} p=${tp#*:}
		"$p" -j -q --raw-base "$FIXTURES/store" 11080977 13472737 >out
		[ -s out ] || fail "$p: no rows"
		jq -r 'keys_unsorted | join(",")' out | sort -u >keys
		[ "$(cat keys)" = "$(schema_cols "$t")" ] ||
			fail "$p: keys $(cat keys)"
	done
}

@test "docs/consumption.md has each table's columns in schema order" {
	for tp in $TABLES; do
		t=${tp%%:*}
		got=$(sed -n "/^## $t\$/,/^## /p" \
		    "$SOFA_SRCDIR/docs/consumption.md" |
		    sed -n 's/^| `\([a-z_0-9]*\)` |.*/\1/p' | paste -sd, -)
		[ "$got" = "$(schema_cols "$t")" ] || fail "$t: $got"
	done
}

@test "sofa(7) lists each table's columns in schema order" {
	for tp in $TABLES; do
		t=${tp%%:*}
		got=$(sed -n "/^\\.It Sy $t /{n;p;}" "$SOFA_SRCDIR/docs/sofa.7" |
		    sed 's/^\.Li //; s/ , /,/g')
		[ "$got" = "$(schema_cols "$t")" ] || fail "$t: $got"
	done
}
