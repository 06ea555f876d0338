#!/usr/bin/env bats
# fakesofa under load and abuse: concurrent and stalled clients, keep-alive
# and pipelining, clients that vanish, connection limits, clean shutdown.

bats_require_minimum_version 1.5.0

setup() { load test-lib.sh; common_setup; mkstore; }
teardown() { fakesofa_stop; }

mkstore() {
	mkdir -p store/event/1
	printf '{"event":{"id":1}}' >store/event/1.json
	printf '{"event":{"id":2}}' >store/event/2.json
	{ printf '{"pad":"'; printf '%2990s' '' | tr ' ' z; printf '"}'; } \
	    >store/event/1/lineups.json
}

now() {
	date +%s.%N
}

since() {
	awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f\n", b - a }'
}

between() {
	awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }' ||
	    fail "$1 is not within [$2, $3]"
}

# The most requests in flight at once, from the t_recv/t_done of the log.
max_in_flight() {
	jq -s '[.[] | [.t_recv, 1], [.t_done, -1]] | sort |
	    reduce .[] as $e ({n: 0, max: 0};
	        .n += $e[1] | .max = ([.max, .n] | max)) | .max' "$FAKESOFA_LOG"
}

# Threads of the server process.
threads() {
	ls "/proc/$FAKESOFA_PID/task" | wc -l
}

@test "fakesofa: 8 clients at once on a delayed path take one delay, not 8" {
	# 2 s: long enough for 8 curls to start even on a loaded machine
	printf 'event/1  delay=2000 ; repeat\n' >scenario
	fakesofa_start store scenario
	pids=
	t0=$(now)
	for n in 1 2 3 4 5 6 7 8; do
		curl -sS -o "out.$n" "$FAKESOFA_URL/event/1" 3>&- &
		pids="$pids $!"
	done
	for p in $pids; do
		wait "$p"
	done
	el=$(since "$t0")
	between "$el" 2 8
	for n in 1 2 3 4 5 6 7 8; do
		cmp "out.$n" store/event/1.json
	done
	fakesofa_wait_log 8
	run -0 jq -s -c '[(map(.conn) | unique | length),
	    (max_by(.t_recv).t_recv < min_by(.t_done).t_done)]' "$FAKESOFA_LOG"
	assert_output '[8,true]'
	run -0 max_in_flight
	assert_output 8
}

@test "fakesofa: a stalled connection does not hold up the others" {
	printf 'event/1  stall ; repeat\n' >scenario
	fakesofa_start store scenario
	pids=
	for n in 1 2 3 4; do
		curl -sS -m 20 -o /dev/null "$FAKESOFA_URL/event/1" 2>/dev/null 3>&- &
		pids="$pids $!"
	done
	# all four are stalled (each thread reads its request first)
	sleep 0.5
	t0=$(now)
	run -0 curl -sS -o out "$FAKESOFA_URL/event/1/lineups"
	cmp out store/event/1/lineups.json
	el=$(since "$t0")
	between "$el" 0 3
	fakesofa_wait_log 1
	run -0 fakesofa_jq '[.path, .outcome]'
	assert_output '["event/1/lineups","complete"]'
	for p in $pids; do
		kill "$p"
	done
	for p in $pids; do
		wait "$p" || :
	done
	fakesofa_wait_log 5
	run -0 jq -s -c 'map(select(.path == "event/1") | .outcome)' "$FAKESOFA_LOG"
	assert_output '["stalled","stalled","stalled","stalled"]'
}

@test "fakesofa: keep-alive: two URLs in one curl share one connection" {
	fakesofa_start store
	run -0 curl -sS -o a -o b -w '%{num_connects}\n' \
	    "$FAKESOFA_URL/event/1" "$FAKESOFA_URL/event/2"
	assert_output $'1\n0'
	cmp a store/event/1.json
	cmp b store/event/2.json
	fakesofa_wait_log 2
	run -0 fakesofa_jq '[.conn, .conn_req, .path]'
	assert_output $'[1,1,"event/1"]\n[1,2,"event/2"]'
	# HTTP/1.0 closes after each response unless asked to keep alive
	run -0 curl -sS -0 -o c -o d -w '%{num_connects}\n' \
	    "$FAKESOFA_URL/event/1" "$FAKESOFA_URL/event/2"
	assert_output $'1\n1'
	fakesofa_wait_log 4
	run -0 jq -s -c 'sort_by(.seq) | map(.conn)' "$FAKESOFA_LOG"
	assert_output '[1,1,2,3]'
}

@test "fakesofa: pipelined requests are answered in order on one connection" {
	fakesofa_start store
	printf 'GET /api/v1/event/2 HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/event/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >req
	exec 5<>"/dev/tcp/127.0.0.1/$FAKESOFA_PORT"
	cat req >&5
	timeout 5 cat <&5 >raw.out
	exec 5<&-
	# the second response follows the first body directly
	run -0 grep -o 'HTTP/1.1 200 OK' raw.out
	assert_equal "${#lines[@]}" 2
	run -0 grep -o '{"event":{"id":[0-9]}}' raw.out
	assert_output $'{"event":{"id":2}}\n{"event":{"id":1}}'
	fakesofa_wait_log 2
	run -0 fakesofa_jq '[.conn, .conn_req, .path]'
	assert_output $'[1,1,"event/2"]\n[1,2,"event/1"]'
}

@test "fakesofa: a client that goes away mid-response does not hurt the server" {
	printf 'event/1/lineups  trickle=100/100 ; repeat\n' >scenario
	fakesofa_start store scenario
	run -28 curl -sS -m 0.5 -o part "$FAKESOFA_URL/event/1/lineups"
	fakesofa_wait_log 1 10
	run -0 fakesofa_jq '[.status, .outcome, .bytes < 3000]'
	assert_output '[200,"aborted",true]'
	run -0 curl -sS -o whole "$FAKESOFA_URL/event/1"
	cmp whole store/event/1.json
}

@test "fakesofa: a client that gives up during a delay is logged when it leaves" {
	printf 'event/1  delay=5000 ; repeat\n' >scenario
	fakesofa_start store scenario
	t0=$(now)
	run -28 curl -sS -m 0.5 -o /dev/null "$FAKESOFA_URL/event/1"
	# logged long before the delay is over
	fakesofa_wait_log 1 4
	between "$(since "$t0")" 0.5 4.5
	run -0 fakesofa_jq '[.status, .bytes, .outcome, .t_resp]'
	assert_output '[null,0,"aborted",null]'
	run -0 fakesofa_jq -r '.t_done - .t_recv'
	between "$output" 0.4 4
}

@test "fakesofa: clients killed with SIGKILL mid-transfer leave it serving" {
	printf 'event/1/lineups  trickle=100/100 ; repeat\n' >scenario
	fakesofa_start store scenario
	pids=
	for n in 1 2 3 4 5 6; do
		curl -sS -o /dev/null "$FAKESOFA_URL/event/1/lineups" 3>&- &
		pids="$pids $!"
	done
	sleep 0.5
	for p in $pids; do
		kill -9 "$p"
	done
	for p in $pids; do
		wait "$p" || :
	done
	fakesofa_wait_log 6 10
	run -0 jq -s -c 'map(.outcome) | unique' "$FAKESOFA_LOG"
	assert_output '["aborted"]'
	run -0 curl -sS -o whole "$FAKESOFA_URL/event/1"
	cmp whole store/event/1.json
	# every connection thread is gone again (main and signal threads stay)
	n=0
	while [ "$(threads)" -gt 3 ] && [ "$n" -lt 40 ]; do
		n=$((n + 1))
		sleep 0.1
	done
	[ "$(threads)" -le 3 ]
}

@test "fakesofa: 64 requests over 16 parallel connections, all byte-exact" {
	fakesofa_start store - --latency 500
	for n in $(seq 64); do
		if [ $((n % 2)) = 0 ]; then p=event/1/lineups; else p=event/1; fi
		printf 'url = "%s/%s"\noutput = "out.%d"\n' "$FAKESOFA_URL" "$p" "$n"
		echo "$p" >"want.$n"
	done >curl.cfg
	run -0 curl -sS --fail --parallel --parallel-max 16 -K curl.cfg
	for n in $(seq 64); do
		cmp "out.$n" "store/$(cat "want.$n").json"
	done
	fakesofa_wait_log 64
	run -0 jq -s -c '[length, (map(.seq) | unique | length),
	    (map(.seq) | max), (map(.conn) | unique | length <= 16),
	    (map(.status) | unique)]' "$FAKESOFA_LOG"
	assert_output '[64,64,64,true,[200]]'
	run -0 max_in_flight
	between "$output" 8 16
	n=0
	while [ "$(threads)" -gt 3 ] && [ "$n" -lt 40 ]; do
		n=$((n + 1))
		sleep 0.1
	done
	[ "$(threads)" -le 3 ]
}

@test "fakesofa: log lines never interleave under load" {
	fakesofa_start store
	big=$(printf '%6000s' '' | tr ' ' q)
	for n in $(seq 200); do
		printf 'url = "%s/event/%d?n=%d"\noutput = "/dev/null"\n' \
		    "$FAKESOFA_URL" $((n % 2 + 1)) "$n"
	done >curl.cfg
	run -0 curl -sS --parallel --parallel-max 16 -H "X-Big: $big" -K curl.cfg
	fakesofa_wait_log 200
	run -0 wc -l <"$FAKESOFA_LOG"
	assert_output 200
	# every line is one whole object with its whole header
	run -0 jq -c --arg big "$big" 'select(.headers["x-big"] == $big) | 1' \
	    "$FAKESOFA_LOG"
	assert_equal "${#lines[@]}" 200
	run -0 jq -s -c 'map(.query | ltrimstr("n=") | tonumber) | sort |
	    . == [range(1; 201)]' "$FAKESOFA_LOG"
	assert_output true
}

@test "fakesofa: the log times show the pace of a rate-limited client" {
	fakesofa_start store
	for n in 1 2 3 4 5 6; do
		printf 'url = "%s/event/1"\noutput = "/dev/null"\n' "$FAKESOFA_URL"
	done >curl.cfg
	run -0 curl -sS --rate 5/s -K curl.cfg
	fakesofa_wait_log 6
	# five gaps of about 200 ms between requests
	run -0 jq -s -r 'map(.t_recv) | sort | . as $t |
	    range(1; length) | $t[.] - $t[. - 1]' "$FAKESOFA_LOG"
	assert_equal "${#lines[@]}" 5
	for g in "${lines[@]}"; do
		between "$g" 0.1 1
	done
}

@test "fakesofa: --max-conns closes connections over the limit" {
	fakesofa_start store - --max-conns 2
	exec 5<>"/dev/tcp/127.0.0.1/$FAKESOFA_PORT"
	exec 6<>"/dev/tcp/127.0.0.1/$FAKESOFA_PORT"
	sleep 0.3
	run ! curl -sS -o /dev/null "$FAKESOFA_URL/event/1"
	exec 5<&- 6<&-
	n=0
	until curl -sS -o out "$FAKESOFA_URL/event/1" 2>/dev/null; do
		n=$((n + 1))
		[ "$n" -lt 20 ] || fail "still refused after the idle ones left"
		sleep 0.1
	done
	cmp out store/event/1.json
}

@test "fakesofa: --idle-timeout closes an idle connection" {
	fakesofa_start store - --idle-timeout 1
	exec 5<>"/dev/tcp/127.0.0.1/$FAKESOFA_PORT"
	t0=$(now)
	timeout 5 cat <&5 >idle.out
	el=$(since "$t0")
	exec 5<&-
	[ ! -s idle.out ]
	between "$el" 0.9 4
	# half a request, then silence: closed too, nothing logged
	exec 5<>"/dev/tcp/127.0.0.1/$FAKESOFA_PORT"
	printf 'GET /api/v1/event/1 HTTP/1.1\r\n' >&5
	timeout 5 cat <&5 >half.out
	exec 5<&-
	[ ! -s half.out ]
	[ ! -s "$FAKESOFA_LOG" ]
}

@test "fakesofa: SIGTERM stops it at once with stalled, idle and busy connections" {
	printf 'event/1  stall ; repeat\nevent/1/lineups  trickle=10/1000\n' >scenario
	fakesofa_start store scenario
	curl -sS -m 30 -o /dev/null "$FAKESOFA_URL/event/1" 2>/dev/null 3>&- &
	c1=$!
	curl -sS -m 30 -o /dev/null "$FAKESOFA_URL/event/1/lineups" 2>/dev/null 3>&- &
	c2=$!
	exec 5<>"/dev/tcp/127.0.0.1/$FAKESOFA_PORT"
	sleep 0.5
	pid=$FAKESOFA_PID
	t0=$(now)
	fakesofa_stop
	el=$(since "$t0")
	between "$el" 0 3
	run ! kill -0 "$pid"
	exec 5<&-
	wait "$c1" || :
	wait "$c2" || :
	# the cut requests are logged as such
	run -0 jq -s -c 'map([.path, .outcome]) | sort' "$FAKESOFA_LOG"
	assert_output '[["event/1","shutdown"],["event/1/lineups","shutdown"]]'
	# and the port is free again
	run ! curl -sS -o /dev/null "$FAKESOFA_URL/event/1"
}

@test "fakesofa: SIGINT stops it too, with exit 0" {
	fakesofa_start store
	run -0 curl -sS -o /dev/null "$FAKESOFA_URL/event/1"
	kill -INT "$FAKESOFA_PID"
	st=0
	wait "$FAKESOFA_PID" || st=$?
	FAKESOFA_PIDS=
	assert_equal "$st" 0
	[ ! -s "$FAKESOFA_DIR/stderr" ]
}
