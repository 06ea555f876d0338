#!/usr/bin/env bats
# fakesofa (t/helper/fakesofa.c), the test server: command line, normal
# serving of a store, conditional requests, request log, request limits.

bats_require_minimum_version 1.5.0

setup() { load test-lib.sh; common_setup; }
teardown() { fakesofa_stop; }

# fetch NAME URL [CURL-OPTION...]: NAME.h headers, NAME.b body, NAME.code
# the status; returns curl's exit status.
fetch() {
	local name=$1 url=$2
	shift 2
	curl -sS -D "$name.h" -o "$name.b" -w '%{http_code}' "$@" "$url" \
	    >"$name.code" 2>"$name.err"
}

# hdr FILE NAME: the value of header NAME in a curl header dump.
hdr() {
	sed -n "s/^$2: *//Ip" "$1" | tr -d '\r'
}

# A small store of our own, for tests that change files.
mkstore() {
	mkdir -p store/event/1
	printf '{"event":{"id":1}}' >store/event/1.json
	printf '{"confirmed":true,"home":{},"away":{}}' \
	    >store/event/1/lineups.json
}

# raw REQUEST-FILE: send bytes on a fresh connection, answer into raw.out.
raw() {
	exec 5<>"/dev/tcp/127.0.0.1/$FAKESOFA_PORT"
	cat "$1" >&5
	timeout 5 cat <&5 >raw.out
	exec 5<&-
}

@test "fakesofa: -h prints usage on stdout and exits 0" {
	run -0 fakesofa -h
	assert_line --index 0 --partial 'usage: fakesofa'
	assert_output --partial '--scenario'
}

@test "fakesofa: a bad option, a missing store or a bad number exit 2" {
	run -2 fakesofa --no-such-option .
	assert_output --partial 'usage: fakesofa'
	run -2 fakesofa
	assert_output --partial 'no store given'
	run -2 fakesofa ./does-not-exist
	assert_output --partial 'fakesofa: ./does-not-exist:'
	run -2 fakesofa --latency=-5 .
	assert_output --partial "fakesofa: --latency: bad value '-5'"
	run -2 fakesofa -p 70000 .
	run -2 fakesofa a b
	assert_output --partial 'too many arguments'
}

@test "fakesofa: prints its port, writes the port file atomically" {
	mkstore
	fakesofa_start store
	[[ $FAKESOFA_PORT =~ ^[0-9]+$ ]]
	[ "$FAKESOFA_PORT" -gt 0 ]
	# the port on stdout, alone on the first line; no temp file left
	assert_equal "$(head -n 1 "$FAKESOFA_DIR/stdout")" "$FAKESOFA_PORT"
	run -0 ls "$FAKESOFA_DIR"
	refute_output --partial '.tmp'
	assert_equal "$FAKESOFA_URL" "http://127.0.0.1:$FAKESOFA_PORT/api/v1"
	run -0 fetch a "$FAKESOFA_URL/event/1"
	assert_equal "$(cat a.code)" 200
}

@test "fakesofa: listens on 127.0.0.1 only" {
	mkstore
	fakesofa_start store
	# all of 127/8 is loopback: a wildcard bind would answer on 127.0.0.2
	run -7 curl -sS -o /dev/null "http://127.0.0.2:$FAKESOFA_PORT/api/v1/event/1"
	run -0 curl -sS -o /dev/null "http://127.0.0.1:$FAKESOFA_PORT/api/v1/event/1"
}

@test "fakesofa: -p binds the port given; a port in use exits 1" {
	mkstore
	fakesofa_start store
	port=$FAKESOFA_PORT
	run -1 fakesofa -p "$port" store
	assert_output --partial "fakesofa: bind 127.0.0.1:$port:"
	fakesofa_stop
	fakesofa_start store - -p "$port"
	assert_equal "$FAKESOFA_PORT" "$port"
	run -0 fetch a "$FAKESOFA_URL/event/1/lineups"
	assert_equal "$(cat a.code)" 200
}

@test "fakesofa: serves every file of the fixture store byte-exact" {
	need_fixtures
	fakesofa_start "$FIXTURES/store"
	(cd "$FIXTURES/store" && find . -type f -name '*.json') | sort >files
	n=$(wc -l <files)
	[ "$n" -gt 100 ]
	# one curl, one connection, every file (keep-alive on the way)
	k=0
	while read -r f; do
		k=$((k + 1))
		p=${f#./}
		printf 'url = "%s/%s"\noutput = "out.%d"\n' "$FAKESOFA_URL" \
		    "${p%.json}" "$k"
	done <files >curl.cfg
	run -0 curl -sS --fail -K curl.cfg
	# file k of the list against out.k, by content hash
	(cd "$FIXTURES/store" && xargs sha256sum <"$BATS_TEST_TMPDIR/files") |
	    cut -d' ' -f1 >want.sums
	seq "$n" | sed 's/^/out./' | xargs sha256sum | cut -d' ' -f1 >got.sums
	assert_equal "$(wc -l <got.sums)" "$n"
	cmp want.sums got.sums
	fakesofa_wait_log "$n"
	run -0 jq -s --argjson n "$n" 'length == $n and
	    all(.status == 200 and .outcome == "complete" and
	        .bytes == .length and .file == .path + ".json") and
	    (map(.conn) | unique | length) == 1' "$FAKESOFA_LOG"
	assert_output true
	# and the byte counts are the sizes of the files
	fakesofa_jq -r '"\(.file) \(.bytes)"' | sort >logged
	(cd "$FIXTURES/store" && find . -type f -name '*.json' -printf '%P %s\n') |
	    sort >sizes
	cmp logged sizes
}

@test "fakesofa: headers of a normal 200" {
	need_fixtures
	fakesofa_start "$FIXTURES/store"
	run -0 fetch a "$FAKESOFA_URL/event/11080977/lineups"
	assert_equal "$(cat a.code)" 200
	head -n 1 a.h >status
	assert_equal "$(tr -d '\r' <status)" 'HTTP/1.1 200 OK'
	assert_equal "$(hdr a.h Content-Type)" application/json
	assert_equal "$(hdr a.h Content-Length)" \
	    "$(wc -c <"$FIXTURES/store/event/11080977/lineups.json")"
	[[ $(hdr a.h ETag) =~ ^W/\"[0-9a-f]{10}\"$ ]]
	[[ $(hdr a.h Date) =~ ^[A-Z][a-z]{2},\ [0-9]{2}\ [A-Z][a-z]{2}\ [0-9]{4}\ [0-9:]{8}\ GMT$ ]]
	cmp a.b "$FIXTURES/store/event/11080977/lineups.json"
}

@test "fakesofa: HEAD sends the headers of GET and no body" {
	need_fixtures
	fakesofa_start "$FIXTURES/store"
	f=$FIXTURES/store/event/11080977.json
	run -0 fetch a "$FAKESOFA_URL/event/11080977"
	run -0 fetch b "$FAKESOFA_URL/event/11080977" -I
	assert_equal "$(cat b.code)" 200
	grep -v '^Date:' a.h >a.hh
	grep -v '^Date:' b.h >b.hh
	cmp a.hh b.hh
	# on the wire: the head and nothing after it
	printf 'HEAD /api/v1/event/11080977 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >req
	raw req
	blank=$(grep -b -m 1 $'^\r$' raw.out | cut -d: -f1)
	[ -n "$blank" ]
	assert_equal "$(wc -c <raw.out)" $((blank + 2))
	grep -q '^Content-Length: [1-9]' raw.out
	fakesofa_wait_log 3
	run -0 fakesofa_jq '[.method, .status, .length, .bytes]'
	assert_line --index 1 "[\"HEAD\",200,$(wc -c <"$f"),0]"
}

@test "fakesofa: a missing file is 404 with the API's error body" {
	mkstore
	fakesofa_start store
	run -0 fetch a "$FAKESOFA_URL/event/2/lineups"
	assert_equal "$(cat a.code)" 404
	assert_equal "$(cat a.b)" '{"error":{"code":404,"message":"Not Found"}}'
	assert_equal "$(hdr a.h Content-Type)" application/json
	[ -z "$(hdr a.h ETag)" ]
	# outside the prefix, a directory, a trailing slash: 404 too
	for u in "http://127.0.0.1:$FAKESOFA_PORT/event/1" "$FAKESOFA_URL/event" \
	    "$FAKESOFA_URL/event/1/" "$FAKESOFA_URL/event/1.json"; do
		run -0 fetch b "$u"
		assert_equal "$(cat b.code)" 404
	done
	# a FIFO is not a file: 404 at once, the thread is not stuck on it
	mkfifo store/event/fifo.json
	run -0 fetch c "$FAKESOFA_URL/event/fifo" -m 5
	assert_equal "$(cat c.code)" 404
	fakesofa_wait_log 6
	run -0 fakesofa_jq '[.path, .status, .file]'
	assert_line --index 0 '["event/2/lineups",404,null]'
	assert_line --index 1 '["/event/1",404,null]'
	assert_line --index 5 '["event/fifo",404,null]'
}

@test "fakesofa: path traversal never escapes the store" {
	mkdir -p top/store/event
	printf '{"ok":1}' >top/store/event/1.json
	printf 'SECRET' >top/secret.json
	printf 'SECRET' >top/store/..json
	fakesofa_start top/store
	base=http://127.0.0.1:$FAKESOFA_PORT
	k=0
	for p in /api/v1/../secret /api/v1/event/../../secret \
	    /api/v1/%2e%2e/secret /api/v1/event/%2E%2E/%2e%2e/secret \
	    /api/v1/event/..%2f..%2fsecret /api/v1/. /api/v1/.. \
	    "/api/v1//$BATS_TEST_TMPDIR/top/secret" \
	    /api/v1/event/1%00 /api/v1/%zz; do
		k=$((k + 1))
		run -0 fetch "t$k" "$base$p" --path-as-is
		code=$(cat "t$k.code")
		[ "$code" = 400 ] || [ "$code" = 404 ] ||
		    fail "$p gave $code"
		run -1 grep -q SECRET "t$k.b"
	done
	# the store itself is still served
	run -0 fetch ok "$base/api/v1/event/1"
	assert_equal "$(cat ok.b)" '{"ok":1}'
	fakesofa_wait_log $((k + 1))
	run -0 jq -s 'map(select(.file != null)) | map(.file)' -c "$FAKESOFA_LOG"
	assert_output '["event/1.json"]'
}

@test "fakesofa: the query string is ignored for lookup but logged" {
	mkstore
	fakesofa_start store
	run -0 fetch a "$FAKESOFA_URL/event/1/lineups?a=1&b=%20x"
	assert_equal "$(cat a.code)" 200
	cmp a.b store/event/1/lineups.json
	fakesofa_wait_log 1
	run -0 fakesofa_jq '[.path, .query, .target]'
	assert_output '["event/1/lineups","a=1&b=%20x","/api/v1/event/1/lineups?a=1&b=%20x"]'
}

@test "fakesofa: --prefix moves the API" {
	mkstore
	fakesofa_start store - --prefix /v2/
	base=http://127.0.0.1:$FAKESOFA_PORT
	run -0 fetch a "$base/v2/event/1"
	assert_equal "$(cat a.code)" 200
	run -0 fetch b "$base/api/v1/event/1"
	assert_equal "$(cat b.code)" 404
	fakesofa_stop
	fakesofa_start store - --prefix /
	run -0 fetch c "http://127.0.0.1:$FAKESOFA_PORT/event/1/lineups"
	assert_equal "$(cat c.code)" 200
	cmp c.b store/event/1/lineups.json
}

@test "fakesofa: ETag is weak, stable, follows the content; If-None-Match gives 304" {
	mkstore
	fakesofa_start store
	u=$FAKESOFA_URL/event/1
	run -0 fetch a "$u"
	etag=$(hdr a.h ETag)
	[[ $etag =~ ^W/\"[0-9a-f]{10}\"$ ]]
	run -0 fetch b "$u"
	assert_equal "$(hdr b.h ETag)" "$etag"
	# matching: 304, no body, the ETag again, no Content-Type
	run -0 fetch c "$u" -H "If-None-Match: $etag"
	assert_equal "$(cat c.code)" 304
	[ ! -s c.b ]
	assert_equal "$(hdr c.h ETag)" "$etag"
	# the strong form, a list holding it, and * match too
	strong=${etag#W/}
	run -0 fetch d "$u" -H "If-None-Match: $strong"
	assert_equal "$(cat d.code)" 304
	run -0 fetch e "$u" -H "If-None-Match: \"x\", $etag"
	assert_equal "$(cat e.code)" 304
	run -0 fetch f "$u" -H 'If-None-Match: *'
	assert_equal "$(cat f.code)" 304
	run -0 fetch g "$u" -H 'If-None-Match: W/"0000000000"'
	assert_equal "$(cat g.code)" 200
	# new content, new ETag: the old one no longer matches
	printf '{"event":{"id":1,"x":2}}' >store/event/1.json
	run -0 fetch h "$u" -H "If-None-Match: $etag"
	assert_equal "$(cat h.code)" 200
	cmp h.b store/event/1.json
	[ "$(hdr h.h ETag)" != "$etag" ]
	fakesofa_wait_log 8
	run -0 fakesofa_jq -r 'select(.status == 304) | .if_none_match'
	assert_line --index 0 "$etag"
	assert_equal "${#lines[@]}" 4
}

@test "fakesofa: Last-Modified is the mtime; If-Modified-Since gives 304" {
	mkstore
	touch -d '2024-08-16 19:00:00 UTC' store/event/1.json
	fakesofa_start store
	u=$FAKESOFA_URL/event/1
	run -0 fetch a "$u"
	assert_equal "$(hdr a.h Last-Modified)" 'Fri, 16 Aug 2024 19:00:00 GMT'
	run -0 fetch b "$u" -H 'If-Modified-Since: Fri, 16 Aug 2024 19:00:00 GMT'
	assert_equal "$(cat b.code)" 304
	[ ! -s b.b ]
	run -0 fetch c "$u" -H 'If-Modified-Since: Sat, 17 Aug 2024 00:00:00 GMT'
	assert_equal "$(cat c.code)" 304
	# the other two date forms of RFC 9110
	run -0 fetch d "$u" -H 'If-Modified-Since: Friday, 16-Aug-24 19:00:00 GMT'
	assert_equal "$(cat d.code)" 304
	run -0 fetch e "$u" -H 'If-Modified-Since: Fri Aug 16 19:00:00 2024'
	assert_equal "$(cat e.code)" 304
	# older, garbage: 200
	run -0 fetch f "$u" -H 'If-Modified-Since: Fri, 16 Aug 2024 18:59:59 GMT'
	assert_equal "$(cat f.code)" 200
	run -0 fetch g "$u" -H 'If-Modified-Since: yesterday'
	assert_equal "$(cat g.code)" 200
	# If-None-Match wins over If-Modified-Since
	run -0 fetch h "$u" -H 'If-None-Match: W/"0000000000"' \
	    -H 'If-Modified-Since: Sat, 17 Aug 2024 00:00:00 GMT'
	assert_equal "$(cat h.code)" 200
	fakesofa_wait_log 8
	run -0 fakesofa_jq -r '.if_modified_since'
	assert_line --index 1 'Fri, 16 Aug 2024 19:00:00 GMT'
}

@test "fakesofa: --no-etag and --no-last-modified turn the validators off" {
	mkstore
	fakesofa_start store
	run -0 fetch a "$FAKESOFA_URL/event/1"
	etag=$(hdr a.h ETag)
	lm=$(hdr a.h Last-Modified)
	[ -n "$etag" ] && [ -n "$lm" ]
	fakesofa_stop
	fakesofa_start store - --no-etag
	run -0 fetch b "$FAKESOFA_URL/event/1" -H "If-None-Match: $etag"
	assert_equal "$(cat b.code)" 200
	[ -z "$(hdr b.h ETag)" ]
	assert_equal "$(hdr b.h Last-Modified)" "$lm"
	fakesofa_stop
	fakesofa_start store - --no-last-modified
	run -0 fetch c "$FAKESOFA_URL/event/1" -H "If-Modified-Since: $lm"
	assert_equal "$(cat c.code)" 200
	[ -z "$(hdr c.h Last-Modified)" ]
	assert_equal "$(hdr c.h ETag)" "$etag"
}

@test "fakesofa: the request log records one request in full" {
	mkstore
	fakesofa_start store
	before=$(date +%s.%N)
	run -0 fetch a "$FAKESOFA_URL/event/1/lineups?x=1" -A 'sofa-test/1.0' \
	    -H 'If-None-Match: W/"abc"' -H 'X-Requested-With: XMLHttpRequest' \
	    -H 'X-Dup: one' -H 'X-Dup: two'
	after=$(date +%s.%N)
	fakesofa_wait_log 1
	run -0 fakesofa_jq '[.seq, .conn, .conn_req, .method, .path, .query,
	    .version, .user_agent, .if_none_match, .if_modified_since,
	    .headers["x-requested-with"], .headers["x-dup"],
	    .headers.host, .rule, .step, .status, .length, .bytes, .file,
	    .outcome]'
	assert_output "[1,1,1,\"GET\",\"event/1/lineups\",\"x=1\",\"HTTP/1.1\",\"sofa-test/1.0\",\"W/\\\"abc\\\"\",null,\"XMLHttpRequest\",\"one, two\",\"127.0.0.1:$FAKESOFA_PORT\",null,null,200,38,38,\"event/1/lineups.json\",\"complete\"]"
	# the times: ordered, within the client's window, milliseconds
	run -0 jq --argjson b "$before" --argjson a "$after" \
	    '$b - 0.001 <= .t_recv and .t_recv <= .t_resp and
	     .t_resp <= .t_done and .t_done <= $a + 0.001' "$FAKESOFA_LOG"
	assert_output true
	run -0 grep -Eq '"t_recv":[0-9]{10}\.[0-9]{3},' "$FAKESOFA_LOG"
}

@test "fakesofa: the log stays valid JSON with hostile header bytes" {
	mkstore
	fakesofa_start store
	printf 'GET /api/v1/event/1 HTTP/1.1\r\nHost: x\r\nX-Bin: \x80\xff"\\\x01\r\nX-Utf8: caf\xc3\xa9\r\nConnection: close\r\n\r\n' >req
	raw req
	head -n 1 raw.out >status
	assert_equal "$(tr -d '\r' <status)" 'HTTP/1.1 200 OK'
	fakesofa_wait_log 1
	# U+FFFD for each invalid byte, escapes for the rest; UTF-8 kept
	fakesofa_jq -r '.headers["x-bin"], .headers["x-utf8"]' >got
	printf '\357\277\275\357\277\275"\\\001\ncaf\303\251\n' >want
	cmp got want
	run -0 grep -F '"x-bin":"\ufffd\ufffd\"\\\u0001"' "$FAKESOFA_LOG"
}

@test "fakesofa: over-long request line gets 414, over-large head 431" {
	mkstore
	fakesofa_start store
	long=$(printf '%9000s' '' | tr ' ' a)
	run -0 fetch a "$FAKESOFA_URL/event/1?$long"
	assert_equal "$(cat a.code)" 414
	big=$(printf '%40000s' '' | tr ' ' b)
	run -0 fetch b "$FAKESOFA_URL/event/1" -H "X-Big: $big"
	assert_equal "$(cat b.code)" 431
	args=()
	for k in $(seq 101); do args+=(-H "X-H$k: $k"); done
	run -0 fetch c "$FAKESOFA_URL/event/1" "${args[@]}"
	assert_equal "$(cat c.code)" 431
	# 100 headers in all are fine (curl adds Host, User-Agent, Accept)
	run -0 fetch d "$FAKESOFA_URL/event/1" "${args[@]:0:194}"
	assert_equal "$(cat d.code)" 200
	fakesofa_wait_log 4
	run -0 fakesofa_jq '[.status, .outcome]'
	assert_line --index 0 '[414,"bad-request"]'
	assert_line --index 1 '[431,"bad-request"]'
	assert_line --index 2 '[431,"bad-request"]'
}

@test "fakesofa: malformed requests get 400, 405, 501, 505" {
	mkstore
	fakesofa_start store
	printf 'garbage\r\n\r\n' >r1
	raw r1
	run -0 head -n 1 raw.out
	assert_output $'HTTP/1.1 400 Bad Request\r'
	printf 'GET /api/v1/event/1 HTTP/2.0\r\nHost: x\r\n\r\n' >r2
	raw r2
	run -0 head -n 1 raw.out
	assert_output $'HTTP/1.1 505 HTTP Version Not Supported\r'
	printf 'GET /api/v1/event/1 HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n' >r3
	raw r3
	run -0 head -n 1 raw.out
	assert_output $'HTTP/1.1 400 Bad Request\r'
	printf 'GET /api/v1/event/1 HTTP/1.1\r\n\r\n' >r4
	raw r4
	run -0 head -n 1 raw.out
	assert_output $'HTTP/1.1 400 Bad Request\r'
	printf 'GET /api/v1/event/1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n' >r5
	raw r5
	run -0 head -n 1 raw.out
	assert_output $'HTTP/1.1 501 Not Implemented\r'
	run -0 fetch p "$FAKESOFA_URL/event/1" -X POST -d 'x=1'
	assert_equal "$(cat p.code)" 405
	assert_equal "$(hdr p.h Allow)" 'GET, HEAD'
	fakesofa_wait_log 6
	run -0 fakesofa_jq '[.method, .status]'
	assert_line --index 5 '["POST",405]'
	# still serving
	run -0 fetch ok "$FAKESOFA_URL/event/1"
	assert_equal "$(cat ok.code)" 200
}

@test "fakesofa: -v prints one line per request on stderr" {
	mkstore
	fakesofa_start store - -v
	run -0 fetch a "$FAKESOFA_URL/event/1"
	run -0 fetch b "$FAKESOFA_URL/event/3"
	fakesofa_wait_log 2
	run -0 cat "$FAKESOFA_DIR/stderr"
	assert_line --index 0 'fakesofa: #1 conn 1 GET /api/v1/event/1 -> 200 complete (18 bytes)'
	assert_line --index 1 'fakesofa: #2 conn 2 GET /api/v1/event/3 -> 404 complete (44 bytes)'
	assert_equal "${#lines[@]}" 2
}
