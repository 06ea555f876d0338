#!/usr/bin/env bats
# sofa-discover events: any stored event list (the recorded daily lists of
# other/scheduled-events hold every status) into index lines, and the
# hostile inputs of STYLE.md.

setup() {
	load test-lib.sh
	common_setup
	need_fixtures
	export SOFA_NOW=1767225600
	DAILY=$FIXTURES/other/scheduled-events
}

stderr_has() {
	[[ $stderr == *"$1"* ]] || fail "stderr lacks '$1': $stderr"
}

# One event object, as in a list.
event() {	# id start code type
	printf '{"id":%s,"startTimestamp":%s,"status":{"code":%s,"type":"%s"},' \
	    "$1" "$2" "$3" "$4"
	printf '"homeTeam":{"id":1,"name":"H"},"awayTeam":{"id":2,"name":"A"},'
	printf '"homeScore":{"current":1,"display":1},"awayScore":{}}'
}

@test "every status of the daily lists survives: 0 to 120, AET and AP" {
	run -0 --separate-stderr sofa-discover events "$DAILY"/newhask777__fastapi-predictions__json__all@ea286fbbff.json "$DAILY"/akkradet__sofascore-scraper__scheduled-events@*.json "$DAILY"/newhask777__fastapi-predictions__json__all@9889c0c9d0.json "$DAILY"/newhask777__fastapi-predictions__json__all@f5c59dfa62.json
	printf '%s\n' "$output" >index
	jq -r .status_code index | sort -n | uniq >got
	for c in 0 6 7 31 41 50 60 70 80 81 90 100 110 120; do
		grep -qx "$c" got || fail "status $c lost"
	done
	# as many of each as the lists hold (ids counted once)
	for c in 60 70 110 120; do
		want=$(cat "$DAILY"/newhask777__fastapi-predictions__json__all@ea286fbbff.json "$DAILY"/akkradet__sofascore-scraper__scheduled-events@*.json "$DAILY"/newhask777__fastapi-predictions__json__all@9889c0c9d0.json "$DAILY"/newhask777__fastapi-predictions__json__all@f5c59dfa62.json |
		    jq -r --argjson c "$c" '.events[] | select(.status.code == $c) | .id' | sort -u | wc -l)
		have=$(jq -c --argjson c "$c" 'select(.status_code == $c)' index | wc -l)
		[ "$want" -gt 0 ] && [ "$have" -eq "$want" ] || fail "status $c: $have of $want"
	done
}

@test "after penalties: the displayed score, the shoot-out beside it" {
	run -0 sofa-discover events "$DAILY"/newhask777__fastapi-predictions__json__all@ea286fbbff.json
	printf '%s\n' "$output" >index
	# 11473102: current 15-16, display 1-1, penalties 14-15 (API-NOTES)
	run jq -r 'select(.event_id == 11473102) | [.status_code, .home_score,
	    .away_score, .home_penalties, .away_penalties, .winner_code] | @tsv' index
	assert_output $'120\t1\t1\t14\t15\t2'
	# 11465606 went to extra time and then penalties: 1-1 (0+1, 0+1), 6-5
	run jq -r 'select(.event_id == 11465606) | [.home_score, .away_score,
	    .home_penalties, .away_penalties, .round, .round_name] | @tsv' index
	assert_output $'1\t1\t6\t5\t5\tRound of 16'
	# penalties exactly where the source has a shoot-out
	jq -r '.events[] | select(.homeScore.penalties != null or
	    .awayScore.penalties != null) | .id' "$DAILY"/newhask777__fastapi-predictions__json__all@ea286fbbff.json |
	    sort -u >want
	jq -r 'select(.home_penalties != null) | .event_id' index | sort >got
	[ "$(wc -l <want)" -eq 14 ]	# 15 AP games, one without its shoot-out
	diff -u want got
	# and every score is display, never current
	jq -r '.events[] | [.id, .homeScore.display, .awayScore.display] |
	    map(tostring) | join(" ")' "$DAILY"/newhask777__fastapi-predictions__json__all@ea286fbbff.json |
	    sort -u >want
	jq -r '[.event_id, .home_score, .away_score] | map(tostring) |
	    join(" ")' index | sort >got
	diff -u want got
}

@test "events without a season: null, never guessed" {
	run -0 sofa-discover events "$DAILY"/newhask777__fastapi-predictions__json__all@ea286fbbff.json
	printf '%s\n' "$output" >index
	n=$(jq '[.events[] | select(.season == null)] | length' "$DAILY"/newhask777__fastapi-predictions__json__all@ea286fbbff.json)
	[ "$n" -gt 0 ]
	[ "$(jq -c 'select(.season_id == null and .season == null)' index | wc -l)" -eq "$n" ]
	[ "$(jq -c 'select(.tournament_id == null)' index | wc -l)" -eq 0 ]
}

@test "one event (event/ID) and a proxy's data wrapper" {
	run -0 sofa-discover events "$FIXTURES/store/event/11080977.json"
	assert_output --partial '{"event_id":11080977,'
	[ "${#lines[@]}" -eq 1 ]
	run -0 --separate-stderr sofa-discover events "$DAILY"/redil1__*.json
	[ "${#lines[@]}" -eq "$(jq '.data.events | length' "$DAILY"/redil1__*.json)" ]
}

@test "stdin, -, and the same event in two files once" {
	a=$(event 5 100 0 notstarted) b=$(event 5 100 100 finished)
	printf '{"events":[%s]}' "$a" >one.json
	printf '{"events":[%s,%s]}' "$(event 6 50 60 postponed)" "$b" >two.json
	run -0 sofa-discover events one.json - <two.json
	[ "${#lines[@]}" -eq 2 ]
	assert_line -n 0 --partial '"event_id":6,'
	assert_line -n 1 --partial '"event_id":5,'
	assert_line -n 1 --partial '"status_code":100,'	# the later one
	run -0 sofa-discover events <one.json
	assert_output --partial '"event_id":5,'
}

@test "hostile: empty, no final newline, CRLF, NUL, bad UTF-8, too big" {
	printf '{"events":[%s]}' "$(event 5 100 0 notstarted)" >ok.json
	printf '{"events":[%s]}\r\n' "$(event 6 100 0 notstarted)" | tr -d '\n' >crlf.json
	sed 's/,/,\r\n/g' ok.json >crlf2.json
	: >empty.json
	printf '{"events":[]}\0' >nul.json
	printf '{"events":[{"id":7,"slug":"\xff"}]}' >utf8.json
	head -c 20000 /dev/zero | tr '\0' ' ' >big.json
	printf '{"events":[]}' >>big.json
	run -1 --separate-stderr sofa-discover events ok.json crlf.json crlf2.json empty.json nul.json utf8.json big.json
	[ "${#lines[@]}" -eq 2 ]	# 5 and 6
	stderr_has "sofa-discover: empty.json:1: invalid JSON"
	stderr_has "sofa-discover: nul.json:1: invalid JSON"
	stderr_has "sofa-discover: utf8.json:1: invalid JSON"
	SOFASCORE_MAX_BODY=10000 run -1 --separate-stderr sofa-discover events big.json
	assert_equal "$stderr" "sofa-discover: big.json: larger than max_body"
	run -1 --separate-stderr sofa-discover events missing.json
	assert_equal "$stderr" "sofa-discover: missing.json: No such file or directory"
}

@test "a malformed event in the middle: named, the rest kept, exit 1" {
	printf '{"events":[%s,{"id":"x"},%s,{"id":8,"startTimestamp":1}]}' \
	    "$(event 5 100 0 notstarted)" "$(event 6 100 0 notstarted)" >l.json
	run -1 --separate-stderr sofa-discover events l.json
	[ "${#lines[@]}" -eq 2 ]
	assert_equal "$stderr" "sofa-discover: l.json: events[1].id: expected a positive integer, got string
sofa-discover: l.json: events[3].status.code: expected an integer, got absent"
	printf '{"event":[]}' >e.json
	run -1 --separate-stderr sofa-discover events e.json
	assert_equal "$stderr" "sofa-discover: e.json: events: expected an array, got absent"
}

@test "stdout: >/dev/full, | head -n 1, SIGPIPE ignored by the parent" {
	f="$DAILY"/newhask777__fastapi-predictions__json__all@ea286fbbff.json
	run bash -c 'sofa-discover events "$1" >/dev/full' _ "$f"
	[ "$status" -eq 1 ]
	assert_output --partial "write error"
	run bash -c 'sofa-discover events "$1" | head -n 1' _ "$f"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	run bash -c 'trap "" PIPE; sofa-discover events "$1" | head -n 1' _ "$f"
	[ "${#lines[@]}" -ge 1 ]
	assert_line -n 0 --partial '"event_id":'
}

@test "the man page's example: statuses of a stored daily list" {
	cp "$DAILY"/akkradet__sofascore-scraper__scheduled-events@063938952d.json scheduled-events.json
	run -0 bash -c "sofa-discover events scheduled-events.json | jq -r .status_code | sort | uniq -c"
	assert_line --regexp '^ +3 110$'
	assert_line --regexp '^ +12 120$'
	assert_line --regexp '^ +13 60$'
}
