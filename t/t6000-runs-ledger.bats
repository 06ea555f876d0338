#!/usr/bin/env bats
# sofa-runs and the run ledger: rows written at the start and completed at
# the end, concurrent writers losing nothing, a killed run shown and marked
# aborted, latest_successful_run.json, the listing and its exit status.

setup() {
	load test-lib.sh
	common_setup
	L=$BATS_TEST_TMPDIR/data/index/pipeline_runs.csv
}

# A process that lives until killed, and its pid.
sleeper() {
	sleep 300 3>&- &
	SLEEPER=$!
	disown "$SLEEPER"
}

teardown() {
	[ -z "${SLEEPER:-}" ] || kill -9 "$SLEEPER" 2>/dev/null || true
}

@test "start writes a running row with the pid, prints the run id" {
	SOFA_NOW=1767225600 run --separate-stderr sofa-runs start --pid $$
	assert_success
	[[ "$output" == "20260101T000000Z-$$" ]] || fail "run id: $output"
	head -n 1 "$L" | grep -q '^run_id,started_utc,ended_utc,steps_run,status,failed_step,env,'
	run sofa-runs -j
	assert_success
	[ "$(jq -r .status <<<"$output")" = running ]
	[ "$(jq -r .started_utc <<<"$output")" = 2026-01-01T00:00:00Z ]
	[ "$(jq -r .pid <<<"$output")" = "$$" ]
	[ "$(jq -r .env <<<"$output")" = dev ]
	[ "$(jq -r .ended_utc <<<"$output")" = null ]
}

@test "set and finish complete the row; a success writes latest_successful_run.json" {
	id=$(sofa-runs start --pid $$)
	run sofa-runs set "$id" "steps_run=build dq publish" fetch_ok=7 dq_warn=2
	assert_success
	mkdir tables
	printf 'a,b\n1,"x\ny"\n2,z\n' > tables/one.csv	# 2 rows, one spanning lines
	printf 'a\n' > tables/two.csv			# header only
	printf 'a\n1\n' > tables/.hidden.csv
	run sofa-runs finish "$id" success --tables "$PWD/tables" matches=3 exit_code=0
	assert_success
	run sofa-runs -j "$id"
	assert_success
	[ "$(jq -r .status <<<"$output")" = success ]
	[ "$(jq -r .fetch_ok <<<"$output")" = 7 ]
	[ "$(jq -r .rows_published <<<"$output")" = 2 ]
	[ "$(jq -r '.ended_utc | test("^20[0-9-]+T[0-9:]+Z$")' <<<"$output")" = true ]
	J=data/index/latest_successful_run.json
	[ "$(jq -r .run_id $J)" = "$id" ]
	[ "$(jq -r '.steps | join(",")' $J)" = build,dq,publish ]
	[ "$(jq -r '.tables | keys | join(",")' $J)" = one,two ]
	[ "$(jq -r .tables.one.rows $J)" = 2 ]
	[ "$(jq -r .tables.two.rows $J)" = 0 ]
	[ "$(jq -r .tables.one.bytes $J)" = 16 ]
	[ "$(jq -r .tables.one.path $J)" = "$PWD/tables/one.csv" ]
	[ "$(jq -r .matches $J)" = 3 ]
	[ "$(jq -r .dq_warn $J)" = 2 ]
}

@test "a failed run: status, step, exit code; the listing exits 1" {
	id=$(sofa-runs start --pid $$)
	sofa-runs finish "$id" failed failed_step=fetch exit_code=4
	run sofa-runs
	assert_failure 1
	assert_line --partial "$id"
	assert_line --partial failed
	run sofa-runs -j
	[ "$(jq -r .failed_step <<<"$output")" = fetch ]
	[ "$(jq -r .exit_code <<<"$output")" = 4 ]
	# A later success makes the last run a success again.
	id2=$(sofa-runs start --pid $$)
	sofa-runs finish "$id2" success
	run sofa-runs
	assert_success
	run sofa-runs --failed -j
	assert_success
	[ "$(wc -l <<<"$output")" -eq 1 ]
	[ "$(jq -r .run_id <<<"$output")" = "$id" ]
	[ ! -e data/index/latest_successful_run.json ]	# no --tables given
}

@test "a run whose process is gone is shown aborted, and marked so by the next start" {
	sleeper
	id=$(sofa-runs start --pid "$SLEEPER")
	sofa-runs set "$id" "steps_run=discover fetch build"
	run sofa-runs -j
	[ "$(jq -r .status <<<"$output")" = running ]
	run sofa-runs
	assert_success		# running is not a failure
	kill -9 "$SLEEPER"
	while kill -0 "$SLEEPER" 2>/dev/null; do sleep 0.05; done
	SLEEPER=
	run sofa-runs -j
	assert_failure 1	# the last run was aborted
	[ "$(jq -r .status <<<"$output")" = aborted ]
	[ "$(jq -r .failed_step <<<"$output")" = build ]
	grep -q ',running,' "$L"	# only shown so far
	run --separate-stderr sofa-runs start --pid $$
	assert_success
	[[ "$stderr" == *"run $id"*"is gone: marked aborted"* ]] || fail "$stderr"
	[ "$(grep -c ',running,' "$L")" -eq 1 ]
	run sofa-runs -j "$id"
	[ "$(jq -r .status <<<"$output")" = aborted ]
	[ "$(jq -r .failed_step <<<"$output")" = build ]
}

@test "a recycled pid is not mistaken for the run's process" {
	sleeper
	id=$(sofa-runs start --pid "$SLEEPER")
	# The row claims the pid of a live process that started at another
	# time (this test's own shell): not the run's process.
	sed -i "s/,$SLEEPER,\([0-9]*\)\$/,$$,\1/" "$L"
	grep -q ",$$," "$L"
	run sofa-runs -j "$id"
	[ "$(jq -r .status <<<"$output")" = aborted ]
}

@test "reap marks every gone run; a run of another host is left alone" {
	sleeper
	a=$(sofa-runs start --pid "$SLEEPER")
	b=$(sofa-runs start --pid "$SLEEPER")
	sed -i "/^$b,/s/,$(hostname),/,elsewhere,/" "$L"
	kill -9 "$SLEEPER"
	while kill -0 "$SLEEPER" 2>/dev/null; do sleep 0.05; done
	SLEEPER=
	run sofa-runs reap
	assert_success
	[ "$(sofa-runs -j "$a" | jq -r .status)" = aborted ]
	[ "$(sofa-runs -j "$b" | jq -r .status)" = running ]
}

@test "finish refuses a run that is not running, and an unknown run" {
	id=$(sofa-runs start --pid $$)
	sofa-runs finish "$id" success
	run sofa-runs finish "$id" failed
	assert_failure 1
	assert_output --partial "already"
	run sofa-runs finish 19990101T000000Z-1 success
	assert_failure 1
	assert_output --partial "no run"
	run sofa-runs -j 19990101T000000Z-1
	assert_failure 1
}

@test "bad KEY=VALUE, status and options are usage errors that change nothing" {
	id=$(sofa-runs start --pid $$)
	cp "$L" before
	run sofa-runs set "$id" nosuchcolumn=1
	assert_failure 2
	run sofa-runs set "$id" fetch_ok=many
	assert_failure 2
	run sofa-runs set "$id" status=success
	assert_failure 2
	run sofa-runs set "$id" "log=a
b"
	assert_failure 2
	run sofa-runs finish "$id" done
	assert_failure 2
	run sofa-runs finish "$id" failed --tables .
	assert_failure 2
	run sofa-runs start -j
	assert_failure 2
	run sofa-runs -n x
	assert_failure 2
	run sofa-runs start --pid 999999999
	assert_failure 2
	cmp before "$L"
}

@test "concurrent writers never lose a row" {
	id=$(sofa-runs start --pid $$)
	for i in $(seq 1 12); do
		sofa-runs start --pid $$ > "start.$i" &
		sofa-runs set "$id" "fetch_ok=$i" &
	done
	wait
	[ "$(tail -n +2 "$L" | wc -l)" -eq 13 ]
	for i in $(seq 1 12); do
		grep -q "^$(cat "start.$i")," "$L" || fail "row $i lost"
	done
	[ "$(cut -d, -f1 "$L" | sort | uniq -d | wc -l)" -eq 0 ]
}

@test "kill -9 during a change leaves the old ledger or the new one" {
	sleeper
	for i in $(seq 1 30); do
		sofa-runs start --pid "$SLEEPER" >/dev/null 2>&1 &
		p=$!
		sleep 0.0$((RANDOM % 10))
		kill -9 "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	# Whatever survived parses, and every row is whole.
	run sofa-runs -n 0 -j
	[ "$status" -le 1 ] || fail "$output"
	n=$(tail -n +2 "$L" | wc -l)
	[ "$(jq -s length <<<"$output")" -eq "$n" ]
	[ "$(jq -s 'map(select(.pid == null)) | length' <<<"$output")" -eq 0 ]
}

@test "columns another version wrote are kept" {
	mkdir -p data/index
	printf 'run_id,status,started_utc,custom\nR1,success,2026-01-01T00:00:00Z,keep me\n' > "$L"
	id=$(sofa-runs start --pid $$)
	head -n 1 "$L" | grep -q ',pid_start,custom$'
	grep -q '^R1,2026-01-01T00:00:00Z,,,success,.*,keep me$' "$L"
	run sofa-runs -j R1
	[ "$(jq -r .custom <<<"$output")" = "keep me" ]
}

@test "a broken ledger is named, not rewritten" {
	mkdir -p data/index
	printf 'run_id,status\nR1,success\nR2,"unterminated\n' > "$L"
	cp "$L" before
	run sofa-runs
	assert_failure 1
	assert_output --partial "pipeline_runs.csv: record"
	run sofa-runs start --pid $$
	assert_failure 1
	printf 'run_id,status\nR1,success,extra\n' > "$L"
	run sofa-runs
	assert_failure 1
	assert_output --partial "record 2: 3 fields, the header has 2"
}

@test "listing: readable by default, -n, empty ledger" {
	run sofa-runs
	assert_success
	assert_output ""
	for i in 1 2 3; do
		id=$(sofa-runs start --pid $$)
		sofa-runs finish "$id" success
	done
	run sofa-runs -n 2
	assert_success
	assert_line --index 0 --partial "RUN_ID"
	[ "${#lines[@]}" -eq 3 ]
	run sofa-runs -n 0
	[ "${#lines[@]}" -eq 4 ]
	run bash -c 'sofa-runs > /dev/full'
	assert_failure 1
	assert_output --partial "write error"
}

# sofa-runs(1) EXAMPLES.
@test "the examples of the man page run" {
	a=$(sofa-runs start --pid $$)
	sofa-runs finish "$a" failed failed_step=fetch exit_code=4
	b=$(sofa-runs start --pid $$)
	mkdir -p data/processed
	printf 'event_id\n1\n2\n' > data/processed/appearances.csv
	sofa-runs finish "$b" success --tables "$PWD/data/processed"
	run sofa-runs -n 5
	assert_success
	[ "${#lines[@]}" -eq 3 ]
	run sh -c 'sofa-runs -n 1 >/dev/null || echo "the last sofa run failed"'
	assert_output ""
	run sh -c "sofa-runs -n 0 --failed -j |
	    jq -r '[.run_id, .failed_step, .exit_code] | @tsv'"
	assert_output "$(printf '%s\tfetch\t4' "$a")"
	run sh -c "jq -r '.tables.appearances | \"\(.path) \(.rows)\"' \
	    \"\$(sofa-config index_dir)/latest_successful_run.json\""
	assert_output "$PWD/data/processed/appearances.csv 2"
	cat > my-export <<-'EOF'
	#!/bin/sh
	exit 1
	EOF
	chmod +x my-export
	PATH=$PWD:$PATH run sh -c 'id=$(sofa-runs start --pid $$)
	sofa-runs set "$id" steps_run=export
	if my-export; then
		sofa-runs finish "$id" success
	else
		sofa-runs finish "$id" failed failed_step=export exit_code=1
	fi'
	assert_success
	run sofa-runs -n 1 -j
	[ "$(jq -r .failed_step <<<"$output")" = export ]
}
