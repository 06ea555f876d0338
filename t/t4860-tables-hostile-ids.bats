#!/usr/bin/env bats
# Tests t46xx-t49xx belong to the table builders (sofa-matches, sofa-teams,
# sofa-players, sofa-incidents, sofa-teamstats).
#
# STYLE.md's hostile set on the id input of every builder: empty input, no
# final newline, CRLF, a NUL byte, invalid UTF-8, an over-long line, a
# malformed record in the middle, index NDJSON lines, >/dev/full,
# | head -n 1, and SIGPIPE ignored by the parent.

setup() {
	load test-lib.sh
	common_setup
	export SOFASCORE_RAW_BASE="$BATS_TEST_TMPDIR/store"
	load tables/store.sh
}

PROGS="sofa-matches sofa-teams sofa-players sofa-incidents sofa-teamstats"

@test "empty input: the header alone, exit 0" {
	for p in $PROGS; do
		run -0 --separate-stderr "$p" </dev/null
		assert_equal "$stderr" ""
		[ "${#lines[@]}" -eq 1 ] || fail "$p: $output"
		run -0 "$p" -j </dev/null
		assert_output ""
	done
}

@test "no final newline, CRLF, blank and index lines are all read" {
	store 4
	for p in $PROGS; do
		printf '1\r\n\n{"event_id":2,"slug":"x"}\r\n  3\t\n4' >ids
		run -0 --separate-stderr "$p" -j <ids
		assert_equal "$stderr" ""
		echo "$output" >out
		for i in 1 2 3 4; do
			grep -q "\"event_id\":$i," out || fail "$p: no match $i"
		done
	done
}

@test "NUL, invalid UTF-8, junk and traversal: named by line, skipped, exit 1" {
	store 3
	for p in $PROGS; do
		printf '1\n2\0\n\377\376\n../../etc\n{"event_id":"2"}\n-1\n3\n' >ids
		run -1 --separate-stderr "$p" -j <ids
		echo "$output" >out
		grep -q '"event_id":1,' out || fail "$p: 1 lost"
		grep -q '"event_id":3,' out || fail "$p: 3 lost"
		! grep -q '"event_id":2,' out || fail "$p: 2 read"
		assert_equal "$stderr" "$p: <stdin>:2: bad id '2?': NUL byte
$p: <stdin>:3: bad id '??': not a positive integer
$p: <stdin>:4: bad id '../../etc': not a positive integer
$p: <stdin>:5: bad id '{\"event_id\":\"2\"}': event_id is not a positive integer
$p: <stdin>:6: bad id '-1': not a positive integer"
	done
}

@test "an over-long line is refused by number and the rest is read" {
	store 2
	{ echo 1; head -c 2000000 /dev/zero | tr '\0' 7; echo; echo 2; } >ids
	for p in $PROGS; do
		run -1 --separate-stderr "$p" -j <ids
		assert_equal "$stderr" "$p: <stdin>:2: line too long"
		assert_equal "${#lines[@]}" "$(grep -c . <<<"$output")"
		grep -q '"event_id":2,' <<<"$output" || fail "$p: 2 lost"
	done
}

@test "operands: a bad one is named, the good ones are read" {
	store 2
	for p in $PROGS; do
		run -1 --separate-stderr "$p" -j 1 x12 2
		assert_equal "$stderr" "$p: bad id 'x12': not a positive integer"
		grep -q '"event_id":2,' <<<"$output" || fail "$p: 2 lost"
	done
}

@test "an id given twice is read once" {
	store 1
	for p in $PROGS; do
		run -0 "$p" -j 1 1 - <<<"1"
		[ "$(grep -c '"event_id":1,' <<<"$output")" -ge 1 ]
		"$p" -j 1 >once
		"$p" -j 1 1 >twice
		cmp once twice || fail "$p: a repeated id wrote twice"
	done
}

@test ">/dev/full: write error, exit 1" {
	store 2
	for p in $PROGS; do
		run bash -c '"$1" 1 2 >/dev/full' _ "$p"
		assert_equal "$status" 1
		assert_output --partial "$p: write error"
	done
}

@test "| head -n 1, also with SIGPIPE ignored by the parent: quiet" {
	store 1500
	seq 1500 >ids
	for p in $PROGS; do
		run bash -c 'set -o pipefail; "$1" <ids 2>err | head -n 1' _ "$p"
		assert_output --partial "event_id"
		[ "$status" -eq 0 ] || [ "$status" -eq 141 ] ||
			fail "$p: status $status"
		[ ! -s err ] || fail "$p: $(cat err)"
		run bash -c 'trap "" PIPE; "$1" <ids 2>err | head -n 1 >/dev/null;
		    echo "${PIPESTATUS[0]}"' _ "$p"
		[ "$output" -eq 141 ] || [ "$output" -eq 0 ] ||
			fail "$p: status $output"
		[ ! -s err ] || fail "$p: $(cat err)"
	done
}
