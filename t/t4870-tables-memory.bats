#!/usr/bin/env bats
# Tests t46xx-t49xx belong to the table builders (sofa-matches, sofa-teams,
# sofa-players, sofa-incidents, sofa-teamstats).
#
# Streaming: the peak RSS of each builder over 1,500 matches is within
# 1.5 times its peak over 100 (teams and players keep an id map, which
# grows with distinct ids: 2 teams and 2 players a match here, so it is
# part of what is measured).  Skipped under the sanitizers.

setup() {
	load test-lib.sh
	common_setup
	export SOFASCORE_RAW_BASE="$BATS_TEST_TMPDIR/store"
	load tables/store.sh
}

# Peak RSS in KiB of one run over ids 1..n.
peak() {
	seq "$2" >ids
	/usr/bin/time -f %M -o rss "$1" <ids >/dev/null
	cat rss
}

@test "peak RSS over 1,500 matches is within 1.5x of 100 matches" {
	sanitized && skip "RSS is not meaningful under ASan"
	store 1500
	for p in sofa-matches sofa-teams sofa-players sofa-incidents \
	    sofa-teamstats; do
		small=$(peak "$p" 100)
		big=$(peak "$p" 1500)
		echo "$p: $small KiB over 100, $big KiB over 1500" >&3
		[ $((big * 2)) -le $((small * 3)) ] ||
			fail "$p: $big KiB over 1500 vs $small KiB over 100"
	done
}
