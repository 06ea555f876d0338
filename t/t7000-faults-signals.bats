#!/usr/bin/env bats
# kill -9 and SIGINT/SIGTERM where t2003 (sofa-fetch from an empty store)
# and t6040 (make over test doubles) do not reach: kill -9 of sofa-fetch
# in the middle of a body that replaces a good one, at random points,
# repeated; kill -9 of make, and of its whole process group, over the
# real table programs; SIGINT and SIGTERM of a pipeline's build step.
# Each time: nothing half-written, no good byte lost (a checksum
# manifest), and a rerun completes the work.
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

@test "kill -9 of sofa-fetch mid-transfer over a good store, repeated: every body old or new, never half" {
	genstore store 8 1000001
	seq 1000001 1000008 >ids
	serve store
	sofa-fetch -q <ids >/dev/null 2>&1 || fail "the first fetch"
	fakesofa_stop
	# the upstream sends each body slowly, 2 KiB every 20 ms, so that a
	# kill lands inside one
	printf '** pass trickle=2048/20 ; stick\n' >scenario
	serve store scenario
	export SOFASCORE_CONCURRENCY=4
	mid=0
	for k in 1 2 3 4 5 6; do
		# each round, every body changes upstream (fakesofa reads the
		# files at each request): the whole store is to be rewritten
		manifest data/raw before '*.json'
		perl -0 -pi -e "s/\\}\\s*\\z/,\"zzChanged$k\":true}/" \
		    store/event/*.json store/event/*/*.json
		sofa-fetch -q --refresh <ids >out.$k 2>err.$k 3>&- &
		pid=$!
		sleep "0.$((RANDOM % 6 + 2))"
		kill -9 "$pid" 2>/dev/null && fault
		wait "$pid" || :
		# in flight when killed: a transfer that had begun, not ended
		# (the server logs it once it sees the connection close)
		sleep 0.3
		fakesofa_jq -r 'select(.outcome == "aborted") | .path' >aborted
		[ -s aborted ] && mid=$((mid + 1))
		kept "$PWD/before" data/raw store
		run find data/raw -name '*.json' -size 0
		assert_output ""
		find data/raw -name '*.meta' -print0 |
		    xargs -0 -r jq -e .path >/dev/null || fail "a .meta is half"
		: >"$FAKESOFA_LOG"
	done
	echo "# $mid of 6 kills landed mid-transfer" >&3
	[ "$mid" -ge 3 ] || fail "only $mid kills came mid-transfer"
	run --separate-stderr sofa-fetch -q --refresh <ids
	assert_success
	(cd data/raw && find . -name '*.json' -print0 | xargs -0 sha256sum) >sums
	(cd store && sha256sum --quiet -c ../sums) || fail "a body differs"
	assert_equal "$(wc -l <sums)" 32
}

# --- the build ---------------------------------------------------------

# root N: the index names the first N recorded matches (raw store: the
# fixtures, read in place)
root() {
	mkdir -p data/raw data/index
	[ -e data/raw/event ] || ln -s "$FIXTURES/store/event" data/raw/event
	# shellcheck disable=SC2012 # numeric names
	ls "$FIXTURES/store/event" | sed -n 's/^\([0-9][0-9]*\)$/\1/p' |
	    head -n "$1" | sed 's/.*/{"event_id":&}/' >data/index/matches.ndjson
}

# ref_tables: the tables of the first 16 matches built in one go, at ./ref
# (made once a file)
ref_tables() {
	local r=$BATS_FILE_TMPDIR/ref
	if [ ! -d "$r" ]; then
		mkdir "$r.new"
		(cd "$r.new" && root 16 && SOFASCORE_ROOT=$PWD \
		    sofa-pipeline --only build -j 2 >/dev/null 2>&1) ||
		    fail "the reference build failed"
		mv "$r.new" "$r"
	fi
	ln -s "$r" ref
}

@test "kill -9 of make (alone, or with its process group) at random points over the real programs" {
	ref_tables
	R=ref/data/derived/tables
	T=data/derived/tables
	root 6
	sofa-pipeline --only build -j 2 >/dev/null 2>&1 || fail "first build"
	manifest $T before
	eval "$(sofa-config --shell)"
	unset MAKEFLAGS MFLAGS MAKELEVEL
	for k in 1 2 3 4; do
		root $((6 + 2 * k))
		setsid make -f "$SOFASCORE_SHARE_DIR/pipeline.mk" -j 2 \
		    >/dev/null 2>&1 3>&- &
		pid=$!
		sleep "0.$((RANDOM % 9 + 1))"
		if [ $((k % 2)) -eq 0 ]; then
			kill -9 -- "-$pid" 2>/dev/null && fault
		else
			kill -9 "$pid" 2>/dev/null && fault
		fi
		wait "$pid" || :
		# make's children, when only make was killed, finish alone
		while pgrep -g "$pid" >/dev/null; do sleep 0.1; done
		# each table is the old one or a whole new one: never half
		for f in "$T"/*.csv; do
			n=$(wc -l <"$f")
			head -n 1 "$f" | cmp -s - <(head -n 1 "$R/${f##*/}") ||
			    fail "$f: header"
			[ -z "$(tail -c 1 "$f")" ] || fail "$f: a cut line"
			[ "$n" -le "$(wc -l <"$R/${f##*/}")" ] || fail "$f: $n"
		done
		run find $T -name '*.tmp*'
		assert_output ""
	done
	root 16
	run make -f "$SOFASCORE_SHARE_DIR/pipeline.mk" -j 2
	assert_success
	for f in "$R"/*.csv; do
		cmp "$f" "$T/${f##*/}" || fail "${f##*/} differs"
	done
}

# batch_alive: a sofa-build batch of this test's derived_dir runs (others,
# of tests running beside this one, do not count)
batch_alive() {
	local p
	for p in $(pgrep -f 'sofa-build batch'); do
		tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null |
		    grep -qx "SOFA_D=$PWD/data/derived" && return 0
	done
	return 1
}

@test "SIGINT and SIGTERM of a pipeline's build: interrupted, aborted, the batch stopped, no temp file" {
	ref_tables
	R=ref/data/derived/tables
	T=data/derived/tables
	# sofa-players, slow while ./slow exists: the build is still in its
	# batch when the signal comes, however fast the machine (sofa-pipeline
	# puts its own directory first on PATH: a link to it beside)
	mkdir wrap
	printf '#!/bin/sh\n[ ! -e "%s/slow" ] || sleep 5\nexec "%s" "$@"\n' \
	    "$PWD" "$SOFA_BIN/sofa-players" >wrap/sofa-players
	chmod +x wrap/sofa-players
	ln -s "$SOFA_BIN/sofa-pipeline" wrap/
	PATH=$PWD/wrap:$PATH
	root 6
	sofa-pipeline --only build -j 2 >/dev/null 2>&1 || fail "first build"
	root 16
	manifest $T before
	touch slow
	for sig in INT TERM; do
		# a background job starts with SIGINT ignored: undo it
		perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV' \
		    sofa-pipeline --only build -j 2 >out 2>err 3>&- &
		pid=$!
		for _ in $(seq 200); do
			batch_alive && break
			sleep 0.05
		done
		sleep 0.2
		kill -s $sig "$pid"
		fault
		st=0
		wait "$pid" || st=$?
		case $sig in
		INT) assert_equal "$st" 130 ;;
		TERM) assert_equal "$st" 143 ;;
		esac
		grep -q "interrupted by SIG$sig during build" err || fail "$(cat err)"
		run sofa-runs -j -n 1
		assert_equal "$(jq -r '.status + " " + .failed_step' <<<"$output")" \
		    "aborted build"
		# nothing of the build goes on after the pipeline has gone
		sleep 0.5
		! batch_alive || fail "the batch goes on"
		[ ! -e data/derived/stage ] || fail "the stage is left"
		run find data -name '*.tmp*'
		assert_output ""
		kept "$PWD/before" $T $R
	done
	rm slow
	run sofa-pipeline --only build -j 2
	assert_success
	for f in "$R"/*.csv; do
		cmp "$f" "$T/${f##*/}" || fail "${f##*/} differs"
	done
}
