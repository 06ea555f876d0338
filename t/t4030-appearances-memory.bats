#!/usr/bin/env bats
# Memory stays flat whatever the number of matches: the peak RSS of
# sofa-appearances and sofa-lineups over 10,000 generated matches is at
# most 1.5 times their peak over 100 (the first 100 of the same store:
# sofa-gen's match i depends only on the seed and i).  Measured with
# /usr/bin/time -f %M (Debian's time); not under the sanitizers, whose
# shadow memory and quarantine say nothing about ours.

setup_file() {
	load test-lib.sh
	sanitized && return 0
	"$SOFA_BUILD/t/helper/sofa-gen" -s 5 -n 10000 \
	    -o "$BATS_FILE_TMPDIR/store" -i "$BATS_FILE_TMPDIR/index"
	head -n 100 "$BATS_FILE_TMPDIR/index" > "$BATS_FILE_TMPDIR/index100"
}

setup() {
	load test-lib.sh
	common_setup
	sanitized && skip "RSS is not ours under the sanitizers"
	[ -x /usr/bin/time ] || skip "no /usr/bin/time (Debian package time)"
	S=$BATS_FILE_TMPDIR
}

# peak RSS in KiB of PROGRAM ARGS < INPUT, the output checked
peak() {
	local in=$1 out=$2
	shift 2
	/usr/bin/time -o rss -f %M "$@" -q --raw-base "$S/store" < "$in" \
	    > "$out" || fail "$*: status $?"
	cat rss
}

flat() {
	small=$(peak "$S/index100" small.csv "$@")
	big=$(peak "$S/index" big.csv "$@")
	rows_small=$(wc -l < small.csv)
	rows_big=$(wc -l < big.csv)
	echo "# $*: 100 matches $small KiB ($rows_small rows)," \
	    "10,000 matches $big KiB ($rows_big rows)" >&3
	[ "$rows_big" -gt $((rows_small * 90)) ] || fail "too few rows"
	[ $((big * 2)) -le $((small * 3)) ] ||
	    fail "$*: $big KiB over 10,000 > 1.5 x $small KiB over 100"
}

@test "sofa-appearances: peak RSS over 10,000 matches <= 1.5 x over 100" {
	flat sofa-appearances
}

@test "sofa-lineups: peak RSS over 10,000 matches <= 1.5 x over 100" {
	flat sofa-lineups
}

@test "sofa-lineups --stats: peak RSS over 10,000 matches <= 1.5 x over 100" {
	flat sofa-lineups --stats
}
