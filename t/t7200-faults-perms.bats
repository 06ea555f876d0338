#!/usr/bin/env bats
# Where the output cannot go: a read-only file system (a read-only bind
# mount: as root, chmod stops nothing), an output directory that is
# missing or cannot exist, and an unprivileged user facing root's files.
# Each program says why, naming the path, exits 1, and leaves what was
# there as it was; with the fault gone, a rerun completes the work.
# shellcheck disable=SC2154 # output, stderr, status: set by run

setup() {
	load fetch-lib.sh
	fetch_setup
	load faults-lib.sh
	export SOFASCORE_FSYNC=false
}

teardown() {
	fetch_teardown
	[ -z "${PUB:-}" ] || rm -rf -- "$PUB"
}

teardown_file() {
	load faults-lib.sh
	faults_report
}

# fetched N: a good store of N matches, then an upstream that changed
# (so that a fetch has to write)
fetched() {
	genstore store "$1" 1000001
	seq 1000001 $((1000000 + $1)) >ids
	serve store
	sofa-fetch -q <ids >/dev/null 2>&1 || fail "the first fetch"
	perl -0 -pi -e 's/\}\s*\z/,"zzChanged":true}/' \
	    store/event/*.json store/event/*/*.json
	manifest data before
}

@test "fetch into a read-only store: exit 1 at the first write, the path named, the store untouched" {
	fetched 8
	manifest data/raw raw.before
	run read_only data/raw 'sofa-fetch -q --refresh <ids >out 2>err'
	fault
	assert_equal "$status" 1
	run cat err
	assert_output --partial "Read-only file system"
	assert_output --partial "stopped: cannot write $PWD/data/raw/"
	refute_output --partial "circuit breaker"
	kept "$PWD/raw.before" data/raw
	# the fetch log's directory read-only: refused before any request
	run read_only data/index 'sofa-fetch -q --refresh <ids >out 2>err'
	fault
	assert_equal "$status" 1
	run cat err
	assert_output "sofa-fetch: $PWD/data/index/fetch_log.ndjson: Read-only file system"
	kept "$PWD/raw.before" data/raw
	run --separate-stderr sofa-fetch -q --refresh <ids
	assert_success
	[[ "$stderr" == *"8 matches: 8 complete"* ]] || fail "$stderr"
}

@test "a missing raw_base is made; one that cannot be (a file in its path) is named: exit 1" {
	fetched 2
	export SOFASCORE_RAW_BASE=$PWD/new/deep/raw
	run --separate-stderr sofa-fetch -q --refresh <ids
	assert_success
	[ -f new/deep/raw/event/1000001.json ] || fail "not made"
	: >afile
	export SOFASCORE_RAW_BASE=$PWD/afile/raw
	run --separate-stderr sofa-fetch -q --refresh <ids
	fault
	assert_equal "$status" 1
	[[ "$stderr" == *"$PWD/afile/raw"*"Not a directory"* ]] || fail "$stderr"
	assert_equal "$(stat -c %s afile)" 0
}

# build_root N: the index names the first N recorded matches
build_root() {
	mkdir -p data/raw data/index
	[ -e data/raw/event ] || ln -s "$FIXTURES/store/event" data/raw/event
	# shellcheck disable=SC2012 # numeric names
	ls "$FIXTURES/store/event" | sed -n 's/^\([0-9][0-9]*\)$/\1/p' |
	    head -n "$1" | sed 's/.*/{"event_id":&}/' >data/index/matches.ndjson
}

@test "the build into a read-only derived_dir: exit 1, the tables untouched, the ledger says failed" {
	build_root 4
	sofa-pipeline --only build >/dev/null 2>&1 || fail "first build"
	build_root 8
	manifest data/derived before
	run read_only data/derived 'sofa-pipeline --only build >out 2>err'
	fault
	assert_equal "$status" 1
	run cat err
	assert_output --partial "Read-only file system"
	assert_output --partial "build failed"
	kept "$PWD/before" data/derived
	run sofa-runs -j -n 1
	assert_equal "$(jq -r '.status + " " + .failed_step' <<<"$output")" "failed build"
	n=$(wc -l <data/derived/tables/lineups.csv)
	run sofa-pipeline --only build
	assert_success
	[ "$(wc -l <data/derived/tables/lineups.csv)" -gt "$n" ] ||
	    fail "the four new matches are not in"
}

@test "a read-only ledger directory: sofa-runs and sofa-pipeline exit 1, the ledger untouched" {
	id=$(sofa-runs start) && sofa-runs finish "$id" success >/dev/null
	manifest data/index before
	run read_only data/index 'sofa-runs start'
	fault
	assert_equal "$status" 1
	assert_output --partial "Read-only file system"
	run read_only data/index 'sofa-pipeline --only build'
	fault
	assert_equal "$status" 1
	assert_output --partial "Read-only file system"
	assert_output --partial "sofa.lock: cannot open the lock"
	kept "$PWD/before" data/index
}

# pub: a directory nobody can reach (bats' own are private), owned by
# root, mode 755
pub() {
	PUB=$(mktemp -d /tmp/sofa-faults.XXXXXX)
	chmod 755 "$PUB"
	cd "$PUB" || return 1
	export SOFASCORE_ROOT=$PUB
}

@test "an unprivileged user: root's store and ledger are refused (Permission denied), left as they were" {
	pub
	fetched 3
	id=$(sofa-runs start) && sofa-runs finish "$id" success >/dev/null
	manifest data "$BATS_TEST_TMPDIR/before"
	run as_nobody sofa-fetch -q --refresh <ids
	fault
	assert_equal "$status" 1
	assert_output --partial "Permission denied"
	run as_nobody sofa-runs start
	fault
	assert_equal "$status" 1
	assert_output --partial "Permission denied"
	run as_nobody sofa-pipeline --only build
	fault
	assert_equal "$status" 1
	kept "$BATS_TEST_TMPDIR/before" data
	# and a store of its own works
	mkdir own && chown nobody own
	SOFASCORE_ROOT=$PUB/own run as_nobody sofa-fetch -q 1000001
	assert_success
	[ "$(stat -c %U own/data/raw/event/1000001.json)" = nobody ]
}
