#!/usr/bin/env bats
# t/helper/sofa-gen, the synthetic store: the same seed gives the same
# bytes, match i depends only on the seed and i, and every document has
# only keys, types and nesting that the recorded responses in
# ../shared/fixtures have (a few deliberate exceptions, each with its
# reason).  What it simulates is checked against sofa-appearances in
# t/t4020-appearances-generated.bats.

setup_file() {
	load test-lib.sh
	local g=$SOFA_BUILD/t/helper/sofa-gen
	"$g" -s 11 -n 500 -o "$BATS_FILE_TMPDIR/a" -t "$BATS_FILE_TMPDIR/a.csv" \
	    -i "$BATS_FILE_TMPDIR/a.ndjson"
}

setup() {
	load test-lib.sh
	common_setup
	A=$BATS_FILE_TMPDIR/a
}

# every "path type" of the JSON values on stdin, arrays as [], one a line
skeleton() {
	jq -r '[paths] as $ps | . as $r | $ps[] | . as $p |
	    [($p | map(if type == "number" then "[]" else . end) | join(".")),
	     ($r | getpath($p) | type)] | join(" ")' | sort -u
}

# generated-only lines of FILE1 (generated) against FILE2 (recorded),
# but for the exceptions given as arguments (extended regexps)
extra() {
	local gen=$1 rec=$2 re
	shift 2
	re=$(printf '%s|' "$@")
	comm -23 "$gen" "$rec" | grep -Ev "^(${re%|})$" || true
}

@test "usage: -s, -n and -o are needed; a bad number exits 2" {
	run sofa-gen -n 3
	assert_failure 2
	assert_output --partial "usage: sofa-gen"
	run sofa-gen -s 1 -n x -o s
	assert_failure 2
	assert_output --partial "count 'x'"
}

@test "the same seed gives the same bytes; another seed another store" {
	sofa-gen -s 11 -n 60 -o b -t b.csv -i b.ndjson
	sofa-gen -s 11 -n 60 -o c -t c.csv -i c.ndjson
	run diff -r b c
	assert_success
	cmp b.csv c.csv
	cmp b.ndjson c.ndjson
	sofa-gen -s 12 -n 60 -o d
	run cmp b/event/20000000/lineups.json d/event/20000000/lineups.json
	assert_failure
}

@test "match i depends only on the seed and i: 60 matches are the first 60 of 500" {
	sofa-gen -s 11 -n 60 -o b -t b.csv -i b.ndjson
	for f in $(cd b && find event -type f); do
		cmp "b/$f" "$A/$f" || fail "$f differs"
	done
	run sh -c "head -n $(wc -l < b.csv) '$A.csv' | cmp - b.csv"
	assert_success
	run sh -c "head -n 60 '$A.ndjson' | cmp - b.ndjson"
	assert_success
}

@test "event objects: only recorded keys, types and nesting" {
	find "$FIXTURES" -name '*.json' -exec cat {} + 2>/dev/null |
	    jq -c '.. | objects | select(has("homeTeam") and has("status")
	    and has("startTimestamp"))' 2>/dev/null | skeleton > rec
	{ jq -c .event "$A"/event/*.json
	  find "$A/unique-tournament" -path '*/events/round/*' -name '*.json' \
	      -exec jq -c '.events[]' {} +; } | skeleton > gen
	run extra gen rec
	assert_output ""
	[ "$(wc -l < gen)" -gt 100 ]
}

@test "lineups: only recorded keys, types and nesting" {
	need_fixtures
	cat "$FIXTURES"/store/event/*/lineups.json | skeleton > rec
	cat "$A"/event/*/lineups.json | skeleton > gen
	# a statistic newer than the recordings (API-NOTES 3.6), so that
	# sofa-lineups --stats meets a key it has no column for
	run extra gen rec \
	    '(home|away)\.players\.\[\]\.statistics\.progressiveBallCarriesCount number'
	assert_output ""
	[ "$(wc -l < gen)" -gt 50 ]
}

@test "incidents: only recorded keys, types and nesting" {
	need_fixtures
	{ jq -c '.incidents[]' "$FIXTURES"/store/event/*/incidents.json
	  jq -c '.. | objects | select(has("incidentType"))' \
	      "$FIXTURES"/other/event+incidents/* \
	      "$FIXTURES"/other/incidents-filtered/*; } | skeleton > rec
	jq -c '.incidents[]' "$A"/event/*/incidents.json | skeleton > gen
	# no shoot-out was recorded (API-NOTES 9): penaltyShootout kicks
	# carry "sequence" as API-NOTES 3.7 describes them
	run extra gen rec 'sequence number'
	assert_output ""
	cat "$FIXTURES"/store/event/*/incidents.json | jq -c 'keys' |
	    sort -u > rec
	cat "$A"/event/*/incidents.json | jq -c 'keys' | sort -u > gen
	run comm -23 gen rec
	assert_output ""
}

@test "statistics, seasons and rounds: only recorded keys, types and nesting" {
	need_fixtures
	cat "$FIXTURES"/store/event/*/statistics.json | skeleton > rec
	cat "$A"/event/*/statistics.json | skeleton > gen
	run extra gen rec
	assert_output ""
	cat "$FIXTURES"/store/unique-tournament/*/seasons.json | skeleton > rec
	cat "$A"/unique-tournament/*/seasons.json | skeleton > gen
	run extra gen rec
	assert_output ""
	cat "$FIXTURES"/store/unique-tournament/*/season/*/rounds.json |
	    skeleton > rec
	cat "$A"/unique-tournament/*/season/*/rounds.json | skeleton > gen
	# named cup rounds, as API-NOTES 2.1 and 3.5 give them (only a
	# league's rounds were recorded)
	run extra gen rec '(currentRound|rounds\.\[\])\.(name|slug) string'
	assert_output ""
}

@test "discovery bodies: seasons list the rounds, rounds list the events, every event once" {
	# 500 matches: a season of 380 league and 31 cup matches, then 89
	# league matches (rounds 1 to 9) of the next; newest season first
	run jq -c '[.seasons[].id]' "$A"/unique-tournament/9917/seasons.json
	assert_output '[901001,901000]'
	run jq -c '[.seasons[].id]' "$A"/unique-tournament/9918/seasons.json
	assert_output '[902000]'
	run jq -c '[.currentRound.round, (.rounds | length)]' \
	    "$A"/unique-tournament/9917/season/901000/rounds.json
	assert_output '[38,38]'
	run jq -c '[.currentRound.round, (.rounds | length)]' \
	    "$A"/unique-tournament/9917/season/901001/rounds.json
	assert_output '[9,9]'
	run jq -c '[.currentRound.name, (.rounds | map(.slug))]' \
	    "$A"/unique-tournament/9918/season/902000/rounds.json
	assert_output '["Final",["round-of-32","round-of-16","quarterfinals","semifinals","final"]]'
	find "$A/unique-tournament" -path '*/events/round/*' -name '*.json' \
	    -exec jq -r '.events[].id' {} + | sort > listed
	ls "$A/event" | sed -n 's/\.json$//p' | sort > stored
	run diff listed stored
	assert_success
	run wc -l < listed
	assert_output 500
	run jq -s -r 'map(.hasNextPage) | unique | .[]' \
	    "$A"/unique-tournament/9917/season/901000/events/round/1.json
	assert_output false
	run jq -c '.events | map(.roundInfo)[0]' \
	    "$A"/unique-tournament/9918/season/902000/events/round/29/slug/final.json
	assert_output '{"round":29,"name":"Final","slug":"final","cupRoundType":1}'
}

@test "index lines: one per match, sofa-discover's keys, ids usable as input" {
	run wc -l < "$A.ndjson"
	assert_output 500
	run jq -s -r 'map(keys) | add | unique | join(" ")' "$A.ndjson"
	for k in event_id tournament_id tournament season_id season round \
	    start_utc status_code status_type home_team_id home_team \
	    away_team_id away_team home_score away_score winner_code slug \
	    custom_id changed_utc discovered_utc; do
		[[ " $output " == *" $k "* ]] || fail "no $k"
	done
	run jq -s -c 'map(select(.home_penalties != null)) | length > 0' \
	    "$A.ndjson"
	assert_output true
	# the index's scores are the events' displayed scores
	run jq -r 'select(.status_type == "finished") |
	    "\(.event_id) \(.home_score) \(.away_score)"' "$A.ndjson"
	want=$output
	run jq -r '.event | select(.status.type == "finished") |
	    "\(.id) \(.homeScore.display) \(.awayScore.display)"' \
	    "$A"/event/*.json
	assert_output "$want"
}

@test "the truth's header is the appearances schema" {
	run head -n 1 "$A.csv"
	assert_output "$(grep -v '^#' \
	    "$SOFA_SRCDIR/share/sofa/schema/appearances.tsv" | cut -f1 |
	    paste -sd, -)"
}

@test "goals add up to the displayed scores in every generated match" {
	# scores: goals of the players + own goals of the other side
	run jq -s -r 'group_by(.event_id)[] | . as $m | [true, false][] as $h |
	    ($m | map(select(.home == $h))) as $us |
	    ($m | map(select(.home != $h))) as $them |
	    select(($us | map(.goals) | add) + ($them | map(.own_goals) | add)
	    != $us[0].team_score) | .[0].event_id' \
	    <(sofa-appearances -j -q --raw-base "$A" < "$A.ndjson")
	assert_output ""
}
