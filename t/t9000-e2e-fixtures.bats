#!/usr/bin/env bats
# End to end over the recorded fixtures served by sofa-replay, with every
# real program: discovery of a recorded season, and a whole run (fetch,
# build, dq, publish) of the fixture match that has all of its documents:
# every table published, the ledger's run a success, named by
# latest_successful_run.json, sofa-dq passing; then the circuit breaker
# against fakesofa under sofa-cron.

setup() {
	load test-lib.sh
	common_setup
	need_fixtures
	for p in sofa-discover sofa-fetch sofa-dq sofa-matches sofa-lineups \
	    sofa-appearances sofa-incidents sofa-teamstats sofa-teams \
	    sofa-players; do
		command -v "$p" >/dev/null || skip "$p is not built yet"
	done
	export SOFASCORE_RATE=0 SOFASCORE_RETRIES=0 SOFASCORE_FSYNC=false
	export SOFASCORE_BACKOFF_BASE=0.01 SOFASCORE_BACKOFF_MAX=0.1
	export TMPDIR=$BATS_TEST_TMPDIR
}

teardown() {
	[ -z "${PID:-}" ] || { kill -TERM "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; } || true
}

replay() {
	sofa-replay -q -o url.txt "$FIXTURES/store" 3>&- 2> replay.err &
	PID=$!
	for _ in $(seq 1 200); do [ -s url.txt ] && break; sleep 0.05; done
	[ -s url.txt ] || fail "sofa-replay: $(cat replay.err)"
	export SOFASCORE_API_BASE=$(cat url.txt)
}

@test "discovery of a recorded season through the pipeline" {
	replay
	run sofa-pipeline --only discover -C 17:2015/16
	assert_success
	[ "$(wc -l < data/index/matches.ndjson)" -eq 390 ]
	[ "$(sofa-runs -j -n 1 | jq -r .status)" = success ]
}

@test "discovery of the configured competitions, all or one by name" {
	replay
	printf '[competition epl]\ntournament = 17\nseasons = 2015/16\n' > sofa.ini
	run sofa-pipeline --config sofa.ini --only discover
	assert_success
	[ "$(wc -l < data/index/matches.ndjson)" -eq 390 ]
	rm data/index/matches.ndjson
	run sofa-pipeline --config sofa.ini --only discover -C epl
	assert_success
	[ "$(wc -l < data/index/matches.ndjson)" -eq 390 ]
	[ "$(jq -r .season_id data/index/matches.ndjson | sort -u)" = 10356 ]
	run sofa-pipeline --config sofa.ini --only discover -C nosuch
	assert_failure 2
	assert_output --partial "no [competition nosuch] in the configuration"
}

@test "a whole run over a recorded match: every table, the ledger, the latest run, dq passing" {
	replay
	mkdir -p data/index
	printf '{"event_id":11080977}\n' > data/index/matches.ndjson
	run sofa-pipeline --from fetch
	assert_success
	for t in matches teams players lineups lineups_stats missing_players \
	    appearances incidents team_stats; do
		[ -f "data/processed/$t.csv" ] || fail "no $t.csv"
	done
	[ "$(tail -n +2 data/processed/appearances.csv | wc -l)" -gt 20 ]
	run sofa-runs -j -n 1
	[ "$(jq -r .status <<<"$output")" = success ]
	[ "$(jq -r .dq_fail <<<"$output")" = 0 ]
	id=$(jq -r .run_id <<<"$output")
	[ "$(jq -r .run_id data/index/latest_successful_run.json)" = "$id" ]
	SOFASCORE_PROCESSED_DIR=$PWD/data/processed run sofa-dq
	assert_success
	# The columns docs/consumption.md's DuckDB queries name.
	head -n 1 data/processed/appearances.csv | tr ',' '\n' > cols
	for c in event_id player_id player_name team_id minutes goals result; do
		grep -qx "$c" cols || fail "appearances has no $c"
	done
	head -n 1 data/processed/matches.csv | tr ',' '\n' | grep -qx tournament_name
	cmp data/raw/event/11080977/lineups.json \
	    "$FIXTURES/store/event/11080977/lineups.json"
}

@test "the circuit breaker under sofa-cron: failed/fetch, a failure line, the tables untouched" {
	command -v fakesofa >/dev/null || skip "fakesofa is not built"
	replay
	mkdir -p data/index
	printf '{"event_id":11080977}\n' > data/index/matches.ndjson
	sofa-pipeline --from fetch >/dev/null 2>&1
	cp data/processed/matches.csv before.csv
	kill -TERM "$PID"; wait "$PID" 2>/dev/null || true; PID=
	# Every request refused as the real upstream refuses.
	printf '** challenge ; stick\n' > scenario.txt
	fakesofa -P port -s scenario.txt "$FIXTURES/store" 3>&- > /dev/null 2>&1 &
	PID=$!
	for _ in $(seq 1 100); do [ -s port ] && break; sleep 0.05; done
	export SOFASCORE_API_BASE=http://127.0.0.1:$(cat port)/api/v1
	seq 11080000 11080010 | sed 's/.*/{"event_id":&}/' >> data/index/matches.ndjson
	export SOFASCORE_BREAKER=3
	run sofa-cron -- --from fetch
	assert_failure 4
	[ "$(sofa-runs -j -n 1 | jq -r .failed_step)" = fetch ]
	[ "$(cut -f3,4 data/index/pipeline_failures.log)" = "$(printf '4\tfetch')" ]
	cmp before.csv data/processed/matches.csv
}
