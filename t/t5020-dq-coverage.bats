#!/usr/bin/env bats
# sofa-dq, the rules over the index, the raw store, the fetch log and the
# run ledger: coverage of the finished matches, fetch failures, blocked
# never recorded as absent, and freshness against a pinned clock.

setup() {
	load test-lib.sh
	load dq-lib.sh
	dq_setup
}

# meta PATH OUTCOME STATUS: a .meta sidecar for API path PATH.
meta() {
	mkdir -p "data/raw/$(dirname "$1")"
	printf '{"path":"%s","outcome":"%s","http_status":%s,"fetched_utc":"2024-08-17T06:01:00Z","attempts":1,"error":null}\n' \
	    "$1" "$2" "$3" > "data/raw/$1.meta"
}

@test "coverage.required: every finished match has event and lineups" {
	dq_pass coverage.required
	[ "$(dq_field .checked)" -eq 2 ]
	[ "$(dq_field .unit)" = "finished matches" ]
}

@test "coverage.required: missing resources classified, blocked never absent" {
	rm data/raw/event/1003/lineups.json data/raw/event/1003.json
	meta event/1003 blocked 403
	rm data/raw/event/1001/lineups.json
	meta event/1001/lineups absent 404
	dq_check coverage.required FAIL 2 3 1001 1003
	[ "$(dq_where 0)" = lineups.json ]
	[ "$(dq_detail 0)" = \
	    "lineups absent (HTTP 404, 2024-08-17T06:01:00Z)" ]
	[ "$(dq_detail 1)" = "event blocked (HTTP 403, 2024-08-17T06:01:00Z); lineups body missing (HTTP 304, 2024-08-17T06:01:00Z)" ]
	[ "$(dq_field '.breakdown | tojson')" = \
	    '{"lineups absent":1,"event blocked":1,"lineups body missing":1}' ]
	[[ "$(dq_field .note)" == "100.0% of finished matches miss"* ]]
}

@test "coverage.required: at or below coverage_fail_fraction it is a WARN" {
	rm data/raw/event/1003/lineups.json data/raw/event/1003/lineups.meta
	export SOFASCORE_COVERAGE_FAIL_FRACTION=0.5
	dq_check coverage.required WARN 1 0 1003
	[ "$(dq_detail 0)" = "lineups never fetched" ]
	export SOFASCORE_COVERAGE_FAIL_FRACTION=0.49
	dq_check coverage.required FAIL 1 3 1003
}

@test "coverage.required: the required key decides, unfinished matches do not count" {
	rm data/raw/event/1003/lineups.json
	SOFASCORE_REQUIRED=event dq_check coverage.required PASS 0 0
	# 1002 is not started and has nothing stored
	SOFASCORE_REQUIRED="event lineups incidents" \
	    dq_check coverage.required FAIL 1 3 1003
	[ "$(dq_detail 0)" = "lineups body missing (HTTP 304, 2024-08-17T06:01:00Z); incidents never fetched" ]
	[ "$(dq_field .checked)" -eq 2 ]
}

@test "coverage.required: no index is exit 1, naming it" {
	rm data/index/matches.ndjson
	run sofa-dq coverage.required
	assert_failure 1
	assert_output --partial "match index $BATS_TEST_TMPDIR/data/index/matches.ndjson"
	# the table rules do not need it
	run sofa-dq schema keys
	assert_success
}

@test "coverage.required: a bad index line is named and makes the exit 1" {
	printf '{"event_id":"x"}\nnot json\n' >> data/index/matches.ndjson
	run --separate-stderr sofa-dq -j coverage.required
	assert_failure 1
	[[ "$stderr" == *"matches.ndjson:4: event_id: expected a positive integer, got string"* ]]
	[[ "$stderr" == *"matches.ndjson:5: "* ]]
	# the report is still written
	[ "$(printf '%s\n' "$output" | jq -r .status)" = PASS ]
}

@test "coverage.fetch_failures: blocked and failed requests of the last run" {
	dq_pass coverage.fetch_failures
	[[ "$(dq_field .note)" == "last fetch run: 6 requests: ok 3, absent 2, not_modified 1" ]]
	cat >> data/index/fetch_log.ndjson <<-'EOF2'
	{"event_id":1003,"endpoint":"statistics","path":"event/1003/statistics","outcome":"blocked","http_status":403,"bytes":0,"attempts":1,"ms":80,"error":"upstream refused (challenge)"}
	{"event_id":1003,"endpoint":"incidents","path":"event/1003/incidents","outcome":"failed","http_status":503,"bytes":0,"attempts":5,"ms":9000,"error":"HTTP 503"}
	EOF2
	dq_check coverage.fetch_failures WARN 2 0 1003 1003
	[ "$(dq_where 0)" = fetch_log.ndjson:7 ]
	[ "$(dq_detail 0)" = \
	    "statistics: blocked (HTTP 403): upstream refused (challenge)" ]
	[ "$(dq_field '.breakdown | tojson')" = '{"blocked":1,"failed":1}' ]
}

@test "coverage.fetch_failures: skipped before the first fetch, never a pass" {
	rm data/index/fetch_log.ndjson
	dq_check coverage.fetch_failures SKIP 0 0
	[[ "$(dq_field .note)" == "no fetch log "*": no fetch run recorded yet" ]]
	run sofa-dq --tap coverage.fetch_failures
	assert_success
	assert_line --partial "ok 1 - coverage.fetch_failures # SKIP no fetch log"
}

@test "coverage.blocked_not_absent: a 403 recorded as absent, in the store and in the log" {
	dq_pass coverage.blocked_not_absent
	meta event/1003/statistics absent 403
	printf '%s\n' '{"event_id":1002,"endpoint":"lineups","path":"event/1002/lineups","outcome":"absent","http_status":403,"error":null}' \
	    >> data/index/fetch_log.ndjson
	dq_check coverage.blocked_not_absent FAIL 2 3 1003 1002
	[ "$(dq_where 0)" = statistics.meta ]
	[ "$(dq_detail 0)" = "statistics: HTTP 403 recorded as absent" ]
	[ "$(dq_where 1)" = fetch_log.ndjson:7 ]
}

@test "coverage.blocked_not_absent: a 403 recorded as failed is named too" {
	meta event/1001/lineups failed 403
	dq_check coverage.blocked_not_absent FAIL 1 3 1001
	[ "$(dq_detail 0)" = "lineups: HTTP 403 recorded as 'failed', want blocked" ]
}

@test "freshness.matches: 49 hours old is a WARN, fresh under a longer freshness_hours" {
	dq_pass freshness.matches
	[ "$(dq_field .note)" = "written 5.9 h ago (2024-08-17T06:05:00Z)" ]
	touch -d "@$((DQ_NOW - 49 * 3600))" data/processed/matches.csv
	dq_check freshness.matches WARN 1 0 matches
	[ "$(dq_detail 0)" = \
	    "written 49.0 h ago (2024-08-15T11:00:00Z), stale after 48 h" ]
	SOFASCORE_FRESHNESS_HOURS=72 dq_check freshness.matches PASS 0 0
}

@test "freshness.last_run: an old run is a WARN; none yet is skipped" {
	dq_pass freshness.last_run
	sed -i 's/"ended_utc":"[^"]*"/"ended_utc":"2024-08-14T06:05:00Z"/' \
	    data/index/latest_successful_run.json
	dq_check freshness.last_run WARN 1 0 20240817T060000Z
	[ "$(dq_detail 0)" = \
	    "ended 77.9 h ago (2024-08-14T06:05:00Z), stale after 48 h" ]
	rm data/index/latest_successful_run.json
	dq_check freshness.last_run SKIP 0 0
}

@test "freshness.last_run: a ledger that cannot be read is exit 1, named" {
	printf '{"run_id":"r1","ended_utc":"yesterday"}\n' \
	    > data/index/latest_successful_run.json
	run sofa-dq freshness.last_run
	assert_failure 1
	assert_output --partial "latest_successful_run.json: ended_utc: expected a UTC time"
	printf '{"run_id":' > data/index/latest_successful_run.json
	run sofa-dq freshness.last_run
	assert_failure 1
	assert_output --partial "latest_successful_run.json:1: invalid JSON"
}

@test "a .meta that is not a meta file is named and makes the exit 1; the report is written" {
	printf 'not json\n' > data/raw/event/1001/lineups.meta
	run --separate-stderr sofa-dq -j coverage.blocked_not_absent
	assert_failure 1
	[[ "$stderr" == *"data/raw/event/1001/lineups.meta: not a meta file"* ]]
	[ "$(printf '%s\n' "$output" | jq -r .rule)" = \
	    coverage.blocked_not_absent ]
}
