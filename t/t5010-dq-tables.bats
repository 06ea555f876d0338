#!/usr/bin/env bats
# sofa-dq, the rules over the tables: for each, the hand-written tables of
# t/dq/good pass it, and the violating tables of t/dq/bad/RULE make it
# report the offences counted by hand, with their example ids, where they
# are (FILE:LINE) and the exit code of the rule's severity.

setup() {
	load test-lib.sh
	load dq-lib.sh
	dq_setup
}

@test "every rule passes on the good data set, exit 0" {
	run sofa-dq -j
	assert_success
	printf '%s\n' "$output" > out.ndjson
	[ "$(jq -s length out.ndjson)" -eq 26 ]
	[ "$(jq -s 'map(select(.status == "PASS" and .count == 0)) | length' \
	    out.ndjson)" -eq 26 ]
	# the counts of what was checked, by hand from t/dq/good
	[ "$(jq -r 'select(.rule == "schema.rows") | .checked' out.ndjson)" \
	    -eq 169 ]
	[ "$(jq -r 'select(.rule == "consistency.starters") | .checked' \
	    out.ndjson)" -eq 4 ]
	[ "$(jq -r 'select(.rule == "consistency.goals_vs_score") | .checked' \
	    out.ndjson)" -eq 2 ]
}

@test "schema.header: columns out of order, an extra column" {
	dq_pass schema.header
	dq_bad schema.header
	dq_check schema.header FAIL 2 3 teams team_stats
	[ "$(dq_where 0)" = teams.csv ]
	[ "$(dq_detail 0)" = "columns out of order (want team_id first)" ]
	[ "$(dq_detail 1)" = "extra column extra" ]
}

@test "schema.header: a missing column and one given twice" {
	sed -i '1s/,name$/,team_id/' data/processed/teams.csv
	dq_check schema.header FAIL 1 3 teams
	[ "$(dq_detail 0)" = "column team_id twice; missing column name" ]
}

@test "schema.rows: a short record and bad quoting, named FILE:LINE" {
	dq_pass schema.rows
	dq_bad schema.rows
	dq_check schema.rows FAIL 2 3 incidents incidents
	[ "$(dq_where 0)" = incidents.csv:5 ]
	[ "$(dq_detail 0)" = "8 fields, the header has 9" ]
	[ "$(dq_where 1)" = incidents.csv:9 ]
	[[ "$(dq_detail 1)" == "bad quoting at line 9 byte 18"* ]]
	grep -q 'incidents.csv:5: 8 fields, the header has 9' err.txt
}

@test "schema.types: a time that is not UTC ISO 8601, a decimal comma" {
	dq_pass schema.types
	dq_bad schema.types
	dq_check schema.types FAIL 2 3 1001 1001/102
	[ "$(dq_where 0)" = matches.csv:2 ]
	[[ "$(dq_detail 0)" == "column start_utc: '2024-08-16 19:00' is not"* ]]
	[ "$(dq_where 1)" = appearances.csv:3 ]
	[ "$(dq_detail 1)" = "column rating: '6,5' is not a number (type real)" ]
}

@test "schema.keys: an empty primary key, an empty never-null column" {
	dq_pass schema.keys
	dq_bad schema.keys
	# no player_id: the row is named by its event_id
	dq_check schema.keys FAIL 2 3 1001 1001/102
	[ "$(dq_detail 0)" = "column player_id is empty" ]
	[ "$(dq_where 1)" = lineups.csv:3 ]
	[ "$(dq_detail 1)" = "column side is empty" ]
}

@test "keys.matches_unique: a match listed twice" {
	dq_pass keys.matches_unique
	dq_bad keys.matches_unique
	dq_check keys.matches_unique FAIL 1 3 1001
	[ "$(dq_where 0)" = matches.csv:5 ]
	[ "$(dq_detail 0)" = "match listed again (first at line 2)" ]
}

@test "keys.lineups_unique: a player listed twice in a lineup" {
	dq_pass keys.lineups_unique
	dq_bad keys.lineups_unique
	dq_check keys.lineups_unique FAIL 1 3 1001/114
	[ "$(dq_where 0)" = lineups.csv:58 ]
}

@test "keys.appearances_unique: an appearance listed twice" {
	dq_pass keys.appearances_unique
	dq_bad keys.appearances_unique
	dq_check keys.appearances_unique FAIL 1 3 1003/205
	[ "$(dq_where 0)" = appearances.csv:49 ]
}

@test "keys.primary_unique: incidents and team statistics keys repeated" {
	dq_pass keys.primary_unique
	dq_bad keys.primary_unique
	dq_check keys.primary_unique FAIL 2 3 1001/4 "1001/ALL/Shots/Total shots"
	[ "$(dq_where 0)" = incidents.csv:6 ]
	[ "$(dq_where 1)" = team_stats.csv:16 ]
}

@test "keys.event_in_matches: players, lineups and appearances of an unknown match" {
	dq_pass keys.event_in_matches
	# players (read before lineups) are checked against every match
	[ "$(dq_field .checked)" -eq 162 ]
	dq_bad keys.event_in_matches
	dq_check keys.event_in_matches FAIL 3 3 1009 1009 1009
	[ "$(dq_where 0)" = players.csv:30 ]
	[ "$(dq_detail 0)" = "players row of a match not in matches" ]
	[ "$(dq_where 1)" = lineups.csv:58 ]
	[ "$(dq_where 2)" = appearances.csv:49 ]
}

@test "keys.team_in_teams: a WARN, with the team table's remediation" {
	dq_pass keys.team_in_teams
	dq_bad keys.team_in_teams
	dq_check keys.team_in_teams WARN 2 0 31 99
	[ "$(dq_detail 0)" = "matches.home_team_id not in teams" ]
	[ "$(dq_detail 1)" = "appearances.opponent_id not in teams" ]
	[[ "$(dq_field .remediation)" == "Rebuild the team table"* ]]
	[ "$(dq_field .doc)" = \
	    "docs/fixing_validation_failures.md#keys.team_in_teams" ]
}

@test "keys.player_in_players: two players missing from players" {
	dq_pass keys.player_in_players
	dq_bad keys.player_in_players
	# 113 and 214 are in both lineups, 113 also played in 1001
	dq_check keys.player_in_players FAIL 5 3 113 214 214 113 113
	[ "$(dq_where 4)" = appearances.csv:14 ]
}

@test "consistency.starters: 10 starters; an unconfirmed lineup is not checked" {
	dq_pass consistency.starters
	dq_bad consistency.starters
	dq_check consistency.starters FAIL 1 3 1001
	[ "$(dq_detail 0)" = "away: 10 starters in a confirmed lineup, want 11" ]
	[ "$(dq_where 0)" = lineups.csv:16 ]
	# 1003 has 12 home starters but is not confirmed: 2 sides checked
	[ "$(dq_field .checked)" -eq 2 ]
}

@test "consistency.goals_vs_score: an own goal credited to the wrong side" {
	dq_pass consistency.goals_vs_score
	dq_bad consistency.goals_vs_score
	dq_check consistency.goals_vs_score FAIL 1 3 1001
	[ "$(dq_detail 0)" = "score 2-1, goals in the incidents 1-2" ]
	[ "$(dq_where 0)" = matches.csv:2 ]
}

@test "consistency.goals_vs_score: shoot-out kicks are not goals, own goals count for the side credited" {
	# t/dq/good: 1001 is 2-1 with a home own goal; 1003 is 1-1 after a
	# shoot-out of four kicks; both pass
	dq_check consistency.goals_vs_score PASS 0 0
	[ "$(dq_field .checked)" -eq 2 ]
	# a match with no incident row at all is not checked
	grep -v '^1003,' data/processed/incidents.csv > i && \
	    mv i data/processed/incidents.csv
	dq_check consistency.goals_vs_score PASS 0 0
	[ "$(dq_field .checked)" -eq 1 ]
}

@test "consistency.goal_sequence: goals whose running score does not follow" {
	dq_pass consistency.goal_sequence
	[ "$(dq_field .checked)" -eq 5 ]
	dq_bad consistency.goal_sequence
	dq_check consistency.goal_sequence FAIL 2 3 1001/8 1003/2
	[ "$(dq_where 0)" = incidents.csv:9 ]
	[ "$(dq_detail 0)" = "goal for away at minute 80: score 2-2, the goals before make it 2-1" ]
	[ "$(dq_detail 1)" = "goal for away at minute 88: score 2-0, the goals before make it 1-1" ]
}

@test "consistency.score_parts: halves that do not make 90 minutes, a current without the shoot-out; an awarded result is not checked" {
	dq_pass consistency.score_parts
	dq_bad consistency.score_parts
	# 1004 is awarded (0-3 with a 1-1 normal time): left alone
	dq_check consistency.score_parts FAIL 2 3 1001 1003
	[ "$(dq_field .checked)" -eq 2 ]
	[ "$(dq_detail 0)" = "home: period1 1 + period2 0, normaltime 2" ]
	[ "$(dq_detail 1)" = "away: score 1 + penalties 2, current 2" ]
	[ "$(dq_where 1)" = matches.csv:4 ]
}

@test "consistency.minutes_range: 131 minutes, -1 reported, a goal at -4" {
	dq_pass consistency.minutes_range
	# 47 appearances twice, 5 goals, 3 substitutions
	[ "$(dq_field .checked)" -eq 102 ]
	dq_bad consistency.minutes_range
	dq_check consistency.minutes_range FAIL 3 3 1001/102 1001/103 1001/1
	[ "$(dq_detail 0)" = "minutes 131 outside 0..130" ]
	[ "$(dq_detail 1)" = "minutes_reported -1 outside 0..130" ]
	[ "$(dq_where 2)" = incidents.csv:2 ]
	[ "$(dq_detail 2)" = "goal at minute -4 outside 0..130" ]
}

@test "consistency.minutes_range: a card before the kick-off is not a minute played" {
	sed -i 's/^1001,5,card,yellow,66,away,204,,$/1001,5,card,yellow,-5,away,204,,/' \
	    data/processed/incidents.csv
	grep -q '^1001,5,card,yellow,-5,' data/processed/incidents.csv
	dq_pass consistency.minutes_range
}

@test "consistency.minutes_reported: 5 minutes apart is a WARN, within minutes_tolerance a pass" {
	dq_pass consistency.minutes_reported
	dq_bad consistency.minutes_reported
	dq_check consistency.minutes_reported WARN 1 0 1001/104
	[ "$(dq_detail 0)" = "minutes 90, reported 85 (more than 3 apart)" ]
	SOFASCORE_MINUTES_TOLERANCE=5 dq_check consistency.minutes_reported \
	    PASS 0 0
}

@test "consistency.substitutions: six for one side is a WARN, allowed by max_substitutions" {
	dq_pass consistency.substitutions
	dq_bad consistency.substitutions
	dq_check consistency.substitutions WARN 1 0 1001
	[ "$(dq_detail 0)" = "home: 6 substitutions, more than 5" ]
	SOFASCORE_MAX_SUBSTITUTIONS=6 dq_check consistency.substitutions \
	    PASS 0 0
}

@test "consistency.team_stats: possession that does not make 100, a count whose halves do not add up" {
	dq_pass consistency.team_stats
	# possession in 4 rows; 1001's shots (expected goals are not counts,
	# accurate passes a ratio, 1003's corners one period only)
	[ "$(dq_field .checked)" -eq 5 ]
	dq_bad consistency.team_stats
	dq_check consistency.team_stats WARN 2 0 1001 1001
	[ "$(dq_where 0)" = team_stats.csv:10 ]
	[ "$(dq_detail 0)" = "Ball possession, 2ND: 50 + 51, not 100" ]
	[ "$(dq_where 1)" = team_stats.csv:3 ]
	[ "$(dq_detail 1)" = "Total shots: ALL 12-8, 1ST 5-3 + 2ND 7-4" ]
}

@test "consistency.team_stats: a match whose rows come in two runs is checked run by run" {
	grep -v '^1001,2ND,' data/processed/team_stats.csv > t
	grep '^1001,2ND,' data/processed/team_stats.csv >> t
	mv t data/processed/team_stats.csv
	# the shots of 1001 are now ALL and 1ST, then 2ND after 1003's rows
	dq_check consistency.team_stats PASS 0 0
	[ "$(dq_field .checked)" -eq 4 ]
}

@test "consistency.finished_scores: a finished match without its away score" {
	dq_pass consistency.finished_scores
	dq_bad consistency.finished_scores
	dq_check consistency.finished_scores FAIL 1 3 1003
	[ "$(dq_detail 0)" = "finished match without its away score" ]
}

@test "consistency.status_known: an unknown code, a code with another type" {
	dq_pass consistency.status_known
	dq_bad consistency.status_known
	dq_check consistency.status_known FAIL 2 3 1002 1003
	[ "$(dq_detail 0)" = "unknown status code 33 (type 'notstarted')" ]
	[ "$(dq_detail 1)" = "status 120 has type 'inprogress', want 'finished'" ]
}
