#!/usr/bin/env bats
# Disk full (a small tmpfs in a private mount namespace) and a file-size
# limit (ulimit -f, SIGXFSZ ignored) while sofa-fetch writes the raw store,
# while the build writes the tables and while sofa-runs appends to the
# ledger: exit 1 with the system's reason, no truncated file in place of a
# good one (a checksum manifest before and after), no temporary file left,
# and a rerun with room completes the work.
# shellcheck disable=SC2154 # output, stderr, status: set by run

setup() {
	load fetch-lib.sh
	fetch_setup
	load faults-lib.sh
	export SOFASCORE_FSYNC=false
}

teardown() {
	fetch_teardown
}

teardown_file() {
	load faults-lib.sh
	faults_report
}

# A good store of matches 1000001-1000010 fetched, then an upstream where
# those ten changed (one more key in every body) and ten more exist: the
# next fetch has to rewrite ten matches and write ten new ones.
good_then_changed() {
	genstore store 10 1000001
	seq 1000001 1000010 >ids
	serve store
	sofa-fetch -q <ids >/dev/null 2>&1 || fail "the first fetch failed"
	# (one process for all: the machine is shared)
	perl -0 -pi -e 's/\}\s*\z/,"zzChanged":true}/' \
	    store/event/*.json store/event/*/*.json
	genstore store 10 1000011
	seq 1000001 1000020 >ids
	manifest data/raw before '*.json'
}

# metas_sound: every .meta of the raw store is a whole JSON object.
metas_sound() {
	find data/raw -name '*.meta' -print0 | xargs -0 -r jq -e .path \
	    >/dev/null || fail "a .meta is not whole"
}

# served_equal: every body in data/raw is the served one, and there are N.
served_equal() {
	(cd data/raw && find . -name '*.json' -print0 | xargs -0 sha256sum) >sums
	(cd store && sha256sum --quiet -c ../sums) || fail "a body differs"
	assert_equal "$(wc -l <sums)" "$1"
}

@test "fetch on a full disk: exit 1, ENOSPC named, no good body lost, a rerun completes" {
	good_then_changed
	# room for a few bodies, not for all: the disk fills mid-run
	run in_tmpfs "$(($(seedsize data) + 262144))" data \
	    'fill data 200000; sofa-fetch -q --refresh <ids >out 2>err'
	fault
	[ "$status" -eq 1 ] || { echo "sofa-fetch said:"; cat err; }
	assert_equal "$status" 1
	run cat err
	assert_output --partial "No space left on device"
	assert_output --partial "stopped: cannot write"
	refute_output --partial "circuit breaker"
	# every good body is still there, or the complete new one
	kept "$PWD/before" data/raw store
	metas_sound
	no_temp data
	run find data -name '*.json' -size 0
	assert_output ""
	run --separate-stderr sofa-fetch -q --refresh <ids
	assert_success
	[[ "$stderr" == *"20 matches: 20 complete, 0 incomplete"* ]] || fail "$stderr"
	served_equal 80
}

@test "fetch under a file-size limit (SIGXFSZ ignored): exit 1, no good body lost, a rerun completes" {
	good_then_changed
	# 16 KiB: the changed bodies fit, the 33 KB lineups of the new
	# matches do not
	run bash -c 'trap "" XFSZ; ulimit -f 16; exec sofa-fetch -q --refresh <ids >out 2>err'
	fault
	assert_equal "$status" 1
	run cat err
	assert_output --partial "File too large"
	kept "$PWD/before" data/raw store
	metas_sound
	no_temp data
	run --separate-stderr sofa-fetch -q --refresh <ids
	assert_success
	served_equal 80
}

# --- the build ---------------------------------------------------------

# A root whose raw store is the recorded matches; the index names the
# first N of them (default 20).
build_root() {
	mkdir -p data/raw data/index
	[ -e data/raw/event ] || ln -s "$FIXTURES/store/event" data/raw/event
	# shellcheck disable=SC2012 # numeric names
	ls "$FIXTURES/store/event" | sed -n 's/^\([0-9][0-9]*\)$/\1/p' |
	    head -n "${1:-20}" |
	    sed 's/.*/{"event_id":&}/' >data/index/matches.ndjson
}

# ref: the tables built in one go from the 20 matches, in ./ref (made once
# a file)
ref_tables() {
	local r=$BATS_FILE_TMPDIR/ref
	if [ ! -d "$r" ]; then
		mkdir "$r.new"
		(cd "$r.new" && build_root && SOFASCORE_ROOT=$PWD \
		    sofa-pipeline --only build -j 2 >/dev/null 2>&1) ||
		    fail "the reference build failed"
		mv "$r.new" "$r"
	fi
	ln -s "$r" ref
	[ -s ref/data/derived/tables/lineups.csv ] || fail "no reference"
}

@test "the build on a full disk: exit 1, the tables old or whole, a rerun completes" {
	ref_tables
	build_root 8
	sofa-pipeline --only build -j 2 >/dev/null 2>&1 || fail "first build"
	build_root
	manifest data/derived/tables before
	T=data/derived/tables
	# the build's files only: the ledger and the lock are elsewhere
	run in_tmpfs "$(($(seedsize data/derived) + 1048576))" data/derived \
	    'fill data/derived 100000; sofa-pipeline --only build -j 2 >out 2>err'
	fault
	assert_equal "$status" 1
	run cat err
	assert_output --partial "No space left on device"
	assert_output --partial "build"
	kept "$PWD/before" $T ref/$T
	no_temp data/derived/tables
	run sofa-runs -j -n 1
	assert_equal "$(jq -r '.status + " " + .failed_step' <<<"$output")" "failed build"
	run sofa-pipeline --only build -j 2
	assert_success
	for f in ref/"$T"/*.csv; do
		cmp "$f" "$T/${f##*/}" || fail "${f##*/} differs"
	done
}

@test "the build under a file-size limit: exit 1, the tables old or whole, a rerun completes" {
	ref_tables
	build_root 8
	sofa-pipeline --only build -j 2 >/dev/null 2>&1 || fail "first build"
	build_root
	T=data/derived/tables
	manifest $T before
	# 64 KiB: lineups_stats (about 200 KB) cannot be written
	run bash -c 'trap "" XFSZ; ulimit -f 64; exec sofa-pipeline --only build -j 2 >out 2>err'
	fault
	assert_equal "$status" 1
	run cat err
	assert_output --partial "File too large"
	kept "$PWD/before" $T ref/$T
	no_temp data/derived/tables
	run sofa-pipeline --only build -j 2
	assert_success
	for f in ref/"$T"/*.csv; do
		cmp "$f" "$T/${f##*/}" || fail "${f##*/} differs"
	done
}

# --- the ledger --------------------------------------------------------

# runs N: N finished runs in the ledger
runs() {
	local id
	for _ in $(seq "$1"); do
		id=$(sofa-runs start) || fail "start"
		sofa-runs finish "$id" success >/dev/null || fail "finish"
	done
}

@test "a ledger append on a full disk: exit 1, the ledger as it was, the next start works" {
	runs 3
	L=data/index/pipeline_runs.csv
	manifest data/index before
	run in_tmpfs "$(seedsize data/index)" data/index \
	    'fill data/index; sofa-runs start >out 2>err'
	fault
	assert_equal "$status" 1
	run cat err
	assert_output --partial "No space left on device"
	kept "$PWD/before" data/index
	no_temp data/index
	assert_equal "$(wc -l <$L)" 4
	run sofa-runs start
	assert_success
	assert_equal "$(wc -l <$L)" 5
}

@test "a ledger append under a file-size limit: exit 1, the ledger as it was" {
	runs 8
	L=data/index/pipeline_runs.csv
	[ "$(stat -c %s $L)" -gt 1024 ] || fail "the ledger is too small"
	manifest data/index before
	run bash -c 'trap "" XFSZ; ulimit -f 1; exec sofa-runs start'
	fault
	assert_equal "$status" 1
	assert_output --partial "File too large"
	kept "$PWD/before" data/index
	no_temp data/index
	# and a whole pipeline run stops at its first ledger write: exit 1
	run bash -c 'trap "" XFSZ; ulimit -f 1; exec sofa-pipeline --only build'
	fault
	assert_equal "$status" 1
	assert_output --partial "File too large"
	kept "$PWD/before" data/index
}
