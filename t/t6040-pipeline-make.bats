#!/usr/bin/env bats
# share/sofa/pipeline.mk: per-match files rebuilt only for the matches whose
# raw files changed, the tables re-assembled from their buckets, nothing
# done twice, make -j and kill -9 safe, a failing program leaving the old
# table; and, with the real table programs, the incremental build equal to
# one program run over all matches.

setup() {
	load test-lib.sh
	common_setup
	load pipeline-lib.sh
	sandbox
	doubles
	eval "$(sofa-config --shell)"
	D=$SOFASCORE_DERIVED_DIR
	MK="make -f $SOFA_SRCDIR/share/sofa/pipeline.mk"
	mkdir -p data/raw/event
	for i in $(seq 1001 1040); do
		store "$i" "v1-$i"
	done
	index $(seq 1001 1040)
}

# store ID BODY: the raw event of match ID, written by rename as sofa-fetch
# writes it.
store() {
	printf '%s\n' "$2" > "data/raw/event/.$1.tmp"
	mv "data/raw/event/.$1.tmp" "data/raw/event/$1.json"
}

# stamps: every per-match file with its modification time.
stamps() {
	find "$D/frag" -type f -printf '%f %T@\n' | sort
}

@test "a first build makes every table; a second does nothing" {
	run $MK -j 2
	assert_success
	assert_output --partial "frags    40"
	assert_output --partial "buckets  40"
	[ "$(wc -l < $D/tables/matches.csv)" -eq 41 ]
	head -n 1 $D/tables/matches.csv | grep -qx 'event_id,body'
	[ "$(ls $D/frag | wc -l)" -eq 40 ]
	run $MK -j 2
	assert_success
	assert_output --regexp "^make(\[[0-9]+\])?: Nothing to be done for 'all'\.$"
}

@test "one new match: only its per-match file is rebuilt, the table re-assembled" {
	$MK -j 2 >/dev/null
	stamps > before
	table=$(stat -c %Y.%y $D/tables/matches.csv)
	sleep 0.02
	store 1041 v1-1041
	index 1041
	run $MK -j 2
	assert_success
	assert_line "  frags    1 (1041)"
	assert_line "  buckets  1 (41)"
	stamps > after
	# Every frag but the new one is untouched.
	diff before <(grep -v '^1041.csv ' after)
	grep -q '^1041.csv ' after
	grep -qx '1041,v1-1041' $D/tables/matches.csv
	[ "$(wc -l < $D/tables/matches.csv)" -eq 42 ]
	[ "$(stat -c %Y.%y $D/tables/matches.csv)" != "$table" ]
}

@test "a changed raw file rebuilds that match; a resource in its directory too" {
	mkdir -p data/raw/event/1007
	$MK >/dev/null
	stamps > before
	store 1005 v2-1005
	run $MK
	assert_line "  frags    1 (1005)"
	grep -qx '1005,v2-1005' $D/tables/matches.csv
	printf '{}\n' > data/raw/event/1007/.l.tmp
	mv data/raw/event/1007/.l.tmp data/raw/event/1007/lineups.json
	run $MK
	assert_line "  frags    1 (1007)"
}

@test "a match left out of the index leaves the table; a deleted table comes back from its buckets" {
	$MK >/dev/null
	grep -v '"event_id":1013,' data/index/matches.ndjson > x
	mv x data/index/matches.ndjson
	run $MK
	assert_success
	! grep -q '^1013,' $D/tables/matches.csv
	[ "$(wc -l < $D/tables/matches.csv)" -eq 40 ]
	rm $D/tables/matches.csv
	stamps > before
	run $MK
	assert_success
	refute_output --partial frags
	[ "$(wc -l < $D/tables/matches.csv)" -eq 40 ]
	stamps | diff before -
}

@test "a match whose event is not stored yet has no rows until it arrives" {
	index 1050
	run $MK
	assert_success
	! grep -q '^1050,' $D/tables/matches.csv
	store 1050 v1-1050
	run $MK
	assert_line "  frags    1 (1050)"
	grep -qx '1050,v1-1050' $D/tables/matches.csv
}

@test "a new program version rebuilds every per-match file" {
	$MK >/dev/null
	sleep 0.02
	touch "$(readlink -f "$SB/build/bin/sofa-matches")"
	run $MK
	assert_line "  frags    40"
}

@test "make -j 8 from nothing gives what make -j 1 gives" {
	$MK -j 1 >/dev/null
	cp $D/tables/matches.csv serial.csv
	rm -rf $D
	$MK -j 8 JOBS=8 >/dev/null
	cmp serial.csv $D/tables/matches.csv
}

@test "a failing program: make fails, the old table stays, the matches stay stale" {
	$MK >/dev/null
	cp $D/tables/matches.csv before.csv
	store 1002 v2-1002
	touch "$SB/matches.fail"
	run $MK
	assert_failure
	assert_output --partial "sofa-matches: broken"
	cmp before.csv $D/tables/matches.csv
	rm "$SB/matches.fail"
	run $MK
	assert_success
	assert_line "  frags    1 (1002)"
	grep -qx '1002,v2-1002' $D/tables/matches.csv
}

@test "kill -9 of make at random moments: never a half table, and the next make finishes the work" {
	$MK >/dev/null
	for round in 1 2 3 4 5; do
		for i in $(seq 1001 1040); do store "$i" "v$((round + 1))-$i"; done
		$MK -j 2 > /dev/null 2>&1 3>&- &
		p=$!
		sleep "0.$((RANDOM % 10))"
		kill -9 "$p" 2>/dev/null || true
		# make's children (the batch) die with the whole group only when
		# asked: wait for them to finish or be gone.
		wait "$p" 2>/dev/null || true
		sleep 0.5
		[ "$(wc -l < $D/tables/matches.csv)" -eq 41 ] ||
			fail "round $round: $(wc -l < $D/tables/matches.csv) lines"
		! ls $D/tables | grep -v '^matches\.csv$'
	done
	run $MK
	assert_success
	for i in $(seq 1001 1040); do
		grep -qx "$i,v6-$i" $D/tables/matches.csv || fail "$i not rebuilt"
	done
}

@test "paths with blanks are refused with a message" {
	SOFASCORE_DERIVED_DIR="$BATS_TEST_TMPDIR/a b" run $MK
	assert_failure
	assert_output --partial "a path with blanks cannot be a make target"
}

@test "the real programs: the incremental build equals one run of each program" {
	need_fixtures
	for p in sofa-matches sofa-lineups sofa-appearances sofa-incidents \
	    sofa-teamstats sofa-teams sofa-players; do
		[ -x "${SOFA_BIN:-$SOFA_BUILD/bin}/$p" ] || skip "$p is not built yet"
	done
	for p in sofa-matches; do
		rm "$SB/build/bin/$p"
		ln -s "${SOFA_BIN:-$SOFA_BUILD/bin}/$p" "$SB/build/bin/$p"
	done
	unset TABLES
	rm -rf data/raw data/index/matches.ndjson
	mkdir -p data/raw
	ln -s "$FIXTURES/store/event" data/raw/event
	ids=$(ls "$FIXTURES/store/event" | sed -n 's/^\([0-9]*\)$/\1/p')
	index $(echo "$ids" | head -n 20)
	run $MK -j 2
	assert_success
	index $(echo "$ids" | tail -n +21)
	run $MK -j 2
	assert_success
	T=$D/tables
	cut -d, -f1 <<<"$(sed 's/.*"event_id":\([0-9]*\).*/\1/' data/index/matches.ndjson)" > all.ids
	for t in "matches sofa-matches" "lineups sofa-lineups" \
	    "lineups_stats sofa-lineups --stats" \
	    "missing_players sofa-lineups --missing" \
	    "appearances sofa-appearances" "incidents sofa-incidents" \
	    "team_stats sofa-teamstats"; do
		set -- $t
		name=$1; shift
		"$@" -q < all.ids > full.csv || true
		head -n 1 full.csv > a; head -n 1 "$T/$name.csv" > b
		cmp a b || fail "$name: header"
		sort full.csv > a; sort "$T/$name.csv" > b
		cmp a b || fail "$name: rows differ"
	done
	tac all.ids > rev.ids
	for t in teams players; do
		"sofa-$t" -q < rev.ids > full.csv || true
		cmp full.csv "$T/$t.csv" || fail "$t differs"
	done
	# The index in the other order, no raw file changed: the merged
	# dimension tables follow it (every group re-merged, not only the
	# stale buckets').
	tac data/index/matches.ndjson > index.tmp
	mv index.tmp data/index/matches.ndjson
	run $MK -j 2
	assert_success
	for t in teams players; do
		"sofa-$t" -q < all.ids > full.csv || true
		cmp full.csv "$T/$t.csv" || fail "$t differs after the new order"
	done
}
