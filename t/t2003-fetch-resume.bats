#!/usr/bin/env bats
# Resume and refresh: kill -9 at random moments never leaves a broken
# body and the next run completes the set; SIGINT and SIGTERM stop
# cleanly; what is asked again, and why, follows the match's state and the
# clock (SOFA_NOW); hostile id input; a reader that goes away.

setup() {
	load fetch-lib.sh
	fetch_setup
}

teardown() {
	fetch_teardown
}

# Every .json of the raw store equals the served one, every .meta is a
# meta; prints how many bodies there are.  (Few processes: it runs often.)
store_sound() {
	local n
	[ -d data/raw ] || { echo 0; return; }
	(cd data/raw && find . -name '*.json' -print0 | xargs -0 -r sha256sum) \
	    >"$BATS_TEST_TMPDIR/sums"
	(cd store && sha256sum --quiet -c "$BATS_TEST_TMPDIR/sums") ||
	    fail "a stored body is not the served one"
	n=$(find data/raw -name '*.meta' | wc -l)
	if [ "$n" -gt 0 ]; then
		[ "$(find data/raw -name '*.meta' -print0 |
		    xargs -0 jq -r .path | grep -c .)" -eq "$n" ] ||
		    fail "a .meta is not a meta"
	fi
	wc -l <"$BATS_TEST_TMPDIR/sums"
}

@test "kill -9 at random moments of a 200-match fetch, then a rerun completes" {
	genstore store 200 1000001
	seq 1000001 1000200 >ids
	# 800 requests, 8 at a time, 20 ms each: about two seconds a run
	serve store - --latency 20
	export SOFASCORE_CONCURRENCY=8
	partial=0
	for k in 1 2 3 4 5; do
		sofa-fetch -q <ids >out.$k 2>err.$k &
		pid=$!
		sleep "0.$((RANDOM % 6 + 1))"
		kill -9 "$pid" 2>/dev/null || :
		wait "$pid" || :
		n=$(store_sound)
		echo "# kill $k: $n bodies" >&3
		[ "$n" -eq 800 ] || partial=$((partial + 1))
	done
	# most kills came mid-run (the test means something)
	[ "$partial" -ge 3 ] || fail "only $partial kills came before the end"
	run --separate-stderr sofa-fetch -q <ids
	assert_success
	[[ "$stderr" == *"200 matches: 200 complete, 0 incomplete"* ]]
	assert_equal "$(store_sound)" 800
	# no half file anywhere; stray temp files are only ".NAME.tmp.*"
	run find data/raw -name '*.json' -size 0
	assert_output ""
	# and a last run asks nothing
	before=$(wc -l <"$FAKESOFA_LOG")
	run --separate-stderr sofa-fetch <ids
	assert_success
	assert_equal "$(jq -s 'map(select(.outcome != "skipped")) | length' <<<"$output")" 0
	sleep 0.2
	assert_equal "$(wc -l <"$FAKESOFA_LOG")" "$before"
}

@test "SIGINT and SIGTERM stop cleanly: interrupted, no temp file, work kept" {
	genstore store 100 1000001
	seq 1000001 1000100 >ids
	serve store - --latency 40
	for sig in INT TERM; do
		rm -rf data
		# a shell starts background jobs with SIGINT ignored: undo it
		perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV' sofa-fetch <ids \
		    >out 2>err &
		pid=$!
		sleep 0.6
		kill -s $sig "$pid"
		st=0
		wait "$pid" || st=$?
		case $sig in
		INT) [ "$st" -eq 130 ] || fail "SIGINT: status $st" ;;
		TERM) [ "$st" -eq 143 ] || fail "SIGTERM: status $st" ;;
		esac
		grep -q 'interrupted' err || fail "$(cat err)"
		run find data -name '.*.tmp.*'
		assert_output ""
		n=$(store_sound)
		[ "$n" -gt 0 ] && [ "$n" -lt 400 ] || fail "$n bodies"
		# the log of the partial run is kept, and says what was done
		cmp out data/index/fetch_log.ndjson
		[ "$(jq -s 'map(select(.outcome == "ok")) | length' out)" -eq "$n" ]
	done
	run --separate-stderr sofa-fetch -q <ids
	assert_success
	[[ "$stderr" == *"100 matches: 100 complete"* ]]
	[[ "$stderr" == *"ok $((400 - n)), "* ]]
}

# A store of three matches around T0 (hand-written event bodies).
T0=1723834800	# 2024-08-16T19:00:00Z
small_store() {
	mkdir -p store/event/1 store/event/2 store/event/3
	ev() {
		printf '{"event":{"id":%s,"startTimestamp":%s,"status":{"code":%s,"type":"%s"},"homeTeam":{"id":1,"name":"A"},"awayTeam":{"id":2,"name":"B"},"homeScore":{},"awayScore":{},"tournament":{"id":1,"name":"T"}%s}}' "$@"
	}
	ev 1 $T0 6 inprogress '' >store/event/1.json
	ev 2 $((T0 - 864000)) 100 finished '' >store/event/2.json
	ev 3 $((T0 + 86400)) 0 notstarted '' >store/event/3.json
	for i in 1 2; do
		cp "$FIXTURES/store/event/11080977/lineups.json" \
		    store/event/$i/lineups.json
	done
}

# plan NOW: run sofa-fetch at NOW; "path outcome reason" lines in $output
at() {
	SOFA_NOW=$1 run --separate-stderr sofa-fetch -q --endpoints 'event lineups' 1 2 3
	output=$(jq -r '"\(.path) \(.outcome) \(.reason)"' <<<"$output" | sort)
	mapfile -t lines <<<"$output"
}

@test "what is asked again follows the match's state and the clock" {
	small_store
	serve store
	at $((T0 + 3600))
	assert_output "event/1 ok missing
event/1/lineups ok missing
event/2 ok missing
event/2/lineups ok missing
event/3 ok missing
event/3/lineups absent missing"
	at $((T0 + 7200))
	assert_output "event/1 not_modified not finished
event/1/lineups not_modified not finished
event/2 skipped complete
event/2/lineups skipped complete
event/3 not_modified not finished
event/3/lineups skipped absent, recheck later"
	at $((T0 + 8 * 3600))
	assert_line "event/3/lineups absent absent recheck"
	# match 1 ends (its record changes on the server)
	sed 's/"code":6,"type":"inprogress"/"code":100,"type":"finished"/; s/}}$/,"changes":{"changeTimestamp":'$((T0 + 6000))'}}}/' \
	    store/event/1.json >new && mv new store/event/1.json
	touch -d "@$((T0 + 9 * 3600))" store/event/1.json
	at $((T0 + 9 * 3600))
	assert_line "event/1 ok not finished"
	assert_line "event/1/lineups not_modified not finished"
	cmp store/event/1.json data/raw/event/1.json
	at $((T0 + 10 * 3600))
	assert_line "event/1 not_modified refresh window"
	assert_line "event/1/lineups not_modified refresh window"
	at $((T0 + 100 * 3600))
	assert_line "event/1 skipped complete"
	assert_line "event/1/lineups skipped complete"
	# --refresh asks everything stored again; --force downloads it
	SOFA_NOW=$((T0 + 100 * 3600)) run --separate-stderr sofa-fetch -q \
	    --refresh --endpoints event 2
	assert_equal "$(jq -r '"\(.outcome) \(.reason)"' <<<"$output")" "not_modified --refresh"
	SOFA_NOW=$((T0 + 100 * 3600)) run --separate-stderr sofa-fetch -q \
	    --force --endpoints event 2
	assert_equal "$(jq -r '"\(.outcome) \(.reason)"' <<<"$output")" "ok --force"
	run jq -r 'select(.path == "event/2") | .if_none_match' "$FAKESOFA_LOG"
	assert_equal "$(echo "$output" | tail -n 1)" null
}

@test "an index line tells the match's state when no event is stored" {
	small_store
	serve store
	sofa-fetch -q --endpoints lineups 2 >/dev/null
	printf '{"event_id":2,"status_type":"finished","start_utc":"2024-08-06T19:00:00Z"}\n' >index
	SOFA_NOW=$((T0 + 3600)) run --separate-stderr sofa-fetch -q \
	    --endpoints lineups <index
	assert_equal "$(jq -r '"\(.outcome) \(.reason)"' <<<"$output")" "skipped complete"
	SOFA_NOW=$((T0 + 3600)) run --separate-stderr sofa-fetch -q \
	    --endpoints lineups 2
	assert_equal "$(jq -r '"\(.outcome) \(.reason)"' <<<"$output")" "not_modified status unknown"
}

@test "hostile id input: empty, CRLF, no final newline, NUL, long line, bad UTF-8" {
	small_store
	serve store
	run --separate-stderr sofa-fetch -q </dev/null
	assert_success
	assert_output ""
	printf '1\r\n{"event_id":2}\r\n3' >ids
	run --separate-stderr sofa-fetch -q --endpoints event <ids
	assert_success
	assert_equal "$(jq -r .path <<<"$output" | sort | tr '\n' ' ')" "event/1 event/2 event/3 "
	{ printf '1\n2\0\n'; head -c 2000000 /dev/zero | tr '\0' 7; printf '\n\xff\xfe\n3\n'; } >ids
	run --separate-stderr sofa-fetch -q --endpoints event <ids
	assert_failure 1
	[[ "$stderr" == *"<stdin>:2: bad id"*"NUL"* ]]
	[[ "$stderr" == *"<stdin>:3: line too long"* ]]
	[[ "$stderr" == *"<stdin>:4: bad id"* ]]
	[ "$(jq -s length <<<"$output")" -eq 2 ]
}

@test "a reader that goes away ends the run quietly; the store stays whole" {
	genstore store 50 1000001
	seq 1000001 1000050 >ids
	serve store
	run bash -c 'sofa-fetch -q -u <ids | head -n 1 >/dev/null; echo "${PIPESTATUS[0]}"'
	[[ "$output" == 141 || "$output" == 0 ]] || fail "$output"
	store_sound >/dev/null
	# the parent ignored SIGPIPE: sofa-fetch puts it back, and still
	# ends quietly when its reader goes
	run bash -c 'trap "" PIPE; sofa-fetch -q -u --force <ids | head -n 1 >/dev/null; echo "${PIPESTATUS[0]}"'
	assert_output 141
	store_sound >/dev/null
}
