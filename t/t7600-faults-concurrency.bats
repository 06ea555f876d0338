#!/usr/bin/env bats
# Concurrency: two sofa-fetch over one store at once (sofa-fetch.1 "Two
# runs at once": no lock, every file replaced whole, the last writer's;
# a mixed body/.meta pair is healed by the next request), and two
# pipelines at once (the second exits 5, doing nothing) beside a stale
# lock.  (t6030 has two sofa-cron at once and a stale lock under cron;
# t6000 has concurrent ledger writers.)
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

# served_equal N: every body in data/raw is the served one; N of them
served_equal() {
	(cd data/raw && find . -name '*.json' -print0 | xargs -0 sha256sum) >sums
	(cd store && sha256sum --quiet -c ../sums) || fail "a body differs"
	assert_equal "$(wc -l <sums)" "$1"
}

# mixed: the bodies whose .meta names another sha256 (two processes)
mixed() {
	find data/raw -name '*.meta' -print0 | sort -z |
	    xargs -0 jq -r '"\(.sha256)  \(input_filename | sub("\\.meta$"; ".json"))"' \
	    >metasums
	sha256sum --quiet -c metasums 2>/dev/null | sed 's/: FAILED.*//' || :
}

@test "two sofa-fetch over one store at once: every file always whole, both succeed, the store then as served" {
	genstore store 8 1000001
	seq 1000001 1000008 >ids
	serve store
	sofa-fetch -q <ids >/dev/null 2>&1 || fail "the first fetch"
	fakesofa_stop
	manifest data/raw before '*.json'
	# the upstream changes everything, slowly
	perl -0 -pi -e 's/\}\s*\z/,"zzChanged":true}/' \
	    store/event/*.json store/event/*/*.json
	printf '** pass trickle=2048/20 ; stick\n' >scenario
	serve store scenario
	sofa-fetch -q --refresh <ids >out.1 2>err.1 3>&- &
	a=$!
	tac ids | sofa-fetch -q --refresh >out.2 2>err.2 3>&- &
	b=$!
	fault 2
	# while both write: every body whole (JSON, the old or the new)
	checks=0
	while kill -0 $a 2>/dev/null || kill -0 $b 2>/dev/null; do
		kept "$PWD/before" data/raw store
		checks=$((checks + 1))
		sleep 0.1
	done
	wait $a || fail "the first run: $(cat err.1)"
	wait $b || fail "the second run: $(cat err.2)"
	echo "# $checks checks while both ran" >&3
	[ "$checks" -ge 2 ] || fail "the runs did not overlap"
	served_equal 32
	no_temp data
	# the pairs: each .meta's sha256 is its body's
	mixed >mixed.txt
	echo "# $(wc -l <mixed.txt) mixed pairs" >&3
	# a next run heals any mixed pair and leaves the store as served
	run --separate-stderr sofa-fetch -q --refresh <ids
	assert_success
	served_equal 32
	mixed >mixed.txt
	assert_equal "$(cat mixed.txt)" ""
}

@test "two pipelines at once: the second exits 5 and writes nothing; a stale lock blocks none" {
	load pipeline-lib.sh
	sandbox
	doubles
	upstream 1 '{"event":{"id":1}}'
	index 1
	touch "$SB/slow.fetch"
	sofa-pipeline >run1.out 2>&1 3>&- &
	p=$!
	for _ in $(seq 100); do
		grep -q 'fetch:' run1.out && break
		sleep 0.05
	done
	manifest data before
	run sofa-pipeline
	fault
	assert_equal "$status" 5
	assert_output --partial "another run holds"
	kept "$PWD/before" data
	rm "$SB/slow.fetch"
	wait $p || fail "the first run: $(cat run1.out)"
	# a lock file left by a process that is gone holds nothing
	eval "$(sofa-config --shell)"
	sh -c 'exec 9>>"$1"; flock -n 9; kill -9 $$' sh "$SOFASCORE_LOCK_PATH" || :
	fault
	run sofa-pipeline
	assert_success
}
