#!/usr/bin/env bats
# fakesofa scenarios: per-path sequences of steps, globs, and every kind of
# step, each checked from the client's side and in the request log.

bats_require_minimum_version 1.5.0

setup() { load test-lib.sh; common_setup; mkstore; }
teardown() { fakesofa_stop; }

fetch() {
	local name=$1 url=$2
	shift 2
	curl -sS -D "$name.h" -o "$name.b" -w '%{http_code}' "$@" "$url" \
	    >"$name.code" 2>"$name.err"
}

hdr() {
	sed -n "s/^$2: *//Ip" "$1" | tr -d '\r'
}

mkstore() {
	mkdir -p store/event/1 store/event/2 store/unique-tournament/17/season/1
	printf '{"event":{"id":1}}' >store/event/1.json
	printf '{"event":{"id":2}}' >store/event/2.json
	printf '{"confirmed":true,"home":{"players":[]},"away":{"players":[]}}' \
	    >store/event/1/lineups.json
	printf '{"confirmed":false}' >store/event/2/lineups.json
	printf '{"events":[]}' >store/unique-tournament/17/season/1/x.json
}

now() {
	date +%s.%N
}

# since START: seconds elapsed, with milliseconds.
since() {
	awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f\n", b - a }'
}

# between X LO HI: LO <= X <= HI, as numbers.
between() {
	awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }' ||
	    fail "$1 is not within [$2, $3]"
}

# epoch of an HTTP date
epoch() {
	date -u -d "$1" +%s
}

@test "fakesofa: a sequence advances per request, then normal serving resumes" {
	cat >scenario <<-'EOF'
	# throttled, unavailable, then a forced 200
	event/1/lineups   429 retry-after=2 ; 503 ; 200
	EOF
	fakesofa_start store scenario
	u=$FAKESOFA_URL/event/1/lineups
	run -0 fetch a "$u"
	assert_equal "$(cat a.code)" 429
	assert_equal "$(hdr a.h Retry-After)" 2
	assert_equal "$(cat a.b)" '{"error":{"code":429,"message":"Too Many Requests"}}'
	run -0 fetch b "$u"
	assert_equal "$(cat b.code)" 503
	assert_equal "$(cat b.b)" '{"error":{"code":503,"message":"Service Unavailable"}}'
	[ -z "$(hdr b.h Retry-After)" ]
	run -0 fetch c0 "$FAKESOFA_URL/event/1"
	etag=$(hdr c0.h ETag)
	run -0 fetch c1 "$FAKESOFA_URL/event/1" -H "If-None-Match: $etag"
	assert_equal "$(cat c1.code)" 304
	# the forced 200 ignores If-None-Match; afterwards it counts again
	run -0 fetch c "$u" -H 'If-None-Match: *'
	assert_equal "$(cat c.code)" 200
	cmp c.b store/event/1/lineups.json
	[[ $(hdr c.h ETag) =~ ^W/ ]]
	run -0 fetch d "$u" -H 'If-None-Match: *'
	assert_equal "$(cat d.code)" 304
	run -0 fetch e "$u"
	assert_equal "$(cat e.code)" 200
	cmp e.b store/event/1/lineups.json
	fakesofa_wait_log 7
	run -0 fakesofa_jq 'select(.path == "event/1/lineups") |
	    [.status, .step, .step_no, .hit, .rule, .rule_line]'
	assert_equal "${#lines[@]}" 5
	assert_line --index 0 '[429,"429 retry-after=2",1,1,"event/1/lineups",2]'
	assert_line --index 1 '[503,"503",2,2,"event/1/lineups",2]'
	assert_line --index 2 '[200,"200",3,3,"event/1/lineups",2]'
	assert_line --index 3 '[304,null,null,4,"event/1/lineups",2]'
	assert_line --index 4 '[200,null,null,5,"event/1/lineups",2]'
	# a path no rule matches is untouched
	run -0 fakesofa_jq 'select(.path == "event/1") | [.status, .rule, .hit]'
	assert_output $'[200,null,null]\n[304,null,null]'
}

@test "fakesofa: each concrete path matching a glob has its own counter" {
	printf 'event/*/lineups  503 ; pass\n' >scenario
	fakesofa_start store scenario
	for p in event/1/lineups event/2/lineups event/1/lineups \
	    event/2/lineups event/1; do
		run -0 curl -sS -o /dev/null -w '%{http_code}\n' "$FAKESOFA_URL/$p"
		echo "$p $output" >>got
	done
	cat >want <<-'EOF'
	event/1/lineups 503
	event/2/lineups 503
	event/1/lineups 200
	event/2/lineups 200
	event/1 200
	EOF
	cmp got want
	fakesofa_wait_log 5
	run -0 fakesofa_jq '[.path, .hit, .step_no]'
	assert_line --index 0 '["event/1/lineups",1,1]'
	assert_line --index 1 '["event/2/lineups",1,1]'
	assert_line --index 2 '["event/1/lineups",2,2]'
	assert_line --index 3 '["event/2/lineups",2,2]'
	assert_line --index 4 '["event/1",null,null]'
}

@test "fakesofa: * stays in a segment, ** crosses them, ? is one char; the first match wins" {
	cat >scenario <<-'EOF'
	/api/v1/event/2        418 ; repeat
	event/*                500 ; repeat
	event/**               502 ; repeat
	unique-tournament/?7/**  503 ; repeat
	EOF
	fakesofa_start store scenario
	for p in event/1 event/2 event/1/lineups \
	    unique-tournament/17/season/1/x unique-tournament/170/season/1/x \
	    unique-tournament/17; do
		run -0 curl -sS -o /dev/null -w '%{http_code}\n' "$FAKESOFA_URL/$p"
		echo "$p $output" >>got
	done
	cat >want <<-'EOF'
	event/1 500
	event/2 418
	event/1/lineups 502
	unique-tournament/17/season/1/x 503
	unique-tournament/170/season/1/x 404
	unique-tournament/17 404
	EOF
	cmp got want
	fakesofa_wait_log 6
	run -0 fakesofa_jq -r '.rule'
	assert_output "$(printf '%s\n' event/\* event/2 'event/**' \
	    'unique-tournament/?7/**' null null)"
}

@test "fakesofa: repeat loops, stick keeps the last step, xN repeats a step" {
	cat >scenario <<-'EOF'
	event/1            503 ; 200 ; repeat
	event/1/lineups    503 x2 ; 429 ; stick
	event/2            502 x3 ; pass
	EOF
	fakesofa_start store scenario
	for k in 1 2 3 4 5; do
		for p in event/1 event/1/lineups event/2; do
			curl -sS -o /dev/null -w "$p %{http_code}\n" \
			    "$FAKESOFA_URL/$p" >>got
		done
	done
	for p in event/1 event/1/lineups event/2; do
		grep "^$p " got | cut -d' ' -f2 | tr '\n' ' ' >"got.${p//\//_}"
	done
	assert_equal "$(cat got.event_1)" '503 200 503 200 503 '
	assert_equal "$(cat got.event_1_lineups)" '503 503 429 429 429 '
	assert_equal "$(cat got.event_2)" '502 502 502 200 200 '
	fakesofa_wait_log 15
	run -0 fakesofa_jq 'select(.path == "event/1/lineups") | [.hit, .step_no]'
	assert_output "$(printf '[%s]\n' 1,1 2,1 3,2 4,2 5,2)"
}

@test "fakesofa: Retry-After in seconds, as a future and as a past HTTP date" {
	cat >scenario <<-'EOF'
	event/1   429 retry-after=2 ; 503 retry-after-date=+3 ; 503 retry-after-date=-60 ; 429 retry-after=soon
	EOF
	fakesofa_start store scenario
	for n in a b c d; do
		run -0 fetch "$n" "$FAKESOFA_URL/event/1"
	done
	assert_equal "$(hdr a.h Retry-After)" 2
	assert_equal "$(cat b.code)" 503
	d=$(epoch "$(hdr b.h Date)")
	r=$(hdr b.h Retry-After)
	[[ $r =~ ^[A-Z][a-z]{2},\ [0-9]{2}\ [A-Z][a-z]{2}\ [0-9]{4}\ [0-9:]{8}\ GMT$ ]]
	assert_equal $(($(epoch "$r") - d)) 3
	# and the Date is now
	between $(($(date +%s) - d)) 0 5
	d=$(epoch "$(hdr c.h Date)")
	assert_equal $(($(epoch "$(hdr c.h Retry-After)") - d)) -60
	assert_equal "$(hdr d.h Retry-After)" soon
	assert_equal "$(cat d.code)" 429
}

@test "fakesofa: a step sets ETag, Last-Modified, Cache-Control or leaves them out" {
	cat >scenario <<-'EOF'
	event/1   200 etag=W/"1234567890" last-modified=@1700000000 cache-control='max-age=0, private' ; no-etag no-last-modified ; last-modified=-3600 ; 404 etag=x ; etag=
	EOF
	fakesofa_start store scenario
	for n in a b c d e; do
		run -0 fetch "$n" "$FAKESOFA_URL/event/1"
	done
	assert_equal "$(hdr a.h ETag)" 'W/"1234567890"'
	assert_equal "$(hdr a.h Last-Modified)" 'Tue, 14 Nov 2023 22:13:20 GMT'
	assert_equal "$(hdr a.h Cache-Control)" 'max-age=0, private'
	assert_equal "$(cat b.code)" 200
	cmp b.b store/event/1.json
	run -1 grep -Ei '^(etag|last-modified):' b.h
	assert_equal $(($(epoch "$(hdr c.h Date)") - \
	    $(epoch "$(hdr c.h Last-Modified)"))) 3600
	[[ $(hdr c.h ETag) =~ ^W/ ]]
	assert_equal "$(cat d.code)" 404
	assert_equal "$(hdr d.h ETag)" x
	run -1 grep -i '^etag:' e.h
	[ -n "$(hdr e.h Last-Modified)" ]
	# afterwards the made-up ETag matches nothing
	run -0 fetch f "$FAKESOFA_URL/event/1" -H 'If-None-Match: W/"1234567890"'
	assert_equal "$(cat f.code)" 200
}

@test "fakesofa: header= adds any header and replaces fakesofa's own" {
	cat >scenario <<-'EOF'
	event/1   header=X-Cache:HIT header='Vary: Accept-Encoding, Origin' header=Server:cloudflare content-type='text/plain; charset=x' ; header=Content-Type:text/csv
	EOF
	fakesofa_start store scenario
	run -0 fetch a "$FAKESOFA_URL/event/1"
	run -0 fetch b "$FAKESOFA_URL/event/1"
	assert_equal "$(hdr a.h X-Cache)" HIT
	assert_equal "$(hdr a.h Vary)" 'Accept-Encoding, Origin'
	assert_equal "$(hdr a.h Server)" cloudflare
	assert_equal "$(grep -ci '^server:' a.h)" 1
	assert_equal "$(hdr a.h Content-Type)" 'text/plain; charset=x'
	assert_equal "$(hdr b.h Content-Type)" text/csv
	assert_equal "$(grep -ci '^content-type:' b.h)" 1
	cmp b.b store/event/1.json
}

@test "fakesofa: a 304 step forces Not Modified; a 200 step ignores If-None-Match" {
	printf 'event/1  304 ; 200\n' >scenario
	fakesofa_start store scenario
	run -0 fetch a "$FAKESOFA_URL/event/1"
	assert_equal "$(cat a.code)" 304
	[ ! -s a.b ]
	etag=$(hdr a.h ETag)
	[[ $etag =~ ^W/ ]]
	run -0 fetch b "$FAKESOFA_URL/event/1" -H "If-None-Match: $etag"
	assert_equal "$(cat b.code)" 200
	cmp b.b store/event/1.json
	run -0 fetch c "$FAKESOFA_URL/event/1" -H "If-None-Match: $etag"
	assert_equal "$(cat c.code)" 304
	fakesofa_wait_log 3
	run -0 fakesofa_jq '[.status, .bytes, .step]'
	assert_output $'[304,0,"304"]\n[200,18,"200"]\n[304,0,null]'
}

@test "fakesofa: delay=MS holds a response, --latency every response" {
	printf 'event/1  delay=800\n' >scenario
	fakesofa_start store scenario --latency 300
	t0=$(now)
	run -0 fetch a "$FAKESOFA_URL/event/1"
	el=$(since "$t0")
	assert_equal "$(cat a.code)" 200
	cmp a.b store/event/1.json
	between "$el" 1.1 5
	t0=$(now)
	run -0 fetch b "$FAKESOFA_URL/event/1"
	el=$(since "$t0")
	between "$el" 0.3 2.5
	t0=$(now)
	run -0 fetch c "$FAKESOFA_URL/nothing"
	el=$(since "$t0")
	assert_equal "$(cat c.code)" 404
	between "$el" 0.3 3
	fakesofa_wait_log 3
	run -0 fakesofa_jq -r '.t_resp - .t_recv'
	between "${lines[0]}" 1.099 3
	between "${lines[1]}" 0.299 1.5
}

@test "fakesofa: trickle=BYTES/MS sends the body piece by piece" {
	# a valid JSON body of exactly 1000 bytes
	{ printf '{"pad":"'; printf '%990s' '' | tr ' ' x; printf '"}'; } >big.json
	assert_equal "$(wc -c <big.json)" 1000
	printf 'event/1  body=big.json trickle=250/200\n' >scenario
	fakesofa_start store scenario
	t0=$(now)
	run -0 fetch a "$FAKESOFA_URL/event/1"
	el=$(since "$t0")
	cmp a.b big.json
	assert_equal "$(hdr a.h Content-Length)" 1000
	between "$el" 0.6 5
	fakesofa_wait_log 1
	# the head at once, the last piece 3 x 200 ms later
	run -0 fakesofa_jq -r '.t_resp - .t_recv, .t_done - .t_resp, .bytes, .outcome'
	between "${lines[0]}" 0 0.5
	between "${lines[1]}" 0.599 4
	assert_equal "${lines[2]}" 1000
	assert_equal "${lines[3]}" complete
}

@test "fakesofa: stall never answers, until the client gives up" {
	printf 'event/1  stall ; pass\n' >scenario
	fakesofa_start store scenario
	t0=$(now)
	run -28 curl -sS -m 1 -o a.b "$FAKESOFA_URL/event/1"
	el=$(since "$t0")
	between "$el" 1 4
	[ ! -s a.b ]
	fakesofa_wait_log 1
	run -0 fakesofa_jq '[.status, .bytes, .outcome, .step, .t_resp]'
	assert_output '[null,0,"stalled","stall",null]'
	run -0 fakesofa_jq -r '.t_done - .t_recv'
	between "$output" 0.9 4
	# the next request gets its answer
	run -0 fetch b "$FAKESOFA_URL/event/1"
	assert_equal "$(cat b.code)" 200
}

@test "fakesofa: stall with truncate=N sends the head and N bytes, then hangs" {
	printf 'event/1/lineups  stall truncate=10\n' >scenario
	fakesofa_start store scenario
	run -28 curl -sS -m 1 -D a.h -o a.b "$FAKESOFA_URL/event/1/lineups"
	assert_equal "$(hdr a.h Content-Length)" "$(wc -c <store/event/1/lineups.json)"
	head -c 10 store/event/1/lineups.json >want
	cmp a.b want
	fakesofa_wait_log 1
	run -0 fakesofa_jq '[.status, .bytes, .outcome]'
	assert_output '[200,10,"stalled"]'
}

@test "fakesofa: reset closes the connection with a TCP reset" {
	printf 'event/1  reset ; pass\n' >scenario
	fakesofa_start store scenario
	run -56 curl -sS -o a.b "$FAKESOFA_URL/event/1"
	assert_output --partial 'reset by peer'
	run -0 fetch b "$FAKESOFA_URL/event/1"
	assert_equal "$(cat b.code)" 200
	fakesofa_wait_log 2
	run -0 fakesofa_jq '[.status, .bytes, .outcome]'
	assert_line --index 0 '[null,0,"reset"]'
	assert_line --index 1 '[200,18,"complete"]'
}

@test "fakesofa: empty closes the connection without a byte" {
	printf 'event/1  empty\n' >scenario
	fakesofa_start store scenario
	run -52 curl -sS -o a.b "$FAKESOFA_URL/event/1"
	assert_output --partial 'Empty reply from server'
	fakesofa_wait_log 1
	run -0 fakesofa_jq '[.status, .bytes, .outcome]'
	assert_output '[null,0,"empty"]'
}

@test "fakesofa: truncate=N announces the whole length and sends N bytes" {
	printf 'event/1/lineups  truncate=20\n' >scenario
	fakesofa_start store scenario
	size=$(wc -c <store/event/1/lineups.json)
	run -18 curl -sS -D a.h -o a.b "$FAKESOFA_URL/event/1/lineups"
	assert_output --partial 'bytes remaining to read'
	assert_equal "$(hdr a.h Content-Length)" "$size"
	head -c 20 store/event/1/lineups.json >want
	cmp a.b want
	fakesofa_wait_log 1
	run -0 fakesofa_jq '[.status, .length, .bytes, .outcome]'
	assert_output "[200,$size,20,\"truncated\"]"
}

@test "fakesofa: invalid-json is a 200 whose JSON body does not parse" {
	printf 'event/1  invalid-json\n' >scenario
	fakesofa_start store scenario
	run -0 fetch a "$FAKESOFA_URL/event/1"
	assert_equal "$(cat a.code)" 200
	assert_equal "$(hdr a.h Content-Type)" application/json
	[ -s a.b ]
	run ! jq . a.b
	assert_equal "$(hdr a.h Content-Length)" "$(wc -c <a.b)"
	fakesofa_wait_log 1
	run -0 fakesofa_jq '[.status, .step, .outcome]'
	assert_output '[200,"invalid-json","complete"]'
}

@test "fakesofa: html is a 200 text/html page, status= changes its status" {
	printf 'event/1  html ; html status=503\n' >scenario
	fakesofa_start store scenario
	run -0 fetch a "$FAKESOFA_URL/event/1"
	run -0 fetch b "$FAKESOFA_URL/event/1"
	assert_equal "$(cat a.code)" 200
	assert_equal "$(hdr a.h Content-Type)" 'text/html; charset=utf-8'
	run -0 head -n 1 a.b
	assert_output '<!DOCTYPE html>'
	run ! jq . a.b
	assert_equal "$(cat b.code)" 503
	cmp a.b b.b
}

@test "fakesofa: error-json is a 200 whose body is an error object" {
	printf 'event/1  error-json ; error-json=500 ; error-json=403\n' >scenario
	fakesofa_start store scenario
	for n in a b c; do
		run -0 fetch "$n" "$FAKESOFA_URL/event/1"
		assert_equal "$(cat "$n.code")" 200
	done
	assert_equal "$(cat a.b)" '{"error":{"code":404,"message":"Not Found"}}'
	assert_equal "$(cat b.b)" '{"error":{"code":500,"message":"Internal Server Error"}}'
	assert_equal "$(cat c.b)" '{"error":{"code":403,"reason":"challenge"}}'
	assert_equal "$(hdr a.h Content-Type)" application/json
}

@test "fakesofa: challenge and forbidden are the two real 403 bodies" {
	printf 'event/*  challenge ; forbidden\n' >scenario
	fakesofa_start store scenario
	run -0 fetch a "$FAKESOFA_URL/event/1"
	run -0 fetch b "$FAKESOFA_URL/event/1"
	run -0 fetch c "$FAKESOFA_URL/event/2"
	assert_equal "$(cat a.code) $(cat b.code) $(cat c.code)" '403 403 403'
	assert_equal "$(cat a.b)" '{"error":{"code":403,"reason":"challenge"}}'
	assert_equal "$(cat b.b)" '{"error":{"code":403,"reason":"Forbidden"}}'
	cmp a.b c.b
	run -1 grep -i '^etag:' a.h
	assert_equal "$(hdr a.h Content-Type)" application/json
}

@test "fakesofa: status steps answer with the JSON error body; 204 without one" {
	printf 'event/1  500 ; 502 ; 522 ; 204 ; 410\n' >scenario
	fakesofa_start store scenario
	for n in a b c d e; do
		run -0 fetch "$n" "$FAKESOFA_URL/event/1"
	done
	assert_equal "$(cat c.code)" 522
	assert_equal "$(cat a.b)" '{"error":{"code":500,"message":"Internal Server Error"}}'
	assert_equal "$(cat b.b)" '{"error":{"code":502,"message":"Bad Gateway"}}'
	assert_equal "$(cat c.b)" '{"error":{"code":522,"message":"Connection Timed Out"}}'
	assert_equal "$(cat d.code)" 204
	[ ! -s d.b ]
	assert_equal "$(cat e.b)" '{"error":{"code":410,"message":"Gone"}}'
	fakesofa_wait_log 5
	run -0 jq -s -c 'sort_by(.seq) | map(.status)' "$FAKESOFA_LOG"
	assert_output '[500,502,522,204,410]'
}

@test "fakesofa: body=FILE serves another file; an unreadable one gives 500" {
	printf '{"other":true}\n' >other.json
	cat >scenario <<-EOF
	event/1   body=other.json ; 404 body=$BATS_TEST_TMPDIR/other.json ; body=missing.json
	EOF
	fakesofa_start store scenario
	for n in a b c; do
		run -0 fetch "$n" "$FAKESOFA_URL/event/1"
	done
	assert_equal "$(cat a.code)" 200
	cmp a.b other.json
	[[ $(hdr a.h ETag) =~ ^W/ ]]
	assert_equal "$(cat b.code)" 404
	cmp b.b other.json
	assert_equal "$(cat c.code)" 500
	fakesofa_wait_log 3
	grep -q 'fakesofa: missing.json: No such file' "$FAKESOFA_DIR/stderr"
	run -0 fakesofa_jq '.file'
	assert_output "$(printf '"other.json"\n"%s"\nnull' "$BATS_TEST_TMPDIR/other.json")"
}

@test "fakesofa: redirect=URL sends Location; curl -L follows it to another server" {
	mkdir -p other/event/1
	printf '{"from":"other"}' >other/event/1/lineups.json
	fakesofa_start other
	other_url=$FAKESOFA_URL
	other_log=$FAKESOFA_LOG
	cat >scenario <<-EOF
	event/1/lineups   redirect=$other_url/event/1/lineups ; 301 redirect=/api/v1/event/1
	EOF
	fakesofa_start store scenario
	run -0 fetch a "$FAKESOFA_URL/event/1/lineups" -L
	assert_equal "$(cat a.code)" 200
	assert_equal "$(cat a.b)" '{"from":"other"}'
	run -0 fetch b "$FAKESOFA_URL/event/1/lineups"
	assert_equal "$(cat b.code)" 301
	assert_equal "$(hdr b.h Location)" /api/v1/event/1
	assert_equal "$(hdr b.h Content-Length)" 0
	fakesofa_wait_log 2
	run -0 fakesofa_jq '[.status, .path]'
	assert_output $'[302,"event/1/lineups"]\n[301,"event/1/lineups"]'
	fakesofa_wait_log 1 10 "$other_log"
	run -0 jq -c '[.status, .path]' "$other_log"
	assert_output '[200,"event/1/lineups"]'
}

@test "fakesofa: date= and --date-skew skew the Date header, and Retry-After dates with it" {
	printf 'event/1  date=+3600 ; 503 date=-86400 retry-after-date=+5\n' >scenario
	fakesofa_start store scenario --date-skew -7200
	run -0 fetch a "$FAKESOFA_URL/event/1"
	run -0 fetch b "$FAKESOFA_URL/event/1"
	run -0 fetch c "$FAKESOFA_URL/event/2"
	t=$(date +%s)
	between $(($(epoch "$(hdr a.h Date)") - t)) 3590 3600
	between $(($(epoch "$(hdr b.h Date)") - t)) -86410 -86400
	assert_equal $(($(epoch "$(hdr b.h Retry-After)") - \
	    $(epoch "$(hdr b.h Date)"))) 5
	between $(($(epoch "$(hdr c.h Date)") - t)) -7210 -7200
}

@test "fakesofa: chunked sends a chunked body, no-length one ended by close" {
	{ printf '{"pad":"'; printf '%2990s' '' | tr ' ' y; printf '"}'; } >big.json
	cat >scenario <<-'EOF'
	event/1   body=big.json chunked trickle=1000/10 ; body=big.json no-length ; body=big.json chunked
	EOF
	fakesofa_start store scenario
	run -0 fetch a "$FAKESOFA_URL/event/1" --raw
	assert_equal "$(hdr a.h Transfer-Encoding)" chunked
	[ -z "$(hdr a.h Content-Length)" ]
	# three chunks of 1000 (3e8) and the last chunk, on the wire
	run -0 grep -c $'^3e8\r$' a.b
	assert_output 3
	tail -c 5 a.b >last
	printf '0\r\n\r\n' >want
	cmp last want
	run -0 fetch b "$FAKESOFA_URL/event/1"
	cmp b.b big.json
	[ -z "$(hdr b.h Content-Length)" ]
	assert_equal "$(hdr b.h Connection)" close
	run -0 fetch c "$FAKESOFA_URL/event/1"
	cmp c.b big.json
	fakesofa_wait_log 3
	run -0 fakesofa_jq '[.length, .bytes, .outcome]'
	assert_output "$(printf '[null,3000,"complete"]\n%.0s' 1 2 3)"
}

@test "fakesofa: close ends the connection after the response" {
	printf 'event/1  close\n' >scenario
	fakesofa_start store scenario
	run -0 curl -sS -D a.h -o a.b -o b.b "$FAKESOFA_URL/event/1" \
	    "$FAKESOFA_URL/event/2"
	assert_equal "$(grep -ci '^connection: close' a.h)" 1
	cmp a.b store/event/1.json
	cmp b.b store/event/2.json
	fakesofa_wait_log 2
	run -0 fakesofa_jq '[.path, .conn]'
	assert_output $'["event/1",1]\n["event/2",2]'
}

@test "fakesofa: a scenario also applies to a missing file, then 404" {
	printf 'event/9/lineups  429 ; pass\n' >scenario
	fakesofa_start store scenario
	run -0 fetch a "$FAKESOFA_URL/event/9/lineups"
	run -0 fetch b "$FAKESOFA_URL/event/9/lineups"
	assert_equal "$(cat a.code) $(cat b.code)" '429 404'
	assert_equal "$(cat b.b)" '{"error":{"code":404,"message":"Not Found"}}'
}

@test "fakesofa: HEAD requests advance the counters too" {
	printf 'event/1  503 ; 429\n' >scenario
	fakesofa_start store scenario
	run -0 fetch a "$FAKESOFA_URL/event/1" -I
	run -0 fetch b "$FAKESOFA_URL/event/1"
	assert_equal "$(cat a.code) $(cat b.code)" '503 429'
}

@test "fakesofa: scenario errors exit 2 and name file:line" {
	check() {
		printf '# comment\n\n%s\n' "$1" >bad
		run -2 fakesofa -s bad store
		assert_output --partial "fakesofa: bad:3: $2"
	}
	check 'event/1 503 ; bogus' "unknown step word 'bogus'"
	check "event/1 header='X: a" 'unterminated quote'
	check 'event/1 repeat' "'repeat' must end"
	check 'event/1 503 ; repeat ; 200' "'repeat' must end"
	check 'event/1 delay=abc' "delay: bad number 'abc'"
	check 'event/1 700' "status: bad number '700'"
	check 'event/1 503 ;; 200' 'empty step 2'
	check 'event/1' "no steps for 'event/1'"
	check 'event/1 trickle=100' 'trickle: want BYTES/MS'
	check 'event/1 header=NoColon' 'header: want Name:value'
	check 'event/1 x0' "xN: bad number '0'"
	check 'event/1 chunked no-length' 'chunked and no-length exclude each other'
	run -2 fakesofa -s no-such-file store
	assert_output --partial 'fakesofa: no-such-file: No such file'
}

@test "fakesofa: SIGHUP reloads the scenario and resets its counters" {
	printf 'event/1  503 ; pass\n' >scenario
	fakesofa_start store scenario
	curl -sS -o /dev/null -w '%{http_code}\n' "$FAKESOFA_URL/event/1" >>got
	curl -sS -o /dev/null -w '%{http_code}\n' "$FAKESOFA_URL/event/1" >>got
	printf 'event/1  429 ; 418\n' >new
	fakesofa_reload new
	curl -sS -o /dev/null -w '%{http_code}\n' "$FAKESOFA_URL/event/1" >>got
	# a bad file is refused and the old scenario stays, counters too
	printf 'event/1  bogus\n' >new
	run ! fakesofa_reload new
	curl -sS -o /dev/null -w '%{http_code}\n' "$FAKESOFA_URL/event/1" >>got
	curl -sS -o /dev/null -w '%{http_code}\n' "$FAKESOFA_URL/event/1" >>got
	assert_equal "$(tr '\n' ' ' <got)" '503 200 429 418 200 '
	grep -q 'fakesofa: reload: ok, 1 rules' "$FAKESOFA_DIR/stderr"
	grep -q 'fakesofa: scenario:1: unknown step word' "$FAKESOFA_DIR/stderr"
}
