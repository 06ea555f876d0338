#!/usr/bin/env bats
# sofa-replay: a raw store served as the API by nginx on loopback: bodies
# byte for byte, ETag and 304, the API's JSON 404, never a .meta or a
# file outside the store, a clean stop that removes its temporary files.

setup() {
	load test-lib.sh
	common_setup
	mkdir -p store/event/7 outside
	printf '{"event":{"id":7}}' > store/event/7.json
	printf '{"home":{},"away":{}}\n' > store/event/7/lineups.json
	printf '{"status":200}\n' > store/event/7/lineups.meta
	printf '{"secret":1}\n' > outside/secret.json
	export TMPDIR=$BATS_TEST_TMPDIR/tmp
	mkdir -p "$TMPDIR"
}

# start [ARGS...]: sofa-replay in the background; sets PID and URL.  A
# background command of a shell without job control starts with SIGINT
# ignored (POSIX), which a shell script cannot undo: python3 puts it back
# to its default, as a terminal's foreground job has it.
start() {
	rm -f url.txt
	python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' \
	    sofa-replay -q -o url.txt "$@" 3>&- > replay.out 2> replay.err &
	PID=$!
	for _ in $(seq 1 200); do
		[ -s url.txt ] && break
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.05
	done
	[ -s url.txt ] || fail "sofa-replay did not start: $(cat replay.err)"
	URL=$(cat url.txt)
}

teardown() {
	if [ -n "${PID:-}" ]; then
		kill -TERM "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
	fi
}

@test "serves STORE/P.json at /api/v1/P, byte for byte, as application/json" {
	start store
	[[ "$URL" =~ ^http://127\.0\.0\.1:[0-9]+/api/v1$ ]] || fail "$URL"
	curl -sS -D headers -o body "$URL/event/7/lineups"
	cmp body store/event/7/lineups.json
	grep -qi '^HTTP/1.1 200' headers
	grep -qi '^Content-Type: application/json' headers
	grep -qi '^ETag: "' headers
	grep -qi '^Last-Modified: ' headers
	curl -sS -o body2 "$URL/event/7"
	cmp body2 store/event/7.json
}

@test "If-None-Match with the ETag gives 304 and no body" {
	start store
	etag=$(curl -sS -D - -o /dev/null "$URL/event/7/lineups" |
	    sed -n 's/^[Ee][Tt][Aa][Gg]: *//p' | tr -d '\r')
	[ -n "$etag" ]
	code=$(curl -sS -o body -w '%{http_code}' -H "If-None-Match: $etag" \
	    "$URL/event/7/lineups")
	[ "$code" = 304 ]
	[ ! -s body ]
	code=$(curl -sS -o /dev/null -w '%{http_code}' \
	    -H 'If-None-Match: "other"' "$URL/event/7/lineups")
	[ "$code" = 200 ]
}

@test "missing paths, .meta sidecars and paths outside the store get the API's JSON 404" {
	start store
	for p in event/8/lineups event/7/lineups.meta event/7/lineups.json \
	    ../../outside/secret event/7/ nothing; do
		code=$(curl -sS -o body -w '%{http_code}' "$URL/$p")
		[ "$code" = 404 ] || fail "$p: $code"
		[ "$(cat body)" = '{"error":{"code":404,"message":"Not Found"}}' ] ||
			fail "$p: $(cat body)"
	done
	code=$(curl -sS --path-as-is -o body -w '%{http_code}' \
	    "$URL/../../outside/secret")
	[ "$code" != 200 ] || fail "escaped the store"
	code=$(curl -sS -o body -w '%{http_code}' "${URL%/api/v1}/event/7")
	[ "$code" = 404 ]
	code=$(curl -sS -o body -w '%{http_code}' -X POST "$URL/event/7")
	[ "$code" = 405 ]
	grep -q '"code":405' body
}

@test "a clean stop on SIGTERM and SIGINT removes the temporary directory" {
	for sig in TERM INT; do
		rm -f url.txt
		start store
		ls "$TMPDIR" | grep -q '^sofa-replay\.'
		kill "-$sig" "$PID"
		wait "$PID"
		st=$?
		PID=
		[ "$st" -eq 0 ] || fail "SIG$sig: status $st"
		[ -z "$(ls "$TMPDIR")" ] || fail "left: $(ls "$TMPDIR")"
		run curl -sS -m 2 "$URL/event/7"
		assert_failure
	done
}

@test "the base URL on stdout, the access log as NDJSON, a fixed port" {
	sofa-replay -a access.ndjson store 3>&- > out 2> err &
	PID=$!
	for _ in $(seq 1 200); do [ -s out ] && break; sleep 0.05; done
	URL=$(head -n 1 out)
	[[ "$URL" == http://127.0.0.1:*/api/v1 ]] || fail "$URL $(cat err)"
	curl -sS -o /dev/null "$URL/event/7" -H 'If-None-Match: "x"'
	curl -sS -o /dev/null "$URL/event/9"
	kill -TERM "$PID"; wait "$PID"; PID=
	[ "$(wc -l < access.ndjson)" -eq 2 ]
	[ "$(jq -r .status access.ndjson | tr '\n' ' ')" = "200 404 " ]
	[ "$(jq -r '.uri' access.ndjson | head -n 1)" = /api/v1/event/7 ]
	[ "$(jq -r '.if_none_match' access.ndjson | head -n 1)" = '"x"' ]
	# The same port again, on purpose; then a taken port fails.
	port=${URL#http://127.0.0.1:}
	port=${port%%/*}
	rm -f url.txt
	start -p "$port" store
	[ "$URL" = "http://127.0.0.1:$port/api/v1" ]
	run sofa-replay -q -p "$port" store 3>&-
	assert_failure 1
	assert_output --partial "address already in use"
}

@test "the store defaults to raw_base; a missing store and a bad port fail" {
	mkdir -p data
	cp -r store data/raw
	start
	curl -sS -o body "$URL/event/7"
	cmp body store/event/7.json
	run sofa-replay nosuchdir
	assert_failure 1
	assert_output --partial "nosuchdir: not a directory"
	run sofa-replay -p 70000 store
	assert_failure 2
	run sofa-replay -p
	assert_failure 2
	run sofa-replay a b
	assert_failure 2
}

@test "serves the recorded fixtures" {
	need_fixtures
	start "$FIXTURES/store"
	curl -sS -o body "$URL/event/11080977/lineups"
	cmp body "$FIXTURES/store/event/11080977/lineups.json"
	curl -sS -o body "$URL/unique-tournament/17/seasons"
	cmp body "$FIXTURES/store/unique-tournament/17/seasons.json"
}

# sofa-replay(1) EXAMPLES.
@test "the examples of the man page run" {
	need_fixtures
	run timeout 60 sh -c 'exec 3>&-
	sofa-replay -q -o url.txt "$FIXTURES/store" &
	pid=$!
	while [ ! -s url.txt ]; do sleep 0.1; done
	curl -s "$(cat url.txt)/event/11080977/lineups" | jq ".home.players | length"
	kill $pid; wait $pid'
	assert_success
	assert_output "$(jq '.home.players | length' \
	    "$FIXTURES/store/event/11080977/lineups.json")"
	command -v sofa-fetch >/dev/null || skip "sofa-fetch is not built yet"
	start "$FIXTURES/store"
	SOFASCORE_RATE=0 run sh -c 'SOFASCORE_API_BASE=$(cat url.txt) sofa-fetch 11080977'
	assert_success
	cmp data/raw/event/11080977/lineups.json \
	    "$FIXTURES/store/event/11080977/lineups.json"
}
