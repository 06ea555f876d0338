#!/usr/bin/env bats
# sofa-discover matches, offline over a raw store: the recorded 2015/16
# Premier League (38 rounds, 390 events), a hand-written cup with named
# rounds and a league without rounds listed by pages
# (t/fixtures/discover/README.md).  The same over HTTP is in t1004.

setup() {
	load test-lib.sh
	common_setup
	need_fixtures
	export SOFASCORE_RAW_BASE=$FIXTURES/store SOFA_NOW=1767225600
	OWN=$SOFA_SRCDIR/t/fixtures/discover/store
}

stderr_has() {
	[[ $stderr == *"$1"* ]] || fail "stderr lacks '$1': $stderr"
}

ROUNDS=unique-tournament/17/season/10356/events/round

@test "EPL 2015/16: the ids of the 38 round lists, 390 of them, once each" {
	run -0 --separate-stderr sofa-discover --offline matches 17 2015/16
	assert_equal "$stderr" ""
	printf '%s\n' "$output" >index
	[ "$(wc -l <index)" -eq 390 ]
	jq -r .event_id index | sort >got
	cat "$FIXTURES/store/$ROUNDS"/*.json | jq -r '.events[].id' | sort >want
	[ "$(wc -l <want)" -eq 390 ]
	diff -u want got
	[ "$(sort -u got | wc -l)" -eq 390 ]
}

@test "EPL 2015/16: sorted by start time then id; postponed and canceled kept" {
	sofa-discover --offline matches 17 10356 >index
	jq -r '[.start_utc, .event_id] | @tsv' index >order
	sort -k1,1 -k2,2n order | diff -u - order
	# 7 postponed and 3 canceled ghosts (API-NOTES headline 4)
	[ "$(jq -c 'select(.status_code == 60)' index | wc -l)" -eq 7 ]
	[ "$(jq -c 'select(.status_code == 70)' index | wc -l)" -eq 3 ]
	[ "$(jq -c 'select(.status_code == 100)' index | wc -l)" -eq 380 ]
	# Man Utd v Bournemouth: canceled 6768368 beside its replay 7073008
	run jq -r 'select(.event_id == 6768368 or .event_id == 7073008) |
	    [.event_id, .round, .status_type, .home_score, .away_score,
	    .winner_code] | @tsv' index
	assert_output $'6768368\t38\tcanceled\t\t\t\n7073008\t38\tfinished\t3\t1\t1'
}

@test "EPL 2015/16: one line checked field by field" {
	sofa-discover --offline matches 17 15/16 >index
	run -0 jq -c 'select(.event_id == 6768363)' index
	assert_output '{"event_id":6768363,"tournament_id":17,"tournament":"Premier League","season_id":10356,"season":"15/16","round":38,"round_name":null,"round_slug":null,"start_utc":"2016-05-15T14:00:00Z","status_code":100,"status_type":"finished","status_description":"Ended","home_team_id":42,"home_team":"Arsenal","away_team_id":40,"away_team":"Aston Villa","home_score":4,"away_score":0,"home_penalties":null,"away_penalties":null,"winner_code":1,"slug":"arsenal-aston-villa","custom_id":"PR","changed_utc":"2016-05-15T15:50:27Z","discovered_utc":"2026-01-01T00:00:00Z"}'
}

@test "every line has the keys of share/sofa/schema/index.tsv, in order" {
	sofa-discover --offline matches 17 15/16 >index
	grep -v '^#' "$SOFA_SRCDIR/share/sofa/schema/index.tsv" | cut -f1 |
	    paste -sd, >want
	jq -r 'keys_unsorted | join(",")' index | sort -u >got
	diff -u want got
}

@test "the request log of -v: seasons, rounds, the 38 rounds in order" {
	run -0 --separate-stderr sofa-discover --offline -v matches 17 2015/16
	want="sofa-discover: unique-tournament/17/seasons: ok"
	want+=$'\n'"sofa-discover: unique-tournament/17/season/10356/rounds: ok"
	for r in $(seq 1 38); do
		want+=$'\n'"sofa-discover: $ROUNDS/$r: ok"
	done
	assert_equal "$stderr" "$want"
}

@test "a cup with named rounds: slug and prefix paths, names, 404 round" {
	SOFASCORE_RAW_BASE=$OWN run -0 --separate-stderr sofa-discover --offline -v matches 900001 2024
	printf '%s\n' "$output" >index
	run jq -r '[.event_id, .round, .round_name, .round_slug, .status_code,
	    .home_score, .away_score, .home_penalties, .away_penalties,
	    .season_id, .season] | map(tostring) | join(" ")' index
	assert_output - <<-'EOF'
	9100001 1 Qualification round 1 qualification-round-1 100 0 2 null null 90001 2024
	9100002 1 null null 100 2 1 null null 90001 2024
	9100003 1 null null 90 1 1 null null 90001 2024
	9100004 2 null null 60 null null null null 90001 2024
	9100005 2 null null 70 null null null null 90001 2024
	9100006 2 null null 100 0 0 null null 90001 2024
	9100007 5 Round of 16 round-of-16 110 2 1 null null 90001 2024
	9100008 5 Round of 16 round-of-16 120 2 2 4 5 90001 2024
	9100009 27 Quarterfinals quarterfinals 100 3 0 null null 90001 2024
	9100010 29 Final final 0 null null null null 90001 2024
	EOF
	B=unique-tournament/900001/season/90001/events/round
	stderr_has "$B/1/slug/qualification-round-1/prefix/Qualification: ok"
	stderr_has "$B/5/slug/round-of-16: ok"
	stderr_has "$B/28/slug/semifinals: absent"
	stderr_has "$B/29/slug/final: ok"
}

@test "no rounds: three pages of events/last and one of next, every match once" {
	SOFASCORE_RAW_BASE=$OWN run -0 --separate-stderr sofa-discover --offline -v matches 900002
	printf '%s\n' "$output" >index
	run jq -r '.event_id' index
	assert_output "$(seq 9200001 9200013)"
	B=unique-tournament/900002/season/90002
	assert_equal "$stderr" "sofa-discover: unique-tournament/900002/seasons: ok
sofa-discover: $B/rounds: absent
sofa-discover: $B/events/last/0: ok
sofa-discover: $B/events/last/1: ok
sofa-discover: $B/events/last/2: ok
sofa-discover: $B/events/next/0: ok"
	# the request's season fills the events that have none
	[ "$(jq -c 'select(.season_id == 90002 and .season == "24/25")' index |
	    wc -l)" -eq 13 ]
	run jq -r 'select(.event_id == 9200006) | .status_type' index
	assert_output postponed
}

@test "--pages lists a competition with rounds by its pages" {
	SOFASCORE_RAW_BASE=$OWN run -0 --separate-stderr sofa-discover --offline -v --pages matches 900001 2024
	assert_equal "$output" ""
	B=unique-tournament/900001/season/90001
	assert_equal "$stderr" "sofa-discover: unique-tournament/900001/seasons: ok
sofa-discover: $B/events/last/0: absent
sofa-discover: $B/events/next/0: absent"
}

@test "--max-pages: a listing that goes on is an error, what was read is kept" {
	SOFASCORE_RAW_BASE=$OWN run -1 --separate-stderr sofa-discover --offline --max-pages 2 matches 900002
	[ "${#lines[@]}" -eq 9 ]	# pages 0 and 1 (7 ids), next/0 (2)
	stderr_has "unique-tournament/900002/season/90002/events/last: still more after 2 pages: stopped (raise --max-pages)"
}

@test "several seasons and the config's competitions in one run" {
	cp -R "$OWN" store
	cp -R "$FIXTURES/store/unique-tournament/17" store/unique-tournament/
	cat >sofa.ini <<-EOF
	[sofa]
	root = $PWD
	[paths]
	raw_base = store
	[competition cup]
	tournament = 900001
	seasons = 2024 2023
	[competition league]
	tournament = 900002
	[competition epl]
	tournament = 17
	seasons = 2015/16
	EOF
	unset SOFASCORE_RAW_BASE SOFASCORE_ROOT
	run -0 --separate-stderr sofa-discover --offline --config sofa.ini matches
	[ "${#lines[@]}" -eq $((10 + 13 + 390)) ]
	# the cup's 2023 has nothing stored (no rounds, no pages): no lines
	run -0 sofa-discover --offline --config sofa.ini matches cup 2023
	assert_output ""
	run -0 --separate-stderr sofa-discover --offline --config sofa.ini matches cup
	[ "${#lines[@]}" -eq 10 ]
	# its semifinals are listed in rounds but absent: said without -v
	assert_equal "$stderr" "sofa-discover: unique-tournament/900001/season/90001/events/round/28/slug/semifinals: listed in unique-tournament/900001/season/90001/rounds but absent (404): no matches listed from it"
}

@test "an unknown competition or season: exit 1, named; the rest still listed" {
	run -1 --separate-stderr sofa-discover --offline matches 999999 current
	assert_equal "$stderr" "sofa-discover: unknown competition 999999: unique-tournament/999999/seasons is absent (404)"
	run -1 --separate-stderr sofa-discover --offline matches 17 15/16 2031/32
	[ "${#lines[@]}" -eq 390 ]
	stderr_has "competition 17: no season '2031/32'"
}

@test "drift: a round without events, an event without id: path and key named" {
	cp -R "$OWN" store
	B=store/unique-tournament/900001/season/90001/events/round
	printf '{"evnts":[],"hasNextPage":false}' >$B/2.json
	jq -c 'del(.events[0].id)' $B/5/slug/round-of-16.json >x &&
	    mv x $B/5/slug/round-of-16.json
	SOFASCORE_RAW_BASE=$PWD/store run -1 --separate-stderr sofa-discover --offline matches 900001 2024
	[ "${#lines[@]}" -eq 6 ]	# 10, less round 2's 3, less one
	stderr_has "sofa-discover: unique-tournament/900001/season/90001/events/round/2: events: expected an array, got absent"
	stderr_has "sofa-discover: unique-tournament/900001/season/90001/events/round/5/slug/round-of-16: events[0].id: expected a positive integer, got absent"
	printf '{"currentRound":{"round":1}}' >store/unique-tournament/900001/season/90001/rounds.json
	SOFASCORE_RAW_BASE=$PWD/store run -1 --separate-stderr sofa-discover --offline matches 900001 2024
	assert_equal "$output" ""
	assert_equal "$stderr" "sofa-discover: unique-tournament/900001/season/90001/rounds: rounds: expected an array, got absent"
}

@test "a stored body that is not JSON: the file named, the others listed" {
	cp -R "$OWN" store
	printf '{"events":[' >store/unique-tournament/900002/season/90002/events/last/1.json
	SOFASCORE_RAW_BASE=$PWD/store run -1 --separate-stderr sofa-discover --offline matches 900002
	[ "${#lines[@]}" -eq 5 ]	# page 0 (3) and next/0 (2)
	[[ $stderr == "sofa-discover: $PWD/store/unique-tournament/900002/season/90002/events/last/1.json:1: invalid JSON"* ]]
}

@test "stdout: >/dev/full is a write error, | head ends quietly" {
	run bash -c 'sofa-discover --offline matches 17 15/16 >/dev/full'
	[ "$status" -eq 1 ]
	assert_output --partial "write error"
	run bash -c 'sofa-discover --offline matches 17 15/16 | head -n 1'
	[ "$status" -eq 0 ]
	assert_output --partial '"event_id":6767929,'
	run bash -c 'trap "" PIPE; sofa-discover --offline matches 17 15/16 | head -n 1'
	assert_line -n 0 --partial '"event_id":6767929,'
}
