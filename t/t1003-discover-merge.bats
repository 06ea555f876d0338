#!/usr/bin/env bats
# The merge into the match index (sofa-discover -m, merge): idempotent to
# the byte, the newest observation wins, nothing else is lost, a damaged
# index is left alone, and kill -9 during a merge leaves the old index or
# the new one.

setup() {
	load test-lib.sh
	common_setup
	need_fixtures
	export SOFASCORE_RAW_BASE=$FIXTURES/store SOFA_NOW=1767225600
	OWN=$SOFA_SRCDIR/t/fixtures/discover/store
	IX=$BATS_TEST_TMPDIR/data/index/matches.ndjson
}

stderr_has() {
	[[ $stderr == *"$1"* ]] || fail "stderr lacks '$1': $stderr"
}

mtime() {
	stat -c %.9Y "$1"
}

@test "-m creates the index (and its directory): the printed lines, sorted" {
	sofa-discover --offline matches 17 15/16 >printed
	run -0 --separate-stderr sofa-discover --offline -m -v matches 17 15/16
	assert_equal "$output" ""
	stderr_has "sofa-discover: $IX: 390 matches: 390 new, 0 changed, 0 unchanged, 0 older than the index's"
	cmp printed "$IX"
}

@test "a second run over an unchanged season: same bytes, same mtime" {
	sofa-discover --offline -m matches 17 15/16
	cp "$IX" first
	before=$(mtime "$IX")
	sleep 0.02
	SOFA_NOW=1767312000 run -0 --separate-stderr sofa-discover --offline -m -v matches 17 15/16
	stderr_has "390 matches: 0 new, 0 changed, 390 unchanged, 0 older than the index's (file untouched)"
	cmp first "$IX"
	[ "$(mtime "$IX")" = "$before" ]
	# discovered_utc is the first run's, not the second's
	[ "$(jq -r .discovered_utc "$IX" | sort -u)" = "2026-01-01T00:00:00Z" ]
}

@test "a changed match replaces its line; the others keep theirs" {
	cp -R "$OWN" store
	SOFASCORE_RAW_BASE=$PWD/store sofa-discover --offline -m matches 900001 2024
	cp "$IX" first
	# the final is played: new status, score and change time
	f=store/unique-tournament/900001/season/90001/events/round/29/slug/final.json
	jq -c '.events[0].status = {"code":100,"description":"Ended","type":"finished"} |
	    .events[0].homeScore = {"current":1,"display":1} |
	    .events[0].awayScore = {"current":0,"display":0} |
	    .events[0].winnerCode = 1 |
	    .events[0].changes.changeTimestamp = 1721500000' $f >x && mv x $f
	SOFA_NOW=1767312000 SOFASCORE_RAW_BASE=$PWD/store run -0 --separate-stderr sofa-discover --offline -m -v matches 900001 2024
	stderr_has "10 matches: 0 new, 1 changed, 9 unchanged"
	diff first "$IX" >d || :
	run cat d
	assert_line -n 0 "10c10"
	assert_line -n 3 '> {"event_id":9100010,"tournament_id":900001,"tournament":"Test Cup","season_id":90001,"season":"2024","round":29,"round_name":"Final","round_slug":"final","start_utc":"2024-07-20T12:00:00Z","status_code":100,"status_type":"finished","status_description":"Ended","home_team_id":9001,"home_team":"Alpha","away_team_id":9003,"away_team":"Charlie","home_score":1,"away_score":0,"home_penalties":null,"away_penalties":null,"winner_code":1,"slug":"alpha-charlie","custom_id":"Ab","changed_utc":"2024-07-20T18:26:40Z","discovered_utc":"2026-01-02T00:00:00Z"}'
	[ "${#lines[@]}" -eq 4 ]
}

@test "an older observation does not replace a newer line" {
	cp -R "$OWN" store
	f=store/unique-tournament/900001/season/90001/events/round/27/slug/quarterfinals.json
	SOFASCORE_RAW_BASE=$PWD/store sofa-discover --offline -m matches 900001 2024
	cp "$IX" first
	# a stale copy: different score, earlier change time
	jq -c '.events[0].homeScore.display = 9 |
	    .events[0].changes.changeTimestamp = 1000' $f >x && mv x $f
	SOFASCORE_RAW_BASE=$PWD/store run -0 --separate-stderr sofa-discover --offline -m -v matches 900001 2024
	stderr_has "0 new, 0 changed, 9 unchanged, 1 older than the index's (file untouched)"
	cmp first "$IX"
	# without a change time on either side, the newer observation wins
	jq -c 'del(.events[0].changes)' $f >x && mv x $f
	SOFASCORE_RAW_BASE=$PWD/store run -0 --separate-stderr sofa-discover --offline -m -v matches 900001 2024
	stderr_has "1 changed"
	run jq -r 'select(.event_id == 9100009) | [.home_score, .changed_utc] | @tsv' "$IX"
	assert_output $'9\t'
}

@test "other competitions' lines are kept; lines not seen again are kept" {
	SOFASCORE_RAW_BASE=$OWN sofa-discover --offline -m matches 900001 2024
	sofa-discover --offline -m matches 17 15/16
	SOFASCORE_RAW_BASE=$OWN sofa-discover --offline -m matches 900002
	[ "$(wc -l <"$IX")" -eq $((10 + 390 + 13)) ]
	jq -r '[.start_utc, .event_id] | @tsv' "$IX" >order
	sort -k1,1 -k2,2n order | diff -u - order
	[ "$(jq -r .event_id "$IX" | sort | uniq -d | wc -l)" -eq 0 ]
	# a listing without the cup's final keeps the final's line
	cp -R "$OWN" store
	rm store/unique-tournament/900001/season/90001/events/round/29/slug/final.json
	SOFASCORE_RAW_BASE=$PWD/store run -0 sofa-discover --offline -m matches 900001 2024
	[ "$(jq -c 'select(.event_id == 9100010)' "$IX" | wc -l)" -eq 1 ]
}

@test "a list without season or round never erases them from the index" {
	sofa-discover --offline -m matches 17 15/16
	r=$FIXTURES/store/unique-tournament/17/season/10356/events/round
	# round 38 as a daily list has it: no season, no roundInfo; one
	# match changed later
	jq -c '.events |= map(del(.season, .roundInfo)) |
	    .events[0].homeScore.display = 5 |
	    .events[0].changes.changeTimestamp += 60' $r/38.json >daily.json
	SOFA_NOW=1767312000 run -0 --separate-stderr sofa-discover -m -v events daily.json
	stderr_has "390 matches: 0 new, 1 changed, 10 unchanged"
	run jq -r 'select(.round == 38) | [.season_id, .season] | @tsv' "$IX"
	[ "${#lines[@]}" -eq 11 ]
	[ "$(printf '%s\n' "$output" | sort -u)" = $'10356\t15/16' ]
	run jq -r 'select(.event_id == 6768363) | [.home_score, .round,
	    .discovered_utc] | @tsv' "$IX"
	assert_output $'5\t38\t2026-01-02T00:00:00Z'
}

@test "a failed run with nothing discovered leaves the index alone" {
	run -1 --separate-stderr sofa-discover --offline -m matches 999999
	assert_file_not_exists "$IX"
	stderr_has "not changed: nothing was discovered"
	sofa-discover --offline -m matches 17 15/16
	cp "$IX" first
	run -1 sofa-discover --offline -m matches 17 2031/32
	cmp first "$IX"
	# an empty but successful listing creates an empty index
	rm "$IX"
	SOFASCORE_RAW_BASE=$OWN run -0 sofa-discover --offline -m matches 900001 2023
	assert_file_exists "$IX"
	[ ! -s "$IX" ]
}

@test "a damaged index is left alone, the bad line named" {
	sofa-discover --offline -m matches 17 15/16
	sed -i '200s/.*/{"event_id":"oops"}/' "$IX"
	cp "$IX" damaged
	SOFASCORE_RAW_BASE=$OWN run -1 --separate-stderr sofa-discover --offline -m matches 900002
	assert_equal "$stderr" "sofa-discover: $IX:200: event_id is not a valid match id
sofa-discover: $IX: 1 bad line: the index is left as it is; fix or remove it"
	cmp damaged "$IX"
}

@test "merge: index lines from a file or stdin, hostile lines named" {
	sofa-discover --offline matches 17 15/16 >all
	head -n 100 all >a
	tail -n 290 all >b
	run -0 sofa-discover merge a
	{
		printf '\n{"event_id":-1}\r\n'
		cat b
		printf 'not json\n{"event_id":5,"start_utc":"soon"}\n'
		printf '{"event_id":6}\0\n'
		head -c 2000 /dev/zero | tr '\0' x
		printf '\n'
	} >b.bad
	SOFASCORE_MAX_LINE=1024 run -1 --separate-stderr sofa-discover merge - <b.bad
	assert_equal "$stderr" "sofa-discover: <stdin>:2: event_id is not a valid match id
sofa-discover: <stdin>:293: not JSON
sofa-discover: <stdin>:294: start_utc is not a UTC time
sofa-discover: <stdin>:295: NUL byte in the line
sofa-discover: <stdin>:296: line too long"
	cmp all "$IX"
	run -0 sofa-discover merge </dev/null
	cmp all "$IX"
}

@test "two merges at once: the lock keeps both" {
	sofa-discover --offline matches 17 15/16 >all
	awk 'NR % 2' all >odd
	awk 'NR % 2 == 0' all >even
	sofa-discover merge odd 3>&- &
	p1=$!
	sofa-discover merge even 3>&- &
	p2=$!
	wait $p1
	wait $p2
	cmp all "$IX"
}

# N index lines, ids from 1000001, with the given away score and day.
gen() {
	awk -v n="$1" -v a="$2" -v d="$3" 'BEGIN { for (i = 1; i <= n; i++)
	    printf "{\"event_id\":%d,\"tournament_id\":17,\"tournament\":\"Premier League\",\"season_id\":10356,\"season\":\"15/16\",\"round\":%d,\"round_name\":null,\"round_slug\":null,\"start_utc\":\"2016-%02d-%02dT15:00:00Z\",\"status_code\":100,\"status_type\":\"finished\",\"status_description\":\"Ended\",\"home_team_id\":1,\"home_team\":\"Home\",\"away_team_id\":2,\"away_team\":\"Away\",\"home_score\":%d,\"away_score\":%d,\"home_penalties\":null,\"away_penalties\":null,\"winner_code\":1,\"slug\":\"h-a\",\"custom_id\":\"x\",\"changed_utc\":\"2016-01-01T00:00:00Z\",\"discovered_utc\":\"2026-01-%02dT00:00:00Z\"}\n",
	    1000000 + i, i % 38 + 1, i % 12 + 1, i % 28 + 1, i % 5, a, d }'
}

@test "kill -9 during a merge leaves the old index or the new one" {
	n=40000
	sanitized && n=6000	# ASan makes a merge some 7 times slower
	gen $n 0 1 >old
	gen $n 1 2 >changes
	sofa-discover merge old
	cmp old "$IX" && fail "the merge kept the input's order"
	cp "$IX" before
	t0=$(date +%s%N)
	sofa-discover merge changes
	ms=$((($(date +%s%N) - t0) / 1000000 + 1))
	cp "$IX" after
	cmp -s before after && fail "the merge changed nothing"
	nold=0 nnew=0
	for i in $(seq 1 12); do
		cp before "$IX"
		sofa-discover merge changes 3>&- &
		pid=$!
		sleep "$(awk -v r=$RANDOM -v ms=$ms 'BEGIN { printf "%.3f", r % ms / 1000 }')"
		kill -9 $pid 2>/dev/null || :
		wait $pid || :
		if cmp -s before "$IX"; then
			nold=$((nold + 1))
		elif cmp -s after "$IX"; then
			nnew=$((nnew + 1))
		else
			fail "kill $i: the index is neither the old nor the new one"
		fi
	done
	echo "# merge ${ms} ms; killed before the rename $nold, after $nnew" >&3
	[ "$nold" -ge 1 ]
	# the stray temp files of killed merges are never read
	sofa-discover merge changes
	cmp after "$IX"
	jq -e . "$IX" >/dev/null
}
