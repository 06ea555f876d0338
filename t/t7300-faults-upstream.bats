#!/usr/bin/env bats
# Upstream faults (t/helper/fakesofa scenarios) against a store that holds
# good bodies already, where t2001 and t2002 start from an empty one:
# 429 storms, 5xx bursts, a 403 challenge, slow trickles, bodies cut short
# in every framing, error objects with status 200, odd Retry-After values,
# a redirect to another server.  What was good stays (a checksum manifest);
# what the run could get is whole; the exit status says what happened.
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

# fetched N SCENARIO: a good store of N matches; then the upstream changes
# every body and misbehaves as SCENARIO says (fakesofa restarted on it)
fetched() {
	genstore store "$1" 1000001
	seq 1000001 $((1000000 + $1)) >ids
	serve store
	sofa-fetch -q <ids >/dev/null 2>&1 || fail "the first fetch"
	fakesofa_stop
	perl -0 -pi -e 's/\}\s*\z/,"zzChanged":true}/' \
	    store/event/*.json store/event/*/*.json
	manifest data/raw before '*.json'
	printf '%s\n' "$2" >scenario
	serve store scenario
}

# whole: every body of the store is the good old one or the served new
# one, and n of them are new
whole() {
	kept "$PWD/before" data/raw store
	no_temp data
	(cd data/raw && find . -name '*.json' -print0 | xargs -0 sha256sum) \
	    >sums
	(cd store && sha256sum -c ../sums 2>/dev/null | grep -c ': OK$') || :
}

# again SCENARIO: the upstream changes every body once more and now
# misbehaves as SCENARIO says; the manifest is taken anew
again() {
	fakesofa_stop
	perl -0 -pi -e 's/\}\s*\z/,"zzAgain":true}/' \
	    store/event/*.json store/event/*/*.json
	manifest data/raw before '*.json'
	printf '%s\n' "$1" >scenario
	serve store scenario
}

@test "a 429 storm on every path with Retry-After: 1: each waits, then all complete" {
	fetched 5 '** 429 retry-after=1 x2 ; pass'
	t0=$(date +%s.%N)
	run --separate-stderr sofa-fetch -q --refresh <ids
	t1=$(date +%s.%N)
	assert_success
	echo "# $(faults_served) faults served" >&3
	assert_equal "$(whole)" 20
	holds "$t1 - $t0 >= 2" || fail "did not wait: $t0 $t1"
	# no path asked again less than a second after its 429
	fakesofa_jq -r '[.path, .t_recv] | @tsv' |
	    awk -F'\t' '$1 in t && $2 - t[$1] < 0.95 { print; bad = 1 }
		{ t[$1] = $2 } END { exit bad }' || fail "a Retry-After was not honoured"
}

@test "a 429 storm that never ends: throttled, the breaker stops the run (exit 4), the good bodies stay" {
	fetched 8 '** 429 retry-after=0 ; stick'
	SOFASCORE_RETRIES=1 run --separate-stderr sofa-fetch -q --refresh <ids
	assert_failure 4
	faults_served >/dev/null
	[[ "$stderr" == *"throttling (HTTP 429)"* ]] || fail "$stderr"
	assert_equal "$(whole)" 0
	[ "$(jq -s 'map(select(.outcome == "throttled")) | length' <<<"$output")" -ge 6 ]
}

@test "a 403 challenge on every path: blocked at once, exit 4, the advice, nothing rewritten" {
	fetched 8 '** challenge ; stick'
	# (each refusal holds the next request back, up to backoff_max)
	SOFASCORE_BACKOFF_MAX=0.2 run --separate-stderr sofa-fetch -q --refresh <ids
	assert_failure 4
	faults_served >/dev/null
	[[ "$stderr" == *"refused the requests (HTTP 403)"* ]] || fail "$stderr"
	[[ "$stderr" == *"--rate 0.5"* ]] || fail "$stderr"
	assert_equal "$(whole)" 0
	# never retried
	assert_equal "$(fakesofa_jq -r .path | sort | uniq -d)" ""
}

@test "5xx bursts (500, 502, 503, 504) on every path: retried, then all complete" {
	fetched 4 '** 500 ; 502 ; 503 ; 504 ; pass'
	run --separate-stderr sofa-fetch -q --refresh <ids
	assert_success
	faults_served >/dev/null
	assert_equal "$(whole)" 16
	assert_equal "$(jq -s 'map(.attempts) | unique' <<<"$output")" "[
  5
]"
}

@test "slow trickles (256 bytes each 5 ms, chunked or not) complete, byte for byte" {
	fetched 2 'event/*/lineups pass trickle=256/5 ; pass trickle=512/5 chunked
** pass trickle=1024/5'
	run --separate-stderr sofa-fetch -q --force <ids
	assert_success
	fault 8
	assert_equal "$(whole)" 8
}

@test "bodies cut short in every framing (length, chunked, to the close) are retried, never stored" {
	fetched 3 '** truncate=500 ; chunked truncate=500 ; no-length truncate=500 ; no-length close truncate=0 ; pass'
	SOFASCORE_RETRIES=4 run --separate-stderr sofa-fetch -q --refresh <ids
	assert_success
	faults_served >/dev/null
	assert_equal "$(whole)" 12
	# and when every try is cut: failed or invalid, the good body kept
	again '** no-length truncate=700 ; stick'
	SOFASCORE_RETRIES=1 run --separate-stderr sofa-fetch -q --refresh <ids
	assert_failure 1
	faults_served >/dev/null
	assert_equal "$(whole)" 0
	assert_equal "$(jq -r .outcome <<<"$output" | sort -u)" invalid
}

@test "error objects with status 200, a Retry-After in the past or unreadable: retried, then complete" {
	fetched 3 '** error-json=500 ; 429 retry-after=abc ; 503 retry-after-date=-3600 ; error-json=429 ; pass'
	t0=$(date +%s.%N)
	run --separate-stderr sofa-fetch -q --refresh <ids
	t1=$(date +%s.%N)
	assert_success
	faults_served >/dev/null
	assert_equal "$(whole)" 12
	# neither "abc" nor a date an hour ago made anything wait long
	holds "$t1 - $t0 < 30" || fail "waited $t0 .. $t1"
	# an HTML page and invalid JSON with status 200: never stored
	again '** html ; stick'
	SOFASCORE_RETRIES=1 run --separate-stderr sofa-fetch -q --refresh <ids
	assert_failure
	faults_served >/dev/null
	assert_equal "$(whole)" 0
	again '** invalid-json ; stick'
	SOFASCORE_RETRIES=1 run --separate-stderr sofa-fetch -q --refresh <ids
	assert_failure
	faults_served >/dev/null
	assert_equal "$(whole)" 0
}

@test "a redirect to another server (same address, other port) is not followed, nothing stored from it" {
	# the other server serves bodies that must never enter the store
	mkdir -p evil/event
	genstore evil 2 1000001
	perl -0 -pi -e 's/\}\s*\z/,"zzEvil":true}/' evil/event/*.json evil/event/*/*.json
	fakesofa_start evil
	EVIL=$FAKESOFA_URL
	fetched 2 "** redirect=$EVIL/event/1000001 ; stick"
	run --separate-stderr sofa-fetch -q --refresh <ids
	assert_failure 1
	faults_served >/dev/null
	[[ "$(jq -r .error <<<"$output" | sort -u)" == *"another host, not followed"* ]] ||
	    fail "$output"
	assert_equal "$(whole)" 0
	run grep -rl zzEvil data
	assert_failure
}
