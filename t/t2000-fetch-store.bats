#!/usr/bin/env bats
# sofa-fetch against fakesofa serving the recorded store: bodies arrive
# byte for byte, the outcome stream and the .meta say what happened, a
# second run asks nothing, --dry-run says what and why without a request,
# bad ids touch nothing, `get` prints a body and stores only when asked.

setup() {
	load fetch-lib.sh
	fetch_setup
}

teardown() {
	fetch_teardown
}

@test "every body of the recorded store arrives byte for byte" {
	serve "$FIXTURES/store"
	(cd "$FIXTURES/store/event" && ls | sed 's/\.json$//' | sort -u) >ids
	run sofa-fetch -q --required event \
	    --endpoints 'event lineups incidents statistics shotmap best-players highlights' \
	    <ids
	assert_success
	n=0
	for f in $(cd "$FIXTURES/store" && find event -name '*.json'); do
		p=${f%.json}
		if jq -e '.error.code == 404' "$FIXTURES/store/$f" >/dev/null
		then
			# the recorded "missing statistics" answer: absent
			assert_file_not_exist "data/raw/$f"
			run jq -r .outcome "data/raw/$p.meta"
			assert_output absent
		else
			cmp "$FIXTURES/store/$f" "data/raw/$f" || fail "$f differs"
			n=$((n + 1))
		fi
	done
	[ "$n" -gt 150 ] || fail "only $n bodies compared"
	# the rest of the store (competitions, seasons, rounds) through get
	for f in $(cd "$FIXTURES/store" && find . -name '*.json' ! -path './event/*'); do
		f=${f#./}
		sofa-fetch get --store "${f%.json}" >body || fail "get $f"
		cmp "$FIXTURES/store/$f" "data/raw/$f" || fail "$f differs"
		cmp "$FIXTURES/store/$f" body || fail "get printed another $f"
	done
}

@test "outcome lines, .meta and summary of one match" {
	serve "$FIXTURES/store"
	run --separate-stderr sofa-fetch 11080977
	assert_success
	echo "$output" >out
	[ "$(wc -l <out)" -eq 4 ]
	run jq -c -s 'sort_by(.path) | map([.event_id, .endpoint, .path,
	    .outcome, .reason, .http_status, .attempts, .error])' out
	assert_output '[[11080977,"event","event/11080977","ok","missing",200,1,null],[11080977,"incidents","event/11080977/incidents","ok","missing",200,1,null],[11080977,"lineups","event/11080977/lineups","ok","missing",200,1,null],[11080977,"statistics","event/11080977/statistics","absent","missing",404,1,"absent (HTTP 404)"]]'
	# bytes of each ok line are the body's size
	for p in event/11080977 event/11080977/lineups; do
		want=$(wc -c <"$FIXTURES/store/$p.json")
		run jq -r --arg p "$p" 'select(.path == $p) | .bytes' out
		assert_output "$want"
	done
	# the .meta: body fields describe the file
	m=data/raw/event/11080977/lineups.meta
	run jq -r '[.path, .outcome, .http_status, .attempts, .error,
	    .bytes, .sha256, (.etag | startswith("W/\"")),
	    (.fetched_utc | test("^[0-9-]{10}T[0-9:]{8}Z$"))] | @tsv' "$m"
	sum=$(sha256sum <"$FIXTURES/store/event/11080977/lineups.json")
	size=$(wc -c <"$FIXTURES/store/event/11080977/lineups.json")
	assert_output "$(printf 'event/11080977/lineups\tok\t200\t1\t\t%s\t%s\ttrue\ttrue' \
	    "$size" "${sum%% *}")"
	# absent: recorded without a body
	run jq -c '[.outcome, .http_status, .bytes, .sha256, .etag]' \
	    data/raw/event/11080977/statistics.meta
	assert_output '["absent",404,null,null,null]'
	assert_file_not_exist data/raw/event/11080977/statistics.json
	# the same lines in fetch_log; the summary on stderr
	cmp out data/index/fetch_log.ndjson
	[[ "$stderr" == *"1 matches: 1 complete, 0 incomplete; 4 requests"* ]]
	[[ "$stderr" == *"ok 3, not_modified 0, absent 1, blocked 0"* ]]
}

@test "a second run asks nothing for a complete, finished match" {
	serve "$FIXTURES/store"
	sofa-fetch -q 11080977 >/dev/null
	fakesofa_wait_log 4
	run --separate-stderr sofa-fetch 11080977
	assert_success
	run jq -r '[.outcome, .reason] | @tsv' <<<"$output"
	assert_output "$(printf 'skipped\tcomplete\nskipped\tcomplete\nskipped\tcomplete\nskipped\tabsent')"
	sleep 0.2
	[ "$(wc -l <"$FAKESOFA_LOG")" -eq 4 ]
}

@test "--dry-run says what and why, without a request" {
	export SOFASCORE_API_BASE=http://127.0.0.1:9/api/v1
	run sofa-fetch -n 11080977
	assert_success
	assert_output '{"event_id":11080977,"endpoint":"event","path":"event/11080977","action":"fetch","reason":"missing"}
{"event_id":11080977,"endpoint":"lineups","path":"event/11080977/lineups","action":"fetch","reason":"missing"}
{"event_id":11080977,"endpoint":"incidents","path":"event/11080977/incidents","action":"fetch","reason":"missing"}
{"event_id":11080977,"endpoint":"statistics","path":"event/11080977/statistics","action":"fetch","reason":"missing"}'
	assert_not_exist data
	serve "$FIXTURES/store"
	sofa-fetch -q 11080977 >/dev/null
	export SOFASCORE_API_BASE=http://127.0.0.1:9/api/v1
	run sofa-fetch -n --refresh 11080977 11080977
	assert_success
	run jq -r '[.action, .reason] | @tsv' <<<"$output"
	assert_output "$(printf 'revalidate\t--refresh\nrevalidate\t--refresh\nrevalidate\t--refresh\nfetch\tabsent, --refresh')"
	run sofa-fetch -n --endpoints 'lineups player-statistics' 11080977
	assert_success
	[ "$(grep -c '"endpoint":"player-statistics"' <<<"$output")" -eq 42 ]
	assert_line --index 1 --regexp '"path":"event/11080977/player/[0-9]+/statistics","action":"fetch","reason":"missing"'
}

@test "bad ids are named with their line and create nothing" {
	serve "$FIXTURES/store"
	printf '../../etc\n12a\n-1\n\n99999999999999999999\n{"event_id":"../x"}\n11080977\n 0\n' >ids
	touch stamp
	run --separate-stderr sofa-fetch -q --endpoints event <ids
	assert_failure 1
	[[ "$stderr" == *"<stdin>:1: bad id '../../etc': not a positive integer"* ]]
	[[ "$stderr" == *"<stdin>:2: bad id '12a'"* ]]
	[[ "$stderr" == *"<stdin>:3: bad id '-1'"* ]]
	[[ "$stderr" == *"<stdin>:4: bad id '': empty"* ]]
	[[ "$stderr" == *"<stdin>:5: bad id '99999999999999999999': too large"* ]]
	[[ "$stderr" == *"<stdin>:6: bad id"* ]]
	[[ "$stderr" == *"<stdin>:8: bad id"* ]]
	assert_equal "$(echo "$output" | jq -r .path)" event/11080977
	# only the good id's files, under the store and the index
	run sh -c "find . -newer stamp -type f ! -path './fakesofa.*' ! -name 'separate-stderr-*' | sort"
	assert_output "$(printf './data/index/fetch_log.ndjson\n./data/raw/event/11080977.json\n./data/raw/event/11080977.meta')"
	assert_equal "$(jq -s length "$FAKESOFA_LOG")" 1
}

@test "get prints a body and stores nothing unless asked" {
	serve "$FIXTURES/store"
	run sofa-fetch get event/11080977/lineups
	assert_success
	sofa-fetch get /event/11080977/lineups >body
	cmp body "$FIXTURES/store/event/11080977/lineups.json"
	assert_not_exist data
	sofa-fetch get --store event/11080977/lineups >body
	cmp body data/raw/event/11080977/lineups.json
	cmp body "$FIXTURES/store/event/11080977/lineups.json"
	run --separate-stderr sofa-fetch get event/1/nothing
	assert_failure 1
	assert_equal "$stderr" "sofa-fetch: event/1/nothing: absent (HTTP 404)"
	run --separate-stderr sofa-fetch get ../etc/passwd
	assert_failure 2
	[[ "$stderr" == *"bad API path '../etc/passwd'"* ]]
	run sofa-fetch get
	assert_failure 2
}

@test "usage and configuration errors exit 2" {
	run --separate-stderr sofa-fetch --refresh --force 1
	assert_failure 2
	[[ "$stderr" == *"usage: sofa-fetch"* ]]
	run --separate-stderr sofa-fetch --endpoints 'event lineup' 1
	assert_failure 2
	[[ "$stderr" == *"unknown endpoint 'lineup'"* ]]
	run --separate-stderr sofa-fetch --endpoints event --required lineups 1
	assert_failure 2
	[[ "$stderr" == *"required: 'lineups' is not one of the endpoints"* ]]
	run --separate-stderr sofa-fetch --rate fast 1
	assert_failure 2
	[[ "$stderr" == *"--rate: 'fast' is not a number"* ]]
	SOFASCORE_HEADERS='no colon here' run --separate-stderr sofa-fetch 1
	assert_failure 2
	[[ "$stderr" == *"headers: 'no colon here' is not 'Name: value'"* ]]
	SOFASCORE_SHARE_DIR=/nonexistent run --separate-stderr sofa-fetch 1
	assert_failure 2
	[[ "$stderr" == *"API contract: /nonexistent/contract.tsv"* ]]
}

@test "a full stdout is a write error; the store is still whole" {
	serve "$FIXTURES/store"
	run --separate-stderr sh -c 'sofa-fetch -q 11080977 >/dev/full'
	assert_failure 1
	[[ "$stderr" == *"write error"* ]]
	for f in $(find data/raw -name '*.json'); do
		jq empty "$f" || fail "$f is not JSON"
	done
}

@test "the EXAMPLES of sofa-fetch(1) run" {
	serve "$FIXTURES/store"
	mkdir -p data/index
	printf '{"event_id":11080977,"status_type":"finished"}\n{"event_id":10408426}\n' \
	    >data/index/matches.ndjson
	# each example, as the page prints it
	mandoc -Tascii "$SOFA_SRCDIR/docs/sofa-fetch.1" | col -b |
	    sed -n '/^EXAMPLES/,/^SEE ALSO/p' >examples
	grep -q 'sofa-fetch -q <data/index/matches.ndjson >outcomes.ndjson' examples
	sofa-fetch -q <data/index/matches.ndjson >outcomes.ndjson
	run jq -r 'select(.outcome | IN("ok", "not_modified", "absent",
	  "skipped") | not) | [.path, .outcome, .error] | @tsv' outcomes.ndjson
	assert_success
	assert_output ""
	grep -qF 'sofa-fetch -n <data/index/matches.ndjson | jq -r .reason | sort | uniq -c' examples
	run sh -c 'sofa-fetch -n <data/index/matches.ndjson | jq -r .reason | sort | uniq -c'
	assert_line --regexp '^ +3 complete$'
	grep -qF "sofa-fetch --endpoints 'event lineups graph player-statistics' 11080977" examples
	run --separate-stderr sofa-fetch --endpoints 'event lineups graph player-statistics' 11080977
	assert_success
	[ "$(jq -s 'map(select(.endpoint == "player-statistics")) | length' <<<"$output")" -eq 42 ]
	grep -qF 'sofa-fetch get event/11080977/lineups | jq -r .home.formation' examples
	run sh -c 'sofa-fetch get event/11080977/lineups | jq -r .home.formation'
	assert_output "$(jq -r .home.formation "$FIXTURES/store/event/11080977/lineups.json")"
	grep -qF "find data/raw -name '*.meta' -exec jq -r 'select(.outcome |" examples
	run sh -c "find data/raw -name '*.meta' -exec jq -r 'select(.outcome |
  IN(\"blocked\", \"throttled\", \"failed\", \"invalid\")) | .path' {} +"
	assert_success
	assert_output ""
}

@test "progress on a terminal only, and -q silences it" {
	command -v script >/dev/null || skip "no script(1)"
	serve "$FIXTURES/store"
	run script -qec 'sofa-fetch 11080977 10408426 >out' /dev/null
	assert_success
	assert_output --partial "2/2 matches"
	assert_output --partial "ETA"
	rm -rf data
	run script -qec 'sofa-fetch -q 11080977 >out' /dev/null
	refute_output --partial "ETA"
	rm -rf data
	run --separate-stderr sofa-fetch 11080977
	[[ "$stderr" != *ETA* ]]
}
