#!/usr/bin/env bats
# The circuit breaker: after `breaker` consecutive matches whose required
# resources failed, the run stops with exit 4 and says why; the matches
# done before stay complete, and the next run asks only what is missing.

setup() {
	load fetch-lib.sh
	fetch_setup
	export SOFASCORE_BACKOFF_BASE=0.01 SOFASCORE_RETRIES=1
	export SOFASCORE_CONCURRENCY=1 SOFASCORE_ENDPOINTS='event lineups'
	genstore store 12 1000001
	seq 1000001 1000012 >ids
}

teardown() {
	fetch_teardown
}

# scenario STEP: matches 3..12 answer their lineups with STEP
scenario() {
	for i in $(seq 1000003 1000012); do
		printf 'event/%s/lineups %s ; stick\n' "$i" "$1"
	done >scenario
}

@test "six blocked matches in a row stop the run: exit 4, and why" {
	scenario challenge
	serve store scenario
	run --separate-stderr sofa-fetch -q <ids
	assert_failure 4
	[[ "$stderr" == *"stopped after 6 consecutive failed matches (circuit breaker): the upstream refused the requests (HTTP 403)"* ]]
	[[ "$stderr" == *"try a lower rate (--rate 0.5), a browser User-Agent (user_agent), or another network or proxy (https_proxy)"* ]]
	[[ "$stderr" == *"last: event/1000008/lineups: upstream refused (HTTP 403 challenge)"* ]]
	[[ "$stderr" == *"the next run resumes"* ]]
	[[ "$stderr" == *"12 matches: 2 complete, 10 incomplete"* ]]
	[[ "$stderr" == *"stopped by the circuit breaker"* ]]
	[[ "$stderr" != *"no data."* ]]
	# the first two are complete, byte for byte
	for i in 1000001 1000002; do
		cmp store/event/$i.json data/raw/event/$i.json
		cmp store/event/$i/lineups.json data/raw/event/$i/lineups.json
	done
	# nothing of matches 9..12 was asked
	fakesofa_wait_log 16
	sleep 0.3
	run jq -r .path "$FAKESOFA_LOG"
	refute_output --partial 1000009
	assert_equal "$(wc -l <"$FAKESOFA_LOG")" 16
	run jq -s -r 'map(.outcome) | group_by(.) | map("\(.[0]) \(length)") | .[]' \
	    data/index/fetch_log.ndjson
	assert_output "$(printf 'blocked 6\nok 10')"

	# the upstream is back: the rerun asks only what is missing
	: >scenario
	fakesofa_reload
	run --separate-stderr sofa-fetch -q <ids
	assert_success
	[[ "$stderr" == *"12 matches: 12 complete, 0 incomplete"* ]]
	fakesofa_wait_log 30
	sleep 0.3
	run jq -r 'select(.seq > 16) | .path' "$FAKESOFA_LOG"
	want=$( (for i in $(seq 1000003 1000008); do
		echo "event/$i/lineups"; done
	    for i in $(seq 1000009 1000012); do
		echo "event/$i"; echo "event/$i/lineups"; done) | sort)
	assert_equal "$(echo "$output" | sort)" "$want"
}

@test "a run of 503s opens the breaker with its own reason" {
	scenario 503
	serve store scenario
	run --separate-stderr env SOFASCORE_BREAKER=3 sofa-fetch -q <ids
	assert_failure 4
	# retries with jitter: any of the failing matches may be the third
	[[ "$stderr" =~ "stopped after 3 consecutive failed matches (circuit breaker): the upstream is unavailable; last: event/10000"[0-9][0-9]"/lineups: HTTP 503 (2 tries)" ]] ||
	    fail "$stderr"
}

@test "absent and optional resources do not open the breaker" {
	for i in $(seq 1000003 1000012); do
		printf 'event/%s/lineups 404 ; stick\n' "$i"
		printf 'event/%s/incidents challenge ; stick\n' "$i"
	done >scenario
	serve store scenario
	SOFASCORE_ENDPOINTS='event lineups incidents' SOFASCORE_REQUIRED=event \
	    run --separate-stderr sofa-fetch -q <ids
	# blocked incidents still say so (exit 4), but every match was tried
	assert_failure 4
	[[ "$stderr" != *"circuit breaker"* ]]
	[[ "$stderr" == *"12 matches: 12 complete"* ]]
	[[ "$stderr" == *"10 requests refused"* ]]
}
