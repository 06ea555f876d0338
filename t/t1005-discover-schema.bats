#!/usr/bin/env bats
# The match index is a published format, told the same everywhere: the
# lines sofa-discover writes (t1001 checks their keys against the schema),
# share/sofa/schema/index.tsv, docs/consumption.md and sofa(7).

setup() {
	load test-lib.sh
	common_setup
	SCHEMA=$SOFA_SRCDIR/share/sofa/schema/index.tsv
	cols=$(grep -v '^#' "$SCHEMA" | cut -f1 | paste -sd, -)
}

@test "the schema file: five fields a line, known types and keys" {
	run awk -F'\t' '!/^#/ && (NF != 5 ||
	    $2 !~ /^(id|int|real|str|bool|utc|enum:.+)$/ ||
	    $3 !~ /^(pk|nn|-)$/) { print FILENAME ":" NR ": " $0 }' "$SCHEMA"
	assert_output ""
	[ "$(grep -c $'\tpk\t' "$SCHEMA")" -eq 1 ]
	[ "$(grep -v '^#' "$SCHEMA" | wc -l)" -eq 25 ]
	[ "${cols%%,*}" = event_id ] && [ "${cols##*,}" = discovered_utc ]
}

@test "docs/consumption.md lists the index's columns in schema order" {
	got=$(sed -n '/^## index$/,/^## /p' "$SOFA_SRCDIR/docs/consumption.md" |
	    sed -n 's/^| `\([a-z_0-9]*\)` |.*/\1/p' | paste -sd, -)
	assert_equal "$got" "$cols"
	# with the schema's type and key
	sed -n '/^## index$/,/^## /p' "$SOFA_SRCDIR/docs/consumption.md" |
	    sed -n 's/^| `\([a-z_0-9]*\)` | \([^ ]*\) | \([^ ]*\) |.*/\1\t\2\t\3/p' >got
	grep -v '^#' "$SCHEMA" | cut -f1-3 >want
	diff -u want got
}

@test "sofa(7) lists the index's columns in schema order" {
	got=$(sed -n '/^\.Sh THE MATCH INDEX/,/^\.Sh /p' "$SOFA_SRCDIR/docs/sofa.7" |
	    sed -n 's/^\.It Li //p' | sed 's/ , /,/g' | paste -sd, -)
	assert_equal "$got" "$cols"
}
