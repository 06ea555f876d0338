#!/usr/bin/env bats
# Tests t46xx-t49xx belong to the table builders (sofa-matches, sofa-teams,
# sofa-players, sofa-incidents, sofa-teamstats).
#
# The builders on every real recorded document of ../shared/fixtures
# (read in place): every event, incidents, statistics and lineups file of
# the store, the PHP-re-serialized event 14566612, the TVData-only
# statistics file, and the seven inconsistent osegonte event+incidents
# dumps as hostile input.  Expected values were read off the documents by
# hand (or counted with jq over the documents, never over our output).

setup() {
	load test-lib.sh
	common_setup
	need_fixtures
	S=$FIXTURES/store
}

# Ids of the store's matches that have endpoint E (event: event/ID.json).
ids_with() {
	if [ "$1" = event ]; then
		ls "$S/event" | sed -n 's/^\([0-9]*\)\.json$/\1/p'
	else
		ls "$S"/event/*/"$1".json | sed 's|.*/event/\([0-9]*\)/.*|\1|'
	fi | sort -n
}

@test "matches: every stored event, one row each, exit 0" {
	ids_with event >ids
	[ "$(wc -l <ids)" -eq 8 ]
	run -0 --separate-stderr sofa-matches -j --raw-base "$S" <ids
	echo "$output" >rows
	assert_equal "$stderr" ""
	assert_equal "$(wc -l <rows)" 8
	run jq -r '.event_id' rows
	assert_output "$(cat ids)"
}

@test "matches: the PHP-re-serialized event 14566612 reads whole" {
	run -0 sofa-matches -j --raw-base "$S" 14566612
	echo "$output" >row
	run jq -r '[.home_team_id, .home_team_name, .away_team_id,
	    .away_team_name, .home_score, .away_score, .home_period1,
	    .away_period1, .home_period2, .away_period2, .status_code,
	    .finished, .ending, .winner_code, .venue_name, .venue_city,
	    .referee_id, .referee_name, .attendance, .start_utc,
	    .tournament_id, .season_id, .round, .home_penalties] | @tsv' row
	assert_output "$(printf '%s\t' 2697 Inter 42 Arsenal 1 3 1 2 0 1 100 \
	    true regular 2 'San Siro/Giuseppe Meazza' Milan 222742 \
	    'Joao Pedro Pinheiro' 72649 2026-01-20T20:00:00Z 7 76953 7 |
	    sed 's/\t$//')	"
}

@test "matches: not started (scores {}), a knockout round, a 0-0" {
	run -0 sofa-matches -j --raw-base "$S" 14348664 11080977
	echo "$output" >rows
	run jq -c 'select(.event_id == 14348664) | [.status_type, .finished,
	    .ending, .home_score, .away_score, .round, .round_name,
	    .round_slug, .stage_name]' rows
	assert_output '["notstarted",false,null,null,null,636,"Playoff round","playoff-round","UEFA Champions League, Playoff Round"]'
	run jq -c 'select(.event_id == 11080977) | [.home_score, .away_score,
	    .home_normaltime, .winner_code, .round, .venue_id,
	    .changed_utc]' rows
	assert_output '[0,0,0,3,15,null,"2023-07-08T13:50:32Z"]'
}

@test "incidents: every stored file, one row per incident, oldest first" {
	ids_with incidents >ids
	[ "$(wc -l <ids)" -eq 34 ]
	run -0 --separate-stderr sofa-incidents -j --raw-base "$S" <ids
	echo "$output" >rows
	assert_equal "$stderr" ""
	want=$(for id in $(cat ids); do
		jq '.incidents | length' "$S/event/$id/incidents.json"
	done | paste -sd+ - | bc)
	assert_equal "$(wc -l <rows)" "$want"
	# seq runs 1..n within each match
	run jq -s 'group_by(.event_id) | map([.[].seq] ==
	    [range(1; length + 1)]) | all' rows
	assert_output true
	# 11080977: the oldest is the 5th-minute card, the newest FT
	run jq -c 'select(.event_id == 11080977) | [.seq, .type, .minute,
	    .text]' rows
	assert_line --index 0 '[1,"card",5,null]'
	assert_line --index 14 '[15,"period",90,"FT"]'
}

@test "incidents: goals per side equal the final period score (34 files)" {
	ids_with incidents | sofa-incidents -j --raw-base "$S" >rows
	run jq -s 'group_by(.event_id) | map(
	    ([.[] | select(.type == "period")] | max_by(.seq)) as $ft |
	    [([.[] | select(.type == "goal" and .side == "home")] | length),
	     ([.[] | select(.type == "goal" and .side == "away")] | length)] ==
	    [$ft.home_score, $ft.away_score]) | [length, all]' rows
	assert_output "$(printf '[\n  34,\n  true\n]')"
}

@test "incidents: team ids from the event, a card at minute -5 kept" {
	run -0 sofa-incidents -j --raw-base "$S" 11080977 9578821
	echo "$output" >rows
	run jq -r 'select(.event_id == 11080977 and .side != null) |
	    "\(.side) \(.team_id)"' rows
	refute_line --regexp '^home (7304|null)'
	refute_line --regexp '^away (42965|null)'
	assert_line 'home 42965'
	run jq -c 'select(.event_id == 9578821 and .minute < 0) |
	    [.type, .class, .minute, .player_id, .reason, .team_id]' rows
	assert_output '["card","yellow",-5,855970,"Argument",null]'
}

@test "teamstats: every stored file, one row per item; 404 body noted" {
	ids_with statistics >ids
	run --separate-stderr sofa-teamstats -j --raw-base "$S" <ids
	assert_equal "$status" 0
	echo "$output" >rows
	assert_equal "$stderr" "sofa-teamstats: 11733377: statistics not in the store ($S/event/11733377/statistics.json), skipped"
	want=$(for id in $(cat ids); do
		jq '[.statistics[]?.groups[].statisticsItems[]] | length' \
		    "$S/event/$id/statistics.json"
	done | paste -sd+ - | bc)
	assert_equal "$(wc -l <rows)" "$want"
	# possession adds up to 100 in every period of every match
	run jq -s '[.[] | select(.stat_key == "ballPossession")] |
	    [length > 100, (map(.home_value + .away_value == 100) | all)]' rows
	assert_output "$(printf '[\n  true,\n  true\n]')"
}

@test "teamstats: both generations and their keys" {
	run -0 sofa-teamstats -j --raw-base "$S" 10408426 13472737
	echo "$output" >rows
	# old generation: no key, stat_key by name; display and numbers
	run jq -c 'select(.event_id == 10408426 and .period == "ALL" and
	    (.name == "Expected goals" or .name == "Long balls")) |
	    [.group, .key, .stat_key, .home, .home_value, .home_total,
	     .value_type]' rows
	assert_line '["Expected",null,"expectedGoals","0.67",0.67,null,"event"]'
	assert_line --index 1 --regexp '^\["Passes",null,"accurateLongBalls","[0-9]+/[0-9]+ \([0-9]+%\)",[0-9]+,[0-9]+,"team"\]$'
	# new generation: published keys, two names for one key
	run jq -c 'select(.event_id == 13472737 and .period == "ALL" and
	    .name == "Ball possession") | [.key, .home, .away_value,
	    .render_type]' rows
	assert_output '["ballPossession","70%",30,2]'
}

@test "teamstats: the TVData-only file (no numbers, no kind)" {
	mkdir -p store/event/1
	cp "$FIXTURES/other/statistics/newhask777__fastapi-predictions__json__statistics.json" \
	    store/event/1/statistics.json
	run -0 sofa-teamstats --raw-base store 1
	assert_output "$(printf '%s\n' \
	    'event_id,period,group,name,key,stat_key,home,away,home_value,away_value,home_total,away_total,value_type,statistics_type,compare_code,render_type' \
	    '1,ALL,TVData,Corner kicks,,cornerKicks,7,3,7,3,,,,,1,')"
}

@test "players: every player of every lineups and incidents file, once" {
	{ ids_with lineups; ids_with incidents; } | sort -un >ids
	run -0 --separate-stderr sofa-players -j --raw-base "$S" <ids
	echo "$output" >rows
	assert_equal "$stderr" ""
	for id in $(cat ids); do
		for f in "$S/event/$id/lineups.json" "$S/event/$id/incidents.json"
		do
			[ -f "$f" ] && jq '.. | objects |
			    (.player?, .playerIn?, .playerOut?, .assist1?,
			     .assist2?) | objects | .id' "$f"
		done
	done | sort -un >want
	jq '.player_id' rows | sort -n >got
	run uniq -d got
	assert_output ""
	diff want got
	# a lineups observation carries date of birth and country
	run jq -c 'select(.player_id == 987108) | [.name, .position,
	    .date_of_birth, .country_alpha2, .source, .event_id]' rows
	assert_output '["Aleksandr Svirskiy","G","1999-02-28","BY","lineups",11080977]'
}

@test "teams: every team of every event once; lineups teamIds kept" {
	{ ids_with event; echo 13472737; } >ids
	run -0 sofa-teams -j -q --raw-base "$S" <ids
	echo "$output" >rows
	run jq -r '.team_id' rows
	assert_equal "$(sort -n <<<"$output" | uniq -d)" ""
	sofa-matches -j --raw-base "$S" <ids 2>/dev/null |
		jq '.home_team_id, .away_team_id' | sort -un >want
	jq 'select(.source == "event") | .team_id' rows | sort -n >got
	diff want got
	run jq -c 'select(.source == "lineups") | .team_id' rows
	assert_output "$(printf '%s\n' 1977 200653 1966 212171)"
	run jq -c 'select(.team_id == 2697) | [.name, .country_alpha3,
	    .national, .event_id]' rows
	assert_output '["Inter","ITA",false,14566612]'
}

# The seven osegonte dumps as a store: event/ID.json and its incidents.
osegonte_store() {
	for f in "$FIXTURES"/other/event+incidents/*.json; do
		id=$(jq .match_id "$f")
		mkdir -p "store/event/$id"
		jq .event "$f" >"store/event/$id.json"
		jq .incidents.incidents "$f" >"store/event/$id/incidents.json"
		echo "$id"
	done
}

@test "osegonte: inconsistent but well-formed dumps pass through as given" {
	osegonte_store >ids
	[ "$(wc -l <ids)" -eq 7 ]
	run -0 --separate-stderr sofa-matches -j --raw-base store <ids
	echo "$output" >m
	assert_equal "$(wc -l <m)" 7
	# 13385903 claims AET 4-5 with current 3-5: kept as published
	run jq -c 'select(.event_id == 13385903) | [.ending, .home_score,
	    .away_score, .home_current, .away_current, .home_overtime,
	    .away_overtime]' m
	assert_output '["extra_time",4,5,3,5,1,2]'
	run -0 --separate-stderr sofa-incidents -j --raw-base store <ids
	echo "$output" >i
	want=$(for id in $(cat ids); do
		jq '.incidents | length' "store/event/$id/incidents.json"
	done | paste -sd+ - | bc)
	assert_equal "$(wc -l <i)" "$want"
	# the goal at minute -4 is kept, not fixed: sofa-dq flags it
	run jq -c 'select(.type == "goal" and .minute < 0) | [.event_id,
	    .minute, .side, .home_score, .away_score]' i
	assert_output '[13200275,-4,"away",1,0]'
	run -0 sofa-players -j --raw-base store <ids
	run -0 sofa-teams -j --raw-base store <ids
}
