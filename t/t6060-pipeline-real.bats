#!/usr/bin/env bats
# The failure paths of sofa-pipeline and sofa-cron with the real programs
# (sofa-fetch, the table programs, sofa-dq) over a generated store served
# by fakesofa: the circuit breaker, a DQ FAIL, --from build after the fix,
# kill -9 of the runner during the build, two sofa-cron at once.  (t6020
# and t6030 test the same with doubles, quicker and at every corner.)

setup() {
	load test-lib.sh
	common_setup
	for p in sofa-fetch sofa-dq sofa-matches sofa-lineups sofa-appearances \
	    sofa-incidents sofa-teamstats sofa-teams sofa-players; do
		command -v "$p" >/dev/null || skip "$p is not built yet"
	done
	# Not the make that runs the suite: its flags and jobserver stay out.
	unset MAKEFLAGS MFLAGS MAKELEVEL
	export SOFASCORE_RATE=0 SOFASCORE_RETRIES=0 SOFASCORE_FSYNC=false \
	    SOFASCORE_BACKOFF_BASE=0.01 SOFASCORE_BACKOFF_MAX=0.1
	export TMPDIR=$BATS_TEST_TMPDIR
	mkdir -p data/index
	sofa-gen -s 7 -n 8 -o up -i data/index/matches.ndjson
	: > scenario
	fakesofa_start up "$PWD/scenario"
	export SOFASCORE_API_BASE=$FAKESOFA_URL
	P=data/processed
	FL=data/index/pipeline_failures.log
}

teardown() {
	for p in ${RUNNER:-} ${CRON1:-}; do
		kill -9 "$p" 2>/dev/null || true
	done
	fakesofa_stop
}

# first: a successful run, and a copy of what it published in before/.
first() {
	run sofa-pipeline -j 2
	assert_success
	mkdir before
	cp -p $P/*.csv before/
	[ "$(ls before | wc -l)" -eq 9 ]
}

# same_tables: the published tables are those of before/, byte for byte.
same_tables() {
	for f in before/*.csv; do
		cmp "$f" "$P/${f##*/}" || fail "${f##*/} changed"
	done
}

# new MATCHES: that many more matches in the index and the upstream, not
# in the store yet.
new() {
	sofa-gen -s 8 -n "$1" --first-id 30000000 -o up2 -i more.ndjson
	cp -R up2/event/. up/event/
	cat more.ndjson >> data/index/matches.ndjson
}

@test "every table published, the ledger a success, the latest run named, sofa-dq passing" {
	first
	id=$(sofa-runs -j -n 1 | jq -r .run_id)
	[ "$(sofa-runs -j -n 1 | jq -r .status)" = success ]
	[ "$(jq -r .run_id data/index/latest_successful_run.json)" = "$id" ]
	[ "$(jq -r '.tables | length' data/index/latest_successful_run.json)" -eq 9 ]
	[ "$(tail -n +2 $P/matches.csv | wc -l)" -eq 8 ]
	run sofa-dq --tables "$PWD/$P"
	assert_success
}

@test "the circuit breaker under sofa-cron: failed/fetch, a failure line, the tables untouched" {
	first
	good=$(jq -r .run_id data/index/latest_successful_run.json)
	new 4
	# Every request refused as the real upstream refuses.
	printf '** challenge ; stick\n' > scenario
	fakesofa_reload
	SOFASCORE_BREAKER=2 run sofa-cron
	assert_failure 4
	run sofa-runs -j -n 1
	[ "$(jq -r .status <<<"$output")" = failed ]
	[ "$(jq -r .failed_step <<<"$output")" = fetch ]
	[ "$(jq -r .exit_code <<<"$output")" = 4 ]
	[ "$(jq -r .fetch_blocked <<<"$output")" -ge 1 ]
	[ "$(wc -l < $FL)" -eq 1 ]
	[ "$(cut -f3,4 $FL)" = "$(printf '4\tfetch')" ]
	[ -f "$(cut -f5 $FL)" ]
	same_tables
	[ "$(jq -r .run_id data/index/latest_successful_run.json)" = "$good" ]
}

@test "a DQ FAIL keeps the previous tables; --from build after the fix re-runs only from there" {
	first
	# A score the incidents do not add up to, as a fetch would store it.
	E=data/raw/event/20000003.json
	cp $E good.json
	jq -c '.event.homeScore.display += 5 | .event.homeScore.current += 5' \
	    good.json > data/raw/event/.tmp
	mv data/raw/event/.tmp $E
	run sofa-pipeline --from build
	assert_failure 3
	assert_output --partial "frags    1 (20000003)"
	assert_output --partial "FAIL consistency.goals_vs_score"
	assert_output --partial "nothing is published; the previous tables stay"
	same_tables
	run sofa-runs -j -n 1
	[ "$(jq -r .failed_step <<<"$output")" = dq ]
	[ "$(jq -r .dq_fail <<<"$output")" -ge 1 ]
	# The fix, then the run from the build: no request, one match rebuilt.
	n=$(wc -l < "$FAKESOFA_LOG")
	cp good.json data/raw/event/.tmp
	mv data/raw/event/.tmp $E
	run sofa-pipeline --from build
	assert_success
	assert_output --partial "frags    1 (20000003)"
	[ "$(wc -l < "$FAKESOFA_LOG")" -eq "$n" ]
	[ "$(sofa-runs -j -n 1 | jq -r .steps_run)" = "build dq publish" ]
	[ "$(sofa-runs -j -n 1 | jq -r .status)" = success ]
	same_tables
}

@test "kill -9 of the runner during the build: no half table, the killed run aborted" {
	first
	new 40
	sofa-pipeline -j 1 > run1.out 2>&1 3>&- &
	RUNNER=$!
	for _ in $(seq 1 200); do
		grep -q 'build: make' run1.out && break
		sleep 0.05
	done
	grep -q 'build: make' run1.out || fail "$(cat run1.out)"
	kill -9 "$RUNNER"
	wait "$RUNNER" 2>/dev/null || true
	RUNNER=
	id=$(sofa-runs -j -n 1 | jq -r .run_id)
	[ "$(sofa-runs -j -n 1 | jq -r .status)" = aborted ]
	same_tables
	# No half file under a table's name, before or after the next run.
	for f in data/derived/tables/*.csv $P/*.csv; do
		[ -z "$(tail -c 1 "$f")" ] || fail "$f does not end with a newline"
	done
	# The build it started may still run (it holds the lock): wait.
	for _ in $(seq 1 300); do
		sofa-pipeline > run2.out 2>&1 && break
		grep -q 'another run holds' run2.out || fail "$(cat run2.out)"
		sleep 0.1
	done
	[ "$(tail -n +2 $P/matches.csv | wc -l)" -eq 48 ]
	[ "$(sofa-runs -j "$id" | jq -r .status)" = aborted ]
	[ "$(sofa-runs -j "$id" | jq -r .failed_step)" = build ]
	[ "$(sofa-runs -j -n 1 | jq -r .status)" = success ]
	run sofa-dq --tables "$PWD/$P"
	assert_success
	[ -z "$(ls -A $P | grep -v '^[a-z_]*\.csv$')" ] || fail "left: $(ls -A $P)"
}

@test "two sofa-cron at once: the second exits 5 and does nothing" {
	new 6
	# Slow answers keep the first run in its fetch.
	printf '** delay=400 ; repeat\n' > scenario
	fakesofa_reload
	sofa-cron > cron1.out 2>&1 3>&- &
	CRON1=$!
	for _ in $(seq 1 200); do
		[ -s data/index/pipeline_runs.csv ] && break
		sleep 0.05
	done
	run --separate-stderr sofa-cron
	assert_failure 5
	[[ "$stderr" == *"another run holds"* ]] || fail "$stderr"
	[ "$(sofa-runs -n 0 -j | wc -l)" -eq 1 ]
	[ "$(ls data/logs | wc -l)" -eq 1 ]
	wait "$CRON1" || fail "the first run: $(cat cron1.out data/logs/*)"
	CRON1=
	[ "$(sofa-runs -j -n 1 | jq -r .status)" = success ]
	[ -f data/index/last_successful_run.txt ]
	[ ! -e $FL ]
}
