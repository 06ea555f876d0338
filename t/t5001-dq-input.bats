#!/usr/bin/env bats
# sofa-dq over tables that are missing, empty or damaged: each case gives a
# clear message naming FILE or FILE:LINE and exit 1 (nothing checked) or a
# FAIL (exit 3), never a crash or a pass.  Also the hostile-input set of
# STYLE.md for its CSV reader: CRLF, BOM, NUL byte, invalid UTF-8, an
# over-long line, a blank line, a quoted field across lines.

setup() {
	load test-lib.sh
	load dq-lib.sh
	dq_setup
}

P=data/processed

@test "a missing table: exit 1 naming it, nothing reported" {
	rm $P/teams.csv
	run --separate-stderr sofa-dq
	assert_failure 1
	[ -z "$output" ]
	[[ "$stderr" == *"sofa-dq: table teams: $BATS_TEST_TMPDIR/$P/teams.csv: No such file or directory"* ]]
	[[ "$stderr" == *"sofa-dq: 1 table cannot be read: nothing checked" ]]
}

@test "every missing table is named before stopping" {
	rm $P/teams.csv $P/team_stats.csv
	run --separate-stderr sofa-dq -j
	assert_failure 1
	[[ "$stderr" == *"table teams: "*"table team_stats: "*"2 tables cannot be read"* ]]
}

@test "a missing table that no selected rule reads does not matter" {
	rm $P/team_stats.csv
	run sofa-dq keys.player_in_players
	assert_success
}

@test "a table beyond the core ones is checked only when published" {
	run sofa-dq -j schema.header
	assert_success
	[ "$(printf '%s\n' "$output" | jq -r .note)" = \
	    "not published, not checked: missing_players" ]
	printf 'event_id,player_id,reason\n1001,105,ill\n' \
	    > $P/missing_players.csv
	dq_check schema.types FAIL 1 3 1001/105
	[ "$(dq_detail 0)" = "column reason: 'ill' is not one of the listed values (type enum:injured|suspended)" ]
}

@test "an empty table file: exit 1, not even a header" {
	: > $P/incidents.csv
	run sofa-dq
	assert_failure 1
	assert_output "sofa-dq: table incidents: $BATS_TEST_TMPDIR/$P/incidents.csv: empty file, not even a header"
}

@test "a table with a header and no rows passes" {
	head -n 1 $P/team_stats.csv > t && mv t $P/team_stats.csv
	run sofa-dq schema keys.primary_unique
	assert_success
}

@test "a directory where a table should be: exit 1" {
	rm $P/players.csv
	mkdir $P/players.csv
	run sofa-dq
	assert_failure 1
	assert_output --partial "table players: $BATS_TEST_TMPDIR/$P/players.csv: Is a directory"
}

@test "a broken row in the middle is a FAIL naming FILE:LINE; the other rows are still checked" {
	sed -i '20s/,/;/g' $P/lineups.csv
	run --separate-stderr sofa-dq -j
	assert_failure 3
	printf '%s\n' "$output" > out.ndjson
	[ "$stderr" = "sofa-dq: $BATS_TEST_TMPDIR/$P/lineups.csv:20: 1 field, the header has 7" ]
	[ "$(jq -r 'select(.rule == "schema.rows") | [.status, .count,
	    .examples[0].where] | join(" ")' out.ndjson)" = \
	    "FAIL 1 $BATS_TEST_TMPDIR/$P/lineups.csv:20" ]
	# line 20 is away starter 204 of 1001: that side now has 10
	[ "$(jq -r 'select(.rule == "consistency.starters") | .count' \
	    out.ndjson)" = 1 ]
	[ "$(jq -r 'select(.rule == "keys.lineups_unique") | .checked' \
	    out.ndjson)" = 55 ]
}

@test "a truncated last line is a FAIL, never a pass" {
	head -c -10 $P/appearances.csv > t && mv t $P/appearances.csv
	dq_check schema.rows FAIL 1 3 appearances
	[ "$(dq_where 0)" = appearances.csv:48 ]
	[ "$(dq_detail 0)" = \
	    "no newline at the end of the last line (truncated file?)" ]
	grep -q "appearances.csv:48: no newline at the end of the last line" \
	    err.txt
}

@test "a last line without its newline is a FAIL even when whole" {
	printf '%s' "$(cat $P/teams.csv)" > t && mv t $P/teams.csv
	run sofa-dq
	assert_failure 3
	assert_line --regexp '^FAIL  schema\.rows +1'
}

@test "a file cut inside a quoted field is a FAIL" {
	printf '50,"Fifth Rovers\n' >> $P/teams.csv
	dq_check schema.rows FAIL 1 3 teams
	[ "$(dq_where 0)" = teams.csv:6 ]
	[ "$(dq_detail 0)" = "end of file inside a quoted field (truncated file?)" ]
}

@test "a header with an extra column is a FAIL of schema.header" {
	sed -i '1s/$/,shirt/; 2,$s/$/,7/' $P/appearances.csv
	run sofa-dq
	assert_failure 3
	assert_line --regexp '^FAIL  schema\.header +1'
	assert_line --regexp "^  appearances  .*/appearances\.csv  extra column shirt$"
}

@test "a header without a column a rule needs: exit 1 naming table, column and rule" {
	sed -i '1s/status_type/state/' $P/matches.csv
	run sofa-dq
	assert_failure 1
	assert_output "sofa-dq: table matches lacks column status_type, which rule consistency.goals_vs_score needs ($BATS_TEST_TMPDIR/$P/matches.csv)"
	# without the rules that need it, the schema rule reports it
	run sofa-dq schema
	assert_failure 3
	assert_line --partial "extra column state; missing column status_type"
}

@test "a broken header is exit 1, naming the line" {
	sed -i '1s/^/"/' $P/teams.csv
	run sofa-dq
	assert_failure 1
	assert_output --partial "table teams: $BATS_TEST_TMPDIR/$P/teams.csv:1: bad quoting"
	printf 'team_id,,name\n' > $P/teams.csv
	run sofa-dq
	assert_failure 1
	assert_output --partial "teams.csv:1: header: column 2 has no name"
}

@test "CRLF line ends and a byte-order mark are read as the table" {
	sed -i 's/$/\r/' $P/lineups.csv $P/matches.csv
	sed -i '1s/^/\xef\xbb\xbf/' $P/teams.csv $P/matches.csv
	run sofa-dq
	assert_success
	assert_line "26 rules: 26 passed, 0 warned, 0 failed, 0 skipped"
}

@test "a NUL byte is a broken record" {
	printf '50,Nul\000Town\n' >> $P/teams.csv
	dq_check schema.rows FAIL 1 3 teams
	[ "$(dq_detail 0)" = "NUL byte in line 6" ]
}

@test "invalid UTF-8 in a text column is a type error" {
	printf '50,Caf\xe9\n' >> $P/teams.csv
	dq_check schema.types FAIL 1 3 50
	[ "$(dq_detail 0)" = "column name: 'Caf�' is not valid UTF-8 (type str)" ]
}

@test "an over-long line is a broken record; reading goes on" {
	export SOFASCORE_MAX_LINE=512
	printf '50,%0600d\n60,Short\n' 0 >> $P/teams.csv
	dq_check schema.rows FAIL 1 3 teams
	[ "$(dq_detail 0)" = "line 6 longer than 512 bytes" ]
	# the line after it was read: 60 is a team
	[ "$(jq -s 'map(select(.rule == "schema.rows"))[0].checked' \
	    out.ndjson)" -eq 171 ]
}

@test "a blank line is a broken record" {
	sed -i '3s/^.*$//' $P/incidents.csv
	dq_check schema.rows FAIL 1 3 incidents
	[ "$(dq_where 0)" = incidents.csv:3 ]
	[ "$(dq_detail 0)" = "blank line" ]
}

@test "a quoted field across lines is one record; later lines keep their numbers" {
	sed -i 's/^30,Third Town$/30,"Third\nTown, ""the"" Town"/' $P/teams.csv
	printf '50,\n60,""\n70,x\n' >> $P/teams.csv
	run sofa-dq -j schema.rows schema.types
	assert_success
	printf '%s\n' "$output" > out.ndjson
	[ "$(jq -r 'select(.rule == "schema.rows") | .count' out.ndjson)" = 0 ]
	# null and "" are both a valid str
	[ "$(jq -r 'select(.rule == "schema.types") | .count' out.ndjson)" = 0 ]
	printf '80,"x"y\n' >> $P/teams.csv
	run --separate-stderr sofa-dq -j schema.rows
	[ "$(printf '%s\n' "$output" | jq -r '.examples[0].where' |
	    sed 's|.*/||')" = teams.csv:10 ]
}

@test "an empty string is not a number, a null is" {
	sed -i 's/^1001,10,20,102,90,90,6.7$/1001,10,20,102,"",90,6.7/' \
	    $P/appearances.csv
	sed -i 's/^1001,10,20,103,90,90,6.8$/1001,10,20,103,,90,6.8/' \
	    $P/appearances.csv
	dq_check schema.types FAIL 1 3 1001/102
	[ "$(dq_detail 0)" = "column minutes: '' is not an integer (type int)" ]
}
