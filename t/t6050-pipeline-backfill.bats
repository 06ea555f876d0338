#!/usr/bin/env bats
# The recipes of docs/backfill.md and docs/retention.md, run as written
# (with doubles for the programs of the other steps: pipeline-lib.sh).

setup() {
	load test-lib.sh
	common_setup
	load pipeline-lib.sh
	sandbox
	doubles
	for i in 101 102 103 104; do upstream "$i" "v1-$i"; done
	printf '{"event_id":101,"tournament_id":17,"season_id":10356}\n' > data/index/matches.ndjson
	printf '{"event_id":102,"tournament_id":17,"season_id":10356}\n' >> data/index/matches.ndjson
	printf '{"event_id":103,"tournament_id":17,"season_id":9999}\n' >> data/index/matches.ndjson
	printf '{"event_id":104,"tournament_id":8,"season_id":10356}\n' >> data/index/matches.ndjson
	sofa-pipeline >/dev/null 2>&1
	P=data/processed
}

@test "backfill: re-run from a step" {
	echo 3 > "$SB/dq.exit"
	upstream 101 v2-101
	run sofa-pipeline
	assert_failure 3
	rm "$SB/dq.exit"
	: > "$SB/calls.log"
	run sofa-pipeline --from build
	assert_success
	! grep -q 'sofa-fetch\|sofa-discover' "$SB/calls.log"
	grep -qx '101,v2-101' $P/matches.csv
	run sofa-pipeline --only dq
	assert_success
	upstream 102 v2-102
	run sofa-pipeline --from fetch
	assert_success
	grep -qx '102,v2-102' $P/matches.csv
	run sofa-cron -- --from build
	assert_success
	[ "$(sofa-runs -j -n 1 | jq -r .steps_run)" = "build dq publish" ]
}

@test "backfill: re-fetch one competition and season (jq over the index, sofa-fetch --refresh)" {
	for i in 101 102 103 104; do upstream "$i" "v2-$i"; done
	: > "$SB/calls.log"
	run sh -c 'eval "$(sofa-config --shell)"
	jq -c "select(.tournament_id == 17 and .season_id == 10356)" "$SOFASCORE_INDEX_PATH" |
	    sofa-fetch --refresh > refetch.ndjson
	sofa-pipeline --from build'
	assert_success
	grep -q 'sofa-fetch --refresh' "$SB/calls.log"
	[ "$(jq -r .event_id refetch.ndjson | tr '\n' ' ')" = "101 102 " ]
	[ "$(jq -r .outcome refetch.ndjson | sort | uniq -c | awk '{print $1, $2}')" = "2 ok" ]
	grep -qx '101,v2-101' $P/matches.csv
	grep -qx '102,v2-102' $P/matches.csv
	grep -qx '103,v1-103' $P/matches.csv	# another season
	grep -qx '104,v1-104' $P/matches.csv	# another competition
}

@test "backfill: rebuild everything from the raw store" {
	cp $P/matches.csv before.csv
	run sh -c 'eval "$(sofa-config --shell)"
	make -f "$SOFASCORE_SHARE_DIR/pipeline.mk" clean-derived
	sofa-pipeline --from build'
	assert_success
	assert_output --partial "frags    4"
	cmp before.csv $P/matches.csv
	! grep -q sofa-fetch <(tail -n 1 "$SB/calls.log")
}

@test "retention: roll back to a snapshot, recorded as a run" {
	first=$(ls data/snapshots)
	cp $P/matches.csv first.csv
	upstream 103 v2-103
	SOFA_NOW=$(($(date +%s) + 60)) sofa-pipeline >/dev/null 2>&1
	grep -qx '103,v2-103' $P/matches.csv
	[ "$(ls data/snapshots | wc -l)" -eq 2 ]
	run sh -c 'eval "$(sofa-config --shell)"
snap=$SOFASCORE_SNAPSHOT_DIR/'"$first"'
flock -n "$SOFASCORE_LOCK_PATH" sh -c '\''
	id=$(sofa-runs start --pid $$)
	sofa-runs set "$id" steps_run=rollback snapshot="$1"
	for f in "$1"/*.csv; do
		t=${f##*/}
		[ "$f" -ef "$SOFASCORE_PROCESSED_DIR/$t" ] && continue
		ln -f "$f" "$SOFASCORE_PROCESSED_DIR/.$t.rollback" &&
		    mv -f "$SOFASCORE_PROCESSED_DIR/.$t.rollback" "$SOFASCORE_PROCESSED_DIR/$t"
	done
	sofa-runs finish "$id" success --tables "$SOFASCORE_PROCESSED_DIR"
'\'' sh "$snap"'
	assert_success
	cmp first.csv $P/matches.csv
	[ "$(inode $P/matches.csv)" = "$(inode "data/snapshots/$first/matches.csv")" ]
	run sofa-runs -j -n 1
	[ "$(jq -r .steps_run <<<"$output")" = rollback ]
	[ "$(jq -r .status <<<"$output")" = success ]
	[ "$(jq -r .run_id data/index/latest_successful_run.json)" = "$(jq -r .run_id <<<"$output")" ]
	[ "$(jq -r .snapshot data/index/latest_successful_run.json)" = "$PWD/data/snapshots/$first" ]
	ls -A $P | grep -qv rollback
}
