#!/usr/bin/env bats
# The published shape of sofa-lineups and sofa-appearances: the CSV header
# of each table equals its share/sofa/schema/TABLE.tsv, the NDJSON keys
# the same, and docs/consumption.md and sofa(7) list the same columns
# (sofa-dq reads the schema files, analysts read the docs).

setup() {
	load test-lib.sh
	common_setup
	SCHEMA=$SOFA_SRCDIR/share/sofa/schema
}

# the columns of a schema file, comma-separated
schema_cols() {
	grep -v '^#' "$SCHEMA/$1.tsv" | cut -f1 | paste -sd, -
}

# TABLE PROGRAM [ARGS]: the header the program writes with no ids
check_header() {
	local table=$1
	shift
	run "$@" < /dev/null
	assert_success
	assert_output "$(schema_cols "$table")"
}

@test "schema files: five tab-separated fields on every line, known types and keys" {
	for t in lineups lineups_stats missing_players appearances; do
		run awk -F'\t' '!/^#/ && (NF != 5 ||
		    $2 !~ /^(id|int|real|str|bool|utc|enum:[A-Za-z|]+)$/ ||
		    $3 !~ /^(pk|nn|-)$/) { print FILENAME ":" NR ": " $0 }' \
		    "$SCHEMA/$t.tsv"
		assert_output ""
		run grep -c $'\tpk\t' "$SCHEMA/$t.tsv"
		refute_output 0
	done
}

@test "sofa-lineups: header equals lineups.tsv" {
	check_header lineups sofa-lineups
}

@test "sofa-lineups --stats: header equals lineups_stats.tsv" {
	check_header lineups_stats sofa-lineups --stats
}

@test "sofa-lineups --missing: header equals missing_players.tsv" {
	check_header missing_players sofa-lineups --missing
}

@test "sofa-appearances: header equals appearances.tsv" {
	check_header appearances sofa-appearances
}

@test "-H: no header; -j: NDJSON keys in the schema's order" {
	sofa-gen -s 3 -n 3 -o store
	run sofa-lineups -H --raw-base store 20000000
	assert_success
	refute_line --partial event_id
	[ "${#lines[@]}" -gt 20 ]
	sofa-lineups -j --raw-base store 20000000 > l.ndjson
	run jq -r 'keys_unsorted | join(",")' l.ndjson
	assert_success
	[ "$(printf '%s\n' "${lines[@]}" | sort -u)" = "$(schema_cols lineups)" ]
	sofa-appearances -j --raw-base store 20000000 > a.ndjson
	run jq -r 'keys_unsorted | join(",")' a.ndjson
	[ "$(printf '%s\n' "${lines[@]}" | sort -u)" = \
	    "$(schema_cols appearances)" ]
	sofa-lineups -j --stats --raw-base store 20000000 > s.ndjson
	run jq -r 'keys_unsorted | join(",")' s.ndjson
	[ "$(printf '%s\n' "${lines[@]}" | sort -u)" = \
	    "$(schema_cols lineups_stats)" ]
}

@test "docs/consumption.md: each table's rows are the schema's column, type and key, in order" {
	for t in lineups lineups_stats missing_players appearances; do
		want=$(grep -v '^#' "$SCHEMA/$t.tsv" | cut -f1-3 |
		    sed 's/|/\\|/g' | awk -F'\t' '{ print $1 "\t" $2 "\t" $3 }')
		got=$(awk -v t="$t" '
		    /^##+ / { on = ($0 ~ "^##+ " t " \\(") }
		    on && /^\| `/ { print }' "$SOFA_SRCDIR/docs/consumption.md" |
		    sed 's/^| `\([^`]*\)` | \(.*\) | \([-a-z]*\) | .*/\1\t\2\t\3/' |
		    awk -F'\t' '{ print $1 "\t" $2 "\t" $3 }')
		[ "$want" = "$got" ] || fail "$t: $(diff <(echo "$want") \
		    <(echo "$got"))"
	done
}

@test "sofa(7): every column of every table, in order" {
	mandoc -Tascii "$SOFA_SRCDIR/docs/sofa.7" | col -bx | tr -s ' \n\t' '   ' \
	    > sofa7
	for t in lineups lineups_stats missing_players appearances; do
		want=$(schema_cols "$t" | sed 's/,/, /g')
		grep -qF " $t (sofa-" sofa7 || fail "$t not in sofa(7)"
		grep -qF " $want " sofa7 || fail "$t: columns"
	done
}
