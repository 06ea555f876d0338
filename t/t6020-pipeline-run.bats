#!/usr/bin/env bats
# sofa-pipeline's own behaviour, with doubles for the programs of the other
# steps (pipeline-lib.sh): a run recorded in the ledger, publishing only
# after dq, failed steps, --from/--only/--dry-run, kill -9, snapshots, the
# lock.

setup() {
	load test-lib.sh
	common_setup
	load pipeline-lib.sh
	sandbox
	doubles
	for i in 101 102 103; do
		upstream "$i" "v1-$i"
	done
	index 101 102 103
	P=data/processed
}

teardown() {
	[ -z "${RUNNER:-}" ] || kill -9 "$RUNNER" 2>/dev/null || true
	[ -z "${HOLDER:-}" ] || kill -9 "$HOLDER" 2>/dev/null || true
}

@test "a run: every step, the ledger row, the tables published, the latest run named" {
	run --separate-stderr sofa-pipeline -j 2
	assert_success
	assert_line --index 0 --regexp '^run [0-9]{8}T[0-9]{6}Z-[0-9]+: success in [0-9]+ s'
	assert_line --partial "matches          3 rows"
	[ "$(sort $P/matches.csv)" = "$(printf '101,v1-101\n102,v1-102\n103,v1-103\nevent_id,body')" ]
	run sofa-runs -j
	assert_success
	[ "$(jq -r .status <<<"$output")" = success ]
	[ "$(jq -r .steps_run <<<"$output")" = "discover fetch build dq publish" ]
	[ "$(jq -r .fetch_ok <<<"$output")" = 3 ]
	[ "$(jq -r .matches <<<"$output")" = 3 ]
	[ "$(jq -r .rows_published <<<"$output")" = 3 ]
	[ "$(jq -r .exit_code <<<"$output")" = 0 ]
	id=$(jq -r .run_id <<<"$output")
	J=data/index/latest_successful_run.json
	[ "$(jq -r .run_id $J)" = "$id" ]
	[ "$(jq -r .tables.matches.rows $J)" = 3 ]
	[ "$(jq -r .tables.matches.path $J)" = "$PWD/$P/matches.csv" ]
	# The snapshot holds the same file, linked, not copied.
	snap=$(jq -r .snapshot $J)
	[ "$(inode "$snap/matches.csv")" = "$(inode $P/matches.csv)" ]
	[[ "$snap" == "$PWD/data/snapshots/"[0-9]*T*Z ]] || fail "$snap"
}

@test "a second run with nothing new rebuilds nothing and publishes the same file" {
	sofa-pipeline -j 2 >/dev/null 2>&1
	before=$(inode $P/matches.csv)
	run sofa-pipeline -j 2
	assert_success
	assert_output --partial "Nothing to be done"
	[ "$(inode $P/matches.csv)" = "$before" ]
}

@test "a failing fetch (breaker, exit 4): ledger failed/fetch, the published tables untouched" {
	sofa-pipeline >/dev/null 2>&1
	good=$(jq -r .run_id data/index/latest_successful_run.json)
	cp $P/matches.csv before.csv
	ino=$(inode $P/matches.csv)
	upstream 101 v2-101
	echo 4 > "$SB/fetch.exit"
	run sofa-pipeline
	assert_failure 4
	assert_output --partial "fetch failed (status 4)"
	run sofa-runs -j -n 1
	assert_failure 1
	[ "$(jq -r .status <<<"$output")" = failed ]
	[ "$(jq -r .failed_step <<<"$output")" = fetch ]
	[ "$(jq -r .exit_code <<<"$output")" = 4 ]
	[ "$(jq -r .steps_run <<<"$output")" = "discover fetch" ]
	cmp before.csv $P/matches.csv
	[ "$(inode $P/matches.csv)" = "$ino" ]
	[ "$(jq -r .run_id data/index/latest_successful_run.json)" = "$good" ]
}

@test "fetch exit 1 (some requests failed) warns and goes on" {
	echo 1 > "$SB/fetch.exit"
	run sofa-pipeline
	assert_success
	assert_output --partial "fetch: some requests failed"
}

@test "a DQ FAIL keeps the previous tables published" {
	sofa-pipeline >/dev/null 2>&1
	cp $P/matches.csv before.csv
	upstream 102 v2-102
	echo 3 > "$SB/dq.exit"
	run sofa-pipeline
	assert_failure 3
	assert_output --partial "nothing is published; the previous tables stay"
	grep -q '^102,v2-102$' data/derived/tables/matches.csv	# the candidate
	cmp before.csv $P/matches.csv				# the published
	run sofa-runs -j -n 1
	[ "$(jq -r .failed_step <<<"$output")" = dq ]
	[ "$(jq -r .dq_fail <<<"$output")" = 1 ]
	[ "$(jq -r .exit_code <<<"$output")" = 3 ]
	# --only publish refuses what sofa-dq did not pass.
	run sofa-pipeline --only publish
	assert_failure 1
	cmp before.csv $P/matches.csv
}

@test "--from build after fixing re-runs only from there" {
	echo 3 > "$SB/dq.exit"
	run sofa-pipeline
	assert_failure 3
	: > "$SB/calls.log"
	rm "$SB/dq.exit"
	run sofa-pipeline --from build
	assert_success
	run cat "$SB/calls.log"
	refute_line --partial sofa-discover
	refute_line --partial sofa-fetch
	assert_line --partial sofa-dq
	[ "$(sofa-runs -j -n 1 | jq -r .steps_run)" = "build dq publish" ]
	[ "$(wc -l < $P/matches.csv)" -eq 4 ]
}

@test "--only runs one step; --dry-run changes nothing and writes no ledger row" {
	run sofa-pipeline --only fetch
	assert_success
	[ -f data/raw/event/101.json ]
	[ ! -e data/derived/tables ]
	[ "$(sofa-runs -j -n 1 | jq -r .steps_run)" = fetch ]
	cp data/index/pipeline_runs.csv ledger.before
	run sofa-pipeline -n -C 17:current
	assert_success
	assert_output --partial "would run: sofa-discover matches 17 current, then merge"
	assert_output --partial "sofa-fetch would request"
	assert_output --partial "sofa-build batch"	# make -n: the batch
	assert_output --partial "would check"
	! grep -q 'sofa-discover' "$SB/calls.log"
	cmp ledger.before data/index/pipeline_runs.csv
	[ ! -e $P ]
	run sofa-pipeline --only dq
	assert_failure 1
	assert_output --partial "no candidate tables"
}

@test "-C: discovery and fetch of the named competitions only" {
	rm data/index/matches.ndjson
	printf '{"event_id":201,"tournament_id":17}\n{"event_id":301,"tournament_id":8}\n' \
	    > "$SB/discover.ndjson"
	upstream 201 v1-201
	upstream 301 v1-301
	run sofa-pipeline -C 17:2015/16,2016/17 --from discover --only discover
	assert_failure 2	# --from and --only together
	run sofa-pipeline -C 17:2015/16,2016/17
	assert_success
	grep -q 'sofa-discover matches 17 2015/16 2016/17' "$SB/calls.log"
	[ -f data/raw/event/201.json ]
	[ ! -f data/raw/event/301.json ]	# another tournament: not fetched
	run sofa-pipeline -C nosuch
	assert_failure 2
	assert_output --partial "no [competition nosuch]"
	run sofa-pipeline --from nosuch
	assert_failure 2
}

@test "-C: a competition that fails is reported, what the others listed is merged" {
	double sofa-discover <<-'EOF'
	#!/bin/sh
	echo "sofa-discover $*" >> "$SB/calls.log"
	case "$1 $2" in
	"matches 8") echo "sofa-discover: unknown competition 8" >&2; exit 1 ;;
	"matches 17") echo '{"event_id":201,"tournament_id":17}' ;;
	merge*) cp "$2" "$SB/merged.ndjson" ;;
	esac
	EOF
	run sofa-pipeline --only discover -C 8:current -C 17:current
	assert_failure 1
	assert_output --partial "unknown competition 8"
	assert_output --partial "discover failed (status 1)"
	run cat "$SB/calls.log"
	assert_line "sofa-discover matches 8 current"
	assert_line "sofa-discover matches 17 current"
	assert_line --regexp '^sofa-discover merge '
	run cat "$SB/merged.ndjson"
	assert_output '{"event_id":201,"tournament_id":17}'
}

@test "kill -9 of the runner leaves no half table, and the next run marks it aborted" {
	sofa-pipeline >/dev/null 2>&1
	cp $P/matches.csv before.csv
	for i in $(seq 104 140); do upstream "$i" "v1-$i"; index "$i"; done
	touch "$SB/slow.build"
	sofa-pipeline > run1.out 2>&1 3>&- &
	RUNNER=$!
	for _ in $(seq 1 100); do
		grep -q 'build: make' run1.out && break
		sleep 0.1
	done
	grep -q 'build: make' run1.out || fail "$(cat run1.out)"
	kill -9 "$RUNNER"
	wait "$RUNNER" 2>/dev/null || true
	id=$(sofa-runs -j -n 1 | jq -r .run_id)
	[ "$(sofa-runs -j -n 1 | jq -r .status)" = aborted ]
	# The build it started is still running (its children hold the lock).
	run sofa-pipeline
	assert_failure 5
	rm "$SB/slow.build"
	for _ in $(seq 1 100); do
		sofa-pipeline > run2.out 2>&1 && break
		sleep 0.2
	done
	cat run2.out
	cmp before.csv data/snapshots/*/matches.csv 2>/dev/null ||
	    ls data/snapshots >/dev/null
	[ "$(wc -l < $P/matches.csv)" -eq 41 ]
	grep -q ',aborted,build,' data/index/pipeline_runs.csv
	run sofa-runs -j "$id"
	[ "$(jq -r .status <<<"$output")" = aborted ]
	[ "$(jq -r .failed_step <<<"$output")" = build ]
	[ -z "$(ls -A $P | grep -v '^[a-z_]*\.csv$')" ] || fail "left: $(ls -A $P)"
}

@test "kill -9 at random moments: every published table is always whole" {
	sofa-pipeline >/dev/null 2>&1
	for round in 1 2 3 4 5 6; do
		upstream 101 "v$round-101"
		sofa-pipeline > /dev/null 2>&1 3>&- &
		RUNNER=$!
		sleep "0.$((RANDOM % 10))$((RANDOM % 10))"
		kill -9 "$RUNNER" 2>/dev/null || true
		wait "$RUNNER" 2>/dev/null || true
		RUNNER=
		# Whole: a header and three rows, each of a run that finished.
		run head -n 1 $P/matches.csv
		assert_output "event_id,body"
		[ "$(wc -l < $P/matches.csv)" -eq 4 ] || fail "$(cat $P/matches.csv)"
		grep -Eq '^101,v[0-9]-101$' $P/matches.csv
	done
	for _ in $(seq 1 100); do
		sofa-pipeline >/dev/null 2>&1 && break
		sleep 0.2
	done
	grep -q '^101,v6-101$' $P/matches.csv
	run sofa-runs -n 0 -j
	[ "$(jq -r 'select(.status == "running") | .run_id' <<<"$output")" = "" ]
}

@test "snapshots: the newest snapshots_keep stay" {
	export SOFASCORE_SNAPSHOTS_KEEP=2
	for i in 1 2 3; do
		upstream 101 "v$i-101"
		SOFA_NOW=$((1767225600 + i * 60)) sofa-pipeline >/dev/null 2>&1
	done
	run ls data/snapshots
	assert_output "$(printf '20260101T000200Z\n20260101T000300Z')"
	grep -q '^101,v2-101$' data/snapshots/20260101T000200Z/matches.csv
	grep -q '^101,v3-101$' data/snapshots/20260101T000300Z/matches.csv
	SOFASCORE_SNAPSHOTS_KEEP=0 sofa-pipeline --only publish >/dev/null 2>&1
	[ -z "$(ls data/snapshots)" ]
}

@test "one run at a time: a held lock makes a run exit 5" {
	mkdir -p data/index
	flock -o data/index/sofa.lock sleep 300 3>&- &
	HOLDER=$!
	for _ in $(seq 1 50); do
		flock -n data/index/sofa.lock true || break
		sleep 0.1
	done
	run sofa-pipeline
	assert_failure 5
	assert_output --partial "another run holds"
	[ ! -e data/index/pipeline_runs.csv ]
	kill -9 "$HOLDER"; wait "$HOLDER" 2>/dev/null || true; HOLDER=
	run sofa-pipeline
	assert_success
}

@test "SIGTERM stops the run: aborted in the ledger, exit 143" {
	touch "$SB/slow.fetch"
	sofa-pipeline > run.out 2>&1 3>&- &
	RUNNER=$!
	for _ in $(seq 1 100); do
		grep -q 'fetch:' run.out && break
		sleep 0.1
	done
	kill -TERM "$RUNNER"
	wait "$RUNNER" && st=0 || st=$?
	RUNNER=
	[ "$st" -eq 143 ] || fail "status $st: $(cat run.out)"
	grep -q 'interrupted by SIGTERM during fetch' run.out
	run sofa-runs -j -n 1
	[ "$(jq -r .status <<<"$output")" = aborted ]
	[ "$(jq -r .failed_step <<<"$output")" = fetch ]
	[ "$(jq -r .exit_code <<<"$output")" = 143 ]
}
