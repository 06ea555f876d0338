#!/usr/bin/env bats
# Every fault fakesofa can make maps to the right outcome, the right
# number of requests in its log, the right waits, and never to a lost or
# half-written body: 429 with Retry-After (seconds and date), 5xx retried
# with growing delays, 404 absent once, 403 blocked and never absent,
# truncated, reset, empty, HTML and invalid JSON retried and never written,
# 304 not modified with the body and its mtime untouched, error objects,
# redirects off the origin, bodies that break the contract.

setup() {
	load fetch-lib.sh
	fetch_setup
	export SOFASCORE_BACKOFF_BASE=0.2 SOFASCORE_RETRIES=3
	P=event/11080977/lineups
	SRC=$FIXTURES/store/$P.json
}

teardown() {
	fetch_teardown
}

# scenario TEXT [OPTION...]: fakesofa on the recorded store, scripted
scenario() {
	printf '%s\n' "$1" >scenario
	shift
	serve "$FIXTURES/store" scenario "$@"
}

# fetch: the lineups of 11080977 alone; output and status in $output etc.
fetch() {
	run --separate-stderr sofa-fetch -q --endpoints lineups "$@" 11080977
}

# gaps PATH: seconds between successive requests for PATH (arrival order)
gaps() {
	jq -s -r --arg p "$1" '[.[] | select(.path == $p)] | sort_by(.seq) |
	    [.[].t_recv] | [range(1; length) as $i | .[$i] - .[$i - 1]] |
	    map(. * 1000 | round / 1000) | .[]' "$FAKESOFA_LOG"
}

field() {
	jq -r "$1" <<<"$output"
}

@test "429 with Retry-After in seconds: waits that long, then ok" {
	scenario "$P 429 retry-after=2 ; pass"
	fetch
	assert_success
	assert_equal "$(field '[.outcome, .attempts] | @tsv')" "$(printf 'ok\t2')"
	fakesofa_wait_log 2
	assert_equal "$(fakesofa_count $P)" 2
	run gaps $P
	holds "$output >= 2" || fail "waited $output s"
	cmp "$SRC" data/raw/$P.json
}

@test "429 with Retry-After as an HTTP date: waits until then" {
	scenario "$P 429 retry-after-date=+2 ; pass" --date-skew -3600
	fetch
	assert_success
	fakesofa_wait_log 2
	run gaps $P
	# relative to the server's Date (an hour off), not to our clock
	holds "$output >= 1.9 && $output < 4" || fail "waited $output s"
}

@test "a Retry-After date in the past means no wait" {
	scenario "$P 429 retry-after-date=-30 ; pass"
	fetch
	assert_success
	fakesofa_wait_log 2
	run gaps $P
	holds "$output < 0.15" || fail "waited $output s"
}

@test "a Retry-After beyond retry_after_max gives up: throttled" {
	scenario "$P 429 retry-after=900 ; pass"
	SOFASCORE_RETRY_AFTER_MAX=60 fetch
	assert_failure 1
	assert_equal "$(field .outcome)" throttled
	[[ "$(field .error)" == *"Retry-After 900 s is longer than retry_after_max (60 s)"* ]]
	assert_equal "$(fakesofa_count $P)" 1
	assert_file_not_exist data/raw/$P.json
	assert_equal "$(jq -r .outcome data/raw/$P.meta)" throttled
}

@test "500 and 503 are retried with growing delays, then failed" {
	scenario "$P 500 ; 503 ; 502 ; 503 ; pass"
	fetch
	assert_failure 1
	assert_equal "$(field '[.outcome, .http_status, .attempts] | @tsv')" \
	    "$(printf 'failed\t503\t4')"
	assert_equal "$(field .error)" "HTTP 503 (4 tries)"
	fakesofa_wait_log 4
	assert_equal "$(fakesofa_count $P)" 4
	# 0.2, 0.4, 0.8 s, each +-25 %: strictly growing
	run gaps $P
	read -r -d '' a b c <<<"$output" || :
	holds "$a >= 0.14 && $b > $a && $c > $b && $c >= 0.58" ||
	    fail "gaps $a $b $c"
	assert_file_not_exist data/raw/$P.json
	run jq -c '[.outcome, .http_status, .attempts, .bytes]' data/raw/$P.meta
	assert_output '["failed",503,4,null]'
}

@test "404 is absent, asked once, not an error" {
	scenario "$P 404"
	fetch
	assert_success
	assert_equal "$(field '[.outcome, .http_status, .attempts] | @tsv')" \
	    "$(printf 'absent\t404\t1')"
	fakesofa_wait_log 1
	assert_equal "$(fakesofa_count $P)" 1
	assert_file_not_exist data/raw/$P.json
	assert_equal "$(jq -r .outcome data/raw/$P.meta)" absent
}

@test "a 403 challenge is blocked, never retried, never absent" {
	scenario "$P challenge ; pass"
	fetch
	assert_failure 4
	assert_equal "$(field '[.outcome, .http_status, .attempts] | @tsv')" \
	    "$(printf 'blocked\t403\t1')"
	assert_equal "$(field .error)" "upstream refused (HTTP 403 challenge)"
	[[ "$stderr" == *"the upstream refused the requests (HTTP 403)"* ]]
	[[ "$stderr" == *"which does not mean there is no data"* ]]
	[[ "$stderr" == *"--rate"*"User-Agent"*"proxy"* ]]
	fakesofa_wait_log 1
	sleep 0.3
	assert_equal "$(fakesofa_count $P)" 1
	run jq -c '[.outcome, .http_status, .error]' data/raw/$P.meta
	assert_output '["blocked",403,"upstream refused (HTTP 403 challenge)"]'
	# and the next run asks again: a block is no answer
	run sofa-fetch -n --endpoints lineups 11080977
	assert_output --partial '"action":"fetch","reason":"blocked before"'
}

@test "truncated, reset, empty, HTML and invalid JSON are retried, never written" {
	scenario "$P truncate=100 ; empty ; html ; invalid-json ; pass"
	SOFASCORE_RETRIES=5 fetch
	assert_success
	assert_equal "$(field '[.outcome, .attempts] | @tsv')" "$(printf 'ok\t5')"
	cmp "$SRC" data/raw/$P.json
	fakesofa_wait_log 5
	assert_equal "$(fakesofa_count $P)" 5
	# a reset: libcurl may itself retry once on a reused connection, so
	# the log has one or two requests for it
	fakesofa_reload <(printf '%s reset ; pass\n' "$P")
	rm -rf data
	fetch
	assert_success
	cmp "$SRC" data/raw/$P.json
	# always bad: invalid after the last try, nothing stored, quarantined
	fakesofa_reload <(printf '%s html ; stick\n' "$P")
	rm -rf data
	fetch
	assert_failure 1
	assert_equal "$(field '[.outcome, .attempts] | @tsv')" "$(printf 'invalid\t4')"
	[[ "$(field .error)" == *"body is not JSON (text/html"* ]]
	assert_file_not_exist data/raw/$P.json
	run sh -c 'ls data/quarantine/event/11080977/lineups.*.body'
	assert_success
	grep -q 'Just a moment' data/quarantine/event/11080977/lineups.*.body
}

@test "a failure after a good body keeps the body, its ETag and hash" {
	scenario "$P pass ; html ; stick"
	fetch
	assert_success
	jq -c '[.etag, .sha256, .bytes, .stored_utc]' data/raw/$P.meta >before
	cp data/raw/$P.json good
	touch -d '2020-01-01' data/raw/$P.json
	fetch --refresh
	assert_failure 1
	assert_equal "$(field .outcome)" invalid
	cmp good data/raw/$P.json
	[ "$(stat -c %Y data/raw/$P.json)" = "$(date -d 2020-01-01 +%s)" ]
	run jq -c '[.etag, .sha256, .bytes, .stored_utc]' data/raw/$P.meta
	assert_output "$(cat before)"
	assert_equal "$(jq -r .outcome data/raw/$P.meta)" invalid
}

@test "304: not modified, the body and its mtime untouched" {
	scenario ""
	fetch
	assert_success
	touch -d '2020-01-01 12:00:00' data/raw/$P.json
	etag=$(jq -r .etag data/raw/$P.meta)
	fetch --refresh
	assert_success
	assert_equal "$(field '[.outcome, .http_status, .reason] | @tsv')" \
	    "$(printf 'not_modified\t304\t--refresh')"
	fakesofa_wait_log 2
	run jq -r 'select(.seq == 2) | [.if_none_match, .status] | @tsv' \
	    "$FAKESOFA_LOG"
	assert_output "$(printf '%s\t304' "$etag")"
	[ "$(stat -c %Y data/raw/$P.json)" = "$(date -d '2020-01-01 12:00:00' +%s)" ]
	cmp "$SRC" data/raw/$P.json
	assert_equal "$(jq -r .outcome data/raw/$P.meta)" not_modified
	# a 200 with the same bytes leaves the file alone too
	fakesofa_reload <(printf '%s 200\n' "$P")
	fetch --refresh
	assert_equal "$(field .outcome)" ok
	[ "$(stat -c %Y data/raw/$P.json)" = "$(date -d '2020-01-01 12:00:00' +%s)" ]
	# --force sends no validators
	fetch --force
	fakesofa_wait_log 4
	run jq -r 'select(.seq == 4) | .if_none_match' "$FAKESOFA_LOG"
	assert_output null
}

@test "validators are sent only for the body on disk" {
	scenario ""
	fetch
	printf '{"home":{},"away":{}}' >data/raw/$P.json	# another writer
	fetch --refresh
	assert_success
	fakesofa_wait_log 2
	run jq -r 'select(.seq == 2) | .if_none_match' "$FAKESOFA_LOG"
	assert_output null
	cmp "$SRC" data/raw/$P.json
}

@test "an error object in a 200 body is its code, not data" {
	scenario "$P error-json ; pass
event/11080977 error-json=403"
	run --separate-stderr sofa-fetch -q --endpoints 'event lineups' 11080977
	assert_failure 4
	run jq -r '[.path, .outcome, .http_status] | @tsv' <<<"$output"
	assert_line "$(printf 'event/11080977/lineups\tabsent\t200')"
	assert_line "$(printf 'event/11080977\tblocked\t200')"
	assert_file_not_exist data/raw/$P.json
	assert_file_not_exist data/raw/event/11080977.json
}

@test "a redirect to another host is not followed" {
	scenario "$P redirect=http://192.0.2.1/steal ; pass"
	fetch
	assert_failure 1
	assert_equal "$(field .outcome)" failed
	[[ "$(field .error)" == *"redirect to http://192.0.2.1/steal: another host, not followed"* ]]
	fakesofa_wait_log 1
	assert_equal "$(fakesofa_count $P)" 1
}

@test "a body that breaks the contract is quarantined, never stored" {
	printf '{"home":[],"away":{"players":[{"player":{"id":"7"}}]}}' >bad.json
	scenario "$P body=bad.json ; stick"
	fetch
	assert_failure 1
	assert_equal "$(field .outcome)" invalid
	assert_equal "$(field .error)" "API contract: home: expected object, got array; away.players[0].player.id: expected integer, got string; away.players[0].player.name: missing (expected string); away.players[0].substitute: missing (expected boolean)"
	assert_file_not_exist data/raw/$P.json
	cmp bad.json data/quarantine/event/11080977/lineups.*.body
	run jq -r '[.outcome, .bytes] | @tsv' data/quarantine/event/11080977/lineups.*.meta
	assert_output "$(printf 'invalid\t%s' "$(wc -c <bad.json)")"
	# not retried: the same body would come back
	fakesofa_wait_log 1
	assert_equal "$(fakesofa_count $P)" 1
}

@test "a body larger than max_body is refused while it arrives" {
	scenario "$P chunked trickle=4096/1 ; pass"
	SOFASCORE_MAX_BODY=8192 fetch
	assert_failure 1
	assert_equal "$(field .outcome)" failed
	assert_equal "$(field .error)" "body larger than max_body (8192 bytes)"
	assert_file_not_exist data/raw/$P.json
}

@test "a stalled transfer times out and is retried" {
	scenario "$P stall truncate=10 ; pass"
	SOFASCORE_STALL_TIMEOUT=1 fetch
	assert_success
	assert_equal "$(field '[.outcome, .attempts] | @tsv')" "$(printf 'ok\t2')"
	cmp "$SRC" data/raw/$P.json
}

@test "User-Agent, extra headers and compression are sent" {
	scenario ""
	SOFASCORE_USER_AGENT='Mozilla/5.0 test' \
	SOFASCORE_HEADERS='X-Requested-With: XMLHttpRequest | Referer: https://www.sofascore.com/' \
	    fetch
	assert_success
	fakesofa_wait_log 1
	run jq -r '[.user_agent, .headers["x-requested-with"], .headers.referer,
	    .headers.accept] | @tsv' "$FAKESOFA_LOG"
	assert_output "$(printf 'Mozilla/5.0 test\tXMLHttpRequest\thttps://www.sofascore.com/\tapplication/json')"
	run jq -r '.headers["accept-encoding"]' "$FAKESOFA_LOG"
	assert_output --partial gzip
}
