#!/usr/bin/env bats
# sofa-discover seasons, and season selection wherever a season is asked
# for: the recorded competitions of the fixture store, read offline (the
# same over HTTP is in t1004).

setup() {
	load test-lib.sh
	common_setup
	need_fixtures
	export SOFASCORE_RAW_BASE=$FIXTURES/store
}

# bats-assert 2.1 has no assert_stderr: these check $stderr of run
# --separate-stderr.
stderr_has() {
	[[ $stderr == *"$1"* ]] || fail "stderr lacks '$1': $stderr"
}
stderr_lacks() {
	[[ $stderr != *"$1"* ]] || fail "stderr has '$1': $stderr"
}

@test "every recorded competition lists its seasons, newest first" {
	n=0
	for f in "$FIXTURES"/store/unique-tournament/*/seasons.json; do
		ut=$(basename "$(dirname "$f")")
		run -0 --separate-stderr sofa-discover --offline seasons "$ut"
		printf '%s\n' "$output" | jq -r '[.tournament_id, .season_id,
		    .name, .year] | @tsv' >got
		jq -r --argjson ut "$ut" '.seasons[] |
		    [$ut, .id, .name, .year] | @tsv' "$f" >want
		diff -u want got || fail "tournament $ut"
		n=$((n + 1))
	done
	[ "$n" -ge 11 ]
}

@test "seasons: ids, names, years and year spans of the Premier League" {
	run -0 --separate-stderr sofa-discover --offline seasons 17
	[ "${#lines[@]}" -eq 33 ]
	assert_equal "${lines[0]}" '{"tournament_id":17,"season_id":76986,"name":"Premier League 25/26","year":"25/26","start_year":2025,"end_year":2026}'
	assert_equal "${lines[10]}" '{"tournament_id":17,"season_id":10356,"name":"Premier League 15/16","year":"15/16","start_year":2015,"end_year":2016}'
	# 99/00 is 1999/2000, 93/94 the oldest
	printf '%s\n' "$output" >out
	run jq -r 'select(.year == "99/00" or .year == "93/94") |
	    "\(.season_id) \(.start_year) \(.end_year)"' out
	assert_output $'49 1999 2000\n25680 1993 1994'
}

@test "every way of writing a season selects the same one" {
	for w in 10356 id:10356 2015/16 15/16 2015/2016 2015-16 year:15/16; do
		run -0 --separate-stderr sofa-discover --offline seasons 17 "$w"
		assert_output --partial '"season_id":10356,' ||
		    fail "$w: $output"
		[ "${#lines[@]}" -eq 1 ] || fail "$w: ${#lines[@]} lines"
	done
}

@test "current is the newest, all is every season, words combine" {
	run -0 sofa-discover --offline seasons 17 current
	assert_output --partial '"season_id":76986,'
	run -0 sofa-discover --offline seasons 17 all
	[ "${#lines[@]}" -eq 33 ]
	run -0 sofa-discover --offline seasons 17 '15/16,16/17' current 15/16
	[ "${#lines[@]}" -eq 3 ]	# in list order, each once
	assert_line -n 0 --partial '"season_id":76986,'
	assert_line -n 1 --partial '"season_id":11733,'
	assert_line -n 2 --partial '"season_id":10356,'
}

@test "calendar seasons and Serie A's four-digit years" {
	run -0 sofa-discover --offline seasons 325 2024
	assert_output --partial '"name":"Brasileirão Betano 2024","year":"2024"'
	run -0 sofa-discover --offline seasons 325 20/21
	assert_output --partial '"year":"20/21","start_year":2020'
	run -0 sofa-discover --offline seasons 23 69/70
	assert_output --partial '"year":"1969/1970","start_year":1969,"end_year":1970'
}

@test "a season the competition does not have: exit 1, named, with the list" {
	run -1 --separate-stderr sofa-discover --offline seasons 17 2031/32
	assert_equal "$output" ""
	assert_equal "$stderr" "sofa-discover: competition 17: no season '2031/32' (seasons: 25/26 24/25 23/24 22/23 21/22 20/21 19/20 18/19 ... 93/94 (33 seasons))"
	run -1 --separate-stderr sofa-discover --offline seasons 17 2024
	assert_equal "$stderr" "sofa-discover: competition 17: no calendar season 2024; did you mean 24/25?"
	run -1 --separate-stderr sofa-discover --offline seasons 17 99999
	stderr_has "no season '99999'"
	# the other words still select
	run -1 --separate-stderr sofa-discover --offline seasons 17 2031/32 15/16
	assert_output --partial '"season_id":10356,'
}

@test "an unknown competition: exit 1, named" {
	run -1 --separate-stderr sofa-discover --offline seasons 999999
	assert_equal "$output" ""
	assert_equal "$stderr" "sofa-discover: unknown competition 999999: unique-tournament/999999/seasons is absent (404)"
}

@test "a word that can select nothing is a usage error, before any request" {
	for w in latest 0 -3 id:x year:abc 15/16/17 2015/2017 Current; do
		run -2 --separate-stderr sofa-discover --offline -v seasons 17 -- "$w"
		stderr_has "season '$w': " || fail "$w"
		stderr_lacks "seasons: ok"
	done
	run -2 --separate-stderr sofa-discover --offline seasons x17
	assert_equal "$stderr" "sofa-discover: x17: not a tournament id nor a [competition] of the configuration"
}

@test "no tournament: the config's competitions and their seasons" {
	cat >sofa.ini <<-'EOF'
	[competition premier-league]
	tournament = 17
	seasons = 2015/16, 16/17

	[competition laliga]
	tournament = 8
	EOF
	run -0 --separate-stderr sofa-discover --offline --config sofa.ini seasons
	[ "${#lines[@]}" -eq 3 ]
	assert_line -n 0 --partial '"tournament_id":17,"season_id":11733,'
	assert_line -n 1 --partial '"tournament_id":17,"season_id":10356,'
	assert_line -n 2 --partial '"tournament_id":8,"season_id":77559,'
	# a competition's name stands for its tournament and seasons
	run -0 sofa-discover --offline --config sofa.ini seasons premier-league
	[ "${#lines[@]}" -eq 33 ]
	run -0 sofa-discover --offline --config sofa.ini seasons premier-league 17/18
	assert_output --partial '"season_id":13380,'
}

@test "a bad season word in the config is a usage error naming it" {
	printf '[competition x]\ntournament = 17\nseasons = 15/16 soon\n' >sofa.ini
	run -2 --separate-stderr sofa-discover --offline --config sofa.ini seasons
	assert_equal "$stderr" "sofa-discover: season 'soon': not a season: current, all, an id or a year such as 2023/24, 23/24 or 2024"
	: >empty.ini
	run -2 --separate-stderr sofa-discover --offline --config empty.ini seasons
	stderr_has "no [competition] section"
}

@test "no command, an unknown command, seasons with -m: usage, exit 2" {
	run -2 --separate-stderr sofa-discover
	stderr_has "usage: sofa-discover"
	run -2 --separate-stderr sofa-discover list 17
	stderr_has "usage: sofa-discover"
	run -2 --separate-stderr sofa-discover -m seasons 17
	run -2 --separate-stderr sofa-discover --max-pages 0 matches 17
	stderr_has "--max-pages 0: too small"
}

@test "a seasons body without seasons names the path and the key" {
	mkdir -p store/unique-tournament/5
	printf '{"season":[]}' >store/unique-tournament/5/seasons.json
	printf '{"seasons":[{"id":"7"}]}' >store/unique-tournament/5/seasons.json.x
	SOFASCORE_RAW_BASE=$PWD/store run -1 --separate-stderr sofa-discover --offline seasons 5
	assert_equal "$stderr" "sofa-discover: unique-tournament/5/seasons: seasons: expected an array, got absent"
	mv store/unique-tournament/5/seasons.json.x store/unique-tournament/5/seasons.json
	SOFASCORE_RAW_BASE=$PWD/store run -1 --separate-stderr sofa-discover --offline seasons 5
	assert_equal "$stderr" "sofa-discover: unique-tournament/5/seasons: seasons[0].id: expected a positive integer, got string"
}

@test "a stored seasons body that is not JSON names the file and line" {
	mkdir -p store/unique-tournament/5
	printf '{"seasons":[\n{"id":1,}]}' >store/unique-tournament/5/seasons.json
	SOFASCORE_RAW_BASE=$PWD/store run -1 --separate-stderr sofa-discover --offline seasons 5
	[[ $stderr == "sofa-discover: $PWD/store/unique-tournament/5/seasons.json:2: invalid JSON"* ]]
}
