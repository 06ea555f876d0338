#!/usr/bin/env bats
# sofa-discover over HTTP, against fakesofa (t/helper/fakesofa.md): the
# recorded competitions of ../shared/fixtures/store, the hand-written
# stores of t/fixtures/discover, and every fault the upstream has: 403
# challenge, 404, 429 with Retry-After, invalid JSON, schema drift, a run
# of failures.  Every response is kept in the raw store.

setup() {
	load test-lib.sh
	common_setup
	need_fixtures
	export SOFA_NOW=1767225600 SOFASCORE_RATE=0 SOFASCORE_RETRIES=2
	export SOFASCORE_BACKOFF_BASE=0.05 SOFASCORE_BACKOFF_MAX=0.2
	OWN=$SOFA_SRCDIR/t/fixtures/discover/store
	IX=$BATS_TEST_TMPDIR/data/index/matches.ndjson
	RAW=$BATS_TEST_TMPDIR/data/raw
}

teardown() {
	fakesofa_stop
}

stderr_has() {
	[[ $stderr == *"$1"* ]] || fail "stderr lacks '$1': $stderr"
}

# fakesofa on STORE with an optional scenario; the API is then its URL.
serve() {
	fakesofa_start "$@"
	export SOFASCORE_API_BASE=$FAKESOFA_URL
}

# The paths of the request log, in arrival order.
asked() {
	jq -rs 'sort_by(.seq) | .[] | "\(.path) \(.status)"' "$FAKESOFA_LOG"
}

ROUNDS=unique-tournament/17/season/10356/events/round

@test "the seasons of every recorded competition, over HTTP" {
	serve "$FIXTURES/store"
	n=0
	for f in "$FIXTURES"/store/unique-tournament/*/seasons.json; do
		ut=$(basename "$(dirname "$f")")
		run -0 --separate-stderr sofa-discover seasons "$ut"
		printf '%s\n' "$output" >got.ndjson
		jq -r '[.tournament_id, .season_id, .name, .year] | @tsv' \
		    got.ndjson >got
		jq -r --argjson ut "$ut" '.seasons[] |
		    [$ut, .id, .name, .year] | @tsv' "$f" >want
		[ -s want ] || fail "tournament $ut: no seasons recorded"
		diff -u want got || fail "tournament $ut"
		n=$((n + 1))
		# kept in the raw store, byte for byte, with its .meta
		cmp "$f" "$RAW/unique-tournament/$ut/seasons.json"
		[ "$(jq -r .outcome "$RAW/unique-tournament/$ut/seasons.meta")" = ok ]
	done
	[ "$n" -eq 11 ]
	fakesofa_wait_log 11
	[ "$(wc -l <"$FAKESOFA_LOG")" -eq 11 ]
}

@test "EPL 2015/16 over HTTP: 390 ids, the round files' own, all stored" {
	serve "$FIXTURES/store"
	run -0 --separate-stderr sofa-discover matches 17 2015/16
	printf '%s\n' "$output" >index
	jq -r .event_id index | sort >got
	cat "$FIXTURES/store/$ROUNDS"/*.json | jq -r '.events[].id' | sort >want
	[ "$(wc -l <got)" -eq 390 ]
	diff -u want got
	# the same lines as offline from the recorded store
	SOFASCORE_RAW_BASE=$FIXTURES/store sofa-discover --offline matches 17 2015/16 >offline
	cmp offline index
	# 1 seasons + 1 rounds + 38 rounds, each once, each kept byte for byte
	fakesofa_wait_log 40
	[ "$(wc -l <"$FAKESOFA_LOG")" -eq 40 ]
	for r in $(seq 1 38); do
		cmp "$FIXTURES/store/$ROUNDS/$r.json" "$RAW/$ROUNDS/$r.json"
	done
	cmp "$FIXTURES/store/${ROUNDS%/events/round}/rounds.json" "$RAW/${ROUNDS%/events/round}/rounds.json"
}

@test "statuses 100, 60 and 70 from the rounds, 110 and 120 from a cup" {
	serve "$FIXTURES/store"
	sofa-discover matches 17 2015/16 >epl
	fakesofa_stop
	serve "$OWN"
	sofa-discover matches 900001 2024 >cup
	run jq -sc 'group_by(.status_code) | map([.[0].status_code, length])' epl
	assert_output '[[60,7],[70,3],[100,380]]'
	run jq -r 'select(.status_code >= 90) | [.event_id, .status_code,
	    .home_score, .away_score, .home_penalties, .away_penalties] |
	    map(tostring) | join(" ")' cup
	assert_output - <<-'EOF'
	9100001 100 0 2 null null
	9100002 100 2 1 null null
	9100003 90 1 1 null null
	9100006 100 0 0 null null
	9100007 110 2 1 null null
	9100008 120 2 2 4 5
	9100009 100 3 0 null null
	EOF
}

@test "a second run asks conditionally, gets 304s, and changes no byte" {
	serve "$FIXTURES/store"
	sofa-discover -m matches 17 2015/16
	cp "$IX" first
	fakesofa_wait_log 40
	SOFA_NOW=1767312000 run -0 --separate-stderr sofa-discover -m -v matches 17 2015/16
	stderr_has "$ROUNDS/38: not_modified 304, 1 attempt"
	stderr_has "390 matches: 0 new, 0 changed, 390 unchanged"
	cmp first "$IX"
	fakesofa_wait_log 80
	# every request of the second run carried the stored ETag
	run jq -rs 'sort_by(.seq) | .[40:] | map(select(.if_none_match == null or
	    .status != 304)) | length' "$FAKESOFA_LOG"
	assert_output 0
}

@test "a cup's named rounds and a league's three pages, over HTTP" {
	serve "$OWN"
	run -0 --separate-stderr sofa-discover matches 900001 2024
	[ "${#lines[@]}" -eq 10 ]
	run -0 --separate-stderr sofa-discover matches 900002
	printf '%s\n' "$output" >index
	run jq -r .event_id index
	assert_output "$(seq 9200001 9200013)"
	fakesofa_wait_log 15
	B=unique-tournament/900001/season/90001
	L=unique-tournament/900002/season/90002
	run asked
	assert_output - <<-EOF
	unique-tournament/900001/seasons 200
	$B/rounds 200
	$B/events/round/1/slug/qualification-round-1/prefix/Qualification 200
	$B/events/round/1 200
	$B/events/round/2 200
	$B/events/round/5/slug/round-of-16 200
	$B/events/round/27/slug/quarterfinals 200
	$B/events/round/28/slug/semifinals 404
	$B/events/round/29/slug/final 200
	unique-tournament/900002/seasons 200
	$L/rounds 404
	$L/events/last/0 200
	$L/events/last/1 200
	$L/events/last/2 200
	$L/events/next/0 200
	EOF
	# the absent ones are recorded as absent, with no body
	[ "$(jq -r .outcome "$RAW/$L/rounds.meta")" = absent ]
	assert_file_not_exists "$RAW/$L/rounds.json"
}

@test "403 challenge: exit 4, the upstream refused, not retried, index kept" {
	printf '%s\n' "$ROUNDS/20 challenge ; repeat" >scenario
	serve "$FIXTURES/store" scenario
	run -4 --separate-stderr sofa-discover -m matches 17 2015/16
	assert_equal "$stderr" "sofa-discover: $ROUNDS/20: the upstream refused the request (HTTP 403 challenge): it is blocking this client, which does not mean there is no data; try a lower rate (rate), a browser User-Agent or headers (user_agent, headers), or another network or proxy (https_proxy)"
	# rounds 1 to 19 merged, nothing after the refusal asked
	[ "$(jq -c 'select(.round >= 20)' "$IX" | wc -l)" -eq 0 ]
	[ "$(jq -c 'select(.round < 20)' "$IX" | wc -l)" -eq 190 ]
	cp "$IX" first
	run -4 sofa-discover -m matches 17 2015/16
	cmp first "$IX"
	fakesofa_wait_log 42
	[ "$(fakesofa_count "$ROUNDS/20")" -eq 2 ]	# once per run
	[ "$(fakesofa_count "$ROUNDS/21")" -eq 0 ]
	[ "$(jq -r .outcome "$RAW/$ROUNDS/20.meta")" = blocked ]
	assert_file_not_exists "$RAW/$ROUNDS/20.json"
}

@test "403 at the first request: exit 4, no index, never an empty one" {
	printf '%s\n' 'unique-tournament/** challenge ; repeat' >scenario
	serve "$FIXTURES/store" scenario
	run -4 --separate-stderr sofa-discover -m matches 17 2015/16
	assert_equal "$output" ""
	stderr_has "unique-tournament/17/seasons: the upstream refused the request"
	stderr_has "not changed: nothing was discovered"
	assert_file_not_exists "$IX"
	# an existing index is left as it was
	SOFASCORE_RAW_BASE=$OWN sofa-discover --offline -m matches 900002
	cp "$IX" before
	run -4 sofa-discover -m matches 17 2015/16
	cmp before "$IX"
	# a 200 whose body is the challenge is a refusal too
	printf '%s\n' 'unique-tournament/** error-json=403 ; repeat' >scenario
	fakesofa_reload
	run -4 --separate-stderr sofa-discover matches 17 2015/16
	stderr_has "the upstream refused"
}

@test "404: an unknown competition and an unknown season, exit 1, named" {
	serve "$FIXTURES/store"
	run -1 --separate-stderr sofa-discover matches 424242 current
	assert_equal "$output" ""
	assert_equal "$stderr" "sofa-discover: unknown competition 424242: unique-tournament/424242/seasons is absent (404)"
	run -1 --separate-stderr sofa-discover matches 17 4242
	stderr_has "competition 17: no season '4242'"
	run -1 --separate-stderr sofa-discover seasons 424242
	stderr_has "unknown competition 424242"
	fakesofa_wait_log 3
	[ "$(fakesofa_count unique-tournament/424242/seasons)" -eq 2 ]
}

@test "429 with Retry-After: the wait is honoured, as the request log shows" {
	printf '%s\n' "$ROUNDS/7 429 retry-after=2 ; pass" >scenario
	serve "$FIXTURES/store" scenario
	run -0 --separate-stderr sofa-discover -v matches 17 2015/16
	[ "${#lines[@]}" -eq 390 ]
	stderr_has "$ROUNDS/7: ok 200, 2 attempts"
	fakesofa_wait_log 41
	run jq -rs "map(select(.path == \"$ROUNDS/7\")) | sort_by(.seq) |
	    [.[0].status, .[1].status, (.[1].t_recv - .[0].t_done >= 1.95)] |
	    map(tostring) | join(\" \")" "$FAKESOFA_LOG"
	assert_output "429 200 true"
	# throttled to the last try: exit 1, the path named, the rest listed
	printf '%s\n' "$ROUNDS/9 429 retry-after=1 ; repeat" >scenario
	fakesofa_reload
	SOFASCORE_RETRIES=1 run -1 --separate-stderr sofa-discover matches 17 2015/16
	[ "${#lines[@]}" -eq 380 ]
	assert_equal "$stderr" "sofa-discover: $ROUNDS/9: the upstream throttled the requests (HTTP 429 (2 tries)): try a lower rate"
	# a Retry-After longer than retry_after_max ends the request at once
	printf '%s\n' "$ROUNDS/10 429 retry-after=500 ; repeat" >scenario
	fakesofa_reload
	SOFASCORE_RETRY_AFTER_MAX=60 run -1 --separate-stderr sofa-discover matches 17 2015/16
	[ "${#lines[@]}" -eq 380 ]
	assert_equal "$stderr" "sofa-discover: $ROUNDS/10: the upstream throttled the requests (HTTP 429; Retry-After 500 s is longer than retry_after_max (60 s)): try a lower rate"
	# an HTTP date works the same
	printf '%s\n' "$ROUNDS/8 429 retry-after-date=2 ; pass" >scenario
	fakesofa_reload
	rm -rf data
	run -0 sofa-discover matches 17 2015/16
	fakesofa_wait_log 163
	run jq -rs "map(select(.path == \"$ROUNDS/8\")) | sort_by(.seq) |
	    [.[-2].status, .[-1].status, (.[-1].t_recv - .[-2].t_done >= 1.95)] |
	    map(tostring) | join(\" \")" "$FAKESOFA_LOG"
	assert_output "429 200 true"
}

@test "invalid JSON: retried, then exit 1 naming the path; nothing stored" {
	printf '%s\n' "$ROUNDS/12 invalid-json ; repeat" "$ROUNDS/13 html ; pass" >scenario
	serve "$FIXTURES/store" scenario
	run -1 --separate-stderr sofa-discover -m matches 17 2015/16
	assert_equal "$stderr" "sofa-discover: $ROUNDS/12: HTTP 200 body is not JSON (application/json, 47 bytes): unexpected end of data at byte 47 (3 tries)"
	[ "$(jq -c 'select(.round == 12)' "$IX" | wc -l)" -eq 0 ]
	[ "$(jq -c 'select(.round == 13)' "$IX" | wc -l)" -eq 10 ]
	[ "$(wc -l <"$IX")" -eq 380 ]
	assert_file_not_exists "$RAW/$ROUNDS/12.json"
	[ "$(jq -r .outcome "$RAW/$ROUNDS/12.meta")" = invalid ]
	fakesofa_wait_log 43
	[ "$(fakesofa_count "$ROUNDS/12")" -eq 3 ]	# 1 + 2 retries
	# the next run completes the index
	fakesofa_reload /dev/null
	run -0 sofa-discover -m matches 17 2015/16
	[ "$(wc -l <"$IX")" -eq 390 ]
}

@test "schema drift over HTTP: path and key named, the body quarantined" {
	jq -c '{evnts: .events, hasNextPage}' "$FIXTURES/store/$ROUNDS/3.json" >drift.json
	jq -c 'del(.events[2].startTimestamp)' "$FIXTURES/store/$ROUNDS/4.json" >drift4.json
	printf '%s\n' "$ROUNDS/3 200 body=drift.json ; repeat" \
	    "$ROUNDS/4 200 body=drift4.json ; repeat" \
	    "unique-tournament/17/season/10356/rounds 200 body=norounds.json" >scenario
	printf '{"currentRound":{"round":38}}' >norounds.json
	serve "$FIXTURES/store" scenario
	run -1 --separate-stderr sofa-discover matches 17 2015/16
	assert_equal "$output" ""
	stderr_has "unique-tournament/17/season/10356/rounds: API contract: rounds: missing (expected array)"
	ls data/quarantine/unique-tournament/17/season/10356/rounds.*.body
	run -1 --separate-stderr sofa-discover matches 17 2015/16
	[ "${#lines[@]}" -eq 370 ]
	stderr_has "$ROUNDS/3: API contract: events: missing (expected array)"
	stderr_has "$ROUNDS/4: API contract: events[2].startTimestamp: missing (expected integer)"
}

@test "a run of failures opens the breaker: exit 4, stops asking" {
	printf '%s\n' "$ROUNDS/** 503 ; repeat" >scenario
	serve "$FIXTURES/store" scenario
	SOFASCORE_BREAKER=3 SOFASCORE_RETRIES=0 run -4 --separate-stderr sofa-discover matches 17 2015/16
	stderr_has "3 requests failed in a row: the upstream is not answering; stopping (breaker)"
	fakesofa_wait_log 5
	[ "$(fakesofa_count "$ROUNDS/3")" -eq 1 ]
	[ "$(fakesofa_count "$ROUNDS/4")" -eq 0 ]
}

@test "--offline after an online run: the same index from the store alone" {
	serve "$FIXTURES/store"
	sofa-discover matches 17 2015/16 >online
	fakesofa_stop
	run -0 sofa-discover --offline matches 17 2015/16
	printf '%s\n' "$output" >offline
	cmp online offline
}

@test "the recorded daily lists over HTTP: 100, 110, 120, 60 and 70 survive" {
	DAILY=$FIXTURES/other/scheduled-events
	set -- "$DAILY"/newhask777__fastapi-predictions__json__all@ea286fbbff.json \
	    "$DAILY"/akkradet__sofascore-scraper__scheduled-events@*.json \
	    "$DAILY"/newhask777__fastapi-predictions__json__all@9889c0c9d0.json \
	    "$DAILY"/newhask777__fastapi-predictions__json__all@f5c59dfa62.json
	[ $# -eq 7 ]
	# each recorded list served as the list of a day of its own
	d=0
	for f in "$@"; do
		d=$((d + 1))
		printf 'sport/football/scheduled-events/2024-01-0%s 200 body=%s ; repeat\n' "$d" "$f"
	done >scenario
	serve "$FIXTURES/store" scenario
	for d in $(seq 1 $#); do
		sofa-fetch get --store "sport/football/scheduled-events/2024-01-0$d" >/dev/null
	done
	sofa-discover -m matches 17 2015/16
	run -0 --separate-stderr sofa-discover -m events "$RAW"/sport/football/scheduled-events/*.json
	assert_equal "$output" ""
	# every status as many times as the lists hold it (each id once)
	for c in 100 110 120 60 70; do
		want=$(cat "$@" | jq -r --argjson c "$c" '.events[] |
		    select(.status.code == $c) | .id' | sort -u | wc -l)
		have=$(jq -c --argjson c "$c" 'select(.status_code == $c and
		    .season_id != 10356)' "$IX" | wc -l)
		[ "$want" -gt 0 ] && [ "$have" -eq "$want" ] ||
		    fail "status $c: $have of $want"
	done
	# the season discovered first is still whole beside them
	[ "$(jq -c 'select(.season_id == 10356)' "$IX" | wc -l)" -eq 390 ]
	[ "$(jq -r .event_id "$IX" | sort | uniq -d | wc -l)" -eq 0 ]
}
