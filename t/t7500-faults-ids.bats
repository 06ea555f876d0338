#!/usr/bin/env bats
# Hostile ids and lines, one input through every id reader (sofa-fetch and
# each transform): path traversal, negative, zero, non-numeric, huge,
# signed, hex, exponent, fractional, duplicates, a BOM, CRLF, blanks, NUL
# bytes, invalid UTF-8, an over-long line, a truncated last line.  Each
# bad line is named by its number and skipped, the good ids are read once
# each, the status is 1, nothing is asked or written outside the store.
# (t2003 and t4860 cover the simpler cases one program at a time.)
# shellcheck disable=SC2154 # output, stderr, status: set by run

setup() {
	load fetch-lib.sh
	fetch_setup
	load faults-lib.sh
	mkdir -p store/event
	for i in 1 2 3; do
		jq -c ".event.id = $i" "$FIXTURES/store/event/11080977.json" \
		    >store/event/$i.json
	done
	# line: what it is (good: 1, 6, 17, 18, 19, 22, 23 give ids 1 2 3)
	{
		printf '\357\273\2771\n'		# 1 BOM, then 1
		printf '../../etc/passwd\n'		# 2
		printf '2/../3\n'			# 3
		printf -- '-2\n'			# 4
		printf '0\n'				# 5
		printf ' 2 \r\n'			# 6 blanks, CRLF: 2
		printf '99999999999999999999\n'		# 7
		printf '9223372036854775807\n'		# 8
		printf '+2\n'				# 9
		printf '0x2\n'				# 10
		printf '2e0\n'				# 11
		printf '2.0\n'				# 12
		printf '{"event_id":"../1"}\n'		# 13
		printf '{"event_id":-1}\n'		# 14
		printf '{"event_id":1e400}\n'		# 15
		printf '{"event_id":2.5}\n'		# 16
		printf '2\n'				# 17 duplicate
		printf '2\n'				# 18 duplicate
		printf '{"event_id":3}\r\n'		# 19
		printf '3\0\n'				# 20 NUL
		printf '\377\3763\n'			# 21 invalid UTF-8
		printf '\n'				# 22 blank
		printf '1\n'				# 23 duplicate
		head -c 1100000 /dev/zero | tr '\0' 7	# 24 over-long
		printf '\n'
		printf '{"event_id":3'			# 25 truncated, no newline
	} >ids
	BAD='2 3 4 5 7 8 9 10 11 12 13 14 15 16 20 21 24 25'
	GOOD='1 6 17 18 19 22 23'
}

teardown() {
	fetch_teardown
}

teardown_file() {
	load faults-lib.sh
	faults_report
}

# named: every bad line is named by its number on stderr, no good one is
named() {
	local n
	for n in $BAD; do
		[[ "$stderr" == *"<stdin>:$n: "* ]] || fail "line $n not named: $stderr"
	done
	for n in $GOOD; do
		[[ "$stderr" != *"<stdin>:$n: "* ]] || fail "line $n refused: $stderr"
	done
}

@test "sofa-fetch: the bad lines named, 1 2 3 asked once each, nothing outside the store" {
	serve store
	touch marker
	# sofa-fetch refuses an empty line too (sofa-fetch.1)
	BAD="$BAD 22" GOOD='1 6 17 18 19 23'
	run --separate-stderr sofa-fetch -q --endpoints event <ids
	fault 19
	assert_failure 1
	named
	fakesofa_wait_log 3
	assert_equal "$(fakesofa_jq -r .path | sort | tr '\n' ' ')" \
	    "event/1 event/2 event/3 "
	assert_equal "$(jq -r .path <<<"$output" | sort | tr '\n' ' ')" \
	    "event/1 event/2 event/3 "
	# written: the three bodies and their metas, and the fetch log
	run find . -newer marker -type f ! -path './fakesofa.*' ! -name 'separate-stderr-*'
	assert_equal "$(sort <<<"$output" | tr '\n' ' ')" \
	    "./data/index/fetch_log.ndjson ./data/raw/event/1.json ./data/raw/event/1.meta ./data/raw/event/2.json ./data/raw/event/2.meta ./data/raw/event/3.json ./data/raw/event/3.meta "
	# and as operands
	run --separate-stderr sofa-fetch -q --endpoints event -- ../1 -1 1x 2
	fault 3
	assert_failure 1
	[[ "$stderr" == *"bad id '../1'"*"bad id '-1'"*"bad id '1x'"* ]] || fail "$stderr"
	assert_equal "$(jq -r .path <<<"$output")" "event/2"
}

@test "every transform: the bad lines named, 1 2 3 read once each, exit 1, never a crash" {
	for p in sofa-matches sofa-lineups 'sofa-lineups --stats' \
	    'sofa-lineups --missing' sofa-appearances sofa-incidents \
	    sofa-teamstats sofa-teams sofa-players; do
		# shellcheck disable=SC2086
		run --separate-stderr $p -j --raw-base store <ids
		fault 18
		[ "$status" -eq 1 ] || fail "$p: exit $status: $stderr"
		named
		# rows only of 1 2 3
		bad=$(jq -r 'select(has("event_id")) | .event_id' <<<"$output" |
		    grep -vx '[123]') && fail "$p: rows of $bad"
		case $p in
		sofa-matches)
			assert_equal "$(jq -r .event_id <<<"$output" | tr '\n' ' ')" "1 2 3 " ;;
		esac
	done
}
