#!/usr/bin/env bats
# sofa-pipeline --smoke (what make smoke runs): the configuration, every
# directory writable, the API contract against the configured API, a
# one-match pipeline into a temporary root; one line per check, exit 1 at
# the first failure; the real root's tables untouched.

setup() {
	load test-lib.sh
	common_setup
	for p in sofa-fetch sofa-dq sofa-matches sofa-lineups sofa-appearances \
	    sofa-incidents sofa-teamstats sofa-teams sofa-players; do
		command -v "$p" >/dev/null || skip "$p is not built yet"
	done
	unset MAKEFLAGS MFLAGS MAKELEVEL
	export SOFASCORE_RATE=0 SOFASCORE_RETRIES=0 SOFASCORE_FSYNC=false
	export TMPDIR=$BATS_TEST_TMPDIR/tmp
	mkdir -p "$TMPDIR" data/index
	sofa-gen -s 7 -n 3 -o up -i data/index/matches.ndjson
	fakesofa_start up
	export SOFASCORE_API_BASE=$FAKESOFA_URL
}

teardown() {
	fakesofa_stop
}

@test "every check passes: the latest finished match of the index, end to end" {
	run --separate-stderr sofa-pipeline --smoke
	assert_success
	assert_line --index 0 "ok    configuration: /dev/null (env dev)"
	assert_line "ok    writable: $PWD/data/raw"
	assert_line "ok    writable: $PWD/data/processed"
	assert_line "ok    API contract at http://127.0.0.1:$FAKESOFA_PORT/*** (match 20000002)"
	assert_line --regexp '^ok    one-match pipeline \(fetch, build, dq, publish\): [1-9][0-9]* rows$'
	[ "${#lines[@]}" -eq 10 ]
	# Into a temporary root, removed: nothing of it in the real one.
	[ ! -e data/processed/matches.csv ]
	[ ! -e data/index/pipeline_runs.csv ]
	[ -z "$(ls "$TMPDIR")" ]
	[ "$(fakesofa_count event/20000002/lineups)" -ge 2 ]
	[ "$(fakesofa_count event/20000001/lineups)" -eq 0 ]
}

@test "a match named on the command line" {
	run sofa-pipeline --smoke 20000000
	assert_success
	assert_output --partial "(match 20000000)"
	run sofa-pipeline --smoke 12a
	assert_failure 1
	assert_output --partial "FAIL  EVENT_ID 12a: not a match id"
}

@test "a directory that cannot be written stops at that check" {
	: > notadir
	SOFASCORE_LOG_DIR=$PWD/notadir/logs run sofa-pipeline --smoke
	assert_failure 1
	assert_line "FAIL  writable: $PWD/notadir/logs (log_dir)"
	refute_output --partial "API contract"
}

@test "an API that broke the contract fails the contract check" {
	jq -c 'del(.event.homeTeam)' up/event/20000002.json > e.json
	mv e.json up/event/20000002.json
	run sofa-pipeline --smoke 20000002
	assert_failure 1
	assert_output --partial "FAIL  API contract at http://127.0.0.1:$FAKESOFA_PORT/*** (match 20000002)"
	refute_output --partial "one-match pipeline"
}

@test "no match to check: said, with what to do" {
	: > data/index/matches.ndjson
	run sofa-pipeline --smoke
	assert_failure 1
	assert_output --partial "FAIL  a recent match: none finished in $PWD/data/index/matches.ndjson (give EVENT_ID)"
	run sofa-pipeline --smoke --from fetch
	assert_failure 2
}
