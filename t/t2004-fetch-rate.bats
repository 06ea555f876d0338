#!/usr/bin/env bats
# Politeness seen from the server: the request log of fakesofa shows no
# more requests in flight than `concurrency`, and starts spaced to an
# average of `rate` per second (jittered).  Timing bounds are skipped
# under the sanitizers, the in-flight cap is not.

setup() {
	load fetch-lib.sh
	fetch_setup
	genstore store 110 1000001
	seq 1000001 1000110 >ids
}

teardown() {
	fetch_teardown
}

# Most requests in flight at once in the log (an end before a start at
# the same millisecond).
in_flight() {
	jq -s '[.[] | [.t_recv, 1], [.t_done, -1]] | sort_by(.[0], .[1]) |
	    reduce .[] as $e ({n: 0, max: 0};
	        .n += $e[1] | .max = ([.max, .n] | max)) | .max' "$FAKESOFA_LOG"
}

@test "concurrency 8 and rate 20/s: at most 8 in flight, 20/s on average" {
	serve store - --latency 200
	run --separate-stderr sofa-fetch -q --endpoints event \
	    --concurrency 8 --rate 20 <ids
	assert_success
	fakesofa_wait_log 110
	n=$(in_flight)
	[ "$n" -le 8 ] || fail "$n requests in flight"
	[ "$n" -ge 3 ] || fail "only $n in flight: requests did not overlap"
	sanitized && skip "timing under the sanitizers"
	rate=$(jq -s 'map(.t_recv) | sort | (length - 1) / (.[-1] - .[0])' \
	    "$FAKESOFA_LOG")
	echo "# $rate requests/s, $n in flight at most" >&3
	holds "$rate >= 18 && $rate <= 22" ||
	    fail "$rate requests per second"
}

@test "without a rate limit, concurrency alone caps what is in flight" {
	serve store - --latency 1000
	head -n 40 ids >ids40
	run --separate-stderr sofa-fetch -q --endpoints event \
	    --concurrency 8 --rate 0 <ids40
	assert_success
	fakesofa_wait_log 40
	assert_equal "$(in_flight)" 8
}
