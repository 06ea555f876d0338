#!/usr/bin/env bats
# Clock skew: an upstream whose Date is a year ahead of or behind the
# local clock (fakesofa --date-skew).  A Retry-After date is read against
# the server's own Date, so the wait is what the server meant, neither a
# year nor nothing; what sofa records and decides on (fetched_utc, what to
# ask again, sofa-dq's freshness) follows the local clock.
# shellcheck disable=SC2154 # output, stderr, status: set by run

setup() {
	load fetch-lib.sh
	fetch_setup
	load faults-lib.sh
	export SOFASCORE_FSYNC=false
	YEAR=31536000
}

teardown() {
	fetch_teardown
}

teardown_file() {
	load faults-lib.sh
	faults_report
}

@test "Retry-After as a date from a server a year ahead or behind: waits the 2 s it meant" {
	genstore store 1 1000001
	printf 'event/1000001 429 retry-after-date=+2 ; pass\n' >scenario
	for skew in $YEAR -$YEAR; do
		rm -rf data
		serve store scenario --date-skew "$skew"
		fault
		run --separate-stderr sofa-fetch -q --endpoints event 1000001
		assert_success
		fakesofa_wait_log 2
		run fakesofa_jq -r '[.status, .t_recv] | @tsv'
		assert_equal "$(cut -f1 <<<"$output" | tr '\n' ' ')" "429 200 "
		gap=$(awk -F'\t' 'NR == 1 { a = $2 } NR == 2 { print $2 - a }' <<<"$output")
		holds "$gap >= 1.5 && $gap < 30" || fail "skew $skew: waited $gap s"
		# the server's Date was skewed indeed
		fakesofa_stop
	done
}

@test "a server a year off: fetched_utc is local time, and a second run asks nothing" {
	genstore store 3 1000001
	for skew in $YEAR -$YEAR; do
		rm -rf data
		serve store - --date-skew "$skew"
		fault
		now=$(date +%s)
		run --separate-stderr sofa-fetch -q 1000001 1000002 1000003
		assert_success
		for m in data/raw/event/*.meta data/raw/event/*/*.meta; do
			t=$(jq -r '.fetched_utc | fromdateiso8601' "$m")
			holds "$t >= $now - 60 && $t <= $now + 60" ||
			    fail "$m: fetched_utc $t, now $now"
		done
		before=$(wc -l <"$FAKESOFA_LOG")
		run --separate-stderr sofa-fetch -q 1000001 1000002 1000003
		assert_success
		assert_equal "$(jq -r .outcome <<<"$output" | sort -u)" skipped
		sleep 0.2
		assert_equal "$(wc -l <"$FAKESOFA_LOG")" "$before"
		fakesofa_stop
	done
}

@test "freshness after a pipeline run against a server a year behind: not stale" {
	need_fixtures
	mkdir -p data/index
	# matches whose event was recorded
	# shellcheck disable=SC2012 # numeric names
	ls "$FIXTURES/store/event" | sed -n 's/^\([0-9][0-9]*\)\.json$/\1/p' |
	    head -n 6 | sed 's/.*/{"event_id":&}/' >data/index/matches.ndjson
	serve "$FIXTURES/store" - --date-skew "-$YEAR"
	fault
	run sofa-pipeline --from fetch -j 2
	assert_success
	run sofa-dq -j freshness
	assert_success
	assert_equal "$(jq -r '.rule + " " + .status' <<<"$output" | sort | tr '\n' ' ')" \
	    "freshness.last_run PASS freshness.matches PASS "
	# and with the local clock three days on, both are stale (WARN)
	SOFA_NOW=$(($(date +%s) + 3 * 86400)) run sofa-dq -j freshness
	assert_equal "$(jq -r '.rule + " " + .status' <<<"$output" | sort | tr '\n' ' ')" \
	    "freshness.last_run WARN freshness.matches WARN "
}
